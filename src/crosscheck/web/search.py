"""Full-text search over claims and articles (SQLite FTS5, migration 0003_search_index).

User input never reaches FTS5's query syntax: it is cut into words and each word is
quoted, so ``"`` ``*`` ``NEAR`` or a stray ``(`` cannot raise a syntax error. Snippets are
marked with control characters and cut into runs, so the template escapes everything.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from crosscheck.web.db import OUTLET_COLS, PER_PAGE, page_slice, with_outlet

_WORD = re.compile(r"\w+", re.UNICODE)
_OPEN, _CLOSE = "\x02", "\x03"
MAX_QUERY = 200
RANK_WINDOW = 2000  # matches ranked at most, per kind (the newest); see search()


def fts_query(q: str) -> str | None:
    """A safe FTS5 query: every word quoted, all required, the last one as a prefix."""
    words = _WORD.findall(q)[:12]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _snippet_runs(snippet: str) -> list[dict[str, Any]]:
    out = []
    for i, part in enumerate(re.split(f"[{_OPEN}{_CLOSE}]", snippet)):
        if part:
            out.append({"text": part, "hit": i % 2 == 1})
    return out


def _hit(row: sqlite3.Row) -> dict[str, Any]:
    out = with_outlet(row)
    out["snippet"] = _snippet_runs(out.pop("snip"))
    return out


def _floor(conn: sqlite3.Connection, table: str, match: str) -> int | None:
    """The rowid of the ``RANK_WINDOW``-th newest match, or ``None`` when there are fewer matches.

    Walking a doclist newest first is cheap; ranking is not (bm25 reads every match's size), so
    a very common word is ranked among its newest matches only.
    """
    row = conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                       (match, RANK_WINDOW - 1)).fetchone()
    return int(row[0]) if row else None


def search(conn: sqlite3.Connection, q: str, *, page: int = 1) -> dict[str, Any]:
    """Claims and articles matching ``q``, best first, one page of each.

    When a word matches more than ``RANK_WINDOW`` claims (or articles), the best are picked
    among the ``RANK_WINDOW`` most recently added ones, and the page says so: the cost of a
    search stays bounded (docs/PERFORMANCE.md) whatever the size of the ledger.
    """
    match = fts_query(q)
    if match is None:
        return {"q": q, "claims": [], "articles": [], "page": page, "per_page": PER_PAGE,
                "has_next": False, "has_prev": page > 1, "windowed": {"claims": False, "articles": False},
                "rank_window": RANK_WINDOW}
    offset = (page - 1) * PER_PAGE
    cfloor, afloor = _floor(conn, "claims_fts", match), _floor(conn, "articles_fts", match)
    crow = conn.execute(
        f"""SELECT c.id, c.article_id, c.speaker, c.speaker_text, c.polarity, c.cue, {OUTLET_COLS}, a.published,
                   a.title AS article_title,
                   snippet(claims_fts, -1, '{_OPEN}', '{_CLOSE}', '…', 24) AS snip
            FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid JOIN articles a ON a.id = c.article_id
            WHERE claims_fts MATCH ? AND claims_fts.rowid >= ? AND a.superseded_by IS NULL
            ORDER BY rank LIMIT ? OFFSET ?""",
        (match, cfloor or 0, PER_PAGE + 1, offset)).fetchall()
    arow = conn.execute(
        f"""SELECT a.id, a.title, {OUTLET_COLS}, a.published,
                   snippet(articles_fts, 1, '{_OPEN}', '{_CLOSE}', '…', 24) AS snip
            FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
            WHERE articles_fts MATCH ? AND articles_fts.rowid >= ? AND a.superseded_by IS NULL
            ORDER BY rank LIMIT ? OFFSET ?""",
        (match, afloor or 0, PER_PAGE + 1, offset)).fetchall()
    claims = [_hit(r) for r in crow[:PER_PAGE]]
    articles = [_hit(r) for r in arow[:PER_PAGE]]
    more = page_slice(crow if len(crow) > len(arow) else arow, page)
    return {"q": q, "claims": claims, "articles": articles, **more,
            "windowed": {"claims": cfloor is not None, "articles": afloor is not None}, "rank_window": RANK_WINDOW}
