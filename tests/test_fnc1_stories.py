"""The FNC-1 stories suite's own parts (eval/fnc1_stories.py): gold stories, parts, B-cubed, and a real slice."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
from tests.conftest import ROOT, need_shared

sys.path.insert(0, str(ROOT / "eval"))
import fnc1_stories as fs  # type: ignore[import-not-found]


def test_components_join_bodies_through_shared_headlines() -> None:
    got = fs.components([("h1", "10"), ("h1", "2"), ("h2", "2"), ("h3", "7"), ("h4", "30")])
    assert got == {"10": "2", "2": "2", "7": "7", "30": "30"}


def test_parts_are_stable_and_both_used() -> None:
    keys = [str(i) for i in range(200)]
    parts = [fs.part_of(k) for k in keys]
    assert parts == [fs.part_of(k) for k in keys]
    assert 60 < parts.count("tuning") < 140


def test_bcubed() -> None:
    gold = {"a": "1", "b": "1", "c": "2", "d": "2"}
    assert fs.bcubed(gold, gold) == (1.0, 1.0, 1.0)
    p, r, f = fs.bcubed({"a": "x", "b": "x", "c": "x", "d": "x"}, gold)
    assert (p, r) == (0.5, 1.0) and abs(f - 2 / 3) < 1e-9
    p, r, _ = fs.bcubed({"a": "1", "b": "2", "c": "3", "d": "4"}, gold)
    assert (p, r) == (1.0, 0.5)


def test_labelled_metrics() -> None:
    m = fs.labelled_metrics(["agree", "disagree", "discuss", "discuss"], ["agree", "discuss", "discuss", "discuss"])
    assert m["accuracy"] == 0.75 and m["f1_agree"] == 1.0 and m["f1_disagree"] == 0.0
    assert abs(m["f1_discuss"] - 0.8) < 1e-9 and abs(m["f1_macro"] - 0.6) < 1e-9


@pytest.mark.shared
@pytest.mark.slow
def test_a_real_slice_of_fnc1_end_to_end(tmp_path: Path) -> None:
    """Four small FNC-1 stories analyzed together: each comes back whole, and every label is scored."""
    base = need_shared("data", "fnc-1")
    with (base / "train_stances.reconstructed.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    gold = fs.components((r["Headline"], r["Body ID"]) for r in rows if r["Stance"] != "unrelated")
    sizes: dict[str, int] = {}
    for k in gold.values():
        sizes[k] = sizes.get(k, 0) + 1
    keep = {k for k, n in sorted(sizes.items()) if 3 <= n <= 5}
    keep = set(sorted(keep)[:4])
    bodies = {b for b, k in gold.items() if k in keep}
    with (base / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        body_rows = [r for r in csv.DictReader(fh) if r["Body ID"] in bodies]
    with (tmp_path / "b.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["Body ID", "articleBody"])
        w.writeheader()
        w.writerows(body_rows)
    with (tmp_path / "s.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(r for r in rows if r["Body ID"] in bodies)
    out = fs.evaluate(tmp_path / "b.csv", tmp_path / "s.csv", tmp_path / "work", workers=1, verbose=False)
    assert out["docs"] == len(bodies) and out["story_b3_r"] > 0.5 and out["story_b3_p"] > 0.5
    assert 0.0 <= out["stance_f1_macro"] <= 1.0 and 0.0 < out["stance_accuracy"] <= 1.0
    assert "ledger_stance_accuracy" in out
