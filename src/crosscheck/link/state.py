"""One linking run's state, and the operations its steps share over it.

The linker (:mod:`crosscheck.link.linker`) owns one :class:`LinkState` and hands it, or the
pieces a step needs, to the steps: the denials of an article (:mod:`crosscheck.link.denials`),
the end pass's derived fields (:mod:`crosscheck.link.derived`), the corrections
(:mod:`crosscheck.link.corrections`) and the reference dates (:mod:`crosscheck.link.refdates`).
What those steps need of linking itself (a group's candidates, merging two groups, recording a
relation, a sentence's vector) is here as functions over the state, so that no step imports
the linker: the steps know the state, never the one running them.
"""

from __future__ import annotations

import json
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from crosscheck.config import Settings
from crosscheck.link import embed, groups, origins, proposition, relations
from crosscheck.link.groups import ClaimInfo

if TYPE_CHECKING:
    from crosscheck.link.corrections import Corrections
    from crosscheck.store.sqlite import SQLiteStore

MERGE_SAMPLE = 30  # members per side compared before two groups merge (bounds a merge's cost)
# in-memory caches, emptied when full: they bound the linker's memory on long runs
# decoded members are kept least recently used first: a story's groups stay while the corpus grows
# (about 4 KB a member, so 8,000 of them bound the linker's largest cache near 35 MB)
CACHE_INFOS, CACHE_VECTORS = 8_000, 20_000


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass
class LinkState:
    """What one linking run holds between its articles and its end pass.

    The ledger and the run's settings; the facts articles taught (and as the run found them, so
    the end pass writes them back only when they changed); what the run touched; the analyst's
    corrections and the notes applying them left; the counters the summary reports; and the
    caches that keep linking from reading and embedding the same thing twice.
    """

    store: SQLiteStore
    settings: Settings
    emb: embed.Embedder
    facts: origins.Facts
    facts_before: str  # the facts as the run found them (JSON, sorted keys)
    touched_groups: set[str] = field(default_factory=set)
    touched_stories: set[str] = field(default_factory=set)
    corrections: Corrections | None = None  # applied by the end pass (link/corrections.py)
    correction_notes: list[str] = field(default_factory=list)  # entries that found nothing to correct
    duplicates: int = 0
    new_stories: int = 0
    new_groups: int = 0
    dates_resolved: int = 0
    bounded: int = 0  # claims compared with only the best-sharing max_candidate_groups groups
    relations: Counter[str] = field(default_factory=Counter)
    texts: dict[str, str] = field(default_factory=dict)  # article texts read, by id
    sentences: dict[tuple[str, int, int], np.ndarray] = field(default_factory=dict)  # embedded sentences, by article and span
    infos: OrderedDict[str, ClaimInfo] = field(default_factory=OrderedDict)  # decoded group members, by claim id (LRU)

    @classmethod
    def open(cls, store: SQLiteStore, settings: Settings) -> LinkState:
        """The state a run starts from: the ledger's facts, nothing touched yet."""
        facts = origins.Facts.from_json(store.link_state("facts"))
        return cls(store=store, settings=settings, emb=embed.embedder(), facts=facts,
                   facts_before=_j(facts.to_json()))

    def facts_changed(self) -> bool:
        """True when the run learned facts the ledger does not hold yet."""
        return _j(self.facts.to_json()) != self.facts_before


def text(st: LinkState, aid: str) -> str:
    """An article's text (read once)."""
    if aid not in st.texts:
        a = st.store.article(aid)
        st.texts[aid] = a.text if a else ""
    return st.texts[aid]


def sentence_vec(st: LinkState, aid: str, start: int, end: int) -> np.ndarray:
    """The vector of the sentence around a span (embedded once)."""
    body = text(st, aid)
    lo, hi = groups.sentence_bounds(body, start, end)
    key = (aid, lo, hi)
    if key not in st.sentences:
        if len(st.sentences) > CACHE_VECTORS:
            st.sentences.clear()
        st.sentences[key] = st.emb.encode([body[lo:hi]])[0]
    return st.sentences[key]


def decode_member(row: Any) -> ClaimInfo:
    """A stored group member (a ``group_member_rows`` row) as linking compares it."""
    k = json.loads(row["keys"])
    return ClaimInfo(
        id=row["claim_id"], article_id=row["article_id"], polarity=k["polarity"], content=k["content"],
        vec=embed.from_blob(row["vec"]), stems=frozenset(k["stems"]), entities=frozenset(k["entities"]),
        dates=frozenset(k["dates"]), quantities=tuple((q[0], q[1]) for q in k["quantities"]),
        origin=row["origin"], publisher=row["publisher"] or f"article:{row['article_id']}", published=k.get("published"),
        speaker=k.get("speaker"), contest=k.get("contest", False), story_id=row["story_id"],
        sig=proposition.Signature.from_json(k.get("sig")))


def member_info(st: LinkState, row: Any) -> ClaimInfo:
    """A stored group member as linking sees it (decoded once; the origin is read fresh)."""
    hit = st.infos.get(row["claim_id"])
    if hit is not None and hit.origin == row["origin"] and hit.story_id == row["story_id"]:
        st.infos.move_to_end(hit.id)
        return hit
    info = decode_member(row)
    st.infos[info.id] = info
    st.infos.move_to_end(info.id)
    while len(st.infos) > CACHE_INFOS:
        st.infos.popitem(last=False)
    return info


def candidates(st: LinkState, info: ClaimInfo, kind: str) -> dict[str, list[ClaimInfo]]:
    """The groups of ``kind`` in the claim's story sharing the most blocking keys with it, with a
    sample of each one's members (``link.groups`` bounds both)."""
    bounds = st.settings.link.groups
    gids = st.store.groups_for_keys(info.story_id or "", kind, info.block_keys(), cap=bounds.key_cap,
                                    limit=bounds.max_candidate_groups + 1)
    if len(gids) > bounds.max_candidate_groups:
        st.bounded += 1
        gids = gids[:bounds.max_candidate_groups]
    out: dict[str, list[ClaimInfo]] = {}
    for row in st.store.group_member_rows(gids, per_group=bounds.member_sample):
        out.setdefault(row["group_id"], []).append(member_info(st, row))
    return out


def merge(st: LinkState, cur: Any, keep: str, drop: str, *, check: bool = True) -> bool:
    """Fold group ``drop`` into ``keep`` when a new claim bridges them (never across a contradiction)."""
    if st.store.contradicts_between(keep, drop):
        return False
    rows = st.store.group_member_rows([keep, drop])
    a = [member_info(st, r) for r in rows if r["group_id"] == keep][:MERGE_SAMPLE]
    b = [member_info(st, r) for r in rows if r["group_id"] == drop][:MERGE_SAMPLE]
    if check and not groups.groups_agree(a, b, join=st.settings.link.groups.join):
        return False  # the bridge is one loose claim: the two groups' members are not one proposition
    st.store.merge_groups(cur, keep, drop)
    st.touched_groups.discard(drop)
    st.touched_groups.add(keep)
    return True


def relate(st: LinkState, cur: Any, kind: str, rtype: str, a: str, b: str, evidence: dict[str, Any]) -> None:
    """Record a relation between two groups once (its id is its kind, type and ends)."""
    rid = relations.relation_id(kind, rtype, a, b)
    if st.store.has_relation(rid):
        return
    st.store.put_relation(cur, rid, kind, rtype, a, b, evidence)
    st.relations[rtype] += 1
    st.touched_groups |= {a, b}
