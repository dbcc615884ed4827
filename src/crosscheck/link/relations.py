"""Typed contradictions between claim groups, and each group's corroboration status.

- dispute: one speaker asserts, another denies or contests. A denial points at what it
  denies ("this claim", "the US accusations", "the accusations of arms transfers"); the
  pointer is resolved inside the denial's article, where the writer put what it answers,
  and the relation joins the denial's group to each target's group, so every article
  carrying the same claim inherits the dispute.
- factual_conflict: two origins give different numbers or days for the same thing.
- update: the same origin gives a new figure later (a new day from the same origin is a new event:
  no relation).

Claims of one group never contradict (a conflicting near-match starts its own group), and a
denial is never in the group it denies (groups never mix polarities).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

from crosscheck.config import DEFAULTS
from crosscheck.link.entities import hints
from crosscheck.link.groups import ClaimInfo
from crosscheck.link.origins import affiliation, same_origin
from crosscheck.link.words import broader, stems
from crosscheck.model import Claim

ACCUSING_CUES = frozenset({"accuse", "allege", "charge", "claim", "blame", "condemn", "report"})
MAX_TARGETS = 4
# a pointer with a clause of its own ("the accusations that drones struck the dam") and this many
# content words names what it denies: a target shares this much of it
TOLD_WORDS, TOLD_SHARE = 4, 0.25


@dataclass(frozen=True, slots=True)
class Target:
    """An assertion a denial or contest points at, and why."""

    claim_id: str
    score: float
    how: str


def relation_id(kind: str, rtype: str | None, a: str, b: str) -> str:
    """A stable relation id (the pair is ordered, so a rerun finds the same row)."""
    lo, hi = sorted((a, b))
    return "r" + hashlib.sha1(f"{kind}|{rtype}|{lo}|{hi}".encode()).hexdigest()[:15]


def is_contest(content: str) -> bool:
    """True when an assertion calls something false ("disseminating inaccurate information")."""
    text = content.lower()
    return any(re.search(r"\b" + re.escape(m) + r"\b", text) for m in hints()["contest_markers"])


def pointer_parts(pointer: str) -> tuple[bool, frozenset[str]]:
    """(demonstrative?, modifier stems) of a pointer phrase such as "the US accusations"."""
    p = pointer.lower().strip()
    demo = any(p == d or p.startswith(d + " ") for d in hints()["demonstratives"])
    heads = {h.lower() for h in hints()["pointer_heads"]}
    mods = stems(" ".join(w for w in re.findall(r"[a-z][a-z-]*", p) if w not in heads))
    return demo, mods


def _about(info: ClaimInfo, parties: set[str]) -> bool:
    return bool(info.entities & parties)


def resolve_targets(denial: Claim, d_info: ClaimInfo, d_text: np.ndarray, parties: set[str],
                    article_claims: list[tuple[Claim, ClaimInfo]], *,
                    target_min: float = DEFAULTS.link.disputes.target_min) -> list[Target]:
    """The assertions of the denial's own article that it denies or contests (those scoring at
    least ``target_min``, the run's link.disputes.target_min, else the best one).

    ``d_text`` is the vector of the denial's sentence (a bare "the accusations" says little),
    ``parties`` the entity keys of the deniers (or, for a contest, of who it accuses).
    """
    pointer = denial.points_at or ""
    demo, mods = pointer_parts(pointer) if pointer else (False, frozenset())
    before = [(c, i) for c, i in article_claims
              if c.id != denial.id and i.polarity == "assert" and not i.contest
              and not same_origin(i.origin, d_info.origin)
              # a claim that reports the denial itself ("X denies it, Reuters writes") is not its target
              and not (c.start < denial.end and denial.start < c.end)]
    if not before:
        return []
    preceding = [(c, i) for c, i in before if c.start < denial.start]
    if demo and preceding:
        # "this claim": the nearest assertion before the denial
        c, _ = max(preceding, key=lambda ci: ci[0].start)
        return [Target(c.id, 1.0, f"demonstrative '{pointer}'")]
    nearest = max(preceding, key=lambda ci: ci[0].start)[0].id if preceding else None
    # "the accusations that drones struck the dam" (not "the claims as fiction"): it says what it denies
    told = " that " in pointer.split(" as ", 1)[0]
    pointer_words = {w.lower() for w in re.findall(r"[A-Za-z.]+", pointer)}
    scored = []
    for c, i in before:
        if parties and not _about(i, parties):
            continue
        cos = float(np.dot(d_text, i.vec))
        mod = len(mods & broader(i.stems)) / len(mods) if mods else 0.0
        if told and len(mods) >= TOLD_WORDS and mod < TOLD_SHARE:
            continue  # "the accusations that drones struck the dam": the pointer says what it denies
        s = cos + 0.25 * mod + (0.15 if c.cue in ACCUSING_CUES else 0.0) + (0.1 if c.id == nearest else 0.0)
        # "the US accusations": prefer assertions whose origin the pointer names
        aff = (affiliation(i.origin) or i.origin).lower()
        if pointer_words & {aff, *aff.split()} or any(w in i.origin.lower() for w in pointer_words if len(w) > 3):
            s += 0.1
        scored.append(Target(c.id, round(s, 3), f"cos {cos:.2f} pointer {mod:.2f} cue {c.cue}"))
    scored.sort(key=lambda t: -t.score)
    chosen = [t for t in scored if t.score >= target_min][:MAX_TARGETS]
    return chosen or scored[:1]


def group_status(n_origins: int, rel_types: set[str]) -> list[str]:
    """Status labels of a group from its origin count and the relations touching it."""
    status = ["corroborated" if n_origins >= 2 else "single_source"]
    if "dispute" in rel_types:
        status.append("disputed")
    if "factual_conflict" in rel_types:
        status.append("conflicting")
    if "update" in rel_types:
        status.append("updated")
    return status


def conflict_type(a: ClaimInfo | str, b: ClaimInfo | str, what: str | None = "number") -> str | None:
    """The type of a conflict between two near-matching claims (or their origins), or None for none.

    An update is the same origin revising the same figure; two origins giving different
    figures or days is a factual_conflict. The same origin naming two days names two events
    (a launch on Dec 30, more launches on Jan 2): that is neither an update nor a conflict.
    """
    oa, ob = (x if isinstance(x, str) else x.origin for x in (a, b))
    if same_origin(oa, ob):
        return None if what == "date" else "update"
    return "factual_conflict"
