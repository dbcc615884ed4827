"""The web UI through FastAPI's TestClient over a real ledger full of hostile input, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
from fastapi.testclient import TestClient

import webledger
from conftest import BACKENDS, Ledgers
from crosscheck.errors import StoreError
from crosscheck.web import create_app
from crosscheck.web.app import CSP
from crosscheck.web.render import date_histogram, short_source
from crosscheck.web.search import fts_query


@pytest.fixture(scope="module", params=BACKENDS)
def ledger(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The hostile ledger, on each backend (every web test runs on SQLite and on PostgreSQL)."""
    made = Ledgers(request.param, tmp_path_factory.mktemp("web"))
    target = made.new("web")
    yield target, webledger.build(target, made.tmp)
    made.drop()


@pytest.fixture(scope="module")
def client(ledger: tuple[str, dict[str, str]]) -> Iterator[TestClient]:
    with TestClient(create_app(ledger[0])) as c:
        yield c


@pytest.fixture(scope="module")
def ids(ledger: tuple[str, dict[str, str]]) -> dict[str, str]:
    return ledger[1]


def pages(ids: dict[str, str]) -> list[str]:
    return [
        "/",
        "/?q=Story",
        f"/story/{ids['story']}",
        f"/group/{ids['group']}",
        f"/group/{ids['deny_group']}",
        f"/claim/{ids['claim']}",
        f"/article/{ids['article']}",
        f"/article/{ids['piped_article']}",
        "/speaker/Filler%20Speaker",
        "/search?q=dam",
        f"/story/{ids['bulk_story']}?apage=2&qpage=2&page=1",
        f"/group/{ids['bulk_group']}?page=2",
        f"/article/{ids['bulk_article']}",
        "/speaker/" + quote(webledger.SPEAKER, safe=""),
        "/entity/" + quote(ids["entity"], safe=""),
    ]


def twin(path: str) -> str:
    base, _, query = path.partition("?")
    base = "/.json" if base == "/" else base + ".json"
    return base + ("?" + query if query else "")


def test_every_page_and_its_json_twin(client: TestClient, ids: dict[str, str]) -> None:
    for path in pages(ids):
        html = client.get(path)
        assert html.status_code == 200, path
        assert html.headers["content-type"].startswith("text/html")
        data = client.get(twin(path))
        assert data.status_code == 200, twin(path)
        assert data.headers["content-type"] == "application/json"
        assert data.json()["ok"] is True
        assert f'href="{twin(path).replace("&", "&amp;")}"' in html.text  # the page links its twin


def test_story_list_links_each_story(client: TestClient, ids: dict[str, str]) -> None:
    data = client.get("/.json").json()
    assert [s["id"] for s in data["stories"]] == [ids["bulk_story"], ids["story"]]  # largest first
    story = data["stories"][1]
    assert story["n_disputed"] == 1 and story["n_articles"] == 2
    bulk = data["stories"][0]
    assert bulk["n_articles"] == webledger.N_BULK and bulk["n_groups"] == 1 and bulk["n_disputed"] == 0
    assert len(bulk["outlets"]) == 7 and bulk["date_range"] == ["2025-03-01", "2025-04-27"]
    assert f'href="/story/{ids["story"]}"' in client.get("/").text
    assert client.get("/index.json").json() == data


def test_story_page_shows_groups_denials_timeline(client: TestClient, ids: dict[str, str]) -> None:
    data = client.get(f"/story/{ids['story']}.json").json()
    by_id = {g["id"]: g for g in data["groups"]}
    assert by_id[ids["group"]]["deniers"] == [webledger.DENIER]
    assert by_id[ids["group"]]["asserters"] == [webledger.SPEAKER]
    assert "disputed" in by_id[ids["group"]]["status"]
    assert data["contradictions"][0]["type"] == "dispute"
    assert data["events"][0]["date"] == "2025-03-03"
    assert data["report_dates"]  # publication dates are kept apart from event dates
    assert data["matrix"]["outlets"]
    html = client.get(f"/story/{ids['story']}").text
    assert '<circle class="ev"' in html and '<rect class="rep"' in html
    assert 'class="badge disputed"' in html


