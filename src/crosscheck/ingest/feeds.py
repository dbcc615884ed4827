"""Feeds in: RSS and Atom (feedparser), as files or URLs; every entry's page fetched over HTTP (httpx).

Fetching is polite and bounded: a timeout on every request, at most ``max_redirects`` hops
(a redirect loop is one rejected entry), one request per host every ``delay`` seconds,
robots.txt honoured (read once per host and run; a missing one allows all, an unreachable or
failing one disallows all), pages over 5 MB refused, gzip answers decoded.

Conditional GET: the ETag and Last-Modified a server sent are remembered in the ledger
(``fetch_cache``) and sent back next time, so a re-poll of an unchanged feed costs one 304 and
an entry already read costs one 304, not a download and an analysis. A page's validators are
written only after its article is stored (``Poller.settle``), and a feed's after all its
entries have been, so an interrupted poll fetches again what it had not finished.

The entry's own metadata is the article's: its title, date (published, else updated), author,
and the feed's title as the outlet.
"""

from __future__ import annotations

import calendar
import logging
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from crosscheck.config import DEFAULTS
from crosscheck.ingest.files import Rejected, decode
from crosscheck.model import RawDoc

if TYPE_CHECKING:
    from crosscheck.config import Settings
    from crosscheck.store.sqlite import SQLiteStore

logger = logging.getLogger(__name__)

USER_AGENT = "crosscheck/0.1 (news ledger; +https://example.invalid/crosscheck)"
ROBOTS_AGENT = "crosscheck"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How politely and how long to fetch."""

    timeout: float = 20.0
    max_redirects: int = 5
    delay: float = 1.0  # seconds between two requests to the same host
    max_bytes: int = DEFAULTS.ingest.max_text_bytes  # the CLI passes the run's ingest.max_text_bytes


@dataclass(frozen=True, slots=True)
class Answer:
    """One HTTP answer, or why there is none."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int  # 0 when no answer came (timeout, refused, too many redirects, robots)
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None


class FetchCache:
    """The validators of earlier answers, kept in the ledger (its ``fetch_cache`` table)."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store

    def get(self, url: str) -> tuple[str | None, str | None] | None:
        """(etag, last_modified) remembered for ``url``, or None when never fetched."""
        return self.store.fetch_validators(url)

    def put(self, url: str, etag: str | None, last_modified: str | None, status: int) -> None:
        """Remember the validators of an answer whose content is now stored."""
        self.store.remember_fetch(url, etag, last_modified, status)


class Fetcher:
    """HTTP GET with a timeout, bounded redirects, a per-host rate limit and robots.txt."""

    def __init__(self, settings: FetchSettings | None = None, *, stop: threading.Event | None = None) -> None:
        import httpx

        self.settings = settings or FetchSettings()
        self.stop = stop or threading.Event()
        self.client = httpx.Client(
            timeout=self.settings.timeout,
            follow_redirects=True,
            max_redirects=self.settings.max_redirects,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        )
        self._last: dict[str, float] = {}  # host -> monotonic time of its last request
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def _wait_for(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = last + self.settings.delay - time.monotonic()
            if pause > 0:
                self.stop.wait(pause)
        self._last[host] = time.monotonic()

    def allowed(self, url: str) -> bool:
        """robots.txt's word for ``url`` (fetched once per host)."""
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots:
            robots_url = urljoin(host, "/robots.txt")
            answer = self._get(robots_url, None, check_robots=False)
            parser: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser(robots_url)
            assert parser is not None
            if answer.status == 200:
                parser.parse(answer.body.decode("utf-8", "replace").splitlines())
            elif 400 <= answer.status < 500:
                parser.parse([])  # no rules: everything allowed
            else:  # a server that cannot say what it allows is not crawled this run
                parser = None
            self._robots[host] = parser
        rules = self._robots[host]
        return rules is not None and rules.can_fetch(ROBOTS_AGENT, url)

    def get(self, url: str, validators: tuple[str | None, str | None] | None = None) -> Answer:
        """GET ``url`` (conditional when ``validators`` are known)."""
        return self._get(url, validators, check_robots=True)

    def _get(self, url: str, validators: tuple[str | None, str | None] | None, *, check_robots: bool) -> Answer:
        import httpx

        if urlsplit(url).scheme not in ("http", "https"):
            return Answer(url, url, 0, error="not an http(s) URL")
        if check_robots and not self.allowed(url):
            return Answer(url, url, 0, error="disallowed by robots.txt")
        headers = {}
        if validators:
            etag, modified = validators
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
        self._wait_for(urlsplit(url).netloc)
        if self.stop.is_set():
            return Answer(url, url, 0, error="stopped")
        try:
            with self.client.stream("GET", url, headers=headers) as resp:
                body = b""
                if resp.status_code == 200:
                    declared = resp.headers.get("Content-Length")
                    if declared and declared.isdigit() and int(declared) > self.settings.max_bytes:
                        return Answer(url, str(resp.url), resp.status_code,
                                      error=f"too large: {int(declared):,} bytes (limit {self.settings.max_bytes:,})")
                    chunks = []
                    size = 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > self.settings.max_bytes:
                            return Answer(url, str(resp.url), resp.status_code,
                                          error=f"too large: over {self.settings.max_bytes:,} bytes")
                        chunks.append(chunk)
                    body = b"".join(chunks)
                return Answer(url, str(resp.url), resp.status_code, body,
                              etag=resp.headers.get("ETag"), last_modified=resp.headers.get("Last-Modified"))
        except httpx.TooManyRedirects:
            return Answer(url, url, 0, error=f"too many redirects (more than {self.settings.max_redirects})")
        except httpx.TimeoutException:
            return Answer(url, url, 0, error=f"timed out after {self.settings.timeout:g}s")
        except httpx.HTTPError as exc:
            return Answer(url, url, 0, error=f"fetch failed: {type(exc).__name__}: {exc}")


