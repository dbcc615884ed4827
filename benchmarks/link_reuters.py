"""Time and peak memory of linking (the cross-source layer) on Reuters-21578 at 5k, 10k and 20k articles.

    python benchmarks/link_reuters.py [--sizes 5000,10000,20000] [--add 1000] [--cap 1800] [--cache DIR]

1. Parses the Reuters SGML (../shared/data, benchmarks/reuters.py) into a JSONL file in the
   cache dir (default /tmp/crosscheck-reuters): every story with a body, url
   ``reuters-21578/<NEWID>``, ``published`` from its DATE.
2. Analyzes it once with linking off (``crosscheck analyze ... --workers 2 --no-link``) into
   ``analyzed.db`` in the cache dir; later runs reuse it (an interrupted analysis resumes).
   Progress and ETA come from polling the ledger's article count. This is the slow part and
   it is not what is measured.
3. For each size N: a ledger holding only the first N analyzed articles (a copy of the
   analyzed ledger with the rest deleted in SQL, then VACUUM; the link tables start empty),
   then ``crosscheck link`` on it in a subprocess through bench_analyze.measure() (wall time
   and peak RSS of the process tree, sampled every 0.1 s, process start included), plus CPU
   seconds and the linked count polled every 5 s (seconds per successive 1,000 articles).
   A run is stopped at ``--cap`` seconds; sizes above a stopped one are not run (they would
   link the same first articles in the same order).
4. Incremental: the ledger linked at N (after a stopped run: the articles it reached), plus
   the next ``--add`` analyzed articles (INSERT ... SELECT from the analyzed ledger); only
   that second link is timed. For the largest size, with no articles left beyond it, the
   base is the first ``total - add`` articles, linked first.

The corpus has 19,043 stories with a body and analyze rejects some as not English (tables),
so a size beyond what was analyzed is clamped to all of them. Writes
benchmarks/results/link.json and the "link" section of docs/PERFORMANCE.md. Nothing from
the corpus is written into the repository.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_analyze import measure  # noqa: E402
from docsection import machine_line, update_section  # noqa: E402
from reuters import stories  # noqa: E402

EXE = str(Path(sys.executable).with_name("crosscheck"))
TARGET_S, TARGET_MB = 600, 2048  # 20k articles on 2 cores (docs/PERFORMANCE.md)
LINK_TABLES = ("link_state", "linked_articles", "lsh_bands", "stories", "story_articles", "story_keys", "key_df",
               "claim_groups", "group_members", "group_keys", "relations", "story_stats", "story_outlets")


def _load() -> str:
    return "{:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())


def _commit() -> str:
    """HEAD, with "+dirty" when src/ has uncommitted changes (the code an editable install runs)."""
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], capture_output=True, text=True, check=False, cwd=ROOT).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + ("+dirty" if git("status", "--porcelain", "--", "src") else "")


def _ro(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)


# 1-2: input and the analyzed ledger -----------------------------------------------------------

def write_input(cache: Path) -> tuple[Path, int]:
    src = cache / "reuters.jsonl"
    if not src.exists():
        tmp = src.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(r) + "\n" for r in stories()), encoding="utf-8")
        tmp.replace(src)
    with src.open("rb") as fh:
        return src, sum(1 for line in fh if line.strip())


def _progress(db: Path) -> tuple[int, int]:
    """Articles stored and inputs rejected so far (0, 0 before the ledger exists)."""
    if not db.exists():
        return 0, 0
    try:
        with _ro(db) as c:
            return (c.execute("SELECT count(*) FROM articles").fetchone()[0],
                    c.execute("SELECT count(DISTINCT source) FROM rejects "
                              "WHERE source NOT IN (SELECT source FROM articles)").fetchone()[0])
    except sqlite3.Error:
        return 0, 0


def analyze_once(cache: Path, src: Path, total: int, workers: int) -> dict[str, Any]:
    """The analyzed ledger, made once; a marker file says it is complete."""
    db, done = cache / "analyzed.db", cache / "analyzed.done"
    if done.exists():
        kept: dict[str, Any] = json.loads(done.read_text())
        return kept | {"reused": True}
    cmd = [EXE, "analyze", str(src), "--db", str(db), "--workers", str(workers), "--no-link", "--no-progress"]
    print(f"analyzing {total:,} stories once (not measured): {' '.join(cmd)}", flush=True)
    started, (first, _), commit = time.perf_counter(), _progress(db), _commit()
    with (cache / "analyze.log").open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        while proc.poll() is None:
            time.sleep(15)
            stored, rejected = _progress(db)
            elapsed = time.perf_counter() - started
            rate = (stored - first) / elapsed if elapsed > 0 else 0.0
            left = total - stored - rejected
            eta = f"{left / rate / 60:.0f} min" if rate > 0 else "?"
            print(f"  analyze: {stored + rejected:,}/{total:,} inputs ({stored:,} stored, {rejected:,} rejected), "
                  f"{rate:.1f} articles/s, ETA {eta}, load {_load()}", flush=True)
    if proc.returncode not in (0, 1):  # 1: some inputs rejected (tables and lists, not English prose)
        raise RuntimeError(f"crosscheck analyze failed ({proc.returncode}); see {cache / 'analyze.log'}")
    stored, rejected = _progress(db)
    with _ro(db) as c:
        claims = c.execute("SELECT count(*) FROM claims").fetchone()[0]
    info: dict[str, Any] = {"inputs": total, "articles": stored, "rejected": rejected, "claims": claims,
            "analyze_seconds": round(time.perf_counter() - started, 1), "workers": workers, "commit": commit}
    if _commit() != commit:  # the annotators changed under the run: the ledger mixes two versions
        print(f"WARNING: the checkout moved from {commit} to {_commit()} during the analysis; delete "
              f"{db} and rerun for a ledger made by one version", flush=True)
        info["commit_after"] = _commit()
    done.write_text(json.dumps(info))
    print(f"analyzed: {info}", flush=True)
    return info


def article_order(db: Path) -> list[tuple[int, str]]:
    """(rowid, id) of the analyzed articles in the order analyze stored them."""
    with _ro(db) as c:
        return c.execute("SELECT rowid, id FROM articles WHERE superseded_by IS NULL ORDER BY rowid").fetchall()


def _child_tables(conn: sqlite3.Connection) -> list[str]:
    """Annotation tables: those with a foreign key to articles (entity_mentions, claims, times, ...)."""
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
    return [t for t in tables if any(fk[2] == "articles" for fk in conn.execute(f"PRAGMA foreign_key_list({t})"))]


# 3-4: ledgers of N articles ---------------------------------------------------------------------

def make_ledger(analyzed: Path, out: Path, order: list[tuple[int, str]], n: int) -> None:
    """A ledger of the first ``n`` analyzed articles with empty link tables."""
    for p in (out, out.with_name(out.name + "-wal"), out.with_name(out.name + "-shm")):
        p.unlink(missing_ok=True)
    with _ro(analyzed) as src, sqlite3.connect(out) as dst:
        src.backup(dst)
    conn = sqlite3.connect(out, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    cutoff = order[n - 1][0]
    conn.execute("BEGIN")
    conn.execute("DELETE FROM articles WHERE rowid > ?", (cutoff,))  # FTS, facets: by the schema's triggers
    for t in _child_tables(conn):
        conn.execute(f"DELETE FROM {t} WHERE article_id NOT IN (SELECT id FROM articles)")
    conn.execute("DELETE FROM claim_facets WHERE article_rowid > ?", (cutoff,))
    conn.execute("DELETE FROM rejects")
    for t in LINK_TABLES:
        conn.execute(f"DELETE FROM {t}")
    conn.execute("COMMIT")
    conn.execute("VACUUM")
    got = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    if got != n:
        raise RuntimeError(f"{out}: {got} articles, expected {n}")


def add_articles(analyzed: Path, ledger: Path, ids: list[str]) -> None:
    """Insert the given analyzed articles and their annotations, as analyze would have stored them."""
    conn = sqlite3.connect(ledger, isolation_level=None)
    conn.execute(f"ATTACH DATABASE 'file:{analyzed}?mode=ro' AS src")
    conn.execute("CREATE TEMP TABLE add_ids (id TEXT PRIMARY KEY)")
    conn.executemany("INSERT INTO add_ids VALUES (?)", [(i,) for i in ids])
    conn.execute("BEGIN")
    for t in ["articles", *_child_tables(conn)]:
        cols = ", ".join(r[1] for r in conn.execute(f"PRAGMA main.table_info({t})"))
        key = "id" if t == "articles" else "article_id"
        conn.execute(f"INSERT INTO main.{t} ({cols}) SELECT {cols} FROM src.{t} "
                     f"WHERE {key} IN (SELECT id FROM add_ids) ORDER BY rowid")
    conn.execute("COMMIT")
    conn.close()


def _linked(ledger: Path) -> int:
    try:
        with _ro(ledger) as c:
            return int(c.execute("SELECT count(*) FROM linked_articles").fetchone()[0])
    except sqlite3.Error:
        return -1


# stdout to a file (measure() discards it); `timeout` stops a run at the cap (exit 0, so that
# measure() still reports it); `times` gives the CPU seconds of the waited-for children.
_WRAP = ('out=$1; cap=$2; shift 2; timeout "$cap" "$@" > "$out"; rc=$?; times > "$out.times"; '
         'if [ "$rc" = 124 ]; then echo STOPPED >> "$out"; exit 0; fi; exit $rc')


def _cpu_seconds(times_file: Path) -> float | None:
    """User + system seconds of the shell's children (second line of `times`: "0m12.3s 0m1.2s")."""
    try:
        lines = times_file.read_text().splitlines()
        total = 0.0
        for part in lines[1].split():
            m, _, rest = part.partition("m")
            total += 60 * float(m) + float(rest.rstrip("s"))
        return total
    except (OSError, IndexError, ValueError):
        return None


