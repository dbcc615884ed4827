"""Where linking's memory goes: RSS of each process of ``crosscheck link``, along the run and in its end pass.

    python benchmarks/link_rss.py LEDGER [--every 0.5] [--json OUT]

Runs ``crosscheck link --db LEDGER`` (a ledger analyzed with ``--no-link``, e.g. one that
``benchmarks/link_reuters.py --keep`` left in its cache dir before linking) and samples every
process of its tree every ``--every`` seconds with psutil: the linker (the command itself),
each prepare worker (a spawned child) and the resource tracker, told apart by their command
lines. Prints, for every 1,000 articles linked, each role's RSS, then each role's peak during
linking and during the end-of-run pass (from the last article linked to the exit), and the
peak of the tree (the sum, as the link benchmark measures it). The ledger is linked in place.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil

EXE = str(Path(sys.executable).with_name("crosscheck"))


def role(p: psutil.Process, root: int) -> str:
    if p.pid == root:
        return "linker"
    cmd = " ".join(p.cmdline())
    if "resource_tracker" in cmd:
        return "tracker"
    return f"worker {p.pid}"


def linked(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as c:
            return int(c.execute("SELECT count(*) FROM linked_articles").fetchone()[0])
    except sqlite3.Error:
        return -1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ledger", type=Path)
    ap.add_argument("--every", type=float, default=0.5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    with sqlite3.connect(f"file:{args.ledger}?mode=ro", uri=True) as c:
        total = c.execute("SELECT count(*) FROM articles").fetchone()[0]
    started = time.monotonic()
    proc = psutil.Popen([EXE, "link", "--db", str(args.ledger)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    samples: list[dict[str, object]] = []
    marks: dict[int, dict[str, float]] = {}
    peaks: dict[str, dict[str, float]] = {"link": {}, "end pass": {}}
    tree_peak = 0.0
    while proc.poll() is None:
        n = linked(args.ledger)
        rss: dict[str, float] = {}
        for p in [proc, *proc.children(recursive=True)]:
            try:
                rss[role(p, proc.pid)] = p.memory_info().rss / 2**20
            except psutil.Error:
                continue
        tree = sum(rss.values())
        tree_peak = max(tree_peak, tree)
        phase = "end pass" if n >= total else "link"
        for r, v in rss.items():
            key = "worker" if r.startswith("worker") else r
            peaks[phase][key] = max(peaks[phase].get(key, 0.0), v)
        peaks[phase]["tree"] = max(peaks[phase].get("tree", 0.0), tree)
        mark = n // 1000 * 1000
        if n > 0 and mark not in marks:
            marks[mark] = {**rss, "tree": tree}
            print(f"{n:>6} linked  " + "  ".join(f"{r} {v:.0f}" for r, v in sorted(rss.items()))
                  + f"  tree {tree:.0f} MB", flush=True)
        samples.append({"t": round(time.monotonic() - started, 1), "linked": n,
                        **{r: round(v, 1) for r, v in rss.items()}})
        time.sleep(args.every)
    out = proc.stdout.read().decode() if proc.stdout else ""
    print(out.strip().splitlines()[-1] if out.strip() else "", flush=True)
    for phase, got in peaks.items():
        print(f"peak during {phase}: " + "  ".join(f"{r} {v:.0f}" for r, v in sorted(got.items())) + " MB")
    print(f"peak of the tree: {tree_peak:.0f} MB; {time.monotonic() - started:.0f} s; exit {proc.returncode}")
    if args.json:
        args.json.write_text(json.dumps({"total": total, "peaks": peaks, "tree_peak": tree_peak,
                                         "marks": marks, "samples": samples}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
