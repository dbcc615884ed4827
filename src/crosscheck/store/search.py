"""Full-text search in the ledger: SQLite's FTS5 (migration 0003) or PostgreSQL's tsvector.

The web UI (web/search.py) hands over the words of a query, already cut by ``\\w+``; user input
never reaches either engine's query syntax: each word is quoted (FTS5) or passed as a lexeme
(tsquery), all words required, the last one as a prefix. Snippets mark hits with the control
characters ``OPEN`` and ``CLOSE`` so the template can escape everything else.

Both engines rank among the ``window`` most recently stored matches of each kind, so a search
costs the same whatever the size of the ledger (PostgreSQL from migration 0012 on, which stores
the vectors and lets the newest matches be found first; before it, every match is read). Ranking differs by engine (FTS5's bm25 against
PostgreSQL's ts_rank), so the order of hits may differ between backends; the set of matches
within the window is the same up to tokenisation (PostgreSQL's 'simple' configuration keeps
diacritics, FTS5 here removes them).
"""

from __future__ import annotations

import math
from typing import Any

from crosscheck.store.pgschema import ARTICLE_TSV, BLOCK_BITS, CLAIM_TSV, SEARCHED, SPAN_BITS, tsv_of

OPEN, CLOSE = "\x02", "\x03"


def fts_match(words: list[str]) -> str:
    """A safe FTS5 query: every word quoted, all required, the last one as a prefix."""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _tsquery(words: list[str]) -> str:
    lexemes = ["'" + w.replace("'", "''").replace("\\", "\\\\") + "'" for w in words]
    lexemes[-1] += ":*"
    return " & ".join(lexemes)


def search_rows(conn: Any, words: list[str], *, limit: int, offset: int, window: int) -> dict[str, Any]:
    """Matching claims and articles (one page each) and whether each kind was windowed.

    A claim's snippet is always cut from its content (what was said), hits marked when the
    content holds them: a search for a speaker lists what they said, not their name again.
    """
    if getattr(conn, "dialect", "sqlite") == "postgresql":
        return _pg(conn, words, limit=limit, offset=offset, window=window)
    match = fts_match(words)

    def floor(table: str) -> int | None:
        row = conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                           (match, window - 1)).fetchone()
        return int(row[0]) if row else None

    cfloor, afloor = floor("claims_fts"), floor("articles_fts")
    claims = conn.execute(
        f"""SELECT c.id, c.article_id, c.speaker, c.speaker_text, c.polarity, c.cue, a.outlet, a.original_source AS outlet_credit,
                   a.source AS outlet_source, a.published,
                   a.title AS article_title,
                   snippet(claims_fts, 0, '{OPEN}', '{CLOSE}', '…', 24) AS snip
            FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid JOIN articles a ON a.id = c.article_id
            WHERE claims_fts MATCH ? AND claims_fts.rowid >= ? AND a.superseded_by IS NULL
            ORDER BY rank LIMIT ? OFFSET ?""",
        (match, cfloor or 0, limit, offset)).fetchall()
    articles = conn.execute(
        f"""SELECT a.id, a.title, a.outlet, a.original_source AS outlet_credit, a.source AS outlet_source, a.published,
                   snippet(articles_fts, 1, '{OPEN}', '{CLOSE}', '…', 24) AS snip
            FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
            WHERE articles_fts MATCH ? AND articles_fts.rowid >= ? AND a.superseded_by IS NULL
            ORDER BY rank LIMIT ? OFFSET ?""",
        (match, afloor or 0, limit, offset)).fetchall()
    return {"claims": claims, "articles": articles, "windowed": {"claims": cfloor is not None,
                                                                 "articles": afloor is not None}}


_MAX_LEXEMES = 8  # block lexemes asked for in one step (a GIN scan costs each one)
_SPAN = 1 << SPAN_BITS  # small blocks in a large one
_HEADLINE = f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords=24, MinWords=8, ShortWord=0"


def _pg(conn: Any, words: list[str], *, limit: int, offset: int, window: int) -> dict[str, Any]:
    import psycopg

    try:
        return _pg_stored(conn, words, limit=limit, offset=offset, window=window)
    except psycopg.errors.UndefinedTable:  # a ledger from before 0012: vectors computed from the text
        return _pg_rows(conn, words, limit=limit, offset=offset, window=window)


