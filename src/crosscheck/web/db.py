"""Read-only access to the ledger for the web views: one connection per worker thread.

The server never writes. It opens a SQLite file with ``SQLiteStore(path, read_only=True)``
(WAL lets ``crosscheck analyze`` write at the same time) or a PostgreSQL database read-only. A ledger that lacks a migration the UI
needs is reported to the user (run ``crosscheck analyze`` or ``crosscheck link``), never
migrated from here.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crosscheck.errors import StoreError
from crosscheck.store import SQLiteStore, open_store
from crosscheck.store.base import ledger_errors

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
    """Thread-local read-only stores over one ledger (a SQLite file or a PostgreSQL database)."""

    def __init__(self, path: str | Path) -> None:
        url = str(path).startswith(("postgresql://", "postgres://"))
        self.path: str | Path = str(path) if url else Path(path)
        if not url and not Path(path).is_file():
            raise StoreError(f"no ledger at {self.path}: run `crosscheck analyze` first")
        self._local = threading.local()
        self._opened: list[SQLiteStore] = []
        self._lock = threading.Lock()
        try:
            applied = set(self.store().applied_migrations())
        except ledger_errors() as exc:
            raise StoreError(f"{self.path} is not a crosscheck ledger: {exc}") from exc
        # a pre-release claim_facets (no article_rowid) lived in the working tree for minutes: not used
        facet_cols = self.store().columns("claim_facets")
        self.features = Features(links=LINK_MIGRATION in applied, search=SEARCH_MIGRATION in applied,
                                 stats=STATS_MIGRATION in applied,
                                 facets=FACETS_MIGRATION in applied and "article_rowid" in facet_cols)

    def store(self) -> SQLiteStore:
        """This thread's read-only store (opened on first use)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.path, read_only=True)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def close(self) -> None:
        """Close every thread's store (the app's shutdown)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for store in opened:
            with contextlib.suppress(Exception):
                store.close()

    @property
    def conn(self) -> Any:
        """This thread's read-only connection."""
        return self.store().conn


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
