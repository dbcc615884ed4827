"""Feeds in, against a real HTTP server on 127.0.0.1 serving feeds and pages written for the tests."""

from __future__ import annotations

import gzip
import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from crosscheck.ingest.feeds import FetchCache, Fetcher, FetchSettings, Poller, analyze_feeds, parse_every
from crosscheck.store import open_store

PARAS = {
    "a": ["The harbour master said on Tuesday that 42 ships had been held outside the port because of the storm.",
          "Dock workers described waves breaking over the sea wall, and the city council warned that the ferry "
          "service would stay suspended until Friday."],
    "b": ["The transport ministry denied reports that the coastal railway would close for a month, calling them "
          "false.", "Engineers said the damaged embankment near the old station could be repaired within ten days."],
    "gz": ["Fishermen said that at least 30 boats had been damaged in the night, the regional cooperative reported.",
           "The cooperative asked the government for emergency loans, saying the season's income was at risk."],
    "a2": ["The weather office said the storm would weaken on Thursday as it moved north across the strait.",
           "Forecasters warned that gusts of up to 110 kilometres an hour were still possible along the coast."],
    "c": ["This page is private and robots.txt forbids crawling it, so crosscheck must never ask for it."],
    "new": ["The port reopened on Saturday morning, the harbour master said, after the wind dropped overnight.",
            "About 60 ships entered the harbour in the first hours, according to the port authority."],
}


def page(key: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in PARAS[key])
    return (f"<!doctype html><html><head><title>page {key}</title></head><body><nav>Home | News</nav>"
            f"<article>{body}</article><footer>Test outlet</footer></body></html>").encode()