def _run(hi: int, n: int, first: int) -> tuple[list[str], int]:
    """The block lexemes of a run of about ``n`` small blocks down from block ``hi`` (never
    below ``first``): a large block wherever the run holds all of one, at most ``_MAX_LEXEMES``
    lexemes; and the run's lowest block."""
    bottom = max(first, hi - n + 1)
    lexemes: list[str] = []
    k = hi
    while k >= bottom and len(lexemes) < _MAX_LEXEMES:
        if (k + 1) % _SPAN == 0 and k - _SPAN + 1 >= bottom:
            lexemes.append(f"' B{k // _SPAN}'")
            k -= _SPAN
        else:
            lexemes.append(f"' b{k}'")
            k -= 1
    return lexemes, k + 1


def _newest_matches(conn: Any, table: str, q: str, window: int) -> list[tuple[int, float]]:
    """(rowid, ts_rank) of the ``window`` newest matches in ``table`` (claims_tsv or
    articles_tsv): the matches SQLite's floor bounds, found as FTS5 walks a doclist, newest first,
    and ranked where they are read.

    A GIN index yields its matches in no order (reading them all means a heap page for each),
    so each step asks it for the matches in a run of rowid blocks going back from the newest
    (the block lexemes of migration 0012's index, SEARCH_BLOCK), as many blocks as the matches
    per block so far say the rest needs, in at most ``_MAX_LEXEMES`` lexemes (a GIN scan costs
    each). A word so rare that more than three of the longest runs would be needed has few
    matches in all: the rest is then one question to the whole index.
    """
    low, top = conn.execute(f"SELECT min(rowid), max(rowid) FROM {table}").fetchone()
    if top is None:
        return []

    def ranked(where: str, args: tuple[Any, ...], n: int) -> list[tuple[int, float]]:
        # ranked outside the newest-first cut, so only the vectors kept are ranked
        return [(int(r[0]), float(r[1])) for r in conn.execute(
            f"SELECT rowid, ts_rank(tsv, to_tsquery('simple', ?)) FROM (SELECT rowid, tsv FROM {table} "
            f"WHERE {SEARCHED} @@ {where} ORDER BY rowid DESC LIMIT ?) w ORDER BY rowid DESC", (q, *args, n))]

    first_block, hi = low >> BLOCK_BITS, top >> BLOCK_BITS
    found: list[tuple[int, float]] = []
    n = 1
    while hi >= first_block and len(found) < window:
        if n > 3 * _MAX_LEXEMES * _SPAN:  # far back: the rest in one question, newest first
            return found + ranked("to_tsquery('simple', ?) AND rowid < ?", (q, (hi + 1) << BLOCK_BITS),
                                  window - len(found))
        lexemes, lo = _run(hi, n, first_block)
        got = ranked("(to_tsquery('simple', ?) && ?::tsquery)", (q, " | ".join(lexemes)), window - len(found))
        found += got
        runs, hi = hi - lo + 1, lo - 1
        # as many blocks as the matches per block so far say the rest needs, a quarter more
        n = math.ceil((window - len(found)) * runs * 1.25 / len(got)) if got else runs * 8
    return found


_PG_CLAIMS = f"""SELECT c.id, c.article_id, c.speaker, c.speaker_text, c.polarity, c.cue, a.outlet,
                   a.original_source AS outlet_credit, a.source AS outlet_source, a.published,
                   a.title AS article_title,
                   ts_headline('simple', c.content, to_tsquery('simple', ?), '{_HEADLINE}') AS snip
            FROM claims_tsv t JOIN claims c ON c.rowid = t.rowid JOIN articles a ON a.id = c.article_id
            WHERE t.rowid = ANY(?) AND a.superseded_by IS NULL
            ORDER BY ts_rank(t.tsv, to_tsquery('simple', ?)) DESC, c.rowid LIMIT ? OFFSET ?"""
