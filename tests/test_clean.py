"""Plain-text boilerplate out (kept for audit), article sentences always kept, metadata in."""

from __future__ import annotations

import pytest

from crosscheck.clean import boilerplate_reason, clean
from crosscheck.language import detect, is_english
from crosscheck.model import RawDoc

PAGE = """Skip to content
54.1 F
Springfield
Monday, March 10, 2025

River port reopens after floods

Port workers clean a flooded dock on Friday. [Photo: harbour office]
Port workers clean a flooded dock on Friday. [Photo: harbour office]

The river port reopened on Sunday after a week of floods, the harbour office said.

READ MORE: Floods close schools across the valley

"We expect normal traffic by the end of the month," harbour master Jon Berg said. Readers can subscribe to flood alerts from the city.

- Advertisement -
Share this article:
harbour-dock-01.jpg
Follow us on Facebook
Exciting news! Valley Times is now on WhatsApp Channels. Subscribe today by clicking here!
Source: Valley Wire
By Ana Ruiz  [ana.ruiz@valleytimes.example]
Ana Ruiz
Ana Ruiz is a reporter at the Valley Times covering transport and the environment.
Leave a Comment
3 comments
"""


def test_boilerplate_removed_and_sentences_kept() -> None:
    a = clean(RawDoc(source="page.txt", raw=PAGE, fmt="text"))
    lines = a.text.split("\n\n")
    for furniture in ("Skip to content", "54.1 F", "Springfield", "Monday, March 10, 2025", "- Advertisement -",
                      "Share this article:", "harbour-dock-01.jpg", "Follow us on Facebook", "Leave a Comment",
                      "3 comments", "Source: Valley Wire", "Ana Ruiz"):
        assert furniture not in lines, furniture
    assert not any(ln.startswith(("READ MORE", "Exciting news", "By Ana Ruiz", "Ana Ruiz is")) for ln in lines)
    assert lines[0] == "River port reopens after floods"
    assert lines.count("Port workers clean a flooded dock on Friday. [Photo: harbour office]") == 1
    assert any("Readers can subscribe to flood alerts" in ln for ln in lines)  # a sentence, not a prompt
    assert a.title == "River port reopens after floods"
    assert (a.published, a.published_source) == ("2025-03-10", "dateline")
    assert (a.author, a.original_source, a.outlet) == ("Ana Ruiz", "Valley Wire", "Valley Times")
    reasons = {r.reason for r in a.removed_lines}
    assert {"navigation", "weather_header", "city_header", "page_date", "duplicate_line", "teaser",
            "advertisement", "share_prompt", "image_name", "app_prompt", "byline", "author_bio",
            "comment_prompt", "source_line"} <= reasons


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the country would join the alliance now that talks had ended.",
        "Share prices fell sharply on Monday.",
        "Advertisement revenue rose by 12 percent, the company said.",
        "He told reporters to follow the money.",
        "Comments by the minister drew criticism.",
        "He told supporters to subscribe now.",
        "Protesters said they would follow the army on Telegram.",
        "The minister urged citizens to join the reserve now.",
    ],
)
def test_sentences_are_never_boilerplate(line: str) -> None:
    assert boilerplate_reason(line) is None


def test_outlet_and_author_from_prompts_bios_and_credits() -> None:
    cases = {
        "Follow Harbour Daily News on Telegram: join our channel for updates\n": "Harbour Daily News",
        "Valley Voice app: read the news offline. Download now\n": "Valley Voice",
    }
    body = "The council met on Monday and approved the plan for the bridge after a long debate.\n"
    for prompt, outlet in cases.items():
        assert clean(RawDoc(source="p.txt", raw=prompt + body, fmt="text")).outlet == outlet
    raw = body + "By Ana Ruiz\nAna Ruiz is the Valley Times's transport correspondent. She lives in Springfield.\n"
    assert clean(RawDoc(source="b.txt", raw=raw, fmt="text")).outlet == "Valley Times"
    raw = body + "Ana Ruiz is the transport editor of the Valley Times. She lives in Springfield.\n"
    assert clean(RawDoc(source="c.txt", raw="By Ana Ruiz\n" + raw, fmt="text")).outlet == "Valley Times"
    credit = clean(RawDoc(source="w.txt", raw=body + "(Reporting by Jon Berg; Editing by Mia Holt)\n", fmt="text"))
    assert credit.author == "Jon Berg" and "(Reporting by" not in credit.text


def test_untitled_article_keeps_no_title() -> None:
    raw = "On Tuesday the council met again. It approved the plan after a long debate about roads and bridges.\n"
    assert clean(RawDoc(source="t.txt", raw=raw, fmt="text")).title is None


def test_terse_english_is_kept_and_other_languages_named() -> None:
    table = "Shr 12 cts vs 10 cts Net 1,234,000 vs 987,000 Revs 45.6 mln vs 40.1 mln Nine mths Shr 34 cts vs 29 cts " * 3
    assert detect(table) is None and is_english(table)
    french = ("Le ministre a déclaré lundi que les exportations de céréales ont augmenté pour la première fois "
              "depuis dix ans, et que le nouveau terminal du port sera ouvert dans les prochains mois.")
    assert detect(french) == "fr"
    assert detect("Москва заявила, что переговоры будут продолжены на следующей неделе.") == "non-latin"


def test_language_check() -> None:
    assert is_english("The council said that it would meet again on Monday to discuss the plan for the new bridge.")
    assert not is_english("Москва заявила, что переговоры будут продолжены на следующей неделе в Женеве.")
    assert not is_english(
        "El ministerio dijo el lunes que las exportaciones de cereales crecieron un veinte por ciento "
        "durante el año pasado gracias a la nueva terminal del puerto y a la demanda de Asia."
    )


def test_a_wire_dateline_takes_its_year_from_the_url() -> None:
    """'PORT ALDANE, March 12 (Wire) -' names no year; a /2025/03/ URL path does (issue 10, timeline)."""
    from crosscheck.clean import _wire_date

    lines = ["PORT ALDANE, March 12 (Northgate Wire) - Two envoys clashed on Wednesday."]
    assert _wire_date(lines, "https://wire.example/2025/03/envoys-clash") == "2025-03-12"
    assert _wire_date(lines, "https://wire.example/2025/04/envoys-clash") is None  # the months disagree
    assert _wire_date(lines, "https://wire.example/envoys-clash") is None
    assert _wire_date(["Officials said on March 12 that talks failed."], "https://x.example/2025/03/a") is None
