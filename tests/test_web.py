"""The web UI through FastAPI's TestClient over a real SQLite ledger full of hostile input."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
from fastapi.testclient import TestClient

import webledger
from crosscheck.errors import StoreError
from crosscheck.web import create_app
from crosscheck.web.app import CSP
from crosscheck.web.search import fts_query


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("web") / "web.db"
    return path, webledger.build(path)


@pytest.fixture(scope="module")
def client(ledger: tuple[Path, dict[str, str]]) -> Iterator[TestClient]:
    with TestClient(create_app(ledger[0])) as c:
        yield c


@pytest.fixture(scope="module")
def ids(ledger: tuple[Path, dict[str, str]]) -> dict[str, str]:
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
    assert [s["id"] for s in data["stories"]] == [ids["story"]]
    story = data["stories"][0]
    assert story["n_disputed"] == 1 and story["n_articles"] == 2
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
    assert any(r["hit"] for r in hit["snippet"])
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