def test_group_members_have_highlighted_context(client: TestClient, ids: dict[str, str]) -> None:
    data = client.get(f"/group/{ids['group']}.json").json()
    member = data["members"][0]
    kinds = {k for run in member["context"] for k in run["kinds"]}
    assert {"claim-assert", "speaker", "cue"} <= kinds
    assert "".join(r["text"] for r in member["context"] if "claim-assert" in r["kinds"]) == member["content"]
    html = client.get(f"/group/{ids['group']}").text
    assert f'href="/article/{ids["article"]}#c-' in html


def test_unknown_ids_are_404_pages(client: TestClient) -> None:
    for path in ("/story/snope", "/group/gnope", "/claim/nope:c1", "/article/anope", "/speaker/Nobody%20Here",
                 "/entity/person:nobody", "/story/%3Cscript%3E", "/article/..%2F..%2Fetc", "/no/such/page",
                 "/story/" + "a" * 300):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("text/html")
        assert "Traceback" not in r.text and "<script>" not in r.text
        j = client.get(path + ".json")
        assert j.status_code == 404 and j.json()["ok"] is False


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page=1e3", "page=99999999",
                                   "q=" + "x" * 201, "q=a%00b"])
def test_bad_parameters_are_400(client: TestClient, query: str) -> None:
    bases = ("/", "/search") if query.startswith("q=") else ("/", "/search", "/speaker/Filler%20Speaker")
    for base in bases:
        r = client.get(f"{base}?{query}")
        assert r.status_code == 400, (base, query)
        assert "Traceback" not in r.text


@pytest.mark.parametrize("value", ["%C2%B2", "%D9%A1", "%EF%BC%91", "1%C2%B2", "+1", "%201"])
def test_page_numbers_int_refuses_or_ascii_lacks_are_400(client: TestClient, ids: dict[str, str], value: str) -> None:
    # "²" passes str.isdigit() and fails int(): it once gave a 500; other scripts' digits are refused too
    story = f"/story/{ids['bulk_story']}"
    for path in (f"/?page={value}", f"/search?q=a&page={value}", f"{story}?page={value}",
                 f"{story}?apage={value}", f"{story}?qpage={value}", f"{story}.json?qpage={value}"):
        r = client.get(path)
        assert r.status_code == 400, path
        assert "Traceback" not in r.text and "must be a whole number" in r.text, path


def test_pagination(client: TestClient) -> None:
    first = client.get("/speaker/Filler%20Speaker.json").json()
    assert len(first["said"]) == 50 and first["has_next"] and not first["has_prev"]
    second = client.get("/speaker/Filler%20Speaker.json?page=2").json()
    assert len(second["said"]) == webledger.N_FILLER - 50 and not second["has_next"] and second["has_prev"]
    assert {c["id"] for c in first["said"]}.isdisjoint(c["id"] for c in second["said"])
    assert 'rel="next" href="/speaker/Filler%20Speaker?page=2"' in client.get("/speaker/Filler%20Speaker").text
    beyond = client.get("/speaker/Filler%20Speaker.json?page=9")
    assert beyond.status_code == 200 and beyond.json()["said"] == []


def test_hostile_text_is_escaped_everywhere(client: TestClient, ids: dict[str, str]) -> None:
    for path in [*pages(ids), "/search?q=script", "/search?q=onerror", "/speaker/" + webledger.SPEAKER]:
        html = client.get(path).text
        for raw in ("<script>window", "<img src=x", "<b onmouseover", 'href="javascript:', "1234000"):
            assert raw not in html, (path, raw)
    article = client.get(f"/article/{ids['article']}").text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in article
    assert "{{ 1234*1000 }}" in article  # template syntax in data shows literally
    piped = client.get(f"/article/{ids['piped_article']}").text
    assert "Title &lt;script&gt;" in piped and "Hostile &lt;b onmouseover" in piped


