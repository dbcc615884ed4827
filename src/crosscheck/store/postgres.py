"""The ledger on a PostgreSQL server (psycopg 3): ``--db postgresql://user@host/db``.

The same store as :class:`~crosscheck.store.sqlite.SQLiteStore`, with the same methods and the
same statements: :class:`PGConnection` offers the part of ``sqlite3.Connection`` the store
uses (``execute``, ``executemany``, ``cursor``, rows readable by index and by name) and sends
each statement through :func:`crosscheck.store.pgsql.translate`.

Transactions: the connection is in autocommit mode and :meth:`PostgresStore.transaction`
opens one transaction per unit of writes (per article, as on SQLite). Each write transaction
first takes one advisory lock (``pg_advisory_xact_lock``), so writers take turns as SQLite's
``BEGIN IMMEDIATE`` makes them: two ``crosscheck analyze`` processes on one database neither
lose nor duplicate an article, while readers (the web UI) never wait.

Ordering: ORDER BY on text compares in the database's collation. The exports equal SQLite's
byte for byte under the "C" collation, which :func:`create_database` uses; on another
collation only the order of equal-keyed rows in the web UI may differ.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from crosscheck.errors import StoreError
from crosscheck.store.pgschema import PG_MIGRATIONS
from crosscheck.store.pgsql import replace_target, translate
from crosscheck.store.sqlite import SQLiteStore, _now

# any constant: the key of the one advisory lock write transactions take
_WRITE_LOCK = 0x63726F73  # "cros"
_LINK_LOCK = 0x6C696E6B  # "link": held by the one linker of a database
# columns PostgreSQL tables carry that SQLite keeps hidden (``SELECT *`` leaves out its rowid)
_HIDDEN = frozenset({"rowid"})


def is_url(db: object) -> bool:
    """True when ``db`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(db, str) and db.startswith(("postgresql://", "postgres://"))


class Row:
    """A result row readable by position and by column name, like ``sqlite3.Row``."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        """Column names (as ``sqlite3.Row.keys``); PostgreSQL's own rowid column left out."""
        return [k for k in self._index if k not in _HIDDEN]

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=False))!r})"


def _row_factory(cursor: Any) -> Any:
    if cursor.description is None:
        return lambda values: Row(values, {})
    index: dict[str, int] = {}
    for i, col in enumerate(cursor.description):
        index.setdefault(col.name, i)  # a duplicated name reads as its first column, as in sqlite3
    return lambda values: Row(values, index)


class PGCursor:
    """The ``sqlite3.Cursor`` calls the store makes, on a psycopg cursor."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Sequence[Any] = ()) -> PGCursor:
        params = _adapt(params)
        target = replace_target(sql)
        if target is not None:  # SQLite's REPLACE: the old row goes, the new one is inserted last
            table, key = target
            self.raw.execute(f"DELETE FROM {table} WHERE {key} = %s", (params[0],))
        if params:
            self.raw.execute(translate(sql), params)
        else:
            self.raw.execute(translate(sql, False))
        return self

    def executemany(self, sql: str, rows: Any) -> PGCursor:
        rows = [_adapt(r) for r in rows]
        if not rows:
            return self
        target = replace_target(sql)
        if target is not None:
            for r in rows:
                self.execute(sql, r)
            return self
        self.raw.executemany(translate(sql), rows)
        return self

    def fetchone(self) -> Row | None:
        if self.raw.description is None:
            return None
        row: Row | None = self.raw.fetchone()
        return row

    def fetchall(self) -> list[Row]:
        if self.raw.description is None:
            return []
        rows: list[Row] = self.raw.fetchall()
        return rows

    def __iter__(self) -> Iterator[Row]:
        if self.raw.description is None:
            return iter(())
        return iter(self.raw)

    @property
    def rowcount(self) -> int:
        return int(self.raw.rowcount)

    def close(self) -> None:
        self.raw.close()


class PGConnection:
    """The ``sqlite3.Connection`` calls the store makes, on one psycopg connection.

    With ``reopen`` (read-only connections: the web UI), a statement that finds the connection
    lost (a server restart, an idle timeout) reconnects and runs once more; a writer's lost
    connection is an error, since the transaction it was in is gone.
    """

    dialect = "postgresql"

    def __init__(self, raw: Any, reopen: Callable[[], Any] | None = None) -> None:
        self.raw = raw
        self._reopen = reopen

    def cursor(self) -> PGCursor:
        return PGCursor(self.raw.cursor(row_factory=_row_factory))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> PGCursor:
        if self._reopen is None:
            return self.cursor().execute(sql, params)
        import psycopg

        try:
            return self.cursor().execute(sql, params)
        except psycopg.OperationalError:
            if not (self.raw.closed or self.raw.broken):
                raise
            with contextlib.suppress(Exception):
                self.raw.close()
            self.raw = self._reopen()
            return self.cursor().execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> PGCursor:
        return self.cursor().executemany(sql, rows)

    def close(self) -> None:
        self.raw.close()


def _adapt(params: Sequence[Any]) -> tuple[Any, ...]:
    """numpy scalars as Python numbers (sqlite3 takes a float64; psycopg asks for a dumper)."""
    return tuple(p.item() if isinstance(p, np.generic) else p for p in params)


def _connect(url: str, *, read_only: bool) -> Any:
    import psycopg
    from psycopg.adapt import Loader

    class _NumericLoader(Loader):
        """sum() and avg() return NUMERIC: read it as SQLite does, an int when whole."""

        def load(self, data: Any) -> int | float:
            d = Decimal(bytes(data).decode())
            return int(d) if d == d.to_integral_value() else float(d)

    raw = psycopg.connect(url, autocommit=True, connect_timeout=10)
    raw.adapters.register_loader("numeric", _NumericLoader)
    if read_only:
        raw.execute("SET default_transaction_read_only = on")
    return raw


def _connect_or_create(url: str, *, read_only: bool) -> Any:
    """Connect; a database that does not exist yet is created first (writers only), as a SQLite
    file is: UTF-8 with the "C" collation, through the server's ``postgres`` database."""
    import psycopg

    try:
        return _connect(url, read_only=read_only)
    except psycopg.OperationalError as exc:
        name = urlsplit(url).path.lstrip("/")
        if read_only or not name or f'database "{name}" does not exist' not in str(exc):
            raise
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    # another process made it in between (PostgreSQL says so as either error)
    with contextlib.suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
        create_database(server, name)
    return _connect(url, read_only=read_only)


class PostgresStore(SQLiteStore):
    """A ledger in one PostgreSQL database: SQLiteStore's calls, PostgreSQL's server."""

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.path = url
        self.read_only = read_only
        try:
            self.pg = PGConnection(_connect_or_create(url, read_only=read_only),
                                   reopen=(lambda: _connect(url, read_only=True)) if read_only else None)
            # the store's statements run on it unchanged (translated): it stands in for sqlite3's
            self.conn = cast(Any, self.pg)
            if not read_only:
                self.migrate()
        except Exception as exc:  # psycopg.Error, OSError: one line naming the database
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot open the ledger {redact(url)}: {str(exc).strip().splitlines()[0]}") from exc

    def migrate(self) -> list[str]:
        """Apply pending named migrations (PostgreSQL's text of each), each in one transaction."""
        applied = []
        with self.transaction() as cur:  # under the write lock: two processes never migrate at once
            # inside the lock too: CREATE TABLE IF NOT EXISTS is not safe against a concurrent one
            cur.raw.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, "
                            "applied_at TEXT NOT NULL, rowid BIGINT GENERATED BY DEFAULT AS IDENTITY)")
            done = {r[0] for r in cur.execute("SELECT name FROM migrations")}
            for name, sql in PG_MIGRATIONS:
                if name in done:
                    continue
                for statement in statements(sql):
                    cur.raw.execute(statement)
                cur.execute("INSERT INTO migrations VALUES (?, ?)", (name, _now()))
                applied.append(name)
        return applied

    def columns(self, table: str) -> set[str]:
        """The column names of a table or view (empty when it does not exist)."""
        return {r[0] for r in self.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ?", (table,))} - _HIDDEN

    @property
    def name(self) -> str:
        """The database as shown in messages (no password)."""
        return redact(self.path)

    @property
    def usable(self) -> bool:
        """False once the server connection is closed or broken (a restart, an idle timeout)."""
        raw = self.pg.raw
        return not (raw.closed or raw.broken)

    @contextmanager
    def link_lock(self) -> Iterator[None]:
        """Held while linking (a session advisory lock): one linker at a time per database."""
        self.pg.raw.execute("SELECT pg_advisory_lock(%s)", (_LINK_LOCK,))
        try:
            yield
        finally:
            self.pg.raw.execute("SELECT pg_advisory_unlock(%s)", (_LINK_LOCK,))

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One atomic unit of writes, writers taking turns (see the module's docstring)."""
        with self.pg.raw.transaction():
            cur = self.pg.cursor()
            if not self.read_only:
                cur.raw.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            yield cur

    def __enter__(self) -> PostgresStore:
        return self


_TOKEN = re.compile(r"--[^\n]*|'(?:[^']|'')*'|(\$\w*\$)|;")


def statements(sql: str) -> list[str]:
    """A migration's text cut at each ``;`` that ends a statement: not one inside a quoted
    literal, a ``--`` comment or a ``$$``-quoted function body (plpgsql has ``;`` of its own)."""
    out, start, pos = [], 0, 0
    while (m := _TOKEN.search(sql, pos)) is not None:
        pos = m.end()
        if m.group(1):  # a dollar quote runs to the same tag
            close = sql.find(m.group(1), pos)
            pos = len(sql) if close < 0 else close + len(m.group(1))
        elif m.group(0) == ";":
            out.append(sql[start : m.start()])
            start = pos
    out.append(sql[start:])
    return [s.strip() for s in out if s.strip()]


def redact(url: str) -> str:
    """The URL without its password (in the user part or as ``?password=``), for messages."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        if ":" in user:
            netloc = f"{user.split(':', 1)[0]}:***@{host}"
    query = "&".join(("password=***" if q.lower().startswith("password=") else q) for q in parts.query.split("&")) \
        if parts.query else ""
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def create_database(server_url: str, name: str) -> str:
    """Create database ``name`` (UTF-8, "C" collation) on the server of ``server_url``; its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
                     .format(sql.Identifier(name)))
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path="/" + name))


def drop_database(server_url: str, name: str) -> None:
    """Drop database ``name`` (closing its other sessions first)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
