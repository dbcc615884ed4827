"""The web UI's reads (web/items.py, web/stories.py): every statement the views run, here.

Functions take the store's connection (a ``sqlite3.Connection`` or store/postgres.py's
``PGConnection``, which runs the same text on PostgreSQL) and return rows readable by column
name. The views shape them into pages; they hold no SQL.
"""

from __future__ import annotations

from typing import Any

from crosscheck.store.base import ledger_errors

# which claims a page lists, as WHERE clauses over ``claims c`` (the fallback without claim_facets)
SPEAKER = "c.speaker = ? OR (c.speaker IS NULL AND c.speaker_text = ?)"
ENTITY_SAID = "c.speaker_entity = ?"
# claims whose span holds a mention of the entity, found from the entity's mentions (indexed)
ENTITY_ABOUT = """c.id IN (SELECT c2.id FROM entity_mentions m JOIN claims c2 ON c2.article_id = m.article_id
                            AND m.start >= c2.start AND m.end <= c2.end WHERE m.entity = ?)"""
_WHERE = {"speaker": SPEAKER, "said": ENTITY_SAID, "about": ENTITY_ABOUT}
# a time row as annotation wrote it, with the link layer's resolution laid over it (migration 0011)
_TIME_COLUMNS = "id, article_id, start, end, text, value, type, resolution, reason, anchor, resolved_by"
# the article's outlet, credited source and source: the view names an unknown publisher by its source
_OUTLET = "a.outlet, a.original_source AS outlet_credit, a.source AS outlet_source"
_CLAIM_IN_ARTICLE = f"c.*, a.title AS article_title, {_OUTLET}, a.published, a.text AS article_text"


def claim_with_article(conn: Any, claim_id: str) -> Any:
    """A claim's row with its article's title, outlet, date and text, or None."""
    return conn.execute(f"SELECT {_CLAIM_IN_ARTICLE} FROM claims c JOIN articles a ON a.id = c.article_id "
                        "WHERE c.id = ?", (claim_id,)).fetchone()


def group_of_claim(conn: Any, claim_id: str) -> Any:
    """(id, status, story_id) of the group holding a claim, or None."""
    return conn.execute("SELECT g.id, g.status, g.story_id FROM group_members m JOIN claim_groups g "
                        "ON g.id = m.group_id WHERE m.claim_id = ?", (claim_id,)).fetchone()


def article_row(conn: Any, article_id: str) -> Any:
    """An article's row, or None."""
    return conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()


def _times(conn: Any, article_id: str) -> list[Any]:
    try:
        return list(conn.execute(f"SELECT {_TIME_COLUMNS} FROM times_resolved WHERE article_id = ? ORDER BY start",
                                 (article_id,)))
    except ledger_errors():  # a ledger from before migration 0011: its times rows hold the resolutions
        return list(conn.execute(f"SELECT {_TIME_COLUMNS} FROM times WHERE article_id = ? ORDER BY start",
                                 (article_id,)))


def article_items(conn: Any, article_id: str) -> dict[str, list[Any]]:
    """An article's claims, times, quantities and entity mentions, in text order."""
    return {
        "claims": list(conn.execute("SELECT * FROM claims WHERE article_id = ? ORDER BY start, rowid",
                                    (article_id,))),
        "times": _times(conn, article_id),
        "quantities": list(conn.execute("SELECT * FROM quantities WHERE article_id = ? ORDER BY start",
                                        (article_id,))),
        "mentions": list(conn.execute("SELECT start, end, text, label, entity FROM entity_mentions "
                                      "WHERE article_id = ? ORDER BY start", (article_id,))),
    }


def claims_page(conn: Any, kind: str, args: list[Any], *, limit: int, offset: int) -> list[Any]:
    """Claims of a speaker ("speaker") or by or about an entity ("said", "about"), oldest first,
    joined to their articles and sorted per request (ledgers without claim_facets)."""
    return list(conn.execute(
        f"""SELECT {_CLAIM_IN_ARTICLE}
            FROM claims c JOIN articles a ON a.id = c.article_id
            WHERE a.superseded_by IS NULL AND ({_WHERE[kind]})
            ORDER BY a.published, a.rowid, c.start, c.id LIMIT ? OFFSET ?""",
        [*args, limit, offset]))


def claims_per_day(conn: Any, kind: str, args: list[Any]) -> list[Any]:
    """(day, outlet, outlet_credit, outlet_source, polarity, n) of the claims :func:`claims_page`
    lists, over all pages."""
    return list(conn.execute(
        f"""SELECT substr(a.published, 1, 10) AS day, {_OUTLET}, c.polarity, count(*) AS n
            FROM claims c JOIN articles a ON a.id = c.article_id
            WHERE a.superseded_by IS NULL AND ({_WHERE[kind]})
            GROUP BY substr(a.published, 1, 10), a.outlet, a.original_source, a.source, c.polarity""", args))


def facet_page(conn: Any, facet: str, value: str, *, limit: int, offset: int) -> list[Any]:
    """One page of a facet's claims (claim_facets, migration 0005), oldest first."""
    return list(conn.execute(
        f"""SELECT {_CLAIM_IN_ARTICLE}
           FROM (SELECT claim_id, published, article_rowid, start FROM claim_facets WHERE facet = ? AND value = ?
                 ORDER BY published, article_rowid, start, claim_id LIMIT ? OFFSET ?) f
           JOIN claims c ON c.id = f.claim_id JOIN articles a ON a.id = c.article_id
           ORDER BY f.published, f.article_rowid, f.start, f.claim_id""",
        (facet, value, limit, offset)))


def facet_per_day(conn: Any, facet: str, value: str) -> list[Any]:
    """(published, outlet, polarity, n, bare) of a facet's claims, from one index range; ``bare`` is
    the article's rowid when it has no outlet (:func:`article_outlets` names it by its source)."""
    return list(conn.execute("SELECT published, outlet, polarity, count(*) AS n, "
                             "CASE WHEN outlet IS NULL THEN article_rowid END AS bare FROM claim_facets "
                             "WHERE facet = ? AND value = ? GROUP BY published, outlet, polarity, "
                             "CASE WHEN outlet IS NULL THEN article_rowid END", (facet, value)))


def article_outlets(conn: Any, rowids: list[int]) -> list[Any]:
    """(outlet, outlet_credit, outlet_source) of some articles, by rowid."""
    out: list[Any] = []
    for i in range(0, len(rowids), 500):
        part = rowids[i : i + 500]
        out += conn.execute(f"SELECT {_OUTLET} FROM articles a WHERE a.rowid IN ({','.join('?' * len(part))})",
                            part).fetchall()
    return out


def entity_names(conn: Any, key: str, limit: int = 20) -> list[Any]:
    """(text, n): how an entity is written, most frequent first."""
    return list(conn.execute("SELECT text, count(*) AS n FROM entity_mentions WHERE entity = ? GROUP BY text "
                             "ORDER BY n DESC, text LIMIT ?", (key, limit)))
