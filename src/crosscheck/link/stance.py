"""Stance of a text toward a headline or claim: agree, disagree, discuss or unrelated (FNC-1 labels).

``stance(headline, body)`` returns the label and a probability per label. The model is a small
gradient-boosted tree ensemble over features in the spirit of the strongest FNC-1 systems that
need no GPU: MiniLM cosine between the headline and the body's sentences (best, top three, lead,
mean), hashed TF-IDF cosine and word / n-gram overlap, refuting, hedging, reporting and negation
cues counted in the body and in the sentences that match the headline best, and number and
name overlap. Its weights (``data/stance_model.json``, trees as flat arrays, no pickle) come
from ``eval/train_stance.py``; the model card is docs/models/stance.md.

Everything here is a pure function of its inputs and the loaded model; embedding is the only
slow part, so :func:`stance_many` embeds every distinct headline and body sentence once, in
batches. The cue words come from ``data/cues.json`` (deny verbs and nouns, false words, hedges,
distancing verbs) and ``data/stance_lexicon.json`` (refuting, confirming and reporting words), as they
were when the shipped model was trained: the model file keeps them (``cue_words``).
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from crosscheck.errors import CrosscheckError
from crosscheck.packagedata import data_json

__all__ = [
    "FEATURES",
    "HASH_BITS",
    "LABELS",
    "MAX_SENTENCES",
    "StanceModel",
    "StanceModelUnavailable",
    "content_terms",
    "expected_fnc",
    "feature_matrix",
    "load_model",
    "split_sentences",
    "stance",
    "stance_many",
    "term_bucket",
]

Label = Literal["agree", "disagree", "discuss", "unrelated"]
LABELS: tuple[Label, ...] = ("agree", "disagree", "discuss", "unrelated")
MAX_SENTENCES = 16  # body sentences embedded; FNC bodies put what matters first, and this bounds the cost
HASH_BITS = 16  # TF-IDF buckets: 65,536, so the shipped IDF table holds no words
Encoder = Callable[[Sequence[str]], np.ndarray]


class StanceModelUnavailable(CrosscheckError):
    """The shipped stance weights are missing or were written by another feature version."""

    code = "E202"


# ---------------------------------------------------------------------------------------------
# text preparation

_PARA = re.compile(r"\n+")
_SENT = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_CAP = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z]+")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: paragraphs split at newlines, then at end punctuation before a capital."""
    out: list[str] = []
    for para in _PARA.split(text):
        out.extend(s.strip() for s in _SENT.split(para) if s.strip())
    return out


def _stem(word: str) -> str:
    """A crude suffix stripper: enough to match 'denies', 'denied' and 'deny' or 'claims' and 'claim'."""
    if len(word) > 4 and word.endswith(("ies", "ied")):
        return word[:-3] + "y"
    for suffix, keep in (("ing", 5), ("ed", 4), ("es", 5), ("s", 3)):
        if word.endswith(suffix) and len(word) > keep and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def term_bucket(term: str) -> int:
    """The TF-IDF bucket of a term (crc32, not hash(): Python salts str hashes per process)."""
    return zlib.crc32(term.encode("utf-8")) & ((1 << HASH_BITS) - 1)


_WORDS = {"trained": True}  # read the cue words the shipped model was trained with (training clears it)


def train_with_current_lexicon() -> None:
    """Build the cue features from today's cues.json (for training a new model), not the shipped model's."""
    _WORDS["trained"] = False
    _lexicon.cache_clear()


@functools.cache
def _lexicon() -> dict[str, re.Pattern[str]]:
    """Cue patterns by kind: the words the shipped model was trained with (its ``cue_words``), so that a
    later change to the attribution lexicon does not shift the features under trained trees; a model
    without them, and training, use ``cue_words()``."""
    kinds = cue_words()
    if _WORDS["trained"]:
        with contextlib.suppress(FileNotFoundError):
            kinds = data_json("stance_model.json").get("cue_words") or kinds
    out: dict[str, re.Pattern[str]] = {}
    for kind, words in kinds.items():
        alts = sorted({re.escape(w.lower()) for w in words}, key=len, reverse=True)
        # "n't" is glued to its verb, so no word boundary before it
        out[kind] = re.compile(r"(?:\b|(?=n't))(?:" + "|".join(alts) + r")\b")
    return out


