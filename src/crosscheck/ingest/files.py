"""Read inputs into ``RawDoc`` records, reporting bad ones without stopping.

Every input yields either a ``RawDoc`` or a ``Rejected`` naming the input and the reason,
so the runner can report one clear line per bad input and go on. Nothing one input holds may
stop the run: special files (FIFOs, devices) are named and skipped without being opened for
reading, directories that cannot be listed get a line, file names are shown escaped (see
:func:`shown`), and JSONL records are checked against the limits below before they are parsed.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from crosscheck.config import DEFAULTS, IngestSettings
from crosscheck.ingest.warc import Skipped, is_warc, read_warc
from crosscheck.model import RawDoc

# The limits (text bytes, JSON nesting depth, digits of a number, characters of a metadata field)
# are the run's settings, [ingest] of data/default_config.toml, handed to read_inputs.
TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
META_FIELDS = ("url", "title", "outlet", "author", "published")


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input that could not be read as an article."""

    source: str
    reason: str


# --- names -----------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 in a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(name: str) -> str:
    """``name`` safe to print and store: control characters, line and paragraph separators,
    bidirectional overrides and undecodable bytes become backslash escapes (``\\n`` as ``\\x0a``),
    so no name can break a line, forge one or reach the terminal as an escape sequence."""
    return _UNSAFE.sub(lambda m: _escape(m.group()), name)


# --- walking ---------------------------------------------------------------------------------

