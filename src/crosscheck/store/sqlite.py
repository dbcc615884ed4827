"""The default store: one SQLite file, WAL, named migrations, one transaction per article.

Rows map to the model's frozen dataclasses by field name; tuples, dicts and nested records
are stored as JSON text. Readers (the web UI, reports) can open the file read-only while a
writer runs, thanks to WAL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from crosscheck.errors import StoreError
from crosscheck.model import (
    Annotations,
    Article,
    Claim,
    EntityMention,
    Quantity,
    RemovedLine,
    TimeExpr,
)
from crosscheck.store.linkstore import LinkStoreMixin
from crosscheck.store.migrations import MIGRATIONS

T = TypeVar("T")

# Fields stored as JSON text, and booleans stored as 0/1.
_JSON_FIELDS = frozenset(
    {"removed_lines", "hedges", "aliases", "claim_ids", "status", "outlets", "independent_origins",
     "why", "evidence", "events", "article_ids"}
)
_BOOL_FIELDS = frozenset({"direct", "hedged"})
_TABLES: dict[type[Any], str] = {
    Claim: "claims",
    TimeExpr: "times",
    Quantity: "quantities",
    EntityMention: "entity_mentions",
}
# Only the latest version of each source is part of the ledger's current view.
_LATEST = "superseded_by IS NULL"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _encode(name: str, value: Any) -> Any:
    if name in _JSON_FIELDS:
        if isinstance(value, tuple):
            value = [asdict(v) if is_dataclass(v) and not isinstance(v, type) else v for v in value]
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if name in _BOOL_FIELDS:
        return int(bool(value))
    return value


def _decode(cls: type[T], row: sqlite3.Row) -> T:
    keys = set(row.keys())
    kwargs: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name not in keys:
            continue
        value = row[f.name]
        if f.name in _JSON_FIELDS and isinstance(value, str):
            value = json.loads(value)
            if f.name == "removed_lines":
                value = tuple(RemovedLine(**v) for v in value)
            elif isinstance(value, list):
                value = tuple(value)
        elif f.name in _BOOL_FIELDS:
            value = bool(value)
        kwargs[f.name] = value
    return cls(**kwargs)


class SQLiteStore(LinkStoreMixin):
    """A ledger in one SQLite file (``:memory:`` for tests)."""

    # the analyst's corrections file linking applies (link/corrections.py): set by the caller
    # (crosscheck --corrections FILE); None: the file beside a SQLite ledger, none for a server's
    corrections_path: Path | None = None

    def __init__(self, path: str | Path = "crosscheck.db", *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        try:
            if read_only:
                uri = f"file:{Path(self.path).resolve()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                if self.path != ":memory:":
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                self.conn.execute("PRAGMA busy_timeout=10000")  # first: switching to WAL takes a lock too
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=10000")
            if not read_only:
                self.migrate()
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the ledger {self.path}: {exc}") from exc

    # schema -----------------------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply pending named migrations, each in its own transaction; returns their names."""
        applied = []
        for name, sql in MIGRATIONS:
            # checked inside the write transaction: another process opening the same new file
            # at the same moment may have applied it since (BEGIN IMMEDIATE makes them take turns)
            with self.transaction() as cur:
                cur.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
                if cur.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                    continue
                for statement in _statements(sql):
                    cur.execute(statement)
                cur.execute("INSERT INTO migrations VALUES (?, ?)", (name, _now()))
            applied.append(name)
        return applied

    @property
    def name(self) -> str:
        """The ledger as shown in messages."""
        return self.path

    @property
    def usable(self) -> bool:
        """A SQLite connection stays usable while open."""
        return True

    def columns(self, table: str) -> set[str]:
        """The column names of a table or view (empty when it does not exist)."""
        return {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}

    def applied_migrations(self) -> list[str]:
        """Names of the migrations this file has, in order applied."""
        return [r[0] for r in self.conn.execute("SELECT name FROM migrations ORDER BY rowid")]

    @contextmanager
    def link_lock(self) -> Iterator[None]:
        """Held while linking: a second linker on the same ledger waits for the first to finish.

        A lock file beside the ledger (``LEDGER-link.lock``, flock), never a lock on the ledger
        file itself: closing another descriptor of that file would drop SQLite's own locks.
        """
        if self.path == ":memory:":
            yield
            return
        import fcntl

        with open(f"{self.path}-link.lock", "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Cursor]:
        """One atomic unit of writes: committed on success, rolled back on any error."""
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        else:
            cur.execute("COMMIT")

    # writes ----------------------------------------------------------------------------

    def status_of(self, source: str, raw_sha: str) -> tuple[str, str | None]:
        """("present", id) for a stored identical input, ("new_version", old_id), or ("new", None)."""
        row = self.conn.execute(
            f"SELECT id, raw_sha FROM articles WHERE source = ? AND {_LATEST} ORDER BY rowid DESC LIMIT 1",
            (source,),
        ).fetchone()
        if row is None:
            return "new", None
        if row["raw_sha"] == raw_sha:
            return "present", row["id"]
        return "new_version", row["id"]

    def has_claim(self, claim_id: str) -> bool:
        """True when a claim with this id is stored."""
        return self.conn.execute("SELECT 1 FROM claims WHERE id = ?", (claim_id,)).fetchone() is not None

    def has_article(self, article_id: str) -> bool:
        """True when an article with this id is stored (in any version state)."""
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def save(self, article: Article, annotations: Annotations) -> None:
        """Store an article and its annotations in one transaction (idempotent on the article id)."""
        with self.transaction() as cur:
            if cur.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone():
                return
            row = {f.name: _encode(f.name, getattr(article, f.name)) for f in fields(Article)}
            row["ingested_at"] = _now()
            _insert(cur, "articles", row)
            if article.version_of:
                cur.execute("UPDATE articles SET superseded_by = ? WHERE id = ?", (article.id, article.version_of))
            for items in (annotations.entities, annotations.claims, annotations.times, annotations.quantities):
                for item in items:
                    table = _TABLES[type(item)]
                    _insert(cur, table, {f.name: _encode(f.name, getattr(item, f.name)) for f in fields(item)})

    def fetch_validators(self, url: str) -> tuple[str | None, str | None] | None:
        """(etag, last_modified) remembered for a fetched URL (crosscheck watch), or None."""
        row = self.conn.execute("SELECT etag, last_modified FROM fetch_cache WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else None

    def remember_fetch(self, url: str, etag: str | None, last_modified: str | None, status: int) -> None:
        """Remember the validators of an answer whose content is now stored."""
        with self.transaction() as cur:
            cur.execute("INSERT OR REPLACE INTO fetch_cache VALUES (?, ?, ?, ?, ?)",
                        (url, etag, last_modified, status, _now()))

    def record_reject(self, source: str, reason: str) -> None:
        """Remember an input that could not be stored, for audit."""
        with self.transaction() as cur:
            cur.execute("INSERT INTO rejects VALUES (?, ?, ?)", (source, reason, _now()))

    # reads -----------------------------------------------------------------------------

    def articles(self, *, latest_only: bool = True) -> Iterator[Article]:
        """Stored articles in insertion order; by default only the latest version of each source."""
        where = f"WHERE {_LATEST}" if latest_only else ""
        for row in self.conn.execute(f"SELECT * FROM articles {where} ORDER BY rowid"):
            yield _decode(Article, row)

    def article(self, article_id: str) -> Article | None:
        """One article by id, or None."""
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _decode(Article, row) if row else None

    def _items(self, cls: type[T], article_id: str | None) -> Iterator[T]:
        # times as the link layer's dating pass left them (migration 0011), once a ledger has it
        table = "times_resolved" if cls is TimeExpr and self._resolutions() else _TABLES[cls]
        order = "start, end" if cls is EntityMention else "rowid"
        if article_id is not None:
            sql = f"SELECT * FROM {table} WHERE article_id = ? ORDER BY {order}"
            rows = self.conn.execute(sql, (article_id,))
        else:
            sql = (
                f"SELECT t.* FROM {table} t JOIN articles a ON a.id = t.article_id "
                f"WHERE a.{_LATEST} ORDER BY a.rowid, t.{order.replace(', ', ', t.')}"
            )
            rows = self.conn.execute(sql)
        for row in rows:
            yield _decode(cls, row)

    def _resolutions(self) -> bool:
        if not hasattr(self, "_has_resolutions"):
            self._has_resolutions = "time_id" in self.columns("time_resolutions")
        return self._has_resolutions

    def claims(self, article_id: str | None = None) -> Iterator[Claim]:
        """Claims, of one article or of all latest articles, in text order."""
        return self._items(Claim, article_id)

    def times(self, article_id: str | None = None) -> Iterator[TimeExpr]:
        """Time expressions, of one article or of all latest articles."""
        return self._items(TimeExpr, article_id)

    def quantities(self, article_id: str | None = None) -> Iterator[Quantity]:
        """Quantities, of one article or of all latest articles."""
        return self._items(Quantity, article_id)

    def mentions(self, article_id: str | None = None) -> Iterator[EntityMention]:
        """Entity mentions, of one article or of all latest articles."""
        return self._items(EntityMention, article_id)

    def rejects(self) -> list[tuple[str, str]]:
        """Inputs that could not be stored, with the reason."""
        return [(r["source"], r["reason"]) for r in self.conn.execute("SELECT * FROM rejects ORDER BY rowid")]

    def counts(self) -> dict[str, int]:
        """Row counts per kind (current view: latest versions only)."""
        out = {"articles": self.conn.execute(f"SELECT count(*) FROM articles WHERE {_LATEST}").fetchone()[0]}
        for table in ("claims", "times", "quantities", "entity_mentions"):
            out[table] = self.conn.execute(
                f"SELECT count(*) FROM {table} t JOIN articles a ON a.id = t.article_id WHERE a.{_LATEST}"
            ).fetchone()[0]
        return out

    def close(self) -> None:
        """Close the connection (checkpointing the WAL when writable)."""
        self.conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _statements(sql: str) -> list[str]:
    """Split migration text into complete statements (a trigger body holds ``;`` of its own)."""
    out, buf = [], ""
    for part in sql.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n\t;"):
                out.append(buf.strip())
            buf = ""
    if buf.strip(" \n\t;"):
        out.append(buf.strip())
    return out


def _insert(cur: sqlite3.Cursor, table: str, row: dict[str, Any]) -> None:
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cur.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(row.values()))


def open_store(path: str | Path = "crosscheck.db", *, read_only: bool = False) -> SQLiteStore:
    """Open (creating and migrating if needed) the ledger at ``path``: a SQLite file, or a
    PostgreSQL database when ``path`` is a ``postgresql://`` URL (store/postgres.py)."""
    if isinstance(path, str) and path.startswith(("postgresql://", "postgres://")):
        from crosscheck.store.postgres import PostgresStore

        return PostgresStore(path, read_only=read_only)
    return SQLiteStore(path, read_only=read_only)
