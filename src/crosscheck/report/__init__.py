"""The briefing: a self-contained Markdown or HTML report of the ledger.

Every line points at its source: claims link to the highlighted span in the article text
(HTML) or name the article and character offsets (Markdown). The HTML briefing renders
through the web UI's templates and partials (:mod:`crosscheck.web.render`: badges, claim
rows, highlighted text, group tables, timeline) with the UI's stylesheet inlined, so it is
one file that needs no network. Links point at anchors inside the file instead of pages.
Scraped text is hostile input: everything is autoescaped and the file's CSP allows no script
and only the one inlined stylesheet (by its hash).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from crosscheck import __version__
from crosscheck.link.dedupe import article_name, outlet_label, outlet_of
from crosscheck.model import Article, Claim
from crosscheck.store.base import Store

__all__ = ["build_context", "render", "write_report"]


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
                "n_times": times_by_article.get(a.id, 0),
                "outlet": outlet_of(a),  # an unknown publisher named by its source
            }
            for a in articles
        ],
        "n_claims": sum(len(v) for v in by_article.values()),
        # every publisher, an unknown one named by its source (as claim groups count them)
        "outlets": sorted({o for a in articles if (o := outlet_of(a))}),
        "date_range": (dates[0], dates[-1]) if dates else None,
        "top_speakers": speakers.most_common(12),
        "denials": denials,
        "article_by_id": {a.id: a for a in articles},
        "stories": [_story(s, {a.id: a for a in articles}, by_article) for s in stories],
    }


def _claim_row(c: Claim, article: Article | None) -> dict[str, Any]:
    """A claim as the shared partials take it (the web's claims row, plus outlet and date)."""
    row = asdict(c)
    row["hedges"] = list(c.hedges)
    row["outlet"] = article.outlet if article else None
    row["published"] = article.published if article else None
    return row


def _story(s: dict[str, Any], articles: dict[str, Article], by_article: dict[str, list[Claim]]) -> dict[str, Any]:
    """One story of :func:`crosscheck.link.report.story_reports` in the shape of the UI's story page.

    The Markdown template reads the older names (``asserters``, ``origins``, ``a_text``...), so
    both are given. Group and contradiction ends link to the claims' spans in this file.
    """
    polarity = {c.id: c.polarity for cs in by_article.values() for c in cs}

    def outlet(article_id: str) -> str:
        a = articles.get(article_id)
        return outlet_label(outlet_of(a) if a else None)

    groups, matrix_rows = [], []
    for g in s.get("groups", []):
        spans = g.get("spans") or []
        first = next((sp for sp in spans if sp["text"] == g["claim"]), spans[0] if spans else {})
        sources: dict[str, dict[str, Any]] = {}
        per_outlet: Counter[str] = Counter()
        for sp in spans:
            o = outlet(sp["article_id"])
            per_outlet[o] += 1
            sources.setdefault(o, {"outlet": o, "claim_id": sp["claim_id"], "article_id": sp["article_id"]})
        asserters = [x for x in g.get("asserted_by", []) if x != "?"]
        deniers = [x for x in g.get("denied_by", []) if x != "?"]
        if g.get("polarity") == "deny":  # a denial group's own speakers deny (as on the web's group page)
            asserters, deniers = [], sorted(set(deniers) | set(asserters))
        groups.append({
            "id": g["id"], "claim": g["claim"], "claim_id": first.get("claim_id"), "article_id": first.get("article_id"),
            "polarity": g.get("polarity"), "status": g.get("status", []), "outlets": g.get("outlets", []),
            "independent_origins": g.get("independent_origins", []), "origins": g.get("independent_origins", []),
            "first_seen": g.get("first_seen"), "asserters": asserters, "deniers": deniers,
            "contesters": g.get("contested_by", []), "non_denials": g.get("non_denials", []),
            "sources": sorted(sources.values(), key=lambda x: str(x["outlet"])), "n_members": len(spans),
            "corrected": g.get("corrected", []),
        })
        matrix_rows.append((g["id"], g["claim"], per_outlet))
    outlets = sorted({o for _, _, per in matrix_rows for o in per})

    def item(span: dict[str, Any] | None, group_id: str) -> dict[str, Any]:
        if not span:
            return {"content": group_id, "claim_id": None, "article_id": None, "group_id": None, "speaker": None,
                    "polarity": None}
        return {"content": span["text"], "claim_id": span["claim_id"], "article_id": span["article_id"],
                "group_id": None, "speaker": span.get("speaker"), "polarity": polarity.get(span["claim_id"])}

    contradictions = []
    for r in s.get("contradictions", []):
        a, b = item(r.get("a"), r.get("a_group", "")), item(r.get("b"), r.get("b_group", ""))
        contradictions.append({"id": r["id"], "type": r.get("type"), "a": r.get("a_group"), "b": r.get("b_group"),
                               "evidence": r.get("evidence", {}), "a_item": a, "b_item": b,
                               "a_text": a["content"], "b_text": b["content"]})
    numbers = [{**c, "a_values": c["evidence"].get("a_values") or [], "b_values": c["evidence"].get("b_values") or []}
               for c in contradictions if c["evidence"].get("conflict") == "number"]
    story_articles = s.get("articles", [])
    return {
        "id": s["id"], "title": s["title"], "articles": story_articles, "bottom_line": s.get("bottom_line", []),
        "article_ids": [a["id"] for a in story_articles],
        "groups": groups, "contradictions": contradictions, "conflicting_numbers": numbers,
        "numbers": s.get("numbers", []),
        "group_labels": {g["id"]: g["claim"] for g in groups},
        "outlets": {a: outlet(a) for a in {str(c).split(":", 1)[0] for e in s.get("timeline", [])
                                           for c in e.get("claim_ids") or []}},
        "timeline": s.get("timeline", []), "events": s.get("timeline", []),
        "report_dates": sorted({a["published"] for a in story_articles if a.get("published")}),
        "matrix": {"outlets": outlets, "rows": [{"group_id": gid, "claim": claim, "cells": [per[o] > 0 for o in outlets]}
                                                for gid, claim, per in matrix_rows]},
        "status_counts": Counter(st for g in groups for st in g["status"]),
    }


def html_context(store: Store) -> dict[str, Any]:
    """The HTML briefing's data: :func:`build_context` plus each article as highlighted runs."""
    from crosscheck.web.items import PUBLISHED_HOW, paragraphs
    from crosscheck.web.spans import Span, claim_spans, runs

    ctx = build_context(store)
    times: dict[str, list[Any]] = defaultdict(list)
    for t in store.times():
        times[t.article_id].append(t)
    quantities: dict[str, list[Any]] = defaultdict(list)
    for q in store.quantities():
        quantities[q.article_id].append(q)
    for item in ctx["articles"]:
        a: Article = item["article"]
        rows = [_claim_row(c, a) for c in item["claims"]]
        spans: list[Span] = []
        for c in rows:
            spans += claim_spans(c, link=True)
        spans += [Span(t.start, t.end, "time") for t in times.get(a.id, [])]
        spans += [Span(q.start, q.end, "quantity") for q in quantities.get(a.id, [])]
        item["claim_rows"] = rows
        item["paragraphs"] = [runs(a.text[lo:hi], spans, offset=lo) for lo, hi in paragraphs(a.text)]
        item["published_how"] = PUBLISHED_HOW.get(a.published_source, a.published_source)
    ctx["denial_rows"] = [_claim_row(c, ctx["article_by_id"].get(c.article_id)) for c in ctx["denials"]]
    return ctx


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
    if fmt == "html":
        from crosscheck.web.render import environment, file_href, inline_css

        css, css_hash = inline_css()
        html_env = environment(file_href)
        return html_env.get_template("briefing.html").render(css=css, css_hash=css_hash, **html_context(store))
    env = _env()
    env.filters["md"] = md_escape
    env.globals.update(article_name=article_name, outlet_label=outlet_label)
    return env.get_template("briefing.md").render(**build_context(store))


def write_report(store: Store, path: Path) -> None:
    """Write the briefing to ``path`` (.md or .html)."""
    fmt = "html" if path.suffix.lower() in (".html", ".htm") else "md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(store, fmt), encoding="utf-8")
