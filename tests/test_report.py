"""The briefing: self-contained, and scraped text never becomes markup."""

from __future__ import annotations

from pathlib import Path

from crosscheck.pipeline import analyze
from crosscheck.report import md_escape, write_report
from crosscheck.store import SQLiteStore

HOSTILE = """<script>alert('title')</script> Minister resigns

The minister said on Monday that "<img src=x onerror=alert(1)>" was not his doing, according to his office.
"{{ 7*7 }} is what we found," said Jon <b>Berg</b>, the harbour master.
"""


def test_html_briefing_escapes_and_needs_no_network(tmp_path: Path, store: SQLiteStore) -> None:
    (tmp_path / "h.txt").write_text(HOSTILE, encoding="utf-8")
    analyze([str(tmp_path / "h.txt")], store)
    out = tmp_path / "b.html"
    write_report(store, out)
    html = out.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<img src=x" not in html and "<b>Berg</b>" not in html
    assert "{{ 7*7 }}" in html or "{{ 7*7 }}".replace("{", "&#123;") in html  # shown literally, not evaluated
    assert "49 is what we found" not in html
    assert "script-src 'none'" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_markdown_briefing_escapes(tmp_path: Path, store: SQLiteStore) -> None:
    (tmp_path / "h.txt").write_text(HOSTILE, encoding="utf-8")
    analyze([str(tmp_path / "h.txt")], store)
    out = tmp_path / "b.md"
    write_report(store, out)
    text = out.read_text(encoding="utf-8")
    assert "<script>" not in text
    assert md_escape("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
