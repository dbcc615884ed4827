"""Queries behind the story list, a story, and a claim group. Plain dicts: the JSON twin is the data.

Each function takes a read-only connection and returns what one page shows, or ``None``
when the id is unknown (the view turns that into a 404).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Any

from crosscheck.web.db import PER_PAGE, loads, marks, page_slice
from crosscheck.web.spans import sentence_runs

STATUSES = ("corroborated", "single_source", "disputed", "conflicting", "updated")


def claim_dict(row: sqlite3.Row) -> dict[str, Any]:
    """A claims row as JSON-ready data (hedges decoded, flags as booleans)."""
    c = dict(row)
    c["hedges"] = loads(c.get("hedges"), [])
    c["direct"] = bool(c.get("direct"))
    c["hedged"] = bool(c.get("hedged"))
    return c


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def story_list(conn: sqlite3.Connection, *, q: str = "", page: int = 1) -> dict[str, Any]:
    """Stories with article count, outlets, date range and number of disputed groups."""
    where, args = "", []
    if q:
        where, args = "WHERE s.title LIKE ? ESCAPE '\\'", [_like(q)]
    rows = conn.execute(
        f"""SELECT s.id, s.title,
                   (SELECT count(*) FROM story_articles sa WHERE sa.story_id = s.id) AS n_articles,
                   (SELECT count(*) FROM claim_groups g WHERE g.story_id = s.id
                        AND g.status LIKE '%"disputed"%') AS n_disputed,
                   (SELECT count(*) FROM claim_groups g WHERE g.story_id = s.id) AS n_groups
            FROM stories s {where} ORDER BY n_articles DESC, s.rowid LIMIT ? OFFSET ?""",
        [*args, PER_PAGE + 1, (page - 1) * PER_PAGE],
    ).fetchall()
    stories = []
    for r in rows[:PER_PAGE]:
        meta = conn.execute(
            """SELECT min(a.published) AS first, max(a.published) AS last,
                      json_group_array(DISTINCT a.outlet) AS outlets
               FROM story_articles sa JOIN articles a ON a.id = sa.article_id
               WHERE sa.story_id = ? AND a.outlet IS NOT NULL""",
            (r["id"],),
        ).fetchone()
        stories.append({
            "id": r["id"], "title": r["title"], "n_articles": r["n_articles"], "n_groups": r["n_groups"],
            "n_disputed": r["n_disputed"], "outlets": sorted(loads(meta["outlets"], [])),
            "date_range": [meta["first"], meta["last"]] if meta["first"] else None,
        })
    return {"q": q, "stories": stories, **page_slice(rows, page)}


def _members(conn: sqlite3.Connection, group_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Member claims of some groups, with their article's outlet, title and date."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if not group_ids:
        return out
    rows = conn.execute(
        f"""SELECT m.group_id, m.origin, m.publisher, c.*, a.outlet, a.title AS article_title,
                   a.published, a.text AS article_text
            FROM group_members m JOIN claims c ON c.id = m.claim_id JOIN articles a ON a.id = c.article_id
            WHERE m.group_id IN ({marks(len(group_ids))}) ORDER BY a.published, m.rowid""",
        group_ids,
    ).fetchall()
    for r in rows:
        c = claim_dict(r)
        c["context"] = sentence_runs(c.pop("article_text"), c)
        out[r["group_id"]].append(c)
    return out


def _relations(conn: sqlite3.Connection, ids: list[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    m = marks(len(ids))
    rows = conn.execute(
        f"SELECT * FROM relations WHERE kind = 'contradicts' AND (a IN ({m}) OR b IN ({m})) ORDER BY rowid",
        ids + ids,
    ).fetchall()
    return [{"id": r["id"], "kind": r["kind"], "type": r["type"], "a": r["a"], "b": r["b"],
             "evidence": loads(r["evidence"], {})} for r in rows]


def _label(conn: sqlite3.Connection, item_id: str) -> dict[str, Any]:
    """What a relation end shows: a group's first claim, or a claim."""
    row = conn.execute(
        """SELECT c.id, c.content, c.speaker, c.speaker_text, c.polarity, m.group_id FROM group_members m
           JOIN claims c ON c.id = m.claim_id WHERE m.group_id = ? ORDER BY m.rowid LIMIT 1""",
        (item_id,),
    ).fetchone()
    if row is None:
        row = conn.execute(
            """SELECT c.id, c.content, c.speaker, c.speaker_text, c.polarity, m.group_id FROM claims c
               LEFT JOIN group_members m ON m.claim_id = c.id WHERE c.id = ?""",
            (item_id,),
        ).fetchone()
    if row is None:
        return {"id": item_id, "content": item_id, "group_id": None, "claim_id": None, "speaker": None}
    return {"id": item_id, "content": row["content"], "group_id": row["group_id"], "claim_id": row["id"],
            "speaker": row["speaker"] or row["speaker_text"], "polarity": row["polarity"]}


def _speakers(members: list[dict[str, Any]]) -> list[str]:
    return sorted({m["speaker"] or m["speaker_text"] for m in members if m["speaker"] or m["speaker_text"]})


