"""The generalisation gold (eval/data/generalisation.gold.json): no article text in it, every anchor
rebuilt from the shared data with its digest intact, and present in the text the pipeline is given."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import need_shared

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "eval"))

import generalisation as gen  # noqa: E402

CLAIM_KEYS = {"id", "doc", "speaker", "speaker_aliases", "cue", "start", "end", "sha256", "polarity", "direct", "level"}


def test_the_gold_stores_offsets_and_digests_not_text() -> None:
    gold = gen.load_gold()
    assert len(gold["documents"]) >= 30
    assert Counter(d["kind"] for d in gold["documents"].values()).keys() == {"bbc", "reuters", "fnc1"}
    for c in gold["claims"]:
        assert set(c) == CLAIM_KEYS, c["id"]
        assert 0 <= c["start"] < c["end"] and len(c["sha256"]) == 64
        assert c["polarity"] in ("assert", "deny") and c["level"] in ("core", "extended")
    assert len({c["id"] for c in gold["claims"]}) == len(gold["claims"])
    assert {c["doc"] for c in gold["claims"]} == set(gold["documents"])


def test_every_anchor_rebuilds_and_survives_into_the_article_given_to_the_pipeline() -> None:
    shared = need_shared("data")
    gold = gen.load_gold()
    for path in gen.data_paths(shared.parent, gold):
        if not path.exists():
            need_shared(str(path.relative_to(shared.parent)))
    rebuilt = gen.seeds_gold(shared.parent, gold)
    fold = lambda s: " ".join(s.translate(gen._FOLD).lower().split())  # noqa: E731
    for c in rebuilt["claims"]:
        doc = gold["documents"][c["doc"]]
        assert fold(c["anchor"]) in fold(gen.article_text(shared.parent, doc)), c["id"]
    core = [c for c in rebuilt["claims"] if c["level"] == "core"]
    assert rebuilt["acceptance"]["ledger"]["core_claims_found"] == "90%"  # the seeds' own thresholds
    assert any(c["polarity"] == "deny" for c in core)


def test_a_changed_source_is_caught_not_scored() -> None:
    text = "The minister said the plan was \u201cdead\u201d, officials said."
    start, end = gen.locate(text, 'the plan was "dead"')
    claim = {"id": "x-1", "doc": "x", "start": start, "end": end, "sha256": gen.digest(gen.squash(text[start:end]))}
    assert gen.anchor_of(text, claim) == "the plan was \u201cdead\u201d"
    with pytest.raises(gen.AnchorDrift):
        gen.anchor_of(text.replace("plan", "bill"), claim)


def test_locate_folds_case_quotes_and_line_breaks() -> None:
    text = "Rumors circulated\n    yesterday that units had\nRESTRICTED business."
    start, end = gen.locate(text, "units had restricted business")
    assert text[start:end] == "units had\nRESTRICTED business"
    with pytest.raises(ValueError):
        gen.locate(text, "nowhere in the text")
