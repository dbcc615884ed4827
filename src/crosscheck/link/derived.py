"""Derived fields of what a linking run touched: origins again, outlets, status, events, reference dates.

Groups, stories and relations touched by the run get their derived fields (outlets, origins,
status, story events) recomputed at the end, and only those: the cost of a run follows the
new articles, not the corpus. Undated articles of the touched stories get their reference
date from the other articles (:mod:`crosscheck.link.refdates`) before the events are built.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from crosscheck.link import corrections, groups, origins, principals, refdates, relations, timeline
from crosscheck.link.entities import fold
from crosscheck.link.state import LinkState

if TYPE_CHECKING:
    from crosscheck.store.sqlite import SQLiteStore


def _j(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)



def finish(st: LinkState) -> None:
    """Recompute origins (when new facts arrived), outlets, status and events of what this run touched."""
    store = st.store
    with store.transaction() as cur:
        if st.facts_changed():
            store.set_link_state(cur, "facts", st.facts.to_json())
            st.touched_groups |= _reresolve(store, cur, st.facts, st.touched_stories)
            _retype(store, cur, st.touched_groups)
        fixes = st.corrections
        if fixes is not None:  # after linking and re-resolving, before anything is derived from the members
            done = corrections.apply(store, cur, fixes)
            st.correction_notes = done.notes
            st.touched_groups |= done.groups
            st.touched_stories |= done.stories
            st.touched_groups -= done.deleted
        touched = sorted(st.touched_groups)
        for lo in range(0, len(touched), GROUPS_PER_READ):
            for f in group_fields(store, fixes, touched[lo : lo + GROUPS_PER_READ]):
                store.set_group_derived(cur, f.group_id, outlets=f.outlets, origins=f.origins, status=f.status,
                                        first_seen=f.first_seen, why=f.why, principals=f.principals)
        st.dates_resolved += refdates.resolve_references(store, cur, st.touched_stories)
        for sid in st.touched_stories:
            store.set_story_events(cur, sid, story_events(store, sid))
            title = story_title(store, sid)
            if title:
                store.set_story_title(cur, sid, title)
        store.clear_pending(cur)  # this run, and any stopped one before it, is complete


GROUPS_PER_READ = 2_000  # touched groups whose members the end pass holds at once: its memory stays flat


@dataclass(frozen=True)
class GroupFields:
    """A group's derived fields, as the end pass writes them (``set_group_derived``)."""

    group_id: str
    outlets: list[str]
    origins: list[str]
    status: list[str]
    first_seen: str | None
    why: dict[str, Any]
    principals: dict[str, Any]


def group_fields(store: SQLiteStore, fixes: corrections.Corrections | None, gids: list[str]) -> list[GroupFields]:
    """Outlets, origins, status, counts, principals and corrections of some touched groups, from
    their members and those of the groups disputing them (each group's fields depend on no other
    group's), in the order of their members."""
    record = store.link_state(corrections.STATE_KEY) or {}
    deps = fixes.depends() if fixes is not None else {}
    rows = store.group_member_rows(gids)
    by_group: dict[str, list[Any]] = {}
    for r in rows:
        by_group.setdefault(r["group_id"], []).append(r)
    # the relation types each group has: as the target of any, and as the source of a non-dispute
    types_of: dict[str, set[str]] = {}
    disputed_by: dict[str, set[str]] = {}
    targets: dict[str, list[tuple[str, str]]] = {}  # disputing claim -> the (relation, claim) it disputes
    for r in store.relations_touching(gids):
        types_of.setdefault(r["b"], set()).add(r["type"])
        if r["type"] != "dispute":
            types_of.setdefault(r["a"], set()).add(r["type"])
        else:
            disputed_by.setdefault(r["b"], set()).add(r["a"])
            ev = json.loads(r["evidence"] or "{}")
            if ev.get("a_claim") and ev.get("b_claim"):
                targets.setdefault(str(ev["a_claim"]), []).append((r["id"], str(ev["b_claim"])))
    against_rows = store.group_member_rows({a for gs in disputed_by.values() for a in gs} - set(by_group))
    member_of = {gid: [_member(m) for m in ms] for gid, ms in by_group.items()}
    for r in against_rows:
        member_of.setdefault(r["group_id"], []).append(_member(r))
    sources = _sources(store, {r["article_id"] for r in rows})
    out: list[GroupFields] = []
    for gid, members in by_group.items():
        outlets = sorted({m["publisher"] for m in members if m["publisher"]})
        own = member_of[gid]
        against = [m for a in sorted(disputed_by.get(gid, ())) for m in member_of.get(a, [])]
        who = principals.principal_lists(own, against)
        who["coalitions"] = principals.coalitions(own)  # type: ignore[assignment]
        who["label"], refers = _lead(store, members, targets)  # type: ignore[assignment]
        if refers is not None:
            who["label_refers_to"] = refers  # type: ignore[assignment]
        # an origin that only repeats another stands for that other one (an analyst's correction)
        seen = {fold(d): d for o in principals.origins_of(own) if (d := corrections.depends_origin(o, deps))}
        types = types_of.get(gid, set())
        dates = [json.loads(m["keys"]).get("published") for m in members]
        first = min((d for d in dates if d), default=None)
        w = store.group_why(gid)
        fixed = corrections.group_entries(gid, [m["claim_id"] for m in members], principals.origins_of(own),
                                          record, fixes) if fixes is not None else []
        if fixed:
            w["corrected"] = fixed
        else:
            w.pop("corrected", None)
        # an article without a known outlet is its own publisher: counted, never named
        w["counts"] = {"outlets": len({m["publisher"] or "article:" + m["article_id"] for m in members}),
                       "sources": len({sources.get(m["article_id"], m["article_id"]) for m in members})}
        out.append(GroupFields(gid, outlets=outlets, origins=sorted(seen.values()),
                               status=list(relations.group_status(len(seen), types)), first_seen=first,
                               why=w, principals=dict(who)))
    return out


