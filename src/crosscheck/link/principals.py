"""Principals behind a claim group: who asserts, denies, contests or declines to deny it.

A claim's *principal* is its resolved origin (:mod:`crosscheck.link.origins`): a government,
an organisation, a person, a document's issuer or unnamed sources, never the outlet that
carries it. This module holds the pure functions that turn a group's members (and the
members of the groups that dispute it) into the principal lists of the export:

- **Nesting.** A claim inside another claim is not its own speaker's word on the story.
  Three cases, told apart by how the inner claim is reported:
  ``subject``: a weak cue inside another claim's content ("Russia plans to buy missiles",
  the spokesman said): the inner "speaker" is what the outer claim is about; it never counts.
  ``channel``: the outer speaker only carries it ("X denies it, Reuters writes"): the inner
  claim counts as X's, and the outer claim is a relay that counts for nobody.
  ``reported``: a principal reports another's words ("Nebenzya contested it, highlighting a
  denial from a Ukrainian officer"): the inner claim is the officer's only when a claim of
  the same principal that is not nested confirms it in the same group.
- **Coalitions.** An origin "A + B" (a joint statement, "Moscow and Pyongyang") stands for
  each of its members; the members are what is counted, and the coalition is listed apart.
- **Stances.** ``asserts``, ``denies``, ``contests`` (disputes without saying it is false)
  and ``non_denial`` (declines to deny, refrains from refuting), from the claim's polarity and
  cue (``data/cues.json``: ``contest_cues``, ``non_denial_cues``).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from crosscheck.link.entities import fold
from crosscheck.model import Claim
from crosscheck.packagedata import data_json

Stance = Literal["asserts", "denies", "contests", "non_denial"]
Nest = Literal["subject", "channel", "reported"]
STANCES: tuple[Stance, ...] = ("asserts", "denies", "contests", "non_denial")
JOINT = " + "  # how origins.resolve joins the members of a joint origin
_NEAR = 24  # earlier claims looked at for the one a claim is nested in (bounds an article's cost)


@functools.cache
def _cues() -> dict[str, Any]:
    data: dict[str, Any] = data_json("cues.json")
    return data


@functools.cache
def _weak() -> frozenset[str]:
    return frozenset(k for k, v in _cues()["verbs"].items() if isinstance(v, dict) and v.get("weak"))


@functools.cache
def _speech_nouns() -> frozenset[str]:
    return frozenset(_cues()["speech_nouns"])


def claim_stance(polarity: str, cue: str | None) -> Stance:
    """A claim's stance toward its own content, from its polarity and cue lemma."""
    lemma = (cue or "").lower()
    if lemma in _cues()["non_denial_cues"]:  # "declined to comment", a withheld denial
        return "non_denial"
    if polarity == "deny":
        return "contests" if lemma in _cues()["contest_cues"] else "denies"
    return "asserts"


def members(origin: str) -> list[str]:
    """The principals an origin stands for: each member of a joint origin, else itself."""
    parts = [p.strip() for p in origin.split(JOINT)] if JOINT in origin else [origin.strip()]
    return [p for p in parts if p]


def _inside(lo: int, hi: int, c: Claim) -> bool:
    return c.start <= lo and hi <= c.end


def _speaker_differs(a: Claim, b: Claim) -> bool:
    sa, sb = fold(a.speaker or a.speaker_text or ""), fold(b.speaker or b.speaker_text or "")
    return not sa or not sb or sa != sb


def nesting(claims: Sequence[Claim]) -> dict[str, tuple[Nest, str]]:
    """Claim id -> (how it is nested, the id of the claim it sits in), for one article's claims.

    An outer claim whose nested claims are all carried through it (``channel``) is marked
    ``("channel", own id)``: it relays and counts for nobody.
    """
    out: dict[str, tuple[Nest, str]] = {}
    ordered = sorted(claims, key=lambda x: (x.start, x.id))
    starts = [x.start for x in ordered]
    for c in claims:
        lo = min(x for x in (c.start, c.speaker_start, c.cue_start) if x is not None)
        hi = c.end
        # an outer claim starts before the inner one's cue ends: the nearest _NEAR such are enough
        upto = bisect.bisect_right(starts, c.cue_start if c.cue_start is not None else c.start)
        for o in reversed(ordered[max(0, upto - _NEAR) : upto]):
            if o.id == c.id or not _speaker_differs(c, o):
                continue
            if _inside(lo, hi, o):
                if c.cue in _weak():
                    out[c.id] = ("subject", o.id)
                elif c.reported_by:
                    out[c.id] = ("channel", o.id)
                    out.setdefault(o.id, ("channel", o.id))
                else:
                    out[c.id] = ("reported", o.id)
                break
            # "X contested this claim, highlighting a denial from Y": a reporting noun after X's cue
            same_sentence = c.sentence_start is not None and c.sentence_start == o.sentence_start
            if (same_sentence and c.cue in _speech_nouns() and o.cue_end is not None
                    and c.cue_start is not None and o.cue_end <= c.cue_start and o.start <= c.cue_start
                    and (o.speaker_start or o.start) < c.cue_start):
                out[c.id] = ("reported", o.id)
                break
    return out


