"""Content words of claims, compared as concepts: stems, irregular forms, synonyms, phrasal verbs.

Two reports of one proposition rarely use the same words: "the drones took off from the
airbase" and "the drones were launched from a military airfield"; "would contravene U.N.
resolutions" and "violating the UN Security Council resolutions". The link layer compares
claims on content stems, so a stem here is a concept: the crude English stem of a word (or
of its base form, for irregular verbs such as "struck"), read as the first word of its
synonym set, with two-word verb phrases ("take off", "carry out") read as one word or
dropped. Hypernyms ("arms" covers "missiles") are kept apart: a phrase that names a kind of
thing ("the accusations of arms transfers") meets the claims it covers through
:func:`broader`, but two claims never join because both say "weapon". The knowledge is
general English in ``data/link_hints.json``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from crosscheck.annotate.lexicon import parse_number
from crosscheck.link.entities import hints

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")


def base_stem(word: str) -> str:
    """A crude, deterministic English stem: enough to meet 'missiles' with 'missile'."""
    w = word.lower().replace("’", "'").removesuffix("'s").strip("'-")
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith("es") and w[:-2].endswith(("s", "x", "ch", "sh")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suf in ("ing", "ed"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[: -len(suf)]
            break
    return w[:-1] if len(w) > 4 and w.endswith("e") else w


@cache
def _irregular() -> dict[str, str]:
    return {k.lower(): v.lower() for k, v in hints().get("irregular", {}).items()}


def _base(word: str) -> str:
    w = word.lower().replace("’", "'")
    return base_stem(_irregular().get(w, w))


@cache
def _concepts() -> dict[str, str]:
    """Stem of a synonym -> stem of its set's first word."""
    out: dict[str, str] = {}
    for group in hints().get("synonyms", []):
        head = _base(group[0])
        for member in group:
            if " " not in member:
                out.setdefault(_base(member), head)
    return out


@cache
def _phrasal() -> dict[tuple[str, str], str]:
    """(verb stem, second word stem) -> concept ("" drops the phrase)."""
    out: dict[tuple[str, str], str] = {}
    for phrase, meaning in hints().get("phrasal", {}).items():
        a, b = phrase.split()
        out[(_base(a), _base(b))] = stem(meaning) if meaning else ""
    for group in hints().get("synonyms", []):
        for member in group:
            if member.count(" ") == 1:
                a, b = member.split()
                out.setdefault((_base(a), _base(b)), stem(group[0]))
    return out


def stem(word: str) -> str:
    """The concept a word stands for: its stem (base form for irregular verbs), through the synonym sets."""
    b = _base(word)
    return _concepts().get(b, b)


def phrase(verb: str, second: str) -> str | None:
    """The concept of a two-word verb phrase ("take off" -> launch), "" for a light one, None if not one."""
    return _phrasal().get((_base(verb), _base(second)))


def stems(text: str) -> frozenset[str]:
    """Content concepts of a text (stopwords, numbers and one- or two-letter words left out)."""
    stop = set(hints()["stopwords"])
    words = [m.group(0).lower() for m in _WORD.finditer(text)]
    out = set()
    skip = False
    for i, w in enumerate(words):
        if skip:
            skip = False
            continue
        if i + 1 < len(words) and not w[0].isdigit():
            p = phrase(w, words[i + 1])
            if p is not None:
                if p:
                    out.add(p)
                skip = True
                continue
        if w in stop or len(w) < 3 or w[0].isdigit() or parse_number(w) is not None:
            continue  # figures, in digits or in words ("twenty-three"), are compared as quantities
        out.add(stem(w))
    return frozenset(out)


@cache
def _narrower() -> dict[str, frozenset[str]]:
    """Concept -> the general words that cover it ("missile" -> {"weapon"})."""
    out: dict[str, set[str]] = {}
    for general, members in hints().get("hypernyms", {}).items():
        for m in members:
            out.setdefault(stem(m), set()).add(stem(general))
    return {k: frozenset(v) for k, v in out.items()}


def broader(concepts: Iterable[str]) -> frozenset[str]:
    """The concepts with the general words that cover them added."""
    cs = set(concepts)
    return frozenset(cs.union(*(_narrower().get(c, frozenset()) for c in cs)))