def test_security_headers_on_every_response(client: TestClient, ids: dict[str, str]) -> None:
    for path in [*pages(ids), "/nope", "/static/style.css", "/static/app.js", "/story/snope.json"]:
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP


def test_pages_have_no_inline_script_or_style(client: TestClient, ids: dict[str, str]) -> None:
    import re

    for path in pages(ids):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "<style" not in html and " style=" not in html, path
        assert not re.search(r"<[^>]*\son[a-z]+=", html), path  # no event-handler attribute in any tag


def test_search_finds_claims_and_articles(client: TestClient, ids: dict[str, str]) -> None:
    data = client.get("/search.json?q=Kirby").json()
    assert any(c["id"] == ids["claim"] for c in data["claims"])
    assert data["articles"]
    hit = next(c for c in data["claims"] if c["id"] == ids["claim"])
    # a speaker's name matched: the snippet is what they said (issue 14: it was the name again)
    text = "".join(r["text"] for r in hit["snippet"])
    assert text.startswith("The strike on the dam") and "Kirby" not in text
    by_content = client.get("/search.json?q=strike").json()
    hit = next(c for c in by_content["claims"] if c["id"] == ids["claim"])
    assert any(r["hit"] and r["text"].lower() == "strike" for r in hit["snippet"])
    for q in ('"unbalanced', "NEAR(dam", "dam*", "a AND OR", ")(", "Ünïcödé"):
        assert client.get("/search", params={"q": q}).status_code == 200, q
    assert client.get("/search.json").json()["claims"] == []


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('dam "strike" NEAR(x') == '"dam" "strike" "NEAR" "x"*'
    assert fts_query("  ") is None


def test_search_index_follows_inserts_and_deletes(tmp_path: Path) -> None:
    from crosscheck.store import open_store

    path = tmp_path / "l.db"
    webledger.build(path)
    with open_store(path) as store:
        hits = "SELECT count(*) FROM claims_fts WHERE claims_fts MATCH 'Filler'"
        assert store.conn.execute(hits).fetchone()[0] == webledger.N_FILLER
        with store.transaction() as cur:
            cur.execute("DELETE FROM claims WHERE speaker = 'Filler Speaker'")
        assert store.conn.execute(hits).fetchone()[0] == 0
        assert store.conn.execute("INSERT INTO claims_fts(claims_fts) VALUES ('integrity-check')")


def test_read_only_and_missing_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    webledger.build(path)
    with sqlite3.connect(path) as conn:  # a ledger written before the search index existed
        conn.executescript("DROP TABLE claims_fts; DROP TABLE articles_fts; "
                           "DELETE FROM migrations WHERE name = '0003_search_index';")
    conn.close()
    before = path.read_bytes()
    with TestClient(create_app(path)) as c:
        r = c.get("/search?q=dam")
        assert r.status_code == 503 and "crosscheck analyze" in r.text
        assert c.get("/").status_code == 200
    assert path.read_bytes() == before  # serving never writes


def test_missing_ledger_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="crosscheck analyze"):
        create_app(tmp_path / "absent.db")


def _walk(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for v in data.values():
            yield from _walk(v)
    elif isinstance(data, list):
        for v in data:
            yield from _walk(v)
    elif isinstance(data, str):
        yield data


def test_json_twin_keeps_text_verbatim(client: TestClient, ids: dict[str, str]) -> None:
    strings = set(_walk(client.get(f"/story/{ids['story']}.json").json()))
    assert f"Story {webledger.SCRIPT} {webledger.TEMPLATE}" in strings  # data, not markup: no escaping in JSON


def test_serve_refuses_a_missing_ledger(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from crosscheck.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "absent.db")])
    assert result.exit_code == 2
    assert "crosscheck analyze" in result.output


