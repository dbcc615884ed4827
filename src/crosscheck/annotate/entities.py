"""Entity mentions and canonical entities (issue: times, quantities, entities).

The alias table (``data/aliases.json``) maps names, abbreviations, spelling variants and
capitals used as actors to one canonical entity each; its optional ``demonyms`` map nationality
adjectives ("Ukrainian") to the country for spaCy NORP mentions (they are not aliases: ``resolve``
never maps "Russian" to Russia).

Rules on top of the table, within one article:

- a person's surname alone ("Zelensky") is the full name introduced in the article ("Volodymyr
  Zelensky"); a name spaCy tagged as an organisation or place that equals such a surname is that
  person too;
- an unknown name gets a per-name key, ``{type}:{slug}`` ("person:john-kirby");
- types: PERSON -> person, ORG -> organisation, GPE -> country when the table says so else place,
  LOC/FAC -> place, NORP -> the country the demonym names (otherwise skipped).

Across articles, ``canonical_entities`` builds one ``Entity`` per key, and ``merge_keys`` folds a
surname-only person key into the one full-name person with that surname.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from crosscheck.model import Article, Entity, EntityMention, EntityType
from crosscheck.packagedata import data_json

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "alias_table",
    "canonical_entities",
    "demonym_names",
    "extract_entities",
    "mentions_by_entity",
    "merge_keys",
    "resolve",
]

_SPACE = re.compile(r"\s+")
_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
_TYPE_OF_LABEL: dict[str, EntityType] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
_FUNCTION_WORDS = {"of", "and", "the", "for", "on", "de", "la", "le", "du", "des", "von", "van", "al", "bin", "el"}
_TITLES = {
    "president",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "dr",
    "dr.",
    "minister",
    "prime",
    "secretary",
    "ambassador",
    "general",
    "gen.",
    "sen.",
    "senator",
    "rep.",
    "spokesman",
    "spokeswoman",
    "chancellor",
    "leader",
    "deputy",
    "foreign",
    "defense",
    "defence",
    "chief",
    "governor",
    "mayor",
    "king",
    "queen",
}

_BARE_TITLES = frozenset(t.strip(".") for t in _TITLES)


def _norm(name: str) -> str:
    name = name.replace("\u2019", "'").strip().strip(".,;:")
    name = re.sub(r"(?i)^the\s+", "", name)
    return _SPACE.sub(" ", name).lower()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _rows() -> list[dict[str, object]]:
    return cast("list[dict[str, object]]", data_json("aliases.json")["entities"])


def _entity(row: dict[str, object]) -> Entity:
    etype = cast(EntityType, row["type"])
    name = str(row["name"])
    return Entity(
        key=f"{etype}:{_slug(name)}",
        name=name,
        type=etype,
        aliases=tuple(cast("list[str]", row["aliases"])),
        affiliation=cast("str | None", row.get("affiliation")),
    )


@lru_cache(maxsize=1)
def alias_table() -> dict[str, Entity]:
    """Normalised alias -> canonical entity, from the shipped alias table (acronyms excluded)."""
    table: dict[str, Entity] = {}
    for row in _rows():
        entity = _entity(row)
        for alias in (entity.name, *entity.aliases):
            if not _is_acronym(alias):
                table[_norm(alias)] = entity
    return table


def _is_acronym(alias: str) -> bool:
    # "US", "UK", "DPRK", "U.S.": matched with their case, or the pronoun "us" would be a country
    letters = alias.replace(".", "")
    return letters.isalpha() and letters.isupper() and len(letters) <= 5


@lru_cache(maxsize=1)
def acronym_table() -> dict[str, Entity]:
    """Acronym aliases, matched case-sensitively (after removing a leading "the")."""
    table: dict[str, Entity] = {}
    for row in _rows():
        entity = _entity(row)
        for alias in entity.aliases:
            if _is_acronym(alias):
                table[alias] = entity
    return table


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, Entity]:
    out: dict[str, Entity] = {}
    for row in _rows():
        for dem in cast("list[str]", row.get("demonyms", [])):
            out[_norm(dem)] = _entity(row)
    return out


def demonym_names() -> dict[str, str]:
    """Lower-cased demonym -> the country's canonical name, from the alias table ("greek" -> "Greece")."""
    return {dem: e.name for dem, e in _demonyms().items()}


@lru_cache(maxsize=1)
def _by_key() -> dict[str, Entity]:
    return {e.key: e for e in map(_entity, _rows())}


def entity_by_key(key: str) -> Entity | None:
    """The curated entity with this canonical key, or None."""
    return _by_key().get(key)


def resolve(name: str) -> Entity | None:
    """The canonical entity a name stands for ("Pyongyang" -> North Korea), or None."""
    exact = re.sub(r"(?i)^the\s+", "", name.strip().strip(",;:"))
    return acronym_table().get(exact) or acronym_table().get(exact.rstrip(".")) or alias_table().get(_norm(name))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the" and a trailing possessive from a mention span."""
    while start < end and (text[start].isspace() or text[start] in "\"'\u201c\u2018("):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in '.,;:!?"\u201d)'):
        end -= 1
    seg = text[start:end]
    m = re.match(r"(?i)the\s+", seg)
    if m and end - start > m.end():
        start += m.end()
    m = re.search(r"['\u2019]s?$", text[start:end])
    if m and m.start() > 0:
        end = start + m.start()
    return start, end


