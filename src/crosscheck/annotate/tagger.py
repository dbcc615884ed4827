"""A trained attribution tagger: cue, source and content spans from a linear-chain CRF.

The model (``data/attribution.crfsuite.xz``, trained by ``eval/train_attribution.py`` on PolNeAR
train; see docs/models/attribution.md) tags each token of a paragraph with BIO labels for CUE,
SOURCE and CONTENT. Its features come from the parse the claims stage already has (lemma, part of
speech, dependency, the head's lemma, the reporting-verb lexicon, quotation state, where the token
sits relative to the nearest cue and under which of its dependents), so tagging costs one pass of
string building per token and a Viterbi pass in C. Only paragraphs that pass the claims stage's
cheap test (a quote mark or a cue word) or hold a learned cue lemma are tagged, and in the shipped
merge only their sentences that the rules left open (``uncovered_units``).

``relations`` groups the tagged spans into relations: each content span goes to the nearest cue of
its sentence (else of its paragraph), each cue takes the nearest source of its sentence. A
relation's ``score`` is the model's mean marginal probability of its content labels, the knob the
merge step (``claims_merge.THRESHOLD``, 0: every value tried lowered F1) thresholds on.
"""

from __future__ import annotations

import itertools
import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from crosscheck.annotate.cues import Lexicon, is_quote_mark, may_attribute

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from crosscheck.annotate.quotes import Quote

__all__ = ["LABELS", "Relation", "paragraph_units", "relations", "tag_doc", "token_features"]

MODEL = "attribution.crfsuite.xz"
CUES = "attribution_cues.json"
ROLES = ("CUE", "SOURCE", "CONTENT")
LABELS = ("O", *(f"{p}-{r}" for r in ROLES for p in ("B", "I")))
_MAX_UP = 8  # how far up the heads a token looks for a governing cue
WINDOW = 0  # sentences of context either side of an open one (``uncovered_units``; 1 cost half again)
OPEN_KINDS = ("v", "n", "a", "d")  # cue kinds that open a sentence
SENTENCE_UNITS = False  # tag runs of sentences that pass the cheap test, not their whole paragraphs


@dataclass(frozen=True, slots=True)
class Relation:
    """One tagged attribution: token ranges [start, end) of the doc; source may be absent."""

    cue: tuple[int, int]
    content: tuple[tuple[int, int], ...]  # one or more pieces ("A," he said, "B.")
    source: tuple[int, int] | None
    score: float


# --- units and features -----------------------------------------------------------------------------


def paragraph_units(doc: Doc, *, all_units: bool = False, cols: list[list[int]] | None = None,
                    learned_ids: frozenset[int] | None = None) -> list[tuple[int, int]]:
    """Token ranges of the paragraphs worth tagging: those with a sentence that passes the cheap test
    or a lemma among ``learned_ids`` (string ids of the learned cue lemmas), or every paragraph with
    ``all_units`` (training)."""
    from crosscheck.annotate.claims_spans import doc_text
    from crosscheck.annotate.nlp import paragraphs

    if cols is None:
        cols = doc_columns(doc)
    idx, sstart = cols[10], cols[9]
    text = doc_text(doc)
    n = len(idx)
    units: list[tuple[int, int]] = []
    for at, piece in paragraphs(text):
        s = bisect_left(idx, at)
        e = bisect_left(idx, at + len(piece))
        if e <= s:
            continue
        if all_units:
            units.append((s, e))
            continue
        starts = [i for i in range(s, e) if sstart[i] == 1 or i == s]
        keep = []
        for a, b in itertools.pairwise([*starts, e]):
            end_char = idx[b] if b < n else len(text)
            keep.append((a, b, may_attribute(text[idx[a]:end_char])))
        if not any(k for _, _, k in keep):
            if learned_ids is None or learned_ids.isdisjoint(cols[1][s:e]):
                continue
            keep = [(a, b, True) for a, b, _ in keep]
        if not SENTENCE_UNITS:
            units.append((s, e))
            continue
        run: tuple[int, int] | None = None  # runs of consecutive sentences that pass
        for a, b, k in keep:
            if k:
                run = (run[0], b) if run else (a, b)
            elif run:
                units.append(run)
                run = None
        if run:
            units.append(run)
    return units