def _lead(store: SQLiteStore, members: list[Any],
          targets: dict[str, list[tuple[str, str]]]) -> tuple[str, dict[str, str] | None]:
    """A group's lead text, and what it stands for when it opens on a pronoun or a pointer.

    The lead is a self-contained member when the group has one (:func:`principals.lead_text`);
    when every member is anaphoric, the one chosen shows its referent in brackets: a pronoun its
    claim's resolved speaker when that is a name (capitalised), a pointer the claim its dispute relation names as its target (in
    the article before it first), else the nearest claim of its article ending before it that is
    neither anaphoric nor around it. Nothing known: the lead as written.
    """
    i, label = principals.lead_choice([json.loads(m["keys"]).get("content", "") for m in members])
    kind = principals.anaphor(label) if label else None
    if kind is None:
        return label, None
    cid = str(members[i]["claim_id"])
    disputed = sorted(dict.fromkeys(b for _, b in targets.get(cid, [])))
    own, cands = store.lead_claims(cid, disputed)
    if own is None:
        return label, None
    if kind == "speaker":
        name = (own["speaker"] or members[i]["origin"] or "").strip()
        # a name, not a speaker phrase the parser left ("70", "comments", "rang Lucy"): shown as it stands
        if not name[:1].isupper() or principals.anaphor(name) is not None:
            return label, None
        return principals.with_referent(label, kind, name), {"kind": kind, "text": name, "claim_id": cid}

    def rank(c: Any) -> tuple[int, int]:
        before = c["article_id"] == own["article_id"] and c["end"] <= own["start"]
        return (0 if c["id"] in disputed and before else 1 if c["id"] in disputed else 2,
                own["start"] - c["end"] if before else 0)

    for c in sorted(cands, key=rank):
        around = c["article_id"] == own["article_id"] and c["start"] <= own["start"] and own["end"] <= c["end"]
        text = principals.referent_text(str(c["content"] or ""))
        if c["id"] == cid or around or not text or principals.anaphor(text) is not None or len(text.split()) < 3:
            continue
        return principals.with_referent(label, kind, text), {"kind": kind, "text": text, "claim_id": str(c["id"])}
    return label, None


def _member(row: Any) -> principals.Member:
    """A stored group member as the principal lists see it (stance and nesting from its keys)."""
    k = json.loads(row["keys"])
    nest = k.get("nest") or None
    relay = bool(nest and nest[1] == row["claim_id"])
    stance = k.get("stance") or principals.claim_stance(k.get("polarity", "assert"), None)
    return principals.Member(row["claim_id"], row["origin"] or "", stance,
                             None if relay or not nest else nest[0], relay)