def test_story_pages_its_articles_groups_and_quantities(client: TestClient, ids: dict[str, str]) -> None:
    base = f"/story/{ids['bulk_story']}"
    first = client.get(base + ".json").json()
    assert first["story"]["n_articles"] == webledger.N_BULK
    assert len(first["articles"]) == 50 and first["articles_page"] == {
        "page": 1, "per_page": 50, "has_next": True, "has_prev": False, "total": webledger.N_BULK, "pages": 2}
    assert len(first["quantities"]) == 50 and first["quantities_page"]["has_next"]
    assert all(q["conflict"] for q in first["quantities"])  # 10, 11 and 12 drones in one story
    second = client.get(base + ".json?apage=2&qpage=2").json()
    assert len(second["articles"]) == webledger.N_BULK - 50 and not second["articles_page"]["has_next"]
    assert len(second["quantities"]) == webledger.N_BULK - 50
    assert {a["id"] for a in first["articles"]}.isdisjoint(a["id"] for a in second["articles"])
    assert second["groups"] == first["groups"]  # each list pages on its own parameter
    html = client.get(base + "?qpage=2").text
    assert f'href="{base}?qpage=2&amp;apage=2"' in html  # paging one list keeps the other's page
    assert f'rel="prev" href="{base}"' in html
    assert client.get(base + "?apage=0").status_code == 400
    assert client.get(base + "?qpage=x").status_code == 400
    members = client.get(f"/group/{ids['bulk_group']}.json?page=2").json()
    assert len(members["members"]) == webledger.N_BULK - 50 and members["total"] == webledger.N_BULK
    assert members["group"]["n_members"] == webledger.N_BULK and len(members["group"]["sources"]) == 7


def test_speaker_and_entity_pages_show_claims_over_time(client: TestClient, ids: dict[str, str]) -> None:
    data = client.get("/speaker/Filler%20Speaker.json").json()
    assert data["over_time"]["days"] == {"2025-03-04": {"assert": webledger.N_FILLER}}
    assert data["total"] == webledger.N_FILLER  # over all pages, not just this one
    html = client.get("/speaker/Filler%20Speaker").text
    assert '<svg class="histogram"' in html and '<rect class="seg assert"' in html
    entity = client.get("/entity/" + quote(ids["entity"], safe="") + ".json").json()
    assert entity["over_time"]["totals"] == {"said": 1, "about": 1}
    assert entity["over_time"]["days"] == {"2025-03-04": {"said": 1, "about": 1}}
    assert [c["id"] for c in entity["about"]] == [ids["claim"]] == [c["id"] for c in entity["said"]]
    assert '<svg class="histogram"' in client.get("/entity/" + quote(ids["entity"], safe="")).text


def test_date_histogram_buckets() -> None:
    days = date_histogram({"2025-03-01": {"assert": 2}, "2025-03-03": {"deny": 1}}, ("assert", "deny"))
    assert days["unit"] == "day" and [b["n"] for b in days["bars"]] == [2, 0, 1]
    assert days["bars"][0]["segments"][0]["h"] == days["height"]  # the tallest bar fills the chart
    weeks = date_histogram({"2025-01-01": {"a": 1}, "2025-06-30": {"a": 1}}, ("a",))
    assert weeks["unit"] == "week" and sum(b["n"] for b in weeks["bars"]) == 2
    months = date_histogram({"1987-02-26": {"a": 1}, "1988-03-01": {"a": 3}, "not a date": {"a": 9}}, ("a",))
    assert months["unit"] == "month" and len(months["bars"]) == 14 and months["max"] == 3
    assert date_histogram({}, ("a",))["bars"] == []


