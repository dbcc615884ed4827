"""Quantities: bounds, ranges, number words, units and counted nouns; no numbers from dates, ages, ids."""

from __future__ import annotations

from crosscheck.annotate.lexicon import parse_number
from crosscheck.annotate.nlp import parse
from crosscheck.annotate.quantities import extract_quantities
from crosscheck.model import Article, Claim, Quantity


def _qs(nlp, text: str, claims: list[Claim] | None = None) -> list[Quantity]:  # type: ignore[no-untyped-def]
    return extract_quantities(parse(nlp, text), Article(id="a", source="s", text=text), claims or [])


def _one(qs: list[Quantity], needle: str) -> Quantity:
    hits = [q for q in qs if needle in q.text]
    assert hits, f"{needle!r} not in {[q.text for q in qs]}"
    return hits[0]


def test_bounds(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The flood destroyed at least 40 houses. More than 300 volunteers came. About 15 boats sank. "
        "Nearly 2,000 sheep drowned. Up to 70 roads were closed."
    )
    qs = _qs(nlp, text)
    assert (_one(qs, "40").value, _one(qs, "40").bound, _one(qs, "40").unit) == (40, "at_least", "houses")
    assert (_one(qs, "300").bound, _one(qs, "300").unit) == ("more_than", "volunteers")
    assert _one(qs, "15").bound == "about"
    assert (_one(qs, "2,000").value, _one(qs, "2,000").bound, _one(qs, "2,000").unit) == (2000, "about", "sheep")
    assert _one(qs, "70").bound == "at_most"


def test_ranges_stay_ranges(nlp) -> None:  # type: ignore[no-untyped-def]
    qs = _qs(nlp, "Turnout was 18 to 25 percent, and between 3 and 5 ministers resigned.")
    q = _one(qs, "18")
    assert (q.value, q.value_max, q.bound, q.unit) == (18, 25, "range", "percent")
    q = _one(qs, "between")
    assert (q.value, q.value_max, q.bound) == (3, 5, "range")


def test_number_words_and_units(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Nine trucks left. The convoy carried a million litres of fuel over 120 km, "
        "and a couple hundred engineers followed with seven other teams."
    )
    qs = _qs(nlp, text)
    assert (_one(qs, "Nine").value, _one(qs, "Nine").unit) == (9, "trucks")
    assert _one(qs, "a million").value == 1_000_000
    assert _one(qs, "120").unit == "km"
    assert _one(qs, "a couple hundred").value == 200
    assert _one(qs, "seven").unit == "teams"


def test_parse_number() -> None:
    assert parse_number("twenty-six") == 26
    assert parse_number("1,500") == 1500
    assert parse_number("2.5 million") == 2_500_000
    assert parse_number("a dozen") == 12


def test_not_dates_ages_or_identifiers(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "On March 5, 2020, a 34-year-old pilot flew an F-16 under Resolution 2231. "
        "The driver, aged 52, was unhurt. In 1998 the airport had 12 gates."
    )
    qs = _qs(nlp, text)
    values = {q.value for q in qs}
    assert values == {12}, [q.text for q in qs]


def test_one_as_pronoun_is_not_a_quantity(nlp) -> None:  # type: ignore[no-untyped-def]
    qs = _qs(nlp, "No one was hurt, but one of the oldest bridges fell and at least one of the towers cracked.")
    assert [(q.value, q.bound, q.unit) for q in qs] == [(1, "at_least", "towers")]


def test_claim_id_and_offsets(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The mayor said that 14 schools would close."
    start = text.index("14")
    claim = Claim(
        id="a:c1",
        article_id="a",
        start=start,
        end=len(text) - 1,
        content=text[start:-1],
        cue="say",
        kind="indirect",
        direct=False,
    )
    qs = _qs(nlp, text, [claim])
    assert qs[0].claim_id == "a:c1" and qs[0].id == "a:q1"
    for q in qs:
        assert text[q.start : q.end] == q.text


def test_participle_between_number_and_noun(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The order bars 31 named executives from travel. Medics evacuated 14 badly wounded soldiers "
        "and 7 newly recruited engineers. Police held 40 armed men last week."
    )
    qs = _qs(nlp, text)
    assert (_one(qs, "31").unit, _one(qs, "31").text) == ("executives", "31 named executives")
    assert _one(qs, "14").unit == "soldiers"
    assert _one(qs, "7").unit == "engineers"
    assert (_one(qs, "40").unit, _one(qs, "40").text) == ("men", "40 armed men")


def test_counted_noun_stops_at_a_time(nlp) -> None:  # type: ignore[no-untyped-def]
    qs = _qs(nlp, "Traders sold 300 shares Friday and 20 bonds last month.")
    assert _one(qs, "300").text == "300 shares"
    assert _one(qs, "20").unit == "bonds"
