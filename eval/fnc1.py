"""FNC-1 stance on the official baseline's hold-out split of the training file.

usage: .venv/bin/python eval/fnc1.py [--json OUT]

Data: $CROSSCHECK_SHARED/data/fnc-1 (see its SOURCE.md): ``train_bodies.csv`` and
``train_stances.reconstructed.csv``, whose ``split`` column is the FNC baseline's split by body
(40,350 "train" pairs over 1,346 bodies, 9,622 "holdout" pairs over 337 others). The shipped
model (src/crosscheck/data/stance_model.json) was trained by eval/train_stance.py on the train
part only; this suite loads it and scores the hold-out part. It trains nothing.

Metrics: the FNC score as a share of the best possible (the official figure: +0.25 for a right
unrelated, +0.25 for related predicted as any related label, +0.75 more for the exact related
label), accuracy, per-class F1 and their macro mean (F1m, Hanselowski et al. 2018).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ("agree", "disagree", "discuss", "unrelated")
BASELINE_HOLDOUT = 0.7957  # the official FNC-1 baseline (GBDT, hand features) here: 3,539.75 of 4,448.5 per its README
WINNER_TEST = 0.8202  # SOLAT in the SWEN on the competition test set (SOURCE.md); a target, not this split


def read_pairs(shared: Path, split: str) -> list[tuple[str, str, str]]:
    """``(headline, body, stance)`` for one split (``train`` or ``holdout``), in file order."""
    base = shared / "data" / "fnc-1"
    with (base / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    with (base / "train_stances.reconstructed.csv").open(encoding="utf-8", newline="") as fh:
        return [(r["Headline"], bodies[r["Body ID"]], r["Stance"]) for r in csv.DictReader(fh) if r["split"] == split]


def fnc_score(gold: list[str], pred: list[str]) -> float:
    """The FNC-1 score as a share of the maximum for ``gold``."""
    def points(g: str, p: str) -> float:
        s = 0.25 if (g == "unrelated") == (p == "unrelated") else 0.0
        return s + (0.75 if g == p and g != "unrelated" else 0.0)

    best = sum(points(g, g) for g in gold)
    return sum(points(g, p) for g, p in zip(gold, pred, strict=True)) / best


def metrics(gold: list[str], pred: list[str]) -> dict[str, float]:
    """FNC score, accuracy, per-class F1 and macro F1."""
    out = {"fnc_score": fnc_score(gold, pred), "accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)}
    for lab in LABELS:
        tp = sum(g == p == lab for g, p in zip(gold, pred, strict=True))
        fp = sum(p == lab != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == lab != p for g, p in zip(gold, pred, strict=True))
        out[f"f1_{lab}"] = 2 * tp / max(2 * tp + fp + fn, 1)
    out["f1_macro"] = sum(out[f"f1_{lab}"] for lab in LABELS) / len(LABELS)
    return out


def confusion(gold: list[str], pred: list[str]) -> str:
    """A confusion table, gold in rows."""
    c = Counter(zip(gold, pred, strict=True))
    lines = ["gold \\ pred".ljust(12) + "".join(p.rjust(11) for p in LABELS)]
    lines += [g.ljust(12) + "".join(str(c[g, p]).rjust(11) for p in LABELS) for g in LABELS]
    return "\n".join(lines)


def run(shared: Path, *, verbose: bool = True) -> dict[str, float]:
    """Score the shipped stance model on the hold-out split; returns the metrics (shares, 0-1)."""
    from crosscheck.link.stance import stance_many

    rows = read_pairs(shared, "holdout")
    started = time.perf_counter()
    results = stance_many([(h, b) for h, b, _ in rows])
    elapsed = time.perf_counter() - started
    gold = [s for _, _, s in rows]
    pred: list[str] = [lab for lab, _ in results]
    out = metrics(gold, pred)
    if verbose:
        print(f"FNC-1 hold-out split: {len(rows)} pairs, {len({b for _, b, _ in rows})} bodies, {elapsed:.0f} s")
        print(f"{'metric':<14}{'ours':>8}{'baseline':>10}")
        for k, v in out.items():
            ref = f"{BASELINE_HOLDOUT:.4f}" if k == "fnc_score" else "-"
            print(f"{k:<14}{v:>8.4f}{ref:>10}")
        print(f"(the FNC-1 winner scored {WINNER_TEST:.4f} on the competition test set, not on this split)")
        print(confusion(gold, pred))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, help="write the metrics here as JSON")
    args = ap.parse_args(argv)
    shared = Path(os.environ.get("CROSSCHECK_SHARED", ROOT.parent / "shared")).resolve()
    if not (shared / "data" / "fnc-1" / "train_stances.reconstructed.csv").exists():
        print(f"FNC-1 data not found under {shared}/data/fnc-1; set CROSSCHECK_SHARED", file=sys.stderr)
        return 2
    out = run(shared)
    if args.json:
        args.json.write_text(json.dumps({k: round(v, 4) for k, v in out.items()}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