@dataclass(frozen=True, slots=True)
class Member:
    """One group member as the principal lists see it."""

    claim_id: str
    origin: str
    stance: Stance
    nest: Nest | None = None
    relay: bool = False  # an outer claim that only carries another's words


def counted(ms: Iterable[Member]) -> list[Member]:
    """The members whose principal stands behind the claim: not relays, not subjects, and a
    reported claim only when an unnested member of the same principal confirms it."""
    ms = list(ms)
    own = {fold(p) for m in ms if m.nest is None and not m.relay for p in members(m.origin)}
    out = []
    for m in ms:
        if m.relay or m.nest == "subject":
            continue
        if m.nest == "reported" and not all(fold(p) in own for p in members(m.origin)):
            continue
        out.append(m)
    return out


def _names(ms: Iterable[Member], stance: Stance | None = None) -> list[str]:
    seen: dict[str, str] = {}
    for m in ms:
        if stance is None or m.stance == stance:
            for p in members(m.origin):
                seen.setdefault(fold(p), p)
    return sorted(seen.values(), key=lambda s: (fold(s), s))


def origins_of(ms: Iterable[Member]) -> list[str]:
    """Independent origins: the distinct principals of the counted members, coalitions as their
    members; one who only declines to deny stands behind nothing."""
    return _names(m for m in counted(ms) if m.stance != "non_denial")


def coalitions(ms: Iterable[Member]) -> list[list[str]]:
    """The joint origins among the counted members, each as its sorted member list."""
    out = {tuple(sorted(members(m.origin))) for m in counted(ms) if JOINT in m.origin}
    return [list(c) for c in sorted(out)]


def principal_lists(own: Iterable[Member], against: Iterable[Member]) -> dict[str, list[str]]:
    """asserted_by, denied_by, contested_by and non_denials of a group.

    ``own`` are the group's members; ``against`` the members of the groups that dispute it
    (a denial group pointing at it). A denial group's own members deny, so for a group of
    polarity deny its members fill ``denied_by`` too.
    """
    mine, theirs = counted(own), counted(against)
    return {
        "asserted_by": _names(mine, "asserts"),
        "denied_by": _names([*theirs, *mine], "denies") if theirs else _names(mine, "denies"),
        "contested_by": _names([*theirs, *mine], "contests"),
        "non_denials": _names([*theirs, *mine], "non_denial"),
    }


_POINTERS = ("this", "these", "that", "those", "it", "they", "such", "the claim", "the claims", "the accusation",
             "the accusations", "the report", "the allegation", "the allegations")
_QUOTES = "\"'“”‘’«»"


def _clean(content: str) -> str:
    t = " ".join(content.split()).strip(_QUOTES + " ")
    t = t.removeprefix("that ").removeprefix("That ")
    while t and (t[-1] in ",;:" or t.rsplit(" ", 1)[-1].lower() in ("and", "or", "but", "that", "which")):
        # a trailing conjunction goes; a content that is nothing else is empty (it looped forever)
        t = t[:-1].rstrip() if t[-1] in ",;:" else (t.rsplit(" ", 1)[0].rstrip() if " " in t else "")
    t = t.strip(_QUOTES + " ")
    return t[:1].upper() + t[1:] if t else t


# a cue's object rather than a clause: "accused [Russia of using ...]", "called [for talks]", "[to buy ...]"
_FRAGMENT = re.compile(r"^(?:(?:to|for|on|of|with|against)\s|(?:\S+\s){1,4}of\s+\w+ing\b)", re.IGNORECASE)


def _pointer(t: str) -> bool:
    low = t.lower()
    return len(t.split()) < 4 or any(low == p or low.startswith(p + " ") for p in _POINTERS) or anaphor(t) is not None


def lead_text(contents: Sequence[str]) -> str:
    """A group's label: the member content that best stands for the rest, as a whole clause.

    Pointers ("this claim", "the US accusations"), leads opening on a pronoun ("He said it was
    ...", see :func:`anaphor`) and fragments say nothing on their own; among the others, the one
    sharing the most words with the other members wins (ties: the shorter).
    """
    return lead_choice(contents)[1]


