"""Train the stance model (src/crosscheck/data/stance_model.json) on the FNC-1 training file.

usage: .venv/bin/python eval/train_stance.py [--select] [--cache DIR] [--out PATH]

Data: the "train" part of the FNC baseline's split of the FNC-1 training file (40,350 pairs,
1,346 bodies; see ../shared/data/fnc-1/SOURCE.md). The "holdout" part is never read here: it is
what eval/fnc1.py scores. ``--select`` instead holds out a fifth of the train bodies (chosen by
a hash of the body id) and prints the validation scores of a few settings, which is how the
shipped settings were chosen.

Steps: a hashed IDF table from the train bodies and headlines; the features of
crosscheck.link.stance for every pair (MiniLM vectors cached in ``--cache``, a temp dir by
default); scikit-learn's GradientBoostingClassifier with fixed seeds; the trees exported to
flat JSON arrays (no pickle), checked against scikit-learn's own probabilities, with the cue words
of each kind the features were built from (``cue_words``: the shipped model keeps reading those when
cues.json grows, until it is trained again).
Deterministic: same data, same library versions, same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "eval"))

from crosscheck.link import stance as st  # noqa: E402
from fnc1 import LABELS, metrics, read_pairs  # noqa: E402

OUT = ROOT / "src" / "crosscheck" / "data" / "stance_model.json"
IDF_SCALE = 100  # the IDF table is stored as integers in hundredths
PARAMS: dict[str, Any] = {"max_iter": 300, "learning_rate": 0.1, "max_leaf_nodes": 31, "min_samples_leaf": 20,
                          "l2_regularization": 1.0}
DISAGREE_WEIGHT = 3.0  # see docs/models/stance.md: better on unseen headlines, slightly worse on the hold-out
SEED = 20170601


def hashed_idf(texts: Sequence[str]) -> np.ndarray:
    """Smoothed IDF per hash bucket, over ``texts`` as documents (as scikit-learn's smooth_idf)."""
    df = np.zeros(1 << st.HASH_BITS, dtype=np.float64)
    for text in texts:
        for b in {st.term_bucket(t) for t in st.content_terms(text)}:
            df[b] += 1
    idf = np.log((1 + len(texts)) / (1 + df)) + 1.0
    return np.round(idf * IDF_SCALE) / IDF_SCALE


class CachedEncoder:
    """MiniLM vectors kept in a .npy/.json pair in ``cache``, computed for texts not seen yet."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.index: dict[str, int] = {}
        self.vecs = np.zeros((0, 384), dtype=np.float32)
        keys, arr = cache / "texts.json", cache / "vecs.npy"
        if keys.exists() and arr.exists():
            self.index = {t: i for i, t in enumerate(json.loads(keys.read_text("utf-8")))}
            self.vecs = np.load(arr)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self.index})
        if missing:
            from crosscheck.link.embed import encode

            started = time.perf_counter()
            new = encode(missing)
            print(f"  embedded {len(missing)} texts in {time.perf_counter() - started:.0f} s", flush=True)
            base = len(self.index)
            self.index.update({t: base + i for i, t in enumerate(missing)})
            self.vecs = np.vstack([self.vecs, new])
            self.cache.mkdir(parents=True, exist_ok=True)
            (self.cache / "texts.json").write_text(json.dumps(list(self.index)), "utf-8")
            np.save(self.cache / "vecs.npy", self.vecs)
        return self.vecs[[self.index[t] for t in texts]]


def export(clf: Any, idf: np.ndarray, decision: str) -> dict[str, object]:
    """The fitted HistGradientBoostingClassifier as flat node arrays (see stance.StanceModel).

    scikit-learn keeps the fitted trees in ``_predictors`` (one list of per-class trees per
    iteration, each a structured ``nodes`` array). It is not public API, so the export is
    checked against ``predict_proba`` below and training stops if they ever disagree.
    """
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    roots: list[int] = []
    tree_label: list[int] = []
    depth = 0
    stages = clf._predictors
    for stage in stages:
        for k, pred in enumerate(stage):
            nodes = pred.nodes
            if nodes["is_categorical"].any():
                raise SystemExit("categorical splits cannot be exported")
            base = len(feature)
            roots.append(base)
            tree_label.append(k)
            depth = max(depth, int(nodes["depth"].max()))
            for n, node in enumerate(nodes):
                leaf = bool(node["is_leaf"])
                feature.append(0 if leaf else int(node["feature_idx"]))
                threshold.append(1e308 if leaf else float(node["num_threshold"]))
                left.append(base + n if leaf else base + int(node["left"]))
                right.append(base + n if leaf else base + int(node["right"]))
                value.append(float(np.float32(node["value"])) if leaf else 0.0)
    # the learning rate is already in the leaf values
    init = np.asarray(clf._baseline_prediction, dtype=np.float64).ravel()
    return {
        "_about": "Stance model for crosscheck.link.stance, written by eval/train_stance.py; see docs/models/stance.md.",
        "features": list(st.FEATURES),
        "labels": [str(LABELS[int(c)]) for c in clf.classes_],
        "learning_rate": 1.0,
        "init": [float(v) for v in init],
        "decision": decision,
        "max_sentences": st.MAX_SENTENCES,
        "params": {**PARAMS, "disagree_weight": DISAGREE_WEIGHT, "random_state": SEED},
        "idf_scale": IDF_SCALE,
        "idf": [round(float(v) * IDF_SCALE) for v in idf],
        "trees": {"depth": depth, "roots": roots, "label": tree_label, "feature": feature,
                  "threshold": threshold, "left": left, "right": right, "value": value},
    }


def fit(x: np.ndarray, y: np.ndarray, params: dict[str, Any], *, disagree_weight: float = 1.0) -> Any:
    """A HistGradientBoostingClassifier with a fixed seed and no early stopping."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    clf = HistGradientBoostingClassifier(random_state=SEED, early_stopping=False, **params)
    clf.fit(x, y, sample_weight=np.where(y == LABELS.index("disagree"), disagree_weight, 1.0))
    return clf


def _fold(body: str) -> bool:
    """A fifth of the bodies, chosen by a hash of their text (stable across runs and machines)."""
    return zlib.crc32(hashlib.sha1(body.encode("utf-8")).digest()) % 5 == 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--select", action="store_true", help="validate settings on a fifth of the train bodies")
    ap.add_argument("--cache", type=Path, help="embedding cache directory (default: a temp dir)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    from suites import shared_dir

    started = time.perf_counter()
    st.train_with_current_lexicon()  # today's cue words, written into the model below
    rows = read_pairs(shared_dir(), "train")
    bodies = sorted({b for _, b, _ in rows})
    heads = sorted({h for h, _, _ in rows})
    with tempfile.TemporaryDirectory() as tmp:
        encoder = CachedEncoder(args.cache or Path(tmp))
        idf = hashed_idf(bodies + heads)
        print(f"{len(rows)} train pairs; computing features", flush=True)
        x = st.feature_matrix([(h, b) for h, b, _ in rows], idf=idf, encode=encoder)
    y = np.array([LABELS.index(s) for _, _, s in rows])
    print(f"features {x.shape} in {time.perf_counter() - started:.0f} s", flush=True)

    if args.select:
        # two validations: unseen bodies (as the hold-out split: its headlines also occur in training), and
        # unseen bodies with unseen headlines (as the competition test set, and as crosscheck's own use)
        vbody = np.array([_fold(b) for _, b, _ in rows])
        vhead = np.array([_fold(h) for h, _, _ in rows])
        splits = {"new bodies": (~vbody, vbody), "new bodies+headlines": (~vbody & ~vhead, vbody & vhead)}
        for params, drop, weight in _candidates():
            cols = np.array([not f.startswith(drop) if drop else True for f in st.FEATURES])
            for name, (tr, va) in splits.items():
                clf = fit(x[tr][:, cols], y[tr], params, disagree_weight=weight)
                p = clf.predict_proba(x[va][:, cols])
                m = metrics([LABELS[i] for i in y[va]], [LABELS[i] for i in st.expected_fnc(p, LABELS).argmax(axis=1)])
                print(f"{name}: without {drop or '-'}, disagree x{weight}: "
                      + " ".join(f"{k}={v:.4f}" for k, v in m.items()), flush=True)
        return 0

    t0 = time.perf_counter()
    clf = fit(x, y, PARAMS, disagree_weight=DISAGREE_WEIGHT)
    print(f"fitted in {time.perf_counter() - t0:.0f} s", flush=True)
    data = export(clf, idf, decision="fnc")
    data["cue_words"] = st.cue_words()  # the features' words travel with the trees (stance._lexicon)
    model = st.StanceModel.from_json(json.loads(json.dumps(data)))
    sample = x[:: max(1, len(x) // 5000)]
    gap = float(np.abs(model.proba(sample) - clf.predict_proba(sample)).max())
    if gap > 1e-4:
        raise SystemExit(f"exported trees disagree with scikit-learn by {gap:.2e}")
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB); max probability gap to scikit-learn "
          f"{gap:.1e}; total {time.perf_counter() - started:.0f} s")
    return 0


def _candidates() -> list[tuple[dict[str, Any], str, float]]:
    """Settings compared by ``--select``: parameters, a feature-name prefix to leave out (an ablation), and
    the weight of disagree examples."""
    return [(PARAMS, "", 1.0), (PARAMS, "h_", 1.0), (PARAMS, "", 3.0), (PARAMS, "emb_", 3.0)]


if __name__ == "__main__":
    sys.exit(main())
