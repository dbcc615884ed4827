"""One bad input never costs the good ones (issue 15): each known killer among good articles,
special files, odd names, ledger paths that cannot be used, limits, the time budget, exit codes.

Real files and real ``crosscheck`` processes throughout; each CLI run loads the model once, so
the hostile inputs share runs.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

GOOD = (
    "{place} port authority disputes cargo figures\n\n"
    "The port authority of {place} said on Monday that {n} containers had been handled last week. "
    "Union leaders denied the figures, calling them false, and said the real number was lower.\n"
)
PLACES = ("Valdren", "Ostrava Bay", "Kelmouth", "Tarsis")


def good_text(i: int) -> str:
    return GOOD.format(place=PLACES[i % len(PLACES)], n=1000 + 37 * i)


def _run(*args: str, cwd: Path, user: Callable[[], None] | None = None,
         timeout: float = 240) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "crosscheck.cli", *args], capture_output=True, cwd=cwd,
                          check=False, timeout=timeout, preexec_fn=user)
    return _text(proc)


def _text(proc: subprocess.CompletedProcess[bytes]) -> subprocess.CompletedProcess[str]:
    # stdout and stderr as text, with undecodable bytes kept visible: no output may hold them
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8", "backslashreplace"),
                                       proc.stderr.decode("utf-8", "backslashreplace"))


def _articles(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return [(r[0], r[1]) for r in conn.execute("SELECT source, text FROM articles ORDER BY rowid")]


def _skipped(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("skipped ")]


def test_each_known_killer_costs_only_itself(tmp_path: Path) -> None:
    """A 5,000-digit number, a value nested 100k deep, a lone surrogate, a name that is not UTF-8,
    a FIFO and a link to /dev/zero named .jsonl, a NUL after the first 8 KB, a line with U+2028:
    before, each aborted (or hung) the run and cost all the good articles."""
    d = tmp_path / "in"
    d.mkdir()
    for i in range(4):
        (d / f"good{i}.txt").write_text(good_text(i), encoding="utf-8")
    text = good_text(5)
    bad = {
        "digits.jsonl": '{"text": ' + json.dumps(text) + ', "n": ' + "9" * 5000 + "}\n",
        "deep.jsonl": '{"text": ' + json.dumps(text) + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
        "surrogate.jsonl": '{"text": ' + json.dumps(text)[:-1] + ' \\ud800 more"}\n',
    }
    for name, body in bad.items():
        (d / name).write_text(body, encoding="utf-8")
    (d / "late-nul.txt").write_bytes(good_text(6).encode() + b" padding" * 1200 + b"\x00 and more")
    os.mkfifo(d / "pipe.jsonl")
    (d / "zero.jsonl").symlink_to("/dev/zero")
    (d / "loop.txt").symlink_to(d / "loop.txt")
    raw_name = os.fsencode(d) + b"/caf\xe9-\xff.txt"  # Latin-1 bytes: not a UTF-8 name
    Path(os.fsdecode(raw_name)).write_bytes(good_text(7).encode())
    # U+2028, U+2029 and U+0085 inside a record are text, not line breaks
    seps = good_text(8).replace("last week.", "last week.\u2028Officials\u2029 said\u0085 more.")
    (d / "seps.jsonl").write_text(json.dumps({"text": seps}, ensure_ascii=False) + "\n"
                                  + json.dumps({"text": good_text(9)}) + "\n", encoding="utf-8")
    db = tmp_path / "l.db"
    proc = _run("analyze", str(d), "--db", str(db), "--no-progress", "--no-link", cwd=tmp_path, timeout=120)
    assert "Traceback" not in proc.stderr and proc.returncode == 1, proc.stderr
    skipped = _skipped(proc.stderr)
    expect = {"digits.jsonl#1": "a number longer than 100 digits", "deep.jsonl#1": "nested deeper than 32 levels",
              "surrogate.jsonl#1": "a lone surrogate (\\ud800) in 'text'", "late-nul.txt": "a NUL byte at offset",
              "pipe.jsonl": "a FIFO", "zero.jsonl": "a character device", "loop.txt": "cannot read"}
    for name, reason in expect.items():
        lines = [ln for ln in skipped if f"/{name}: " in ln]
        assert len(lines) == 1 and reason in lines[0], (name, skipped)
    assert len(skipped) == len(expect), skipped
    stored = dict(_articles(db))
    names = {Path(s).name for s in stored}
    assert {f"good{i}.txt" for i in range(4)} <= names
    assert "caf\\xe9-\\xff.txt" in names  # stored under its escaped name
    assert {"seps.jsonl#1", "seps.jsonl#2"} <= names
    (seps_text,) = [t for s, t in stored.items() if s.endswith("seps.jsonl#1")]
    assert "\u2028Officials" in seps_text
    assert len(stored) == 4 + 1 + 2


def test_names_are_shown_escaped_and_forge_no_line(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "ok.txt").write_text(good_text(0), encoding="utf-8")
    forged = "x.txt: fine\nskipped forged.txt: not English\n.txt"
    (d / forged).write_bytes(b"\x00binary")
    (d / "\x1b[31mred\x1b[0m\r.txt").write_bytes(b"\x00binary")
    (d / "bidi\u202etxt.exe.txt").write_bytes(b"\x00binary")
    proc = _run("analyze", str(d), "--db", str(tmp_path / "l.db"), "--no-progress", "--no-link", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    out = proc.stdout + proc.stderr
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    skipped = _skipped(proc.stderr)
    assert len(skipped) == 3, skipped
    assert not any("forged.txt: not English" in ln and ln.startswith("skipped forged") for ln in skipped)
    assert any("x.txt: fine\\x0askipped forged.txt: not English\\x0a.txt: binary content" in ln for ln in skipped)
    assert any("\\x1b[31mred\\x1b[0m\\x0d.txt: binary" in ln for ln in skipped)
    assert any("bidi\\u202etxt.exe.txt: binary" in ln for ln in skipped)


def test_encodings_and_nuls(tmp_path: Path) -> None:
    text = good_text(1)
    cases = {
        "utf32le.txt": b"\xff\xfe\x00\x00" + text.encode("utf-32-le"),
        "utf32be.txt": b"\x00\x00\xfe\xff" + text.encode("utf-32-be"),
        "utf16-nobom.txt": text.replace("Valdren", "Ostrava").encode("utf-16-le"),
        "utf32-nobom.txt": text.replace("Valdren", "Kelmouth").encode("utf-32-be"),
    }
    d = tmp_path / "in"
    d.mkdir()
    for name, data in cases.items():
        (d / name).write_bytes(data)
    (d / "nul16.txt").write_bytes(b"\xff\xfe" + (text + "\x00").encode("utf-16-le"))
    proc = _run("analyze", str(d), "--db", str(tmp_path / "l.db"), "--no-progress", "--no-link", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    skipped = _skipped(proc.stderr)
    assert len(skipped) == 1 and "nul16.txt: binary content (a NUL character" in skipped[0]
    stored = _articles(tmp_path / "l.db")
    assert len(stored) == len(cases)
    for _, body in stored:
        assert "\x00" not in body and "port authority" in body  # decoded, not NUL-interleaved


def test_limits_and_json_fields_are_checked_with_reasons(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "ok.txt").write_text(good_text(0), encoding="utf-8")
    (d / "blob.txt").write_text(good_text(1) + "\n\n" + "Q" * 40_000 + "\n", encoding="utf-8")
    (d / "wide.txt").write_text(good_text(6) + "\n\n" + "Talks went on. " * 7_000 + "\n", encoding="utf-8")
    (d / "paras.txt").write_text(good_text(2) + "\n\n".join(f"Line {i} of many." for i in range(5_200)), encoding="utf-8")
    recs = [{"text": good_text(3), "title": "t" * 20_000}, {"text": good_text(4), "outlet": "x\x00y"},
            {"text": good_text(5), "n": 1.5e308, "m": -1e999}]
    (d / "r.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    proc = _run("analyze", str(d), "--db", str(tmp_path / "l.db"), "--no-progress", "--no-link", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    skipped = _skipped(proc.stderr)
    assert any("blob.txt: a 40,000-character word with no space (limit 1,000" in ln for ln in skipped), skipped
    assert any("paras.txt: too long: 5,20" in ln and "paragraphs (limit 5,000" in ln for ln in skipped), skipped
    assert any("r.jsonl#1: 'title' is 20,000 characters long (limit 10,000)" in ln for ln in skipped), skipped
    assert any("r.jsonl#2: a NUL character in 'outlet'" in ln for ln in skipped), skipped
    assert any("wide.txt: a paragraph of 104,999 characters (limit 100,000" in ln for ln in skipped), skipped
    assert len(skipped) == 5
    assert {Path(s).name for s, _ in _articles(tmp_path / "l.db")} == {"ok.txt", "r.jsonl#3"}


def test_the_time_budget_rejects_a_slow_article_and_keeps_the_rest(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a-small.txt").write_text(good_text(0), encoding="utf-8")
    body = "\n\n".join(good_text(i).split("\n\n")[1].strip() + f" Report {i} followed." for i in range(1200))
    (d / "b-big.txt").write_text("A long report\n\n" + body, encoding="utf-8")
    (d / "c-small.txt").write_text(good_text(1), encoding="utf-8")
    conf = tmp_path / "budget.toml"
    conf.write_text("[annotate]\ntime_budget_seconds = 1.5\n", encoding="utf-8")
    proc = _run("--config", str(conf), "analyze", str(d), "--db", str(tmp_path / "l.db"), "--no-progress",
                "--no-link", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    (line,) = _skipped(proc.stderr)
    assert "b-big.txt: over the time budget" in line and "1.5 s" in line
    assert {Path(s).name for s, _ in _articles(tmp_path / "l.db")} == {"a-small.txt", "c-small.txt"}


def _as_user() -> Callable[[], None] | None:
    """For root, a preexec function that drops the capabilities overriding file permissions, so the
    child meets permission bits as any user would (root reads and writes anything); else None."""
    if os.geteuid() != 0:
        return None

    def drop() -> None:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, out of the bounding set for the exec
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return drop


def test_an_unlistable_directory_gets_a_line(tmp_path: Path) -> None:
    d = tmp_path / "in"
    (d / "locked").mkdir(parents=True)
    (d / "ok.txt").write_text(good_text(0), encoding="utf-8")
    (d / "locked" / "hidden.txt").write_text(good_text(1), encoding="utf-8")
    (d / "locked").chmod(0)
    proc = _run("analyze", str(d), "--db", str(tmp_path / "l.db"), "--no-progress", "--no-link",
                cwd=tmp_path, user=_as_user())
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    (line,) = _skipped(proc.stderr)
    assert "locked: cannot list the directory: Permission denied" in line
    assert "1 stored" in proc.stdout


@pytest.mark.parametrize("kind", ["text file", "truncated", "read-only", "directory", "under a file"])
def test_a_ledger_that_cannot_be_used_is_one_coded_line(tmp_path: Path, kind: str) -> None:
    (tmp_path / "a.txt").write_text(good_text(0), encoding="utf-8")
    db = tmp_path / "l.db"
    if kind == "text file":
        db.write_text("these are my notes, not a ledger\n" * 50, encoding="utf-8")
    elif kind in ("truncated", "read-only"):
        made = _run("analyze", str(tmp_path / "a.txt"), "--db", str(db), "--no-progress", cwd=tmp_path)
        assert made.returncode == 0, made.stderr
        for extra in ("-wal", "-shm"):
            Path(str(db) + extra).unlink(missing_ok=True)
        if kind == "truncated":
            data = db.read_bytes()
            db.write_bytes(data[: len(data) // 3])
        else:
            db.chmod(0o444)
            tmp_path.chmod(0o555)  # no journal file may be made beside it either
    elif kind == "directory":
        db.mkdir()
    else:
        (tmp_path / "file").write_text("x", encoding="utf-8")
        db = tmp_path / "file" / "l.db"
    (tmp_path / "b.txt").write_text(good_text(1), encoding="utf-8")
    commands = [("analyze", str(tmp_path / "b.txt"), "--no-progress"), ("link",), ("export",), ("report", "-o", str(tmp_path / "r.md"))]
    try:
        for args in commands if kind != "under a file" else commands[:1]:
            proc = _run(*args, "--db", str(db), cwd=tmp_path, user=_as_user() if kind == "read-only" else None)
            assert proc.returncode == 2, (args, proc.returncode, proc.stderr)
            assert "Traceback" not in proc.stderr, (args, proc.stderr)
            lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
            assert len(lines) == 1 and lines[0].startswith("[E002]"), (args, proc.stderr)
    finally:
        tmp_path.chmod(0o755)


def test_an_internal_error_is_exit_3_and_one_line(tmp_path: Path) -> None:
    """A bug (here: one injected into cleaning one input, and one into the whole run) is told
    apart from a rejected input by its exit code; the other inputs are still stored."""
    for i in range(3):
        (tmp_path / f"a{i}.txt").write_text(good_text(i), encoding="utf-8")
    script = (
        "import sys\nimport crosscheck.pipeline as p\nimport crosscheck.cli as c\n"
        "real = p.clean\n"
        "def clean(doc, *settings):\n"
        "    if doc.source.endswith('a1.txt'):\n"
        "        raise KeyError('injected')\n"
        "    return real(doc, *settings)\n"
        "p.clean = clean\n"
        "if sys.argv[1] == 'whole':\n"
        "    p.link = lambda store, *settings: 1 / 0\n"
        "sys.argv = ['crosscheck', 'analyze', 'a0.txt', 'a1.txt', 'a2.txt', '--db', 'l.db', '--no-progress']\n"
        "c.main()\n"
    )
    one = subprocess.run([sys.executable, "-c", script, "one"], capture_output=True, text=True, cwd=tmp_path,
                         check=False, timeout=240)
    assert one.returncode == 3, one.stderr
    (line,) = _skipped(one.stderr)
    assert "a1.txt: internal error while cleaning: KeyError: 'injected'" in line
    assert "Traceback" not in one.stderr and "2 stored" in one.stdout
    whole = subprocess.run([sys.executable, "-c", script, "whole"], capture_output=True, text=True, cwd=tmp_path,
                           check=False, timeout=240)
    assert whole.returncode == 3 and "Traceback" not in whole.stderr, whole.stderr
    assert whole.stderr.strip().splitlines()[-1].startswith("internal error (a bug in crosscheck")
    assert "ZeroDivisionError" in whole.stderr


FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1")


def _formula_cells(rows: list[list[str]]) -> list[str]:
    found = []
    for row in rows:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                try:
                    float(cell)  # a number (-3) is not a formula
                except ValueError:
                    found.append(cell)
    return found


def test_csv_cells_never_start_a_formula_unless_raw_is_asked(tmp_path: Path) -> None:
    recs = []
    for i, f in enumerate(FORMULAS):
        body = (f"{f} headline {i}\n\n" + good_text(i).split("\n\n")[1]
                + f' "{f} is the figure," the union said.\n')
        recs.append({"text": body, "title": f, "outlet": f, "author": f, "url": f"{f}/{i}", "published": f})
    (tmp_path / "hostile.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    db = str(tmp_path / "l.db")
    made = _run("analyze", "hostile.jsonl", "--db", db, "--no-progress", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    for kind in ("claims", "articles", "quantities", "times"):
        safe = _run("export", "--db", db, "--format", "csv", "--kind", kind, cwd=tmp_path)
        assert safe.returncode == 0, safe.stderr
        rows = list(csv.reader(io.StringIO(safe.stdout, newline="")))
        assert len(rows) > 1, kind
        assert _formula_cells(rows) == [], kind
        if kind == "claims":
            header = rows[0]
            guarded = {c for r in rows[1:] for c in (r[header.index(k)] for k in ("outlet", "title", "source", "published"))}
            assert sum(c.startswith("'") for c in guarded) >= len(FORMULAS)  # kept, but as text
    raw = _run("export", "--db", db, "--format", "csv", "--csv-raw", cwd=tmp_path)
    raw_rows = list(csv.reader(io.StringIO(raw.stdout, newline="")))
    assert raw.returncode == 0 and len(_formula_cells(raw_rows)) >= len(FORMULAS) * 4


def test_special_paths_on_the_command_line(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.jsonl")
    (tmp_path / "ok.txt").write_text(good_text(0), encoding="utf-8")
    proc = _run("analyze", "p.jsonl", "/dev/zero", "/dev/null", "ok.txt", "--db", "l.db", "--no-progress",
                "--no-link", cwd=tmp_path, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    skipped = _skipped(proc.stderr)
    assert len(skipped) == 3 and "p.jsonl: skipped: a FIFO" in skipped[0]
    assert all("a character device" in ln for ln in skipped[1:])
    assert stat.S_ISFIFO((tmp_path / "p.jsonl").stat().st_mode)