def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    for test, name in ((stat.S_ISREG, None), (stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def input_files(paths: Iterable[str]) -> Iterator[Path | Rejected | None]:
    """Each file the inputs name, in order (directories walked, sorted), a ``Rejected`` for what
    cannot be walked or is no regular file, and ``None`` for stdin (``-``)."""
    for p in paths:
        if p == "-":
            yield None
            continue
        path = Path(p)
        try:
            st = path.stat()
        except FileNotFoundError:
            yield Rejected(shown(p), "no such file or directory" if not path.is_symlink() else "a broken symbolic link")
            continue
        except OSError as exc:
            yield Rejected(shown(p), f"cannot read: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(path)
        elif stat.S_ISREG(st.st_mode):
            yield path
        else:
            yield Rejected(shown(p), f"skipped: {_kind(st.st_mode)}, not a file")


def _walk(top: Path) -> Iterator[Path | Rejected]:
    """Files with a known suffix under ``top`` in sorted path order (as ``sorted(rglob)`` gave);
    a line for each directory that cannot be listed and each special file or directory link."""
    found: list[tuple[tuple[str, ...], Path | Rejected]] = []

    def unlistable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else top
        found.append((where.parts, Rejected(shown(str(where)), f"cannot list the directory: {exc.strerror or exc}")))

    for root, dirs, files in os.walk(top, onerror=unlistable, followlinks=False):
        base = Path(root)
        for d in dirs:
            if (base / d).is_symlink():
                child = base / d
                found.append((child.parts, Rejected(shown(str(child)), "skipped: a symbolic link to a directory "
                                                    "(not followed; name it on the command line to read it)")))
        for f in files:
            child = base / f
            if child.suffix.lower() not in KNOWN_SUFFIXES and not is_warc(child, lists=False):
                continue
            try:
                st = child.stat()
            except OSError as exc:
                broken = isinstance(exc, FileNotFoundError) and child.is_symlink()
                reason = "a broken symbolic link" if broken else f"cannot read: {exc.strerror or exc}"
                found.append((child.parts, Rejected(shown(str(child)), reason)))
                continue
            if stat.S_ISREG(st.st_mode):
                found.append((child.parts, child))
            else:
                found.append((child.parts, Rejected(shown(str(child)), f"skipped: {_kind(st.st_mode)}, not a file")))
    found.sort(key=lambda item: item[0])
    for _, item in found:
        yield item


def read_inputs(paths: Iterable[str], stdin: BinaryIO | None = None, *,
                limits: IngestSettings = DEFAULTS.ingest) -> Iterator[RawDoc | Rejected | Skipped]:
    """Yield a RawDoc or a Rejected for every input; directories are walked in sorted order."""
    for item in input_files(paths):
        if item is None:
            data = (stdin or sys.stdin.buffer).read(limits.max_text_bytes + 1)
            yield _from_bytes("<stdin>", data, limits, sniff=True)
        elif isinstance(item, Rejected):
            yield item
        else:
            try:
                yield from _read_file(item, limits)
            except Exception as exc:  # one input must never cost the others
                yield Rejected(shown(str(item)), f"internal error while reading: {type(exc).__name__}: {str(exc)[:300]}")


def _open_regular(path: Path) -> tuple[BinaryIO | None, str | None]:
    """Open ``path`` for reading only if it is (still) a regular file: a FIFO is never waited on."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            return None, f"skipped: {_kind(st.st_mode)}, not a file"
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), None
    except OSError as exc:
        os.close(fd)
        return None, f"cannot read: {exc.strerror or exc}"


def _read_file(path: Path, limits: IngestSettings) -> Iterator[RawDoc | Rejected | Skipped]:
    if is_warc(path):  # web archives stream record by record (ingest/warc.py)
        for item in read_warc(path):
            yield Rejected(shown(item[0]), item[1]) if isinstance(item, tuple) else item
        return
    source = shown(str(path))
    fh, problem = _open_regular(path)
    if fh is None:
        yield Rejected(source, problem or "cannot read")
        return
    with fh:
        try:
            if path.suffix.lower() in JSONL_SUFFIXES:
                yield from _read_jsonl(source, fh, limits)
                return
            data = fh.read(limits.max_text_bytes + 1)
            size = os.fstat(fh.fileno()).st_size
        except OSError as exc:
            yield Rejected(source, f"cannot read: {exc.strerror or exc}")
            return
    html = path.suffix.lower() in HTML_SUFFIXES
    yield _from_bytes(source, data, limits, html=html, sniff=path.suffix.lower() not in KNOWN_SUFFIXES, size=size)


# --- decoding --------------------------------------------------------------------------------

_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"), (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
         (b"\xef\xbb\xbf", "utf-8", "UTF-8"), (b"\xff\xfe", "utf-16-le", "UTF-16"), (b"\xfe\xff", "utf-16-be", "UTF-16"))
_HIGH = bytes(range(0x80, 0x100))


def _wide(data: bytes) -> str | None:
    """UTF-32 or UTF-16 without a byte order mark, told by where the NUL bytes of ASCII text fall."""
    head = data[:4096]
    if len(head) < 8:
        return None
    for width, codecs in ((4, ("utf-32-le", "utf-32-be")), (2, ("utf-16-le", "utf-16-be"))):
        n = len(head) - len(head) % width
        units = [head[i:i + width] for i in range(0, n, width)]
        le = sum(1 for u in units if u[0] and not any(u[1:]))
        be = sum(1 for u in units if u[-1] and not any(u[:-1]))
        if le >= 0.9 * len(units):
            return codecs[0]
        if be >= 0.9 * len(units):
            return codecs[1]
    return None


def decode(data: bytes) -> str:
    """Decode input bytes as text, or raise ValueError with a reason fit for a report line.

    UTF-8 (with or without a BOM), UTF-16 and UTF-32 (a BOM, or the NUL pattern of mostly-ASCII
    text) and, for overwhelmingly ASCII text, cp1252. Text holding a NUL anywhere is rejected:
    it is binary, or text in an encoding it does not declare."""
    if not data.strip():
        raise ValueError("empty")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise ValueError(f"undecodable: a {name} byte order mark, then bytes that are not {name} "
                                 f"(at offset {exc.start + len(bom)})") from None
            return _text_without_nul(text, name)
    wide = _wide(data) if b"\x00" in data[:4096] else None
    if wide is not None:
        try:
            return _text_without_nul(data.decode(wide), wide.upper())
        except UnicodeDecodeError:
            pass
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ValueError(f"binary content (a NUL byte at offset {nul:,}), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Legacy single-byte pages are common in scraped news; accept cp1252 only when the
    # text is overwhelmingly ASCII, so random bytes are not passed off as text.
    non_ascii = len(data) - len(data.translate(None, _HIGH))
    if non_ascii <= 0.05 * len(data):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    raise ValueError(f"undecodable: not UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start})")


def _text_without_nul(text: str, name: str) -> str:
    if not text.strip():
        raise ValueError("empty")
    nul = text.find("\x00")
    if nul >= 0:
        raise ValueError(f"binary content (a NUL character at offset {nul:,} of the {name} text), not text")
    return text


def _from_bytes(source: str, data: bytes, limits: IngestSettings, *, html: bool = False, sniff: bool = False,
                size: int | None = None) -> RawDoc | Rejected:
    if len(data) > limits.max_text_bytes:
        amount = f"{size:,}" if size else f"over {limits.max_text_bytes:,}"
        return Rejected(source, f"too large: {amount} bytes (limit {limits.max_text_bytes:,})")
    try:
        text = decode(data)
    except ValueError as exc:
        return Rejected(source, str(exc))
    if sniff and text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        html = True
    return RawDoc(source=source, raw=text, fmt="html" if html else "text")


# --- JSONL -----------------------------------------------------------------------------------

def _max_line_bytes(limits: IngestSettings) -> int:
    # a record holds up to max_text_bytes of text, more once JSON escapes it, plus metadata
    return 2 * limits.max_text_bytes + 1_000_000


def _lines(fh: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each ``\\n``-separated line; None for a line over ``limit`` bytes
    (read past in pieces, never held whole). U+2028, U+2029 and U+0085 are not line breaks."""
    head = fh.read(4096)
    if any(head.startswith(bom) for bom, codec, _ in _BOMS if codec != "utf-8") or (b"\x00" in head and _wide(head)):
        yield 0, head + fh.read(4 * limit)  # UTF-16 or UTF-32: a "\n" of several bytes; decoded whole
        return
    fh.seek(0)
    n = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        n += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of the line
                piece = fh.readline(1 << 20)
                if not piece or piece.endswith(b"\n"):
                    break
            yield n, None
            continue
        yield n, line


def _read_jsonl(source: str, fh: BinaryIO, limits: IngestSettings) -> Iterator[RawDoc | Rejected]:
    for n, line in _lines(fh, _max_line_bytes(limits)):
        if n == 0:  # a whole file in a wide encoding
            assert line is not None
            try:
                text = decode(line)
            except ValueError as exc:
                yield Rejected(source, str(exc))
                return
            for m, piece in enumerate(text.split("\n"), start=1):
                if piece.strip():
                    yield _record(source, m, piece, limits)
            return
        where = f"{source}#{n}"
        if line is None:
            yield Rejected(where, f"too large: a line over {_max_line_bytes(limits):,} bytes")
            continue
        if not line.strip():
            continue
        try:
            text = decode(line)
        except ValueError as exc:
            yield Rejected(where, str(exc))
            continue
        yield _record(source, n, text, limits)


def json_problem(value: object, limits: IngestSettings = DEFAULTS.ingest) -> str | None:
    """Why a parsed JSON value is over the limits (nesting depth, digits of a number), or None.

    The parser itself stops at Python's recursion limit (about 1,000 levels) and at 4,300 digits,
    both far beyond what an article record holds; these limits are the record's own."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limits.max_json_depth:
                return f"nested deeper than {limits.max_json_depth} levels (the limit)"
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
        elif isinstance(item, int) and not isinstance(item, bool) and item.bit_length() > 3.33 * limits.max_number_digits:
            return f"a number longer than {limits.max_number_digits} digits (the limit)"
    return None


def _surrogate(value: str) -> str | None:
    m = re.search(r"[\ud800-\udfff]", value)
    return None if m is None else f"\\u{ord(m.group()):04x}"


def _record(source: str, n: int, line: str, limits: IngestSettings) -> RawDoc | Rejected:
    where = f"{source}#{n}"
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return Rejected(where, f"invalid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return Rejected(where, f"invalid JSON record: nested deeper than {limits.max_json_depth} levels (the limit)")
    except ValueError as exc:  # an integer over Python's 4,300 digits
        if "digits" in str(exc):
            return Rejected(where, f"invalid JSON record: a number longer than {limits.max_number_digits} digits (the limit)")
        return Rejected(where, f"invalid JSON: {str(exc)[:200]}")
    problem = json_problem(rec, limits)
    if problem:
        return Rejected(where, f"invalid JSON record: {problem}")
    if not isinstance(rec, dict):
        return Rejected(where, "a JSONL line must be an object")
    body, fmt = rec.get("text"), "text"
    if not isinstance(body, str) or not body.strip():
        body, fmt = rec.get("html"), "html"
    if not isinstance(body, str) or not body.strip():
        return Rejected(where, "no 'text' or 'html' field")
    meta: dict[str, Any] = {k: rec.get(k) for k in META_FIELDS}
    for name, value in (("text" if fmt == "text" else "html", body), *meta.items()):
        if not isinstance(value, str):
            continue
        bad = _surrogate(value)
        if bad:
            return Rejected(where, f"a lone surrogate ({bad}) in '{name}': not Unicode text")
        nul = value.find("\x00")
        if nul >= 0:
            return Rejected(where, f"a NUL character in '{name}' (at offset {nul:,}): binary, not text")
        if name in META_FIELDS and len(value) > limits.max_field_chars:
            return Rejected(where, f"'{name}' is {len(value):,} characters long (limit {limits.max_field_chars:,})")
    if len(body.encode("utf-8")) > limits.max_text_bytes:
        return Rejected(where, f"too large: {len(body.encode('utf-8')):,} bytes of text (limit {limits.max_text_bytes:,})")
    url = meta["url"] if isinstance(meta["url"], str) else None
    return RawDoc(
        source=shown(url) if url else where,
        raw=body,
        fmt="html" if fmt == "html" else "text",
        url=url,
        title=_str(meta["title"]),
        outlet=_str(meta["outlet"]),
        author=_str(meta["author"]),
        published=_str(meta["published"]),
    )


def _str(v: object) -> str | None:
    return v.strip() or None if isinstance(v, str) else None