def rss(items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>"
        f"<dc:creator>Rita Vale</dc:creator></item>" for title, link in items)
    return (f'<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>Harbour Gazette</title><link>http://gazette.test/</link>{entries}</channel></rss>").encode()


ATOM = (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Coast Wire</title>'
        b"<id>urn:coast</id><updated>2024-03-06T08:00:00Z</updated><entry><title>Boats damaged</title>"
        b'<link href="/gz"/><id>urn:gz</id><updated>2024-03-06T08:00:00Z</updated>'
        b"<author><name>Tom Reed</name></author></entry></feed>")


@dataclass
class Site:
    """What the server serves and what it was asked."""

    feed_items: list[tuple[str, str]] = field(default_factory=list)
    feed_etag: str = '"v1"'
    log: list[tuple[str, str | None, int, float]] = field(default_factory=list)  # path, If-None-Match, status, t
    slow: float = 2.0
    asked: list[str] = field(default_factory=list)  # paths as requests arrive (before any answer)

    def pages(self, path: str) -> list[tuple[str, str | None, int, float]]:
        return [r for r in self.log if r[0] == path]


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            site.log.append((self.path, self.headers.get("If-None-Match"), status, time.monotonic()))
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def conditional(self, etag: str, body: bytes, ctype: str, *, gz: bool = False) -> None:
            if self.headers.get("If-None-Match") == etag:
                self.send(304, headers={"ETag": etag})
                return
            headers = {"ETag": etag, "Content-Type": ctype}
            if gz:
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
            self.send(200, body, headers)

        def do_GET(self) -> None:
            p = self.path
            site.asked.append(p)
            if p == "/robots.txt":
                self.send(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"})
            elif p == "/feed.xml":
                self.conditional(site.feed_etag, rss(site.feed_items), "application/rss+xml")
            elif p == "/atom.xml":
                self.conditional('"atom1"', ATOM, "application/atom+xml", gz=True)
            elif p in ("/a", "/b", "/a2", "/new", "/private/c"):
                self.conditional(f'"{p}-1"', page(p.rsplit("/", 1)[1]), "text/html; charset=utf-8")
            elif p == "/gz":
                self.conditional('"gz-1"', page("gz"), "text/html; charset=utf-8", gz=True)
            elif p == "/moved":
                self.send(301, headers={"Location": "/a2"})
            elif p in ("/loop1", "/loop2"):
                self.send(302, headers={"Location": "/loop2" if p == "/loop1" else "/loop1"})
            elif p == "/slow":
                time.sleep(site.slow)
                self.send(200, page("a"), {"Content-Type": "text/html"})
            elif p == "/error":
                self.send(500, b"oops", {"Content-Type": "text/plain"})
            else:
                self.send(404, b"not here", {"Content-Type": "text/plain"})

    return Handler


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    state = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    state.feed_items = [("Ships held outside the port", f"{base}/a"), ("Railway will not close", "/b"),
                        ("Private", f"{base}/private/c"), ("Gone", f"{base}/missing"), ("Moved", f"{base}/moved"),
                        ("Loop", f"{base}/loop1"), ("Slow", f"{base}/slow"), ("Broken", f"{base}/error")]
    yield state, base
    server.shutdown()
    server.server_close()


FAST = FetchSettings(timeout=1.0, max_redirects=3, delay=0.02)  # a slow page sleeps 2 s


def poll(store: Any, feeds: list[str], settings: FetchSettings = FAST) -> tuple[Any, Poller]:
    fetcher = Fetcher(settings)
    poller = Poller(fetcher, FetchCache(store))
    try:
        return analyze_feeds(poller, feeds, store), poller
    finally:
        fetcher.close()


def test_a_poll_stores_pages_with_the_feeds_metadata_and_names_each_failure(site: tuple[Site, str], tmp_path: Path) -> None:
    state, base = site
    with open_store(tmp_path / "l.db") as store:
        summary, poller = poll(store, [f"{base}/feed.xml"])
        arts = {a.source: a for a in store.articles()}
        assert set(arts) == {f"{base}/a", f"{base}/b", f"{base}/moved"}
        a = arts[f"{base}/a"]
        assert (a.title, a.outlet, a.author, a.published) == (
            "Ships held outside the port", "Harbour Gazette", "Rita Vale", "2024-03-05")
        assert "harbour master" in a.text
        reasons = dict(summary.rejected)
        assert reasons[f"{base}/private/c"] == "disallowed by robots.txt"
        assert reasons[f"{base}/missing"] == "HTTP 404"
        assert reasons[f"{base}/loop1"] == "too many redirects (more than 3)"
        assert reasons[f"{base}/slow"] == "timed out after 1s"
        assert reasons[f"{base}/error"] == "HTTP 500"
        assert not state.pages("/private/c"), "a page robots.txt disallows is never asked for"
        assert len(state.pages("/robots.txt")) == 1
        assert poller.stats.fetched == 3 and poller.stats.entries == 8


def test_a_repoll_costs_304s_and_fetches_only_what_is_new(site: tuple[Site, str], tmp_path: Path) -> None:
    state, base = site
    state.feed_items = state.feed_items[:2]
    feed = f"{base}/feed.xml"
    with open_store(tmp_path / "l.db") as store:
        first, _ = poll(store, [feed])
        assert first.stored == 2
        # unchanged feed: one conditional request, answered 304, nothing else
        state.log.clear()
        again, poller = poll(store, [feed])
        assert again.stored == 0 and poller.stats.unchanged == 1
        assert [(p, inm, st) for p, inm, st, _ in state.log if p != "/robots.txt"] == [("/feed.xml", '"v1"', 304)]
        # the feed changes: the new entry is downloaded, the old ones answer 304
        state.feed_items.append(("Port reopens", f"{base}/new"))
        state.feed_etag = '"v2"'
        state.log.clear()
        third, poller = poll(store, [feed])
        assert third.stored == 1 and poller.stats.not_modified == 2 and poller.stats.fetched == 1
        assert [st for _, _, st, _ in state.pages("/a")] == [304]
        assert [st for _, _, st, _ in state.pages("/new")] == [200]
        assert store.counts()["articles"] == 3
        cached = dict(store.conn.execute("SELECT url, etag FROM fetch_cache").fetchall())
        assert cached[feed] == '"v2"' and cached[f"{base}/new"] == '"/new-1"'


def test_validators_wait_for_the_article_to_be_stored(site: tuple[Site, str], tmp_path: Path) -> None:
    state, base = site
    state.feed_items = state.feed_items[:2]
    with open_store(tmp_path / "l.db") as store:
        fetcher = Fetcher(FAST)
        poller = Poller(fetcher, FetchCache(store))
        docs = list(poller.poll([f"{base}/feed.xml"]))  # fetched, never stored (an interrupted run)
        fetcher.close()
        assert len(docs) == 2
        assert store.conn.execute("SELECT count(*) FROM fetch_cache").fetchone()[0] == 0
        state.log.clear()
        summary, _ = poll(store, [f"{base}/feed.xml"])
        assert summary.stored == 2 and {st for _, _, st, _ in state.log} == {200}


def test_gzip_atom_feed_and_gzip_page(site: tuple[Site, str], tmp_path: Path) -> None:
    _state, base = site
    with open_store(tmp_path / "l.db") as store:
        summary, _ = poll(store, [f"{base}/atom.xml"])
        assert summary.stored == 1 and not summary.rejected
        (a,) = store.articles()
        assert (a.source, a.outlet, a.author, a.published) == (f"{base}/gz", "Coast Wire", "Tom Reed", "2024-03-06")
        assert "30 boats" in a.text


def test_a_feed_file_and_bad_feeds(site: tuple[Site, str], tmp_path: Path) -> None:
    _state, base = site
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss([("Ships held", f"{base}/a")]))
    junk = tmp_path / "junk.xml"
    junk.write_bytes(b"<html><body>not a feed</body></html>")
    with open_store(tmp_path / "l.db") as store:
        summary, _ = poll(store, [str(feed), str(junk), f"{base}/nofeed.xml"])
        assert summary.stored == 1
        reasons = dict(summary.rejected)
        assert reasons[f"{base}/nofeed.xml"] == "HTTP 404"
        assert str(junk) in reasons


def test_one_request_per_host_per_delay(site: tuple[Site, str], tmp_path: Path) -> None:
    state, base = site
    state.feed_items = [*state.feed_items[:2], ("Moved", f"{base}/moved")]
    with open_store(tmp_path / "l.db") as store:
        poll(store, [f"{base}/feed.xml"], FetchSettings(timeout=2, delay=0.3))
    times = [t for _, _, _, t in state.log]
    assert len(times) >= 5  # robots, feed, three pages (the redirect hop goes through the same client)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # the redirect's second hop is part of the same request; every new request waits its turn
    assert sum(g >= 0.28 for g in gaps) >= 4


def test_robots_answering_500_disallows_the_host(tmp_path: Path) -> None:
    class Down(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(503 if self.path == "/robots.txt" else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Down)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        fetcher = Fetcher(FAST)
        answer = fetcher.get(f"http://127.0.0.1:{server.server_address[1]}/page")
        fetcher.close()
        assert answer.error == "disallowed by robots.txt"
    finally:
        server.shutdown()
        server.server_close()


def test_parse_every() -> None:
    assert [parse_every(x) for x in ("15m", "30s", "2h", "90")] == [900, 30, 7200, 90]
    for bad in ("", "soon", "-5m", "0"):
        with pytest.raises(ValueError):
            parse_every(bad)


def _watch(db: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "crosscheck.cli", "watch", *args, "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_cli_watch_once(site: tuple[Site, str], tmp_path: Path) -> None:
    state, base = site
    state.feed_items = state.feed_items[:4]
    proc = _watch(tmp_path / "l.db", f"{base}/feed.xml", "--once", "--delay", "0.02", "--timeout", "1")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "4 entries, 2 fetched" in out and "2 stored" in out
    assert f"skipped {base}/private/c: disallowed by robots.txt" in err


def test_cli_watch_stops_cleanly_on_ctrl_c(site: tuple[Site, str], tmp_path: Path) -> None:
    state, base = site
    state.slow = 1.5
    state.feed_items = [state.feed_items[0], ("Slow", f"{base}/slow"), ("Railway", f"{base}/b")]
    db = tmp_path / "l.db"
    proc = _watch(db, f"{base}/feed.xml", "--every", "1s", "--delay", "0.02", "--timeout", "5")
    deadline = time.monotonic() + 90
    while "/slow" not in state.asked and time.monotonic() < deadline:  # Ctrl-C while a page is in flight
        time.sleep(0.02)
    assert "/slow" in state.asked, "the watcher never reached the slow page"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "stopping after what is in flight is stored" in err and "stopped after 1 poll(s)" in out
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {r[0] for r in con.execute("SELECT source FROM articles")}
        cached = {r[0] for r in con.execute("SELECT url FROM fetch_cache")}
        # what was fetched before the stop is stored whole; nothing after it was asked for
        assert stored == {f"{base}/a", f"{base}/slow"}
        assert "/b" not in state.asked
        assert cached == stored  # the feed's validators wait for a poll that finished
        claims = con.execute("SELECT count(*) FROM claims").fetchone()[0]
        assert claims > 0
    finally:
        con.close()