def run_link(cmd: list[str], ledger: Path, cap: int, label: str) -> dict[str, Any]:
    """One measured link run, stopped at ``cap`` seconds; a thread records linked articles over time."""
    out = ledger.with_suffix(".out")
    before = _linked(ledger)
    with _ro(ledger) as c:
        todo = c.execute("SELECT count(*) FROM articles WHERE superseded_by IS NULL").fetchone()[0] - before
    curve: list[tuple[float, int]] = []
    stop = threading.Event()

    def poll() -> None:
        t0, shown = time.perf_counter(), 0.0
        while not stop.wait(5):
            n = _linked(ledger) - before
            t = time.perf_counter() - t0
            curve.append((round(t, 1), n))
            if t - shown >= 60:
                shown = t
                print(f"    {label}: {n:,}/{todo:,} linked after {t:.0f} s (load {_load()})", flush=True)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        m = measure(["/bin/sh", "-c", _WRAP, "sh", str(out), str(cap), *cmd, str(ledger)])
    finally:
        stop.set()
        thread.join()
    said = out.read_text(encoding="utf-8").strip().splitlines()
    done = _linked(ledger) - before
    stopped = bool(said) and said[-1] == "STOPPED"
    if not stopped and done != todo:
        raise RuntimeError(f"{ledger}: {done} of {todo} articles linked")
    curve.append((round(m["seconds"], 1), done))
    return {"seconds": m["seconds"], "cpu_seconds": _cpu_seconds(out.with_name(out.name + ".times")),
            "peak_rss_mb": m["peak_rss_mb"], "to_link": todo, "linked": done, "stopped": stopped,
            "summary": None if stopped else said[-1], "curve": curve}


