"""Relative and deictic time rules: weekdays, "today", "last week", "two years ago", durations, sets.

A mixin of ``timeresolve.Resolver``: every method maps one pattern's groups to a ``Resolved`` using the
resolver's reference date, its discourse anchor (``_anchor``) and the weekdays the article has named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from crosscheck.annotate import timecal as cal
from crosscheck.annotate.lexicon import load, parse_number

if TYPE_CHECKING:
    from crosscheck.annotate.timex import Match

_FUTURE = re.compile(
    r"\b(will|'ll|shall|going to|is to|are to|due to|scheduled|expected to|plans? to|set to|next)\b", re.I
)
_UNIT = {
    "day": "D",
    "week": "W",
    "weekend": "WE",
    "month": "M",
    "year": "Y",
    "decade": "10Y",
    "century": "100Y",
    "quarter": "Q",
}
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_POD = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}
# half of a unit in the next smaller one, appended to the whole-unit value
_HALF = {
    "Y": lambda v: v + "6M",
    "D": lambda v: v + "T12H",
    "TH": lambda v: v + "30M",
    "TM": lambda v: v + "30S",
}
NO_REF = "no reference date: the article states no publication date and none could be inferred from its dates"


@dataclass(frozen=True, slots=True)
class Resolved:
    """A value (or null with the reason) for one ``Match``."""

    value: str | None
    type: str = "DATE"
    resolution: str = "explicit"
    reason: str | None = None
    anchor: str | None = None


def _num(text: str) -> str:
    v = parse_number(text)
    if v is None:
        return "2" if "couple" in text.lower() else "X"
    return str(int(v)) if v == int(v) else f"{v:g}"


def _duration(n: str, unit: str) -> str:
    if unit.startswith("T"):
        return f"PT{n}{unit[1]}"
    if unit in {"10Y", "100Y", "2W"}:
        factor, u = int(unit[:-1]), unit[-1]
        return f"P{int(n) * factor if n.isdigit() else n}{u}"
    return f"P{n}{unit}"


class RelativeRules:
    """Rules for expressions that count from the reference date or from an earlier mention."""

    text: str
    ref: date | None
    ref_s: str | None
    weekdays: dict[str, int]
    months: dict[str, int]
    named_weekdays: dict[int, tuple[date, str]]

    def _anchor(self, m: Match, grans: set[str]) -> tuple[date, str] | None:
        raise NotImplementedError

    def _future(self, m: Match) -> bool:
        raise NotImplementedError

    def _focus_quarter(self, m: Match) -> str | None:
        raise NotImplementedError

    def _reported_quarter(self, m: Match) -> Resolved:
        raise NotImplementedError

    def _refnote(self) -> str:
        return f"reference date {self.ref_s}"

    # --- weekdays and days --------------------------------------------------------------------

    def _weekday_date(self, m: Match, name: str, rel: str) -> Resolved:
        wd = self.weekdays[name.lower()]
        if not rel and wd in self.named_weekdays:
            d, src = self.named_weekdays[wd]
            return Resolved(cal.iso(d), resolution="weekday", anchor=src)
        if self.ref is None:
            return Resolved(None, resolution="weekday", reason="weekday without a date; " + NO_REF)
        back = (self.ref.isoweekday() - wd) % 7
        if rel in {"next", "coming"} or (rel not in {"last", "past"} and self._future(m)):
            fwd = (wd - self.ref.isoweekday()) % 7 or (7 if rel in {"next", "coming"} else 0)
            d = self.ref + timedelta(days=fwd)
        elif rel == "this":
            d = self.ref + timedelta(days=wd - self.ref.isoweekday())
        else:
            d = self.ref - timedelta(days=back or (7 if rel in {"last", "past"} else 0))
        return Resolved(cal.iso(d), resolution="weekday", anchor=self._refnote())

    def _with_pod(self, r: Resolved, pod: str | None) -> Resolved:
        if not pod or r.value is None:
            return r
        return Resolved(f"{r.value}T{_POD[pod.lower()]}", "TIME", r.resolution, r.reason, r.anchor)

    def _r_weekday(self, m: Match, g: dict[str, str]) -> Resolved:
        rel = (g.get("rel") or "").lower()
        return self._with_pod(self._weekday_date(m, g["wd"], "" if rel in {"early", "late", "earlier", "later"} else rel), g.get("pod"))

    def _day_offset(self, word: str) -> int:
        w = re.sub(r"\s+", " ", word.lower())
        return {
            "today": 0,
            "tonight": 0,
            "yesterday": -1,
            "tomorrow": 1,
            "the day before yesterday": -2,
            "the day after tomorrow": 2,
        }[w]

    def _r_dayword(self, m: Match, g: dict[str, str]) -> Resolved:
        if self.ref is None:
            return Resolved(None, resolution="reference", reason=NO_REF)
        d = self.ref + timedelta(days=self._day_offset(g["dw"]))
        r = Resolved(cal.iso(d), resolution="reference", anchor=self._refnote())
        pod = g.get("pod") or ("night" if g["dw"].lower() == "tonight" else None)
        return self._with_pod(r, pod)

    def _r_thispod(self, m: Match, g: dict[str, str]) -> Resolved:
        rel = re.sub(r"\s+", " ", g["rel"].lower())
        if rel in {"this", "last"}:
            if self.ref is None:
                return Resolved(None, resolution="reference", reason=NO_REF)
            d = self.ref - timedelta(days=1 if rel == "last" else 0)
            return self._with_pod(Resolved(cal.iso(d), resolution="reference", anchor=self._refnote()), g["pod"])
        a = self._anchor(m, {"D"})
        if a is None:
            return Resolved(None, resolution="relative", reason="no earlier date in the article to count from")
        d = a[0] + timedelta(days={"that": 0, "the next": 1, "the following": 1, "the previous": -1}[rel])
        return self._with_pod(Resolved(cal.iso(d), resolution="relative", anchor=a[1]), g["pod"])

    def _clock(self, m: Match, g: dict[str, str], hour: int, minute: int) -> Resolved:
        day = g.get("wd2")
        if day and day.lower() in {"today", "yesterday", "tomorrow"}:
            base = self._r_dayword(m, {"dw": day})
        elif day:
            base = self._weekday_date(m, day, "")
        elif self.ref is not None:
            base = Resolved(self.ref_s, resolution="reference", anchor=self._refnote())
        else:
            base = Resolved(None, reason="clock time on an unknown day; " + NO_REF)
        if base.value is None:
            return Resolved(None, "TIME", base.resolution, base.reason)
        return Resolved(f"{base.value[:10]}T{hour:02d}:{minute:02d}", "TIME", base.resolution, None, base.anchor)

    def _r_clock(self, m: Match, g: dict[str, str]) -> Resolved:
        h, mi = int(g["h"]), int(g.get("mi") or 0)
        pm = g["ap"].lower().startswith("p")
        if h > 12:
            return Resolved(None, "TIME", reason="not a clock time")
        h = (h % 12) + (12 if pm else 0)
        return self._clock(m, g, h, mi)

    def _r_clock24(self, m: Match, g: dict[str, str]) -> Resolved:
        h, mi = int(g["h"]), int(g["mi"])
        if h > 24:
            return Resolved(None, "TIME", reason="not a clock time")
        return self._clock(m, g, h, mi)

    def _r_noon(self, m: Match, g: dict[str, str]) -> Resolved:
        return self._clock(m, g, 12 if g["nm"].lower() == "noon" else 24, 0)

    # --- units relative to the reference date or to an anchor ---------------------------------

    def _r_unitrel(self, m: Match, g: dict[str, str]) -> Resolved:
        rel = re.sub(r"\s+", " ", g["rel"].lower())
        unit = _UNIT[g["unit"].lower()]
        if unit == "Q" and rel in {"the", "that", "the same", "that same"}:
            return self._reported_quarter(m)
        deictic = {
            "this": 0,
            "current": 0,
            "the current": 0,
            "last": -1,
            "past": -1,
            "the past": -1,
            "the last": -1,
            "previous": -1,
            "the latest": -1,
            "next": 1,
            "coming": 1,
            "the coming": 1,
        }
        anaphoric = {
            "the previous": -1,
            "the following": 1,
            "following": 1,  # "following week's vote" (a KeyError once: the pattern takes it)
            "the next": 1,
            "the full": 0,  # "the full month": the one in question, as "the month"
            "the fiscal": 0,
            "that": 0,
            "the same": 0,
            "that same": 0,
            "the": 0,
        }
        if unit == "Y" and rel in {"the", "the full", "the fiscal"}:
            if re.match(r"\s+(?:ended|ending|through|to\s+date)\b", self.text[m.end :]):
                return Resolved("P1Y", "DURATION")  # "the year ended March 31": a reporting year
            rel = "this"  # "for the year", "the full year": the current one
        if unit == "WE" and rel in {"the", "this", "last", "past", "the past"}:
            return self._weekend(rel)
        if rel in deictic:
            if self.ref is None:
                return Resolved(None, resolution="reference", reason=NO_REF)
            d = cal.shift(self.ref, "W" if unit == "WE" else unit, deictic[rel])
            return Resolved(cal.at_granularity(d, unit), resolution="reference", anchor=self._refnote())
        grans = {"D"} if unit in {"D"} else {"D", "W", "M", "Q", "Y", "S"}
        a = self._anchor(m, grans)
        if a is None:
            if self.ref is None:
                return Resolved(
                    None,
                    resolution="relative",
                    reason="no earlier date in the article to count from; " + NO_REF,
                )
            a = (self.ref, self._refnote())
        d = cal.shift(a[0], "W" if unit == "WE" else unit, anaphoric[rel])
        return Resolved(cal.at_granularity(d, unit), resolution="relative", anchor=a[1])

    def _weekend(self, rel: str) -> Resolved:
        if self.ref is None:
            return Resolved(None, resolution="reference", reason=NO_REF)
        d = self.ref if self.ref.isoweekday() >= 6 and rel in {"the", "this"} else self.ref - timedelta(days=7)
        return Resolved(cal.week(d) + "-WE", resolution="reference", anchor=self._refnote())

    def _r_ago(self, m: Match, g: dict[str, str]) -> Resolved:
        unit = load("timex.json")["duration_units"][g["unit"].lower()]
        n = parse_number(g["num"]) if g["num"].lower() not in {"several", "few", "a few", "many", "some"} else None
        direction = g["dir"].lower().split()[0]
        sign = -1 if direction in {"ago", "earlier", "back", "before"} else 1
        approx = g.get("approx")
        reason = f"approximate ({approx.lower()})" if approx else None
        if n is None or unit.startswith("T") or n != int(n):
            if direction in {"ago", "back", "from", "hence"}:
                return Resolved("PAST_REF" if sign < 0 else "FUTURE_REF", resolution="reference", reason=reason)
            # "a few days later", "an hour later": no date to give, but the expression names a length of
            # time (TimeML annotates the measure as a DURATION and "later" as a signal)
            return Resolved(_duration(_num(g["num"]), unit), "DURATION", reason=reason)
        k = int(n)
        if direction in {"ago", "back", "from", "hence"}:
            if self.ref is None:
                return Resolved(None, resolution="reference", reason=NO_REF)
            base, anchor, how = self.ref, self._refnote(), "reference"
        else:
            a = self._anchor(m, {"D", "W", "M", "Q", "Y", "S"})
            if a is None and self.ref is None:
                return Resolved(None, resolution="relative", reason="no earlier date to count from; " + NO_REF)
            how = "relative"
            if a is not None:
                base, anchor = a
            else:
                base, anchor = self.ref, self._refnote()  # type: ignore[assignment]
        if unit == "Y" and (focus := self._focus_quarter(m)):
            y, q = focus.split("-")
            return Resolved(f"{int(y) + sign * k}-{q}", resolution="relative", reason=reason, anchor=focus)
        grain = {"10Y": "Y", "100Y": "Y", "2W": "W", "WE": "W"}.get(unit, unit)
        d = cal.shift(base, unit if unit != "WE" else "W", sign * k)
        return Resolved(cal.at_granularity(d, grain), resolution=how, reason=reason, anchor=anchor)

    # --- durations, sets and vague references -------------------------------------------------

    def _r_duration(self, m: Match, g: dict[str, str]) -> Resolved:
        unit = load("timex.json")["duration_units"][g["unit"].lower()]
        n = _num(g["num"])
        if unit == "WE":
            return Resolved(f"P{n}WE", "DURATION")
        approx = g.get("approx")
        value = _duration(n, unit)
        if (g.get("half") or g.get("half2")) and unit in _HALF:
            value = _HALF[unit](value)  # "2 1/2 years" -> P2Y6M, "5 1/2 hours" -> PT5H30M
        return Resolved(value, "DURATION", reason=f"approximate ({approx.lower()})" if approx else None)

    def _r_long(self, m: Match, g: dict[str, str]) -> Resolved:
        word = g["unit"].lower()
        unit = load("timex.json")["duration_units"][word]
        return Resolved(_duration("X" if word.endswith("s") else "1", unit), "DURATION")

    def _r_plural(self, m: Match, g: dict[str, str]) -> Resolved:
        rel = (g.get("rel") or "").lower()
        # "in recent years" is a vague stretch of years (TimeML: PXY), not the vague past point PAST_REF
        if rel in {"coming", "next"} and not g.get("num"):
            return Resolved("FUTURE_REF")
        unit = load("timex.json")["duration_units"][g["unit"].lower()]
        return Resolved(_duration("X", unit), "DURATION")

    def _r_set(self, m: Match, g: dict[str, str]) -> Resolved:
        word = g["unit"].lower()
        if word in self.weekdays:
            return Resolved(f"XXXX-WXX-{self.weekdays[word]}", "SET")
        if word in _POD:
            return Resolved(f"XXXX-XX-XXT{_POD[word]}", "SET")
        if word in self.months:  # "every July"
            return Resolved(f"XXXX-{self.months[word]:02d}", "SET")
        n = g.get("num")
        count = "2" if n and n.lower() == "other" else (_num(n) if n else "1")
        unit = load("timex.json")["duration_units"][word]
        return Resolved(_duration(count, unit), "SET")

    def _r_setword(self, m: Match, g: dict[str, str]) -> Resolved:
        return Resolved(load("timex.json")["sets"][g["sw"].lower()], "SET")

    def _r_ref(self, m: Match, g: dict[str, str]) -> Resolved:
        tx = load("timex.json")
        w = re.sub(r"\s+", " ", g["ref"].lower())
        if w in tx["present_ref"]:
            return Resolved("PRESENT_REF")
        if w in tx["past_ref"]:
            return Resolved("PAST_REF")
        return Resolved("FUTURE_REF")
