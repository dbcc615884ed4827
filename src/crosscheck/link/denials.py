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
import sqlite3
from typing import TYPE_CHECKING

from crosscheck.link import groups, origins, relations
from crosscheck.link.entities import fold, keys_in
from crosscheck.link.groups import ClaimInfo
from crosscheck.model import Claim

if TYPE_CHECKING:
    from crosscheck.link.linker import ArticleLinker

PROPOSITIONAL = 4  # content stems from which a denial states what it denies (not a bare "these claims")


def link_denials(lk: ArticleLinker, cur: sqlite3.Cursor, pairs: list[tuple[Claim, ClaimInfo]], group_of: dict[str, str],
                  spans: dict[tuple[int, int], str]) -> None:
    text = lk.texts[pairs[0][1].article_id] if pairs else ""
    for c, info in pairs:
        if info.polarity != "deny" and not info.contest:
            continue
        if info.polarity == "deny" and c.speaker_start is not None and c.speaker_end is not None:
            parties = keys_in(spans, c.speaker_start, c.speaker_end)
        else:
            # a contest accuses someone of spreading falsehoods: its targets are that someone's claims
            parties = set()
        lo, hi = groups.sentence_bounds(text, c.start, c.end)
        d_vec = lk.emb.encode([text[lo:hi]])[0]
        targets = relations.resolve_targets(c, info, d_vec, parties, pairs)
        if info.contest:
            named = keys_in(spans, c.start, c.end)
            targets = [t for t in targets if any(
                fold(n.split(":", 1)[-1].replace("-", " ")) in
                {fold(i.origin), fold(origins.affiliation(i.origin) or "")}
                for n in named for cc, i in pairs if cc.id == t.claim_id)] if named else []
        hits = [(group_of.get(t.claim_id), t.claim_id, t.score, t.how) for t in targets]
        if info.polarity == "deny":
            hits += _story_targets(lk, info)
        for tg, tclaim, score, how in hits:
            if tg and tg != group_of[c.id]:
                lk.relate(cur, "contradicts", "dispute", group_of[c.id], tg,
                             {"a_claim": c.id, "b_claim": tclaim, "pointer": c.points_at,
                              "score": score, "how": how})
        if info.polarity == "deny":
            _join_same_denials(lk, cur, c.id, info, group_of, {h[0] for h in hits if h[0]})

def _story_targets(lk: ArticleLinker, info: ClaimInfo) -> list[tuple[str | None, str, float, str]]:
    """Assertion groups of the story that a denial stating its proposition denies, in any article.

    "denied the accusations that drones launched from its territory struck the dam": the
    clause is compared, negation set aside, with the story's assertion groups (blocked).
    """
    if len(info.stems) < PROPOSITIONAL:
        return []  # a bare pointer ("these claims") is resolved in its own article only
    asserted = dataclasses.replace(info, polarity="assert", sig=dataclasses.replace(info.sig, negated=False))
    gid, why, _, _ = groups.best_group(asserted, lk.candidates(asserted, "assert"))
    if gid is None:
        return []
    return [(gid, str(why.get("joined_via")), float(str(why.get("score", 0.0))), "proposition across articles")]

def _join_same_denials(lk: ArticleLinker, cur: sqlite3.Cursor, cid: str, info: ClaimInfo, group_of: dict[str, str],
                       targets: set[str]) -> None:
    """One origin denying the same thing twice is one denial: fold its other denial groups into this one."""
    mine = group_of[cid]
    for r in lk.store.relations_touching(targets):
        other = r["a"]
        if r["type"] != "dispute" or r["b"] not in targets or other == mine:
            continue
        rows = lk.store.group_member_rows([other])
        same = rows and rows[0]["polarity"] == "deny" and any(origins.same_origin(m["origin"], info.origin) for m in rows)
        if same and lk.merge(cur, mine, other, check=False):
            for k, v in list(group_of.items()):
                if v == other:
                    group_of[k] = mine

