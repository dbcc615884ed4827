"""Cross-article dates and the story timeline.

A date its own article cannot resolve ("Dec. 30" in an article with no year anywhere: the
times stage gives a null value and the reason) is resolved through another article of the
same story that gives the same month and day with a year. When several years are on offer
the evidence whose sentence reads most like the unresolved one wins. The times row is
updated in the link transaction (value, resolution ``cross_article``, ``resolved_by`` naming
the evidence time id); the article-level reason is kept.

Events are the dated happenings inside a story: claims whose sentence holds a day-level
date, grouped by that date. The event date and the report (publication) dates are kept apart.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from crosscheck.packagedata import data_json

if TYPE_CHECKING:
    from crosscheck.store.sqlite import SQLiteStore

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@cache
def _months() -> dict[str, int]:
    return {k.lower(): int(v) for k, v in data_json("timex.json").get("months", {}).items()}


def month_day(text: str) -> tuple[int, int] | None:
    """(month, day) of an expression such as "Dec. 30", "30 December", "January 2"."""
    words = re.findall(r"[A-Za-z]+|\d{1,2}(?=\D|$)", text)
    months = _months()
    month = next((months[w.lower()] for w in words if w.lower() in months), None)
    days = [int(w) for w in words if w.isdigit() and 1 <= int(w) <= 31]
    if month is None or len(days) != 1 or re.search(r"\d{4}", text):
        return None
    return month, days[0]


def _is_evidence(r: Any) -> tuple[int, int] | None:
    """(month, day) of a time that can date others: a day of its own article, not one lent to it."""
    m = _DAY.match(r["value"] or "")
    return (int(m.group(2)), int(m.group(3))) if m and r["resolution"] != "cross_article" else None


def _open(r: Any) -> tuple[int, int] | None:
    """(month, day) of a date its article left without a year ("Dec. 30")."""
    return month_day(r["text"]) if r["value"] is None and r["type"] == "DATE" else None


def resolve_dates(store: SQLiteStore, cur: Any, article_id: str, story_id: str,
                  sentence_vec: Callable[[str, int, int], np.ndarray]) -> int:
    """Resolve month-day expressions without a year between ``article_id`` and the rest of its story.

    Only what the new article changes is looked at: its own open dates (against every dated
    day of the story) and the story's open dates its days can resolve; pairs of older
    articles were settled when the later of them arrived. ``sentence_vec(article_id, start,
    end)`` embeds the sentence around a span. Returns how many expressions were resolved.
    """
    own = store.time_rows(article_id)
    todo = [r for r in own if _open(r)]
    days = {md for r in own if (md := _is_evidence(r))}
    if days:
        # open dates are few (a partial index holds them): read them all, keep the story's
        others = store.open_story_dates(story_id, but=article_id)
        todo += [r for r in others if _open(r) in days]
    if not todo:
        return 0
    evidence: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for month, day in sorted({md for r in todo if (md := _open(r))}):
        for e in store.story_days(story_id, month, day):
            if _is_evidence(e) == (month, day):
                evidence[(month, day)].append(e)
    done = 0
    for r in todo:
        md = _open(r)
        cands = [e for e in evidence.get(md, []) if e["article_id"] != r["article_id"]] if md else []
        if not cands:
            continue
        years = {e["value"][:4] for e in cands}
        if len(years) == 1:
            best = min(cands, key=lambda e: (e["resolution"] != "explicit", e["start"]))
        else:
            v = sentence_vec(r["article_id"], r["start"], r["end"])
            best = max(cands, key=lambda e: float(np.dot(v, sentence_vec(e["article_id"], e["start"], e["end"]))))
        store.resolve_time(cur, r["id"], best["value"], resolved_by=best["id"],
                           anchor=f"{best['text']} ({best['article_id']})")
        done += 1
    return done


def build_events(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Dated events from a story's claims.

    Each item of ``claims`` has: claim_id, group_id, article_id, content, speaker, origin,
    publisher, published, dates (day-level values in its sentence), time_ids, start, end;
    claim_id and group_id are None for a sentence the writer reports in their own voice.
    Returns events sorted by date, each with what / when / who says so / which sources.
    """
    by_date: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in claims:
        for d in c["dates"]:
            by_date[d].append(c)
    events = []
    for date in sorted(by_date):
        cs = by_date[date]
        # the most repeated group describes the event; its shortest claim reads best
        # (a sentence the writer reports in their own voice has no claim and no group: it describes
        # the event only when no claim does)
        counts: dict[str, int] = defaultdict(int)
        for c in cs:
            counts[c["group_id"] or ""] += 1
        top = max(counts, key=lambda g: (bool(g), counts[g], g))
        rep = min((c for c in cs if (c["group_id"] or "") == top), key=lambda c: len(c["content"]))
        events.append({
            "id": f"ev:{date}:{rep['claim_id'] or rep['article_id'] + ':' + str(rep['start'])}",
            "date": date,
            "what": rep["content"],
            "claim_ids": sorted({c["claim_id"] for c in cs if c["claim_id"]}),
            "group_ids": sorted({c["group_id"] for c in cs if c["group_id"]}),
            "asserted_by": sorted({c["speaker"] for c in cs if c["speaker"]}),
            "origins": sorted({c["origin"] for c in cs}),
            "sources": sorted({c["publisher"] for c in cs if c["publisher"]}),
            "reported": sorted({c["published"] for c in cs if c["published"]}),
            "time_ids": sorted({t for c in cs for t in c["time_ids"]}),
            "spans": [{"article_id": c["article_id"], "start": c["start"], "end": c["end"]} for c in cs],
        })
    return events
