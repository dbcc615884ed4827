"""The ledger: idempotent reruns, versions, per-article transactions, crash safety."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crosscheck.clean import clean
from crosscheck.model import Annotations, Claim, RawDoc
from crosscheck.pipeline import analyze
from crosscheck.store import SQLiteStore, open_store
from crosscheck.store.base import ledger_errors


def _article_text(n: int) -> str:
    return (
        f"Council approves budget number {n}\n\n"
        f"The city council approved spending plan {n} on Tuesday after a long debate about road repairs. "
        f"\"We have waited too long for this,\" said councillor Mara Lind, who chairs the finance committee. "
        f"The mayor said the plan would be published next week.\n"
    )


def _write_corpus(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{i:04d}.txt").write_text(_article_text(i), encoding="utf-8")


def test_migrations_are_named_and_recorded(store: SQLiteStore) -> None:
    names = store.applied_migrations()
    assert names and names[0] == "0001_articles_and_annotations"
    assert store.migrate() == []  # nothing pending the second time
    if isinstance(store.conn, sqlite3.Connection):
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    else:  # PostgreSQL records the same names, in the same order
        from crosscheck.store.migrations import MIGRATIONS

        assert names == [n for n, _ in MIGRATIONS]


def test_rerun_adds_nothing(tmp_path: Path, store: SQLiteStore) -> None:
    _write_corpus(tmp_path / "c", 3)
    first = analyze([str(tmp_path / "c")], store)
    counts = store.counts()
    second = analyze([str(tmp_path / "c")], store)
    assert (first.stored, second.stored, second.present) == (3, 0, 3)
    assert store.counts() == counts


def test_changed_source_is_a_new_version(tmp_path: Path, store: SQLiteStore) -> None:
    f = tmp_path / "a.txt"
    f.write_text(_article_text(1), encoding="utf-8")
    analyze([str(f)], store)
    (old,) = list(store.articles())
    f.write_text(_article_text(1).replace("long debate", "short debate"), encoding="utf-8")
    summary = analyze([str(f)], store)
    assert summary.new_versions == 1
    (new,) = list(store.articles())  # the export view carries the latest version only
    assert new.version_of == old.id and new.id != old.id
    assert len(list(store.articles(latest_only=False))) == 2


def test_save_is_atomic(tmp_path: Path, store: SQLiteStore) -> None:
    article = clean(RawDoc(source="x.txt", raw=_article_text(7), fmt="text"))
    bad = Claim(id="dup", article_id=article.id, start=0, end=1, content="C", cue="say", kind="indirect", direct=False)
    with pytest.raises(ledger_errors()):  # a duplicate key: sqlite3's or psycopg's IntegrityError
        store.save(article, Annotations(article_id=article.id, claims=(bad, bad)))
    assert not store.has_article(article.id)  # the article row was rolled back with its claims


def test_killed_run_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    corpus, db = tmp_path / "corpus", tmp_path / "l.db"
    _write_corpus(corpus, 60)
    cmd = [sys.executable, "-m", "crosscheck.cli", "analyze", str(corpus), "--db", str(db), "--no-progress", "--no-link"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as c:
                    stored = c.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if stored >= 5:
                break
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert stored >= 5, "the run should have stored some articles before the kill"
    rerun = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    with open_store(db) as s:
        ids = [a.id for a in s.articles(latest_only=False)]
        assert len(ids) == len(set(ids)) == 60
        claim_ids = [c.id for c in s.claims()]
        assert len(claim_ids) == len(set(claim_ids))
        per_article = s.conn.execute("SELECT count(DISTINCT article_id) FROM claims").fetchone()[0]
        assert per_article in (0, 60)  # every article was annotated exactly once, none half-written


def test_processes_opening_a_new_ledger_at_once_all_succeed(tmp_path: Path) -> None:
    """Two analyze runs started on a new file raced to create its tables ("table story_stats
    already exists"); each migration is now checked inside its write transaction."""
    db = tmp_path / "new.db"
    code = ("import sys\nfrom crosscheck.store import open_store\n"
            "with open_store(sys.argv[1]) as s:\n    print(len(s.applied_migrations()))\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(6)]
    outs = [p.communicate(timeout=120) for p in procs]
    from crosscheck.store.migrations import MIGRATIONS

    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    assert {o.strip() for o, _ in outs} == {str(len(MIGRATIONS))}