def cue_words() -> dict[str, list[str]]:
    """The cue words by kind, from cues.json and stance_lexicon.json, sorted (what a new model is trained on)."""
    cues = data_json("cues.json")
    extra = data_json("stance_lexicon.json")
    deny_verbs = [v for v, f in cues["verbs"].items() if f.get("polarity") == "deny"]
    deny_nouns = [n for n, p in cues["speech_nouns"].items() if p == "deny"]
    hedge_verbs = [v for v, f in cues["verbs"].items() if f.get("hedge") or f.get("distancing")]
    h = cues["hedges"]
    kinds = {
        "deny": [w for v in deny_verbs for w in _inflect(v)] + deny_nouns + cues["false_words"]
        + cues["deny_phrases"] + extra["refute"],
        "hedge": h["adverbs"] + h["modals"] + [w for v in h["verbs"] + hedge_verbs for w in _inflect(v)] + h["phrases"],
        "report": extra["report"],
        "agree": extra["agree"],
        "negation": extra["negation"],
    }
    return {kind: sorted({w.lower() for w in words}) for kind, words in kinds.items()}


@functools.cache
def _stopwords() -> frozenset[str]:
    extra = data_json("stance_lexicon.json")
    return frozenset(extra["stopwords"])


def content_terms(text: str) -> list[str]:
    """Stemmed content words of ``text`` (stopwords dropped), as the overlap and TF-IDF features see them."""
    stop = _stopwords()
    return [_stem(w) for w in _WORD.findall(text.lower().replace("’", "'")) if w not in stop]


