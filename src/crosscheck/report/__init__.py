"""The briefing: a self-contained Markdown or HTML report of the ledger.

Every line points at its source: claims link to the highlighted span in the article text
(HTML) or name the article and character offsets (Markdown). Scraped text is hostile input,
so the HTML template autoescapes everything and the page carries a CSP with no script.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from crosscheck import __version__
from crosscheck.model import Article, Claim
from crosscheck.store.base import Store

__all__ = ["build_context", "render", "write_report"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of article text, highlighted when it is a claim's content."""

    text: str
    claim: Claim | None = None


def segments(article: Article, claims: list[Claim]) -> list[Segment]:
    """Split an article's text into plain runs and claim-content runs (outermost claims win)."""
    out: list[Segment] = []
    pos = 0
    for c in sorted(claims, key=lambda c: (c.start, -c.end)):
        if c.start < pos:
            continue  # nested or overlapping: the enclosing claim is already highlighted
        if c.start > pos:
            out.append(Segment(article.text[pos : c.start]))
        out.append(Segment(article.text[c.start : c.end], c))
        pos = c.end
    if pos < len(article.text):
        out.append(Segment(article.text[pos:]))
    return out


def build_context(store: Store) -> dict[str, Any]:
    """Everything the briefing templates show, gathered from the store."""
    articles = list(store.articles())
    by_article: dict[str, list[Claim]] = {}
    for c in store.claims():
        by_article.setdefault(c.article_id, []).append(c)
    times_by_article: dict[str, int] = Counter(t.article_id for t in store.times())
    dates = sorted(a.published for a in articles if a.published)
    speakers = Counter(c.speaker or c.speaker_text or "unknown" for cs in by_article.values() for c in cs)
    denials = [c for cs in by_article.values() for c in cs if c.polarity == "deny"]
    stories: list[Any] = []
    try:
        from crosscheck.link.report import story_reports
    except ImportError:
        pass
    else:
        stories = list(story_reports(store))
    return {
        "version": __version__,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "articles": [
            {
                "article": a,
                "claims": by_article.get(a.id, []),
                "segments": segments(a, by_article.get(a.id, [])),
                "n_times": times_by_article.get(a.id, 0),
            }
            for a in articles
        ],
        "n_claims": sum(len(v) for v in by_article.values()),
        "outlets": sorted({a.outlet for a in articles if a.outlet}),
        "date_range": (dates[0], dates[-1]) if dates else None,
        "top_speakers": speakers.most_common(12),
        "denials": denials,
        "article_by_id": {a.id: a for a in articles},
        "stories": stories,
    }


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("crosscheck.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2.html"), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def md_escape(text: str | None) -> str:
    """Neutralise Markdown and HTML syntax in scraped text shown in the Markdown briefing."""
    if not text:
        return ""
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def render(store: Store, fmt: str) -> str:
    """The briefing as text, ``fmt`` being "md" or "html"."""
    env = _env()
    env.filters["md"] = md_escape
    template = env.get_template("briefing.html" if fmt == "html" else "briefing.md")
    return template.render(**build_context(store))


def write_report(store: Store, path: Path) -> None:
    """Write the briefing to ``path`` (.md or .html)."""
    fmt = "html" if path.suffix.lower() in (".html", ".htm") else "md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(store, fmt), encoding="utf-8")
