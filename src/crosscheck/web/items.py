"""Queries behind the claim, article, speaker and entity pages. Plain dicts, ``None`` for unknown ids."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from crosscheck.store import reads
from crosscheck.store.base import ledger_errors
from crosscheck.web.db import PER_PAGE, loads, page_slice, paged, with_outlet
from crosscheck.web.spans import Span, claim_spans, runs, sentence_runs
from crosscheck.web.stories import claim_dict

_ARTICLE_META = ("id", "source", "title", "outlet", "original_source", "author", "published",
                 "published_source", "language", "version_of", "superseded_by", "ingested_at")
PUBLISHED_HOW = {
    "metadata": "from the page's own metadata",
    "dateline": "from the dateline in the text",
    "inferred": "inferred from dates in the text",
    "none": "unknown: no date found",
}


def claim(conn: Any, claim_id: str) -> dict[str, Any] | None:
    """One claim with its article, sentence in context, and group."""
    row = reads.claim_with_article(conn, claim_id)
    if row is None:
        return None
    c = claim_dict(row)
    c["context"] = sentence_runs(c.pop("article_text"), c)
    grp = None
    try:
        g = reads.group_of_claim(conn, claim_id)
    except ledger_errors():  # a ledger without the link layer
        g = None
    if g is not None:
        grp = {"id": g["id"], "status": loads(g["status"], []), "story_id": g["story_id"]}
    return {"claim": c, "group": grp}


def article(conn: Any, article_id: str) -> dict[str, Any] | None:
    """An article's clean text with claims (by stance), times and quantities highlighted."""
    row = reads.article_row(conn, article_id)
    if row is None:
        return None
    text = row["text"]
    found = reads.article_items(conn, article_id)
    claims = [claim_dict(r) for r in found["claims"]]
    times = [dict(r) for r in found["times"]]
    quantities = [dict(r) for r in found["quantities"]]
    mentions = found["mentions"]
    entities: dict[str, dict[str, Any]] = {}
    for m in mentions:
        if m["entity"]:
            e = entities.setdefault(m["entity"], {"key": m["entity"], "name": m["text"], "label": m["label"],
                                                  "mentions": 0})
            e["mentions"] += 1
    spans: list[Span] = []
    for c in claims:
        spans += claim_spans(c, link=True)
    spans += [Span(t["start"], t["end"], "time") for t in times]
    spans += [Span(q["start"], q["end"], "quantity") for q in quantities]
    spans += [Span(m["start"], m["end"], "entity") for m in mentions if m["entity"]]
    meta = {k: row[k] for k in _ARTICLE_META}
    meta["published_how"] = PUBLISHED_HOW.get(row["published_source"], row["published_source"])
    return {
        "article": meta,
        "paragraphs": [runs(text[a:b], spans, offset=a) for a, b in paragraphs(text)],
        "removed_lines": loads(row["removed_lines"], []),
        "claims": claims,
        "times": times,
        "quantities": quantities,
        "entities": sorted(entities.values(), key=lambda e: (-e["mentions"], e["key"])),
    }


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph (blank-line separated) of the clean text."""
    out, pos = [], 0
    while pos < len(text):
        nxt = text.find("\n\n", pos)
        end = len(text) if nxt == -1 else nxt
        if text[pos:end].strip():
            out.append((pos, end))
        pos = end + 2
    return out


def _claims_page(conn: Any, kind: str, args: list[Any], page: int) -> tuple[list[dict[str, Any]], list[Any]]:
    rows = reads.claims_page(conn, kind, args, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
    out = []
    for r in rows[:PER_PAGE]:
        c = claim_dict(r)
        c["context"] = sentence_runs(c.pop("article_text"), c)
        out.append(c)
    return out, rows


def _over_time(conn: Any, series: dict[str, tuple[str, list[Any]]], *,
               by_stance: bool = False) -> dict[str, Any]:
    """Claims per day (by publication date) for each named series (a kind of reads.claims_page), over all pages.

    Returns the day counts (per series, or per stance with ``by_stance``) for the chart, the
    outlets, the number of claims per series and how many have no date.
    """
    days: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    outlets: set[str] = set()
    totals: dict[str, int] = {}
    undated = 0
    for name, (which, args) in series.items():
        total = 0
        for r in map(with_outlet, reads.claims_per_day(conn, which, args)):
            kind = r["polarity"] if by_stance else name
            if r["day"]:
                days[r["day"]][kind] += r["n"]
            else:
                undated += r["n"]
            if r["outlet"]:
                outlets.add(r["outlet"])
            total += r["n"]
        totals[name] = total
    return {"days": {d: dict(v) for d, v in sorted(days.items())}, "outlets": sorted(outlets),
            "totals": totals, "undated": undated}


def _facet_page(conn: Any, facet: str, value: str, page: int) -> tuple[list[dict[str, Any]], list[Any]]:
    """One page of a speaker's or entity's claims, oldest first, read off ``claim_facets`` (0005)."""
    rows = reads.facet_page(conn, facet, value, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
    out = []
    for r in rows[:PER_PAGE]:
        c = claim_dict(r)
        c["context"] = sentence_runs(c.pop("article_text"), c)
        out.append(c)
    return out, rows


def _facet_over_time(conn: Any, series: dict[str, tuple[str, str]], *,
                     by_stance: bool = False) -> dict[str, Any]:
    """:func:`_over_time` from ``claim_facets``: one index range per series, no join."""
    days: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    outlets: set[str] = set()
    totals: dict[str, int] = {}
    undated = 0
    bare: set[int] = set()  # articles without an outlet, named by their source below
    for name, (facet, value) in series.items():
        total = 0
        for r in reads.facet_per_day(conn, facet, value):
            kind = r["polarity"] if by_stance else name
            if r["published"]:
                days[r["published"][:10]][kind] += r["n"]
            else:
                undated += r["n"]
            if r["outlet"]:
                outlets.add(r["outlet"])
            elif r["bare"] is not None:
                bare.add(r["bare"])
            total += r["n"]
        totals[name] = total
    outlets.update(o for r in reads.article_outlets(conn, sorted(bare)) if (o := with_outlet(r)["outlet"]))
    return {"days": {d: dict(v) for d, v in sorted(days.items())}, "outlets": sorted(outlets),
            "totals": totals, "undated": undated}


def speaker(conn: Any, name: str, *, page: int = 1, facets: bool = True) -> dict[str, Any] | None:
    """Everything said by a speaker (resolved name or as written) across outlets, over time.

    With ``facets`` (migration 0005) the page and the chart read ``claim_facets``; without,
    the speaker's claims are joined to their articles and sorted per request.
    """
    if facets:
        said, rows = _facet_page(conn, "speaker", name, page)
    else:
        said, rows = _claims_page(conn, "speaker", [name, name], page)
    if not said and page == 1:
        return None
    if facets:
        timeline = _facet_over_time(conn, {"said": ("speaker", name)}, by_stance=True)
    else:
        timeline = _over_time(conn, {"said": ("speaker", [name, name])}, by_stance=True)
    entity = next((c["speaker_entity"] for c in said if c["speaker_entity"]), None)
    return {"speaker": name, "entity": entity, "outlets": timeline["outlets"], "over_time": timeline,
            "said": said, **paged(rows, page, timeline["totals"]["said"])}


def entity(conn: Any, key: str, *, page: int = 1, facets: bool = True) -> dict[str, Any] | None:
    """An entity: its mentions' names, claims it made, and claims about it, over time."""
    names = reads.entity_names(conn, key)
    if facets:
        said, rows_said = _facet_page(conn, "said", key, page)
        about, rows_about = _facet_page(conn, "about", key, page)
    else:
        said, rows_said = _claims_page(conn, "said", [key], page)
        about, rows_about = _claims_page(conn, "about", [key], page)
    if not names and not said and page == 1:
        return None
    if facets:
        timeline = _facet_over_time(conn, {"said": ("said", key), "about": ("about", key)})
    else:
        timeline = _over_time(conn, {"said": ("said", [key]), "about": ("about", [key])})
    more = page_slice(rows_said if len(rows_said) > len(rows_about) else rows_about, page)
    return {"entity": key, "names": [{"text": r["text"], "mentions": r["n"]} for r in names],
            "outlets": timeline["outlets"], "over_time": timeline, "said": said, "about": about, **more}
