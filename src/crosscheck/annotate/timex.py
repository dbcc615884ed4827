"""Recognising time expressions: lexicon-built regular expressions, filtered with the parse.

Every pattern has a name and named groups; ``find`` runs them all over the text, keeps the longest
non-overlapping matches (ties go to the pattern listed first) and drops the ones the parse shows are
not times ("May" as a modal verb, a four-digit number counting something, "fall" as a verb). The
meaning of a match is worked out by ``timeresolve``; this module only finds spans.

Month and weekday names must be capitalised (``mar``, ``sun``, ``may`` are ordinary words); the rest
of every pattern is case-insensitive.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from crosscheck.annotate.lexicon import alternation, load, number_pattern, parse_number

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


@dataclass(frozen=True, slots=True)
class Match:
    """A recognised time expression: its span, the pattern that found it and the pattern's groups."""

    start: int
    end: int
    kind: str
    groups: dict[str, str]


def _names(words: object, *, dot: bool) -> str:
    """Case-sensitive alternation of capitalised (and upper-case) names; abbreviations may take a dot."""
    full: set[str] = set()
    short: set[str] = set()
    for word in words:  # type: ignore[attr-defined]
        w = str(word)
        (short if dot and len(w) <= 4 and w not in {"may", "june", "july"} else full).update(
            {w.capitalize(), w.upper()}
        )
    alt = alternation(full)
    if short:
        alt = f"(?:{alt}|{alternation(short, abbrev_dot=True)})"
    return "(?-i:" + alt + ")"


_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"


def _year_words() -> str:
    """A year read out in words, as broadcast transcripts write it: "nineteen ninety-six", "nineteen
    hundred", "eighteen oh five", "two thousand (and) one"."""
    under100 = rf"(?:(?:{_TENS})(?:[\s-](?:{_UNITS}))?|{_TEENS})"
    return (
        rf"(?:(?:nineteen|eighteen|seventeen)\s+(?:hundred(?:\s+(?:and\s+)?(?:{under100}|{_UNITS}))?|{under100}|"
        rf"oh[\s-](?:{_UNITS}))|two\s+thousand(?:\s+(?:and\s+)?(?:{under100}|{_UNITS}))?)(?![\w-])"
    )


def year_from_words(words: str) -> int | None:
    """The year a ``_year_words`` match names ("nineteen ninety-six" -> 1996)."""
    w = re.sub(r"[\s-]+", " ", words.lower()).replace(" oh ", " ").strip()
    if w.startswith("two thousand"):
        n = parse_number(w)
        return int(n) if n is not None else None
    head, _, rest = w.partition(" ")
    century = parse_number(head)
    if century is None:
        return None
    if rest.startswith("hundred"):
        rest = rest.removeprefix("hundred").strip()
    tail = parse_number(rest) if rest else 0.0
    return int(century) * 100 + int(tail or 0)


