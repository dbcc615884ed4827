"""Denials and contests: what each one disputes, in its own article and across the story.

A denial's content is often a bare pointer ("these claims", "any involvement"): what it
denies is resolved in its own article, where the writer put what it answers
(:func:`crosscheck.link.relations.resolve_targets`). A denial that states its proposition
("denied that drones launched from its territory struck the dam") also finds the assertion
groups of the story it denies, in any article. Each dispute joins the denial's group to the
target's group, so every article carrying the same claim inherits the dispute.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from crosscheck.link import groups, origins, relations, state
from crosscheck.link.entities import fold, keys_in, slug
from crosscheck.link.groups import ClaimInfo
from crosscheck.link.state import LinkState
from crosscheck.link.words import broader
from crosscheck.model import Claim

PROPOSITIONAL = 4  # content stems from which a denial states what it denies (not a bare "these claims")


MAX_STORY_TARGETS = 3  # assertion groups of the story one stated denial may dispute
MAX_POINTER_TARGETS = 6  # groups one descriptive pointer may name across the story


def parties(c: Claim, info: ClaimInfo, spans: dict[tuple[int, int], str], text: str) -> set[str]:
    """Entity keys of who denies: the speaker phrase's, and the party its origin resolves to
    (a deputy minister speaks for her country, and what she denies is about her country)."""
    if info.polarity != "deny":
        return set()  # a contest accuses someone of spreading falsehoods: its targets are that someone's claims
    out = keys_in(spans, c.speaker_start, c.speaker_end) if c.speaker_start is not None and c.speaker_end is not None \
        else set()
    principal = slug(info.origin)
    out |= {k for (s, e), k in spans.items() if k.split(":", 1)[-1] == principal or slug(text[s:e]) == principal}
    return out


def _targets(st: LinkState, c: Claim, info: ClaimInfo, pairs: list[tuple[Claim, ClaimInfo]],
             spans: dict[tuple[int, int], str]) -> list[relations.Target]:
    text = state.text(st, info.article_id)
    d_vec = state.sentence_vec(st, info.article_id, c.start, c.end)
    targets = relations.resolve_targets(c, info, d_vec, parties(c, info, spans, text), pairs,
                                        target_min=st.settings.link.disputes.target_min)
    if info.contest:
        named = keys_in(spans, c.start, c.end)
        targets = [t for t in targets if any(
            fold(n.split(":", 1)[-1].replace("-", " ")) in
            {fold(i.origin), fold(origins.affiliation(i.origin) or "")}
            for n in named for cc, i in pairs if cc.id == t.claim_id)] if named else []
    return targets


def pointed(st: LinkState, c: Claim, info: ClaimInfo, pairs: list[tuple[Claim, ClaimInfo]],
            spans: dict[tuple[int, int], str]) -> ClaimInfo:
    """A bare-pointer denial ("Koltsa denies these claims") read as the proposition it denies.

    Its content says nothing to compare across articles, so it takes the words, names, vector
    and signature of the assertion it points at in its own article: two denials of the same
    proposition by one party then meet, wherever each was reported. A denial that states its
    proposition, or points at nothing in its article, is left as it is.
    """
    if info.polarity != "deny" or len(info.stems) >= PROPOSITIONAL:
        return info
    targets = _targets(st, c, info, pairs, spans)
    best = next((i for t in targets[:1] for cc, i in pairs if cc.id == t.claim_id), None)
    if best is None:
        return info
    out = dataclasses.replace(info, stems=info.stems | best.stems, entities=info.entities | best.entities,
                              vec=best.vec, sig=dataclasses.replace(best.sig, negated=False, denial=False))
    out.extra = {**info.extra, "denies": best.id}
    return out


def link_denials(st: LinkState, cur: Any, pairs: list[tuple[Claim, ClaimInfo]], group_of: dict[str, str],
                 spans: dict[tuple[int, int], str]) -> None:
    """Dispute relations from each denial or contest of one article to what it denies."""
    for c, info in pairs:
        if info.polarity != "deny" and not info.contest:
            continue
        targets = _targets(st, c, info, pairs, spans)
        hits = [(group_of.get(t.claim_id), t.claim_id, t.score, t.how) for t in targets]
        if info.polarity == "deny":
            hits += _story_targets(st, info) + _pointer_targets(st, c, info, spans)
        for tg, tclaim, score, how in hits:
            if tg and tg != group_of[c.id]:
                state.relate(st, cur, "contradicts", "dispute", group_of[c.id], tg,
                             {"a_claim": c.id, "b_claim": tclaim, "pointer": c.points_at, "score": score, "how": how})
        if info.polarity == "deny":
            _join_same_denials(st, cur, c.id, info, group_of, {h[0] for h in hits if h[0]})


def _story_targets(st: LinkState, info: ClaimInfo) -> list[tuple[str | None, str, float, str]]:
    """Assertion groups of the story that a denial stating its proposition denies, in any article.

    "denied the accusations that drones launched from its territory struck the dam": the
    clause is compared, negation set aside, with the story's assertion groups (blocked); each
    group it would join is one it denies (several reports of the accusation in other words).
    """
    if len(info.stems) < PROPOSITIONAL:
        return []  # a bare pointer ("these claims") is resolved in its own article only
    asserted = dataclasses.replace(info, polarity="assert", sig=dataclasses.replace(info.sig, negated=False))
    out: list[tuple[str | None, str, float, str]] = []
    for gid, members in sorted(state.candidates(st, asserted, "assert").items()):
        hit, why, _, _ = groups.best_group(asserted, {gid: members}, join=st.settings.link.groups.join)
        if hit is not None:
            out.append((gid, str(why.get("joined_via")), float(str(why.get("score", 0.0))), "proposition across articles"))
    out.sort(key=lambda h: (-h[2], h[0] or ""))
    return out[:MAX_STORY_TARGETS]


def _pointer_targets(st: LinkState, c: Claim, info: ClaimInfo,
                     spans: dict[tuple[int, int], str]) -> list[tuple[str | None, str, float, str]]:
    """Assertion groups of the story a descriptive pointer names, in any article.

    "denied the accusations of arms transfers": the pointer's words ("arms", "transfers") say
    what is denied. A group disputed this way has a claim covering every one of those words,
    directly or through a general word ("missiles supplied" are arms transfers), and naming
    one of the deniers; the closest few to the denial's sentence are kept.
    """
    _, mods = relations.pointer_parts(c.points_at or "")
    who = parties(c, info, spans, state.text(st, info.article_id))
    if len(mods) < 2 or not who:
        return []  # "these claims" or "the report" says too little to find its target elsewhere
    probe = dataclasses.replace(info, polarity="assert", stems=mods, entities=frozenset(who), dates=frozenset())
    out: list[tuple[str | None, str, float, str]] = []
    for gid, members in sorted(state.candidates(st, probe, "assert").items()):
        fits = [m for m in members if mods <= broader(m.stems) and m.entities & who]
        if fits:
            best = max(fits, key=lambda m: (float(np.dot(info.vec, m.vec)), m.id))
            out.append((gid, best.id, round(float(np.dot(info.vec, best.vec)), 3), f"pointer '{c.points_at}'"))
    out.sort(key=lambda h: (-h[2], h[0] or ""))
    return out[:MAX_POINTER_TARGETS]


def _join_same_denials(st: LinkState, cur: Any, cid: str, info: ClaimInfo, group_of: dict[str, str],
                       targets: set[str]) -> None:
    """One origin denying the same thing twice is one denial: fold its other denial groups into this one."""
    mine = group_of[cid]
    for r in st.store.relations_touching(targets):
        other = r["a"]
        if r["type"] != "dispute" or r["b"] not in targets or other == mine:
            continue
        rows = st.store.group_member_rows([other])
        same = rows and rows[0]["polarity"] == "deny" and any(origins.same_origin(m["origin"], info.origin) for m in rows)
        if same and state.merge(st, cur, mine, other, check=False):
            for k, v in list(group_of.items()):
                if v == other:
                    group_of[k] = mine

