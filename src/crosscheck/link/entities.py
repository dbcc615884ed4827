"""Entity resolution across articles: one key per real-world thing, whatever the spelling.

Mentions the alias table resolved keep their canonical key. The others get a key built
from their normalised name (accents, case, hyphens, possessives and titles folded), and a
short personal name takes the key of the longest full name in the same article that ends
with it ("Kirby" -> "John Kirby"), so a surname-only mention in one article meets the full
name in another. Keys are what stories, groups and origins block and compare on.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib import resources

from crosscheck.model import EntityMention

# spaCy labels worth linking on; dates, numbers and ordinals are handled elsewhere
LINK_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"})
_LABEL_TYPE = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place",
               "NORP": "group", "EVENT": "event", "PRODUCT": "thing", "LAW": "law", "WORK_OF_ART": "work"}


@cache
def hints() -> dict[str, object]:
    """Linking knowledge from ``data/link_hints.json`` (titles, role nouns, demonyms, parents)."""
    raw = resources.files("crosscheck.data").joinpath("link_hints.json").read_text(encoding="utf-8")
    return json.loads(raw)  # type: ignore[no-any-return]


@cache
def demonyms() -> dict[str, str]:
    """Adjective -> country, shared with the claims stage (``data/cues.json``); empty if absent."""
    try:
        raw = resources.files("crosscheck.data").joinpath("cues.json").read_text(encoding="utf-8")
        return {k.lower(): v for k, v in json.loads(raw).get("demonyms", {}).items()}
    except (OSError, ValueError):
        return {}


def plain(text: str) -> str:
    """Lower case, accents stripped, possessives dropped, punctuation to spaces, spaces squeezed."""
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"['’]s\b", "", s)
    s = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\.)|(?<=\.[a-z])\.", "", s)  # "u.s." -> "us", "u.n." -> "un"
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())


def fold(name: str) -> str:
    """A name for comparison: :func:`plain`, then leading titles and "the" dropped."""
    words = plain(name).split()
    titles = set(hints()["titles"])  # type: ignore[arg-type]
    while words and (words[0] in titles or words[0] == "the"):
        words = words[1:]
    return " ".join(words)


def slug(name: str) -> str:
    """A key-safe form of a folded name."""
    return fold(name).replace(" ", "-")


def article_keys(mentions: Iterable[EntityMention]) -> dict[tuple[int, int], str]:
    """Each linkable mention's entity key, by (start, end), for one article's mentions."""
    ms = [m for m in mentions if m.entity or m.label in LINK_LABELS]
    persons = sorted({fold(m.text) for m in ms if not m.entity and m.label == "PERSON" and fold(m.text)},
                     key=len, reverse=True)
    dem = demonyms()
    out: dict[tuple[int, int], str] = {}
    for m in ms:
        if m.entity:
            out[(m.start, m.end)] = m.entity
            continue
        name = fold(m.text)
        if not name:
            continue
        if m.label == "NORP" and name in dem:
            # "Ukrainian" speaks for Ukraine: same key as the alias table's country
            out[(m.start, m.end)] = "country:" + dem[name].lower().replace(" ", "-")
            continue
        if m.label == "PERSON":
            # the longest full name of the article ending with this one ("Kirby" -> "john kirby")
            name = next((p for p in persons if p == name or p.endswith(" " + name)), name)
        out[(m.start, m.end)] = f"{_LABEL_TYPE.get(m.label, 'other')}:{name.replace(' ', '-')}"
    return out


def key_counts(mentions: Iterable[EntityMention]) -> Counter[str]:
    """How often each entity key is mentioned in one article."""
    return Counter(article_keys(mentions).values())


def keys_in(spans: dict[tuple[int, int], str], start: int, end: int) -> set[str]:
    """Entity keys of mentions inside [start, end)."""
    return {k for (s, e), k in spans.items() if s >= start and e <= end}


def surname_key(key: str) -> str | None:
    """For a person key, the surname-only form other articles may use ("person:kirby")."""
    if not key.startswith("person:"):
        return None
    parts = key.split(":", 1)[1].split("-")
    return f"person:{parts[-1]}" if len(parts) > 1 else None
