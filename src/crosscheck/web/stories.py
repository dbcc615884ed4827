"""Queries behind the story list, a story, and a claim group. Plain dicts: the JSON twin is the data.

Each function takes a read-only connection and returns what one page shows, or ``None``
when the id is unknown (the view turns that into a 404).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from crosscheck.link.dedupe import outlet_label, outlet_name
from crosscheck.store import storyreads as reads
from crosscheck.web.db import PER_PAGE, loads, page_slice, paged, with_outlet
from crosscheck.web.spans import sentence_runs

STATUSES = ("corroborated", "single_source", "disputed", "conflicting", "updated")


def claim_dict(row: Any) -> dict[str, Any]:
    """A claims row as JSON-ready data (hedges decoded, flags as booleans, the outlet named when
    read with :data:`~crosscheck.store.storyreads.OUTLET_COLS`)."""
    named = "outlet_source" in (row.keys() if hasattr(row, "keys") else ())
    c = with_outlet(row) if named else dict(row)
    c["hedges"] = loads(c.get("hedges"), [])
    c["direct"] = bool(c.get("direct"))
    c["hedged"] = bool(c.get("hedged"))
    return c


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_UNNAMED_ROWS = 2_000  # outlet-less articles a story list page names at most (bounds a page)


def story_list(conn: Any, *, q: str = "", page: int = 1, stats: bool = True) -> dict[str, Any]:
    """Stories with article count, outlets, date range and number of disputed groups, largest first.

    With ``stats`` (migration 0004) the counts come from ``story_stats``, kept by triggers, and
    the largest stories are read off its index; without, they are counted per request.
    """
    like = _like(q) if q else None
    if stats:
        rows = reads.stories_by_size(conn, like, PER_PAGE + 1, (page - 1) * PER_PAGE)
        ids = [r["id"] for r in rows[:PER_PAGE]]
        outlets: dict[str, list[str]] = defaultdict(list)
        for o in reads.story_outlets(conn, ids):
            outlets[o["story_id"]].append(o["outlet"])
        meta = {r["id"]: (r["first"], r["last"], outlets.get(r["id"], [])) for r in rows[:PER_PAGE]}
    else:
        rows = reads.stories_counted(conn, like, PER_PAGE + 1, (page - 1) * PER_PAGE)
        meta = {}
        for r in rows[:PER_PAGE]:
            m = reads.story_span(conn, r["id"])
            meta[r["id"]] = (m["first"], m["last"], sorted(loads(m["outlets"], [])))
    # an article without an outlet is named by its source (or the outlet it credits), as the story
    # page, the briefing and the link layer's counts name it: the summaries hold named outlets only
    unnamed: dict[str, set[str]] = defaultdict(set)
    for u in reads.unnamed_outlets(conn, [r["id"] for r in rows[:PER_PAGE]], _UNNAMED_ROWS):
        unnamed[u["story_id"]].add(outlet_label(outlet_name(None, u["outlet_credit"], u["outlet_source"])))
    for sid, names in unnamed.items():
        first, last, outs = meta[sid]
        meta[sid] = (first, last, sorted(set(outs) | names))
    stories = []
    for r in rows[:PER_PAGE]:
        first, last, outs = meta[r["id"]]
        stories.append({
            "id": r["id"], "title": r["title"], "n_articles": r["n_articles"], "n_groups": r["n_groups"],
            "n_disputed": r["n_disputed"], "outlets": outs, "date_range": [first, last] if first else None,
        })
    return {"q": q, "stories": stories, **page_slice(rows, page)}


def _members(conn: Any, group_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Member claims of some groups (who, stance, outlet; no text), oldest first."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in reads.members(conn, group_ids):
        out[r["group_id"]].append(dict(r))
    return out


def _member_page(conn: Any, group_id: str, page: int) -> tuple[list[dict[str, Any]], list[Any]]:
    """One page of a group's members with everything the claim card shows (sentence in context)."""
    rows = reads.member_page(conn, group_id, PER_PAGE + 1, (page - 1) * PER_PAGE)
    out = []
    for r in rows[:PER_PAGE]:
        c = claim_dict(r)
        c["context"] = sentence_runs(c.pop("article_text"), c)
        out.append(c)
    return out, rows