def _group_summary(g: sqlite3.Row, members: list[dict[str, Any]], rels: list[dict[str, Any]],
                   members_of: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A group with who asserts and who denies it.

    A dispute relation runs from the denying (or contesting) group ``a`` to its target ``b``,
    so the speakers of ``a`` deny ``b``; a denial group's own speakers are its deniers.
    """
    own = _speakers(members)
    asserters = set(own) if g["polarity"] != "deny" else set()
    deniers = set(own) if g["polarity"] == "deny" else set()
    for r in rels:
        if r["type"] == "dispute" and r["b"] == g["id"]:
            deniers.update(_speakers(members_of.get(r["a"], [])))
    return {
        "id": g["id"], "story_id": g["story_id"], "polarity": g["polarity"],
        "status": loads(g["status"], []), "outlets": loads(g["outlets"], []),
        "independent_origins": loads(g["independent_origins"], []), "first_seen": g["first_seen"],
        "why": loads(g["why"], {}), "claim": members[0]["content"] if members else "",
        "claim_id": members[0]["id"] if members else None, "n_members": len(members),
        "asserters": sorted(asserters), "deniers": sorted(deniers),
    }


def story(conn: sqlite3.Connection, story_id: str, *, page: int = 1) -> dict[str, Any] | None:
    """One story: groups (paged), coverage matrix, timeline, contradictions, quantities."""
    s = conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
    if s is None:
        return None
    articles = [dict(r) for r in conn.execute(
        """SELECT a.id, a.title, a.outlet, a.published, a.published_source FROM story_articles sa
           JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = ? ORDER BY a.published, sa.rowid""",
        (story_id,))]
    grows = conn.execute(
        "SELECT * FROM claim_groups WHERE story_id = ? ORDER BY first_seen, rowid LIMIT ? OFFSET ?",
        (story_id, PER_PAGE + 1, (page - 1) * PER_PAGE)).fetchall()
    shown = grows[:PER_PAGE]
    ids = [g["id"] for g in shown]
    rels = _relations(conn, ids)
    other_ids = sorted({x for r in rels for x in (r["a"], r["b"])} - set(ids))
    members_of = _members(conn, ids + other_ids)
    groups = [_group_summary(g, members_of.get(g["id"], []), rels, members_of) for g in shown]
    outlets = sorted({m["outlet"] or "unknown" for gid in ids for m in members_of.get(gid, [])})
    matrix = [{"group_id": gid, "cells": [sum(1 for m in members_of.get(gid, []) if (m["outlet"] or "unknown") == o)
                                          for o in outlets]} for gid in ids]
    contradictions = []
    for r in rels:
        contradictions.append({**r, "a_item": _label(conn, r["a"]), "b_item": _label(conn, r["b"])})
    return {
        "story": {"id": s["id"], "title": s["title"]},
        "articles": articles,
        "groups": groups,
        "status_counts": {st: sum(st in g["status"] for g in groups) for st in STATUSES},
        "matrix": {"outlets": outlets, "rows": matrix},
        "events": loads(s["events"], []),
        "report_dates": sorted({a["published"] for a in articles if a["published"]}),
        "contradictions": contradictions,
        "quantities": _quantities(conn, [a["id"] for a in articles]),
        **page_slice(grows, page),
    }


def _quantities(conn: sqlite3.Connection, article_ids: list[str], limit: int = 200) -> list[dict[str, Any]]:
    """A story's quantities; a unit given with different values across articles is flagged."""
    if not article_ids:
        return []
    rows = conn.execute(
        f"""SELECT q.*, a.outlet, a.published FROM quantities q JOIN articles a ON a.id = q.article_id
            WHERE q.article_id IN ({marks(len(article_ids))}) AND q.unit IS NOT NULL
            ORDER BY q.unit, a.published LIMIT ?""",
        [*article_ids, limit]).fetchall()
    values: dict[str, set[tuple[float, float | None]]] = defaultdict(set)
    for r in rows:
        values[r["unit"]].add((r["value"], r["value_max"]))
    return [{**dict(r), "conflict": len(values[r["unit"]]) > 1} for r in rows]


def group(conn: sqlite3.Connection, group_id: str) -> dict[str, Any] | None:
    """One claim group: every member with speaker, cue, stance, hedges and its sentence in context."""
    g = conn.execute("SELECT * FROM claim_groups WHERE id = ?", (group_id,)).fetchone()
    if g is None:
        return None
    rels = _relations(conn, [group_id])
    other_ids = sorted({x for r in rels for x in (r["a"], r["b"])} - {group_id})
    members_of = _members(conn, [group_id, *other_ids])
    summary = _group_summary(g, members_of.get(group_id, []), rels, members_of)
    story_row = conn.execute("SELECT id, title FROM stories WHERE id = ?", (g["story_id"],)).fetchone()
    return {
        "group": summary,
        "story": dict(story_row) if story_row else None,
        "members": members_of.get(group_id, []),
        "contradictions": [{**r, "a_item": _label(conn, r["a"]), "b_item": _label(conn, r["b"])} for r in rels],
    }
