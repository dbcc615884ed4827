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

from crosscheck.link.entities import demonyms, fold, hints, plain
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
    if m.label == "NORP" and fold(m.text) in demonyms():
        return demonyms()[fold(m.text)]  # "Ukrainian official": Ukraine speaks
    return m.text.removeprefix("the ").removeprefix("The ")


@cache
def _alias_patterns() -> list[tuple[re.Pattern[str], str]]:
    """Whole-word patterns of every alias and demonym, longest first, with the body they name."""
    pairs: dict[str, str] = {}
    try:
        from crosscheck.annotate import entities as ents

        for e in ents.alias_table().values():
            for alias in (e.name, *e.aliases):
                if plain(alias):
                    pairs[plain(alias)] = e.name
    except (ImportError, AttributeError, OSError, ValueError):
        pass
    for adj, country in demonyms().items():
        pairs.setdefault(plain(adj), country)
    return [(re.compile(r"(?<![a-z0-9])" + re.escape(a) + r"(?![a-z0-9])"), n)
            for a, n in sorted(pairs.items(), key=lambda kv: -len(kv[0])) if len(a) >= 2]


def bodies_named(text: str) -> list[str]:
    """Known bodies named in a speaker phrase ("White House intelligence" -> White House)."""
    t, found = plain(text), []
    for pat, name in _alias_patterns():
        if pat.search(t):
            found.append(name)
            t = pat.sub(" ", t)
    return sorted(set(found))


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


def role_body(phrase: str) -> str | None:
    """The body a role phrase names its holder for ("Deputy U.S. Ambassador to the U.N." -> United States).

    The body right before the role noun, or after "role of (the)"; a destination ("to the
    U.N.") is not the sender, and an international body where countries sit gives way to a
    country written before it ("Russian U.N. Ambassador" -> Russia).
    """
    intl = {fold(n) for n in hints()["international"]}  # type: ignore[attr-defined]
    t = plain(phrase)
    for r in _role_pattern().finditer(t):
        before = [(m.start(), m.end(), name) for pat, name in _alias_patterns() for m in pat.finditer(t[: r.start()])]
        before.sort()
        chain = [b for b in before if r.start() - b[1] <= 40]
        chain = [b for b in chain if fold(b[2]) not in intl] or chain
        if chain:
            return climb(chain[-1][2])
        after = re.match(r"\s*of\s+(?:the\s+)?(.*)$", t[r.end() :])
        if after:
            names = [(m.start(), name) for pat, name in _alias_patterns() for m in pat.finditer(after.group(1))]
            if names:
                return climb(min(names)[1])
    return None


def _body_before(article: Article, mentions: list[EntityMention], name_start: int) -> str | None:
    """The body tied by a role noun to the person named at ``name_start``, if the text says so."""
    lo = max(0, name_start - _WINDOW)
    window = article.text[lo:name_start]
    cut = max(window.rfind(". "), window.rfind("\n"), window.rfind(", "))
    if cut >= 0:
        window = window[cut + 1 :]
    return role_body(window)


def _speaker_body(article: Article, claims: list[Claim], mentions: list[EntityMention], speaker: str) -> str | None:
    """The body a person speaks for, from every way the article names them."""
    texts = [c.speaker_text or "" for c in claims if (c.speaker or c.speaker_text) == speaker]
    for t in sorted(texts, key=len, reverse=True):
        body = role_body(t)
        if body:
            return body
    target = fold(speaker)
    persons = [m for m in mentions if m.label == "PERSON" and fold(m.text)
               and (fold(m.text) == target or target.endswith(" " + fold(m.text)))]
    for m in sorted(persons, key=lambda m: m.start):
        body = _body_before(article, mentions, m.start)
        if body:
            return body
    return None


def claim_origin(claim: Claim, article: Article, mentions: list[EntityMention],
                 claims: list[Claim] | None = None) -> str:
    """The independent origin of one claim, as a display name (``claims``: its article's claims)."""
    speaker = claim.speaker or claim.speaker_text or ""
    target = fold(speaker)
    personal = bool(target) and any(m.label == "PERSON" and (fold(m.text) == target or target.endswith(" " + fold(m.text)))
                                    for m in mentions if fold(m.text))
    if personal:
        body = _speaker_body(article, claims or [claim], mentions, speaker)
        return body or climb(speaker)
    if claim.speaker_entity and claim.speaker_entity in _entity_names():
        return climb(_entity_names()[claim.speaker_entity][0])
    if claim.speaker_start is not None and claim.speaker_end is not None:
        inside = [m for m in mentions if m.label in _BODY_LABELS | {"PERSON"}
                  and claim.speaker_start <= m.start and m.end <= claim.speaker_end]
        bodies = [m for m in inside if m.label in _BODY_LABELS]
        if any(m.label == "PERSON" for m in inside):
            bodies = []  # a named person: their body is found next to their name below
        if len(bodies) > 1:
            return " + ".join(sorted({climb(_name_of(m)) for m in bodies}))
        if bodies and not any(m.label == "PERSON" for m in inside):
            return climb(_name_of(bodies[0]))
    named = sorted(set(bodies_named(claim.speaker_text or "")) | set(bodies_named(speaker)))
    if named and not _looks_personal(claim, mentions):
        return " + ".join(climb(n) for n in named)
    if speaker:
        body = _speaker_body(article, claims or [claim], mentions, speaker)
        return body or climb(speaker)
    return f"unattributed:{article.id}"


def _looks_personal(claim: Claim, mentions: list[EntityMention]) -> bool:
    """True when the speaker is a named person (their body is found next to their name instead)."""
    if claim.speaker_start is None or claim.speaker_end is None:
        return bool(claim.speaker) and any(m.label == "PERSON" and fold(m.text) == fold(claim.speaker or "")
                                           for m in mentions)
    return any(m.label == "PERSON" and m.start < claim.speaker_end and claim.speaker_start < m.end
               for m in mentions)


def same_origin(a: str, b: str) -> bool:
    """True when two origins are the same body (by folded name)."""
    return fold(a) == fold(b)
