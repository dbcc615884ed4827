"""Full-text search over claims and articles (the store's search: SQLite FTS5 or PostgreSQL).

User input never reaches a query syntax: it is cut into words, which store/search.py quotes,
so ``"`` ``*`` ``NEAR`` or a stray ``(`` cannot raise a syntax error. Snippets are marked with
control characters and cut into runs, so the template escapes everything.
"""

from __future__ import annotations

import re
from typing import Any

from crosscheck.config import DEFAULTS
from crosscheck.store.search import CLOSE, OPEN, fts_match, search_rows
from crosscheck.web.db import PER_PAGE, page_slice, with_outlet

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY = 200


def query_words(q: str) -> list[str]:
    """The words of a query (at most 12): what the store's search receives, never raw input."""
    return _WORD.findall(q)[:12]


def fts_query(q: str) -> str | None:
    """The FTS5 query the SQLite store runs for ``q``: every word quoted, the last one a prefix."""
    words = query_words(q)
    return fts_match(words) if words else None


def _snippet_runs(snippet: str) -> list[dict[str, Any]]:
    out = []
    for i, part in enumerate(re.split(f"[{OPEN}{CLOSE}]", snippet)):
        if part:
            out.append({"text": part, "hit": i % 2 == 1})
    return out


def _hit(row: Any) -> dict[str, Any]:
    out = with_outlet(row)  # an unknown publisher named by its source
    out["snippet"] = _snippet_runs(out.pop("snip"))
    return out


def search(conn: Any, q: str, *, page: int = 1, window: int = DEFAULTS.web.search_rank_window) -> dict[str, Any]:
    """Claims and articles matching ``q``, best first, one page of each.

    When a word matches more than ``window`` claims (or articles; the app's web.search_rank_window),
    the best are picked among the ``window`` most recently added ones, and the page says so: the cost of a
    search stays bounded (docs/PERFORMANCE.md) whatever the size of the ledger.
    """
    words = query_words(q)
    if not words:
        return {"q": q, "claims": [], "articles": [], "page": page, "per_page": PER_PAGE,
                "has_next": False, "has_prev": page > 1, "windowed": {"claims": False, "articles": False},
                "rank_window": window}
    found = search_rows(conn, words, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE, window=window)
    crow, arow = found["claims"], found["articles"]
    claims = [_hit(r) for r in crow[:PER_PAGE]]
    articles = [_hit(r) for r in arow[:PER_PAGE]]
    more = page_slice(crow if len(crow) > len(arow) else arow, page)
    return {"q": q, "claims": claims, "articles": articles, **more,
            "windowed": found["windowed"], "rank_window": window}