def test_article_page_links_its_entities(client: TestClient, ids: dict[str, str]) -> None:
    data = client.get(f"/article/{ids['article']}.json").json()
    assert ids["entity"] in {e["key"] for e in data["entities"]}
    html = client.get(f"/article/{ids['article']}").text
    assert f'href="/entity/{quote(ids["entity"], safe="")}"' in html
    assert "hl claim-assert entity" in html  # the mention is underlined inside the claim
    piped = client.get(f"/article/{ids['piped_article']}.json").json()  # entities the pipeline resolved
    assert piped["entities"] and all(e["key"] for e in piped["entities"])
    assert f'href="/entity/{quote(piped["entities"][0]["key"], safe="")}"' in client.get(
        f"/article/{ids['piped_article']}").text


def test_article_page_shortens_machine_paths(client: TestClient, ids: dict[str, str]) -> None:
    html = client.get(f"/article/{ids['bulk_article']}").text
    assert "/home/reporter" not in html and "…/bulk/item-000.txt" in html
    assert short_source("/home/x/corpus/a/b.txt") == "…/a/b.txt"
    assert short_source("/tmp/in/feed.jsonl#12") == "…/in/feed.jsonl#12"
    assert short_source("C:\\Users\\me\\news\\a.txt") == "…/news/a.txt"
    assert short_source("https://example.com/a/b/c") == "https://example.com/a/b/c"
    assert short_source("articles/01.txt") == "articles/01.txt"


def test_claim_links_land_on_the_highlighted_span(client: TestClient, ids: dict[str, str]) -> None:
    html = client.get(f"/article/{ids['article']}").text
    claim = quote(ids["claim"], safe="")
    assert f'id="c-{ids["claim"]}" href="/claim/{claim}"' in html  # the span's first run carries the anchor
    group = client.get(f"/group/{ids['group']}").text
    assert f'href="/article/{ids["article"]}#c-{claim}"' in group


def test_story_stats_follow_every_write(tmp_path: Path, ledgers: Ledgers) -> None:
    """The counts the story list reads (migration 0004; PostgreSQL's since 0012) match a recount
    after inserts, updates, deletes."""
    from crosscheck.store import open_store

    path = ledgers.new("s")
    webledger.build(path, tmp_path)
    recount = """SELECT s.id, (SELECT count(*) FROM story_articles sa WHERE sa.story_id = s.id),
        (SELECT count(*) FROM claim_groups g WHERE g.story_id = s.id),
        (SELECT count(*) FROM claim_groups g WHERE g.story_id = s.id AND g.status LIKE '%"disputed"%'),
        (SELECT min(a.published) FROM story_articles sa JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = s.id),
        (SELECT max(a.published) FROM story_articles sa JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = s.id)
        FROM stories s ORDER BY s.id"""
    stats = "SELECT * FROM story_stats ORDER BY story_id"
    outlets = ("SELECT sa.story_id, a.outlet, count(*) FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
               "WHERE a.outlet IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2")
    with open_store(path) as store:
        def check() -> None:
            assert [tuple(r) for r in store.conn.execute(stats)] == [tuple(r) for r in store.conn.execute(recount)]
            assert ([tuple(r) for r in store.conn.execute("SELECT * FROM story_outlets ORDER BY 1, 2")]
                    == [tuple(r) for r in store.conn.execute(outlets)])

        check()
        with store.transaction() as cur:
            cur.execute("UPDATE claim_groups SET status = '[\"corroborated\"]' WHERE status LIKE '%disputed%'")
            cur.execute("DELETE FROM story_articles WHERE article_id = 'abulk0000000000000'")
            cur.execute("UPDATE story_articles SET story_id = ? WHERE article_id = 'abulk0000000000001'",
                        (webledger.STORY_ID,))
            cur.execute("UPDATE claim_groups SET story_id = ? WHERE id = ?", (webledger.STORY_ID, webledger.BULK_GROUP))
            cur.execute("INSERT OR IGNORE INTO story_articles (story_id, article_id) VALUES (?, ?)",
                        (webledger.STORY_ID, webledger.ARTICLE_ID))  # ignored: no double count
        check()
        with store.transaction() as cur:
            cur.execute("DELETE FROM claim_groups WHERE id = ?", (webledger.GROUP_DENY,))
            cur.execute("DELETE FROM story_articles WHERE story_id = ?", (webledger.BULK_STORY,))
            cur.execute("DELETE FROM stories WHERE id = ?", (webledger.BULK_STORY,))
        check()


