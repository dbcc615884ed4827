"""Regenerate the screenshots: the web UI and the briefing over the demo corpus and the seeds.

For each corpus: analyze it into a fresh ledger, write the HTML briefing, serve the ledger with
`crosscheck serve` on a free loopback port, and photograph, with Debian's Chromium through
Playwright, the story page (its first screen: the bottom line), a disputed claim group, the
story's timeline and the briefing's first story (its first screen). Run with `make screenshots`.

The demo corpus is invented and ships in the package: its pictures go to docs/screenshots
(``stories``, ``story``, ``group``, ``timeline``, ``briefing``, ``article``, ``search``). The seeds
are real articles that stay in ../shared (house rule: their text never enters the repository,
a picture of it neither): their pictures go to out/screenshots/seeds-*.png, beside the checkout.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SEEDS_OUT = ROOT / "out" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-dev-shm-usage"]


def _exe() -> str:
    return str(Path(sys.executable).with_name("crosscheck"))


def _serve(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([_exe(), "serve", "--db", str(db), "--port", str(port)], stdout=subprocess.DEVNULL)
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/static/style.css", timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, url


def _ledger(tmp: Path, corpus: str | None) -> tuple[Path, Path]:
    """A fresh ledger (and its HTML briefing) of the demo corpus (None) or of a folder."""
    if corpus is None:
        subprocess.run([_exe(), "demo", "--out", str(tmp)], check=True, stdout=subprocess.DEVNULL)
        return tmp / "crosscheck.db", tmp / "briefing.html"
    db = tmp / "crosscheck.db"
    subprocess.run([_exe(), "analyze", corpus, "--db", str(db), "--no-progress"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([_exe(), "report", "--db", str(db), "-o", str(tmp / "briefing.html")], check=True,
                   stdout=subprocess.DEVNULL)
    return db, tmp / "briefing.html"


def shoot(page: Any, url: str, briefing: Path, out: Path, prefix: str, *, extra: bool) -> list[Path]:
    """The story page, a group, the timeline and the briefing; with ``extra``, also the story
    list, an article and a search."""
    made = []

    def snap(name: str, *, full: bool = False) -> None:
        path = out / f"{prefix}{name}.png"
        page.screenshot(path=path, full_page=full)
        made.append(path)

    page.goto(url + "/")
    if extra:
        snap("stories", full=True)
    page.locator("a.story-link").first.click()
    page.wait_for_load_state()
    story_url = page.url
    snap("story")  # the first screen: title, then the bottom line
    page.evaluate("() => document.getElementById('timeline').scrollIntoView({block: 'start'})")
    snap("timeline")
    page.goto(story_url)
    group = page.locator("tr.group.disputed a.group-link")
    (group if group.count() else page.locator("a.group-link")).first.click()
    page.wait_for_load_state()
    snap("group")
    if extra:
        href = page.locator("article.claim a[href^='/article/']").first.get_attribute("href") or "/"
        page.goto(url + href.split("#")[0])
        snap("article")
        page.goto(url + "/search?q=dam")
        snap("search")
    page.goto(briefing.resolve().as_uri())
    first = page.locator("section.story").first
    if first.count():
        page.evaluate("() => document.querySelector('section.story').scrollIntoView({block: 'start'})")
    snap("briefing")
    return made


def main() -> None:
    """Build the ledgers, serve each, and write the PNGs."""
    OUT.mkdir(parents=True, exist_ok=True)
    shared = Path(os.environ.get("CROSSCHECK_SHARED", ROOT.parent / "shared"))
    corpora: list[tuple[str | None, Path, str, bool]] = [(None, OUT, "", True)]
    seeds = shared / "corpus" / "seeds"
    if seeds.is_dir():
        SEEDS_OUT.mkdir(parents=True, exist_ok=True)
        corpora.append((str(seeds), SEEDS_OUT, "seeds-", False))
    else:
        print(f"no seeds at {seeds}: only the demo is photographed")
    made: list[Path] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for corpus, out, prefix, extra in corpora:
            with tempfile.TemporaryDirectory() as tmp:
                db, briefing = _ledger(Path(tmp), corpus)
                server, url = _serve(db)
                try:
                    page = browser.new_page(viewport=VIEWPORT)
                    made += shoot(page, url, briefing, out, prefix, extra=extra)
                    page.close()
                finally:
                    server.terminate()
                    server.wait()
        browser.close()
    for p in made:
        print(f"wrote {p.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
