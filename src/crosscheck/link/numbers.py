"""A story's numbers as people write them, each with its speaker, bound, unit, claim and conflicts.

Pure functions over plain dicts (the quantities rows and the claims they sit in), shared by the
briefing (Markdown and HTML) and the web story page. A quantity reads "more than 1 million
artillery shells", "at least 9 times", "about 3,000 people", "18 to 25 years", never
"1000000.0" or "exact 2.0". Two quantities of the same unit conflict when no value satisfies
both (their bounds read as intervals: "more than 1,000" meets "1,000" at its edge, so the
two agree; "9" and "at least 12" do not).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

BOUND_WORDS = {"exact": "", "at_least": "at least", "more_than": "more than", "about": "about",
               "at_most": "at most", "range": ""}
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
_ABOUT = 0.1  # "about N" reads as within 10% of N


def number(value: float) -> str:
    """A value as written in prose: "116", "3,000", "1 million", "1.5 billion", "2.75"."""
    if not math.isfinite(value):
        return str(value)
    for scale, word in _SCALES:
        if abs(value) >= scale and (value / scale * 10) == int(value / scale * 10):
            return f"{value / scale:g} {word}"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def label(value: float, value_max: float | None, bound: str, unit: str | None) -> str:
    """The whole quantity: bound, value (or range) and unit."""
    ranged = value_max is not None and value_max != value
    core = f"{number(value)} to {number(value_max)}" if ranged and value_max is not None else number(value)
    words = BOUND_WORDS.get(bound, bound.replace("_", " "))
    if value == 1 and value_max is None and unit:  # "at least 1 missile", not "1 missiles"
        unit = _singular(unit)
    return " ".join(x for x in (words, core, unit or "") if x)


def interval(value: float, value_max: float | None, bound: str) -> tuple[float, float]:
    """The values a quantity allows (closed, so a bound meets its own edge)."""
    if value_max is not None:
        return (min(value, value_max), max(value, value_max))
    if bound in ("at_least", "more_than"):
        return (value, math.inf)
    if bound == "at_most":
        return (-math.inf, value)
    if bound == "about":
        d = abs(value) * _ABOUT
        return (value - d, value + d)
    return (value, value)


def _singular(unit: str) -> str:
    head, _, last = unit.rpartition(" ")
    if len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is")):
        last = last[:-3] + "y" if last.endswith("ies") else last[:-1]
    return f"{head} {last}" if head else last


def unit_key(unit: str | None) -> str:
    """Units compared across articles: case and a plural -s folded ("Missiles" ~ "missile")."""
    u = " ".join((unit or "").lower().split())
    return _singular(u) if u else u


def conflict(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two quantities of one unit that no single value satisfies."""
    if unit_key(a.get("unit")) != unit_key(b.get("unit")) or not unit_key(a.get("unit")):
        return False
    lo1, hi1 = interval(a["value"], a.get("value_max"), a.get("bound", "exact"))
    lo2, hi2 = interval(b["value"], b.get("value_max"), b.get("bound", "exact"))
    return hi1 < lo2 or hi2 < lo1


def _holder(q: Mapping[str, Any], claims_of: Mapping[str, list[Mapping[str, Any]]]) -> Mapping[str, Any] | None:
    """The claim a quantity sits in: the one it is tied to, else the claim whose sentence holds it."""
    cands = claims_of.get(q["article_id"], [])
    if q.get("claim_id"):
        hit = next((c for c in cands if c["id"] == q["claim_id"]), None)
        if hit is not None:
            return hit
    for c in cands:
        lo = min(c["start"], c.get("sentence_start") if c.get("sentence_start") is not None else c["start"])
        hi = max(c["end"], c.get("sentence_end") if c.get("sentence_end") is not None else c["end"])
        if lo <= q["start"] and q["end"] <= hi:
            return c
    return None


def story_numbers(quantities: Iterable[Mapping[str, Any]], claims: Iterable[Mapping[str, Any]],
                  outlets: Mapping[str, str | None] | None = None) -> list[dict[str, Any]]:
    """Each counted quantity (one with a unit) of a story, in unit then article order, with:
    ``label`` (as people write it), ``speaker`` and ``claim`` (the claim it sits in; none:
    the outlet's own voice), ``outlet``, and ``conflicts`` (the labels of the same unit's
    quantities it cannot agree with, with who gave them)."""
    claims_of: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for cl in claims:
        claims_of[cl["article_id"]].append(cl)
    rows = []
    for q in quantities:
        if not q.get("unit"):
            continue
        c: Mapping[str, Any] | None = _holder(q, claims_of)
        outlet = (outlets or {}).get(q["article_id"]) or q.get("outlet")
        rows.append({**q, "label": label(q["value"], q.get("value_max"), q.get("bound", "exact"), q.get("unit")),
                     "speaker": (c.get("speaker") or c.get("speaker_text")) if c else None,
                     "claim_id": c["id"] if c else q.get("claim_id"), "claim": c["content"] if c else None,
                     "outlet": outlet})
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_unit[unit_key(r["unit"])].append(r)
    for r in rows:
        r["conflicts"] = [{"id": o["id"], "label": o["label"], "speaker": o["speaker"], "outlet": o["outlet"],
                           "article_id": o["article_id"], "claim_id": o["claim_id"]}
                          for o in by_unit[unit_key(r["unit"])] if o is not r and conflict(r, o)]
        r["conflict"] = bool(r["conflicts"])
    return rows
