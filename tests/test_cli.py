"""Every CLI verb end to end on a real ledger file, as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

ARTICLE = (
    "Port authority disputes cargo figures\n\n"
    "The port authority said on Monday that 1,200 containers had been handled last week. "
    "Union leaders denied the figures, calling them false.\n"
)


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crosscheck.cli", *args], capture_output=True, text=True,
                          cwd=cwd, check=False)


def test_verbs_on_a_ledger(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    db = str(tmp_path / "l.db")
    assert _run("analyze", "a.txt", "--db", db, "--no-progress", cwd=tmp_path).returncode == 0
    linked = _run("link", "--db", db, cwd=tmp_path)
    assert linked.returncode == 0 and linked.stdout.strip()
    out = _run("export", "--db", db, "--format", "json", "-o", "x.json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    export = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert export["articles"][0]["title"] == "Port authority disputes cargo figures"
    lines = _run("export", "--db", db, "--format", "jsonl", cwd=tmp_path).stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["record"] for r in records} >= {"article", "claim", "time", "quantity", "story"}
    assert all(r["kind"] in ("direct", "indirect", "mixed", "according_to") for r in records if r["record"] == "claim")
    rows = list(csv.DictReader(io.StringIO(_run("export", "--db", db, "--format", "csv", cwd=tmp_path).stdout)))
    assert rows and {"speaker", "content", "outlet", "title"} <= set(rows[0])
    for name in ("b.md", "b.html"):
        rep = _run("report", "--db", db, "-o", name, cwd=tmp_path)
        assert rep.returncode == 0 and (tmp_path / name).stat().st_size > 0
    assert "Port authority" in (tmp_path / "b.md").read_text(encoding="utf-8")


def test_verbs_without_a_ledger_say_so(tmp_path: Path) -> None:
    for args in (("export",), ("report", "-o", "b.md"), ("link",)):
        proc = _run(*args, "--db", "missing.db", cwd=tmp_path)
        assert proc.returncode == 2 and "run `crosscheck analyze` first" in proc.stderr, args
    bad = _run("export", "--format", "xml", "--db", "missing.db", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown format" in bad.stderr


def test_cli_problems_of_issue_14(tmp_path: Path) -> None:
    """An unknown CSV kind is an error, a missing input makes no ledger, --workers 0 is refused,
    the kinds are listed in help, and the errors carry their [E...] code."""
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    db = str(tmp_path / "l.db")
    assert _run("analyze", "a.txt", "--db", db, "--no-progress", "--no-link", cwd=tmp_path).returncode == 0
    groups = _run("export", "--db", db, "--format", "csv", "--kind", "groups", cwd=tmp_path)
    assert groups.returncode == 2 and groups.stdout == ""
    assert groups.stderr.startswith("[E005] unknown kind 'groups': use articles, claims,") and "claim_groups" in groups.stderr
    for kind in ("articles", "claims", "stories", "claim_groups", "relations"):
        assert _run("export", "--db", db, "--format", "csv", "--kind", kind, cwd=tmp_path).returncode == 0, kind
    missing = _run("analyze", "/nonexistent/x.txt", "--db", "new.db", "--no-progress", cwd=tmp_path)
    assert missing.returncode == 2 and "skipped /nonexistent/x.txt: no such file or directory" in missing.stderr
    assert not (tmp_path / "new.db").exists()
    workers = _run("analyze", "a.txt", "--db", "w.db", "--workers", "0", cwd=tmp_path)
    assert workers.returncode == 2 and "--workers" in workers.stderr and not (tmp_path / "w.db").exists()
    assert "claim_groups" in _run("export", "--help", cwd=tmp_path).stdout
    for args in (("export", "--format", "xml", "--db", db), ("report", "-o", "b.txt", "--db", db)):
        proc = _run(*args, cwd=tmp_path)
        assert proc.returncode == 2 and proc.stderr.startswith("[E005] "), args
    assert _run("link", "--db", "missing.db", cwd=tmp_path).stderr.startswith("[E002] no ledger at missing.db")
