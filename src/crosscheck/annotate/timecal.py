"""Calendar arithmetic for TIMEX3 values: shifting by units, ISO weeks, quarters, weekday-fixed years.

Values follow TIMEX3: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, ``YYYY-Www``, ``YYYY-Qn``, ``YYYY-SU``,
``YYY`` (decade), ``YY`` (century). Pure functions over ``datetime.date``.
"""

from __future__ import annotations

import calendar
import re
from datetime import MAXYEAR, MINYEAR, date, timedelta

# how many years either side of the article's years a weekday-fixed date may land
WEEKDAY_YEAR_WINDOW = 6


def iso(d: date) -> str:
    """``YYYY-MM-DD``."""
    return d.isoformat()


def week(d: date) -> str:
    """ISO week value ``YYYY-Www``."""
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def quarter(d: date) -> str:
    """``YYYY-Qn``."""
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


class OutOfCalendar(ValueError):
    """A date moved outside the years 1-9999 that ``datetime.date`` holds ("10,000 years ago")."""


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` months, the day clipped to the month's length."""
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    if not MINYEAR <= y <= MAXYEAR:
        raise OutOfCalendar(f"year {y}")
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def shift(d: date, unit: str, n: int) -> date:
    """``d`` moved by ``n`` units (D, W, M, Q, Y, 10Y, 100Y, WE)."""
    try:
        if unit in {"D"}:
            return d + timedelta(days=n)
        if unit in {"W", "WE", "2W"}:
            return d + timedelta(weeks=n * (2 if unit == "2W" else 1))
    except OverflowError as e:
        raise OutOfCalendar(f"{n} {unit} from {d}") from e
    if unit == "M":
        return add_months(d, n)
    if unit == "Q":
        return add_months(d, 3 * n)
    if unit == "Y":
        return add_months(d, 12 * n)
    if unit == "10Y":
        return add_months(d, 120 * n)
    if unit == "100Y":
        return add_months(d, 1200 * n)
    raise ValueError(unit)


def at_granularity(d: date, unit: str) -> str:
    """The value of the ``unit``-sized period containing ``d``."""
    if unit == "D":
        return iso(d)
    if unit in {"W", "2W"}:
        return week(d)
    if unit == "WE":
        return week(d) + "-WE"
    if unit == "M":
        return f"{d.year}-{d.month:02d}"
    if unit == "Q":
        return quarter(d)
    if unit == "10Y":
        return str(d.year)[:3]
    if unit == "100Y":
        return str(d.year)[:2]
    return str(d.year)


def to_date(value: str | None) -> date | None:
    """The first day a value names, for values of day, month, quarter, season or year precision."""
    if not value:
        return None
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if m:
        y, mo, dd = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
        q = re.match(r"^\d{4}-Q(\d)", value)
        if q:
            mo = 3 * (int(q.group(1)) - 1) + 1
        w = re.match(r"^(\d{4})-W(\d{2})", value)
        if w:
            return date.fromisocalendar(int(w.group(1)), int(w.group(2)), 1)
        try:
            return date(y, mo, dd)
        except ValueError:
            return None
    return None


def granularity(value: str | None) -> str | None:
    """D, W, M, Q, S (season), Y for a DATE value, else None."""
    if not value:
        return None
    for unit, pat in (
        ("D", r"^\d{4}-\d{2}-\d{2}"),
        ("W", r"^\d{4}-W\d"),
        ("Q", r"^\d{4}-Q\d"),
        ("S", r"^\d{4}-(SP|SU|FA|WI)$"),
        ("M", r"^\d{4}-\d{2}$"),
        ("Y", r"^\d{4}$"),
    ):
        if re.match(pat, value):
            return unit
    return None


def safe_date(y: int, m: int, d: int) -> date | None:
    """``date(y, m, d)`` or None when there is no such day."""
    try:
        return date(y, m, d)
    except ValueError:
        return None


def nearest_year(month: int, day: int, around: date) -> date | None:
    """The (month, day) in the year that puts it nearest to ``around`` (a past date wins a tie)."""
    best: tuple[int, date] | None = None
    for y in (around.year - 1, around.year, around.year + 1):
        d = safe_date(y, month, day)
        if d is None:
            continue
        dist = abs((d - around).days) * 2 + (1 if d > around else 0)
        if best is None or dist < best[0]:
            best = (dist, d)
    return best[1] if best else None


def occurrence(month: int, day: int, around: date, direction: str | None, ahead_days: int) -> date | None:
    """The (month, day) nearest ``around`` in ``direction`` ("future", "past"); with no direction, the
    next one when it is at most ``ahead_days`` away, else the last one (news mostly reports the past)."""
    cands = [d for y in (around.year - 1, around.year, around.year + 1) if (d := safe_date(y, month, day))]
    nxt = min((d for d in cands if d >= around), default=None)
    prev = max((d for d in cands if d <= around), default=None)
    if direction == "future" or (direction is None and nxt is not None and (nxt - around).days <= ahead_days):
        return nxt or prev
    return prev or nxt


def weekday_year(month: int, day: int, weekday: int, years: list[int]) -> date | None:
    """The year in which (month, day) falls on ``weekday`` (1 = Monday), nearest the latest of ``years``.

    A weekday recurs on the same day of the year every 5, 6 or 11 years, so together with the years
    the article mentions it fixes the year; without any year it fixes nothing.
    """
    if not years:
        return None
    latest = max(years)
    fits = [
        d
        for y in range(min(years) - 1, latest + WEEKDAY_YEAR_WINDOW + 1)
        if (d := safe_date(y, month, day)) is not None and d.isoweekday() == weekday
    ]
    if not fits:
        return None
    return min(fits, key=lambda d: (abs(d.year - latest), -d.year))


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The ``nth`` ``weekday`` (1 = Monday) of a month; ``nth`` -1 is the last one."""
    days = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
    hits = [d for d in days if d.isoweekday() == weekday]
    return hits[nth - 1] if nth > 0 else hits[nth]