def _sources(store: SQLiteStore, article_ids: set[str]) -> dict[str, str]:
    """Article -> the publisher it comes from (a syndicated copy: its original's)."""
    out = {}
    for aid in article_ids:
        row = store.linked_article(aid)
        if row is not None:
            out[aid] = row["publisher"] or aid
    return out

def _reresolve(store: SQLiteStore, cur: Any, facts: origins.Facts, story_ids: set[str]) -> set[str]:
    """Resolve the origins of some stories' claims again with the facts learned since; returns
    the groups whose members' origins changed.

    A person's country or a capital may be stated only in an article linked after the one
    quoting them; resolving again here makes the result independent of arrival order.
    """
    changed: set[str] = set()
    for sid in sorted(story_ids):
        # an article's claims are in its own story's groups only: its context is needed for this
        # story alone, so the contexts (text and mentions of each article) are held one story at a time
        ctxs: dict[str, origins.Context] = {}
        fresh: dict[str, dict[str, tuple[str, Any]]] = {}  # article -> claim -> (origin, row)
        for r in store.group_member_rows(store.story_group_ids(sid)):
            ref = json.loads(r["keys"]).get("origin_ref")
            if not ref:
                continue
            aid = r["article_id"]
            if aid not in ctxs:
                article = store.article(aid)
                if article is None:
                    continue
                ctxs[aid] = origins.context(article, list(store.mentions(aid)), facts, sid)
            fresh.setdefault(aid, {})[r["claim_id"]] = (origins.resolve(ref, ctxs[aid]), r)
        for aid, got in fresh.items():
            if any(origins.bare_document(o) for o, _ in got.values()):
                claims = [c for c in store.claims(aid) if c.id in got]
                for cid, origin in origins.document_antecedents([(c, got[c.id][0]) for c in claims]).items():
                    got[cid] = (origin, got[cid][1])
            for cid, (origin, r) in got.items():
                if origin != r["origin"]:
                    store.set_member_origin(cur, cid, origin)
                    changed.add(r["group_id"])
    return changed

def _retype(store: SQLiteStore, cur: Any, group_ids: set[str]) -> None:
    """update or factual_conflict again, from the origins as now resolved (relations touching some groups)."""
    for r in store.relations_touching(group_ids):
        if r["type"] not in ("update", "factual_conflict"):
            continue
        ev = json.loads(r["evidence"])
        got = store.member_origins([ev.get("a_claim"), ev.get("b_claim")])
        a_origin, b_origin = got.get(ev.get("a_claim")), got.get(ev.get("b_claim"))
        if len(got) < 2 or a_origin is None or b_origin is None:
            continue  # linking writes every member with an origin: one without has none to compare
        rtype = relations.conflict_type(a_origin, b_origin, ev.get("conflict"))
        if rtype != r["type"]:
            store.delete_relation(cur, r["id"])
            if rtype is not None:
                store.put_relation(cur, relations.relation_id("contradicts", rtype, r["a"], r["b"]), "contradicts",
                                    rtype, r["a"], r["b"], ev)

_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019]?(?:\s|$)|\n")


def _act_sentence(store: SQLiteStore, article_id: str, end: int) -> tuple[int, int] | None:
    """The sentence after ``end`` when it holds no claim and names the act of speaking ("made the
    statement", "in his remarks"): (start, end), else None."""
    text = store.article_text(article_id)
    if text is None:
        return None
    lo = end
    while lo < len(text) and text[lo].isspace():
        lo += 1
    m = _SENTENCE_END.search(text, lo)
    hi = m.start() + 1 if m else len(text)
    if hi <= lo or store.claim_sentence_starts_within(article_id, lo, hi):
        return None
    return (lo, hi) if _ACT.search(text[lo:hi]) else None


_ACT = re.compile(r"\b(?:made|delivered|issued|gave|released|published)\s+(?:the|this|that|these|his|her|their|its)\s+"
                  r"(?:statement|statements|remarks?|comments?|speech|claims?|accusations?|announcement)\b"
                  r"|\b(?:the|his|her|their|its)\s+(?:statement|remarks|comments|speech)\s+(?:came|was|were)\b",
                  re.IGNORECASE)


