"""The web UI in a real browser: Debian's Chromium driven by Playwright, against `crosscheck serve`.

Real parts only: a real SQLite ledger, the real CLI serving it with uvicorn on 127.0.0.1, and
/usr/bin/chromium (Playwright's own browser download cannot work here). Skipped with the
reason when Chromium or Playwright is missing locally; a failure under CI=true.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

import webledger
from conftest import need_shared

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-dev-shm-usage"]


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`crosscheck serve` in a child process, on a free loopback port."""

    def __init__(self, db: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        exe = Path(sys.executable).with_name("crosscheck")
        self.proc = subprocess.Popen([str(exe), "serve", "--db", str(db), "--port", str(self.port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"crosscheck serve exited: {self.proc.stderr.read() if self.proc.stderr else ''}")
            try:
                with urllib.request.urlopen(self.url + "/static/style.css", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("crosscheck serve did not start in 20 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[dev]')")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        _missing(f"{CHROMIUM} not found (apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context()
    p = ctx.new_page()
    p.set_default_timeout(10_000)
    p.dialogs = []  # any alert/confirm would be a payload that ran
    p.errors = []
    p.on("dialog", lambda d: (p.dialogs.append(d.message), d.dismiss()))
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    yield p
    ctx.close()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    db = tmp_path_factory.mktemp("browser") / "hostile.db"
    ids = webledger.build(db)
    server = Server(db)
    yield server, ids
    server.stop()


def _assert_nothing_ran(page: Any) -> None:
    assert page.evaluate("() => window.__pwned") is None
    assert page.dialogs == []
    assert page.errors == []


def test_hostile_payloads_never_run_and_show_literally(page: Any, hostile_server: tuple[Server, dict[str, str]]) -> None:
    server, ids = hostile_server
    page.goto(server.url + "/")
    bulk_link = page.locator(f"a.story-link[href='/story/{ids['bulk_story']}']")
    assert bulk_link.inner_text() == f"Bulk story {webledger.HANDLER}"
    bulk_link.hover()
    story_link = page.locator(f"a.story-link[href='/story/{ids['story']}']")
    assert story_link.inner_text() == f"Story {webledger.SCRIPT} {webledger.TEMPLATE}"
    story_link.click()
    page.wait_for_url(f"**/story/{ids['story']}")
    _assert_nothing_ran(page)
    assert webledger.DENIER in page.locator("table.groups").inner_text()
    page.locator("a.group-link").first.click()
    page.wait_for_url("**/group/*")
    assert webledger.HANDLER in page.locator("article.claim").first.inner_text()
    page.locator("text=hover").first.hover()
    _assert_nothing_ran(page)
    for path in (f"/article/{ids['article']}", f"/article/{ids['piped_article']}", f"/claim/{ids['claim']}",
                 "/speaker/" + webledger.SPEAKER, "/search?q=script", "/entity/" + quote(ids["entity"], safe=""),
                 f"/story/{ids['bulk_story']}?apage=2&qpage=2", f"/group/{ids['bulk_group']}?page=2"):
        page.goto(server.url + path)
        _assert_nothing_ran(page)
    page.goto(server.url + f"/article/{ids['piped_article']}")
    assert page.locator("h1").inner_text() == f"Title {webledger.SCRIPT} {webledger.IMG} {webledger.TEMPLATE}"
    assert page.locator("img").count() == 0 and page.locator("script:not([src])").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    page.goto(server.url + f"/article/{ids['article']}#removed")
    assert page.locator("details.removed").get_attribute("open") is not None  # our one script ran, from /static
    assert f"Share on {webledger.SCRIPT}" in page.locator("details.removed").inner_text()
    _assert_nothing_ran(page)


def test_speaker_page_over_time_and_entity_links(page: Any, hostile_server: tuple[Server, dict[str, str]]) -> None:
    server, ids = hostile_server
    page.goto(server.url + "/speaker/" + quote(webledger.SPEAKER, safe=""))
    assert page.locator("h1").inner_text() == webledger.SPEAKER
    chart = page.locator("svg.histogram")
    assert chart.is_visible() and chart.locator("rect.seg.assert").count() == 1
    page.goto(server.url + f"/article/{ids['article']}")
    page.locator("dd.entities a").first.click()  # the article links its entities
    page.wait_for_url("**/entity/**")
    assert "dam" in page.locator("h1").inner_text()
    assert page.locator("svg.histogram rect.seg").count() == 2  # said by it and about it, one day
    _assert_nothing_ran(page)


def test_briefing_file_is_styled_and_inert(page: Any, tmp_path: Path) -> None:
    from crosscheck.report import write_report
    from crosscheck.store import SQLiteStore

    ids = webledger.build(tmp_path / "b.db")
    out = tmp_path / "briefing.html"
    with SQLiteStore(tmp_path / "b.db") as store:
        write_report(store, out)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    badge = page.locator(".badge.disputed").first
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(253, 226, 225)"  # inlined CSS applies
    assert page.locator("svg.timeline circle.ev").count() >= 1
    page.locator(f"#s-{ids['story']} a.group-link").first.click()  # a group row -> its highlighted span
    assert page.evaluate("() => location.hash") == f"#c-{ids['claim']}"
    target = page.locator(":target")
    assert target.count() == 1 and "claim-assert" in (target.get_attribute("class") or "")
    assert target.is_visible()
    _assert_nothing_ran(page)
    assert [r for r in requests if not r.startswith("file://")] == []  # no network at all
    assert not [m for m in console if "Content Security Policy" in m], console


def test_unknown_id_is_a_404_page(page: Any, hostile_server: tuple[Server, dict[str, str]]) -> None:
    server, _ = hostile_server
    response = page.goto(server.url + "/story/s-unknown")
    assert response.status == 404
    assert "Not found" in page.locator("h1").inner_text()


@pytest.fixture(scope="module")
def seeds_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    seeds = need_shared("corpus", "seeds")
    from crosscheck.pipeline import analyze_and_link
    from crosscheck.store import open_store

    db = tmp_path_factory.mktemp("seeds-web") / "seeds.db"
    with open_store(db) as store:
        analyze_and_link([str(seeds)], store)
    server = Server(db)
    yield server
    server.stop()


def test_seeds_end_to_end(page: Any, seeds_server: Server) -> None:
    url = seeds_server.url
    page.goto(url + "/")
    page.locator("a.story-link").first.click()
    page.wait_for_url("**/story/*")
    story_path = page.url.removeprefix(url)
    # deniers are principals (issue 10): "Moscow and Pyongyang" denies as Russia and North Korea, apart
    disputed = page.locator("tr.group.disputed").filter(has=page.locator("td.deniers", has_text="North Korea"))
    assert disputed.count() >= 1
    assert "Russia" in disputed.first.locator("td.deniers").inner_text()
    assert page.locator("ol.bottom-line li").count() >= 1  # the bottom line comes first
    disputed.first.locator("a.group-link").click()
    page.wait_for_url("**/group/*")
    group_path = page.url.removeprefix(url)
    assert page.locator(".badge.disputed").count() >= 1
    deniers = page.locator("dd.deniers").inner_text()
    assert "Russia" in deniers and "North Korea" in deniers and "Moscow and Pyongyang" not in deniers
    assert "Moscow and Pyongyang" in page.locator("dl.facts").inner_text()  # the speaker as written, beside
    highlighted = page.locator("article.claim .ctx mark.claim-assert").first
    assert highlighted.is_visible() and highlighted.inner_text().strip()
    page.locator("ul.contradictions li.deny a.other-group").first.click()  # the denial itself
    page.wait_for_url("**/group/*")
    assert page.locator("article.claim.deny .ctx mark.claim-deny").first.is_visible()
    page.fill("header input[name=q]", "Kirby")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=Kirby")
    assert page.locator("ul.claims-hits li").count() >= 1
    assert "Kirby" in page.locator("ul.claims-hits").inner_text()
    for path in (story_path, group_path, "/search?q=Kirby", "/"):
        twin = ("/.json" if path == "/" else path.replace("?", ".json?") if "?" in path else path + ".json")
        response = page.request.get(url + twin)
        assert response.ok and response.json()["ok"] is True, twin
    assert page.errors == [] and page.dialogs == []


def _principals(names: str, aliases: dict[str, list[str]]) -> list[set[str]]:
    """Each name shown (comma-separated) as the answer key's principals its words match."""
    import re

    out = []
    for name in (n.strip() for n in names.split(",")):
        if name and name != "—":
            out.append({p for p, words in aliases.items()
                        if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", name, re.IGNORECASE) for w in words)})
    return out


def test_seeds_bottom_line_on_the_first_screen_matches_the_answer_key(page: Any, seeds_server: Server) -> None:
    import json

    key = json.loads(need_shared("corpus", "seeds.gold.json").read_text("utf-8"))["answer_key"]
    aliases: dict[str, list[str]] = key["principals"]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(seeds_server.url + "/")
    page.locator("a.story-link").first.click()
    page.wait_for_url("**/story/*")
    items = page.locator("ol.bottom-line > li")
    assert items.count() >= 1
    head = items.first.locator("p.claim-title").bounding_box()
    assert head is not None and head["y"] + head["height"] <= 900  # the bottom line is on the first screen
    shown = []
    for i in range(items.count()):
        li = items.nth(i)
        asserters = _principals(li.locator("dd.asserters").inner_text(), aliases)
        deniers = _principals(li.locator("dd.deniers").inner_text(), aliases)
        # principals, never the outlet that carries the claim
        assert all("an outlet" not in p for p in asserters + deniers), li.inner_text()
        shown.append((li, {p for ps in asserters for p in ps}, {p for ps in deniers for p in ps}, asserters, deniers))
    for prop in key["propositions"]:
        if not prop.get("denied_by_must"):
            continue  # the disputed propositions are the ones a bottom line must lead with
        first, asserted, denied, asserters, deniers = shown[0]
        assert set(prop["origins_must"]) <= asserted, (prop["id"], first.inner_text())
        assert not set(prop.get("origins_never", [])) & asserted, (prop["id"], first.inner_text())
        assert set(prop["denied_by_must"]) <= denied, (prop["id"], first.inner_text())
        assert not set(prop.get("denied_by_never", [])) & denied, (prop["id"], first.inner_text())
        assert all(ps for ps in asserters + deniers), first.inner_text()  # every name is a principal the key lists
        assert first.locator("a.group-link").is_visible()


def test_seeds_timeline_marks_are_labelled_apart_and_reach_their_event_by_keyboard(page: Any,
                                                                                    seeds_server: Server) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(seeds_server.url + "/")
    page.locator("a.story-link").first.click()
    page.wait_for_url("**/story/*")
    svg = page.locator("svg.timeline")
    assert svg.locator("text.evlab").count() >= 1 and svg.locator("text.replab").count() >= 1
    # the labels' boxes in the drawing's own units (as laid out, without the halo behind the glyphs)
    width, boxes = page.evaluate("""() => {
        const svg = document.querySelector('svg.timeline');
        const labels = [...svg.querySelectorAll('text.evlab, text.replab, text.tick')];
        return [svg.viewBox.baseVal.width, labels.map(t => { const b = t.getBBox();
            return {x: b.x, y: b.y, width: b.width, height: b.height}; })];
    }""")
    for b in boxes:  # nothing clipped at either edge
        assert b["x"] >= -0.5 and b["x"] + b["width"] <= width + 0.5, (b, width)
    for i, a in enumerate(boxes):  # no two labels overlap
        for b in boxes[i + 1:]:
            apart = (a["x"] + a["width"] <= b["x"] + 0.5 or b["x"] + b["width"] <= a["x"] + 0.5
                     or a["y"] + a["height"] <= b["y"] + 0.5 or b["y"] + b["height"] <= a["y"] + 0.5)
            assert apart, (a, b)
    mark = svg.locator("a.mark").first
    mark.focus()
    page.keyboard.press("Enter")
    target = page.evaluate("() => location.hash")
    assert target.startswith("#ev-") and page.locator(f"li{target}").is_visible()
    links = page.locator("ol.events a")
    texts = [links.nth(i).inner_text().strip() for i in range(links.count())]
    assert texts and not any(t in ("group", "[1]", "[2]", "[3]") for t in texts), texts
