"""The templates shared by the web UI and the static briefing, and the helpers they call.

One Jinja2 environment factory serves both: the UI links ids to its pages (``/claim/ID``), the
briefing to anchors inside its one file (``#c-ID``). Templates never build a URL themselves;
they ask ``href(kind, id)``, which returns ``None`` where the target does not exist (a speaker
page in the briefing), and the macros then show plain text. Autoescape is on for every
template, whatever its name. No FastAPI here: ``crosscheck report`` imports this module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import ChoiceLoader, Environment, PackageLoader
from markupsafe import Markup

from crosscheck import __version__
from crosscheck.link.dedupe import article_name, outlet_label

STATIC = Path(__file__).parent / "static"
Href = Callable[..., str | None]
_PAGES = frozenset({"story", "group", "claim", "article", "speaker", "entity"})


def short_source(source: str | None) -> str:
    """An article's source as shown: URLs and relative paths as they are, absolute paths cut to
    their last two parts (``…/articles/02_x.txt``), so no page shows where a file sat on a machine."""
    if not source:
        return ""
    if "://" in source or (not source.startswith(("/", "~")) and ":\\" not in source[:3]):
        return source
    path, sep, rest = source.partition("#")  # "file.jsonl#3"
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    return "…/" + "/".join(parts[-2:]) + sep + rest


def web_href(kind: str, ident: str | None, article: str | None = None) -> str | None:
    """A page of the UI: ``/KIND/ID``; ``span`` is a claim's highlighted span in its article
    (the claim's page when the article is not known)."""
    if not ident:
        return None
    if kind == "span":
        if not article:
            return f"/claim/{quote(ident, safe='')}"
        return f"/article/{quote(article, safe='')}#c-{quote(ident, safe='')}"
    if kind not in _PAGES:
        raise ValueError(f"unknown link kind {kind!r}")
    return f"/{kind}/{quote(ident, safe='')}"


def file_href(kind: str, ident: str | None, article: str | None = None) -> str | None:
    """An anchor inside the static briefing; ``None`` for what the file does not hold (claim,
    group, speaker and entity pages): a claim is its highlighted span in the article text."""
    if not ident:
        return None
    prefix = {"span": "c", "article": "a", "story": "s"}.get(kind)
    return f"#{prefix}-{ident}" if prefix else None


def page_url(base: str, params: Mapping[str, Any], **change: Any) -> str:
    """``base`` with the page's query parameters, some changed; defaults (page 1, empty) dropped."""
    merged = {**params, **change}
    kept = {k: v for k, v in merged.items() if v not in (None, "", 1)}
    return base + ("?" + urlencode(kept) if kept else "")


_CHAR_PX = 6.2  # an 11px label's mean character width, for laying labels out without overlap
_LANE_PX = 15
_MAX_LANES = 6


def _lanes(items: list[dict[str, Any]], width: int, margin: int) -> int:
    """Give each label (sorted by x) the first lane where it does not overlap the one before;
    a label that fits no lane is left out (its mark keeps its title). Returns the lanes used."""
    ends: list[float] = []
    for it in items:
        w = len(it["label"]) * _CHAR_PX
        # anchored at its mark, clamped inside the drawing: never clipped at either edge
        left = min(max(it["x"] - w / 2, margin / 2), width - margin / 2 - w)
        it["lx"] = round(left)
        for i, end in enumerate(ends):
            if left > end + 6:
                ends[i] = left + w
                it["lane"] = i
                break
        else:
            if len(ends) < _MAX_LANES:
                it["lane"] = len(ends)
                ends.append(left + w)
            else:
                it["lane"] = None
    return len(ends)


def _short(d: date) -> str:
    return f"{d.strftime('%b')} {d.day}"


def timeline_chart(events: list[dict[str, Any]], report_dates: list[str], width: int = 760) -> dict[str, Any]:
    """SVG layout of a timeline: event dates above the axis, report (publication) dates below.

    One mark a day (its events counted), each labelled with its date and, when there is room,
    the first event's words; labels take lanes so none overlaps another, and stay inside the
    drawing. Marks link to the event's line in the list below (``#ev-N``), so they are reachable
    by keyboard, and carry a title naming every event of the day.
    """

    def day(s: str | None) -> date | None:
        try:
            return date.fromisoformat(s[:10]) if s else None
        except ValueError:
            return None

    margin = 40
    points = [(day(e.get("date")), i, e) for i, e in enumerate(events, 1)]
    reports = sorted({d for d in (day(r) for r in report_dates) if d})
    days = [d for d, _, _ in points if d] + reports
    if not days:
        return {"width": width, "height": 0, "events": [], "reports": [], "ticks": []}
    lo, hi = min(days), max(days)
    span = max((hi - lo).days, 1)

    def x(d: date) -> int:
        return margin + round((d - lo).days / span * (width - 2 * margin))

    by_day: dict[date, list[tuple[int, dict[str, Any]]]] = {}
    for d, i, e in points:
        if d:
            by_day.setdefault(d, []).append((i, e))
    marks: list[dict[str, Any]] = []
    for d in sorted(by_day):
        evs = by_day[d]
        what = " ".join(str(evs[0][1].get("what", "")).split())
        words = what[:28].rsplit(" ", 1)[0] + "…" if len(what) > 28 else what
        more = f" (+{len(evs) - 1})" if len(evs) > 1 else ""
        marks.append({"x": x(d), "date": d.isoformat(), "n": len(evs), "anchor": f"ev-{evs[0][0]}",
                      "label": f"{_short(d)}: {words}{more}" if words else _short(d) + more,
                      "title": "; ".join(f"{d.isoformat()}: {e.get('what', '')}" for _, e in evs)})
    reps: list[dict[str, Any]] = [{"x": x(d), "date": d.isoformat(), "label": _short(d),
                                   "title": f"reported {d.isoformat()}"} for d in reports]
    ev_lanes = _lanes(marks, width, margin)
    rep_lanes = _lanes(reps, width, margin)
    top = 22  # the row caption
    ev_axis = top + ev_lanes * _LANE_PX + 14
    rep_axis = ev_axis + 34
    for m in marks:
        m["ly"] = None if m["lane"] is None else top + 10 + m["lane"] * _LANE_PX
    for r in reps:
        r["ly"] = None if r["lane"] is None else rep_axis + 22 + r["lane"] * _LANE_PX
    tick_y = rep_axis + 22 + max(rep_lanes, 1) * _LANE_PX + 6
    ticks = [{"x": x(lo), "label": lo.isoformat(), "anchor": "start"}]
    if hi != lo:
        ticks.append({"x": x(hi), "label": hi.isoformat(), "anchor": "end"})
    if span > 60:  # a middle tick when the range is long enough to need one
        mid = date.fromordinal(lo.toordinal() + span // 2)
        ticks.insert(1, {"x": x(mid), "label": mid.isoformat(), "anchor": "middle"})
    return {"width": width, "height": tick_y + 8, "margin": margin, "ev_axis": ev_axis, "rep_axis": rep_axis,
            "events": marks, "reports": reps, "ticks": [{**t, "y": tick_y} for t in ticks]}


def timeline_items(events: list[dict[str, Any]], group_labels: Mapping[str, str],
                   outlets: Mapping[str, str | None]) -> list[dict[str, Any]]:
    """The timeline's list: each event with links that read by what they lead to, its claim
    groups by their claims and its sources by their outlets (never "group group [1] [2]")."""
    out = []
    for i, e in enumerate(events, 1):
        sources: dict[str, str] = {}
        for cid in e.get("claim_ids") or []:
            outlet = outlets.get(str(cid).split(":", 1)[0]) or "source"
            sources.setdefault(outlet, cid)
        groups = [{"id": g, "label": group_labels.get(g) or ""} for g in e.get("group_ids") or []]
        out.append({**e, "anchor": f"ev-{i}", "groups": [g for g in groups if g["label"]],
                    "source_links": [{"outlet": o, "claim_id": c} for o, c in sorted(sources.items())]})
    return out


def _bucket(d: date, unit: str) -> date:
    if unit == "month":
        return d.replace(day=1)
    if unit == "week":
        return date.fromordinal(d.toordinal() - d.weekday())  # the Monday
    return d


def _next(d: date, unit: str) -> date:
    if unit == "month":
        return date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return date.fromordinal(d.toordinal() + (7 if unit == "week" else 1))


def date_histogram(counts: Mapping[str, Mapping[str, int]], kinds: tuple[str, ...],
                   width: int = 760, height: int = 70) -> dict[str, Any]:
    """SVG layout of stacked bars over time: one bar a day, week or month (whichever fits).

    ``counts`` maps ISO dates to counts per kind (``{"assert": 3, "deny": 1}``); each bar is
    cut into one segment per kind, bottom up in the order of ``kinds``. Days without a count
    keep their (empty) slot, so gaps in time show as gaps.
    """
    days: dict[date, Mapping[str, int]] = {}
    for key, per in counts.items():
        try:
            days[date.fromisoformat(key[:10])] = per
        except ValueError:
            continue
    if not days:
        return {"width": width, "height": height, "bars": [], "ticks": [], "max": 0, "unit": None}
    lo, hi = min(days), max(days)
    span = (hi - lo).days
    unit = "day" if span <= 45 else "week" if span <= 366 else "month"
    buckets: dict[date, dict[str, int]] = {}
    b = _bucket(lo, unit)
    while b <= hi:
        buckets[b] = {}
        b = _next(b, unit)
    for d, per in days.items():
        slot = buckets[_bucket(d, unit)]
        for kind, n in per.items():
            slot[kind] = slot.get(kind, 0) + n
    keys = list(buckets)
    width = min(width, 60 + 40 * len(keys))  # a few bars stay bars, not slabs
    top = max(sum(v.values()) for v in buckets.values()) or 1
    step = (width - 60) / len(keys)
    bars = []
    for i, k in enumerate(keys):
        y = float(height)
        segments: list[dict[str, Any]] = []
        for kind in kinds:
            n = buckets[k].get(kind, 0)
            if n:
                h = round(height * n / top, 1)
                y = round(y - h, 1)
                segments.append({"kind": kind, "n": n, "y": y, "h": h})
        label = k.isoformat()[:7] if unit == "month" else ("week of " if unit == "week" else "") + k.isoformat()
        bars.append({"x": round(30 + i * step, 1), "w": round(max(step - 2, 1), 1), "label": label,
                     "n": sum(s["n"] for s in segments), "segments": segments})
    ticks = [{"x": round(30 + (i + 0.5) * step, 1), "label": keys[i].isoformat()[: 7 if unit == "month" else 10]}
             for i in sorted({0, len(keys) - 1})]
    return {"width": width, "height": height, "bars": bars, "ticks": ticks, "max": top, "unit": unit}


def _number(value: Any) -> str:
    """A value as written in prose (link/numbers.py), never "1000000.0"."""
    from crosscheck.link.numbers import number

    try:
        return number(float(value))
    except (TypeError, ValueError):
        return str(value)


def environment(href: Href = web_href) -> Environment:
    """The Jinja2 environment: the web templates (plus the report's), autoescape on for all."""
    env = Environment(
        loader=ChoiceLoader([PackageLoader("crosscheck.web", "templates"),
                             PackageLoader("crosscheck.report", "templates")]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["u"] = lambda s: quote(str(s), safe="")
    env.filters["short_source"] = short_source
    env.filters["number"] = _number
    env.globals.update(version=__version__, href=href, page_url=page_url, timeline_chart=timeline_chart,
                       timeline_items=timeline_items,
                       date_histogram=date_histogram, static=href is web_href,
                       # one name for an article and an outlet everywhere (link/dedupe.py)
                       article_name=article_name, outlet_label=outlet_label)
    return env


def inline_css() -> tuple[Markup, str]:
    """The UI's stylesheet for inlining into a self-contained file, and its CSP source (a hash)."""
    css = (STATIC / "style.css").read_text(encoding="utf-8")
    if "</" in css:  # would close the <style> element early
        raise ValueError("style.css must not contain '</'")
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    import base64

    return Markup(css), f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