def test_story_list_without_the_stats_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    webledger.build(path)
    with sqlite3.connect(path) as conn:  # a ledger written before migration 0004
        conn.executescript("DROP TABLE story_stats; DROP TABLE story_outlets; "
                           "DELETE FROM migrations WHERE name = '0004_story_stats';")
    conn.close()
    with TestClient(create_app(path)) as c:
        data = c.get("/.json").json()
    assert [(s["id"], s["n_articles"], s["n_disputed"]) for s in data["stories"]] == [
        (webledger.BULK_STORY, webledger.N_BULK, 0), (webledger.STORY_ID, 2, 1)]


FACETS = """SELECT 'speaker', coalesce(c.speaker, c.speaker_text), coalesce(a.published, ''), a.rowid, c.start, c.id, a.outlet, c.polarity
    FROM claims c JOIN articles a ON a.id = c.article_id
    WHERE a.superseded_by IS NULL AND coalesce(c.speaker, c.speaker_text) IS NOT NULL
    UNION SELECT 'said', c.speaker_entity, coalesce(a.published, ''), a.rowid, c.start, c.id, a.outlet, c.polarity
    FROM claims c JOIN articles a ON a.id = c.article_id WHERE a.superseded_by IS NULL AND c.speaker_entity IS NOT NULL
    UNION SELECT 'about', m.entity, coalesce(a.published, ''), a.rowid, c.start, c.id, a.outlet, c.polarity
    FROM entity_mentions m JOIN claims c ON c.article_id = m.article_id AND m.start >= c.start AND m.end <= c.end
    JOIN articles a ON a.id = c.article_id WHERE m.entity IS NOT NULL AND a.superseded_by IS NULL
    ORDER BY 1, 2, 3, 4, 5, 6"""


def test_claim_facets_follow_every_write(tmp_path: Path, ledgers: Ledgers) -> None:
    """The index the speaker and entity pages read (migration 0005; PostgreSQL's since 0012)
    matches a recount after writes."""
    from crosscheck.store import open_store

    path = ledgers.new("f")
    webledger.build(path, tmp_path)
    with open_store(path) as store:
        def check() -> None:
            assert ([tuple(r) for r in store.conn.execute("SELECT * FROM claim_facets ORDER BY 1, 2, 3, 4, 5, 6")]
                    == [tuple(r) for r in store.conn.execute(FACETS)])

        check()
        claim = f"{webledger.ARTICLE_ID}:c1"
        with store.transaction() as cur:
            cur.execute("UPDATE claims SET speaker = 'Someone Else', speaker_entity = NULL WHERE id = ?", (claim,))
            cur.execute("UPDATE entity_mentions SET entity = 'place:elsewhere' WHERE article_id = ?",
                        (webledger.ARTICLE_ID,))
            cur.execute("INSERT INTO entity_mentions VALUES (?, 1, 3, 'x', 'ORG', 'org:x')", ("abulk0000000000003",))
        check()
        with store.transaction() as cur:
            cur.execute("DELETE FROM entity_mentions WHERE entity = 'place:elsewhere'")
            cur.execute("UPDATE articles SET superseded_by = 'anewer' WHERE id = 'abulk0000000000003'")
            cur.execute("DELETE FROM claims WHERE id = 'abulk0000000000004:c1'")
        check()


