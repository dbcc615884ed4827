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


def _briefing_of_hostile_ledger(tmp_path: Path) -> tuple[str, dict[str, str]]:
    import webledger

    ids = webledger.build(tmp_path / "w.db")
    out = tmp_path / "w.html"
    with SQLiteStore(tmp_path / "w.db") as s:
        write_report(s, out)
    return out.read_text(encoding="utf-8"), ids


def test_html_briefing_renders_the_web_partials_with_the_css_inlined(tmp_path: Path) -> None:
    import base64
    import hashlib
    import re

    from crosscheck.web.render import STATIC

    html, ids = _briefing_of_hostile_ledger(tmp_path)
    css = (STATIC / "style.css").read_text(encoding="utf-8")
    assert f"<style>{css}</style>" in html  # the UI's own stylesheet, byte for byte
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp and f"style-src &#39;sha256-{digest}&#39;" in csp.group(1)  # only that stylesheet may apply
    assert "default-src 'none'" in csp.group(1) and "unsafe-inline" not in csp.group(1)
    assert not re.search(r"<(script|link|img|iframe|object)\b", html) and " style=" not in html
    assert not re.search(r"<[^>]*\son[a-z]+=", html)
    # the story section through the shared partials: group table, badges, timeline, contradictions
    assert '<table class="groups">' in html and 'class="badge disputed"' in html
    assert '<svg class="timeline"' in html and '<ul class="contradictions">' in html
    assert f'id="s-{ids["story"]}"' in html
    assert '<td class="deniers">Envoy &lt;img src=x onerror=' in html  # who denies, escaped


def test_html_briefing_links_resolve_inside_the_file(tmp_path: Path) -> None:
    import re

    html, ids = _briefing_of_hostile_ledger(tmp_path)
    anchors = set(re.findall(r'\sid="([^"]+)"', html))
    links = re.findall(r'href="([^"]*)"', html)
    assert links and all(h.startswith("#") for h in links), [h for h in links if not h.startswith("#")][:3]
    assert [h for h in links if h[1:] not in anchors] == []
    # each group row and contradiction end links to its claim's highlighted span in the text
    claim = ids["claim"]
    assert f'href="#c-{claim}"' in html
    assert re.search(rf'<mark class="hl [^"]*claim-assert[^"]*" id="c-{re.escape(claim)}">', html)
    assert "/home/reporter" not in html and "…/bulk/item-000.txt" in html  # sources shortened


def test_html_briefing_escapes_every_payload(tmp_path: Path) -> None:
    import webledger

    html, _ = _briefing_of_hostile_ledger(tmp_path)
    for raw in (webledger.SCRIPT, webledger.IMG, webledger.HANDLER, "1234000", 'href="javascript:'):
        assert raw not in html, raw
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "{{ 1234*1000 }}" in html
