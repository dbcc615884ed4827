"""The Spark engine beside the local engine on the BBC corpus: speed-up, overhead, memory.

    python benchmarks/bench_spark.py [--limit N]      (make bench-spark)

Rows, all on the same articles in one run (linking off; `crosscheck load` timed apart):
- crosscheck analyze, local engine, 1 process and 2 processes
- crosscheck analyze --engine spark on local[1] and local[2] (Parquet out)
- crosscheck load of the local[2] output into a fresh ledger
Speed-up is local[1] -> local[2]; overhead is Spark's wall time over the local engine's at the same
core count. Peak RSS is sampled every 0.2 s: the whole process tree, the JVM alone, and the largest
Python worker (what one executor core costs). Writes benchmarks/results/spark.json and the "spark"
section of docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from docsection import machine_line, update_section  # noqa: E402

CROSSCHECK = str(ROOT / ".venv" / "bin" / "crosscheck")


def shared() -> Path:
    return Path(os.environ.get("CROSSCHECK_SHARED", ROOT.parent / "shared")).resolve()


def measure(cmd: list[str]) -> dict[str, float]:
    """Wall and CPU time of ``cmd``; peak RSS of its tree, of its JVM, and of its largest Python worker."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = jvm = worker = 0
    cpu: dict[int, float] = {}  # pid -> CPU seconds last seen (the JVM and its Python workers are not reaped here)
    while proc.poll() is None:
        try:
            procs = [proc, *proc.children(recursive=True)]
            sizes = []
            for p in procs:
                try:
                    sizes.append((p.name(), p.memory_info().rss))
                    t = p.cpu_times()
                    cpu[p.pid] = t.user + t.system
                except psutil.Error:
                    continue
            peak = max(peak, sum(r for _, r in sizes))
            jvm = max([jvm] + [r for n, r in sizes if n == "java"])
            worker = max([worker] + [r for p, (n, r) in zip(procs[1:], sizes[1:], strict=False) if n.startswith("python")])
        except psutil.Error:
            pass
        time.sleep(0.2)
    out_text, err = proc.communicate()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd} failed: {err.decode()[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    reaped = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"seconds": time.perf_counter() - started,
            "cpu_seconds": max(reaped, sum(cpu.values())),  # sampled: up to 0.2 s of each process's end is missed
            "load_at_start": load, "peak_rss_mb": peak / 2**20, "jvm_rss_mb": jvm / 2**20,
            "largest_python_child_mb": worker / 2**20, "stdout": out_text.decode()[-400:]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="first N articles of the corpus (default: all 2,225)")
    args = ap.parse_args()
    files = sorted((shared() / "data" / "bbc-news-fulltext").rglob("*.txt"))[: args.limit]
    load_before = os.getloadavg()[0]
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "in"
        listing.mkdir()
        for f in files:
            (listing / f"{f.parent.name}_{f.name}").symlink_to(f)
        for workers in (1, 2):
            cmd = [CROSSCHECK, "analyze", str(listing), "--db", f"{tmp}/local{workers}.db", "--workers", str(workers),
                   "--no-link", "--no-progress"]
            rows.append({"what": f"local engine, {workers} process(es)", "cores": workers, **measure(cmd)})
        for cores in (1, 2):
            cmd = [CROSSCHECK, "analyze", str(listing), "--engine", "spark", "--master", f"local[{cores}]",
                   "--out", f"{tmp}/spark{cores}"]
            rows.append({"what": f"Spark engine, local[{cores}]", "cores": cores, **measure(cmd)})
        cmd = [CROSSCHECK, "load", f"{tmp}/spark2", "--db", f"{tmp}/loaded.db", "--no-link"]
        rows.append({"what": "crosscheck load (the local[2] output)", "cores": 1, **measure(cmd)})
    for r in rows:
        r["articles_per_s"] = len(files) / float(r["seconds"])  # type: ignore[arg-type]
    by = {r["what"]: r for r in rows}
    s1, s2 = by["Spark engine, local[1]"], by["Spark engine, local[2]"]
    l1, l2 = by["local engine, 1 process(es)"], by["local engine, 2 process(es)"]
    speedup = float(s1["seconds"]) / float(s2["seconds"])  # type: ignore[arg-type]
    over1 = float(s1["seconds"]) / float(l1["seconds"]) - 1  # type: ignore[arg-type]
    over2 = float(s2["seconds"]) / float(l2["seconds"]) - 1  # type: ignore[arg-type]
    head = ("| run | articles/s | seconds | CPU s | load at start | peak RSS MB (tree) | JVM MB | largest Python MB |\n"
            "|---|---|---|---|---|---|---|---|")
    lines = [head] + [
        f"| {r['what']} | {r['articles_per_s']:.1f} | {r['seconds']:.1f} | {r['cpu_seconds']:.0f} | "
        f"{r['load_at_start']:.1f} | {r['peak_rss_mb']:.0f} | {r['jvm_rss_mb']:.0f} | {r['largest_python_child_mb']:.0f} |"
        for r in rows]
    summary = (f"Speed-up local[1] -> local[2]: {speedup:.2f}x (target 1.8x). Spark over the local engine: "
               f"{over1:+.0%} at 1 core, {over2:+.0%} at 2 cores (target under 15 %).")
    table = "\n".join(lines)
    print(table)
    print(summary)
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "spark.json").write_text(json.dumps({"articles": len(files), "rows": rows, "speedup": speedup,
                                                    "overhead_1": over1, "overhead_2": over2}, indent=2))
    cmd_line = "make bench-spark" + (f" (python benchmarks/bench_spark.py --limit {args.limit})" if args.limit else "")
    load = f"load average {load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end (other processes share the cores)"
    body = (f"### Spark engine beside the local engine ({len(files):,} BBC articles)\n\n"
            f"`{cmd_line}` ({machine_line()}; {load})\n\n{table}\n\n{summary}\n")
    update_section(ROOT / "docs" / "PERFORMANCE.md", "spark", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
