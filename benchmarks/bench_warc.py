"""Reading a web archive: articles/s and memory over a WARC.gz of pages made from the BBC corpus.

    python benchmarks/bench_warc.py [--pages 5000] [--analyze N] [--workers 2]

Writes (under a temporary folder, deleted after) a WARC.gz of ``--pages`` HTML responses built
from the BBC articles (cycled, each copy under its own URI), with a non-HTML and a 404 record
every 50 pages, the way a crawl mixes them. Then two rows:
- the reader alone (fastwarc + HTML extraction + cleaning, no annotation) over every page, in this
  process: pages/s and RSS at 10 points along the archive;
- ``crosscheck analyze crawl.warc.gz --no-link`` over the first ``--analyze`` pages (default: all):
  articles/s and the process tree's peak RSS so far at 25/50/100 % of the articles stored.
Writes benchmarks/results/warc.json and the "warc" section of docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from html import escape
from io import BytesIO
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from docsection import machine_line, update_section  # noqa: E402


def shared() -> Path:
    return Path(os.environ.get("CROSSCHECK_SHARED", ROOT.parent / "shared")).resolve()


def html_page(text: str) -> bytes:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    title, body = lines[0], lines[1:]
    paras = "".join(f"<p>{escape(p)}</p>" for p in body)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title></head><body>"
            f"<nav>Home | News | Sport</nav><article><h1>{escape(title)}</h1>{paras}</article>"
            f"<footer>Benchmark copy</footer></body></html>").encode()


def write_warc(path: Path, files: list[Path], pages: int) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    records = 0
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)

        def put(uri: str, payload: bytes, status: str, ctype: str) -> None:
            http = StatusAndHeaders(status, [("Content-Type", ctype), ("Date", "Tue, 05 Mar 2024 10:00:00 GMT")],
                                    protocol="HTTP/1.1")
            rec = writer.create_warc_record(uri, "response", payload=BytesIO(payload), http_headers=http)
            writer.write_record(rec)
            rec.raw_stream.close()

        for i in range(pages):
            put(f"http://bbc.bench/{i // len(texts)}/{i % len(texts)}", html_page(texts[i % len(texts)]),
                "200 OK", "text/html; charset=utf-8")
            records += 1
            if i % 50 == 49:
                put(f"http://bbc.bench/img/{i}.png", b"\x89PNG" + b"\x00" * 2048, "200 OK", "image/png")
                put(f"http://bbc.bench/gone/{i}", b"not here", "404 Not Found", "text/html")
                records += 2
    return records


def reader_row(path: Path, pages: int) -> dict[str, object]:
    """Read and clean every page in this process; RSS at ten points along the archive."""
    from crosscheck.clean import clean
    from crosscheck.errors import InputRejected
    from crosscheck.ingest.files import read_inputs
    from crosscheck.model import RawDoc

    me = psutil.Process()
    started = time.perf_counter()
    n = ok = 0
    marks: list[float] = []
    for item in read_inputs([str(path)]):
        if not isinstance(item, RawDoc):
            continue
        n += 1
        try:
            clean(item)
            ok += 1
        except InputRejected:
            pass
        if n % max(1, pages // 10) == 0:
            marks.append(me.memory_info().rss / 2**20)
    secs = time.perf_counter() - started
    return {"what": "reader: fastwarc + HTML extraction + cleaning, 1 process", "pages": n, "clean": ok,
            "seconds": secs, "per_s": n / secs, "rss_mb": marks}


def analyze_row(path: Path, total: int, workers: int, tmp: Path) -> dict[str, object]:
    db = tmp / "warc.db"
    cmd = [str(ROOT / ".venv" / "bin" / "crosscheck"), "analyze", str(path), "--db", str(db), "--workers",
           str(workers), "--no-link", "--no-progress"]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak, marks = 0, {}
    while proc.poll() is None:
        try:
            rss = sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)] if p.is_running())
        except psutil.Error:
            rss = 0
        peak = max(peak, rss)
        if db.exists():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as c:
                    n = c.execute("SELECT count(*) FROM articles").fetchone()[0]
                for q in (25, 50, 100):
                    if n >= total * q / 100 and q not in marks:
                        marks[q] = peak / 2**20  # peak so far: the pool may be gone by the last article
            except sqlite3.Error:
                pass
        time.sleep(0.2)
    out, err = proc.communicate()
    if proc.returncode not in (0, 1):
        raise RuntimeError(err.decode()[-2000:])
    secs = time.perf_counter() - started
    with sqlite3.connect(db) as c:
        stored = c.execute("SELECT count(*) FROM articles").fetchone()[0]
    return {"what": f"crosscheck analyze crawl.warc.gz, {workers} process(es)", "pages": total, "stored": stored,
            "seconds": secs, "per_s": stored / secs, "load_at_start": load, "peak_rss_mb": peak / 2**20,
            "rss_mb_at": marks, "stdout": out.decode()[-300:]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--analyze", type=int, default=None, help="pages for the full analyze row (default: all)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    files = sorted((shared() / "data" / "bbc-news-fulltext").rglob("*.txt"))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        path = tmp / "crawl.warc.gz"
        records = write_warc(path, files, args.pages)
        size = path.stat().st_size
        reader = reader_row(path, args.pages)
        print(reader)
        part = path
        if args.analyze and args.analyze < args.pages:
            part = tmp / "part.warc.gz"
            write_warc(part, files, args.analyze)
        full = analyze_row(part, args.analyze or args.pages, args.workers, tmp)
        print(full)
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "warc.json").write_text(json.dumps({"pages": args.pages, "records": records, "bytes": size,
                                                   "reader": reader, "analyze": full}, indent=2))
    rss = reader["rss_mb"]
    assert isinstance(rss, list)
    at = full["rss_mb_at"]
    assert isinstance(at, dict)
    cmd = "python benchmarks/bench_warc.py" + (f" --pages {args.pages}" if args.pages != 5000 else "") + \
        (f" --analyze {args.analyze}" if args.analyze else "") + (f" --workers {args.workers}" if args.workers != 2 else "")
    load = f"load average {load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end (other processes share the cores)"
    body = (f"### WARC input ({args.pages:,} pages from the BBC corpus, {records:,} records, {size / 2**20:.0f} MB gzipped)\n\n"
            f"`{cmd}` ({machine_line()}; {load})\n\n"
            "| run | pages | per s | seconds | RSS MB along the run |\n|---|---|---|---|---|\n"
            f"| {reader['what']} | {reader['pages']:,} | {reader['per_s']:.1f} | {reader['seconds']:.0f} | "
            f"{' / '.join(f'{x:.0f}' for x in rss)} (at each tenth) |\n"
            f"| {full['what']} | {full['pages']:,} ({full['stored']:,} stored) | {full['per_s']:.1f} | "
            f"{full['seconds']:.0f} | {' / '.join(f'{at[k]:.0f}' for k in sorted(at))} (tree, peak so far at 25/50/100 % stored); "
            f"peak {full['peak_rss_mb']:.0f} |\n")
    update_section(ROOT / "docs" / "PERFORMANCE.md", "warc", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
