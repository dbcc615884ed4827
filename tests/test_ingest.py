"""Bad inputs get one clear line each, the run goes on, and exit codes say what happened."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crosscheck.clean import clean
from crosscheck.errors import InputRejected
from crosscheck.ingest.files import Rejected, decode, read_inputs
from crosscheck.model import RawDoc

GOOD = (
    "Harbour authority reports record cargo\n\n"
    "The harbour authority said on Monday that cargo volumes rose by a fifth last year, "
    "driven by grain exports and a new container terminal that opened in the spring. "
    "Its director told reporters that the port would hire more staff before the summer season.\n"
)
GERMAN = (
    "Die Hafenbehörde teilte am Montag mit, dass das Frachtaufkommen im vergangenen Jahr um ein Fünftel "
    "gestiegen sei, getrieben von Getreideexporten und einem neuen Containerterminal, das im Frühjahr "
    "eröffnet wurde. Ihr Direktor sagte Reportern, der Hafen werde vor der Sommersaison mehr Personal einstellen."
)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crosscheck.cli", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_decode_rejects_binary_and_empty() -> None:
    with pytest.raises(ValueError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(ValueError, match="empty"):
        decode(b"   \n ")
    assert decode("caf\u00e9".encode("cp1252") + b" " + b"plain ascii text " * 20).startswith("caf\u00e9")


def test_undecodable_bytes_are_named() -> None:
    with pytest.raises(ValueError, match="undecodable"):
        decode(bytes(range(0x80, 0xFF)) * 4)


def test_read_inputs_reports_each_bad_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "c.txt").write_text("", encoding="utf-8")
    (tmp_path / "d.jsonl").write_text('{"text": "x"}\nnot json\n[1]\n{"url": "u"}\n', encoding="utf-8")
    items = list(read_inputs([str(tmp_path), str(tmp_path / "missing.txt")]))
    rejected = {(Path(r.source).name, r.reason.split(":")[0]) for r in items if isinstance(r, Rejected)}
    assert ("b.txt", "binary content (a NUL byte at offset 0), not text") in rejected
    assert ("c.txt", "empty") in rejected
    assert ("d.jsonl#2", "invalid JSON") in rejected
    assert ("d.jsonl#3", "a JSONL line must be an object") in rejected
    assert ("d.jsonl#4", "no 'text' or 'html' field") in rejected
    assert ("missing.txt", "no such file or directory") in rejected
    good = [r for r in items if isinstance(r, RawDoc)]
    assert [Path(r.source).name for r in good] == ["a.txt", "d.jsonl#1"]


def test_non_english_and_broken_html_are_rejected() -> None:
    with pytest.raises(InputRejected, match="not English"):
        clean(RawDoc(source="de.txt", raw=GERMAN, fmt="text"))
    with pytest.raises(InputRejected, match="no main text"):
        clean(RawDoc(source="x.html", raw="<html><body><div></div></body></html>", fmt="html"))


def test_huge_input_is_rejected(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 1_100_000)
    (item,) = list(read_inputs([str(big)]))
    assert isinstance(item, Rejected) and item.reason.startswith("too large")


def test_exit_codes_and_run_goes_on(tmp_path: Path) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (good / "a.txt").write_text(GOOD, encoding="utf-8")
    (bad / "x.txt").write_bytes(b"\x00\x00")
    (bad / "y.txt").write_text(GERMAN, encoding="utf-8")
    db = tmp_path / "l.db"
    ok = _cli("analyze", str(good), "--db", str(db), "--no-progress", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    mixed = _cli("analyze", str(good), str(bad), "--db", str(db), "--no-progress", cwd=tmp_path)
    assert mixed.returncode == 1
    lines = [ln for ln in mixed.stderr.splitlines() if ln.startswith("skipped ")]
    assert len(lines) == 2 and any("x.txt: binary" in ln for ln in lines) and any("y.txt: not English" in ln for ln in lines)
    none = _cli("analyze", str(bad), "--db", str(tmp_path / "other.db"), "--no-progress", cwd=tmp_path)
    assert none.returncode == 2


def test_jsonl_metadata_and_stdin(tmp_path: Path) -> None:
    rec = {"text": GOOD, "url": "https://port.example/2025/01/cargo-record", "title": "Cargo record",
           "outlet": "Port Gazette", "author": "Ana Ruiz", "published": "2025-01-14T08:00:00Z"}
    (tmp_path / "w.jsonl").write_text(json.dumps(rec) + "\n", encoding="utf-8")
    (raw,) = list(read_inputs([str(tmp_path / "w.jsonl")]))
    assert isinstance(raw, RawDoc)
    article = clean(raw)
    assert (article.source, article.outlet, article.author, article.published, article.published_source) == (
        "https://port.example/2025/01/cargo-record", "Port Gazette", "Ana Ruiz", "2025-01-14", "metadata")
    proc = subprocess.run(
        [sys.executable, "-m", "crosscheck.cli", "analyze", "-", "--db", str(tmp_path / "s.db"), "--no-progress"],
        input=GOOD, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0 and "1 stored" in proc.stdout
