"""The PostgreSQL backend against SQLite: same exports, same linking, safe concurrent writers,
a copy between the two that loses nothing. A real server (tests/conftest.py ``pg_server``)."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from conftest import Ledgers, need_shared, pg_server
from crosscheck.export import write_json
from crosscheck.pipeline import analyze, analyze_and_link
from crosscheck.store import open_store
from crosscheck.store.copy import copy_ledger
from crosscheck.store.migrations import MIGRATIONS
from crosscheck.store.pgsql import translate


@pytest.fixture
def pg(tmp_path: Path) -> Any:
    made = Ledgers("postgresql", tmp_path)
    yield made
    made.drop()


def _export(db: str, tmp: Path, name: str) -> bytes:
    out = tmp / f"{name}.json"
    with open_store(db, read_only=True) as s, out.open("w", encoding="utf-8") as fh:
        write_json(s, fh)
    return out.read_bytes()


def _demo() -> str:
    return str(resources.files("crosscheck.data").joinpath("demo/articles"))


@pytest.mark.parametrize("corpus", ["seeds", "demo"])
def test_export_is_byte_identical_to_sqlite(corpus: str, tmp_path: Path, pg: Ledgers) -> None:
    paths = [str(need_shared("corpus", "seeds"))] if corpus == "seeds" else [_demo()]
    lite, server = str(tmp_path / "l.db"), pg.new(corpus)
    for db in (lite, server):
        with open_store(db) as s:
            analyze_and_link(paths, s)
    a, b = _export(lite, tmp_path, "lite"), _export(server, tmp_path, "pg")
    assert json.loads(a)["claim_groups"], "the export should hold linked groups"
    assert a == b


def test_incremental_linking_agrees(tmp_path: Path, pg: Ledgers) -> None:
    """Articles arriving in two runs are linked the same way on both backends."""
    files = sorted(Path(_demo()).iterdir())
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    for i, f in enumerate(files):
        ((first if i % 2 else second) / f.name).write_bytes(f.read_bytes())
    lite, server = str(tmp_path / "l.db"), pg.new("incr")
    for db in (lite, server):
        for part in (first, second):
            with open_store(db) as s:
                analyze_and_link([str(part)], s)
    assert _export(lite, tmp_path, "lite") == _export(server, tmp_path, "pg")


def test_copy_round_trip_loses_nothing(tmp_path: Path, pg: Ledgers) -> None:
    lite, server, back = str(tmp_path / "l.db"), pg.new("copy"), str(tmp_path / "back.db")
    with open_store(lite) as s:
        analyze_and_link([_demo()], s)
    with open_store(lite, read_only=True) as src, open_store(server) as dst:
        counts = copy_ledger(src, dst)
    assert counts["claims"] > 0 and counts["group_members"] > 0
    with open_store(server, read_only=True) as src, open_store(back) as dst:
        assert copy_ledger(src, dst) == counts
    original = _export(lite, tmp_path, "lite")
    assert _export(server, tmp_path, "pg") == original
    assert _export(back, tmp_path, "back") == original
    with open_store(lite, read_only=True) as src, open_store(server) as dst, pytest.raises(Exception, match="not empty"):
        copy_ledger(src, dst)  # never into a ledger that holds something


def _corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{i:03d}.txt").write_text(
            f"Port authority reports cargo volume {i}\n\nThe port authority said on Monday that volume {i} rose "
            f"by {i + 3} percent. \"We expect more ships,\" said harbour master Ines Dahl.\n", encoding="utf-8")
    return folder


def test_two_concurrent_writers_neither_lose_nor_duplicate(tmp_path: Path, ledgers: Ledgers) -> None:
    """Two `analyze` processes (annotate and link) on one ledger, on each backend."""
    corpus = _corpus(tmp_path / "c", 40)
    db = ledgers.new("conc")
    cmd = [sys.executable, "-m", "crosscheck.cli", "analyze", str(corpus), "--db", db, "--no-progress"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    with open_store(db, read_only=True) as s:
        ids = [a.id for a in s.articles(latest_only=False)]
        assert len(ids) == len(set(ids)) == 40
        claim_ids = [c.id for c in s.claims()]
        assert len(claim_ids) == len(set(claim_ids)) > 0
        members = s.conn.execute("SELECT count(*), count(DISTINCT claim_id) FROM group_members").fetchone()
        assert members[0] == members[1]
    # the same inputs analyzed once, by one process, on SQLite: the same articles and claims
    lite = str(tmp_path / "l.db")
    with open_store(lite) as s:
        analyze([str(corpus)], s)
        assert sorted(c.id for c in s.claims()) == sorted(claim_ids)


def test_cli_names_the_database_without_its_password(tmp_path: Path) -> None:
    server = pg_server()
    bad = server.rsplit("@", 1)[0].rsplit(":", 1)[0] + ":wrong-secret@" + server.rsplit("@", 1)[1]
    r = subprocess.run([sys.executable, "-m", "crosscheck.cli", "link", "--db", bad],
                       capture_output=True, text=True, check=False, timeout=120)
    assert r.returncode == 2
    assert "[E002]" in r.stderr and "wrong-secret" not in r.stderr + r.stdout
    assert len(r.stderr.strip().splitlines()) == 1


def test_migrate_creates_and_is_idempotent(pg: Ledgers) -> None:
    db = pg.new("mig")
    for _ in range(2):
        r = subprocess.run([sys.executable, "-m", "crosscheck.cli", "migrate", "--db", db],
                           capture_output=True, text=True, check=False, timeout=120)
        assert r.returncode == 0, r.stderr
        assert f"the last {MIGRATIONS[-1][0]}" in r.stdout


@pytest.mark.parametrize(("sqlite", "postgres"), [
    ("SELECT start, end FROM t WHERE a = ?", 'SELECT start, "end" FROM t WHERE a = %s'),
    ("SELECT x FROM t ORDER BY a, b DESC LIMIT ?", "SELECT x FROM t ORDER BY a NULLS FIRST, b DESC NULLS LAST LIMIT %s"),
    ("INSERT OR IGNORE INTO k VALUES (?)", "INSERT INTO k VALUES (%s) ON CONFLICT DO NOTHING"),
    ("SELECT 1 FROM t WHERE s LIKE '%x?%' AND id IN ()", "SELECT 1 FROM t WHERE s ILIKE '%%x?%%' AND id IN (SELECT NULL WHERE false)"),
    # literals and comments are never rewritten (a review found each of these broken)
    ("SELECT x FROM t ORDER BY CASE WHEN s = 'a,b' THEN 0 ELSE 1 END, id",
     "SELECT x FROM t ORDER BY CASE WHEN s = 'a,b' THEN 0 ELSE 1 END NULLS FIRST, id NULLS FIRST"),
    ("SELECT 'x ORDER BY y, end' FROM t WHERE a = ?", "SELECT 'x ORDER BY y, end' FROM t WHERE a = %s"),
    ("SELECT case when a then 1 else 2 end, t.end FROM t -- don't ?\nWHERE b = ?",
     "SELECT case when a then 1 else 2 end, t.\"end\" FROM t -- don't ?\nWHERE b = %s"),
    ("INSERT INTO k VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET df = df + 1",
     "INSERT INTO k VALUES (%s, 1) ON CONFLICT(key) DO UPDATE SET df = k.df + 1"),
    ("SELECT min(a, b), min(c) FROM t", "SELECT least(a, b), min(c) FROM t"),
])
def test_translation(sqlite: str, postgres: str) -> None:
    assert translate(sqlite) == postgres


def test_processes_opening_a_new_database_at_once_all_succeed(pg: Ledgers) -> None:
    """Creating the schema is serialised (a review found CREATE TABLE IF NOT EXISTS racing)."""
    from concurrent.futures import ThreadPoolExecutor

    db = pg.new("race")

    def open_one(_: int) -> list[str]:
        with open_store(db) as s:
            return s.applied_migrations()

    with ThreadPoolExecutor(6) as pool:
        got = list(pool.map(open_one, range(12)))
    assert all(g == [n for n, _ in MIGRATIONS] for g in got)


def test_reading_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    import psycopg

    server = pg_server()
    missing = server.rsplit("/", 1)[0] + "/cc_test_never_made"
    r = subprocess.run([sys.executable, "-m", "crosscheck.cli", "export", "--db", missing, "-o", str(tmp_path / "x.json")],
                       capture_output=True, text=True, check=False, timeout=120)
    assert r.returncode == 2 and "[E002] no ledger at" in r.stderr
    with psycopg.connect(server) as c:
        assert c.execute("SELECT 1 FROM pg_database WHERE datname = 'cc_test_never_made'").fetchone() is None


def test_messages_never_show_a_password(tmp_path: Path, pg: Ledgers) -> None:
    from crosscheck.store.postgres import redact

    assert redact("postgresql://u:s3cret@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert "s3cret" not in redact("postgresql://u@h/db?sslmode=require&password=s3cret")
    assert "s3cret" not in redact("postgresql://u:s3cret@h:notaport/db")
    target = pg.new("full")
    with open_store(target) as s:
        analyze_and_link([_demo()], s)
    lite = str(tmp_path / "l.db")
    with open_store(lite) as s:
        analyze([_demo()], s)
    r = subprocess.run([sys.executable, "-m", "crosscheck.cli", "copy", "--from", lite, "--to", target],
                       capture_output=True, text=True, check=False, timeout=300)
    password = target.split("@", 1)[0].rsplit(":", 1)[1]
    assert r.returncode == 2 and "not empty" in r.stderr
    assert f":{password}@" not in r.stderr + r.stdout and ":***@" in r.stderr  # (the test role's name is its password)


def test_the_web_ui_reconnects_after_losing_the_server(pg: Ledgers) -> None:
    import psycopg
    from fastapi.testclient import TestClient

    from crosscheck.web import create_app

    db = pg.new("web")
    with open_store(db) as s:
        analyze_and_link([_demo()], s)
    name = db.rsplit("/", 1)[1]
    with TestClient(create_app(db)) as client:
        assert client.get("/.json").status_code == 200
        with psycopg.connect(pg_server(), autocommit=True) as c:  # what a server restart does to it
            c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        for _ in range(3):
            assert client.get("/.json").status_code == 200
        # a lowercase query finds a story titled in capitals, as on SQLite
        title = client.get("/.json").json()["stories"][0]["title"]
        word = max(title.split(), key=len)
        assert client.get(f"/.json?q={word.lower()}").json()["stories"]


def _vectors_are_current(s: Any) -> None:
    from crosscheck.store.pgschema import ARTICLE_TSV, CLAIM_TSV

    for table, source, expr in (("claims_tsv", "claims", CLAIM_TSV), ("articles_tsv", "articles", ARTICLE_TSV)):
        stored = s.conn.execute(f"SELECT rowid, tsv::text FROM {table} ORDER BY rowid").fetchall()
        fresh = s.conn.execute(f"SELECT rowid, ({expr})::text FROM {source} ORDER BY rowid").fetchall()
        assert [tuple(r) for r in stored] == [tuple(r) for r in fresh], table


def test_stored_search_vectors_follow_every_write(tmp_path: Path, pg: Ledgers) -> None:
    import webledger

    db = pg.new("tsv")
    webledger.build(db, tmp_path)
    with open_store(db) as s:
        _vectors_are_current(s)
        with s.transaction() as cur:
            cur.execute("UPDATE claims SET speaker = 'Someone Else', content = 'a changed quote' WHERE id = ?",
                        (f"{webledger.ARTICLE_ID}:c1",))
            cur.execute("UPDATE articles SET title = 'A new title' WHERE id = ?", (webledger.ARTICLE_ID,))
            cur.execute("DELETE FROM claims WHERE speaker = 'Filler Speaker'")
            cur.execute("DELETE FROM articles WHERE id = 'abulk0000000000001'")  # its claims go with it
        _vectors_are_current(s)
        assert s.conn.execute("SELECT count(*) FROM claims_tsv").fetchone()[0] > 0


def _many_articles(db: str, n: int) -> None:
    """``n`` one-paragraph articles of two claims each, written in one transaction: enough rows
    for several of the search index's rowid blocks (4,096 rows each), words of every density."""
    rows_a, rows_c = [], []
    for i in range(n):
        aid = f"amany{i:06d}"
        said = []
        for j in (0, 1):
            k = 2 * i + j
            words = ["every"] * (k % 3 + 1) + (["tenth"] if k % 10 == 0 else []) + (["rare"] if k % 997 == 0 else [])
            words += ["oldonly"] if k < 400 else []
            words += ["newonly"] if k >= 2 * n - 300 else []
            said.append(" ".join([*words, f"n{k}"]))
        text = "\n\n".join(said)
        rows_a.append((aid, f"many/{i}", f"sha{i}", text, f"Title {i} every", "2025-01-01T00:00:00Z",
                       "anewer" if i % 7 == 0 else None))
        start = 0
        for j, content in enumerate(said):
            rows_c.append((f"{aid}:c{j}", aid, start, start + len(content), content, "say", "direct", 1, "asserts",
                           f"Speaker {i % 13}", 0))
            start += len(content) + 2
    with open_store(db) as s, s.transaction() as cur:
        cur.executemany("INSERT INTO articles (id, source, raw_sha, text, title, ingested_at, superseded_by) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", rows_a)
        cur.executemany("INSERT INTO claims (id, article_id, start, end, content, cue, kind, direct, polarity, "
                        "speaker, hedged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows_c)


def test_stored_search_finds_what_the_search_before_0012_found(pg: Ledgers) -> None:
    """The newest-first walk over rowid blocks returns the same hits, in the same order, as
    ranking every match's vector parsed from its text: common, rare, prefix and two-word
    queries, windows that cut and that do not, pages past superseded articles' hits."""
    from crosscheck.store import search

    db = pg.new("walk")
    _many_articles(db, 9000)  # 18,000 claims: rowid blocks 0-4 of claims, 0-2 of articles
    with open_store(db, read_only=True) as s:
        _vectors_are_current(s)
        for words in (["every"], ["tenth"], ["rare"], ["oldonly"], ["newonly"], ["ten"], ["every", "tenth"],
                      ["n1799"], ["absent"]):
            for window in (50, 700, 2000):
                for offset in (0, 51, 400):
                    got = search._pg_stored(s.conn, words, limit=51, offset=offset, window=window)
                    want = search._pg_rows(s.conn, words, limit=51, offset=offset, window=window)
                    where = f"{words} window {window} offset {offset}"
                    assert got["windowed"] == want["windowed"], where
                    for kind in ("claims", "articles"):
                        assert [tuple(r) for r in got[kind]] == [tuple(r) for r in want[kind]], (kind, where)
        assert search._pg_stored(s.conn, ["every"], limit=51, offset=0, window=2000)["windowed"]["claims"]


def _summaries(s: Any) -> dict[str, list[tuple[Any, ...]]]:
    return {t: [tuple(r) for r in s.conn.execute(f"SELECT * FROM {t} ORDER BY {order}")]
            for t, order in (("story_stats", "1"), ("story_outlets", "1, 2"), ("claim_facets", "1, 2, 3, 4, 5, 6"))}


def test_a_ledger_from_before_0012_migrates_forward(tmp_path: Path, pg: Ledgers, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PostgreSQL ledger written at migration 0011 (views, no stored vectors): 0012 fills its
    tables with what the views showed, and the export, the pages and the search stay the same.
    The ledger is written by today's linker, so it keeps 0013 (story_members, a table 0012 never
    reads): only 0012 is held back."""
    from fastapi.testclient import TestClient

    import crosscheck.store.postgres as pgstore
    from crosscheck.web import create_app

    db = pg.new("fwd")
    full = pgstore.PG_MIGRATIONS
    monkeypatch.setattr(pgstore, "PG_MIGRATIONS", [m for m in full if m[0] != "0012_pg_summaries"])
    with open_store(db) as s:
        analyze_and_link([_demo()], s)
        assert "0012_pg_summaries" not in s.applied_migrations() and "0011_time_resolutions" in s.applied_migrations()
        before = _summaries(s)
        busiest = [s.conn.execute(f"SELECT {col} FROM {table} WHERE {col} IS NOT NULL GROUP BY {col} "
                                  f"ORDER BY count(*) DESC, {col} LIMIT 1").fetchone()[0]
                   for table, col in (("claims", "speaker"), ("entity_mentions", "entity"))]
    from urllib.parse import quote

    urls = ["/.json", f"/speaker/{quote(busiest[0], safe='')}.json", f"/entity/{quote(busiest[1], safe='')}.json"]
    urls += [f"/search.json?q={q}" for q in ("said", "the", "port", "minister")]
    with TestClient(create_app(db)) as c:
        pages = {u: c.get(u).json() for u in urls}
        urls += [f"/story/{st['id']}.json" for st in pages["/.json"]["stories"][:3]]
        pages.update({u: c.get(u).json() for u in urls[len(pages):]})
    assert pages[urls[1]]["said"] and pages[urls[2]]["about"] and pages["/search.json?q=the"]["claims"]
    export = _export(db, tmp_path, "before")
    monkeypatch.setattr(pgstore, "PG_MIGRATIONS", full)
    with open_store(db) as s:  # a writer opening it migrates it
        assert s.applied_migrations()[-1] == "0012_pg_summaries"
        assert _summaries(s) == before and before["claim_facets"] and before["story_outlets"]
        _vectors_are_current(s)
    assert _export(db, tmp_path, "after") == export
    with TestClient(create_app(db)) as c:
        for u in urls:
            assert c.get(u).json() == pages[u], u
    lite = str(tmp_path / "l.db")
    with open_store(lite) as s:
        analyze_and_link([_demo()], s)
    assert _export(lite, tmp_path, "lite") == export


def test_block_runs_cover_each_block_once() -> None:
    """The walk's runs of block lexemes (small ' b<n>', large ' B<n>' of four) tile the blocks
    they claim, from the newest down, never below the first."""
    from crosscheck.store.search import _MAX_LEXEMES, _SPAN, _run

    for hi in range(40):
        for n in (1, 2, 3, 5, 8, 13, 40, 200):
            for first in sorted({0, min(3, hi), hi}):
                lexemes, lo = _run(hi, n, first)
                blocks = [b for lx in lexemes for b in (
                    range(int(lx[3:-1]) * _SPAN, (int(lx[3:-1]) + 1) * _SPAN) if lx[2] == "B" else [int(lx[3:-1])])]
                assert sorted(blocks) == list(range(lo, hi + 1)), (hi, n, first, lexemes)
                assert first <= lo <= hi and len(lexemes) <= _MAX_LEXEMES
                assert hi - lo + 1 <= max(n, 1) and (hi - lo + 1 == min(n, hi - first + 1) or len(lexemes) == _MAX_LEXEMES)
