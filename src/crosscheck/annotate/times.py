"""Time expressions normalised to TIMEX3-style values, anchored to the article's reference date.

Recognition is lexicon-built regular expressions filtered by the parse (``timex``); normalisation is
rule-based and deterministic (``timeresolve``, ``timerel``, ``timecal``). dateparser is not used: every
absolute form it would parse is covered by the patterns, and the relative logic is ours anyway.

Reference date (``with_reference_date``), when the cleaner set none:

1. a date line: one of the first lines of the text is only a full date ("Wednesday, April 30, 2025")
   -> ``published_source="dateline"``;
2. otherwise inferred from the article's own dates -> ``published_source="inferred"``: the latest
   day the article names with a full date, where a weekday with a month-day ("Wednesday, February 7")
   counts as full once the weekday fixes the year among the years the article mentions. An article
   is written no earlier than the latest day it reports, so this is a lower bound, and for news the
   usual value. With no such date the article keeps no reference date, and every expression that
   needs one gets a null value with the reason.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Literal, cast

from crosscheck.annotate import timex
from crosscheck.annotate.timeresolve import Resolver
from crosscheck.model import Article, TimeExpr

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["extract_times", "reference_date", "resolve_times", "with_reference_date"]

_DATELINE_LINES = 6
_TimeType = Literal["DATE", "TIME", "DURATION", "SET"]


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def reference_date(text: str, doc: Doc | None = None) -> tuple[date | None, str]:
    """The reference date a text gives itself, and how it was found ("dateline", "inferred", "none")."""
    matches = timex.find(text, doc)
    full = [m for m in matches if m.kind in {"mdy", "dmy", "iso"}]
    # 1. a date line near the top: a line that is nothing but one full date
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    top = [s for s in line_starts if text[s:].strip()][:_DATELINE_LINES]
    for m in full:
        if not m.groups.get("y"):
            continue
        ls = text.rfind("\n", 0, m.start) + 1
        le = text.find("\n", m.end)
        le = len(text) if le < 0 else le
        if ls in top and not re.sub(r"[\s,.|\-\u2013\u2014]", "", text[ls : m.start] + text[m.end : le]):
            top_date = Resolver(text, None, doc, matches).resolve_all([m])[0]
            if top_date.value:
                return _parse_iso(top_date.value), "dateline"
    # 2. inferred: the latest full (or weekday-fixed) date the article names
    resolved = Resolver(text, None, doc, matches).resolve_all(full)
    days = [
        d
        for m, r in zip(full, resolved, strict=True)
        if r.value
        and r.resolution in {"explicit", "weekday"}
        and (m.groups.get("y") or m.groups.get("wd"))
        and (d := _parse_iso(r.value)) is not None
    ]
    if days:
        return max(days), "inferred"
    return None, "none"


def with_reference_date(doc: Doc, article: Article) -> Article:
    """The article, with its reference date found in its text when nothing gave one."""
    if article.published:
        return article
    ref, how = reference_date(article.text, doc)
    if ref is None:
        return article
    return replace(article, published=ref.isoformat(), published_source=cast("Literal['dateline', 'inferred']", how))


def extract_times(doc: Doc, article: Article) -> list[TimeExpr]:
    """Time expressions of ``doc`` in text order, each normalised or null with the reason."""
    text = article.text
    matches = timex.find(text, doc)
    ref = _parse_iso(article.published)
    resolved = Resolver(text, ref, doc, matches).resolve_all(matches)
    out: list[TimeExpr] = []
    for n, (m, r) in enumerate(zip(matches, resolved, strict=True), start=1):
        out.append(
            TimeExpr(
                id=f"{article.id}:t{n}",
                article_id=article.id,
                start=m.start,
                end=m.end,
                text=text[m.start : m.end],
                value=r.value,
                type=cast(_TimeType, r.type),
                resolution=r.resolution,
                reason=r.reason,
                anchor=r.anchor,
            )
        )
    return out


def resolve_times(doc: Doc, article: Article, reference: str) -> list[TimeExpr]:
    """The article's time expressions resolved against a reference date found outside it.

    For an article that states no date of its own, the link layer finds one in the other
    articles of its story (the original of a syndicated copy, the same act dated elsewhere).
    The expressions are resolved as :func:`extract_times` would with that date as the
    inferred reference (``published_source="inferred"``): same ids, same rules. The article
    passed in is not changed, and callers decide which values to keep.
    """
    return extract_times(doc, replace(article, published=reference, published_source="inferred"))

