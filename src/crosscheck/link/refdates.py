"""Reference dates of undated articles, found in the other articles of their story.

An article that states no date ("last week", "on Tuesday", "this year" with nothing to count
from) leaves the times stage with null values and the reason. Its story often dates it:

- a syndicated copy was written when its original was: the original's date (``duplicate``);
- the article names days whose year another article fixed (:mod:`crosscheck.link.timeline`):
  it was written no earlier than the latest of them (``latest_day``, the times stage's own
  rule for an inferred reference date);
- a statement about a past event is made after it: "denied on Tuesday the accusations that
  drones struck the dam on March 3" puts that Tuesday on or after March 3 (``said_after``);
- the same act reported in a dated article: "Arvenia accused Dravonia ... only last month"
  and "Arvenia on Tuesday [May 20] accused Dravonia ..." (one group, one origin, one cue)
  put the undated article in the month after May (``same_act``).

Each kind of evidence is a set of possible reference days, found by asking the times stage
itself (:func:`crosscheck.annotate.times.resolve_times`) what each candidate day would give.
The reference is the earliest day all of them allow, as the times stage takes the earliest
possible day for an inferred reference; nothing is set when the evidence disagrees or a
copy's original is itself undated. The article's time expressions are then resolved again
against that day and the rows that were null get the value, resolution ``cross_article``,
the reference in ``anchor`` and the evidence (article and time ids) in ``resolved_by``; the
original reason is kept. The articles table is not changed (it records what the article
itself says); the reference and its evidence are kept in ``link_state`` under ``references``.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from crosscheck.model import Article, Claim, TimeExpr

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from crosscheck.store.sqlite import SQLiteStore

BEFORE, AFTER = 31, 400  # days around the evidence searched for a reference date
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(-WE)?$")
_PAST_TAGS = frozenset({"VBD", "VBN"})
_FUTURE_AUX = frozenset({"will", "would", "shall", "'ll", "wo"})
_ANCHOR = "reference date "  # anchor prefix of the rows this module resolved


def interval(value: str | None) -> tuple[date, date] | None:
    """The first and last day a TIMEX3 date value covers (day, month, year, week, weekend), else None."""
    if not value:
        return None
    try:
        if m := _DAY.match(value):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return d, d
        if m := _MONTH.match(value):
            first = date(int(m[1]), int(m[2]), 1)
            nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first, nxt - timedelta(days=1)
        if m := _YEAR.match(value):
            return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
        if m := _WEEK.match(value):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return (monday + timedelta(days=5), monday + timedelta(days=6)) if m[3] else \
                (monday, monday + timedelta(days=6))
    except ValueError:
        return None
    return None


@dataclass
class Evidence:
    """What dates one undated article: possible reference days and where each constraint came from."""

    point: date | None = None
    lower: date | None = None
    checks: list[tuple[str, int, int, date, str]] = field(default_factory=list)  # (kind, start, end, day, source)
    sources: list[str] = field(default_factory=list)
    how: list[str] = field(default_factory=list)


@cache
def _nlp() -> Language:
    from crosscheck.annotate.nlp import load

    return load()


def _sentence_of(c: Claim) -> tuple[int, int]:
    lo = c.sentence_start if c.sentence_start is not None else c.start
    hi = c.sentence_end if c.sentence_end is not None else c.end
    return min(lo, c.start), max(hi, c.end)


def _act_time(c: Claim, times: list[TimeExpr]) -> TimeExpr | None:
    """The one time expression of a claim's sentence outside its content: when the claim was made."""
    lo, hi = _sentence_of(c)
    outside = [t for t in times if lo <= t.start and t.end <= hi and (t.end <= c.start or t.start >= c.end)
               and t.type == "DATE"]
    return outside[0] if len(outside) == 1 else None


