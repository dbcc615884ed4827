"""Cost of hostile sizes (docs/RELIABILITY.md): one very long token, one very large article.

    python benchmarks/bench_reliability.py [--token 0,10000,20000,40000] [--kb 200,400,800] [--among 400]

* ``--token N,...``: 20 BBC articles plus one holding a single N-character token (no spaces) are
  analyzed (the article limits lifted so the token gets through), then linked; prints the link
  time for each N (seconds, wall and CPU; a first unreported run loads the models).
* ``--kb K,...``: one article of K kilobytes of prose (BBC politics paragraphs, each its own
  paragraph) is cleaned, parsed and annotated in this process; prints the seconds for each K
  (wall, and CPU for the parse and for the annotators: CPU is steady on a shared machine).
* ``--among N``: N BBC articles and five known killers of a run (a JSONL line with a 5,000-digit
  number, one nested 100,000 deep, one with a lone surrogate, a file name that is not UTF-8, an
  empty file) in one directory, analyzed by the ``crosscheck`` CLI; prints what was stored and
  what was named.

Needs ../shared/data/bbc-news-fulltext (or CROSSCHECK_SHARED). Runs whatever ``crosscheck`` is on
``sys.path``, so ``PYTHONPATH=/old/checkout/src`` measures an older version the same way.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

SHARED = Path(os.environ.get("CROSSCHECK_SHARED", Path(__file__).resolve().parents[2] / "shared"))
BBC = SHARED / "data" / "bbc-news-fulltext"


def _lift_limits() -> dict[str, Any]:
    """Lift the article limits where this version has them (older ones had none): the keyword
    arguments that hand the lifted settings to a stage (none where a version set module constants)."""
    from crosscheck import config

    wanted = {"article.max_word_chars": 10_000_000, "article.max_words": 10_000_000,
              "article.max_paragraphs": 10_000_000,
              "article.max_paragraph_chars": 900_000, "annotate.time_budget_seconds": 0.0}
    if hasattr(config, "Settings"):  # one Settings object, passed to each stage
        known = config.DEFAULTS.flat()
        return {"settings": config.with_values(config.DEFAULTS, {k: v for k, v in wanted.items() if k in known})}
    config.apply({k: v for k, v in wanted.items() if k in config.TARGETS})  # type: ignore[attr-defined]
    return {}


def long_token(sizes: list[int], lifted: dict[str, Any]) -> list[tuple[int, float, float]]:
    from crosscheck.engines.local import LocalEngine
    from crosscheck.pipeline import analyze, link
    from crosscheck.store import open_store

    base = sorted((BBC / "politics").glob("*.txt"))[:20]
    out = []
    for run, n in enumerate([0, *sizes]):
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp) / "in"
            d.mkdir()
            for f in base:
                (d / f.name).write_bytes(f.read_bytes())
            token = ("Ab" * (n // 2 + 1))[:n]
            (d / "token.txt").write_text(
                "Minister defends the budget plan\n\n"
                f"The minister said on Monday that the plan was sound. The code {token} was quoted in the report. "
                "Opposition leaders denied that the figures added up.\n", encoding="utf-8")
            with open_store(Path(tmp) / "l.db") as store:
                summary = analyze([str(d)], store, engine=LocalEngine(), **lifted)
                assert summary.stored == len(base) + 1, summary.rejected
                start, cpu = time.perf_counter(), time.process_time()
                link(store, **lifted)
                wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        if run == 0:
            continue  # the warm-up run loads the models: not reported
        out.append((n, wall, cpu))
        print(f"token {n:>6,} chars: link {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    return out


def large_article(kbs: list[int], lifted: dict[str, Any]) -> list[tuple[int, float, float, float]]:
    from crosscheck.annotate import annotate_doc
    from crosscheck.annotate.nlp import load, parse
    from crosscheck.clean import clean
    from crosscheck.model import RawDoc

    paragraphs = [ln for p in sorted((BBC / "politics").glob("*.txt"))
                  for ln in p.read_text(encoding="utf-8", errors="replace").split("\n")[1:] if ln.strip()]
    nlp = load()
    out = []
    for kb in kbs:
        chosen, size = [], 0
        for ln in paragraphs * 10:
            if size >= kb * 1000:
                break
            chosen.append(ln)
            size += len(ln.encode()) + 2
        raw = "A very long report on the budget\n\n" + "\n\n".join(chosen) + "\n"
        start = time.perf_counter()
        article = clean(RawDoc(source=f"{kb}kb.txt", raw=raw, fmt="text"), **lifted)
        c0 = time.process_time()
        doc = parse(nlp, article.text)
        c1 = time.process_time()
        annotate_doc(article, doc, **lifted)
        c2 = time.process_time()
        out.append((kb, time.perf_counter() - start, c1 - c0, c2 - c1))
        print(f"article {kb:>5} KB: {out[-1][1]:.1f} s wall; CPU parse {c1 - c0:.1f} s, annotate {c2 - c1:.1f} s",
              flush=True)
    return out


def among(n: int) -> tuple[int, int, int]:
    import json
    import sqlite3
    import subprocess
    import sys

    files = sorted(BBC.rglob("*.txt"))
    files = [f for f in files if f.name[0].isdigit()][:n]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "in"
        d.mkdir()
        for i, f in enumerate(files):
            (d / f"{i:04d}-{f.name}").write_bytes(f.read_bytes())
        text = json.dumps(files[0].read_text(encoding="utf-8", errors="replace"))
        (d / "digits.jsonl").write_text('{"text": ' + text + ', "n": ' + "9" * 5000 + "}\n", encoding="utf-8")
        (d / "deep.jsonl").write_text('{"text": ' + text + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
                                      encoding="utf-8")
        (d / "surrogate.jsonl").write_text('{"text": ' + text[:-1] + ' \\ud800"}\n', encoding="utf-8")
        with open(os.path.join(os.fsencode(d), b"name-\xff\xfe.txt"), "wb") as fh:
            fh.write(files[1].read_bytes() + b"\nA changed copy.\n")
        (d / "empty.txt").write_bytes(b"")
        db = Path(tmp) / "l.db"
        proc = subprocess.run([sys.executable, "-m", "crosscheck.cli", "analyze", str(d), "--db", str(db),
                               "--no-progress"], capture_output=True, check=False)
        stderr = proc.stderr.decode("utf-8", "backslashreplace")
        named = [ln for ln in stderr.splitlines() if ln.startswith("skipped ")]
        with sqlite3.connect(db) as conn:
            stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    print(f"{n} good articles and 5 killers: exit {proc.returncode}, {stored} stored, {len(named)} named, "
          f"{stderr.count('Traceback')} tracebacks", flush=True)
    for line in named:
        print("  " + line.replace(str(d) + "/", ""))
    return proc.returncode, stored, len(named)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--token", default="0,10000,20000,40000", help="token lengths (comma-separated; empty: skip)")
    parser.add_argument("--kb", default="200,400,800", help="article sizes in KB (comma-separated; empty: skip)")
    parser.add_argument("--among", type=int, default=400, help="good articles around the five killers (0: skip)")
    args = parser.parse_args()
    if not BBC.is_dir():
        raise SystemExit(f"needs {BBC} (set CROSSCHECK_SHARED)")
    lifted = _lift_limits()
    if args.token:
        long_token([int(x) for x in args.token.split(",")], lifted)
    if args.kb:
        large_article([int(x) for x in args.kb.split(",")], lifted)
    if args.among:
        among(args.among)


if __name__ == "__main__":
    main()
