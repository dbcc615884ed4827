"""Entity resolution across articles: one key per real-world thing, whatever the spelling.

Mentions the alias table resolved keep their canonical key. The others get a key built
from their normalised name (accents, case, hyphens, possessives and titles folded), and a
short personal name takes the key of the longest full name in the same article that ends
with it ("Kirby" -> "John Kirby"), so a surname-only mention in one article meets the full
name in another. Keys are what stories, groups and origins block and compare on.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from crosscheck.model import EntityMention
from crosscheck.packagedata import data_json

# spaCy labels worth linking on; dates, numbers and ordinals are handled elsewhere
LINK_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"})
_LABEL_TYPE = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place",
               "NORP": "group", "EVENT": "event", "PRODUCT": "thing", "LAW": "law", "WORK_OF_ART": "work"}


@cache
def hints() -> dict[str, Any]:
    """Linking knowledge from ``data/link_hints.json`` (titles, role nouns, demonyms, parents)."""
    data: dict[str, Any] = data_json("link_hints.json")
    return data


@cache
def demonyms() -> dict[str, str]:
    """Adjective -> country, shared with the claims stage (the claims lexicon's demonyms, which
    include the alias table's); empty if absent."""
    try:
        from crosscheck.annotate.cues import lexicon

        return {k.lower(): v for k, v in lexicon().demonyms.items()}
    except (ImportError, OSError, ValueError):  # pragma: no cover - part of the package
        return {}


@lru_cache(maxsize=1 << 16)
def plain(text: str) -> str:
    """Lower case, accents stripped, possessives dropped, punctuation to spaces, spaces squeezed."""
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"['’]s\b", "", s)
    s = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\.)|(?<=\.[a-z])\.", "", s)  # "u.s." -> "us", "u.n." -> "un"
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())


@lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    """A name for comparison: :func:`plain`, then leading titles and "the" dropped."""
    words = plain(name).split()
    titles = set(hints()["titles"])
    while words and (words[0] in titles or words[0] == "the"):
        words = words[1:]
    return " ".join(words)


def slug(name: str) -> str:
    """A key-safe form of a folded name."""
    return fold(name).replace(" ", "-")


def _curated(key: str) -> bool:
    """True for a key of the shipped alias table (its type is curated, not spaCy's guess)."""
    try:
        from crosscheck.annotate import entities as ents

        return ents.entity_by_key(key) is not None
    except (ImportError, AttributeError, OSError, ValueError):  # pragma: no cover - part of the package
        return False


def name_key(name: str) -> str:
    """The key of a name the alias table does not know: its folded form, without a type.

    spaCy labels an unknown name differently from one article to the next ("Arvenia" is a GPE
    here, an ORG there), so a type in the key would split one thing into two.
    """
    return "name:" + slug(name)


def demonym_place(adjective: str, places: Iterable[str]) -> str | None:
    """The place an adjective is formed from, among ``places`` (folded names): "dravonian" -> "dravonia".

    A demonym is the place name, less a final vowel, plus a short suffix ("-n", "-ian", "-ese");
    the curated table covers the irregular ones ("French").
    """
    adj = fold(adjective)
    if not adj or " " in adj:
        return None
    for place in sorted(places, key=lambda p: (-len(p), p)):
        if adj in demonym_forms(place):
            return place
    return None