def _person_name(text: str) -> str:
    words = text.split()
    while len(words) > 1 and words[0].lower().strip(".") in {t.strip(".") for t in _TITLES}:
        words = words[1:]
    return " ".join(words)


def extract_entities(doc: Doc, article: Article) -> list[EntityMention]:
    """Named-entity mentions of ``doc``, resolved to canonical entity keys where known."""
    text = article.text
    spans: list[tuple[int, int, str]] = []
    for ent in doc.ents:
        if ent.label_ not in _LABELS:
            continue
        s, e = _trim(text, ent.start_char, ent.end_char)
        if e <= s or not re.search(r"[A-Za-z]", text[s:e]) or text[s].islower():
            continue
        spans.append((s, e, ent.label_))
    # full names by surname, for "Zelensky" -> "Volodymyr Zelensky" (and curated variants)
    by_surname: dict[str, str] = {}
    for s, e, label in spans:
        if label != "PERSON":
            continue
        name = _person_name(text[s:e])
        known = resolve(name)
        full = known.name if known is not None and known.type == "person" else name
        if len(full.split()) >= 2:
            by_surname.setdefault(full.split()[-1].lower(), full)
            by_surname.setdefault(name.split()[-1].lower(), full)
    out: list[EntityMention] = []
    for s, e, label in spans:
        surface = text[s:e]
        before = text[max(0, s - 16) : s].split()
        titled = bool(before) and before[-1].lower().strip(".") in _BARE_TITLES
        key = _key(surface, label, by_surname, titled)
        if key is None:
            continue
        out.append(EntityMention(article.id, s, e, surface, label, key))
    return out


def _key(surface: str, label: str, by_surname: dict[str, str], titled: bool = False) -> str | None:
    name = _person_name(surface) if label == "PERSON" else surface
    if label == "NORP" or _norm(surface) in _demonyms():
        dem = _demonyms().get(_norm(surface)) or resolve(surface)
        return dem.key if dem is not None else None
    known = resolve(name)
    if known is not None and known.type != "person" and label == "PERSON" and (titled or name != surface):
        known = None  # a title makes a person: "Mr Hague" is not The Hague, "Mr Jordan" not Jordan
    if known is not None and (label == "PERSON" or known.type != "person"):
        if known.type == "person" and len(name.split()) == 1 and name.lower() in by_surname:
            full = resolve(by_surname[name.lower()])
            if full is not None and full.key != known.key:
                return f"person:{_slug(by_surname[name.lower()])}"
        return known.key
    single = len(name.split()) == 1
    if single and name.lower() in by_surname and label in {"PERSON", "ORG", "GPE", "NORP"}:
        full_name = by_surname[name.lower()]
        full = resolve(full_name)
        return full.key if full is not None else f"person:{_slug(full_name)}"
    if known is not None:
        return known.key
    if any(w[0].islower() and w not in _FUNCTION_WORDS for w in name.split()[1:]):
        return None  # "U.S.-made components": a noun phrase, not a name
    etype = _TYPE_OF_LABEL.get(label, "other")
    return f"{etype}:{_slug(name)}"


def merge_keys(mentions: Iterable[EntityMention]) -> dict[str, str]:
    """Key -> canonical key across articles: a surname-only person key joins the one full name it fits."""
    keys = {m.entity for m in mentions if m.entity}
    full_by_last: dict[str, set[str]] = defaultdict(set)
    for k in keys:
        if k.startswith("person:") and "-" in k[7:]:
            full_by_last[k.rsplit("-", 1)[-1]].add(k)
    out: dict[str, str] = {}
    for k in keys:
        tail = k[7:]
        if k.startswith("person:") and "-" not in tail and len(full_by_last.get(tail, ())) == 1:
            out[k] = next(iter(full_by_last[tail]))
        else:
            out[k] = k
    return out


def mentions_by_entity(mentions: Iterable[EntityMention]) -> dict[str, list[EntityMention]]:
    """Mentions grouped by canonical key (after ``merge_keys``), in input order."""
    mentions = list(mentions)
    keymap = merge_keys(mentions)
    out: dict[str, list[EntityMention]] = defaultdict(list)
    for m in mentions:
        if m.entity:
            out[keymap[m.entity]].append(m)
    return dict(out)


def canonical_entities(mentions: Iterable[EntityMention]) -> list[Entity]:
    """One canonical ``Entity`` per key seen in ``mentions``, sorted by key.

    Known entities keep their curated name and aliases, plus the forms seen; others are named by
    their longest form seen (the full name of a person) with every form seen as aliases.
    """
    out: list[Entity] = []
    for key, ms in sorted(mentions_by_entity(mentions).items()):
        forms = sorted({m.text for m in ms})
        known = _by_key().get(key)
        if known is not None:
            aliases = tuple(dict.fromkeys([*known.aliases, *forms]))
            out.append(Entity(key, known.name, known.type, aliases, known.affiliation))
            continue
        etype = (
            cast(EntityType, key.split(":", 1)[0])
            if key.split(":", 1)[0] in {"person", "organisation", "country", "place"}
            else "other"
        )
        name = max(forms, key=lambda f: (len(f.split()), len(f), f))
        out.append(Entity(key, name, etype, tuple(forms)))
    return out
