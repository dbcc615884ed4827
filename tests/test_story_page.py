"""A story as an editor reads it, on the seeds: outlets named once by their source, coverage as
presence, numbers as people write them, the story titled after its most representative article,
the timeline laid out apart (TestClient over a real ledger; the browser tests look at the pixels)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import need_shared

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
from fastapi.testclient import TestClient

from crosscheck.link import embed
from crosscheck.link.dedupe import outlet_of
from crosscheck.link.numbers import label
from crosscheck.link.stories import most_representative
from crosscheck.web import create_app
from crosscheck.web.render import timeline_chart, timeline_items


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from crosscheck.pipeline import analyze_and_link
    from crosscheck.store import open_store

    db = tmp_path_factory.mktemp("story-page") / "seeds.db"
    with open_store(db) as store:
        analyze_and_link([str(need_shared("corpus", "seeds"))], store)
    return db


@pytest.fixture(scope="module")
def client(seeds: Path) -> Iterator[TestClient]:
    with TestClient(create_app(seeds)) as c:
        yield c


@pytest.fixture(scope="module")
def story(client: TestClient) -> dict[str, Any]:
    first = client.get("/.json").json()["stories"][0]
    data: dict[str, Any] = client.get(f"/story/{first['id']}.json").json()
    return data


def test_every_outlet_is_named_by_its_source_never_unknown(client: TestClient, story: dict[str, Any], seeds: Path) -> None:
    from crosscheck.store import open_store

    with open_store(seeds) as store:
        articles = {a.id: a for a in store.articles()}
    assert any(not a.outlet and not a.original_source for a in articles.values()), "a seed without an outlet"
    page = client.get(f"/story/{story['story']['id']}").text
    assert "unknown outlet" not in page and ">unknown<" not in page
    names = {outlet_of(a) for a in articles.values()}
    assert None not in names
    assert set(story["matrix"]["outlets"]) <= names and len(story["matrix"]["outlets"]) == len(set(story["matrix"]["outlets"]))
    for g in story["groups"]:  # each outlet once per group, each by its own name
        outlets = [s["outlet"] for s in g["sources"]]
        assert len(outlets) == len(set(outlets)) and set(outlets) <= names
    for a in story["articles"]:
        assert a["outlet"] == outlet_of(articles[a["id"]])


def test_coverage_is_presence_with_sticky_headers(client: TestClient, story: dict[str, Any]) -> None:
    rows = story["matrix"]["rows"]
    assert rows and all(isinstance(c, bool) for r in rows for c in r["cells"])
    by_group = {g["id"]: {s["outlet"] for s in g["sources"]} for g in story["groups"]}
    for r in rows:
        assert {o for o, on in zip(story["matrix"]["outlets"], r["cells"], strict=True) if on} == by_group[r["group_id"]]
    css = client.get("/static/style.css").text
    assert re.search(r"table\.matrix thead th \{[^}]*position: sticky", css)


def test_numbers_read_as_written_with_speaker_claim_and_conflicts(client: TestClient, story: dict[str, Any],
                                                                  seeds: Path) -> None:
    from crosscheck.store import open_store

    with open_store(seeds) as store:
        sids = set(store.story_article_ids(story["story"]["id"]))
        quantities = [q for q in store.quantities() if q.unit and q.article_id in sids]
    assert quantities and len(story["quantities"]) == min(len(quantities), 50)
    page = client.get(f"/story/{story['story']['id']}").text
    numbers = page[page.index('id="numbers"'):page.index('id="timeline"')]
    for q in quantities:
        assert label(q.value, q.value_max, q.bound, q.unit).replace("&", "&amp;") in numbers
    assert not re.search(r"\d\.0\b", re.sub(r"<[^>]+>|“[^”]*”", "", numbers)), "a float shown as a float"
    assert "exact" not in numbers and "more_than" not in numbers and "at_least" not in numbers
    tied = [n for n in story["quantities"] if n["claim_id"]]
    assert tied and all(n["speaker"] and n["claim"] for n in tied)
    assert all(isinstance(n["conflicts"], list) for n in story["quantities"])


def test_story_is_titled_after_its_most_representative_article(seeds: Path, story: dict[str, Any]) -> None:
    from crosscheck.store import open_store

    with open_store(seeds) as store:
        sid = story["story"]["id"]
        vectors: dict[str, list[np.ndarray]] = {}
        for r in store.group_member_rows(store.story_group_ids(sid)):
            vectors.setdefault(r["article_id"], []).append(embed.from_blob(r["vec"]))
        order = store.story_article_ids(sid)
        ranked = most_representative({a: np.stack(v) for a, v in vectors.items()}, store.story_vector(sid), order)
        titles = store.article_titles(order)
    titled = [a for a in ranked if titles.get(a)]
    assert story["story"]["title"] == titles[titled[0]]
    if titles.get(order[0]) and titled[0] != order[0]:
        assert story["story"]["title"] != titles[order[0]]  # not the first article linked


def test_most_representative_ranks_by_closeness_to_the_centroid() -> None:
    a, b, c = np.array([[1.0, 0.0]]), np.array([[0.8, 0.6]]), np.array([[0.0, 1.0]])
    total = a[0] + b[0] + c[0]
    assert most_representative({"a": a, "b": b, "c": c}, total, ["a", "b", "c", "d"]) == ["b", "a", "c", "d"]
    assert most_representative({}, None, ["x", "y"]) == ["x", "y"]


def test_timeline_chart_lays_labels_apart_inside_the_drawing() -> None:
    start = date(2024, 1, 1)
    events = [{"date": (start + timedelta(days=d)).isoformat(), "what": f"event number {d} with a long description"}
              for d in (0, 1, 2, 3, 5, 8, 40, 41, 90)]
    events.append({"date": events[0]["date"], "what": "a second event on the first day"})
    chart = timeline_chart(events, [start.isoformat(), (start + timedelta(days=2)).isoformat(), "2024-04-01"])
    marks = chart["events"]
    assert len(marks) == 9 and marks[0]["n"] == 2 and "(+1)" in marks[0]["label"]
    for row in (marks, chart["reports"]):
        placed = [m for m in row if m["lane"] is not None]
        assert placed
        for m in placed:
            assert m["lx"] >= 0 and m["lx"] + len(m["label"]) * 6.2 <= chart["width"]
        for i, m in enumerate(placed):
            for o in placed[i + 1:]:
                if m["lane"] == o["lane"]:
                    lo, hi = sorted((m, o), key=lambda x: x["lx"])
                    assert lo["lx"] + len(lo["label"]) * 6.2 < hi["lx"]
    assert {t["anchor"] for t in chart["ticks"]} >= {"start", "end"}
    assert chart["rep_axis"] > chart["ev_axis"] and all(t["y"] > chart["rep_axis"] for t in chart["ticks"])


def test_timeline_list_links_read_by_what_they_lead_to() -> None:
    events = [{"date": "2024-01-02", "what": "the strike", "claim_ids": ["a1:c1", "a2:c4", "a1:c2"],
               "group_ids": ["g1", "g2"]}]
    got = timeline_items(events, {"g1": "Russia fired missiles", "g2": ""}, {"a1": "Le Parisien", "a2": "UN News"})[0]
    assert got["anchor"] == "ev-1"
    assert [g["label"] for g in got["groups"]] == ["Russia fired missiles"]
    assert [s["outlet"] for s in got["source_links"]] == ["Le Parisien", "UN News"]
    assert json.dumps(got).count("group group") == 0


def test_a_speaker_in_outlet_less_articles_is_counted_in_their_outlets(client: TestClient, seeds: Path) -> None:
    from urllib.parse import quote

    from crosscheck.store import open_store

    with open_store(seeds) as store:
        articles = {a.id: a for a in store.articles()}
        bare = {a for a, art in articles.items() if not art.outlet and not art.original_source}
        speakers = sorted({c.speaker for c in store.claims() if c.speaker and c.article_id in bare})
    assert speakers
    for name in speakers:
        got = client.get("/speaker/" + quote(name, safe="") + ".json").json()
        assert got["outlets"], name  # "9 claims in 0 outlets" no more
        assert set(got["outlets"]) <= {outlet_of(a) for a in articles.values()}


def test_briefing_reads_bottom_line_numbers_timeline_then_the_table(seeds: Path) -> None:
    from crosscheck.report import render
    from crosscheck.store import open_store

    with open_store(seeds) as store:
        md, html = render(store, "md"), render(store, "html")
        sids = {a for st in store.link_records("stories") for a in st["article_ids"]}
        quantities = [q for q in store.quantities() if q.unit and q.article_id in sids]
    story_md = md[md.index("## Stories"):md.index("## Most quoted speakers")]
    order = [story_md.index(x) for x in ("Bottom line:", "Numbers:", "Timeline:", "| claim |")]
    assert order == sorted(order), order
    for q in quantities:
        assert f"**{label(q.value, q.value_max, q.bound, q.unit)}**" in md.replace("\\", "")
    story_html = html[html.index('<section class="story"'):]
    order = [story_html.index(x) for x in ("<h3>Bottom line</h3>", "<h3>Numbers</h3>", "<h3>Timeline</h3>",
                                           "<h3>Claim groups</h3>")]
    assert order == sorted(order), order
    assert 'table class="quantities"' in story_html and "unknown outlet" not in html


def test_search_hits_name_an_outlet_less_article_by_its_source(client: TestClient, seeds: Path) -> None:
    from crosscheck.store import open_store

    with open_store(seeds) as store:
        articles = {a.id: a for a in store.articles()}
        bare = {a for a, art in articles.items() if not art.outlet and not art.original_source}
        name = next(c.speaker for c in store.claims() if c.speaker and c.article_id in bare)
    hits = client.get("/search.json", params={"q": name.split()[-1]}).json()["claims"]
    shown = [h for h in hits if h["article_id"] in bare]
    assert shown and all(h["outlet"] == outlet_of(articles[h["article_id"]]) for h in shown)


def test_member_sentences_start_and_end_on_sentence_boundaries(client: TestClient, story: dict[str, Any],
                                                               seeds: Path) -> None:
    """Issue 14: a member sentence started mid-word ("ributed to the suffering ...") where a claim
    ran past its stored sentence and the context was cut 160 characters before it. On every group
    page of the seeds, each member's context is whole sentences of the clean text, offsets kept."""
    from crosscheck.store import open_store

    with open_store(seeds) as store:
        texts = {a.id: a.text for a in store.articles()}
    ends = re.compile(r"[.!?…][\"'”’)\]]*$")
    seen = 0
    for g in story["groups"]:
        for m in client.get(f"/group/{g['id']}.json").json()["members"]:
            text, runs = texts[m["article_id"]], m["context"]
            lo = runs[0]["start"]
            hi = runs[-1]["start"] + len(runs[-1]["text"])
            assert "".join(r["text"] for r in runs) == text[lo:hi]  # offsets kept
            assert not (lo and text[lo - 1].isalnum() and text[lo].isalnum()), (m["id"], text[max(0, lo - 30):lo + 30])
            before = text[:lo].rstrip()
            # a sentence of the clean text, or the parser's own sentence after a closing quote
            # ('"... pressure," | Zelensky said.')
            assert not before or before.endswith("\n") or text[lo - 1] == "\n" or ends.search(before) \
                or before[-1] in "\"”’", (m["id"], text[max(0, lo - 30):lo + 30])
            after = text[hi:]
            assert not after or not (after[0].isalnum() and text[hi - 1].isalnum()), (m["id"], text[hi - 30:hi + 10])
            assert ends.search(text[lo:hi].rstrip()) or after.lstrip(" ").startswith("\n") \
                or text[lo:hi].rstrip(" ").endswith("\n") or not after.strip(), \
                (m["id"], text[hi - 40:hi + 10])
            seen += 1
    assert seen >= 40


