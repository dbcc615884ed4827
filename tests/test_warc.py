"""Web archives in: WARC files written with a real WARC writer (warcio) from HTML pages."""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crosscheck.ingest.files import Rejected, read_inputs
from crosscheck.ingest.warc import Skipped
from crosscheck.model import RawDoc
from crosscheck.pipeline import analyze

PARAS = [
    "The river authority said on Tuesday that 340 homes had been evacuated after the levee failed near the old mill.",
    "Residents described water rising through the streets within an hour, and the regional governor warned that "
    "roads would stay closed until the weekend.",
    "Emergency crews reported that two bridges had been damaged, and engineers were inspecting a third span.",
    "The agency denied claims that warnings had come too late, calling them false and unfair to its staff.",
]


def page(title: str, *, date: str | None = None, extra: str = "") -> bytes:
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    body = "".join(f"<p>{p} {extra}</p>" for p in PARAS)
    return (f"<!doctype html><html><head><title>{title}</title>{meta}</head><body>"
            f"<nav>Home | World | Sport</nav><article><h1>{title}</h1>{body}</article>"
            f"<footer>Copyright the test outlet</footer></body></html>").encode()


def record(uri: str, payload: bytes, *, status: str = "200 OK", ctype: str = "text/html; charset=utf-8",
           headers: tuple[tuple[str, str], ...] = (), gz: bool = False, kind: str = "response") -> bytes:
    """One WARC record, as warcio writes it (its own gzip member when ``gz``)."""
    out = BytesIO()
    writer = WARCWriter(out, gzip=gz)
    if kind == "response":
        http = StatusAndHeaders(status, [("Content-Type", ctype), *headers], protocol="HTTP/1.1")
        rec = writer.create_warc_record(uri, "response", payload=BytesIO(payload), http_headers=http)
    else:
        rec = writer.create_warc_record(uri, kind, payload=BytesIO(payload))
    writer.write_record(rec)
    rec.raw_stream.close()  # warcio spools the payload to a temporary file it leaves open
    return out.getvalue()


