"""Full-text search in the ledger: SQLite's FTS5 (migration 0003) or PostgreSQL's tsvector.

The web UI (web/search.py) hands over the words of a query, already cut by ``\\w+``; user input
never reaches either engine's query syntax: each word is quoted (FTS5) or passed as a lexeme
(tsquery), all words required, the last one as a prefix. Snippets mark hits with the control
characters ``OPEN`` and ``CLOSE`` so the template can escape everything else.

Both engines rank among the ``window`` most recently stored matches of each kind, so a search
costs the same whatever the size of the ledger. Ranking differs by engine (FTS5's bm25 against
PostgreSQL's ts_rank), so the order of hits may differ between backends; the set of matches
within the window is the same up to tokenisation (PostgreSQL's 'simple' configuration keeps
diacritics, FTS5 here removes them).
"""

from __future__ import annotations

from typing import Any

from crosscheck.store.pgschema import ARTICLE_TSV, CLAIM_TSV

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


_HEADLINE = f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords=24, MinWords=8, ShortWord=0"


def _pg(conn: Any, words: list[str], *, limit: int, offset: int, window: int) -> dict[str, Any]:
    q = _tsquery(words)
    c_tsv = CLAIM_TSV.replace("content", "c.content").replace("speaker,", "c.speaker,").replace(
        "speaker_text", "c.speaker_text")
    a_tsv = ARTICLE_TSV.replace("title", "a.title").replace("text)", "a.text)")

    def floor(table: str, tsv: str) -> int | None:
        row = conn.execute(f"SELECT rowid FROM {table} WHERE {tsv} @@ to_tsquery('simple', ?) "
                           f"ORDER BY rowid DESC LIMIT 1 OFFSET ?", (q, window - 1)).fetchone()
        return int(row[0]) if row else None

    cfloor, afloor = floor("claims", CLAIM_TSV), floor("articles", ARTICLE_TSV)
    claims = conn.execute(
        f"""SELECT c.id, c.article_id, c.speaker, c.speaker_text, c.polarity, c.cue, a.outlet, a.original_source AS outlet_credit,
                   a.source AS outlet_source, a.published,
                   a.title AS article_title,
                   ts_headline('simple', c.content, to_tsquery('simple', ?), '{_HEADLINE}') AS snip
            FROM claims c JOIN articles a ON a.id = c.article_id
            WHERE {c_tsv} @@ to_tsquery('simple', ?) AND c.rowid >= ? AND a.superseded_by IS NULL
            ORDER BY ts_rank({c_tsv}, to_tsquery('simple', ?)) DESC, c.rowid LIMIT ? OFFSET ?""",
        (q, q, cfloor or 0, q, limit, offset)).fetchall()
    articles = conn.execute(
        f"""SELECT a.id, a.title, a.outlet, a.original_source AS outlet_credit, a.source AS outlet_source, a.published,
                   ts_headline('simple', a.text, to_tsquery('simple', ?), '{_HEADLINE}') AS snip
            FROM articles a
            WHERE {a_tsv} @@ to_tsquery('simple', ?) AND a.rowid >= ? AND a.superseded_by IS NULL
            ORDER BY ts_rank({a_tsv}, to_tsquery('simple', ?)) DESC, a.rowid LIMIT ? OFFSET ?""",
        (q, q, afloor or 0, q, limit, offset)).fetchall()
    return {"claims": claims, "articles": articles, "windowed": {"claims": cfloor is not None,
                                                                 "articles": afloor is not None}}
