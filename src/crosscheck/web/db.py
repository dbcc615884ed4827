"""Read-only access to the ledger for the web views: one connection per worker thread.

The server never writes. It opens the file with ``SQLiteStore(path, read_only=True)``; WAL
lets ``crosscheck analyze`` write at the same time. A ledger that lacks a migration the UI
needs is reported to the user (run ``crosscheck analyze`` or ``crosscheck link``), never
migrated from here.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crosscheck.errors import StoreError
from crosscheck.link.dedupe import outlet_name
from crosscheck.store import SQLiteStore

PER_PAGE = 50
MAX_PAGE = 100_000
LINK_MIGRATION = "0002_link_layer"
SEARCH_MIGRATION = "0003_search_index"
STATS_MIGRATION = "0004_story_stats"
FACETS_MIGRATION = "0005_claim_facets"


@dataclass(frozen=True, slots=True)
class Features:
    """What this ledger file can serve (which migrations it has)."""

    links: bool
    search: bool
    stats: bool  # story_stats and story_outlets, kept by triggers (else counted per request)
    facets: bool  # claim_facets: speakers' and entities' claims in date order (else joined and sorted)


class Ledger:
    """Thread-local read-only stores over one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise StoreError(f"no ledger at {self.path}: run `crosscheck analyze` first")
        self._local = threading.local()
        try:
            applied = set(self.store().applied_migrations())
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path} is not a crosscheck ledger: {exc}") from exc
        # a pre-release claim_facets (no article_rowid) lived in the working tree for minutes: not used
        facet_cols = {r[1] for r in self.conn.execute("PRAGMA table_info(claim_facets)")}
        self.features = Features(links=LINK_MIGRATION in applied, search=SEARCH_MIGRATION in applied,
                                 stats=STATS_MIGRATION in applied,
                                 facets=FACETS_MIGRATION in applied and "article_rowid" in facet_cols)

    def store(self) -> SQLiteStore:
        """This thread's read-only store (opened on first use)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = SQLiteStore(self.path, read_only=True)
            self._local.store = store
        return store

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's read-only connection."""
        return self.store().conn


# the columns the outlet an article is shown under comes from (:func:`with_outlet` names it)
OUTLET_COLS = "a.outlet, a.original_source AS outlet_credit, a.source AS outlet_source"


def with_outlet(row: Any) -> dict[str, Any]:
    """A row read with :data:`OUTLET_COLS` as a dict whose ``outlet`` is the one shown: the article's
    outlet, else the source it credits, else its URL host or file (an unknown publisher is named
    by its source, :func:`crosscheck.link.dedupe.outlet_name`)."""
    d = dict(row)
    d["outlet"] = outlet_name(d.get("outlet"), d.pop("outlet_credit", None), d.pop("outlet_source", None))
    return d


def loads(value: str | None, default: Any) -> Any:
    """A JSON column, or ``default`` when it is empty."""
    return json.loads(value) if value else default


def page_slice(rows: list[Any], page: int, per: int = PER_PAGE) -> dict[str, Any]:
    """Pagination facts for a list fetched with ``LIMIT per + 1``."""
    return {"page": page, "per_page": per, "has_next": len(rows) > per, "has_prev": page > 1}


def paged(rows: list[Any], page: int, total: int | None = None, per: int = PER_PAGE) -> dict[str, Any]:
    """Pagination facts of one of several paged lists on a page (``total`` when it is cheap to know)."""
    out = page_slice(rows, page, per)
    if total is not None:
        out["total"] = total
        out["pages"] = max(1, -(-total // per))
    return out


def marks(n: int) -> str:
    """``?, ?, ?`` for an ``IN`` list of ``n`` items."""
    return ",".join("?" * n)