def crawl(gz: bool) -> bytes:
    """A small crawl: two articles, a 404, a redirect, an image, a request and a metadata record."""
    return b"".join([
        record("http://news.test/a", page("Levee fails near old mill", date="2024-03-05"), gz=gz),
        record("http://news.test/missing", page("Not found"), status="404 Not Found", gz=gz),
        record("http://news.test/old", b"", status="301 Moved Permanently",
               headers=(("Location", "http://news.test/a"),), gz=gz),
        record("http://news.test/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, ctype="image/png", gz=gz),
        record("http://news.test/a", b"GET /a HTTP/1.1\r\nHost: news.test\r\n\r\n", gz=gz, kind="request"),
        record("http://news.test/b", page("Bridges damaged as river rises", extra="Crews worked overnight."),
               headers=(("Last-Modified", "Wed, 06 Mar 2024 08:00:00 GMT"),), gz=gz),
        record("http://news.test/b", b"fetchTimeMs: 12\r\n", gz=gz, kind="metadata"),
    ])


def items(*paths: Path) -> list[RawDoc | Rejected | Skipped]:
    return list(read_inputs([str(p) for p in paths]))


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_html_responses_become_documents_and_the_rest_is_counted(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(crawl(gz))
    got = items(path)
    docs = [i for i in got if isinstance(i, RawDoc)]
    assert [d.source for d in docs] == ["http://news.test/a", "http://news.test/b"]
    assert all(d.url == d.source and d.fmt == "html" for d in docs)
    # the page's own date first; a page without one takes the HTTP Last-Modified
    assert [d.published for d in docs] == ["2024-03-05", "2024-03-06"]
    (skipped,) = [i for i in got if isinstance(i, Skipped)]
    assert skipped.source == str(path)
    assert dict(skipped.counts) == {"not HTTP 200": 2, "not HTML": 1}
    assert not [i for i in got if isinstance(i, Rejected)]


def test_http_date_is_the_last_resort(tmp_path: Path) -> None:
    path = tmp_path / "c.warc"
    path.write_bytes(record("http://news.test/c", page("River rises"), headers=(("Date", "Thu, 07 Mar 2024 10:00:00 GMT"),)))
    (doc,) = items(path)
    assert isinstance(doc, RawDoc) and doc.published == "2024-03-07"


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_truncated_last_record_is_rejected_and_the_rest_kept(tmp_path: Path, gz: bool) -> None:
    last = record("http://news.test/cut", page("Cut short"), gz=gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(record("http://news.test/a", page("Levee fails"), gz=gz) + last[: len(last) // 2])
    got = items(path)
    assert [i.source for i in got if isinstance(i, RawDoc)] == ["http://news.test/a"]
    (bad,) = [i for i in got if isinstance(i, Rejected)]
    assert bad.source in ("http://news.test/cut", str(path))
    assert "truncated" in bad.reason or "empty response body" in bad.reason or "malformed" in bad.reason


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_malformed_record_ends_the_file_with_one_line_and_the_run_goes_on(tmp_path: Path, gz: bool) -> None:
    good = record("http://news.test/a", page("Levee fails"), gz=gz)
    broken = tmp_path / ("broken.warc.gz" if gz else "broken.warc")
    broken.write_bytes(good + b"WARC/1.0\r\nthis is not a header line\r\n\r\njunk" + record("http://news.test/z", page("Z"), gz=gz))
    other = tmp_path / "other.warc"
    other.write_bytes(record("http://news.test/b", page("Bridges damaged")))
    got = items(broken, other)
    assert [i.source for i in got if isinstance(i, RawDoc)] == ["http://news.test/a", "http://news.test/b"]
    (bad,) = [i for i in got if isinstance(i, Rejected)]
    assert bad.source == str(broken) and "malformed WARC" in bad.reason and "rest of the file is skipped" in bad.reason


def test_not_a_warc_at_all(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc.gz"
    path.write_bytes(b"this was never gzip nor WARC\n" * 10)
    (bad,) = items(path)
    assert isinstance(bad, Rejected) and bad.source == str(path) and "malformed WARC" in bad.reason


def test_cc_news_layout_directory_and_paths_list(tmp_path: Path) -> None:
    month = tmp_path / "crawl-data" / "CC-NEWS" / "2024" / "03"
    month.mkdir(parents=True)
    (month / "CC-NEWS-1.warc.gz").write_bytes(record("http://news.test/a", page("Levee fails"), gz=True))
    (month / "CC-NEWS-2.warc.gz").write_bytes(record("http://news.test/b", page("Bridges damaged"), gz=True))
    listing = tmp_path / "warc.paths"
    listing.write_text("crawl-data/CC-NEWS/2024/03/CC-NEWS-1.warc.gz\n\ncrawl-data/CC-NEWS/2024/03/CC-NEWS-9.warc.gz\n"
                       "crawl-data/CC-NEWS/2024/03/CC-NEWS-2.warc.gz\n", encoding="utf-8")
    got = items(listing)
    assert [i.source for i in got if isinstance(i, RawDoc)] == ["http://news.test/a", "http://news.test/b"]
    (missing,) = [i for i in got if isinstance(i, Rejected)]
    assert missing.source == f"{listing}#3" and "CC-NEWS-9" in missing.reason
    # a directory holding the list and the archives reads each archive once (the list is not walked)
    assert [i.source for i in items(tmp_path) if isinstance(i, RawDoc)] == ["http://news.test/a", "http://news.test/b"]


def test_analyze_a_warc_into_the_ledger(tmp_path: Path) -> None:
    from crosscheck.store import open_store

    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(crawl(True))
    events: list[tuple[str, dict[str, object]]] = []
    with open_store(tmp_path / "l.db") as store:
        summary = analyze([str(path)], store, on_event=lambda k, d: events.append((k, d)))
        arts = list(store.articles())
        assert summary.stored == 2 and not summary.rejected and summary.exit_code == 0
        assert summary.skipped == [(str(path), "2 not HTTP 200, 1 not HTML")]
        assert {a.source for a in arts} == {"http://news.test/a", "http://news.test/b"}
        assert {a.published for a in arts} == {"2024-03-05", "2024-03-06"}
        assert all(a.title and "river" in a.text.lower() for a in arts)
        assert any(k == "skipped" for k, _ in events)
        # a second run over the same archive stores nothing new
        again = analyze([str(path)], store)
        assert again.stored == 0 and again.present == 2


def test_cli_analyze_warc(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    path.write_bytes(crawl(False))
    run = subprocess.run([sys.executable, "-m", "crosscheck.cli", "analyze", str(path), "--db", str(tmp_path / "l.db"),
                          "--no-progress", "--no-link"], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "2 stored" in run.stdout
    assert f"{path}: skipped 3 records: 2 not HTTP 200, 1 not HTML" in run.stderr