_PG_ARTICLES = f"""SELECT a.id, a.title, a.outlet, a.original_source AS outlet_credit, a.source AS outlet_source,
                   a.published, ts_headline('simple', a.text, to_tsquery('simple', ?), '{_HEADLINE}') AS snip
            FROM articles_tsv t JOIN articles a ON a.rowid = t.rowid
            WHERE t.rowid = ANY(?) AND a.superseded_by IS NULL
            ORDER BY ts_rank(t.tsv, to_tsquery('simple', ?)) DESC, a.rowid LIMIT ? OFFSET ?"""


def _pg_stored(conn: Any, words: list[str], *, limit: int, offset: int, window: int) -> dict[str, Any]:
    """PostgreSQL's search over the stored tsvectors (claims_tsv, articles_tsv, migration 0012).

    The same hits in the same order as before 0012 (the newest ``window`` matches of each kind,
    by ts_rank, then rowid, claims of superseded articles left out), without parsing each
    match's text again: the matches come ranked, and only the best of them are read whole, more
    when superseded versions among them leave the page short.
    """
    q = _tsquery(words)
    out: dict[str, Any] = {"windowed": {}}
    for kind, table, sql in (("claims", "claims_tsv", _PG_CLAIMS), ("articles", "articles_tsv", _PG_ARTICLES)):
        matches = _newest_matches(conn, table, q, window)
        best = [rowid for rowid, _ in sorted(matches, key=lambda m: (-m[1], m[0]))]
        take = offset + limit + 16
        while True:
            rows = conn.execute(sql, (q, best[:take], q, limit, offset)).fetchall() if best else []
            if len(rows) >= limit or take >= len(best):
                break
            take *= 4
        out[kind] = rows
        out["windowed"][kind] = len(matches) >= window
    return out


def _pg_rows(conn: Any, words: list[str], *, limit: int, offset: int, window: int) -> dict[str, Any]:
    """PostgreSQL's search before migration 0012: over the expressions of 0003's indexes, each
    match's vector parsed again from its text to rank it."""
    q = _tsquery(words)
    c_from, c_tsv, c_floor = "claims c", tsv_of(CLAIM_TSV, "c"), ("claims", CLAIM_TSV)
    a_from, a_tsv, a_floor = "articles a", tsv_of(ARTICLE_TSV, "a"), ("articles", ARTICLE_TSV)

    def floor(table: str, tsv: str) -> int | None:
        row = conn.execute(f"SELECT rowid FROM {table} WHERE {tsv} @@ to_tsquery('simple', ?) "
                           f"ORDER BY rowid DESC LIMIT 1 OFFSET ?", (q, window - 1)).fetchone()
        return int(row[0]) if row else None

    cfloor, afloor = floor(*c_floor), floor(*a_floor)
    claims = conn.execute(
        f"""SELECT c.id, c.article_id, c.speaker, c.speaker_text, c.polarity, c.cue, a.outlet, a.original_source AS outlet_credit,
                   a.source AS outlet_source, a.published,
                   a.title AS article_title,
                   ts_headline('simple', c.content, to_tsquery('simple', ?), '{_HEADLINE}') AS snip
            FROM {c_from} JOIN articles a ON a.id = c.article_id
            WHERE {c_tsv} @@ to_tsquery('simple', ?) AND c.rowid >= ? AND a.superseded_by IS NULL
            ORDER BY ts_rank({c_tsv}, to_tsquery('simple', ?)) DESC, c.rowid LIMIT ? OFFSET ?""",
        (q, q, cfloor or 0, q, limit, offset)).fetchall()
    articles = conn.execute(
        f"""SELECT a.id, a.title, a.outlet, a.original_source AS outlet_credit, a.source AS outlet_source, a.published,
                   ts_headline('simple', a.text, to_tsquery('simple', ?), '{_HEADLINE}') AS snip
            FROM {a_from}
            WHERE {a_tsv} @@ to_tsquery('simple', ?) AND a.rowid >= ? AND a.superseded_by IS NULL
            ORDER BY ts_rank({a_tsv}, to_tsquery('simple', ?)) DESC, a.rowid LIMIT ? OFFSET ?""",
        (q, q, afloor or 0, q, limit, offset)).fetchall()
    return {"claims": claims, "articles": articles, "windowed": {"claims": cfloor is not None,
                                                                 "articles": afloor is not None}}
