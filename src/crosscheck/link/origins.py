"""Independent origins: who a claim really comes from, so that echoes are not counted twice.

Five outlets quoting the White House are one origin, and so are the White House's
spokesman and "intelligence received by the White House". A claim's origin is:

1. an institution or government named in its speaker ("White House intelligence"), climbed
   to the body it speaks for (``parents`` in ``data/link_hints.json``);
2. for a named person, the body written next to a role noun before their name in the
   article ("National Security Council spokesman John Kirby", "Representative of the
   United States ... Robert Wood", "Senior Ukrainian official Mykhailo Podolyak");
3. otherwise the speaker as resolved (a person, a document), folded so that spelling
   variants meet.
"""

from __future__ import annotations

import re
from functools import cache

from crosscheck.link.entities import fold, hints
from crosscheck.model import Article, Claim, EntityMention

_WINDOW = 100  # characters before a person's name searched for the body they speak for
_BODY_LABELS = frozenset({"ORG", "GPE", "NORP"})


@cache
def _entity_names() -> dict[str, tuple[str, str | None]]:
    """Canonical key -> (name, affiliation) from the alias table, when the entities stage has one."""
    try:
        from crosscheck.annotate import entities as ents

        return {e.key: (e.name, e.affiliation) for e in ents.alias_table().values()}
    except (ImportError, AttributeError, OSError, ValueError):
        return {}


def climb(name: str) -> str:
    """The body a name speaks for, following ``parents`` (a few steps at most)."""
    parents: dict[str, str] = hints()["parents"]  # type: ignore[assignment]
    seen = set()
    while fold(name) in parents and fold(name) not in seen:
        seen.add(fold(name))
        name = parents[fold(name)]
    return name


def _name_of(m: EntityMention) -> str:
    if m.entity and m.entity in _entity_names():
        return _entity_names()[m.entity][0]
    return m.text.removeprefix("the ").removeprefix("The ")


def affiliation(origin: str) -> str | None:
    """The country or body an origin belongs to (the White House -> United States), if known."""
    for name, aff in _entity_names().values():
        if fold(name) == fold(origin):
            return aff
    return None


@cache
def _role_pattern() -> re.Pattern[str]:
    roles = sorted(hints()["origin_roles"], key=len, reverse=True)  # type: ignore[arg-type]
    return re.compile(r"\b(?:" + "|".join(re.escape(r) for r in roles) + r")\b", re.IGNORECASE)


def _body_before(article: Article, mentions: list[EntityMention], name_start: int) -> str | None:
    """The body tied by a role noun to the person named at ``name_start``, if the text says so."""
    lo = max(0, name_start - _WINDOW)
    window = article.text[lo:name_start]
    cut = max(window.rfind(". "), window.rfind("\n"))
    if cut >= 0:
        lo, window = lo + cut + 1, window[cut + 1 :]
    roles = list(_role_pattern().finditer(window))
    if not roles:
        return None
    bodies = [m for m in mentions if m.label in _BODY_LABELS and lo <= m.start and m.end <= name_start]
    if not bodies:
        return None
    for r in roles:
        r_start, r_end = lo + r.start(), lo + r.end()
        # "X spokesman Name": the body right before the role noun
        before = [m for m in bodies if 0 <= r_start - m.end <= 2]
        if before:
            return climb(_name_of(before[-1]))
        # "Representative of the United States to ...": the body right after "role of (the)"
        after = [m for m in bodies if re.fullmatch(r"\s+of\s+(?:the\s+)?", article.text[r_end : m.start] or "x")]
        if after:
            return climb(_name_of(after[0]))
    return climb(_name_of(bodies[-1]))


def claim_origin(claim: Claim, article: Article, mentions: list[EntityMention]) -> str:
    """The independent origin of one claim, as a display name."""
    speaker = claim.speaker or claim.speaker_text or ""
    if claim.speaker_entity and claim.speaker_entity in _entity_names():
        return climb(_entity_names()[claim.speaker_entity][0])
    if claim.speaker_start is not None and claim.speaker_end is not None:
        inside = [m for m in mentions if m.label in _BODY_LABELS | {"PERSON"}
                  and claim.speaker_start <= m.start and m.end <= claim.speaker_end]
        bodies = [m for m in inside if m.label in _BODY_LABELS]
        if len(bodies) > 1:
            return " + ".join(sorted({climb(_name_of(m)) for m in bodies}))
        if bodies and not any(m.label == "PERSON" for m in inside):
            return climb(_name_of(bodies[0]))
    if speaker:
        # a person: find their fullest mention in the article and look for the body before it
        target = fold(speaker)
        persons = [m for m in mentions if m.label == "PERSON" and fold(m.text)
                   and (fold(m.text) == target or target.endswith(fold(m.text)) or fold(m.text).endswith(target))]
        persons.sort(key=lambda m: (-len(m.text), m.start))
        for m in persons[:1] + sorted(persons, key=lambda m: m.start):
            body = _body_before(article, mentions, m.start)
            if body:
                return body
        return climb(speaker)
    return f"unattributed:{article.id}"


def same_origin(a: str, b: str) -> bool:
    """True when two origins are the same body (by folded name)."""
    return fold(a) == fold(b)