def test_speaker_and_entity_pages_without_the_facets_migration(tmp_path: Path, client: TestClient,
                                                               ids: dict[str, str]) -> None:
    path = tmp_path / "old.db"
    webledger.build(path)
    with sqlite3.connect(path) as conn:  # a ledger written before migration 0005
        conn.executescript("DROP TABLE claim_facets; DELETE FROM migrations WHERE name = '0005_claim_facets';")
    conn.close()
    paths = ["/speaker/Filler%20Speaker.json", "/speaker/Filler%20Speaker.json?page=2",
             "/entity/" + quote(ids["entity"], safe="") + ".json", "/speaker/" + quote(webledger.SPEAKER, safe="") + ".json"]
    with TestClient(create_app(path)) as old:
        for p in paths:
            a, b = old.get(p).json(), client.get(p).json()
            assert a["over_time"] == b["over_time"], p
            for key in ("said", "about"):  # same claims in the same order: date, article, offset
                assert [c["id"] for c in a.get(key, [])] == [c["id"] for c in b.get(key, [])], p


def test_common_words_are_ranked_among_the_newest_matches(client: TestClient, ledger: tuple[str, dict[str, str]]) -> None:
    from crosscheck.config import DEFAULTS

    everything = client.get("/search.json?q=Filler").json()
    assert len(everything["claims"]) == 50 and everything["windowed"] == {"claims": False, "articles": False}
    with TestClient(create_app(ledger[0], DEFAULTS.changed(web__search_rank_window=10))) as small:
        data = small.get("/search.json?q=Filler").json()
        assert data["windowed"]["claims"] and len(data["claims"]) == 10 and not data["has_next"]
        newest = {f"{webledger.ARTICLE_ID}:f{i}" for i in range(webledger.N_FILLER - 10, webledger.N_FILLER)}
        assert {c["id"] for c in data["claims"]} == newest
        assert "most recently added" in small.get("/search?q=Filler").text
    assert client.get("/search.json?q=Filler").json() == everything  # the other app keeps its own window


def test_group_page_shows_principals_and_stances_escaped(client: TestClient, ids: dict[str, str]) -> None:
    """Who asserts, denies, contests or declines to deny, as principals (issue 10), every name escaped."""
    data = client.get(f"/group/{ids['group']}.json").json()["group"]
    assert data["contesters"] == [f"Contester {webledger.IMG}"] and data["non_denials"] == [f"Silent {webledger.SCRIPT}"]
    html = client.get(f"/group/{ids['group']}").text
    assert "contested by" in html and "declines to deny" in html
    assert webledger.IMG not in html and webledger.SCRIPT not in html
    assert html.count("Contester &lt;img") >= 1


def test_a_claim_s_context_is_cut_at_sentences_never_inside_a_word() -> None:
    """Issue 14: a claim running past its stored sentence, or with none stored, is shown in the
    sentences around it, never from a character offset inside a word (invented text)."""
    from crosscheck.web.spans import context_bounds, sentence_runs

    text = ("First sentence here. " + "The ministry said the strike contributed to the suffering of the people, "
            + "and more words follow " * 12 + "until it ends. Next one.\nA new line.")
    start = text.index("contributed")
    end = text.index("until it ends") + len("until it ends")
    lo, hi = context_bounds(text, start, end, text.index("The ministry"), start + 30)
    assert text[lo:hi] == text[text.index("The ministry"):text.index(" Next one")]
    lo, hi = context_bounds(text, start, start + 11, None, None)
    assert text[lo:].startswith("The ministry") and text[:hi].endswith("until it ends.")
    # no boundary within the pad: cut at the nearest space, a whole word either side
    lo, hi = context_bounds(text, start, start + 11, None, None, pad=40)
    assert text[lo - 1] == " " and text[lo].isalpha() and text[hi] == " " and text[hi - 1].isalpha()
    runs = sentence_runs(text, {"id": "x", "start": start, "end": end, "polarity": "assert",
                                "sentence_start": None, "sentence_end": None})
    assert runs[0]["start"] == text.index("The ministry") and "".join(r["text"] for r in runs).endswith("it ends.")
