"""Quantities: a value or a range, its bound, and the counted noun or unit, tied to the claim holding it.

A regular expression built from ``data/numbers.json`` finds the number ("116", "1,000", "nine",
"a million", "a couple hundred", "18 to 25"), the bound qualifier before it ("at least", "more than",
"around", "up to", "between ... and ...") and a unit written next to it ("%", "km", "$"). The counted
noun comes from the parse: the noun run after the number, skipping adjectives ("seven other nations",
"more than a million artillery shells"), or after "of the" for "one of the ... missiles".

Not quantities: numbers inside time expressions (dates, years, clock times), ages ("a 42-year-old",
"aged 42", "Smith, 42,"), and identifiers ("KN-23", "Resolution 1718", "No. 5", "COVID-19"). A number
written in words needs a counted noun ("one" alone is a pronoun); digits may stand alone ("killed 12").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import TYPE_CHECKING

from crosscheck.annotate import timex
from crosscheck.annotate.claims_spans import doc_text
from crosscheck.annotate.lexicon import alternation, load, number_pattern, parse_number
from crosscheck.model import Article, Bound, Claim, Quantity

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["extract_quantities"]

_NOUNS = {"NOUN", "PROPN"}
_RUN = {"ADJ", "NOUN", "PROPN", "NUM"}
_SKIP_WORDS = {"other", "others", "more", "additional", "further", "extra", "new", "separate", "different"}


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    nums = load("numbers.json")
    num = number_pattern()
    qual = alternation(nums["qualifiers"])
    cur = alternation(nums["currency_before"])
    pct = r"(?:%|\s*(?:percent|per\s+cent|percentage\s+points|pct)\b)"
    src = (
        rf"(?:(?P<qual>{qual}|between|from)\s+)?(?P<cur>{cur})?\s*(?P<n1>{num})(?P<pct1>{pct})?"
        rf"(?:\s*(?P<join>to|and|or|-|\u2013|\u2014)\s*(?P<cur2>{cur})?\s*(?P<n2>{num})(?P<pct2>{pct})?)?"
    )
    return re.compile(r"(?<![\w$\u20ac\u00a3./#-])" + src + r"(?![\w/]|[.,]\d)", re.I)


def _token_index(doc: Doc) -> list[int]:
    return [t.idx for t in doc]


def _overlaps(spans: list[tuple[int, int]], begins: list[int], start: int, end: int) -> bool:
    """Does [start, end) overlap one of ``spans`` (disjoint, sorted; ``begins`` their starts)? By
    bisection: a scan of every time expression per number was quadratic on long articles."""
    if start >= end:
        return any(s < end and start < e for s, e in spans)
    i = bisect_left(begins, end) - 1
    return i >= 0 and spans[i][1] > start


def _tok_after(doc: Doc, starts: list[int], char: int) -> Token | None:
    i = bisect_left(starts, char)
    return doc[i] if i < len(doc) else None


def _modifier_before_noun(doc: Doc, i: int) -> bool:
    """Is ``doc[i]`` a participle ("named", "wounded") or an adverb before one ("badly wounded") that
    modifies the plural noun right after it ("31 named executives")?

    The parser often reads such a participle as a verb ("31 named executives" as "31 [were] named"),
    so the test is on the words, not the tree: a participle or past-tense form followed by a plural
    noun that is not a unit of time ("12 killed days ago" counts nothing).
    """
    j = i + 1 if doc[i].tag_ == "RB" else i
    if j + 1 >= len(doc) or doc[j].tag_ not in {"VBN", "VBD", "JJ"} or (j == i and doc[j].tag_ == "JJ"):
        return False
    noun = doc[j + 1]
    return noun.tag_ in {"NNS", "NNPS"} and noun.lower_ not in load("timex.json")["duration_units"]


def _counted(doc: Doc, starts: list[int], end: int, time_starts: frozenset[int] = frozenset()) -> tuple[str | None, int]:
    """The counted noun after a number ending at ``end``, and where the noun phrase ends; the phrase
    stops where a time expression starts ("300 shares Friday")."""
    tok = _tok_after(doc, starts, end)
    if tok is None:
        return None, end
    i = tok.i
    # "one of the Pyongyang-supplied missiles": the count is of the noun after "of the"
    if (
        tok.lower_ == "of"
        and i + 1 < len(doc)
        and doc[i + 1].lower_ in {"the", "these", "those", "its", "their", "his", "her", "our", "my", "your"}
    ):
        nxt = doc[i + 2] if i + 2 < len(doc) else None
        if nxt is not None and (nxt.tag_ == "JJS" or nxt.lower_ == "most"):
            return None, end  # "one of the largest attacks": a superlative, not a count
        i += 2
    run: list[Token] = []
    while i < len(doc) and i - tok.i < 8:
        t = doc[i]
        if run and t.idx in time_starts:
            break
        if (
            t.pos_ in _RUN
            or t.lower_ in _SKIP_WORDS
            or (t.text == "-" and run)
            or (t.tag_ == "VBN" and run and doc[i - 1].text == "-")
            or (t.tag_ == "VBN" and t.dep_ == "amod" and i + 1 < len(doc) and doc[i + 1].pos_ in _NOUNS)
            or _modifier_before_noun(doc, i)
        ):
            run.append(t)
            i += 1
            if t.tag_ in {"NNS", "NNPS"} and i < len(doc) and doc[i].pos_ not in _NOUNS:
                break  # a plural noun not followed by another noun heads the phrase ("executives last year")
            continue
        break
    while run and run[-1].pos_ not in _NOUNS and run[-1].lower_ not in {"others"}:
        run.pop()
    if not run:
        return None, end
    last = len(run) - 1
    first = last
    while (
        first > 0
        and run[first - 1].pos_ in _NOUNS
        and run[first - 1].idx + len(run[first - 1].text) < run[first].idx + 1
    ):
        first -= 1
    unit = doc_text(doc)[run[first].idx : run[last].idx + len(run[last].text)]
    return unit, run[last].idx + len(run[last].text)


def _subject_counted(doc: Doc, starts: list[int], start: int) -> str | None:
    """For a bare number ("the toll rose to 23", "the toll stands at 23"): the subject it measures."""
    tok = _tok_after(doc, starts, start)
    if tok is not None and tok.head.dep_ == "prep" and tok.head.lower_ == "of" and tok.head.head.pos_ == "NOUN":
        return str(tok.head.head.text)  # "the toll of at least 14"
    for _ in range(3):
        if tok is None or tok.pos_ in {"VERB", "AUX"} or tok.head.i == tok.i:
            break
        tok = tok.head
    if tok is None or tok.pos_ not in {"VERB", "AUX"}:
        return None
    subj = next((c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"} and c.pos_ == "NOUN"), None)
    return subj.text if subj is not None else None


def _is_identifier_or_age(text: str, start: int, end: int) -> bool:
    nums = load("numbers.json")
    before = text[max(0, start - 20) : start]
    after = text[end : end + 14].lower()
    prev = before.lower().split()[-1] if before.split() else ""
    if prev.rstrip(".,") in {w.rstrip(".") for w in nums["identifier_before"]} or prev.endswith("#"):
        return True
    if re.match(r"\s*-?\s*years?[-\s]old", after) or prev in nums["age_before"]:
        return True
    # "Smith, 42, said": a number set off by commas right after a capitalised name
    return bool(re.search(r"[A-Z][a-z]+,\s*$", before) and re.match(r"\s*,", after) and text[start:end].isdigit())


def extract_quantities(doc: Doc, article: Article, claims: list[Claim]) -> list[Quantity]:
    """Quantities of ``doc`` in text order, each tied to the claim whose content span contains it."""
    text = article.text
    nums = load("numbers.json")
    quals: dict[str, str] = nums["qualifiers"]
    times = [(m.start, m.end) for m in timex.find(text, doc) if m.kind not in {"duration", "plural"}]
    time_starts = frozenset(start for start, _ in times)
    time_begins = [start for start, _ in times]  # times are disjoint and in text order
    starts = _token_index(doc)
    out: list[Quantity] = []
    for mo in _pattern().finditer(text):
        g = mo.groupdict()
        n_start, n_end = mo.span("n1")
        if _overlaps(times, time_begins, n_start, mo.end("n1")):
            continue
        if _is_identifier_or_age(text, n_start, n_end):
            continue
        value = parse_number(g["n1"])
        if value is None:
            continue
        value_max = parse_number(g["n2"]) if g.get("n2") else None
        join = (g.get("join") or "").lower()
        qual = re.sub(r"\s+", " ", (g.get("qual") or "").lower())
        end = mo.end()
        if value_max is not None and (value_max <= value or (join in {"and", "or"} and qual != "between")):
            value_max, end = None, mo.end("pct1") if g.get("pct1") else n_end
        bound: Bound = "range" if value_max is not None else quals.get(qual, "exact")  # type: ignore[assignment]
        if qual in {"between", "from"} and value_max is None:
            qual = ""  # "from five drones": a preposition, not a range
        unit: str | None = None
        cur = g.get("cur") or g.get("cur2")
        if cur:
            unit = nums["currency_before"].get(cur.upper(), nums["currency_before"].get(cur))
        elif g.get("pct1") or g.get("pct2"):
            unit = "percent"
        else:
            after = text[end : end + 24]
            um = re.match(
                r"[\s-]*(" + alternation({**nums["units_after"], **nums["currency_after"]}) + r")\b", after, re.I
            )
            if um:
                word = um.group(1).lower()
                unit = nums["units_after"].get(word) or nums["currency_after"].get(word)
                end += um.end()
            else:
                noun, noun_end = _counted(doc, starts, end, time_starts)
                if noun:
                    unit, end = noun, noun_end
                else:
                    unit = _subject_counted(doc, starts, n_start)
        if unit is None and not re.match(r"[\d$\u20ac\u00a3]", g["n1"]):
            continue  # a number word with nothing counted: "one" as a pronoun
        start = mo.start() if g.get("qual") or cur else n_start
        if g.get("qual") and qual not in quals and qual not in {"between", "from"}:
            start = n_start
        claim_id = None
        holders = [c for c in claims if c.start <= start and end <= c.end]
        if holders:
            claim_id = min(holders, key=lambda c: c.end - c.start).id
        out.append(
            Quantity(
                id=f"{article.id}:q{len(out) + 1}",
                article_id=article.id,
                start=start,
                end=end,
                text=text[start:end],
                value=value,
                value_max=value_max,
                bound=bound,
                unit=unit,
                claim_id=claim_id,
            )
        )
    return out