def story_events(store: SQLiteStore, sid: str) -> list[dict[str, Any]]:
    """A story's timeline events, from its claims' dates and the days its writers report."""
    rows = store.group_member_rows(store.story_group_ids(sid))
    claims = []
    for r in rows:
        k = json.loads(r["keys"])
        c = store.claim_bounds(r["claim_id"])
        if c is None:
            continue
        lo = min(c["start"], c["sentence_start"] if c["sentence_start"] is not None else c["start"])
        hi = max(c["end"], c["sentence_end"] if c["sentence_end"] is not None else c["end"])
        trows = store.times_within(r["article_id"], lo, hi)
        dates = groups.day_dates(t["value"] for t in trows)
        if not dates:
            # "X accused Y of ... The diplomat made the statement on Wednesday, February 7": a sentence
            # with no claim of its own that dates the act of the one before
            nxt = _act_sentence(store, r["article_id"], hi)
            if nxt is not None:
                trows = store.times_within(r["article_id"], *nxt)
                dates = groups.day_dates(t["value"] for t in trows)
        claims.append({"claim_id": r["claim_id"], "group_id": r["group_id"], "article_id": r["article_id"],
                       "content": k["content"], "speaker": k.get("speaker"), "origin": r["origin"],
                       "publisher": r["publisher"], "published": k.get("published"), "dates": sorted(dates),
                       "time_ids": [t["id"] for t in trows if t["value"] in dates],
                       "start": c["start"], "end": c["end"]})
    claims += _reported_events(store, sid)
    return timeline.build_events(claims)


def story_title(store: SQLiteStore, sid: str) -> str | None:
    """A story's title: its most representative article's (closest to the story's centroid), not
    the first one linked's; an article without a title gives way to the next (None: no title)."""
    import numpy as np

    from crosscheck.link import embed, stories

    vectors: dict[str, list[np.ndarray]] = {}
    for r in store.group_member_rows(store.story_group_ids(sid)):
        vectors.setdefault(r["article_id"], []).append(embed.from_blob(r["vec"]))
    order = store.story_article_ids(sid)
    ranked = stories.most_representative({a: np.stack(v) for a, v in vectors.items()}, store.story_vector(sid), order)
    titles = store.article_titles(ranked)
    return next((t.strip() for a in ranked if (t := titles.get(a)) and t.strip()), None)


_FUTURE = re.compile(r"\b(?:will|would|shall|plans? to|planned to|is due|are due|scheduled|expected to|to be held|"
                     r"next|upcoming|tomorrow)\b", re.IGNORECASE)
_RECENT_DAYS = 31  # a day the writer reports at most this long before the article's date is the story's event


def _reported_events(store: SQLiteStore, sid: str) -> list[dict[str, object]]:
    """Events the writer reports in their own voice ("Estoria on Monday imposed sanctions on ..."):
    a day-dated sentence with no claim, not about the future, on or at most a month before the
    article's date (its own, or the one the story gave it). The outlet is its origin."""
    refs = store.link_state("references", {}) or {}
    out: list[dict[str, object]] = []
    for aid in store.story_article_ids(sid):
        row = store.linked_article_text(aid)
        if row is None or row["duplicate_of"]:
            continue  # a copy reports what its original does
        day = row["published"] or refs.get(aid, {}).get("date")
        if not day:
            continue
        ref = date.fromisoformat(day[:10])
        spans = store.claim_spans(aid)
        text: str = row["text"]
        ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        for t in store.day_times(aid):
            when = groups.day_dates([t["value"]])
            if len(when) != 1 or any(lo <= t["start"] < hi for lo, hi in spans):
                continue
            (d,) = when
            if d.startswith("XXXX") or not (0 <= (ref - date.fromisoformat(d)).days <= _RECENT_DAYS):
                continue
            i = bisect.bisect_right(ends, t["start"])
            lo = ends[i - 1] if i else 0
            hi = next((e for e in ends[i:] if e >= t["end"]), len(text))
            sentence = text[lo:hi].strip()
            if not sentence or _FUTURE.search(sentence):
                continue
            out.append({"claim_id": None, "group_id": None, "article_id": aid, "content": sentence,
                        "speaker": row["publisher"], "origin": row["publisher"] or aid, "publisher": row["publisher"],
                        "published": row["published"], "dates": [d], "time_ids": [t["id"]],
                        "start": text.index(sentence, lo), "end": text.index(sentence, lo) + len(sentence)})
    return out