@dataclass(slots=True)
class PollStats:
    """What one poll did, for the status line."""

    feeds: int = 0
    unchanged: int = 0  # feeds answering 304
    entries: int = 0
    fetched: int = 0  # pages downloaded (200)
    not_modified: int = 0  # pages answering 304
    failed: int = 0


@dataclass(slots=True)
class Poller:
    """Polls feeds and yields their entries' pages as RawDocs (or Rejected), remembering validators.

    Call ``settle(source)`` once the document of ``source`` is stored or rejected: only then are
    its validators written to the ledger. ``finish()`` writes those of feeds all of whose entries
    settled."""

    fetcher: Fetcher
    cache: FetchCache
    stats: PollStats = field(default_factory=PollStats)
    _pending: dict[str, Answer] = field(default_factory=dict)  # entry source -> its answer
    _feeds: dict[str, tuple[Answer, set[str]]] = field(default_factory=dict)  # feed -> answer, open entries
    _complete: set[str] = field(default_factory=set)  # feeds whose entries were all read this poll

    def poll(self, feeds: list[str]) -> Iterator[RawDoc | Rejected]:
        """Every new or changed entry page of ``feeds``, in feed order."""
        self.stats = PollStats()
        self._feeds.clear()  # a feed left unsettled by an earlier poll is read again in full
        self._pending.clear()
        self._complete.clear()
        for feed in feeds:
            if self.fetcher.stop.is_set():
                return
            self.stats.feeds += 1
            yield from self._poll_one(feed)

    def _poll_one(self, feed: str) -> Iterator[RawDoc | Rejected]:
        import feedparser

        answer: Answer | None = None
        if Path(feed).is_file():
            try:
                data = Path(feed).read_bytes()
            except OSError as exc:
                yield Rejected(feed, f"cannot read: {exc.strerror or exc}")
                return
        else:
            answer = self.fetcher.get(feed, self.cache.get(feed))
            if answer.status == 304:
                self.stats.unchanged += 1
                return
            if answer.status != 200:
                yield Rejected(feed, _why(answer))
                return
            data = answer.body
        parsed: Any = feedparser.parse(data)
        if not parsed.entries:
            reason = f"not a feed: {parsed.get('bozo_exception')}" if parsed.get("bozo") else "a feed with no entries"
            yield Rejected(feed, reason)
            return
        outlet = _text(parsed.feed.get("title"))
        open_entries: set[str] = set()
        seen: set[str] = set()
        if answer is not None:
            self._feeds[feed] = (answer, open_entries)
        base = answer.final_url if answer else None
        for entry in parsed.entries:
            if self.fetcher.stop.is_set():
                return
            link = _text(entry.get("link"))
            if not link:
                yield Rejected(f"{feed}#{self.stats.entries + 1}", "a feed entry without a link")
                continue
            link = urljoin(base, link) if base else link
            if link in self._pending or link in seen:
                continue  # the same page twice in one poll
            seen.add(link)
            self.stats.entries += 1
            page = self.fetcher.get(link, self.cache.get(link))
            if self.fetcher.stop.is_set() and page.error == "stopped":
                return
            if page.status == 304:
                self.stats.not_modified += 1
                continue
            if page.status != 200:
                self.stats.failed += 1
                yield Rejected(link, _why(page))
                continue
            try:
                html = decode(page.body)
            except ValueError as exc:
                self.stats.failed += 1
                yield Rejected(link, str(exc))
                continue
            self.stats.fetched += 1
            self._pending[link] = page
            open_entries.add(link)
            yield RawDoc(
                source=link, raw=html, fmt="html", url=page.final_url,
                title=_text(entry.get("title")), outlet=outlet,
                author=_text(entry.get("author")), published=_entry_date(entry),
            )
        if answer is not None:  # every entry was read: the feed settles once they are stored
            self._complete.add(feed)
            if not open_entries:
                self._settle_feed(feed)

    def settle(self, source: str) -> None:
        """The document of ``source`` is stored (or rejected): remember its validators."""
        page = self._pending.pop(source, None)
        if page is None:
            return
        self.cache.put(source, page.etag, page.last_modified, page.status)
        for feed, (_, open_entries) in list(self._feeds.items()):
            open_entries.discard(source)
            if not open_entries and feed in self._complete:
                self._settle_feed(feed)

    def _settle_feed(self, feed: str) -> None:
        answer, _ = self._feeds.pop(feed, (None, set()))
        self._complete.discard(feed)
        if answer is not None:
            self.cache.put(feed, answer.etag, answer.last_modified, answer.status)