_KID_DEPS = frozenset({"ccomp", "xcomp", "nsubj", "nsubjpass", "dobj", "advcl", "agent", "prep", "mark", "neg", "parataxis"})


class _Memo(dict[int, str]):
    """``prefix=value`` strings by string id, made on first sight (a dict lookup afterwards)."""

    def __init__(self, prefix: str, strings: Any, *, cased: bool = False) -> None:
        super().__init__()
        self.prefix = prefix
        self.strings = strings
        self.cased = cased

    def __missing__(self, sid: int) -> str:
        raw = self.strings[sid] if sid else ""
        value = f"{self.prefix}={raw if self.cased else raw.lower()}"
        self[sid] = value
        return value


class _Strings:
    """Feature strings memoised by string id: a token's features are built from ``Doc.to_array``
    columns and dictionary lookups, never from spaCy ``Token`` objects (ten times cheaper)."""

    def __init__(self, doc: Doc, lex: Lexicon, learned: frozenset[str]) -> None:
        self.strings = doc.vocab.strings
        self.lex = lex
        self.learned = learned
        self.p: dict[str, _Memo] = {}
        self.kinds: dict[tuple[int, int], str | None] = {}
        self.text = _Memo("", self.strings)
        self.raw = _Memo("", self.strings, cased=True)
        self.static: dict[tuple[int, ...], tuple[str, ...]] = {}
        self.kid_ids = frozenset(self.strings[d] for d in _KID_DEPS)

    def memo(self, prefix: str) -> _Memo:
        got = self.p.get(prefix)
        if got is None:
            got = self.p[prefix] = _Memo(prefix, self.strings)
        return got

    def low(self, sid: int) -> str:
        return self.text[sid][1:]

    def kind(self, lemma: int, pos: int, lower: int) -> str | None:
        key = (lemma, pos)
        if key not in self.kinds:
            self.kinds[key] = _kind(self.low(lemma), self.low(pos).upper(), self.low(lower), self.lex, self.learned)
        return self.kinds[key]


def _kind(lemma: str, pos: str, lower: str, lex: Lexicon, learned: frozenset[str]) -> str | None:
    if lemma in lex.verbs and pos in ("VERB", "AUX"):
        return "v"
    if lemma in lex.nouns or lemma in lex.speech_nouns:
        return "n"
    if lower == "according":
        return "a"
    if lemma in learned and pos in ("VERB", "NOUN", "ADJ", "ADP"):
        return "d"
    return None


