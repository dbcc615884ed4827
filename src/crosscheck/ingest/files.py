"""Read inputs into ``RawDoc`` records, reporting bad ones without stopping.

Every input yields either a ``RawDoc`` or a ``Rejected`` naming the input and the reason,
so the runner can report one clear line per bad input and go on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from crosscheck.ingest.warc import Skipped, is_warc, read_warc
from crosscheck.model import RawDoc

MAX_TEXT_BYTES = 5_000_000  # over 5 MB of text is not a news article
TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input that could not be read as an article."""

    source: str
    reason: str


def read_inputs(paths: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[RawDoc | Rejected | Skipped]:
    """Yield a RawDoc or a Rejected for every input; directories are walked in sorted order."""
    for p in paths:
        if p == "-":
            data = (stdin or sys.stdin.buffer).read()
            yield _from_bytes("<stdin>", data, sniff=True)
            continue
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and (child.suffix.lower() in KNOWN_SUFFIXES or is_warc(child, lists=False)):
                    yield from _read_file(child)
        elif path.is_file():
            yield from _read_file(path)
        else:
            yield Rejected(p, "no such file or directory")


def _read_file(path: Path) -> Iterator[RawDoc | Rejected | Skipped]:
    if is_warc(path):  # web archives stream record by record (ingest/warc.py)
        for item in read_warc(path):
            yield Rejected(*item) if isinstance(item, tuple) else item
        return
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Rejected(source, f"cannot read: {exc.strerror or exc}")
        return
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _read_jsonl(source, data)
        return
    html = path.suffix.lower() in HTML_SUFFIXES
    yield _from_bytes(source, data, html=html, sniff=path.suffix.lower() not in KNOWN_SUFFIXES)


def decode(data: bytes) -> str:
    """Decode input bytes as text, or raise ValueError with a reason fit for a report line."""
    if not data.strip():
        raise ValueError("empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    head = data[:8192]
    if b"\x00" in head:
        raise ValueError("binary content (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Legacy single-byte pages are common in scraped news; accept cp1252 only when the
    # text is overwhelmingly ASCII, so random bytes are not passed off as text.
    non_ascii = sum(1 for b in data if b >= 0x80)
    if non_ascii <= 0.05 * len(data):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    raise ValueError(f"undecodable: not UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start})")


def _from_bytes(source: str, data: bytes, *, html: bool = False, sniff: bool = False) -> RawDoc | Rejected:
    if len(data) > MAX_TEXT_BYTES:
        return Rejected(source, f"too large: {len(data):,} bytes (limit {MAX_TEXT_BYTES:,})")
    try:
        text = decode(data)
    except ValueError as exc:
        return Rejected(source, str(exc))
    if sniff and text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        html = True
    return RawDoc(source=source, raw=text, fmt="html" if html else "text")


def _read_jsonl(source: str, data: bytes) -> Iterator[RawDoc | Rejected]:
    try:
        text = decode(data)
    except ValueError as exc:
        yield Rejected(source, str(exc))
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}#{n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejected(where, f"invalid JSON: {exc.msg}")
            continue
        if not isinstance(rec, dict):
            yield Rejected(where, "a JSONL line must be an object")
            continue
        body, fmt = rec.get("text"), "text"
        if not isinstance(body, str) or not body.strip():
            body, fmt = rec.get("html"), "html"
        if not isinstance(body, str) or not body.strip():
            yield Rejected(where, "no 'text' or 'html' field")
            continue
        if len(body.encode("utf-8")) > MAX_TEXT_BYTES:
            yield Rejected(where, f"too large: over {MAX_TEXT_BYTES:,} bytes")
            continue
        url = rec.get("url") if isinstance(rec.get("url"), str) else None
        yield RawDoc(
            source=url or where,
            raw=body,
            fmt="html" if fmt == "html" else "text",
            url=url,
            title=_str(rec.get("title")),
            outlet=_str(rec.get("outlet")),
            author=_str(rec.get("author")),
            published=_str(rec.get("published")),
        )


def _str(v: object) -> str | None:
    return v.strip() or None if isinstance(v, str) else None
