"""Time expressions: recognition, TIMEX3 values, reference dates, null with a reason (our own sentences)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from tests.conftest import ROOT, need_shared

from crosscheck.annotate.nlp import parse
from crosscheck.annotate.times import extract_times, reference_date, with_reference_date
from crosscheck.model import Article, TimeExpr


def _times(nlp, text: str, published: str | None = None) -> tuple[Article, list[TimeExpr]]:  # type: ignore[no-untyped-def]
    doc = parse(nlp, text)
    art = with_reference_date(doc, Article(id="a", source="s", text=text, published=published))
    return art, extract_times(doc, art)


def _value(times: list[TimeExpr], text: str, nth: int = 0) -> str | None:
    hits = [t for t in times if t.text == text]
    assert len(hits) > nth, f"{text!r} not found in {[t.text for t in times]}"
    return hits[nth].value


def test_explicit_dates_months_years(nlp) -> None:  # type: ignore[no-untyped-def]
    _, ts = _times(nlp, "The plant closed on March 3, 2021. It reopened in June 2022 and was sold in 2023.")
    assert _value(ts, "March 3, 2021") == "2021-03-03"
    assert _value(ts, "June 2022") == "2022-06"
    assert _value(ts, "2023") == "2023"
    for t in ts:
        assert t.id.startswith("a:t") and "Test" not in t.text


def test_year_inferred_across_new_year(nlp) -> None:  # type: ignore[no-untyped-def]
    _, ts = _times(nlp, "The ferry sank on Dec. 28, the agency said.", published="2019-01-06")
    t = next(t for t in ts if t.text == "Dec. 28")
    assert t.value == "2018-12-28"
    assert t.resolution == "year_inferred"


def test_year_from_same_month_day_elsewhere(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Talks began on November 12, 2016 in Lima.\n\nOn November 12 the delegates walked out."
    _, ts = _times(nlp, text)
    assert _value(ts, "November 12") == "2016-11-12"


def test_weekday_fixes_the_year(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The council met on Thursday, March 14.\n\nIts budget for 2018 was cut in May 2018."
    art, ts = _times(nlp, text)
    assert _value(ts, "Thursday, March 14") == "2019-03-14"  # 14 March is a Thursday in 2019
    assert art.published == "2019-03-14" and art.published_source == "inferred"


def test_bare_weekday_is_the_named_one(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Ministers met on Monday (October 7, 2019) in Oslo.\n\nA communique followed on Monday as well."
    _, ts = _times(nlp, text, published="2019-10-09")
    assert _value(ts, "Monday") == "2019-10-07"


def test_bare_weekday_from_reference(nlp) -> None:  # type: ignore[no-untyped-def]
    _, ts = _times(nlp, "The mayor resigned on Tuesday, officials said.", published="2020-06-12")
    assert _value(ts, "Tuesday") == "2020-06-09"


def test_previous_day_relative_to_same_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "On May 9 the ministry said that the storm which hit the coast the previous day had passed."
    _, ts = _times(nlp, text, published="2017-05-10")
    assert _value(ts, "the previous day") == "2017-05-08"
    t = next(t for t in ts if t.text == "the previous day")
    assert t.resolution == "relative" and t.anchor == "May 9"


def test_deictic_weeks_months_years(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Prices rose last week. Earlier this year they fell, and last month they were flat. This year is odd."
    _, ts = _times(nlp, text, published="2021-09-15")
    assert _value(ts, "last week") == "2021-W36"
    assert _value(ts, "Earlier this year") == "2021"
    assert _value(ts, "last month") == "2021-08"
    assert _value(ts, "This year") == "2021"


def test_month_without_year_from_reference(nlp) -> None:  # type: ignore[no-untyped-def]
    _, ts = _times(nlp, "The law passed in October, after a long debate.", published="2015-02-02")
    assert _value(ts, "October") == "2014-10"


def test_month_without_year_next_few_months_or_past(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The bridge reopens in January, officials said. "
        "In December the old span was closed. The council ratified the plan last February."
    )
    _, ts = _times(nlp, text, published="2015-10-20")
    assert _value(ts, "January") == "2016-01"  # a few months ahead: the coming one
    assert _value(ts, "December") == "2014-12"  # past tense: the last one
    _, ts = _times(nlp, "The council ratified the plan last February.", published="2015-03-02")
    assert _value(ts, "last February") == "2014-02"  # the month just ended would be "last month"


def test_month_day_ahead_or_behind(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The vote is due on Dec. 3. The previous ballot, held on June 9, was annulled."
    _, ts = _times(nlp, text, published="2011-10-05")
    assert _value(ts, "Dec. 3") == "2011-12-03"
    assert _value(ts, "June 9") == "2011-06-09"
    _, ts = _times(nlp, "Police have searched for him since the April 2 fire.", published="2011-10-05")
    assert _value(ts, "April 2") == "2011-04-02"


def test_weekday_future_and_past_signals(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The delegation could arrive as soon as Thursday. The ferry is to resume service Friday. "
        "Until Monday, the port had stayed shut. Lawyers studied Tuesday's ruling."
    )
    _, ts = _times(nlp, text, published="2012-05-16")  # a Wednesday
    assert _value(ts, "Thursday") == "2012-05-17"
    assert _value(ts, "Friday") == "2012-05-18"
    assert _value(ts, "Monday") == "2012-05-14"
    assert _value(ts, "Tuesday") == "2012-05-15"


def test_year_modifying_a_noun_is_a_year_but_a_count_is_not(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The 1994 flood and a 1987 treaty are remembered; 2000 people marched, as they had since 1985."
    _, ts = _times(nlp, text, published="2001-05-05")
    assert _value(ts, "1994") == "1994"
    assert _value(ts, "1987") == "1987"
    assert _value(ts, "1985") == "1985"
    assert "2000" not in [t.text for t in ts]


def test_durations_sets_seasons_quarters(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The pact lasts ten years. Inspectors visit every week. Sales fell in the third quarter. "
        "The offensive began in the summer of 2016 and stalled for six months."
    )
    _, ts = _times(nlp, text, published="2017-11-03")
    assert _value(ts, "ten years") == "P10Y"
    assert _value(ts, "every week") == "P1W"
    assert _value(ts, "the third quarter") == "2017-Q3"
    assert _value(ts, "the summer of 2016") == "2016-SU"
    assert _value(ts, "six months") == "P6M"


def test_results_story_quarters(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Acme said profit rose in the latest period. Sales in the quarter reached $3 million. "
        "Acme earned $2 million in the third quarter. Costs rose in the quarter, compared with the 2010 quarter. "
        "Acme raised its quarterly dividend. Growth was slow in recent years."
    )
    _, ts = _times(nlp, text, published="2011-11-02")
    assert _value(ts, "the latest period") == "2011-Q3"  # the last quarter completed before the story
    assert _value(ts, "the quarter", 1) == "2011-Q3"
    assert _value(ts, "the 2010 quarter") == "2010-Q3"
    assert _value(ts, "recent years") == "PXY"
    assert "quarterly" not in [t.text for t in ts]


def test_the_year_current_years_in_words(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Profit for the year will beat the current forecast. For the year ended June 30, sales fell. "
        "The storm of nineteen ninety-six was worse, and the dam was planned for the year two thousand. "
        "The mill closed in July last year. Two thousand people marched."
    )
    _, ts = _times(nlp, text, published="1998-10-12")
    assert _value(ts, "the year") == "1998"
    assert _value(ts, "the year", 1) == "P1Y"
    assert _value(ts, "current") == "PRESENT_REF"
    assert _value(ts, "nineteen ninety-six") == "1996"
    assert _value(ts, "the year two thousand") == "2000"
    assert _value(ts, "July last year") == "1997-07"
    assert not [t for t in ts if t.text.startswith("Two thousand")]


def test_measures_fractions_and_sets(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The talks lasted 2 1/2 years and the last session 5 1/2 hours. A few days later the deal fell apart. "
        "Fishermen sail each July. Imports cover three-quarters of demand. Profit rose in the second half of 2009."
    )
    _, ts = _times(nlp, text, published="2010-03-01")
    assert _value(ts, "2 1/2 years") == "P2Y6M"
    assert _value(ts, "5 1/2 hours") == "PT5H30M"
    assert _value(ts, "A few days later") == "PXD"  # a measure, with no date to give
    assert _value(ts, "each July") == "XXXX-07"
    assert _value(ts, "the second half of 2009") == "2009-H2"
    assert not [t for t in ts if "quarters" in t.text]


def test_more_durations_and_vague_future(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The lease runs for at least 20 more years, after a decades-long feud and a day-long hearing. "
        "Over the next couple of years prices may fall, and a sale is likely in the near future. "
        "The temple dates from the 11th century."
    )
    _, ts = _times(nlp, text, published="2003-06-01")
    assert _value(ts, "at least 20 more years") == "P20Y"
    assert _value(ts, "decades-long") == "PXY"
    assert _value(ts, "day-long") == "P1D"
    assert _value(ts, "the next couple of years") == "P2Y"
    assert _value(ts, "the near future") == "FUTURE_REF"
    assert _value(ts, "the 11th century") == "10"


def test_approximate_ago(nlp) -> None:  # type: ignore[no-untyped-def]
    _, ts = _times(nlp, "The dam was built nearly two years ago.", published="2012-04-01")
    t = next(t for t in ts if "ago" in t.text)
    assert t.value == "2010" and t.reason and "approximate" in t.reason


def test_unresolvable_is_null_with_reason(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The shipment arrived on Aug. 4, and a second one on Friday. In March the port closed."
    art, ts = _times(nlp, text)
    assert art.published is None and art.published_source == "none"
    for t in ts:
        if t.text in {"Aug. 4", "Friday", "March"}:
            assert t.value is None and t.reason, t


def test_no_year_guess_when_nothing_anchors(nlp) -> None:  # type: ignore[no-untyped-def]
    _, ts = _times(nlp, "Shelling resumed on Feb. 11 and continued two days later.")
    assert _value(ts, "Feb. 11") is None


def test_dateline_reference(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Springfield\nMonday, June 3, 2024\n\nThe school board voted on May 30."
    ref, how = reference_date(text, parse(nlp, text))
    assert (str(ref), how) == ("2024-06-03", "dateline")


def test_offsets_and_determinism(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Rain fell on Sunday.\n\nBy Wednesday, January 8, the river had risen; 2019 and 2020 were dry."
    _, a = _times(nlp, text)
    _, b = _times(nlp, text)
    assert a == b
    for t in a:
        assert text[t.start : t.end] == t.text


def test_determinism_across_processes() -> None:
    code = (
        "from crosscheck.annotate import annotate; from crosscheck.annotate.nlp import load;"
        "from crosscheck.model import Article; import json;"
        "a=Article(id='x',source='s',text='It happened on Friday, April 5, and again the next day. 2019 was wet.');"
        "print(json.dumps([(t.text,t.value) for t in annotate(a, load())[1].times]))"
    )
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    }
    assert len(runs) == 1
    assert ["Friday, April 5", "2019-04-05"] in json.loads(runs.pop())


@pytest.mark.shared
@pytest.mark.slow
def test_tempeval_dev_floor() -> None:
    need_shared("data", "tempeval-3")
    sys.path.insert(0, str(ROOT / "eval"))
    import tempeval  # type: ignore[import-not-found]

    docs = tempeval.documents(need_shared(), "dev")[:10]
    res = tempeval.score(docs, tempeval.predict(docs))
    assert res["relaxed_f1"] > 0.8 and res["value_f1"] > 0.6


def test_relative_units_the_pattern_takes_all_resolve(nlp) -> None:  # type: ignore[no-untyped-def]
    # "following week" (no "the") and "the full month" were a KeyError: the whole article was lost
    _, found = _times(nlp, "Talks resumed on March 3, 2025. The minister left following week's vote. "
                           "The strike lasted the full month, the union said.", published="2025-03-04")
    values = {t.text: t.value for t in found}
    assert values.get("following week") == "2025-W11"
    assert "the full month" in values


def test_dates_outside_the_calendar_are_null_with_a_reason(nlp) -> None:  # type: ignore[no-untyped-def]
    """Found on Reuters-21578: "the third half" asked for month 13 (ValueError) and a count of
    weeks, days or years past the years 1-9999 overflowed ``datetime.date``; each stopped the
    article's annotation with an internal error. Each is now a time without a value and the reason."""
    text = ("Profits fell in the third half, the company said. The mine will last 5,000,000 weeks "
            "from now. Its rocks formed 20,000 years ago. Sales rose in the second half. "
            "It happened 3,000,000 days ago.")
    _, times = _times(nlp, text, published="1987-03-02")
    by_text = {t.text: t for t in times}
    assert by_text["the second half"].value == "1986-H2"
    assert by_text["the third half"].value is None and "no third half" in (by_text["the third half"].reason or "")
    for odd in ("5,000,000 weeks from now", "20,000 years ago", "3,000,000 days ago"):
        assert by_text[odd].value is None, odd
        assert "outside the calendar" in (by_text[odd].reason or ""), odd
