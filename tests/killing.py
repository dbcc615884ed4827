"""Kill `crosscheck analyze` and `crosscheck link` at chosen moments, rerun, compare the exports.

Imported by tests/test_kill.py (a quick slice in ``make test``, the full set in ``make killtest``).

A kill point is (command, phase, target): the command runs as a real subprocess; a poller
reads the ledger (read-only, WAL) until the phase reached its target (so many articles
stored, so many linked, or every article linked and the end-of-run pass under way for a
seeded fraction of the time the uninterrupted run's end pass took). It then stops the
command (SIGSTOP), reads the ledger again to check that the command is still inside the
phase the point targets (annotation not over; linking not over; the end pass not
committed), and sends SIGKILL. A kill that came too late (the phase was over: a small ledger
and a quick end pass, or a neighbour's load that changed the timing) is not counted as a
kill: the point is tried again with its target halved, a few times, and a point never
killed inside its phase fails. Before the kill the poller records the command's descendants
(annotate and prepare workers, the resource tracker); after it, it waits for them to go.
The rerun is the same command; its export must equal the uninterrupted run's, field by field.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

CLI = [sys.executable, "-m", "crosscheck.cli"]
PHASES = ("annotate", "link", "finish")


@dataclass(frozen=True)
class KillPoint:
    """Where to kill: ``command`` is "analyze" or "link"; ``phase`` one of PHASES; ``target`` a count
    (articles stored for annotate, linked for link) or, for finish, the delay after the last
    article was linked in thousandths of the uninterrupted run's end pass (shown as a fraction)."""

    command: str
    phase: str
    target: int

    def __str__(self) -> str:
        if self.phase == "finish":
            return f"{self.command}-{self.phase}-{self.target / 1000:.3f}"
        return f"{self.command}-{self.phase}-{self.target}"

    def redrawn(self) -> KillPoint:
        """The same point, earlier in its phase: the target halved (a count stays at least 1)."""
        return KillPoint(self.command, self.phase, max(self.target // 2, 0 if self.phase == "finish" else 1))


@dataclass
class Outcome:
    """What one kill did: whether the kill landed in its phase, the orphans found, the export differences."""

    point: KillPoint
    killed: bool  # False: no try killed the command inside the phase its point targets
    tries: list[str]  # every point tried, in order: the point, then its re-draws after a late kill
    left: dict[str, int | None]  # what the killed run left: articles stored, linked, pending link work
    workers: int  # descendants of the command seen alive up to the kill (workers, resource tracker)
    orphans: list[str]
    differences: list[str]
    seconds: float


def corpus(src: Path, dest: Path, n: int, seed: int) -> Path:
    """``n`` BBC articles picked with ``seed``, linked (symlinks) into ``dest`` as ``cat-nnn.txt``."""
    files = sorted(src.glob("*/*.txt"))
    pick = sorted(random.Random(seed).sample(files, n))
    dest.mkdir(parents=True, exist_ok=True)
    for f in pick:
        (dest / f"{f.parent.name}-{f.name}").symlink_to(f)
    return dest


def env() -> dict[str, str]:
    out = dict(os.environ)
    out["PYTHONUNBUFFERED"] = "1"
    return out


def run(args: list[str], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """One CLI command to its end; output captured."""
    return subprocess.run([*CLI, *args], cwd=cwd, env=env(), capture_output=True, text=True, timeout=timeout,
                          check=False)


def analyze_args(corpus_dir: Path, db: Path, *, link: bool = True) -> list[str]:
    return ["analyze", str(corpus_dir), "--db", str(db), "--no-progress", "--workers", "2",
            *([] if link else ["--no-link"])]


def export(db: Path, out: Path) -> dict[str, Any]:
    """The JSON export of a ledger, through the CLI."""
    done = run(["export", "--db", str(db), "-o", str(out)], db.parent)
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def copy_ledger(src: Path, dest: Path) -> None:
    """A consistent copy of a closed or open ledger (SQLite's backup API, WAL included)."""
    with sqlite3.connect(src) as a, sqlite3.connect(dest) as b:
        a.backup(b)
    a.close()
    b.close()


def _count(db: Path, sql: str) -> int | None:
    if not db.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            return int(conn.execute(sql).fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # not created yet, or a migration under way


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _reached(point: KillPoint, db: Path, total: int, finish_since: list[float], end_pass: float) -> bool:
    if point.phase == "annotate":
        n = _count(db, "SELECT count(*) FROM articles")
        return n is not None and n >= point.target
    linked = _count(db, "SELECT count(*) FROM linked_articles")
    if point.phase == "link":
        return linked is not None and linked >= point.target
    if linked is None or linked < total:
        return False
    if not finish_since:  # the phase marker: the last article's link committed, the end pass begins
        finish_since.append(time.monotonic())
    return time.monotonic() - finish_since[0] >= point.target / 1000 * end_pass


def _settled(db: Path, sql: str) -> int | None:
    """A count read from the ledger of a stopped command (a few tries: a read can meet a lock)."""
    for _ in range(50):
        n = _count(db, sql)
        if n is not None:
            return n
        time.sleep(0.05)
    return None


def in_phase(point: KillPoint, db: Path, total: int) -> bool:
    """Whether the (stopped) command is still inside the phase ``point`` targets, from the ledger."""
    if point.phase == "annotate":
        stored = _settled(db, "SELECT count(*) FROM articles")
        return stored is not None and point.target <= stored < total
    linked = _settled(db, "SELECT count(*) FROM linked_articles")
    if point.phase == "link":
        return linked is not None and point.target <= linked < total
    pending = _settled(db, "SELECT count(*) FROM link_pending")  # emptied by the end pass's commit
    return linked == total and pending is not None and pending > 0


def kill_at(args: list[str], cwd: Path, db: Path, point: KillPoint, total: int, end_pass: float = 1.0,
            timeout: float = 900) -> tuple[bool, int, list[str]]:
    """Run a command and SIGKILL it at ``point``; ``end_pass``: seconds the uninterrupted end pass took.

    Returns (killed inside the targeted phase, how many descendants it had, the descendants
    still alive 15 s after the kill). The command is stopped (SIGSTOP) before the ledger is
    checked, so what the check sees is what the kill leaves.
    """
    proc = subprocess.Popen([*CLI, *args], cwd=cwd, env=env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    finish_since: list[float] = []
    kids: dict[int, psutil.Process] = {}
    inside = False
    try:
        while proc.poll() is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{point}: the command did not reach its kill point in {timeout} s")
            kids.update({k.pid: k for k in _descendants(proc.pid)})
            if _reached(point, db, total, finish_since, end_pass):
                kids.update({k.pid: k for k in _descendants(proc.pid)})
                proc.send_signal(signal.SIGSTOP)
                inside = in_phase(point, db, total)
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                break
            time.sleep(0.02)
        else:
            return False, len(kids), []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # workers and the resource tracker must follow their parent
    alive = list(kids.values())
    end = time.monotonic() + 15
    while alive and time.monotonic() < end:
        alive = [k for k in alive if _running(k)]
        time.sleep(0.1)
    orphans = [f"{k.pid} {' '.join(k.cmdline())[:120]}" for k in alive if _running(k)]
    for k in alive:  # never leave them behind, whatever the verdict
        with contextlib.suppress(psutil.NoSuchProcess):
            k.kill()
    return inside, len(kids), orphans


def timed_link(args: list[str], cwd: Path, db: Path, total: int, timeout: float = 900) -> float:
    """Run a linking command to its end; the seconds its end pass took, as the poller sees it
    (from the last article's link committed to ``link_pending`` emptied by the end pass's commit)."""
    proc = subprocess.Popen([*CLI, *args], cwd=cwd, env=env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    began = ended = None
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None and ended is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{' '.join(args)}: not done in {timeout} s")
            if began is None and (_count(db, "SELECT count(*) FROM linked_articles") or 0) >= total:
                began = time.monotonic()
            if began is not None and _count(db, "SELECT count(*) FROM link_pending") == 0:
                ended = time.monotonic()
            time.sleep(0.02)
        _, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    if began is None or ended is None:
        raise AssertionError(f"{' '.join(args)}: the end pass was not seen (began {began}, ended {ended})")
    return ended - began


def _running(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def differences(a: Any, b: Any, where: str = "", limit: int = 20) -> list[str]:
    """Field-by-field differences of two JSON values (paths like ``claim_groups[3].claim_ids``)."""
    out: list[str] = []

    def walk(x: Any, y: Any, path: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for k in sorted(set(x) | set(y)):
                if k not in x or k not in y:
                    out.append(f"{path}.{k}: only in {'reference' if k in x else 'rerun'}")
                else:
                    walk(x[k], y[k], f"{path}.{k}")
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                out.append(f"{path}: {len(x)} items in the reference, {len(y)} in the rerun")
            for i, (u, v) in enumerate(zip(x, y, strict=False)):
                walk(u, v, f"{path}[{i}]")
        elif x != y or type(x) is not type(y):
            out.append(f"{path}: {json.dumps(x)[:80]} != {json.dumps(y)[:80]}")

    walk(a, b, where)
    return out


def points(seed: int, n: int, n_articles: int) -> list[KillPoint]:
    """``n`` seeded kill points over both commands and every phase, spread evenly over the kinds."""
    rng = random.Random(seed)
    # `link` alone is the cheap one (no annotation to redo): it gets two of every six points
    kinds = [("analyze", "annotate"), ("link", "link"), ("analyze", "link"), ("link", "finish"),
             ("analyze", "finish"), ("link", "link")]
    out: list[KillPoint] = []
    while len(out) < n:
        command, phase = kinds[len(out) % len(kinds)]
        # finish: thousandths of the uninterrupted end pass after the last article was linked (under
        # 0.8 of it: a neighbour's load makes a run's end pass shorter or longer); else a count
        target = rng.randrange(0, 800) if phase == "finish" else rng.randrange(1, n_articles)
        if KillPoint(command, phase, target) not in out:
            out.append(KillPoint(command, phase, target))
    return out


class Bench:
    """One corpus, its annotated ledger (for link kills) and the uninterrupted reference export."""

    def __init__(self, root: Path, corpus_dir: Path) -> None:
        self.root = root
        self.corpus = corpus_dir
        self.n = len(list(corpus_dir.iterdir()))
        self.annotated = root / "annotated.db"
        started = time.monotonic()
        ref = root / "reference.db"
        done = run(analyze_args(corpus_dir, self.annotated, link=False), root)
        assert done.returncode == 0, done.stderr
        copy_ledger(self.annotated, ref)
        # the end pass's length, to place the finish kills inside it
        self.end_pass = timed_link(["link", "--db", str(ref)], root, ref, self.n)
        self.reference = export(ref, root / "reference.json")
        self.seconds = time.monotonic() - started

    def trial(self, point: KillPoint, tries: int = 4) -> Outcome:
        """Kill at ``point``, rerun the same command, compare with the reference.

        A kill that lands after its phase is over is tried again with the target halved
        (:meth:`KillPoint.redrawn`), up to ``tries`` times; when none lands, the outcome says
        ``killed=False`` (a failure: a point is never passed without a kill in its phase).
        """
        started = time.monotonic()
        tried: list[str] = []
        attempt = point
        for _ in range(tries):
            tried.append(str(attempt))
            work = self.root / str(point)
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            db = work / "ledger.db"
            if point.command == "analyze":
                args = analyze_args(self.corpus, db)
            else:
                copy_ledger(self.annotated, db)
                args = ["link", "--db", str(db)]
            killed, workers, orphans = kill_at(args, work, db, attempt, self.n, self.end_pass)
            if killed or orphans:
                break
            attempt = attempt.redrawn()
        left = {"stored": _count(db, "SELECT count(*) FROM articles"),
                "linked": _count(db, "SELECT count(*) FROM linked_articles"),
                "pending": _count(db, "SELECT count(*) FROM link_pending")}
        done = run(args, work)
        assert done.returncode == 0, f"{point}: the rerun failed: {done.stderr[-2000:]}"
        got = export(db, work / "export.json")
        diffs = differences(self.reference, got)
        if not diffs:
            shutil.rmtree(work)  # keep only what failed, to look at
        return Outcome(point, killed, tried, left, workers, orphans, diffs, time.monotonic() - started)