@lru_cache(maxsize=1)
def patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The named patterns, compiled once."""
    tx = load("timex.json")
    mon = r"(?P<mon>" + _names(tx["months"], dot=True) + r")"
    full_days = [w for w in tx["weekdays"] if len(w) > 4]
    wd = r"(?P<wd>" + _names(full_days, dot=False) + r")"
    wd2 = r"(?P<wd2>" + _names(full_days, dot=False) + r"|today|yesterday|tomorrow)"
    num = r"(?P<num>" + number_pattern() + r"|an?|several|a\s+few|few|many|some|a\s+couple\s+of|couple\s+of)"
    unit = r"(?P<unit>" + alternation(tx["duration_units"]) + r")"
    approx = r"(?:(?P<approx>" + alternation(tx["approx_mods"]) + r")\s+)?"
    pmod = (
        r"(?:(?P<pmod>early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of|"
        r"the\s+first\s+half\s+of|the\s+second\s+half\s+of|the\s+last\s+half\s+of|the\s+latter\s+half\s+of)[\s-]+)?"
    )
    year = r"(?:(?P<y>(?:1[5-9]|20)\d{2})(?![\d,.]\d)|(?P<yw>" + _year_words() + r"))"
    pod = r"(?P<pod>morning|afternoon|evening|night|overnight)"
    tz = alternation(tx["time_zones"])
    season = r"(?P<season>" + alternation(tx["seasons"]) + r")"
    holiday = r"(?P<hol>" + "(?-i:" + alternation({h.title() for h in tx["holidays"]}).replace("'S", "'s") + "))"
    cent = r"(?P<cent>" + alternation(tx["centuries"]) + r"|[12]?\d(?:st|nd|rd|th))"
    refs = alternation([*tx["present_ref"], *tx["past_ref"], *tx["future_ref"]])
    sets = alternation(tx["sets"])
    qord = (
        r"(?P<qo>first|second|third|fourth|1st|2nd|3rd|4th|final|last|latest|current|previous|year-earlier|"
        r"year-ago|same|past|fiscal\s+(?:first|second|third|fourth))"
    )
    src = [
        ("iso", r"\b(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
        ("slash", r"\b(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>\d{4}|\d{2})\b"),
        (
            "mdy",
            rf"(?:{wd}(?:,\s*|\s+)(?P<par>\()?\s*)?{mon}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b"
            rf"(?:,?\s+{year}\b)?(?(par)\))",
        ),
        (
            "dmy",
            rf"(?:{wd},?\s+)?(?:the\s+)?\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{mon}(?:,?\s+{year}\b)?",
        ),
        (
            "month",
            rf"{pmod}(?:(?P<rel>last|next|this|past|coming|previous)\s+)?{mon}(?![\w-])"
            rf"(?:,?\s+(?:of\s+)?{year}\b|\s+(?P<ry>last|next|this)\s+year\b)?",
        ),
        (
            "year",
            rf"(?<![\d$£€.,/-]){pmod}(?:(?P<fiscal>fiscal(?:\s+year)?|(?:the\s+)?year)\s+)?{year}\b(?!\s*%|-)",
        ),
        ("decade", rf"(?:the\s+)?{pmod}(?:the\s+)?(?:(?P<dec>(?:1[5-9]|20)\d)0|'(?P<dec2>\d)0)'?s\b"),
        ("century", rf"(?:the\s+)?{pmod}{cent}[\s-]+century"),
        (
            "quarter",
            rf"(?:(?P<yq>\d{{4}})\s+|(?P<poss>this\s+year's|last\s+year's|next\s+year's)\s+|the\s+)?"
            rf"{qord}[\s-]+(?P<qh>quarter|half)"
            r"(?:\s+of\s+(?:(?:fiscal\s+)?(?P<yq2>\d{4})|(?P<relyear>this|last|next)\s+year))?",
        ),
        (
            "season",
            rf"{pmod}(?:(?P<rel>last|next|this|past|coming|the)\s+)?{season}\b"
            rf"(?:(?:\s+of)?\s+{year}\b|(?!\s+of\b))",
        ),
        (
            "dayword",
            rf"(?:(?P<pm>earlier|later|early|late)\s+)?(?P<dw>today|yesterday|tomorrow|tonight|the\s+day\s+before\s+yesterday|"
            rf"the\s+day\s+after\s+tomorrow)(?:\s+{pod})?\b",
        ),
        ("thispod", rf"(?P<rel>this|last|that|the\s+next|the\s+following|the\s+previous)\s+{pod}\b"),
        # a possessive "'s" is not part of the expression ("Friday's vote")
        ("weekday", rf"(?:(?P<rel>last|next|this|coming|past|earlier|later|early|late)\s+)?{wd}(?:\s+{pod})?\b"),
        (
            "clock",
            rf"\b(?P<h>[012]?\d)(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>(?i:a\.m\.|p\.m\.|am\b|pm\b|a\.m\b|p\.m\b))"
            rf"(?:\s+(?P<tz>{tz})\b)?(?:\s+(?:on\s+)?{wd2}\b)?",
        ),
        ("clock24", rf"\b(?P<h>[012]?\d):(?P<mi>[0-5]\d)(?:\s+(?P<tz>{tz})\b)(?:\s+(?:on\s+)?{wd2}\b)?"),
        ("noon", rf"\b(?P<nm>noon|midnight)(?:\s+(?:on\s+)?{wd2}\b)?"),
        (
            "unitrel",
            r"(?:(?P<el>earlier|later|early|late)\s+(?:in\s+)?)?"
            r"(?P<rel>the\s+previous|the\s+following|the\s+next|the\s+same|that\s+same|the\s+past|the\s+last|"
            r"the\s+current|the\s+coming|the\s+latest|the\s+full|the\s+fiscal|last|next|this|coming|past|previous|"
            r"following|current|"
            r"that|the)\s+(?P<unit>day|week|weekend|month|year|decade|century|quarter)\b(?!-)"
            # "the week of March 6", "the day after the vote": anchored to something else
            "",
        ),
        # "the latest period", "the most recent quarter": the quarter a results story reports
        ("period", r"the\s+(?:latest|most\s+recent)\s+(?:fiscal\s+)?(?:period|quarter)\b"),
        # "the 1988 quarter": that year's quarter of the one under discussion
        ("yearunit", rf"the\s+{year}\s+(?P<yu>quarter|period)\b"),
        (
            "ago",
            rf"{approx}{num}[\s-]+{unit}\s+"
            r"(?P<dir>ago|earlier|later|from\s+now|hence|back|(?:before|after)(?![ \t]+\w))",
        ),
        (
            "duration",
            rf"(?:(?P<det>the)\s+)?{approx}(?:(?P<rel>past|last|next|first|coming|previous|following|latest|"
            rf"final|full|entire|whole|remaining|recent)\s+)?{num}(?P<half>\s+1/2|\s+and\s+a\s+half)?"
            rf"(?:\s+(?:more|additional|further|extra))?[\s-]+{unit}"
            rf"(?P<half2>\s+and\s+a\s+half)?(?P<adj>-long|-old|\s+old)?\b",
        ),
        # "a decades-long feud", "a day-long meeting"
        ("long", r"\b(?P<unit>day|week|month|year|decade|century|days|weeks|months|years|decades|centuries)-long\b"),
        (
            "plural",
            r"(?:(?P<det>the)\s+)?(?:(?P<rel>past|last|next|coming|recent|several|many|few)\s+)?"
            r"(?P<unit>years|months|weeks|days|decades|quarters|hours|minutes|centuries)\b",
        ),
        (
            "set",
            rf"(?P<every>every|each|per|twice\s+a|once\s+a|(?:{number_pattern()})\s+times\s+a)\s+"
            rf"(?:(?P<num>other|{number_pattern()})\s+)?(?P<unit>day|week|month|year|morning|night|evening|weekend|"
            rf"days|weeks|months|years|{_names(full_days, dot=False)}|{_names(tx['months'], dot=False)})\b",
        ),
        (
            "yearago",
            r"(?:the\s+)?(?P<ya>year-earlier|year-ago|year\s+earlier)(?:\s+(?P<yp>period|quarter|level|results))?\b",
        ),
        ("setword", rf"\b(?P<sw>{sets})\b"),
        ("ref", rf"\b(?P<ref>{refs})\b"),
        ("holiday", rf"(?:(?P<rel>last|next|this)\s+)?{holiday}(?:,?\s+{year}\b)?"),
    ]
    # every expression starts at a word start: failing fast elsewhere keeps recognition cheap
    return tuple((name, re.compile(r"(?<![\w'])" + p, re.I)) for name, p in src)


# words before a bare plural unit ("for years") that make it a duration rather than a noun
_PLURAL_OK = {
    "for",
    "in",
    "over",
    "within",
    "after",
    "than",
    "past",
    "last",
    "recent",
    "several",
    "many",
    "few",
    "coming",
    "next",
}


class _Tokens:
    """Character offset -> token lookup for one Doc."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts: list[int] = doc.to_array("IDX").tolist()

    def at(self, char: int) -> Token | None:
        i = bisect_right(self.starts, char) - 1
        return self.doc[i] if 0 <= i < len(self.doc) else None