class Phrases:
    """Whole-word lookup of phrases in :func:`plain` text, by n-grams of its words.

    A phrase table grows as articles teach places and capitals; matching every known phrase
    with its own regex costs the size of the table per lookup, this costs the length of the
    text. Phrases are stored in plain form (lower case, single spaces). A word ends where a
    letter meets a non-letter (``letters=True``: "france24" holds "france", as the pattern
    ``(?<![a-z])france(?![a-z])`` finds it), or only at a space (``letters=False``: the
    ``[a-z0-9]`` boundaries of the alias table's patterns).
    """

    __slots__ = ("_word", "items", "maxn")

    def __init__(self, items: Iterable[tuple[str, Any]] = (), *, letters: bool = True) -> None:
        self.items: dict[str, Any] = {}
        self.maxn = 0
        self._word = _LETTERS_OR_DIGITS if letters else _ALNUM
        for phrase, value in items:
            self.add(phrase, value)

    def add(self, phrase: str, value: Any) -> None:
        """Add a phrase (the first value given for a phrase stays)."""
        if phrase and phrase not in self.items:
            self.items[phrase] = value
            self.maxn = max(self.maxn, len(self._word.findall(phrase)))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, phrase) of every occurrence in ``text`` (plain), in text order, longest first at a position."""
        if not self.items:
            return []
        toks = [(m.start(), m.end()) for m in self._word.finditer(text)]
        out = []
        for i, (lo, _) in enumerate(toks):
            for n in range(min(self.maxn, len(toks) - i), 0, -1):
                hi = toks[i + n - 1][1]
                g = text[lo:hi]
                if g in self.items:
                    out.append((lo, hi, g))
        return out


_LETTERS_OR_DIGITS = re.compile(r"[a-z]+|[0-9]+")
_ALNUM = re.compile(r"[a-z0-9]+")


def demonym_forms(place: str) -> set[str]:
    """The adjectives :func:`demonym_place` reads as formed from ``place`` (a folded name)."""
    if " " in place or len(place) < 4:
        return set()
    stem = place[:-1] if place[-1] in "aeiouy" else place
    suffixes = [x.lstrip("-") for x in hints()["demonym_suffixes"]]
    return {base + x for base in (stem, place) for x in suffixes}


def article_keys(mentions: Iterable[EntityMention]) -> dict[tuple[int, int], str]:
    """Each linkable mention's entity key, by (start, end), for one article's mentions.

    Curated keys stay; other names get a type-free :func:`name_key`; a short personal name
    takes the longest full name of the article ending with it; an adjective of nationality
    takes its country's key ("Dravonian" -> the key of "Dravonia" when the article names it);
    a possessor inside a name ("Arvenia's Interior Ministry") gets its own key as well.
    """
    ms = [m for m in mentions if m.entity or m.label in LINK_LABELS]
    persons = sorted({fold(m.text) for m in ms if m.label == "PERSON" and fold(m.text)
                      and not (m.entity and _curated(m.entity))}, key=len, reverse=True)
    dem = demonyms()
    places = {fold(m.text) for m in ms if m.label in {"GPE", "LOC"} and fold(m.text)}
    out: dict[tuple[int, int], str] = {}
    for m in ms:
        if m.entity and _curated(m.entity):
            out[(m.start, m.end)] = m.entity
            continue
        name = fold(m.text)
        if not name:
            continue
        if m.label == "NORP" or name in dem:
            if name in dem:
                # "Ukrainian" speaks for Ukraine: same key as the alias table's country
                out[(m.start, m.end)] = "country:" + dem[name].lower().replace(" ", "-")
            elif (place := demonym_place(name, places)) is not None:
                out[(m.start, m.end)] = name_key(place)
            continue
        poss = re.match(r"(.+?)['’]s\s", m.text)
        if poss and m.label != "PERSON":
            out[(m.start, m.start + len(poss.group(1)))] = name_key(poss.group(1))
        if m.label == "PERSON":
            # the longest full name of the article ending with this one ("Kirby" -> "john kirby")
            name = next((p for p in persons if p == name or p.endswith(" " + name)), name)
            out[(m.start, m.end)] = "person:" + slug(name)
            continue
        out[(m.start, m.end)] = name_key(name)
    return out


def key_counts(mentions: Iterable[EntityMention]) -> Counter[str]:
    """How often each entity key is mentioned in one article."""
    return Counter(article_keys(mentions).values())


def keys_in(spans: dict[tuple[int, int], str], start: int, end: int) -> set[str]:
    """Entity keys of mentions inside [start, end)."""
    return {k for (s, e), k in spans.items() if s >= start and e <= end}