def analyze_feeds(
    poller: Poller,
    feeds: list[str],
    store: Any,
    *,
    engine: Any = None,
    on_event: Callable[[str, dict[str, object]], None] | None = None,
    settings: Settings = DEFAULTS,
) -> Any:
    """One poll of ``feeds`` analyzed into ``store`` (``pipeline.analyze_items``); returns its RunSummary.

    Validators are remembered as each page's article is stored, present or rejected."""
    from crosscheck.pipeline import analyze_items

    def settle(kind: str, data: dict[str, object]) -> None:
        if kind in ("stored", "present", "rejected"):
            poller.settle(str(data["source"]))
        if on_event is not None:
            on_event(kind, data)

    return analyze_items(poller.poll(feeds), store, engine=engine, on_event=settle, settings=settings)


def _why(answer: Answer) -> str:
    if answer.error:
        return answer.error
    return f"HTTP {answer.status}" + (f" (after redirects, at {answer.final_url})" if answer.final_url != answer.url else "")


def _text(v: object) -> str | None:
    return v.strip() or None if isinstance(v, str) else None


def _entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        when = entry.get(key)
        if when:
            return datetime.fromtimestamp(calendar.timegm(when), UTC).date().isoformat()
    return None


def parse_every(text: str) -> float:
    """``15m``, ``30s``, ``2h`` or plain seconds, as seconds; ValueError on anything else."""
    units = {"s": 1, "m": 60, "h": 3600}
    t = text.strip().lower()
    number, unit = (t[:-1], t[-1]) if t and t[-1] in units else (t, "s")
    value = float(number)
    if value <= 0:
        raise ValueError(f"not a positive interval: {text!r}")
    return value * units[unit]


def watch(
    feeds: list[str],
    run_round: Callable[[Poller], None],
    *,
    every: float,
    once: bool,
    settings: FetchSettings,
    store: SQLiteStore,
    stop: threading.Event,
) -> int:
    """Poll ``feeds`` every ``every`` seconds until ``stop`` is set (or once); returns rounds run."""
    fetcher = Fetcher(settings, stop=stop)
    poller = Poller(fetcher, FetchCache(store))
    rounds = 0
    try:
        while not stop.is_set():
            fetcher._robots.clear()  # robots.txt is read again each round
            run_round(poller)
            rounds += 1
            if once:
                break
            stop.wait(every)
    finally:
        fetcher.close()
    return rounds