def _relations(conn: Any, ids: list[str]) -> list[dict[str, Any]]:
    rows = reads.contradictions_touching(conn, ids)
    return [{"id": r["id"], "kind": r["kind"], "type": r["type"], "a": r["a"], "b": r["b"],
             "evidence": loads(r["evidence"], {})} for r in rows]


def _label(conn: Any, item_id: str, claim_id: str | None = None) -> dict[str, Any]:
    """What a relation end shows: the claim the evidence names, else the group's first claim, else a claim."""
    row = reads.claim_label(conn, claim_id) if claim_id else None
    if row is None:
        row = reads.first_member_label(conn, item_id)
    if row is None:
        row = reads.claim_label(conn, item_id)
    if row is None:
        return {"id": item_id, "content": item_id, "group_id": None, "claim_id": None, "article_id": None,
                "speaker": None, "polarity": None}
    return {"id": item_id, "content": row["content"], "group_id": row["group_id"], "claim_id": row["id"],
            "article_id": row["article_id"], "speaker": row["speaker"] or row["speaker_text"],
            "polarity": row["polarity"]}


def contradiction_items(conn: Any, rels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Relations with both ends labelled (the claims the evidence names, with their spans)."""
    out = []
    for r in rels:
        ev = r["evidence"] if isinstance(r["evidence"], dict) else {}
        out.append({**r, "a_item": _label(conn, r["a"], _str(ev.get("a_claim"))),
                    "b_item": _label(conn, r["b"], _str(ev.get("b_claim")))})
    return out


def conflicting_numbers(contradictions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The contradictions that rest on different numbers, with the values on each side."""
    return [{**r, "a_values": r["evidence"].get("a_values") or [], "b_values": r["evidence"].get("b_values") or []}
            for r in contradictions if r["evidence"].get("conflict") == "number"]


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _speakers(members: list[dict[str, Any]]) -> list[str]:
    return sorted({m["speaker"] or m["speaker_text"] for m in members if m["speaker"] or m["speaker_text"]})


def _sources(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One member per outlet (the first), so each outlet named links to its own span."""
    seen: dict[str, dict[str, Any]] = {}
    for m in members:
        outlet = outlet_label(m["outlet"])
        seen.setdefault(outlet, {"outlet": outlet, "claim_id": m["id"], "article_id": m["article_id"]})
    return sorted(seen.values(), key=lambda s: str(s["outlet"]))


def _group_summary(g: Any, members: list[dict[str, Any]], rels: list[dict[str, Any]],
                   members_of: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A group with who asserts and who denies it.

    A dispute relation runs from the denying (or contesting) group ``a`` to its target ``b``,
    so the speakers of ``a`` deny ``b``; a denial group's own speakers are its deniers.
    """
    own = _speakers(members)
    speakers = set(own) if g["polarity"] != "deny" else set()
    denier_speakers = set(own) if g["polarity"] == "deny" else set()
    for r in rels:
        if r["type"] == "dispute" and r["b"] == g["id"]:
            denier_speakers.update(_speakers(members_of.get(r["a"], [])))
    who = loads(g["principals"], {})
    return {
        "id": g["id"], "story_id": g["story_id"], "polarity": g["polarity"],
        "status": loads(g["status"], []), "outlets": loads(g["outlets"], []),
        "independent_origins": loads(g["independent_origins"], []), "first_seen": g["first_seen"],
        "why": loads(g["why"], {}),
        "claim": loads(g["principals"], {}).get("label") or (members[0]["content"] if members else ""),
        "claim_id": members[0]["id"] if members else None,
        "article_id": members[0]["article_id"] if members else None, "n_members": len(members),
        # principals (link/principals.py), the export's asserted_by / denied_by; the speakers as written beside
        "asserters": who.get("asserted_by", []), "deniers": who.get("denied_by", []),
        "contesters": who.get("contested_by", []), "non_denials": who.get("non_denials", []),
        "label": who.get("label") or "", "speakers": sorted(speakers), "denier_speakers": sorted(denier_speakers),
        "sources": _sources(members),
        # the analyst's corrections behind what the group shows (link/corrections.py)
        "corrected": loads(g["why"], {}).get("corrected", []),
    }


def story(conn: Any, story_id: str, *, page: int = 1, apage: int = 1, qpage: int = 1) -> dict[str, Any] | None:
    """One story: groups, articles and quantities (each paged), coverage, timeline, contradictions."""
    s = reads.story_row(conn, story_id)
    if s is None:
        return None
    n_articles = reads.story_article_count(conn, story_id)
    arows = reads.story_articles(conn, story_id, PER_PAGE + 1, (apage - 1) * PER_PAGE)
    status_rows = reads.group_status_counts(conn, story_id)
    n_groups = sum(r["n"] for r in status_rows)
    grows = reads.story_groups(conn, story_id, PER_PAGE + 1, (page - 1) * PER_PAGE)
    shown = grows[:PER_PAGE]
    ids = [g["id"] for g in shown]
    rels = _relations(conn, ids)
    other_ids = sorted({x for r in rels for x in (r["a"], r["b"])} - set(ids))
    members_of = _members(conn, ids + other_ids)
    groups = [_group_summary(g, members_of.get(g["id"], []), rels, members_of) for g in shown]
    # presence of each group in each outlet (not claim counts); an outlet-less article is named by its source
    outlets = sorted({m["outlet"] for gid in ids for m in members_of.get(gid, []) if m["outlet"]})
    matrix = []
    for g in groups:
        present = {m["outlet"] for m in members_of.get(g["id"], [])}
        matrix.append({"group_id": g["id"], "claim": g["claim"], "cells": [o in present for o in outlets]})
    contradictions = contradiction_items(conn, rels)
    report_dates = reads.report_dates(conn, story_id)
    quantities, qrows, n_quantities = _quantities(conn, story_id, qpage)
    events = loads(s["events"], [])
    timeline_groups, timeline_outlets = _timeline_names(conn, events)
    status_counts = dict.fromkeys(STATUSES, 0)
    for r in status_rows:
        for st in loads(r["status"], []):
            status_counts[st] = status_counts.get(st, 0) + r["n"]
    return {
        "story": {"id": s["id"], "title": s["title"], "n_articles": n_articles, "n_groups": n_groups},
        "bottom_line": bottom_line(conn, story_id),
        "articles": [with_outlet(r) for r in arows[:PER_PAGE]],
        "articles_page": paged(arows, apage, n_articles),
        "groups": groups,
        "status_counts": status_counts,
        "matrix": {"outlets": outlets, "rows": matrix},
        "events": events,
        # what the timeline's links read: each claim group by its claim, each source by its outlet
        "timeline_groups": timeline_groups, "timeline_outlets": timeline_outlets,
        "report_dates": report_dates,
        "contradictions": contradictions,
        "conflicting_numbers": conflicting_numbers(contradictions),
        "quantities": quantities,
        "quantities_page": paged(qrows, qpage, n_quantities),
        **page_slice(grows, page),
        "groups_page": paged(grows, page, n_groups),
    }


def _timeline_names(conn: Any, events: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, str | None]]:
    """Labels of the events' claim groups and outlets of their articles."""
    gids = sorted({g for e in events for g in e.get("group_ids") or []})
    aids = sorted({str(c).split(":", 1)[0] for e in events for c in e.get("claim_ids") or []})
    labels = {r["id"]: loads(r["principals"], {}).get("label") or "" for r in reads.group_principals(conn, gids)}
    outlets = {r["id"]: r["outlet"] for r in map(with_outlet, reads.article_outlets(conn, aids))}
    return labels, outlets


_BOTTOM_POOL = 40  # a story's most carried groups among which its central claims are chosen (bounds a page)


def bottom_line(conn: Any, story_id: str) -> list[dict[str, Any]]:
    """The story's central claims (:mod:`crosscheck.link.central`), each with its principals,
    independent origins against outlets, and how many articles assert, deny or only report it.

    Chosen among the story's ``_BOTTOM_POOL`` groups with the most origins and outlets, so a
    story of thousands of groups costs what a story of forty does.
    """
    from crosscheck.link import central
    from crosscheck.link.principals import claim_stance

    rows = reads.most_carried_groups(conn, story_id, _BOTTOM_POOL)
    ids = [g["id"] for g in rows]
    rels = [dict(r) for r in _relations(conn, ids)]
    other = sorted({x for r in rels for x in (r["a"], r["b"])} - set(ids))
    members: dict[str, list[str]] = defaultdict(list)
    for gid, cid in reads.member_ids(conn, ids + other):
        members[gid].append(cid)
    wanted = [c for v in members.values() for c in v]
    claims = [{**dict(c), "stance": claim_stance(c["polarity"], c["cue"])} for c in reads.claims_brief(conn, wanted)]
    others = reads.groups_by_id(conn, other)
    records = [{**dict(g), "claim_ids": members.get(g["id"], []), "outlets": loads(g["outlets"], []),
                "independent_origins": loads(g["independent_origins"], []),
                "label": loads(g["principals"], {}).get("label"),
                # a disputing group of another story still disputes; only this story's are candidates
                "story_id": g["story_id"] if g["id"] in ids else None} for g in [*rows, *others]]
    led = central.index(records, claims, rels)
    by_id = {g["id"]: g for g in rows}
    out = []
    for cc in central.central_claims(led, story_id):
        g = by_id[cc["group_id"]]
        who = loads(g["principals"], {})
        counts: dict[str, int] = defaultdict(int)
        for a in cc["article_stances"]:
            counts[a["stance"]] += 1
        first = members.get(g["id"], [None])[0]
        out.append({"group_id": g["id"], "label": cc["label"], "status": loads(g["status"], []),
                    "asserted_by": who.get("asserted_by", []), "denied_by": who.get("denied_by", []),
                    "contested_by": who.get("contested_by", []), "non_denials": who.get("non_denials", []),
                    "origins": loads(g["independent_origins"], []), "outlets": loads(g["outlets"], []),
                    "article_stances": cc["article_stances"], "stance_counts": dict(counts),
                    "corrected": loads(g["why"], {}).get("corrected", []),
                    "span": {"claim_id": first, "article_id": first.split(":")[0]} if first else None})
    return out


_NUMBERS_POOL = 2_000  # a story's quantities of the page's units compared for conflicts (bounds a page)


def _quantities(conn: Any, story_id: str, page: int) -> tuple[list[dict[str, Any]], list[Any], int]:
    """One page of a story's counted quantities (link/numbers.py): as people write them, with the
    speaker and claim they sit in, the outlet, and the same unit's quantities they conflict with."""
    from crosscheck.link.numbers import story_numbers

    rows = reads.story_quantities(conn, story_id, PER_PAGE + 1, (page - 1) * PER_PAGE)
    total = reads.story_quantity_count(conn, story_id)
    shown = [with_outlet(r) for r in rows[:PER_PAGE]]
    units = sorted({r["unit"] for r in shown})
    pool = [with_outlet(r) for r in reads.quantities_of_units(conn, story_id, units, _NUMBERS_POOL)]
    ids = {r["id"] for r in shown}
    pool = shown + [r for r in pool if r["id"] not in ids]
    aids = sorted({r["article_id"] for r in pool})
    claims = [dict(c) for c in reads.claims_of_articles(conn, aids)]
    numbers = story_numbers(pool, claims)
    return [n for n in numbers if n["id"] in ids], rows, total


def group(conn: Any, group_id: str, *, page: int = 1) -> dict[str, Any] | None:
    """One claim group: its members (paged) with speaker, cue, stance, hedges and sentence in context."""
    g = reads.group_row(conn, group_id)
    if g is None:
        return None
    rels = _relations(conn, [group_id])
    other_ids = sorted({x for r in rels for x in (r["a"], r["b"])} - {group_id})
    members_of = _members(conn, [group_id, *other_ids])
    summary = _group_summary(g, members_of.get(group_id, []), rels, members_of)
    members, rows = _member_page(conn, group_id, page)
    story_row = reads.story_title(conn, g["story_id"])
    contradictions = contradiction_items(conn, rels)
    return {
        "group": summary,
        "story": dict(story_row) if story_row else None,
        "members": members,
        "contradictions": contradictions,
        "conflicting_numbers": conflicting_numbers(contradictions),
        **paged(rows, page, summary["n_members"]),
    }
