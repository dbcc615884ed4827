"""Normalising recognised time expressions to TIMEX3 values, in text order, with a discourse state.

Rules, in the order they are tried (each result says which one in ``resolution``):

- explicit: the text carries the whole value ("December 30, 2023", "September 2023", "three years").
- year_inferred: a month and day without a year take the year of the same month-day written with a
  year elsewhere in the article, else the next such day when it is at most ``MONTHS_AHEAD`` months after
  the reference date (or the clause is future), else the last one before it ("Dec. 30" in a January
  article is the previous year), else nearest a dated mention earlier in the same paragraph. A month
  without a day ("in January") likewise: the coming one up to ``MONTHS_AHEAD`` months ahead unless the
  clause is past tense ("In January, it bought ..."), else the last one. News reports the past far more
  than the future, and what it does say of the future is near.
- weekday: a weekday with a month-day ("Wednesday, February 7") takes the year in which that day is that
  weekday, nearest the latest year the article mentions; a bare weekday ("on Tuesday") is the day named
  with that weekday earlier in the article, else the nearest such weekday before the reference date
  (after it when the clause is future: "will", "would", "is to", "set to", "until", "as soon as").
- reference: deictic expressions ("today", "last week", "this year", "two years ago") count from the
  article's reference date.
- relative: anaphoric ones ("the previous day", "that day", "a year earlier") count from the latest
  dated mention in the same sentence, else in the article, else the reference date.

When the needed anchor is missing the value is null and ``reason`` says what was missing: nothing is
guessed. Approximate expressions ("nearly two years ago") keep their value and say so in ``reason``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date
from typing import TYPE_CHECKING

from crosscheck.annotate import timecal as cal
from crosscheck.annotate.lexicon import load
from crosscheck.annotate.timerel import _FUTURE, _SEASON_START, NO_REF, RelativeRules, Resolved
from crosscheck.annotate.timex import Match

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


# news speaks of a month without a year as past unless it is the next few months (or the clause is future)
MONTHS_AHEAD = 4
_FUTURE_AUX = {"will", "'ll", "shall", "wo", "going", "would", "might", "may"}
_MODAL = {"will", "would", "could", "might", "may", "should", "must"}
_PERFECT_PAST = {"had"}
_FUTURE_VERBS = {"schedule", "plan", "expect", "intend"}
# heads of an infinitive that put it in the future ("set to resume", "due to expire")
_FUTURE_HEADS = {"set", "due", "likely", "ready", "prepare", "hope", "aim", "vow", "promise", "threaten"}
_FUTURE_BEFORE = re.compile(
    r"\b(?:until|till|as\s+(?:soon|early)\s+as|no\s+later\s+than|starting|beginning)\s+(?:on\s+|the\s+)?$", re.I
)
_PAST_BEFORE = re.compile(r"\bsince\s+(?:early\s+|late\s+|mid-?)?$", re.I)


def _aux(tok: Token) -> set[str]:
    """The auxiliaries of a verb, or of the verb an adjective complements ("had been due")."""
    out = {c.lower_ for c in tok.children if c.dep_ in {"aux", "auxpass"}}
    if tok.dep_ == "acomp":
        out |= {c.lower_ for c in tok.head.children if c.dep_ in {"aux", "auxpass"}}
    return out


class Resolver(RelativeRules):
    """Resolves the matches of one article in text order."""

    def __init__(self, text: str, ref: date | None, doc: Doc | None, matches: list[Match]) -> None:
        tx = load("timex.json")
        self.months: dict[str, int] = tx["months"]
        self.weekdays: dict[str, int] = tx["weekdays"]
        self.text, self.ref, self.ref_s = text, ref, (ref.isoformat() if ref else None)
        self.doc = doc
        self.tok_starts: list[int] = doc.to_array("IDX").tolist() if doc is not None else []
        self.sent_starts = [s.start_char for s in doc.sents] if doc is not None else self._split_sentences(text)
        self.para_starts = [m.start() for m in re.finditer(r"(?:^|\n)[^\n]", text)]
        # month-days written with a year, and every year the article writes
        self.explicit_md: dict[tuple[int, int], tuple[int, str]] = {}
        self.years: list[int] = []
        for m in matches:
            y = m.groups.get("y")
            if y and len(y) == 4:
                self.years.append(int(y))
                if "mon" in m.groups and "d" in m.groups:
                    key = (self._month(m.groups["mon"]), int(m.groups["d"]))
                    self.explicit_md.setdefault(key, (int(y), text[m.start : m.end]))
        self.history: list[tuple[Match, Resolved]] = []
        self.named_weekdays: dict[int, tuple[date, str]] = {}

    @staticmethod
    def _split_sentences(text: str) -> list[int]:
        return [0] + [m.end() for m in re.finditer(r"[.!?]\s+|\n+", text)]

    def _month(self, name: str) -> int:
        return self.months[name.lower().rstrip(".")]

    def _sent(self, pos: int) -> int:
        return bisect_right(self.sent_starts, pos)

    def _para(self, pos: int) -> int:
        return bisect_right(self.para_starts, pos)

    def _future(self, m: Match) -> bool:
        """Does the clause holding ``m`` speak of the future ("will meet on Friday")?"""
        return self._tense(m) == "future"

    def _day_tense(self, m: Match) -> str | None:
        """The tense that decides the year of a month-day: only the future, since deadlines and
        schedules a few weeks ahead are often reported in the past tense ("was extended to Nov. 16")."""
        return "future" if self._tense(m) == "future" else None

    def _tense(self, m: Match) -> str | None:
        """"future", "past" or None (unknown) for the clause holding ``m``, from its governing verb.

        Future: a future or modal auxiliary ("will", "would", "could"), a planning verb ("scheduled
        for", "set to resume", "is to resume"), or "until"/"as soon as" right before the expression.
        Past: a past-tense verb, a perfect or passive with a past or perfect auxiliary, or "since".
        An infinitive says nothing by itself ("agreed to buy it in January"): unknown.
        """
        i = self._sent(m.start)
        s = self.sent_starts[i - 1] if i > 0 else 0
        before = self.text[s : m.start]
        if _PAST_BEFORE.search(before):
            return "past"
        if self.doc is None:
            return "future" if _FUTURE.search(before) or _FUTURE_BEFORE.search(before) else None
        tok = self.doc[max(0, bisect_right(self.tok_starts, m.start) - 1)]
        if tok.dep_ == "poss":
            return "past"  # "Wednesday's ruling": an event the article reports
        for _ in range(4):
            if tok.pos_ in {"VERB", "AUX"} or tok.head.i == tok.i:
                break
            tok = tok.head
        if tok.pos_ not in {"VERB", "AUX"}:
            return None
        aux = _aux(tok)
        if aux & _PERFECT_PAST or (aux & _MODAL and "have" in aux):
            return "past"
        if _FUTURE_BEFORE.search(before):
            return "future"
        if aux & _FUTURE_AUX or (tok.lemma_.lower() in _FUTURE_VERBS and (tok.tag_ != "VBN" or aux)):
            return "future"
        if "to" in aux and tok.dep_ in {"xcomp", "ccomp", "advcl", "acl"}:
            head = tok.head
            head_aux = _aux(head)
            if head_aux & _PERFECT_PAST:
                return "past"
            if (
                head.lemma_.lower() in _FUTURE_VERBS | _FUTURE_HEADS
                or head_aux & _FUTURE_AUX
                or (head.lemma_.lower() == "be" and head.tag_ in {"VBZ", "VBP"})
            ):
                return "future"
            return None
        if tok.tag_ == "VBD" or (tok.tag_ == "VBN" and aux & {"was", "were", "has", "have"}):
            return "past"
        return None

    def _anchor(self, m: Match, grans: set[str]) -> tuple[date, str] | None:
        """The latest dated mention (of one of ``grans``) in the sentence, else in the article."""
        same: tuple[date, str] | None = None
        last: tuple[date, str] | None = None
        for pm, r in reversed(self.history):
            if r.type not in {"DATE", "TIME"} or cal.granularity((r.value or "")[:10]) not in grans:
                continue
            if r.resolution == "relative" and r.anchor:
                continue  # count from what the text dates, not from another relative expression
            d = cal.to_date(r.value)
            if d is None:
                continue
            hit = (d, self.text[pm.start : pm.end])
            if last is None:
                last = hit
            if self._sent(pm.start) == self._sent(m.start):
                same = hit
                break
        return same or last

    def _focus_quarter(self, m: Match) -> str | None:
        """A quarter named in this or the previous sentence: what "a year earlier" compares with."""
        for pm, r in reversed(self.history):
            if self._sent(m.start) - self._sent(pm.start) > 1:
                break
            if cal.granularity(r.value) == "Q":
                return r.value
        return None

    def _named_quarter(self) -> str | None:
        """The last quarter the article named with its ordinal ("the third quarter")."""
        for pm, r in reversed(self.history):
            if pm.kind == "quarter" and r.resolution != "relative" and cal.granularity(r.value) == "Q":
                return r.value
        return None

    def _reported_quarter(self, m: Match) -> Resolved:
        """ "the quarter", "the latest period": the quarter the article last named, else the last one
        completed before the reference date (the one a results story reports)."""
        focus = self._named_quarter()
        if focus:
            return Resolved(focus, resolution="relative", anchor=focus)
        if self.ref is None:
            return Resolved(None, resolution="reference", reason="quarter relative to an unknown date; " + NO_REF)
        return Resolved(cal.quarter(cal.shift(self.ref, "Q", -1)), resolution="reference", anchor=f"reference date {self.ref_s}")

    def resolve_all(self, matches: list[Match]) -> list[Resolved]:
        """One ``Resolved`` per match, in order."""
        out = []
        for m in matches:
            try:
                r = getattr(self, "_r_" + m.kind)(m, m.groups)
            except cal.OutOfCalendar as e:
                r = Resolved(None, resolution="relative", reason=f"outside the calendar (years 1-9999): {e}")
            self.history.append((m, r))
            out.append(r)
        return out

    # --- absolute and year-inferred dates -----------------------------------------------------

    def _r_iso(self, m: Match, g: dict[str, str]) -> Resolved:
        d = cal.safe_date(int(g["y"]), int(g["m"]), int(g["d"]))
        return Resolved(cal.iso(d)) if d else Resolved(None, reason="not a calendar date")

    def _r_slash(self, m: Match, g: dict[str, str]) -> Resolved:
        y = int(g["y"])
        if y < 100:
            y += (self.ref.year // 100 * 100) if self.ref else (1900 if y >= 50 else 2000)
        return self._r_iso(m, {"y": str(y), "m": g["m"], "d": g["d"]})

    def _md(self, m: Match, g: dict[str, str]) -> Resolved:
        mon, day = self._month(g["mon"]), int(g["d"])
        wd = self.weekdays.get(g.get("wd", "").lower())
        if g.get("y"):
            d = cal.safe_date(int(g["y"]), mon, day)
            r = Resolved(cal.iso(d)) if d else Resolved(None, reason="not a calendar date")
        elif (mon, day) in self.explicit_md:
            y, src = self.explicit_md[(mon, day)]
            d = cal.safe_date(y, mon, day)
            r = Resolved(cal.iso(d) if d else None, resolution="year_inferred", anchor=src)
        elif wd and (d := cal.weekday_year(mon, day, wd, self.years + ([self.ref.year] if self.ref else []))):
            r = Resolved(cal.iso(d), resolution="weekday", anchor=f"{g['wd']} with the article's years")
        elif self.ref and (d := cal.occurrence(mon, day, self.ref, self._day_tense(m), 31 * MONTHS_AHEAD)):
            r = Resolved(cal.iso(d), resolution="year_inferred", anchor=f"reference date {self.ref_s}")
        elif (
            (a := self._anchor(m, {"D", "M"}))
            and self._para(m.start) == self._para(self.text.find(a[1]))
            and (d := cal.nearest_year(mon, day, a[0]))
        ):
            r = Resolved(cal.iso(d), resolution="year_inferred", anchor=a[1])
        else:
            return Resolved(
                None,
                resolution="year_inferred",
                reason="month and day without a year, and the article gives no year or reference date",
            )
        if wd and r.value and (d := cal.to_date(r.value)) and d.isoweekday() == wd:
            self.named_weekdays[wd] = (d, self.text[m.start : m.end])
        return r

    _r_mdy = _md
    _r_dmy = _md

    def _year_of(self, m: Match, month_start: int, rel: str) -> tuple[int | None, str | None, str]:
        """Year of a month or season named without one: by ``rel``, a same-sentence year, or the reference."""
        a = self._anchor(m, {"D", "M", "Y", "S", "Q"})
        if (
            not rel
            and a
            and self._sent(self.text.find(a[1], 0)) == self._sent(m.start)
            and a[1] in self.text[self.sent_starts[self._sent(m.start) - 1] : m.start]
        ):
            return a[0].year, a[1], "relative"
        if self.ref is None:
            return None, None, ""
        y, cur = self.ref.year, self.ref.month
        ahead = (month_start - cur) % 12  # months from the reference month to the next such month
        if rel in {"last", "past", "previous"}:
            # "last February" said in March is a year back: the month just ended would be "last month"
            y = y if month_start < cur - 1 else y - 1
        elif rel in {"next", "coming"}:
            y = y if month_start > cur + 1 else y + 1
        elif rel == "this":
            pass
        else:
            tense = self._tense(m)
            future = tense == "future" or (tense is None and 0 < ahead <= MONTHS_AHEAD)
            if future:
                y = y if month_start >= cur else y + 1
            elif month_start > cur:
                y -= 1
        return y, f"reference date {self.ref_s}", "reference"

    def _r_month(self, m: Match, g: dict[str, str]) -> Resolved:
        mon = self._month(g["mon"])
        if g.get("y"):
            return Resolved(f"{g['y']}-{mon:02d}")
        if g.get("ry"):  # "July last year"
            if self.ref is None:
                return Resolved(None, resolution="reference", reason="month of a year relative to an unknown date; " + NO_REF)
            ry = self.ref.year + {"last": -1, "next": 1}.get(g["ry"].lower(), 0)
            return Resolved(f"{ry}-{mon:02d}", resolution="reference", anchor=f"reference date {self.ref_s}")
        y, anchor, how = self._year_of(m, mon, (g.get("rel") or "").lower())
        if y is None:
            return Resolved(None, resolution="year_inferred", reason="month without a year; " + NO_REF)
        return Resolved(f"{y}-{mon:02d}", resolution="year_inferred" if how == "reference" else how, anchor=anchor)

    def _r_season(self, m: Match, g: dict[str, str]) -> Resolved:
        s = load("timex.json")["seasons"][g["season"].lower()]
        if g.get("y"):
            return Resolved(f"{g['y']}-{s}")
        rel = (g.get("rel") or "").lower()
        y, anchor, how = self._year_of(m, _SEASON_START[s], "" if rel == "the" else rel)
        if y is None:
            return Resolved(None, resolution="year_inferred", reason="season without a year; " + NO_REF)
        return Resolved(f"{y}-{s}", resolution="year_inferred" if how == "reference" else how, anchor=anchor)

    def _r_year(self, m: Match, g: dict[str, str]) -> Resolved:
        half = re.sub(r"\s+", " ", (g.get("pmod") or "").lower())
        if half.endswith("half of"):  # "the second half of 1989" -> 1989-H2
            return Resolved(f"{g['y']}-H{1 if half.startswith('the first') else 2}")
        return Resolved(g["y"])

    def _r_decade(self, m: Match, g: dict[str, str]) -> Resolved:
        if g.get("dec"):
            return Resolved(g["dec"])
        century = str(self.ref.year)[:2] if self.ref else "19"
        return Resolved(century + g["dec2"], reason=None if self.ref else "century assumed 19xx")

    def _r_century(self, m: Match, g: dict[str, str]) -> Resolved:
        word = g["cent"].lower()
        n = int(word[:-2]) if word[:1].isdigit() else load("timex.json")["centuries"][word]
        return Resolved(f"{n - 1:02d}")

    def _r_quarter(self, m: Match, g: dict[str, str]) -> Resolved:
        half = g["qh"].lower() == "half"
        qo = g["qo"].lower().split()[-1]
        n = load("timex.json")["ordinals"].get(qo)
        year = g.get("yq") or g.get("yq2")
        if qo in {"last", "final"} and year:
            n = 2 if half else 4  # "the last half of 1989": the second half of that year
        poss = (g.get("poss") or g.get("relyear") or "").lower().split()
        if n is None or n < 0 or (qo in {"last"} and not year):
            return self._rel_quarter(m, qo, half)
        if n > (2 if half else 4):
            return Resolved(None, reason=f"no {qo} {'half' if half else 'quarter'} in a year")
        label = f"H{n}" if half else f"Q{n}"
        if year:
            return Resolved(f"{year}-{label}")
        if self.ref is None:
            return Resolved(None, reason=f"{'half' if half else 'quarter'} without a year; " + NO_REF)
        y = self.ref.year
        if poss:
            y += {"this": 0, "last": -1, "next": 1}[poss[0]]
        elif date(y, (n - 1) * (6 if half else 3) + 1, 1) > self.ref:
            y -= 1
        return Resolved(f"{y}-{label}", resolution="reference", anchor=f"reference date {self.ref_s}")

    def _rel_quarter(self, m: Match, qo: str, half: bool) -> Resolved:
        if half:
            return Resolved(None, reason="half-year without an ordinal")
        focus = self._focus_quarter(m)
        if qo in {"year-earlier", "year-ago"} and focus:
            y, q = focus.split("-")
            return Resolved(f"{int(y) - 1}-{q}", resolution="relative", anchor=focus)
        if qo in {"same"} and focus:
            return Resolved(focus, resolution="relative", anchor=focus)
        if self.ref is None:
            return Resolved(None, reason="quarter relative to an unknown date; " + NO_REF)
        shift = {
            "current": 0,
            "latest": -1,
            "last": -1,
            "past": -1,
            "previous": -1,
            "year-earlier": -5,
            "year-ago": -5,
            "same": 0,
        }.get(qo, 0)
        if qo in {"year-earlier", "year-ago"}:
            shift = -4 - 1
        d = cal.shift(self.ref, "Q", shift)
        return Resolved(cal.quarter(d), resolution="reference", anchor=f"reference date {self.ref_s}")

    def _r_period(self, m: Match, g: dict[str, str]) -> Resolved:
        return self._reported_quarter(m)

    def _r_yearunit(self, m: Match, g: dict[str, str]) -> Resolved:
        focus = self._focus_quarter(m) or self._named_quarter()
        if g["yu"].lower() == "quarter" and focus:
            return Resolved(f"{g['y']}-{focus.split('-')[1]}", resolution="relative", anchor=focus)
        return Resolved(g["y"])

    def _r_yearago(self, m: Match, g: dict[str, str]) -> Resolved:
        focus = self._focus_quarter(m) or self._named_quarter()
        if focus and (g.get("yp") or "").lower() != "level":
            y, q = focus.split("-")
            return Resolved(f"{int(y) - 1}-{q}", resolution="relative", anchor=focus)
        if self.ref is None:
            return Resolved(None, resolution="reference", reason=NO_REF)
        return Resolved(str(self.ref.year - 1), resolution="reference", anchor=f"reference date {self.ref_s}")

    def _r_holiday(self, m: Match, g: dict[str, str]) -> Resolved:
        h = load("timex.json")["holidays"][re.sub(r"\s+", " ", g["hol"].lower())]

        def on(y: int) -> date:
            if "day" in h:
                return date(y, h["month"], h["day"])
            return cal.nth_weekday(y, h["month"], h["weekday"], h["nth"])

        if g.get("y"):
            return Resolved(cal.iso(on(int(g["y"]))))
        if self.ref is None:
            return Resolved(None, reason="holiday without a year; " + NO_REF)
        rel = (g.get("rel") or "").lower()
        cands = [on(self.ref.year - 1), on(self.ref.year), on(self.ref.year + 1)]
        if rel == "last" or (not rel and not self._future(m)):
            d = max(c for c in cands if c <= self.ref)
        else:
            d = min(c for c in cands if c >= self.ref)
        return Resolved(cal.iso(d), resolution="reference", anchor=f"reference date {self.ref_s}")