def _inflect(verb: str) -> list[str]:
    """deny -> deny, denies, denied, denying; dispute -> dispute, disputes, disputed, disputing."""
    if verb.endswith("y"):
        return [verb, verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"]
    if verb.endswith("e"):
        return [verb, verb + "s", verb + "d", verb[:-1] + "ing"]
    return [verb, verb + "s", verb + "es", verb + "ed", verb + "ing"]


_CUE_KINDS = ("deny", "hedge", "report", "agree", "negation")


@dataclass(frozen=True, slots=True)
class _Text:
    """A headline or a body, prepared once however many pairs it takes part in."""

    sents: tuple[str, ...]
    stems: tuple[tuple[str, ...], ...]  # content stems per sentence
    tfidf: tuple[dict[int, float], ...]  # unit TF-IDF vector per sentence
    whole: dict[int, float]  # unit TF-IDF vector of the whole text
    cues: np.ndarray  # (sentences, cue kinds) counts
    ntokens: int
    numbers: frozenset[str]
    names: frozenset[str]
    questions: int


def _tfidf(terms: Sequence[str], idf: np.ndarray) -> dict[int, float]:
    counts = Counter(term_bucket(t) for t in terms)
    vec = {b: (1.0 + math.log(c)) * float(idf[b]) for b, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {b: v / norm for b, v in vec.items()}


def _cos(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def _prepare(text: str, idf: np.ndarray, *, single: bool = False) -> _Text:
    sents = tuple([" ".join(text.split())] if single else split_sentences(text)) or ("",)
    stop = _stopwords()
    lex = _lexicon()
    stems: list[tuple[str, ...]] = []
    cues = np.zeros((len(sents), len(_CUE_KINDS)), dtype=np.float64)
    ntokens = 0
    for i, s in enumerate(sents):
        low = s.lower().replace("’", "'")
        words = _WORD.findall(low)
        ntokens += len(words)
        stems.append(tuple(_stem(w) for w in words if w not in stop))
        for j, kind in enumerate(_CUE_KINDS):
            cues[i, j] = len(lex[kind].findall(low))
    all_stems = [t for s in stems for t in s]
    return _Text(
        sents=sents,
        stems=tuple(stems),
        tfidf=tuple(_tfidf(s, idf) for s in stems),
        whole=_tfidf(all_stems, idf),
        cues=cues,
        ntokens=ntokens,
        numbers=frozenset(n.replace(",", "") for n in _NUM.findall(text)),
        names=frozenset(m.lower() for m in _CAP.findall(text) if m.lower() not in stop),
        questions=text.count("?"),
    )


# ---------------------------------------------------------------------------------------------
# features

FEATURES: tuple[str, ...] = (
    # headline alone
    "h_tokens", "h_deny", "h_hedge", "h_report", "h_agree", "h_negation", "h_question",
    # body alone (cues per sentence)
    "b_tokens", "b_sentences", "b_deny", "b_hedge", "b_report", "b_agree", "b_negation", "b_question",
    # word overlap
    "share_body", "share_lead", "jaccard", "bigram_share", "trigram_share", "bigram_lead",
    # hashed TF-IDF cosine
    "tfidf_body", "tfidf_max", "tfidf_top3", "tfidf_lead", "tfidf_best_pos",
    # MiniLM cosine
    "emb_mean", "emb_max", "emb_top3", "emb_lead", "emb_gap", "emb_best_pos", "emb_centroid",
    # cues in the sentences that match the headline best (mean per sentence), and weighted by match
    "near_deny", "near_hedge", "near_report", "near_agree", "near_negation", "near_question",
    "wdeny", "whedge", "wreport", "wagree", "wnegation",
    # denials in the first three sentences
    "lead_deny",
    # polarity: the headline's negation parity against the best sentences'
    "polarity_clash",
    # numbers and names
    "h_numbers", "number_share", "h_names", "name_share",
)


def _ngrams(stems: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(stems[i : i + n]) for i in range(len(stems) - n + 1)}


def _share(part: set[Any], whole: set[Any]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def _pair_features(h: _Text, hvec: np.ndarray, b: _Text, bvecs: np.ndarray) -> list[float]:
    hst = list(h.stems[0])
    hset = set(hst)
    bset = {t for s in b.stems for t in s}
    lead = {t for s in b.stems[:2] for t in s}
    bbi = set().union(*(_ngrams(s, 2) for s in b.stems))
    btri = set().union(*(_ngrams(s, 3) for s in b.stems))
    leadbi = set().union(*(_ngrams(s, 2) for s in b.stems[:2]))
    hbi, htri = _ngrams(hst, 2), _ngrams(hst, 3)

    tf = np.array([_cos(h.tfidf[0], s) for s in b.tfidf])
    n = len(tf)
    tf_order = np.argsort(-tf, kind="stable")
    emb = bvecs @ hvec if len(bvecs) else np.zeros(1)
    emb_order = np.argsort(-emb, kind="stable")
    centroid = bvecs.mean(axis=0) if len(bvecs) else np.zeros_like(hvec)
    cnorm = float(np.linalg.norm(centroid)) or 1.0  # the cosine to the centroid, not the mean cosine

    # the sentences that match best: top three by TF-IDF plus the best by embedding
    near = sorted({*tf_order[:3].tolist(), int(emb_order[0])})
    near_cues = b.cues[near].mean(axis=0)
    near_q = sum("?" in b.sents[i] for i in near) / len(near)
    weights = np.clip(tf, 0.0, None)
    weighted = (weights[:, None] * b.cues).sum(axis=0) / (weights.sum() or 1.0)
    h_neg = h.cues[0, _CUE_KINDS.index("negation")]
    near_neg = b.cues[near, _CUE_KINDS.index("negation")].sum()
    body_cues = b.cues.mean(axis=0)

    return [
        math.log1p(h.ntokens), *h.cues[0].tolist(), float(h.questions > 0),
        math.log1p(b.ntokens), math.log1p(n), *body_cues.tolist(), b.questions / n,
        _share(hset, bset), _share(hset, lead), len(hset & bset) / (len(hset | bset) or 1),
        _share(hbi, bbi), _share(htri, btri), _share(hbi, leadbi),
        _cos(h.whole, b.whole), float(tf.max()), float(np.sort(tf)[-3:].mean()), float(tf[0]),
        float(tf_order[0]) / n,
        float(emb.mean()), float(emb.max()),
        float(np.sort(emb)[-3:].mean()), float(emb[0]), float(emb.max() - emb.mean()),
        float(emb_order[0]) / max(len(emb), 1), float(centroid @ hvec) / cnorm,
        *near_cues.tolist(), near_q,
        *weighted.tolist(),
        float(b.cues[:3, _CUE_KINDS.index("deny")].sum()),
        float((h_neg % 2 == 1) != (near_neg % 2 == 1)),
        float(len(h.numbers)), _share(set(h.numbers), set(b.numbers)),
        float(len(h.names)), _share(set(h.names), set(b.names)),
    ]


def feature_matrix(
    pairs: Sequence[tuple[str, str]], *, idf: np.ndarray, encode: Encoder, max_sentences: int = MAX_SENTENCES
) -> np.ndarray:
    """Features (one row per ``(headline, body)`` pair, columns :data:`FEATURES`).

    Each distinct headline and body is prepared once; ``encode`` receives every distinct
    headline and the first ``max_sentences`` sentences of every distinct body in one call.
    """
    heads = sorted({h for h, _ in pairs})
    bodies = sorted({b for _, b in pairs})
    hprep = {h: _prepare(h, idf, single=True) for h in heads}
    bprep = {b: _prepare(b, idf) for b in bodies}
    texts: list[str] = list(heads)
    spans: dict[str, tuple[int, int]] = {}
    for b in bodies:
        sents = [s for s in bprep[b].sents[:max_sentences] if s]
        spans[b] = (len(texts), len(texts) + len(sents))
        texts.extend(sents)
    vecs = np.asarray(encode(texts), dtype=np.float32) if texts else np.zeros((0, 384), np.float32)
    hindex = {h: i for i, h in enumerate(heads)}
    rows = []
    for h, b in pairs:
        lo, hi = spans[b]
        rows.append(_pair_features(hprep[h], vecs[hindex[h]], bprep[b], vecs[lo:hi]))
    return np.asarray(rows, dtype=np.float64).reshape(len(pairs), len(FEATURES))


# ---------------------------------------------------------------------------------------------
# the model: boosted regression trees, one per stage and label, as flat arrays


@dataclass(frozen=True, slots=True)
class StanceModel:
    """Gradient-boosted trees packed into flat node arrays, plus the hashed IDF table.

    Leaves point to themselves with a threshold of +inf, so every tree can be walked the
    same fixed number of steps in one vectorised loop. ``roots[t]`` is tree t's first node
    and ``tree_label[t]`` the label whose raw score it adds to.
    """

    features: tuple[str, ...]
    labels: tuple[Label, ...]
    init: np.ndarray  # raw score per label before any tree
    learning_rate: float
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    roots: np.ndarray
    tree_label: np.ndarray
    depth: int
    idf: np.ndarray
    max_sentences: int
    decision: str  # "fnc": the label with the best expected FNC score; "argmax": the likeliest

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StanceModel:
        """Rebuild a model from the dictionary ``eval/train_stance.py`` writes."""
        if tuple(data["features"]) != FEATURES:
            raise StanceModelUnavailable("the stance weights were trained on another feature list; retrain them")
        t = data["trees"]
        return cls(
            features=tuple(data["features"]),
            labels=tuple(data["labels"]),
            init=np.asarray(data["init"], dtype=np.float64),
            learning_rate=float(data["learning_rate"]),
            feature=np.asarray(t["feature"], dtype=np.int32),
            threshold=np.asarray(t["threshold"], dtype=np.float64),
            left=np.asarray(t["left"], dtype=np.int32),
            right=np.asarray(t["right"], dtype=np.int32),
            value=np.asarray(t["value"], dtype=np.float64),
            roots=np.asarray(t["roots"], dtype=np.int32),
            tree_label=np.asarray(t["label"], dtype=np.int32),
            depth=int(t["depth"]),
            idf=np.asarray(data["idf"], dtype=np.float64) / data["idf_scale"],
            max_sentences=int(data["max_sentences"]),
            decision=str(data["decision"]),
        )

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Raw scores (rows, labels): the initial score plus the learning rate times every tree's leaf."""
        x = np.asarray(x, dtype=np.float64)
        rows = np.arange(len(x))[:, None]
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        for _ in range(self.depth):
            go_left = x[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(go_left, self.left[node], self.right[node])
        out = np.tile(self.init, (len(x), 1))
        leaves = self.value[node] * self.learning_rate
        for k in range(len(self.labels)):
            out[:, k] += leaves[:, self.tree_label == k].sum(axis=1)
        return out

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Probabilities (rows, labels): the softmax of :meth:`raw`."""
        r = self.raw(x)
        e = np.exp(r - r.max(axis=1, keepdims=True))
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def decide(self, p: np.ndarray) -> np.ndarray:
        """Label indices for probability rows, by the model's decision rule."""
        if self.decision == "argmax":
            return np.asarray(p.argmax(axis=1))
        return np.asarray(expected_fnc(p, self.labels).argmax(axis=1))


def expected_fnc(p: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """The expected FNC-1 score of predicting each label, given probabilities ``p``.

    Predicting unrelated earns 0.25 when it is right; predicting a related label earns 0.25
    when the truth is any related label and 0.75 more when it is that label.
    """
    u = list(labels).index("unrelated")
    out = 0.25 * (1.0 - p[:, [u]]) + 0.75 * p
    out[:, u] = 0.25 * p[:, u]
    return out


@functools.cache
def load_model() -> StanceModel:
    """The shipped model (``data/stance_model.json``), loaded once."""
    try:
        data = data_json("stance_model.json")
    except FileNotFoundError as exc:
        raise StanceModelUnavailable("data/stance_model.json is missing; run eval/train_stance.py") from exc
    return StanceModel.from_json(data)


def _default_encoder() -> Encoder:
    from crosscheck.link.embed import encode

    return encode


def stance_many(
    pairs: Sequence[tuple[str, str]], *, model: StanceModel | None = None, encode: Encoder | None = None
) -> list[tuple[Label, dict[str, float]]]:
    """:func:`stance` for many ``(headline, body)`` pairs, embedding each distinct text once."""
    if not pairs:
        return []
    m = model or load_model()
    x = feature_matrix(pairs, idf=m.idf, encode=encode or _default_encoder(), max_sentences=m.max_sentences)
    p = m.proba(x)
    picks = m.decide(p)
    return [
        (m.labels[int(k)], {lab: round(float(v), 4) for lab, v in zip(m.labels, row, strict=True)})
        for k, row in zip(picks, p, strict=True)
    ]


def stance(
    headline: str, body: str, *, model: StanceModel | None = None, encode: Encoder | None = None
) -> tuple[Label, dict[str, float]]:
    """The stance of ``body`` toward ``headline`` and a probability per label.

    >>> stance("Acme recalls its phones", "Acme denied reports that it would recall its phones.")  # doctest: +SKIP
    ('disagree', {'agree': ..., 'disagree': ..., 'discuss': ..., 'unrelated': ...})

    ``headline`` can be any short claim; ``body`` any text that may support or contest it.
    """
    return stance_many([(headline, body)], model=model, encode=encode)[0]
