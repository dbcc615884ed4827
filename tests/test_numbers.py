"""Numbers as people write them, with their speaker and conflicts (link/numbers.py)."""

from __future__ import annotations

from typing import Any

import pytest

from crosscheck.link.numbers import conflict, label, number, story_numbers


@pytest.mark.parametrize("value, want", [
    (1_000_000.0, "1 million"), (1_500_000.0, "1.5 million"), (2e9, "2 billion"), (3000.0, "3,000"),
    (116.0, "116"), (2.0, "2"), (2.75, "2.75"), (1_234_567.0, "1,234,567"), (0.5, "0.5"),
])
def test_number_reads_as_written(value: float, want: str) -> None:
    assert number(value) == want


@pytest.mark.parametrize("args, want", [
    ((1_000_000.0, None, "more_than", "artillery shells"), "more than 1 million artillery shells"),
    ((9.0, None, "at_least", "times"), "at least 9 times"),
    ((3000.0, None, "about", "people"), "about 3,000 people"),
    ((2.0, None, "exact", "allies"), "2 allies"),
    ((18.0, 25.0, "range", "years"), "18 to 25 years"),
    ((1.0, None, "at_least", "missiles"), "at least 1 missile"),
    ((1.0, None, "exact", "casualties"), "1 casualty"),
    ((5.0, None, "at_most", None), "at most 5"),
])
def test_label_never_shows_floats_or_bound_names(args: tuple[Any, ...], want: str) -> None:
    got = label(*args)
    assert got == want and ".0" not in got and "exact" not in got and "_" not in got


def _q(qid: str, value: float, bound: str, unit: str, article: str = "a1", start: int = 0,
       value_max: float | None = None, claim_id: str | None = None) -> dict[str, Any]:
    return {"id": qid, "article_id": article, "start": start, "end": start + 5, "text": "x", "value": value,
            "value_max": value_max, "bound": bound, "unit": unit, "claim_id": claim_id}


def test_conflicts_read_bounds_as_intervals() -> None:
    assert not conflict(_q("1", 1000, "more_than", "containers"), _q("2", 1000, "exact", "container"))
    assert not conflict(_q("1", 9, "at_least", "times"), _q("2", 9, "exact", "times"))
    assert conflict(_q("1", 9, "exact", "times"), _q("2", 12, "at_least", "times"))
    assert conflict(_q("1", 100, "about", "people"), _q("2", 200, "about", "people"))
    assert not conflict(_q("1", 100, "about", "people"), _q("2", 105, "exact", "people"))
    assert not conflict(_q("1", 9, "exact", "times"), _q("2", 12, "exact", "km"))  # other units never
    assert conflict(_q("1", 18, "range", "years", value_max=25), _q("2", 30, "exact", "years"))


def test_story_numbers_name_the_speaker_the_claim_and_the_conflicts() -> None:
    claims = [{"id": "a1:c1", "article_id": "a1", "start": 0, "end": 40, "sentence_start": 0, "sentence_end": 60,
               "content": "Russia fired 9 missiles", "speaker": "Robert Wood", "speaker_text": "Wood"},
              {"id": "a2:c1", "article_id": "a2", "start": 10, "end": 30, "sentence_start": 0, "sentence_end": 50,
               "content": "at least 12 missiles were fired", "speaker": None, "speaker_text": "officials"}]
    qs = [_q("q1", 9, "exact", "missiles", "a1", 13, claim_id="a1:c1"),
          _q("q2", 12, "at_least", "missiles", "a2", 45),  # not tied to a claim, inside its sentence
          _q("q3", 4, "exact", "days", "a3", 5), _q("q4", 2, "exact", None, "a1", 2)]
    got = {n["id"]: n for n in story_numbers(qs, claims, {"a1": "UN News", "a2": "example.org"})}
    assert set(got) == {"q1", "q2", "q3"}  # a bare number with no unit is not a counted quantity
    assert got["q1"]["label"] == "9 missiles" and got["q1"]["speaker"] == "Robert Wood"
    assert got["q2"]["speaker"] == "officials" and got["q2"]["claim_id"] == "a2:c1" and got["q2"]["outlet"] == "example.org"
    assert [o["label"] for o in got["q1"]["conflicts"]] == ["at least 12 missiles"]
    assert got["q1"]["conflicts"][0]["speaker"] == "officials" and got["q2"]["conflict"]
    assert got["q3"]["speaker"] is None and got["q3"]["conflicts"] == []
