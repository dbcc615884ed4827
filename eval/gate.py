"""The eval gate: run every suite whose data is present, print one table, fail on regressions.

    python eval/gate.py            # the fast suites (what `make test` runs)
    python eval/gate.py --all      # every suite (what `make eval` runs)
    python eval/gate.py --update   # raise floors to the measured values (raising is free)
    python eval/gate.py --update --allow-regression   # lower a floor: say why in the commit
    python eval/gate.py --all --report   # also record the figures in docs/EVALUATION.md (`make eval-report`)

Floors live in eval/baseline.json as {suite: {"hash": corpus hash, "floors": {metric: value}}}.
A floor is only compared when the corpus hash matches, so a changed data set cannot pass or
fail silently against floors measured on another. A plain run writes nothing tracked (`make test`
must leave the work tree clean); `--report` writes eval/results.json and the docs sections.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "eval"))

from suites import FAST, SLOW, Suite, shared_dir  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from docsection import machine_line, update_section  # noqa: E402

BASELINE = ROOT / "eval" / "baseline.json"
RESULTS = ROOT / "eval" / "results.json"
TOLERANCE = 1e-3  # floors are compared to 3 decimals: eval runs are deterministic
# Reported, never gated: timings and counts are not "higher is better", and a reference
# system's scores (textacy, the FNC baseline) are not ours to hold; n_* are counts and ratios
# (false denials, claims per gold claim) whose gated form is a capped row of their own.
INFO = re.compile(r"seconds|^docs$|^clusters$|^textacy_|^baseline_|^n_")


def corpus_hash(paths: list[Path]) -> str:
    """A short hash of the data files a suite reads (names and sizes, plus the small files' bytes)."""
    h = hashlib.sha256()
    # ordered by the names hashed, not by where the checkout lies (a clone beside ../shared may
    # sort before or after it)
    files = sorted((str(f.relative_to(p.parent)), f) for p in paths
                   for f in (sorted(p.rglob("*")) if p.is_dir() else [p]) if f.is_file())
    for name, f in files:
        h.update(name.encode())
        h.update(str(f.stat().st_size).encode())
        if f.stat().st_size < 200_000:
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--all", action="store_true", help="run the slow suites too")
    ap.add_argument("--only", nargs="*", help="run only these suites")
    ap.add_argument("--update", action="store_true", help="raise floors to the measured values")
    ap.add_argument("--allow-regression", action="store_true", help="with --update: lower floors too")
    ap.add_argument("--report", action="store_true", help="write eval/results.json and docs/EVALUATION.md")
    args = ap.parse_args(argv)

    shared = shared_dir()
    suites: list[Suite] = list(FAST) + (list(SLOW) if args.all else [])
    if args.only:
        suites = [s for s in FAST + SLOW if s.name in args.only]
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    rows: list[tuple[str, str, str, str, str]] = []
    failures: list[str] = []
    in_ci = os.environ.get("CI", "").lower() == "true"
    for suite in suites:
        missing = [p for p in suite.data(shared) if not p.exists()]
        if missing:
            msg = f"{suite.name}: data missing ({missing[0]})"
            if in_ci:
                failures.append(msg)
            rows.append((suite.name, "-", "skipped", "-", "missing data" if not in_ci else "FAIL"))
            continue
        started = time.perf_counter()
        try:
            measured = suite.run(shared)
        except Exception as exc:  # a suite that crashes is a failure, reported as such
            failures.append(f"{suite.name}: crashed: {type(exc).__name__}: {exc}")
            rows.append((suite.name, "-", "crashed", "-", "FAIL"))
            continue
        elapsed = time.perf_counter() - started
        digest = corpus_hash(suite.data(shared))
        results[suite.name] = {k: round(v, 4) for k, v in measured.items()}
        entry = baseline.setdefault(suite.name, {"hash": digest, "floors": {}})
        if entry.get("hash") != digest:
            if args.update:
                entry["hash"], entry["floors"] = digest, {}
            else:
                failures.append(f"{suite.name}: corpus hash {digest} differs from the baseline's {entry.get('hash')}")
        floors: dict[str, float] = entry["floors"]
        for metric, value in sorted(measured.items()):
            if INFO.search(metric):
                floors.pop(metric, None)
                rows.append((suite.name, metric, f"{value:.4f}", "-", "info"))
                continue
            floor = floors.get(metric)
            verdict = "ok"
            if floor is not None and value < floor - TOLERANCE:
                verdict = "BELOW"
                if not (args.update and args.allow_regression):
                    failures.append(f"{suite.name}.{metric}: {value:.4f} < floor {floor:.4f}")
            if args.update and (floor is None or value > floor or args.allow_regression):
                floors[metric] = round(value, 4)
            rows.append((suite.name, metric, f"{value:.4f}", "-" if floor is None else f"{floor:.4f}", verdict))
        rows.append((suite.name, "(seconds)", f"{elapsed:.1f}", "-", "info"))
    _print_table(rows)
    if args.report:
        _write_docs(rows, argv)
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    if args.update:
        BASELINE.write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n")
    if failures:
        print("\nEVAL GATE FAILED:", *failures, sep="\n  ")
        return 1
    print("\neval gate: all floors hold")
    return 0


def _write_docs(rows: list[tuple[str, str, str, str, str]], argv: list[str] | None) -> None:
    """Record each measured suite in docs/EVALUATION.md with the command, machine and date."""
    command = "python eval/gate.py " + " ".join(argv if argv is not None else sys.argv[1:])
    for suite in sorted({r[0] for r in rows if r[2] not in ("skipped", "crashed")}):
        table = ["| metric | ours | floor |", "|---|---|---|"]
        table += [f"| {r[1]} | {r[2]} | {r[3]} |" for r in rows if r[0] == suite]
        body = f"### {suite}\n\n`{command.strip()}` ({machine_line()})\n\n" + "\n".join(table) + "\n"
        update_section(ROOT / "docs" / "EVALUATION.md", f"eval:{suite}", body)


def _print_table(rows: list[tuple[str, str, str, str, str]]) -> None:
    head = ("suite", "metric", "ours", "floor", "")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(5)]
    line: Callable[[tuple[str, ...]], str] = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True))  # noqa: E731
    print(line(head))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


if __name__ == "__main__":
    sys.exit(main())