def _keep(m: Match, text: str, toks: _Tokens | None) -> bool:
    """False for matches the context shows are not time expressions."""
    g = m.groups
    before = text[max(0, m.start - 24) : m.start].lower().split()
    prev = before[-1] if before else ""
    if m.kind == "duration" and g.get("adj", "").strip().endswith("old"):
        return False  # "20-year-old": an age
    if m.kind == "duration" and g.get("adj") == "-long" and g["num"].lower() in {"a", "an"}:
        return False  # "a day-long meeting": the article belongs to the noun ("long" pattern takes "day-long")
    if m.kind == "plural" and not g.get("rel") and prev not in _PLURAL_OK:
        return False
    if (
        m.kind == "ref"
        and g["ref"].lower() in {"once", "one day", "future", "lately"}
        and prev not in {"in", "the", "for"}
    ):
        return False
    if (
        m.kind in {"duration", "plural"}
        and g["unit"].lower().startswith("quarter")
        and not g.get("rel")
        and re.match(r"\s+of\s+(?!(?:fiscal\s+)?\d{4}|the\s+(?:fiscal\s+)?year|this|last|next)", text[m.end :])
    ):
        return False  # "three-quarters of its food": a fraction
    if m.kind == "duration" and g.get("num", "").lower() in {"some", "many", "few"} and not g.get("rel"):
        return False
    if (
        m.kind == "unitrel"
        and g["rel"].lower().startswith(("the", "that"))
        and re.match(r"\s+(?:of|that|when|after|before)\s+(?:the|a|an|his|her|its|their)\b", text[m.end :])
    ):
        return False  # "the day after the vote": anchored to an event, not a date
    if m.kind == "unitrel" and g["rel"].lower() == "the" and g["unit"].lower() not in {"weekend", "quarter", "year"}:
        return False
    if (
        m.kind == "unitrel"
        and g["rel"].lower() == "the"
        and re.match(r"\s+(?:before|after|earlier|later|ago|when|that|in\s+which|of)\b", text[m.end :])
    ):
        return False  # "the year before", "the year of the flood": anchored elsewhere
    if (
        m.kind in {"ref", "setword"}
        and text[m.start].isupper()
        and re.search(r"[A-Z][\w']*[ \t]+$", text[max(0, m.start - 30) : m.start])
    ):
        return False  # "Korea Daily", "Join Now": title-case words of a name or a button
    if toks is None:
        return True
    tok = toks.at(m.start)
    if tok is None:
        return True
    if m.kind == "ref" and g["ref"].lower() == "current" and (tok.pos_ != "ADJ" or text[m.start - 5 : m.start] == "then "):
        return False  # "an electric current", "the then current price"
    if m.kind == "setword" and tok.dep_ == "amod" and g["sw"].lower() not in {"daily", "nightly", "weekly", "hourly"}:
        return False  # "its quarterly dividend": a reporting period naming a payment, not a recurring event
    if m.kind in {"ref", "setword"} and tok.pos_ == "PROPN" and text[m.start].isupper() and tok.i != tok.sent.start:
        return False  # "Korea Daily", "Join Now": part of a name
    if (
        m.kind == "month"
        and g["mon"].lower().startswith("may")
        and not g.get("y")
        and not g.get("rel")
        and (tok.tag_ == "MD" or tok.i == tok.sent.start)
    ):
        return False
    if m.kind == "month" and not g.get("y") and re.match(r"\s+of\s+(?:the|a)\b", text[m.end :]):
        return False  # "the March of the Mothers": a name
    if m.kind == "month" and g["mon"].lower().startswith("march") and not g.get("y") and tok.pos_ == "VERB":
        return False
    if (
        m.kind == "season"
        and g["season"].lower() in {"fall", "spring"}
        and not g.get("y")
        and not g.get("rel")
        and not g.get("pmod")
    ):
        return False
    if g.get("yw", "").lower().startswith("two") and not g.get("fiscal") and prev not in _YEAR_WORD_BEFORE:
        return False  # "two thousand people": a count unless something makes it a year
    if m.kind == "year" and not g.get("fiscal") and not g.get("pmod") and not g.get("yw"):
        ytok = toks.at(m.end - 1)
        if (
            ytok is not None
            and ytok.dep_ == "nummod"
            and ytok.head.lower_ not in {"year", "years", "season", "fiscal"}
            and not _year_modifier(text, m, prev)
        ):
            return False  # "2000 people"
        if prev in {"resolution", "no.", "number", "flight", "article", "route", "page", "model", "room"}:
            return False
    return True


