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
from crosscheck.link.dedupe import outlet_name
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
        self._opened: dict[int, tuple[threading.Thread, SQLiteStore]] = {}  # thread id -> (thread, store)
        self._lock = threading.Lock()
        try:
            applied = set(self.store().applied_migrations())
        except ledger_errors() as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise StoreError(f"{self.name} is not a crosscheck ledger: {first}") from exc
        # a pre-release claim_facets (no article_rowid) lived in the working tree for minutes: not used
        facet_cols = self.store().columns("claim_facets")
        self.features = Features(links=LINK_MIGRATION in applied, search=SEARCH_MIGRATION in applied,
                                 stats=STATS_MIGRATION in applied,
                                 facets=FACETS_MIGRATION in applied and "article_rowid" in facet_cols)

    @property
    def name(self) -> str:
        """The ledger as shown in messages (a URL without its password)."""
        if isinstance(self.path, str):
            from crosscheck.store.postgres import redact

            return redact(self.path)
        return str(self.path)

    def store(self) -> SQLiteStore:
        """This thread's read-only store, opened on first use and again when its connection broke
        (a server restart or idle timeout on PostgreSQL). Opening one closes the stores of threads
        that have ended (the server's thread pool retires idle threads), so the connections held
        stay as many as the live threads."""
        store: SQLiteStore | None = getattr(self._local, "store", None)
        if store is not None and store.usable:
            return store
        fresh = open_store(self.path, read_only=True)
        self._local.store = fresh
        with self._lock:
            stale = [s for t, s in self._opened.values() if not t.is_alive()]
            self._opened = {k: v for k, v in self._opened.items() if v[0].is_alive()}
            old = self._opened.get(threading.get_ident())
            self._opened[threading.get_ident()] = (threading.current_thread(), fresh)
        for s in [*stale, *([old[1]] if old else [])]:
            with contextlib.suppress(Exception):
                s.close()
        return fresh

    def close(self) -> None:
        """Close every thread's store (the app's shutdown)."""
        with self._lock:
            opened, self._opened = list(self._opened.values()), {}
        for _, store in opened:
            with contextlib.suppress(Exception):
                store.close()

    @property
    def conn(self) -> Any:
        """This thread's read-only connection."""
        return self.store().conn


# the columns the outlet an article is shown under comes from (:func:`with_outlet` names it)


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