def test_an_untitled_outlet_less_article_has_one_name_everywhere(client: TestClient, story: dict[str, Any],
                                                                  seeds: Path, tmp_path: Path) -> None:
    """Issue 14: seeds article 003 (no title, no outlet, no URL) was named by its id in the
    briefing's denials, by its full path in the briefing's article list, by its id on the story
    page and by its path in the graph export. One function (link/dedupe.py article_name) names it
    everywhere: by the file it was read from."""
    import html as html_lib

    from crosscheck.link.dedupe import article_name
    from crosscheck.report import render
    from crosscheck.store import open_store

    with open_store(seeds) as store:
        bare = [a for a in store.articles() if not a.title and not a.outlet and not a.original_source]
        md, page_html = render(store, "md"), render(store, "html")
        from crosscheck.export_formats import write_graphml

        with (tmp_path / "g.graphml").open("w", encoding="utf-8") as fh:
            write_graphml(store, fh)
    assert bare, "a seed with neither title nor outlet"
    graph = (tmp_path / "g.graphml").read_text(encoding="utf-8")
    for a in bare:
        name = article_name(a)
        assert name == outlet_of(a) and name.endswith(".txt") and "/" not in name
        md_name = name.replace("_", "\\_")
        assert f"### {md_name}" in md and f"({md_name}, chars" in md
        assert a.id not in md.replace(f"id `{a.id}`", "").replace(f"#a-{a.id}", "")
        assert a.source not in md.replace(f"Source: `{a.source}`", "")
        assert f"<h3>{name}</h3>" in page_html
        shown = html_lib.unescape(client.get(f"/story/{story['story']['id']}").text)
        assert f">{name}</a>" in shown and f">{a.id}</a>" not in shown
        assert f"<h1>{name}</h1>" in html_lib.unescape(client.get(f"/article/{a.id}").text)
        assert f"n_label\">{a.source}<" not in graph and f"n_label\">{name}<" in graph
    assert article_name({"title": "  A  title "}) == "A title"
    assert article_name({"id": "x1", "title": None, "outlet": None}) == "article x1"
    assert article_name({"id": "x1:c1", "article_id": "x1", "article_title": None, "outlet": "Le Monde"}) == "Le Monde"