_COLS = ("LOWER", "LEMMA", "TAG", "POS", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE", "SHAPE", "SENT_START", "IDX")
_IOB = ("", "I", "O", "B")


def token_features(doc: Doc, start: int, end: int, lex: Lexicon, quotes: Sequence[Quote],
                   learned: frozenset[str], cols: Any = None, roles: dict[int, str] | None = None) -> list[list[str]]:
    """CRF features of the tokens doc[start:end], one list of ``name=value`` strings per token.

    ``cols`` is ``doc.to_array(_COLS)`` when the caller has it (one array per document)."""
    if cols is None:
        cols = doc_columns(doc)
    if roles is None:
        roles = {}
    lower, lemma, tag, pos, dep, head, iob, ent, shape, sstart, idx = cols
    memo = _strings(doc, lex, learned)
    text = memo.low
    raw = memo.raw
    W, L, T, D, HL, HD, HT = (memo.memo(x) for x in ("w", "l", "t", "d", "hl", "hd", "ht"))
    near_memo = {off: (memo.memo(f"{off}l"), memo.memo(f"{off}t"), memo.memo(f"{off}d")) for off in (-2, -1, 1, 2)}
    n_doc = len(lower)
    rng = range(start, end)
    kinds = {i: memo.kind(lemma[i], pos[i], lower[i]) for i in rng}
    # sentences: the start token of each token's sentence
    sent: dict[int, int] = {}
    cur_sent = start
    for i in rng:
        if sstart[i] == 1:
            cur_sent = i
        sent[i] = cur_sent
    cues_in: dict[int, list[int]] = {}
    for i in rng:
        if kinds[i] is not None:
            cues_in.setdefault(sent[i], []).append(i)
    kids: dict[int, set[int]] = {}
    kid_ids = memo.kid_ids
    for i in rng:
        h = i + head[i]
        if h != i and start <= h < end and dep[i] in kid_ids:
            kids.setdefault(h, set()).add(dep[i])
    qstarts = [q.start for q in quotes]
    inq: dict[int, int] = {}
    qmark: dict[int, bool] = {}
    for i in rng:
        j = bisect_right(qstarts, idx[i]) - 1
        inq[i] = int(j >= 0 and idx[i] < quotes[j].end)
        qmark[i] = is_quote_mark(text(lower[i]))
    out: list[list[str]] = []
    static = memo.static
    for i in rng:
        h = i + head[i]
        key = (lower[i], lemma[i], tag[i], dep[i], lemma[h], dep[h], tag[h], shape[i], iob[i], ent[i])
        base = static.get(key)
        if base is None:
            if len(static) > 200_000:
                static.clear()
            base = static[key] = (
                "b", W[lower[i]], L[lemma[i]], T[tag[i]], D[dep[i]], HL[lemma[h]], HD[dep[h]], HT[tag[h]],
                f"dt={text(dep[i])}|{text(lemma[h])}", f"s={raw[shape[i]][1:5]}", f"e={_IOB[iob[i]]}{raw[ent[i]][1:]}")
        f = [*base, "q=1" if inq[i] else "q=0"]
        if qmark[i]:
            f.append("qm")
        r = roles.get(i)
        if r is not None:
            f.append(f"r={r}")
            f.append(f"rl={r[2:]}|{text(lemma[i])}")
        for off in (-1, 1):
            r = roles.get(i + off)
            f.append(f"{off}r={r or 'O'}")
        if sstart[i] == 1:
            f.append("ss")
        if i + 1 < n_doc and sstart[i + 1] == 1:
            f.append("se")
        k = kinds[i]
        if k is not None:
            f.append(f"c={k}")
            f.append(f"cl={text(lemma[i])}")
        if h != i and start <= h < end and kinds[h] is not None:
            f.append(f"hc={text(dep[i])}")
        got = kids.get(i)
        if got:
            ks = sorted(text(x) for x in got)
            f.extend(f"ch={x}" for x in ks)
            if text(pos[i]) in ("verb", "noun"):
                f.append(f"lch={text(lemma[i])}|{'+'.join(ks)}")
        # the nearest governing cue and the dependent of it this token hangs under
        cur, steps = i, 0
        while steps < _MAX_UP:
            up = cur + head[cur]
            if up == cur or not start <= up < end:
                break
            below, cur, steps = cur, up, steps + 1
            if kinds[cur] is not None:
                bd = text(dep[below])
                f.append(f"uc={bd}")
                f.append(f"ucl={text(lemma[cur])}|{bd}")
                f.append(f"ucs={min(steps, 4)}")
                break
        # where the token sits relative to the cues of its sentence
        cs = cues_in.get(sent[i])
        if cs:
            near = min(cs, key=lambda c: abs(c - i))
            delta = i - near
            f.append("rc=" + ("0" if delta == 0 else ("-" if delta < 0 else "+") + (str(abs(delta)) if abs(delta) < 4 else "f")))
        else:
            f.append("rc=none")
        for off in (-2, -1, 1, 2):
            m = i + off
            if start <= m < end:
                ml, mt, md = near_memo[off]
                f.append(ml[lemma[m]])
                f.append(mt[tag[m]])
                if off in (-1, 1):
                    f.append(md[dep[m]])
                    f.append(f"{off}q={inq[m]}")
                    if kinds[m] is not None:
                        f.append(f"{off}c={kinds[m]}")
                    if qmark[m]:
                        f.append(f"{off}qm")
            else:
                f.append(f"{off}pad")
        out.append(f)
    return out


def doc_columns(doc: Doc) -> list[list[int]]:
    """The token columns ``token_features`` reads, as Python lists (HEAD as a signed offset)."""
    arr = doc.to_array(list(_COLS))
    cols = [c.tolist() for c in arr.T]
    cols[5] = arr[:, 5].astype("int64").tolist()
    cols[9] = arr[:, 9].astype("int64").tolist()
    return cols


_MEMO: dict[tuple[int, int, int], _Strings] = {}


def _strings(doc: Doc, lex: Lexicon, learned: frozenset[str]) -> _Strings:
    key = (id(doc.vocab), id(lex), id(learned))
    got = _MEMO.get(key)
    if got is None:
        _MEMO.clear()
        got = _MEMO[key] = _Strings(doc, lex, learned)
    return got


# --- the model ----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def learned_cues() -> frozenset[str]:
    """Lemmas PolNeAR train marks as cues often (``data/attribution_cues.json``; see the card)."""
    ref = resources.files("crosscheck") / "data" / CUES
    if not ref.is_file():
        return frozenset()
    return frozenset(json.loads(ref.read_text("utf-8"))["lemmas"])


_WEIGHTS: list[bytes] = []


@lru_cache(maxsize=1)
def _tagger() -> Any:
    """The CRF, opened once per process from package data (None when the weights are missing).
    The crfsuite model ships xz-compressed (a third of its size) and is opened from memory."""
    import lzma

    import pycrfsuite

    ref = resources.files("crosscheck") / "data" / MODEL
    if not ref.is_file():
        return None
    tagger = pycrfsuite.Tagger()
    _WEIGHTS.append(lzma.decompress(ref.read_bytes()))  # crfsuite reads the buffer in place: keep it alive
    tagger.open_inmemory(_WEIGHTS[-1])
    return tagger


def available() -> bool:
    """Are the tagger's weights installed?"""
    return _tagger() is not None


_IDS: dict[frozenset[str], frozenset[int]] = {}


def _lemma_ids(strings: Any, learned: frozenset[str]) -> frozenset[int]:
    got = _IDS.get(learned)
    if got is None:
        got = _IDS[learned] = frozenset(strings.add(w) for w in learned)
    return got


def hint_roles(cols: list[list[int]], spans: Sequence[tuple[str, int, int]]) -> dict[int, str]:
    """Token index -> role of the rule spans (``claims_merge.hints``) it falls in."""
    idx = cols[10]
    out: dict[int, str] = {}
    for role, a, b in spans:
        first = True
        for i in range(bisect_left(idx, a), bisect_left(idx, b)):
            out.setdefault(i, ("B-" if first else "I-") + role)
            first = False
    return out


def uncovered_units(doc: Doc, units: list[tuple[int, int]], cols: list[list[int]], roles: dict[int, str],
                    lex: Lexicon, learned: frozenset[str]) -> list[tuple[int, int]]:
    """The parts of ``units`` the rules left open: runs of sentences (with ``WINDOW`` sentences either
    side, within the paragraph) holding a possible cue or a quotation mark outside every rule span.
    A relation the tagger finds elsewhere would overlap a rule claim and be dropped by the merge, so
    tagging only these parts gives the merge the same additions for a fraction of the cost."""
    lower, lemma, pos, sstart = cols[0], cols[1], cols[3], cols[9]
    memo = _strings(doc, lex, learned)
    out: list[tuple[int, int]] = []
    for s, e in units:
        starts = [i for i in range(s, e) if sstart[i] == 1 or i == s]
        sents = list(itertools.pairwise([*starts, e]))
        open_ = [any(i not in roles and (memo.kind(lemma[i], pos[i], lower[i]) in OPEN_KINDS
                                         or is_quote_mark(memo.low(lower[i]))) for i in range(a, b))
                 for a, b in sents]
        keep = [any(open_[max(0, k - WINDOW) : k + WINDOW + 1]) for k in range(len(sents))]
        run: tuple[int, int] | None = None
        for (a, b), k in zip(sents, keep, strict=True):
            if k:
                run = (run[0], b) if run else (a, b)
            elif run:
                out.append(run)
                run = None
        if run:
            out.append(run)
    return out


def tag_doc(doc: Doc, lex: Lexicon, quotes: Sequence[Quote],
            rule_spans: Sequence[tuple[str, int, int]] = (), *, uncovered: bool = False) -> list[Relation]:
    """Tag the paragraphs of ``doc`` worth tagging and group the spans into relations (only the parts
    the rules left open with ``uncovered``)."""
    tagger = _tagger()
    if tagger is None:
        return []
    out: list[Relation] = []
    learned = learned_cues()
    cols = doc_columns(doc)
    roles = hint_roles(cols, rule_spans)
    ids = _lemma_ids(doc.vocab.strings, learned)
    units = paragraph_units(doc, cols=cols, learned_ids=ids)
    if uncovered:
        units = uncovered_units(doc, units, cols, roles, lex, learned)
    for s, e in units:
        if e <= s:
            continue
        labels = tagger.tag(token_features(doc, s, e, lex, quotes, learned, cols, roles))
        if all(lab == "O" for lab in labels):
            continue
        seq: list[str] = list(labels)

        def marg(k: int, seq: list[str] = seq) -> float:
            return float(tagger.marginal(seq[k], k))

        out.extend(relations(doc, s, seq, marg, cols[9]))
    return out


def _spans(labels: list[str], base: int) -> list[tuple[str, int, int]]:
    """(role, start, end) runs of a BIO sequence (an I- without its B- starts a run)."""
    out: list[tuple[str, int, int]] = []
    cur: tuple[str, int] | None = None
    for k, lab in enumerate([*labels, "O"]):
        role = lab[2:] if lab != "O" else None
        if cur is not None and (role != cur[0] or lab.startswith("B-")):
            out.append((cur[0], base + cur[1], base + k))
            cur = None
        if role is not None and cur is None:
            cur = (role, k)
    return out


def relations(doc: Doc, base: int, labels: list[str], marg: Callable[[int], float],
              sstart: list[int] | None = None) -> list[Relation]:
    """Group one paragraph's tagged spans (labels of doc[base:...]) into relations."""
    spans = _spans(labels, base)
    # a content span made only of punctuation or whitespace is noise
    spans = [sp for sp in spans if not all(doc[i].is_punct or doc[i].is_space for i in range(sp[1], sp[2]))]
    cues = [sp for sp in spans if sp[0] == "CUE"]
    if not cues:
        return []

    if sstart is None:
        sstart = doc_columns(doc)[9]
    starts: dict[int, int] = {}
    cur = base
    for k in range(len(labels)):
        if sstart[base + k] == 1:
            cur = base + k
        starts[base + k] = cur

    def sent(i: int) -> int:
        return starts.get(i, base)

    def dist(a: tuple[str, int, int], b: tuple[str, int, int]) -> int:
        return max(a[1] - b[2], b[1] - a[2], 0)

    pieces: dict[int, list[tuple[int, int]]] = {}
    for sp in spans:
        if sp[0] != "CONTENT":
            continue
        same = [c for c in cues if sent(c[1]) == sent(sp[1]) or sent(c[1]) == sent(sp[2] - 1)]
        pool = same or cues
        best = min(range(len(cues)), key=lambda k: (cues[k] not in pool, dist(cues[k], sp)))
        pieces.setdefault(best, []).append((sp[1], sp[2]))
    out = []
    for k, parts in sorted(pieces.items()):
        cue = cues[k]
        sources = [sp for sp in spans if sp[0] == "SOURCE" and sent(sp[1]) == sent(cue[1])]
        src = min(sources, key=lambda sp: dist(sp, cue)) if sources else None
        idx = [i for a, b in parts for i in range(a, b)]
        score = sum(marg(i - base) for i in idx) / len(idx)
        out.append(Relation((cue[1], cue[2]), tuple(sorted(parts)), (src[1], src[2]) if src else None, score))
    return out