def _counts(ledger: Path) -> dict[str, int]:
    with _ro(ledger) as c:
        return {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "claims")}


# report ---------------------------------------------------------------------------------------

def per_thousand(curve: list[tuple[float, int]]) -> list[float]:
    """Seconds spent on each successive 1,000 articles of one run (from the polled curve)."""
    out, last_t, mark = [], 0.0, 1000
    for t, n in curve:
        while n >= mark:
            out.append(round(t - last_t, 1))
            last_t, mark = t, mark + 1000
    return out


def end_pass(run: dict[str, Any]) -> float | None:
    """Seconds after the last article was linked: the end-of-run pass (origins, outlets, status, events)."""
    if run["stopped"]:
        return None
    t_all = next((t for t, n in run["curve"] if n >= run["to_link"]), run["seconds"])
    return max(0.0, float(run["seconds"]) - float(t_all))


def verdict(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Growth exponent of time over articles and a projection to 20,000.

    From two completed sizes when there are; otherwise from the longest run's own curve
    (seconds to reach n linked articles, from n/4 to the last sample), which leaves out the
    end-of-run pass.
    """
    done = [r for r in rows if not r["stopped"]]
    longest = max(rows, key=lambda r: r["linked"])
    if len(done) >= 2:
        a, b = done[0], done[-1]
        na, nb, ta, tb, how = a["articles"], b["articles"], a["seconds"], b["seconds"], "sizes"
    else:
        pts = [(t, n) for t, n in longest["curve"] if n > 0]
        ta, na = next(((t, n) for t, n in pts if n >= pts[-1][1] / 4), pts[0])
        tb, nb = pts[-1]
        how = f"curve of the {longest['articles']:,} run, linking only"
    k = math.log(tb / ta) / math.log(nb / na) if nb > na and ta > 0 and tb > 0 else float("nan")
    proj = tb * (20_000 / nb) ** (k if not math.isnan(k) else 1.0)
    return {"exponent": k, "from": how, "n": [na, nb], "t": [ta, tb], "projected_20k_seconds": proj,
            "peak_rss_mb": max(r["peak_rss_mb"] for r in rows)}


def _secs(r: dict[str, Any]) -> str:
    if r["stopped"]:
        return f"stopped at {r['seconds']:.0f} s: {r['linked']:,} of {r['to_link']:,} linked"
    return f"{r['seconds']:.0f}"


def _pass(r: dict[str, Any]) -> str:
    e = end_pass(r)
    return "-" if e is None else f"{e:.0f}"


def _inc(r: dict[str, Any]) -> dict[str, Any] | None:
    """The incremental run of a row, when its base was completely linked (a stopped run saves no state)."""
    return None if r["stopped"] else r.get("incremental")


def table(rows: list[dict[str, Any]], add: int) -> str:
    lines = [f"| articles | claims | link s | end pass s | CPU s | peak RSS MB | articles/s | +{add:,} on "
             "| incremental s | end pass s |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        i = _inc(r)
        inc = f"{i['base']:,} | {_secs(i)} | {_pass(i)} |" if i else "- | - | - |"
        cpu = f"{r['cpu_seconds']:.0f}" if r.get("cpu_seconds") is not None else "?"
        lines.append(f"| {r['articles']:,} | {r['claims']:,} | {_secs(r)} | {_pass(r)} | {cpu} | {r['peak_rss_mb']:.0f} "
                     f"| {r['linked'] / r['seconds']:.1f} | {inc}")
    return "\n".join(lines)


def doc_body(res: dict[str, Any]) -> str:
    """The "link" section of docs/PERFORMANCE.md, from the results record."""
    info, rows, cap, v = res["analyzed"], res["rows"], res["cap_seconds"], verdict(res["rows"])
    add = res.get("add") or next((r["incremental"]["added"] for r in rows if r.get("incremental")), 1000)
    k, proj, peak = v["exponent"], v["projected_20k_seconds"], v["peak_rss_mb"]
    longest = max(rows, key=lambda r: r["linked"])
    thousands = per_thousand(longest["curve"])
    shape = "one point only" if math.isnan(k) else ("near-linear" if k <= 1.2 else "super-linear")
    complete = [r for r in rows if not r["stopped"]]
    biggest = max((r["articles"] for r in complete), default=0)
    time_ok = biggest >= min(20_000, info["articles"]) and proj <= TARGET_S
    summaries = "\n".join(f"- {r['articles']:,}: {r['summary']}" for r in complete) or "- (no run finished)"
    incs, passes = [], []
    for r in complete:
        e = end_pass(r)
        if e is not None:
            passes.append(f"{e:.0f} of {r['seconds']:.0f} s at {r['articles']:,}")
        if i := _inc(r):
            share = 100 * i["seconds"] / r["seconds"]
            incs.append(f"{i['added']:,} articles added to {i['base']:,} linked ones took {_secs(i)}"
                        f"{'' if i['stopped'] else ' s'} ({_pass(i)} s of it the end-of-run pass), {share:.0f} % of "
                        f"linking all {r['articles']:,} from scratch")
    stopped = [r for r in rows if r["stopped"]]
    no_inc = "".join(f" No increment on {r['articles']:,}: that run was stopped, and a stopped run saves no "
                     "end-of-run state (learned facts), so an increment on it would not be comparable." for r in stopped)
    para = (f"Growth is {shape}: log-log slope {k:.2f} of time over articles (1.0 is linear; from the "
            f"{v['from']}, {v['n'][0]:,} to {v['n'][1]:,} articles). Seconds per successive 1,000 articles of the "
            f"{longest['articles']:,} run: {', '.join(f'{x:.0f}' for x in thousands) or '-'}; the end-of-run pass "
            f"took {'; '.join(passes) or '-'}. At that slope 20,000 articles would take about {proj / 60:.0f} "
            f"minutes{' before the end-of-run pass' if 'linking only' in v['from'] else ''}"
            f"{' (the corpus has ' + format(info['articles'], ',') + ' analyzable stories)' if info['articles'] < 20_000 else ''}. "
            f"Against the target (20k in under {TARGET_S // 60} minutes on 2 cores, under {TARGET_MB // 1024} GB): "
            f"time {'met' if time_ok else 'NOT met'}, memory {'met' if peak <= TARGET_MB else 'NOT met'} "
            f"(peak {peak:.0f} MB). Incremental: {'; '.join(incs) or 'not run'}.{no_inc}")
    skip = "\n\nNot run:\n" + "".join(f"\n- {x}" for x in res["skipped"]) if res["skipped"] else ""
    dirty = res.get("uncommitted_src") or []
    return f"""### crosscheck link on Reuters-21578

`{res['command']}` ({res['machine']}{'; uncommitted changes in ' + ', '.join(dirty) if dirty else ''})

Input: the {info['inputs']:,} Reuters-21578 stories with a body (SGML, ../shared/data), analyzed once
with `crosscheck analyze --workers {info['workers']} --no-link` at {info.get('commit', '?')} ({info['articles']:,} stored,
{info['rejected']:,} rejected as not English; not timed here). Each size is a copy of that ledger cut
to its first N articles with empty link tables; the timed command is `{res['timed']}` in a
subprocess: wall time including process start, the end-of-run pass (after the last article is
linked: origins resolved again, group outlets, status, story events), CPU seconds (user + system;
more than wall time where ONNX uses both cores), peak RSS of the process tree sampled every 0.1 s.
A run is stopped at {cap} s ({cap / TARGET_S:g}x the 10-minute target), and a larger size is not run
after a stopped one (it would link the same first articles in the same order). Incremental: the
ledger linked at N plus the next {add:,} analyzed articles, linked again; only that second run is
timed. Load average {res['load_average']} (the 2 cores are shared with other jobs).

{table(rows, add)}{skip}

{para}

Link summary lines:

{summaries}
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="5000,10000,20000", help="comma-separated article counts")
    ap.add_argument("--add", type=int, default=1000, help="articles added for the incremental run")
    ap.add_argument("--cap", type=int, default=1800, help="stop a link run after this many seconds")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/crosscheck-reuters"))
    ap.add_argument("--workers", type=int, default=2, help="analyze workers (the one-off analysis)")
    ap.add_argument("--keep", action="store_true", help="keep the per-size ledgers in the cache dir")
    ap.add_argument("--no-doc", action="store_true", help="do not write docs/PERFORMANCE.md or results/link.json")
    ap.add_argument("--render", action="store_true",
                    help="only rewrite the doc section from benchmarks/results/link.json (no measuring)")
    args = ap.parse_args()
    results = ROOT / "benchmarks" / "results" / "link.json"
    if args.render:
        update_section(ROOT / "docs" / "PERFORMANCE.md", "link", doc_body(json.loads(results.read_text())))
        return 0
    load_start = _load()
    args.cache.mkdir(parents=True, exist_ok=True)
    src, total_inputs = write_input(args.cache)
    info = analyze_once(args.cache, src, total_inputs, args.workers)
    analyzed = args.cache / "analyzed.db"
    order = article_order(analyzed)
    total = len(order)
    sizes = sorted({min(int(s), total) for s in args.sizes.split(",") if s.strip()})
    cmd, how = [EXE, "link", "--db"], "crosscheck link --db LEDGER"
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    for n in sizes:
        if rows and rows[-1]["stopped"]:
            skipped.append(f"{n:,}: not run, {rows[-1]['articles']:,} was stopped at the cap")
            print(f"N={n:,}: {skipped[-1]}", flush=True)
            continue
        ledger = args.cache / f"link-{n}.db"
        make_ledger(analyzed, ledger, order, n)
        counts = _counts(ledger)
        print(f"N={n:,}: {counts['claims']:,} claims; linking (load {_load()}) ...", flush=True)
        row: dict[str, Any] = {"articles": n, "claims": counts["claims"], **run_link(cmd, ledger, args.cap, f"{n:,}")}
        print(f"  {_secs(row)} s, end pass {_pass(row)} s, CPU {row['cpu_seconds'] or 0:.0f} s, "
              f"peak {row['peak_rss_mb']:.0f} MB: {row['summary']}", flush=True)
        base = n
        if not row["stopped"] and base + args.add > total:  # no articles beyond n: link a smaller base first
            base = total - args.add
            make_ledger(analyzed, ledger, order, base)
            first = run_link(cmd, ledger, args.cap, f"base {base:,}")
            row["incremental_base_run"] = {k: first[k] for k in ("seconds", "cpu_seconds", "peak_rss_mb", "stopped")}
            print(f"  incremental base {base:,}: {_secs(first)} s", flush=True)
            base = 0 if first["stopped"] else base
        if row["stopped"] or base == 0:  # a stopped run saves no end-of-run state: an increment would not compare
            print("  no incremental run: its base was not linked within the cap", flush=True)
        else:
            add_articles(analyzed, ledger, [i for _, i in order[base : base + args.add]])
            inc = run_link(cmd, ledger, args.cap, f"+{args.add:,} on {base:,}")
            row["incremental"] = {"base": base, "added": args.add, **inc}
            print(f"  +{args.add:,} on {base:,}: {_secs(inc)} s, end pass {_pass(inc)} s, "
                  f"CPU {inc['cpu_seconds'] or 0:.0f} s, peak {inc['peak_rss_mb']:.0f} MB: {inc['summary']}", flush=True)
        rows.append(row)
        if not args.keep:
            for p in args.cache.glob(f"link-{n}.*"):
                p.unlink()
    dirty = [line[3:] for line in subprocess.run(
        ["git", "status", "--porcelain", "--", "src/crosscheck"], capture_output=True, text=True, check=False,
        cwd=ROOT).stdout.splitlines() if line.strip()]
    res = {"command": "python benchmarks/link_reuters.py" + "".join(
               f" --{k} {getattr(args, k)}" for k, d in (("sizes", "5000,10000,20000"), ("add", 1000), ("cap", 1800))
               if getattr(args, k) != d),
           "timed": how, "machine": machine_line(), "load_average": f"{load_start} at start, {_load()} at end",
           "cap_seconds": args.cap, "add": args.add, "uncommitted_src": dirty,
           "analyzed": {k: val for k, val in info.items() if k != "reused"}, "rows": rows, "skipped": skipped,
           "verdict": verdict(rows)}
    print(table(rows, args.add))
    print(doc_body(res).split("Link summary lines")[0].rsplit("\n\n", 2)[-2])
    if not args.no_doc:
        results.parent.mkdir(exist_ok=True)
        results.write_text(json.dumps(res, indent=2) + "\n")
        update_section(ROOT / "docs" / "PERFORMANCE.md", "link", doc_body(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
