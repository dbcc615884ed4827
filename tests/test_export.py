"""The JSON export is a public contract: schema-valid, unique ids, offsets that hold."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosscheck.annotate import annotate
from crosscheck.clean import clean
from crosscheck.model import RawDoc

SCHEMA = json.loads(resources.files("crosscheck.schema").joinpath("export.schema.json").read_text())
SPAN_KINDS = ("claims", "times", "quantities")


def check_contract(export: dict[str, Any]) -> None:
    """Schema-valid, ids unique across kinds, and every span's text is what its offsets cut."""
    jsonschema.validate(export, SCHEMA)
    ids = [r["id"] for kind, rows in export.items() if isinstance(rows, list) for r in rows if "id" in r]
    assert len(ids) == len(set(ids)), "ids must be unique across all kinds"
    texts = {a["id"]: a["text"] for a in export["articles"]}
    for kind in SPAN_KINDS:
        for r in export[kind]:
            field = "content" if kind == "claims" else "text"
            assert texts[r["article_id"]][r["start"] : r["end"]] == r[field], (kind, r["id"])
    for e in export["entities"]:
        for m in e["mentions"]:
            assert texts[m["article_id"]][m["start"] : m["end"]] == m["text"]


def test_seeds_export_honours_the_contract(seeds_export: dict[str, Any]) -> None:
    check_contract(seeds_export)
    assert len(seeds_export["articles"]) == 5


def test_demo_export_honours_the_contract(demo_export: dict[str, Any]) -> None:
    check_contract(demo_export)
    assert len(demo_export["articles"]) >= 10


SENTENCES = [
    "The ministry said on {day} that {n} people had been evacuated.",
    "\u201cWe will not accept this,\u201d the spokeswoman told reporters.",
    "According to the agency, at least {n} homes were damaged on March {d}.",
    "Officials denied the report, calling it false.",
    "She added that the figure may rise to about {n} by next week.",
    "Mara Lind, the regional governor, warned that roads would stay closed until {day}.",
]
BOILER = ["Share this article:", "- Advertisement -", "Leave a Comment", "READ MORE: Storm hits coast", "72 F"]


@st.composite
def articles(draw: st.DrawFn) -> str:
    lines = [draw(st.sampled_from(["Storm floods river towns", "Ministry revises flood toll"]))]
    for _ in range(draw(st.integers(2, 7))):
        template = draw(st.sampled_from(SENTENCES + BOILER))
        lines.append(template.format(
            day=draw(st.sampled_from(["Monday", "Friday", "June 3", "last week"])),
            n=draw(st.sampled_from(["12", "nine", "1,200", "more than 40"])),
            d=draw(st.integers(1, 28)),
        ))
    sep = draw(st.sampled_from(["\n", "\n\n", "\r\n"]))
    return sep.join(lines)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=articles())
def test_every_span_cuts_its_text(raw: str, nlp: Any) -> None:
    article = clean(RawDoc(source="gen.txt", raw=raw, fmt="text"))
    article, ann = annotate(article, nlp)
    for c in ann.claims:
        assert article.text[c.start : c.end] == c.content
        if c.speaker_start is not None and c.speaker_end is not None:
            assert c.speaker_text == article.text[c.speaker_start : c.speaker_end]
    for item in (*ann.times, *ann.quantities, *ann.entities):
        assert article.text[item.start : item.end] == item.text
    for line in article.text.split("\n\n"):
        assert line in raw.replace("\r\n", "\n")  # cleaning keeps lines verbatim


def test_csv_and_jsonl_exports(tmp_path: Path, demo_export: dict[str, Any]) -> None:
    import csv
    import io

    from crosscheck.export import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"  # no formula injection into spreadsheets
    assert _cell("plain") == "plain"
    rows = list(csv.DictReader(io.StringIO("a,b\n1,2\n")))
    assert rows == [{"a": "1", "b": "2"}]