def test_the_story_list_names_outlet_less_articles_as_every_other_view(ledgers: Any) -> None:
    """Issue 14, on both backends: the story list left out the seeds' articles without an outlet
    (two named by their file, one crediting Le Parisien). The list, the story page, the
    briefing's count and the export's groups now name the same outlets."""
    from crosscheck.export import iter_kind
    from crosscheck.pipeline import analyze_and_link
    from crosscheck.report import build_context
    from crosscheck.store import open_store

    db = ledgers.new("seeds")
    with open_store(db) as store:
        analyze_and_link([str(need_shared("corpus", "seeds"))], store)
        articles = {a.id: a for a in store.articles()}
        ctx = build_context(store)
        grouped = {o for g in iter_kind(store, "claim_groups") for o in g["outlets"]}
    expected = sorted({outlet_of(a) for a in articles.values()})
    assert any(not a.outlet for a in articles.values()) and None not in expected
    with TestClient(create_app(db)) as c:
        listed = c.get("/.json").json()["stories"][0]
        page = c.get(f"/story/{listed['id']}.json").json()
        html = c.get("/").text
    assert listed["outlets"] == expected == ctx["outlets"]
    assert sorted({a["outlet"] for a in page["articles"]}) == expected
    assert set(page["matrix"]["outlets"]) <= set(expected) and grouped <= set(expected)
    assert all(name in html for name in expected[:6])
