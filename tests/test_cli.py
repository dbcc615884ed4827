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