def lead_choice(contents: Sequence[str]) -> tuple[int, str]:
    """:func:`lead_text` and the index in ``contents`` of the member it is cut from (-1: none)."""
    cleaned = [_clean(x) for x in contents]
    cands = [c for c in dict.fromkeys(cleaned) if c]
    if not cands:
        return -1, ""
    full = [c for c in cands if not _pointer(c) and not _FRAGMENT.match(c)] or \
        [c for c in cands if not _pointer(c)] or cands
    words = [{w.lower().strip(",.;:") for w in c.split()} for c in full]

    def central(i: int) -> tuple[float, int, str]:
        share = sum(len(words[i] & words[j]) / max(1, len(words[i] | words[j])) for j in range(len(full)) if j != i)
        return (-share, abs(len(full[i]) - 120), full[i])

    best = full[min(range(len(full)), key=central)]
    return cleaned.index(best), best


# Anaphoric leads: a lead that opens on a word standing for something said before it.
# Personal pronouns (the class is closed): in reported speech the one opening the reported
# clause is, most often, its speaker ("Feld said her team had been refused ...", "X denied that
# it had supplied ..."); possessives become "[X's]".
_PERSONAL = {"he": "", "she": "", "they": "", "it": "", "his": "'s", "her": "'s", "its": "'s", "their": "'s"}
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those", "such"})
# what follows a demonstrative used as a pronoun ("This was confirmed", "That would mean"):
# the auxiliaries, copulas and modals of English (a closed class)
_AUX = frozenset({"is", "was", "are", "were", "be", "been", "being", "'s", "has", "had", "have", "having", "do",
                  "does", "did", "will", "would", "shall", "should", "can", "could", "may", "might", "must"})
# "It is too early to ...", "It was clear that ...": an expletive it stands for nothing
_EXPLETIVE = re.compile(r"^it\s+(?:is|was|'s|’s|would be|will be|has been|had been|may be|might be|seems|seemed"
                        r"|appears|appeared|remains|remained)\b.*?\b(?:that|to|whether|if|for|when|how|why)\b",
                        re.IGNORECASE)
# "It was unnecessary", "It is built on sand": an "it" that is described stands for what was said before
_COPULA_IT = re.compile(r"^it\s+(?:is|was|'s|’s|would be|will be|has been|had been|seems|seemed|appears|appeared"
                        r"|remains|remained)\b", re.IGNORECASE)
Anaphor = Literal["speaker", "antecedent"]


@functools.cache
def _claim_nouns() -> frozenset[str]:
    return frozenset(_cues()["claim_nouns"])


def anaphor(lead: str) -> Anaphor | None:
    """What an anaphoric lead's first word stands for, or None when the lead stands on its own.

    ``speaker``: it opens on a personal pronoun (he, she, they, it doing something, his, her,
    its, their), read as the claim's speaker. ``antecedent``: it opens on a demonstrative used as
    a pronoun ("This was confirmed by ..."), is a short pointer ("this claim", "the US
    accusations", "such reports"), or on an "it" that is described ("It was unnecessary"): it
    stands for what was said before. An expletive "it" ("It is too early to ...") is neither.
    """
    words = lead.split()
    if not words:
        return None
    first = words[0].lower().strip(_QUOTES + ",;:")
    rest = words[1].lower().strip(_QUOTES + ",;:.") if len(words) > 1 else ""
    if first == "it":
        if _EXPLETIVE.match(lead):
            return None
        return "antecedent" if not rest or _COPULA_IT.match(lead) else "speaker"
    if first in _PERSONAL:
        return "speaker"
    short = len(words) < 4
    if first in _DEMONSTRATIVES and (not rest or rest in _AUX or short):
        return "antecedent"
    if short and first in _DEMONSTRATIVES | {"the"} and any(w.lower().strip(".,;:") in _claim_nouns() for w in words):
        return "antecedent"
    return None


_REFERENT_CHARS = 120


def referent_text(text: str) -> str:
    """A referent as shown inside a lead: its words as written, cut at a word past 120 characters."""
    t = " ".join(text.split()).strip(_QUOTES + " ").rstrip(" .,;:")
    if len(t) <= _REFERENT_CHARS:
        return t
    return t[:_REFERENT_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def with_referent(lead: str, kind: Anaphor, referent: str) -> str:
    """The lead with what its first word stands for shown in square brackets, as an editor marks
    an insertion: a pronoun is replaced by its speaker ("[Nadia Feld's] team had been refused
    ..."), a pointer keeps its words and is followed by what it points at ("This claim [Russia is
    using North Korean missiles]", "This [the strike] was confirmed by ...")."""
    words = lead.split(" ")
    ref = referent.strip()
    if not ref or not words:
        return lead
    first = words[0].lower().strip(_QUOTES + ",;:")
    if kind == "speaker" and first in _PERSONAL:
        return " ".join([f"[{ref}{_PERSONAL[first]}]", *words[1:]])
    if len(words) < 4:
        return f"{lead} [{ref}]"
    return " ".join([words[0], f"[{ref}]", *words[1:]])