def _past(doc: Doc, start: int) -> bool:
    """True when the verb governing the expression at ``start`` is in the past ("struck ... on March 3")."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None:
        return False
    tok = span[0]
    for _ in range(6):
        if tok.pos_ in ("VERB", "AUX"):
            aux = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
            return tok.tag_ in _PAST_TAGS and not aux & _FUTURE_AUX
        if tok.head is tok:
            return False
        tok = tok.head
    return False


def _gather(store: SQLiteStore, article: Article, times: list[TimeExpr], refs: dict[str, Any],
            parses: Parses) -> Evidence:
    ev = Evidence()
    row = store.linked_article(article.id)
    copies = [row["duplicate_of"]] if row is not None and row["duplicate_of"] else []
    copies += store.copies_of(article.id)
    for other in sorted(copies):
        orig = store.article(other)
        day = orig.published if orig is not None and orig.published else refs.get(other, {}).get("date")
        if day:
            d = date.fromisoformat(day[:10])
            if ev.point not in (None, d):
                return Evidence()  # two copies disagree: nothing is certain
            ev.point = d
            ev.sources.append(other)
            ev.how.append(f"duplicate of {other}")
    days = [(iv[0], t) for t in times if t.resolution in ("explicit", "weekday", "cross_article")
            and not (t.anchor or "").startswith(_ANCHOR) and _DAY.match(t.value or "") and (iv := interval(t.value))]
    if days:
        ev.lower, t = max(days, key=lambda x: (x[0], x[1].start))
        ev.sources.append(t.id)
        ev.how.append(f"latest day named {t.value}")
    claims = list(store.claims(article.id))
    doc_needed = False
    for c in claims:
        act = _act_time(c, times)
        if act is None or (act.value is not None and not (act.anchor or "").startswith(_ANCHOR)):
            continue  # dated by the article itself
        inside = [t for t in times if t.start >= c.start and t.end <= c.end and _DAY.match(t.value or "")]
        for t in inside[:1]:
            ev.checks.append(("after", act.start, act.end, date.fromisoformat(str(t.value)), t.id))
            doc_needed = True
        # "X said Thursday. Troops launched one on Dec. 30, he said. Then on Jan. 2, ...": the
        # paragraph's statements report those days in the past, so the act is on or after them
        p_lo, p_hi = _paragraph(article.text, act.start)
        seen = {t.id for t in inside[:1]}
        for o in claims:
            if o.id == c.id or not (p_lo <= o.start and o.end <= p_hi):
                continue
            for t in times:
                if (t.id not in seen and t.start >= o.start and t.end <= o.end and _DAY.match(t.value or "")
                        and not (t.anchor or "").startswith(_ANCHOR)):
                    seen.add(t.id)
                    ev.checks.append(("after", act.start, act.end, date.fromisoformat(str(t.value)), t.id))
                    doc_needed = True
        for other, other_act in _same_acts(store, c):
            ev.checks.append(("within", act.start, act.end, date.fromisoformat(str(other_act.value)),
                              f"{other.id}:{other_act.id}"))
    if doc_needed:
        ev.checks = [ch for ch in ev.checks if ch[0] != "after" or _past(parses(article), _inside_start(ch, times))]
    return ev


def _paragraph(text: str, pos: int) -> tuple[int, int]:
    """The paragraph (a line of the clean text) around ``pos``."""
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    return lo, len(text) if hi < 0 else hi


def _inside_start(check: tuple[str, int, int, date, str], times: list[TimeExpr]) -> int:
    return next((t.start for t in times if t.id == check[4]), check[1])


def _same_acts(store: SQLiteStore, c: Claim) -> list[tuple[Claim, TimeExpr]]:
    """The same act dated in another article: a claim of the same group, origin and cue with a day of its own."""
    me = store.membership(c.id)
    if me is None:
        return []
    out = []
    for claim_id, article_id in store.same_origin_members(me[0], me[1], c.article_id):
        other = next((o for o in store.claims(article_id) if o.id == claim_id), None)
        if other is None or other.cue != c.cue:
            continue
        act = _act_time(other, list(store.times(article_id)))
        if act is not None and _DAY.match(act.value or ""):
            out.append((other, act))
    return out if len({a.value for _, a in out}) == 1 else []  # two different days: not one act


class Parses:
    """Parses of the undated articles of one run, made only when an article needs one."""

    KEEP = 64  # parses held at once (the most recently used): a parse is the same made again

    def __init__(self) -> None:
        self._docs: OrderedDict[str, Doc] = OrderedDict()

    def __call__(self, article: Article) -> Doc:
        if article.id not in self._docs:
            from crosscheck.annotate.nlp import parse

            self._docs[article.id] = parse(_nlp(), article.text)
            while len(self._docs) > self.KEEP:
                self._docs.popitem(last=False)
        self._docs.move_to_end(article.id)
        return self._docs[article.id]


def _solve(article: Article, ev: Evidence, parses: Parses) -> date | None:
    """The earliest reference day every piece of evidence allows, or None.

    The same act dated elsewhere is an assumption (a party may deny or accuse twice): when no
    day fits it together with the rest, it was not the same act and is set aside.
    """
    if ev.point is not None:
        ok = ev.lower is None or ev.point >= ev.lower
        return ev.point if ok else None
    if not ev.checks:
        return ev.lower
    day = _first_day(article, ev, ev.checks, parses)
    certain = [ch for ch in ev.checks if ch[0] != "within"]
    if day is None and len(certain) < len(ev.checks):
        ev.checks = certain
        return _first_day(article, ev, certain, parses) if certain else ev.lower
    return day


def _first_day(article: Article, ev: Evidence, checks: list[tuple[str, int, int, date, str]],
               parses: Parses) -> date | None:
    from crosscheck.annotate.times import resolve_times

    anchors = [ch[3] for ch in checks] + ([ev.lower] if ev.lower else [])
    first = max(ev.lower or date.min, min(anchors) - timedelta(days=BEFORE))
    doc = parses(article)
    found: list[tuple[int, date]] = []
    for n in range((max(anchors) + timedelta(days=AFTER) - first).days + 1):
        day = first + timedelta(days=n)
        if found and (day - found[0][1]).days >= _WEEK_DAYS:
            break
        resolved = resolve_times(doc, article, day.isoformat())
        values = {(t.start, t.end): t.value for t in resolved}
        if all(_holds(ch, values.get((ch[1], ch[2]))) for ch in checks):
            found.append((_spread(resolved), day))
    # of the days within a week of the earliest that fits, the one that puts the article's weekdays
    # closest together ("said on Thursday", "on Friday called": Thursday and Friday of one week)
    return min(found)[1] if found else None


_WEEK_DAYS = 7


def _spread(times: list[TimeExpr]) -> int:
    """Days between the earliest and the latest weekday the article names, as resolved."""
    days = [iv[0] for t in times if t.resolution == "weekday" and (iv := interval(t.value))]
    return (max(days) - min(days)).days if days else 0


def _holds(check: tuple[str, int, int, date, str], value: str | None) -> bool:
    iv = interval(value)
    if iv is None:
        return False
    return iv[0] >= check[3] if check[0] == "after" else iv[0] <= check[3] <= iv[1]


def resolve_references(store: SQLiteStore, cur: Any, story_ids: set[str]) -> int:
    """Date the undated articles of some stories from their other articles; returns the time rows resolved."""
    refs: dict[str, Any] = dict(store.link_state("references", {}) or {})
    before = json.dumps(refs, sort_keys=True)
    done = 0
    # ids only: the articles are read again when their turn comes, so that the end pass does not
    # hold every undated article of the run at once
    undated = [aid for sid in sorted(story_ids) for aid in store.story_article_ids(sid)
               if (a := store.article(aid)) is not None and not a.published]
    parses = Parses()
    dated: set[str] = set()
    for _ in range(2):  # an article dated here may date another (a copy of it)
        for aid in undated:
            if aid in dated:
                continue
            article = store.article(aid)
            if article is None:
                continue
            times = list(store.times(article.id))
            ev = _gather(store, article, times, refs, parses)
            day = _solve(article, ev, parses) if (ev.point or ev.lower or ev.checks) else None
            if day is None:
                continue
            sources = sorted(set(ev.sources + [ch[4] for ch in ev.checks]))
            kinds = {"after": "said after the event", "within": "the same act dated in"}
            refs[article.id] = {"date": day.isoformat(),
                                "how": ev.how + sorted({f"{kinds[k]} {s}" for k, *_, s in ev.checks}),
                                "evidence": sources}
            dated.add(article.id)
            done += _update(store, cur, article, times, day, sources, parses)
    if json.dumps(refs, sort_keys=True) != before:
        store.set_link_state(cur, "references", refs)
    return done


def _update(store: SQLiteStore, cur: Any, article: Article, times: list[TimeExpr], day: date, sources: list[str],
            parses: Parses) -> int:
    from crosscheck.annotate.times import resolve_times

    anchor = f"{_ANCHOR}{day.isoformat()} from other articles"
    todo = [t for t in times if t.value is None or (t.resolution == "cross_article" and t.anchor
                                                    and t.anchor.startswith(_ANCHOR))]
    if not todo:
        return 0
    fresh = {(t.start, t.end): t for t in resolve_times(parses(article), article, day.isoformat())}
    by = ",".join(sources)
    n = 0
    for t in todo:
        new = fresh.get((t.start, t.end))
        if new is None or new.value is None or (new.value, anchor, by) == (t.value, t.anchor, t.resolved_by):
            continue
        store.resolve_time(cur, t.id, new.value, resolved_by=by, anchor=anchor, type_=new.type, by="reference_date")
        n += 1
    return n
