"""Regenerate docs/screenshots/*.png: the main pages of the web UI over the demo corpus.

Analyzes the invented demo corpus shipped in the package into a fresh ledger, serves it with
`crosscheck serve` on a free loopback port, and photographs the pages with Debian's Chromium
through Playwright. Run with `make screenshots`.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-dev-shm-usage"]


def main() -> None:
    """Build the demo ledger, serve it, and write one PNG per main page."""
    exe = str(Path(sys.executable).with_name("crosscheck"))
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([exe, "demo", "--out", tmp], check=True, stdout=subprocess.DEVNULL)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([exe, "serve", "--db", f"{tmp}/crosscheck.db", "--port", str(port)],
                                  stdout=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(url + "/static/style.css", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            shoot(url)
        finally:
            server.terminate()
            server.wait()


def shoot(url: str) -> None:
    """Visit the main pages and save a screenshot of each."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "/")
        page.screenshot(path=OUT / "stories.png", full_page=True)
        page.locator("a.story-link").first.click()
        page.wait_for_load_state()
        page.screenshot(path=OUT / "story.png", full_page=False)
        group = page.locator("tr.group.disputed a.group-link")
        (group if group.count() else page.locator("a.group-link")).first.click()
        page.wait_for_load_state()
        page.screenshot(path=OUT / "group.png", full_page=True)
        href = page.locator("article.claim a[href^='/article/']").first.get_attribute("href") or "/"
        page.goto(url + href.split("#")[0])
        page.screenshot(path=OUT / "article.png", full_page=False)
        page.goto(url + "/search?q=dam")
        page.screenshot(path=OUT / "search.png", full_page=False)
        browser.close()
    for p in sorted(OUT.glob("*.png")):
        print(f"wrote {p.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
