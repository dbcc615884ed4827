"""The quick slice of the fuzz run (``make fuzz`` runs at least 10,000 inputs): a few hundred seeded
hostile inputs with good control articles, through the real CLI, analyzed and linked."""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hostile
import run


def test_a_quick_slice_of_hostile_inputs(tmp_path: Path) -> None:
    bases = hostile.base_texts(run.shared_path(), run.demo_path())
    cases, outcome, _ = run.run_batch(random.Random(15), tmp_path, 160, 16, bases, link=True, timeout=600)
    assert len(cases) >= 160
    assert {c.kind for c in cases} >= {"binary", "html", "jsonl", "mutated", "odd name", "control"}
    assert outcome.ok, run.describe(outcome)
    assert outcome.returncode == 1  # some rejected, none crashed
    controls = sum(c.expect == "control" for c in cases)
    bad = sum(c.expect == "bad" for c in cases)
    assert controls == 16 and bad > 40 and outcome.rejected >= bad and outcome.stored >= controls


def test_the_generator_is_seeded(tmp_path: Path) -> None:
    bases = hostile.base_texts(run.shared_path(), run.demo_path())
    first = hostile.write_batch(random.Random(7), tmp_path / "a", 60, bases, 3)
    second = hostile.write_batch(random.Random(7), tmp_path / "b", 60, bases, 3)
    assert [(Path(c.source).name, c.expect) for c in first] == [(Path(c.source).name, c.expect) for c in second]
    for a, b in zip(first, second, strict=True):
        pa, pb = Path(a.source.split("#")[0]), Path(b.source.split("#")[0])
        if pa.is_file() and not pa.is_symlink() and "\\" not in a.source:
            assert pa.read_bytes() == pb.read_bytes()
