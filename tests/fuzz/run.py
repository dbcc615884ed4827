"""Run hostile inputs through ``crosscheck analyze`` in batches and check every outcome (issue 15).

    python tests/fuzz/run.py [--inputs 10200] [--batch 1020] [--controls 40] [--seed 15] [--no-link]

Each batch is a fresh directory of seeded hostile inputs (tests/fuzz/hostile.py) with good control
articles mixed in, analyzed by a real ``crosscheck`` process into a fresh ledger (and linked,
unless --no-link), then checked: no traceback, no internal error, every control stored, every bad
input named on exactly one ``skipped`` line, every other input stored or named once, no control
character or undecodable byte in the output. Prints one line per batch and a Markdown summary
(docs/RELIABILITY.md records it); exit code 1 when any check failed. ``make fuzz`` runs it.
Files are written under a temporary directory and deleted afterwards: nothing is kept as data.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hostile

ROOT = Path(__file__).resolve().parents[2]


def shared_path() -> Path:
    return Path(os.environ.get("CROSSCHECK_SHARED", ROOT.parent / "shared")).resolve()


def demo_path() -> Path:
    from importlib import resources

    return Path(str(resources.files("crosscheck.data").joinpath("demo/articles")))


@dataclass
class Totals:
    inputs: int = 0
    controls: int = 0
    bad: int = 0
    stored: int = 0
    rejected: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)


def run_batch(rng: random.Random, root: Path, n: int, controls: int, bases: list[str], *, link: bool,
              timeout: float = 900) -> tuple[list[hostile.Case], hostile.Outcome, float]:
    """Write one batch under ``root``, analyze it with the CLI, and check the outcome."""
    cases = hostile.write_batch(rng, root / "in", n, bases, controls)
    db = root / "ledger.db"
    args = [sys.executable, "-m", "crosscheck.cli", "analyze", str(root / "in"), "--db", str(db), "--no-progress"]
    if not link:
        args.append("--no-link")
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, check=False, timeout=timeout, cwd=root)
    took = time.perf_counter() - start
    stdout = proc.stdout.decode("utf-8", "backslashreplace")
    stderr = proc.stderr.decode("utf-8", "backslashreplace")
    outcome = hostile.check(cases, stdout, stderr, proc.returncode, db)
    return cases, outcome, took


def describe(outcome: hostile.Outcome) -> str:
    parts = [f"{k}={v[:3]}" for k, v in (("lost_controls", outcome.lost_controls), ("bad_unnamed", outcome.bad_unnamed),
                                         ("named_twice", outcome.named_twice), ("both", outcome.both),
                                         ("neither", outcome.neither), ("unknown_lines", outcome.unknown_lines),
                                         ("internal_lines", outcome.internal_lines)) if v]
    if outcome.tracebacks:
        parts.append(f"tracebacks={outcome.tracebacks}")
    if outcome.internal:
        parts.append(f"internal={outcome.internal}")
    if outcome.unsafe_output:
        parts.append("unsafe output")
    if outcome.returncode not in (0, 1, 2):
        parts.append(f"exit {outcome.returncode}")
    return "; ".join(parts)


def run(inputs: int, batch: int, controls: int, seed: int, *, link: bool, quiet: bool = False,
        only: set[int] | None = None) -> Totals:
    rng = random.Random(seed)
    bases = hostile.base_texts(shared_path(), demo_path())
    totals = Totals()
    with tempfile.TemporaryDirectory(prefix="crosscheck-fuzz-") as tmp:
        for b in range(0, inputs, batch):
            root = Path(tmp) / f"batch{b // batch:03d}"
            if only is not None and b // batch not in only:  # made (the seed's sequence stays), not run
                hostile.write_batch(rng, root / "in", min(batch, inputs - b), bases, controls)
                import shutil

                shutil.rmtree(root, ignore_errors=True)
                continue
            cases, outcome, took = run_batch(rng, root, min(batch, inputs - b), controls, bases, link=link)
            totals.inputs += sum(1 for c in cases if c.expect != "control")
            totals.controls += sum(1 for c in cases if c.expect == "control")
            totals.bad += sum(1 for c in cases if c.expect == "bad")
            totals.kinds.update(c.kind for c in cases if c.expect != "control")
            totals.stored += outcome.stored
            totals.rejected += outcome.rejected
            totals.seconds += took
            if not outcome.ok:
                totals.failures.append(f"batch {b // batch}: {describe(outcome)}")
            if not quiet:
                print(f"batch {b // batch:3d}: {len(cases):5,} inputs, {outcome.stored:5,} stored, "
                      f"{outcome.rejected:5,} named, exit {outcome.returncode}, {took:6.1f} s"
                      f"{'' if outcome.ok else ' FAILED: ' + describe(outcome)}", flush=True)
            import shutil

            shutil.rmtree(root, ignore_errors=True)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=10_200)
    parser.add_argument("--batch", type=int, default=1_020)
    parser.add_argument("--controls", type=int, default=40, help="good control articles per batch")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--no-link", action="store_true", help="analyze only (the end-of-run link is skipped)")
    parser.add_argument("--only", default="", help="run only these batch numbers (comma-separated), to replay one")
    args = parser.parse_args()
    only = {int(x) for x in args.only.split(",")} if args.only else None
    totals = run(args.inputs, args.batch, args.controls, args.seed, link=not args.no_link, only=only)
    print()
    print("| hostile inputs | of which must be rejected | controls | stored | named once | crashes (tracebacks, "
          "internal errors) | lost controls | time |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {totals.inputs:,} | {totals.bad:,} | {totals.controls:,} | {totals.stored:,} | {totals.rejected:,} | "
          f"{sum('traceback' in f or 'internal' in f for f in totals.failures)} | "
          f"{sum('lost_controls' in f for f in totals.failures)} batches | {totals.seconds:.0f} s |")
    print("\nkinds: " + ", ".join(f"{k} {v:,}" for k, v in sorted(totals.kinds.items())))
    if totals.failures:
        print("\nFAILED:\n" + "\n".join(totals.failures))
        raise SystemExit(1)
    print("\nall checks held")


if __name__ == "__main__":
    main()
