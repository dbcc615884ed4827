"""Web archives in: WARC and WARC.gz files (fastwarc), one at a time, record by record.

A WARC holds every HTTP exchange a crawler made. Only ``response`` records answered ``200``
with an HTML body are articles; the rest (images, redirects, 404s) are counted and reported in
one line per file, not one per record. The record's target URI is the article's source (and
URL), so a page crawled twice is one source in two versions. The date is the page's own
(HTML metadata, through htmldate, as trafilatura reads it), else the HTTP ``Last-Modified``,
else the HTTP ``Date`` of the response.

Records stream: one record's payload is in memory at a time, so memory stays flat however
large the archive. A truncated record is rejected with its byte count; a malformed record ends
the file (WARC has no resync marker a strict reader can trust) with one line naming the file,
the offset and the reason, and the run goes on with the next file.

The CC-NEWS layout is read as published: a directory of ``*.warc.gz`` files, or a list file
(``warc.paths``, one path a line, relative to the list file's folder, optionally gzipped).
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crosscheck.model import RawDoc

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz")
LIST_SUFFIXES = (".paths", ".paths.gz")
MAX_PAYLOAD_BYTES = 5_000_000  # same limit as files: over 5 MB of HTML is not a news article
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True, slots=True)
class Skipped:
    """Records of one archive that are not articles (counted, not rejected): a note for the run."""

    source: str
    counts: tuple[tuple[str, int], ...]  # (reason, number of records)

    @property
    def total(self) -> int:
        """How many records were skipped."""
        return sum(n for _, n in self.counts)

    def describe(self) -> str:
        """One line: "12 not HTML, 3 not HTTP 200"."""
        return ", ".join(f"{n} {reason}" for reason, n in self.counts)


def is_warc(path: Path, *, lists: bool = True) -> bool:
    """True for a WARC file (``.warc``, ``.warc.gz``) or, with ``lists``, a list of WARC paths."""
    name = path.name.lower()
    return name.endswith(WARC_SUFFIXES + LIST_SUFFIXES if lists else WARC_SUFFIXES)


def warc_files(path: Path) -> Iterator[Path | tuple[str, str]]:
    """The WARC files a path names: itself, the files a list file names, or ``(source, reason)``."""
    name = path.name.lower()
    if not name.endswith(LIST_SUFFIXES):
        yield path
        return
    try:
        data = path.read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        lines = data.decode("utf-8").splitlines()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        yield str(path), f"cannot read the list of WARC paths: {exc}"
        return
    for n, line in enumerate(lines, start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        target = Path(entry) if Path(entry).is_absolute() else path.parent / entry
        if target.is_file():
            yield target
        else:
            yield f"{path}#{n}", f"no such WARC file: {target}"


def read_warc(path: Path) -> Iterator[RawDoc | tuple[str, str] | Skipped]:
    """Every HTML 200 response of a WARC (or of the WARCs a list names) as a RawDoc.

    Yields ``(source, reason)`` for a record or file that cannot be read, and one ``Skipped``
    per archive counting the records that are not articles."""
    for item in warc_files(path):
        if isinstance(item, tuple):
            yield item
        else:
            yield from _read_one(item)


def _read_one(path: Path) -> Iterator[RawDoc | tuple[str, str] | Skipped]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    source = str(path)
    skipped: dict[str, int] = {}
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield source, f"cannot read: {exc.strerror or exc}"
        return
    with fh:
        records = ArchiveIterator(fh, record_types=WarcRecordType.response, parse_http=True, auto_decode="all")
        position = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except OSError as exc:  # fastwarc raises OSError on a malformed header or a broken gzip member
                yield source, f"malformed WARC after byte {position:,} ({exc}); the rest of the file is skipped"
                break
            position = record.stream_pos
            try:
                item = _record(record, skipped)
            except OSError as exc:
                yield source, f"malformed WARC record at byte {position:,} ({exc}); the rest of the file is skipped"
                break
            if item is not None:
                yield item
    if skipped:
        yield Skipped(source, tuple(sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0]))))


def _record(record: object, skipped: dict[str, int]) -> RawDoc | tuple[str, str] | None:
    from fastwarc.warc import WarcRecord

    assert isinstance(record, WarcRecord)
    uri = (record.headers.get("WARC-Target-URI") or "").strip().strip("<>")
    where = uri or f"record at byte {record.stream_pos}"
    if not record.is_http or record.http_headers is None:
        skipped["not HTTP"] = skipped.get("not HTTP", 0) + 1
        return None
    status = record.http_headers.status_code
    if status != 200:
        skipped["not HTTP 200"] = skipped.get("not HTTP 200", 0) + 1
        return None
    ctype = (record.http_content_type or "").split(";")[0].strip().lower()
    if ctype not in HTML_TYPES:
        skipped["not HTML"] = skipped.get("not HTML", 0) + 1
        return None
    expected = record.content_length
    if expected > MAX_PAYLOAD_BYTES:
        record.consume()
        return where, f"too large: {expected:,} bytes (limit {MAX_PAYLOAD_BYTES:,})"
    payload = record.reader.read()
    encoded = any(record.http_headers.get(h) for h in ("Content-Encoding", "Transfer-Encoding"))
    if len(payload) < expected and not encoded:  # a decoded body has its own length
        return where, f"truncated record: {len(payload):,} of {expected:,} bytes"
    if not payload.strip():
        return where, "empty response body (a truncated record?)"
    try:
        html = _decode(payload, record.http_charset)
    except ValueError as exc:
        return where, str(exc)
    return RawDoc(
        source=uri or where,
        raw=html,
        fmt="html",
        url=uri or None,
        published=_published(html, uri, record),
    )


def _decode(payload: bytes, charset: str | None) -> str:
    from crosscheck.ingest.files import decode

    if charset:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declared charset is common: sniff as for files
    return decode(payload)


def _published(html: str, uri: str, record: object) -> str | None:
    """The page's own date, else HTTP Last-Modified, else HTTP Date (ISO YYYY-MM-DD)."""
    import htmldate

    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    try:
        found: str | None = htmldate.find_date(html, extensive_search=False, original_date=True, url=uri or None)
    except Exception as exc:  # htmldate raises lxml errors on broken markup
        logger.debug("htmldate failed on %s: %s", uri, exc)
        found = None
    if found:
        return found
    for when in (getattr(record, "http_last_modified", None), getattr(record, "http_date", None)):
        if when is not None:
            return str(when.date().isoformat())
    return None