# words before a four-digit number that make it a year modifying a noun ("the 1996 bombing", "its 1990
# invasion", "since 1985") rather than a count ("2000 people")
_YEAR_BEFORE = {
    *("the", "a", "an", "its", "his", "her", "their", "our", "this", "that", "whose"),
    *("since", "in", "until", "before", "after", "during", "by"),
}


_YEAR_WORD_BEFORE = {"in", "by", "since", "until", "before", "after", "of", "year", "from", "to"}


def _year_modifier(text: str, m: Match, prev: str) -> bool:
    """A year that modifies the noun after it, or one followed by a name ("a 1971 Convention")."""
    if prev in _YEAR_BEFORE or prev.endswith(("'s", "\u2019s")):
        return True
    return bool(re.match(r"\s+[A-Z][a-z]", text[m.end : m.end + 4]))


@lru_cache(maxsize=8)
def _candidates(text: str) -> tuple[Match, ...]:
    """Every pattern match, longest first (ties: pattern order, then position); cached per text
    because the reference date, the times and the quantities stages all ask for the same article."""
    cands: list[tuple[int, int, int, Match]] = []
    for rank, (name, pat) in enumerate(patterns()):
        for mo in pat.finditer(text):
            s, e = mo.span()
            while e > s and text[e - 1] in " \t\n,":
                e -= 1
            if e <= s:
                continue
            groups = {k: v for k, v in mo.groupdict().items() if v is not None}
            if "yw" in groups:  # a year in words: downstream rules read the digits
                yw = year_from_words(groups["yw"])
                if yw is None:
                    continue
                groups["y"] = str(yw)
            cands.append((-(e - s), rank, s, Match(s, e, name, groups)))
    cands.sort(key=lambda c: (c[0], c[1], c[2]))
    return tuple(c[3] for c in cands)


def find(text: str, doc: Doc | None = None) -> list[Match]:
    """Time expressions in ``text`` as non-overlapping ``Match``es in text order."""
    taken: list[Match] = []  # disjoint; kept sorted by start, so an overlap test is a bisection
    starts: list[int] = []
    toks = _Tokens(doc) if doc is not None else None
    for m in _candidates(text):
        if m.start < m.end:
            i = bisect_left(starts, m.end) - 1  # the last taken match starting before m ends
            if i >= 0 and taken[i].end > m.start:
                continue
        elif any(m.start < t.end and t.start < m.end for t in taken):
            continue
        if _keep(m, text, toks):
            i = bisect_right(starts, m.start)
            starts.insert(i, m.start)
            taken.insert(i, m)
    return taken
