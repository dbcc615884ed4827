"""``analyze`` + ``link`` of N Reuters-21578 articles on SQLite and on PostgreSQL, and two
concurrent ``analyze`` writers on one PostgreSQL database.

    CROSSCHECK_PG=postgresql://user:pw@127.0.0.1/postgres python benchmarks/bench_backends.py [--articles 5000]

The server URL names a role that may create databases (scripts/pg-start prints one). Each run
is a fresh ledger; each command runs in a subprocess measured by bench_analyze.measure() (wall
time and peak RSS of the process tree). The exports of the two single-writer runs are compared
byte for byte. Prints a Markdown table (with the machine's load average, since the machine may
be shared) and writes benchmarks/results/backends.json. Nothing from the corpus is written into
the repository: the JSONL is written under /tmp.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_analyze import measure
from reuters import stories

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "crosscheck.cli"]


def _jsonl(n: int, work: Path) -> Path:
    out = work / f"reuters-{n}.jsonl"
    if not out.exists():
        with out.open("w", encoding="utf-8") as fh:
            for i, rec in enumerate(stories(min_body=200)):
                if i >= n:
                    break
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return out


def _sha(db: str, work: Path) -> str:
    out = work / f"export-{uuid.uuid4().hex[:6]}.json"
    subprocess.run([*CLI, "export", "--db", db, "-o", str(out)], check=True, capture_output=True)
    return hashlib.sha256(out.read_bytes()).hexdigest()[:16]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path("/tmp/crosscheck-backends"))
    args = ap.parse_args()
    server = os.environ.get("CROSSCHECK_PG")
    if not server:
        print("set CROSSCHECK_PG to a PostgreSQL server URL (scripts/pg-start prints one)", file=sys.stderr)
        return 2
    from crosscheck.store.postgres import create_database, drop_database

    args.work.mkdir(parents=True, exist_ok=True)
    src = _jsonl(args.articles, args.work)
    rows, shas = [], {}
    for backend in ("sqlite", "postgresql", "postgresql, 2 writers"):
        name = f"cc_bench_{uuid.uuid4().hex[:8]}"
        db = str(args.work / f"{name}.db") if backend == "sqlite" else create_database(server, name)
        analyze = [*CLI, "analyze", str(src), "--db", db, "--workers", str(args.workers), "--no-progress",
                   "--no-link"]
        load0 = os.getloadavg()[0]
        if backend.endswith("2 writers"):  # two processes, one worker each, the same inputs
            one = [*analyze[:-4], "--workers", "1", "--no-progress", "--no-link"]
            t0 = time.monotonic()
            procs = [subprocess.Popen(one, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
            codes = [p.wait() for p in procs]
            a = {"seconds": round(time.monotonic() - t0, 1), "peak_rss_mb": float("nan"), "exit": max(codes)}
        else:
            a = measure(analyze)
        lk = measure([*CLI, "link", "--db", db])
        with __import__("crosscheck.store", fromlist=["open_store"]).open_store(db, read_only=True) as s:
            counts = s.counts()
            dup = s.conn.execute("SELECT count(*) - count(DISTINCT id) FROM claims").fetchone()[0]
        shas[backend] = _sha(db, args.work)
        rows.append({"backend": backend, "articles": counts["articles"], "claims": counts["claims"],
                     "duplicated_claims": dup, "analyze_s": round(a["seconds"], 1), "analyze_peak_mb": round(a.get("peak_rss_mb", 0), 0),
                     "link_s": round(lk["seconds"], 1), "link_peak_mb": round(lk["peak_rss_mb"]),
                     "load_at_start": round(load0, 1), "export_sha": shas[backend]})
        if backend != "sqlite":
            drop_database(server, name)
        print(json.dumps(rows[-1]), flush=True)
    same = shas["sqlite"] == shas["postgresql"]
    out = {"command": f"python benchmarks/bench_backends.py --articles {args.articles}", "rows": rows,
           "exports_identical": same, "cores": os.cpu_count()}
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "backends.json").write_text(json.dumps(out, indent=1) + "\n")
    print("| backend | articles | claims | analyze s | analyze peak MB | link s | link peak MB | load at start |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['backend']} | {r['articles']} | {r['claims']} | {r['analyze_s']} | {r['analyze_peak_mb']} | "
              f"{r['link_s']} | {r['link_peak_mb']} | {r['load_at_start']} |")
    print(f"exports identical (SQLite vs PostgreSQL): {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
