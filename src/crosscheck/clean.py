"""From a raw document to a clean ``Article``: boilerplate out (kept for audit), metadata in.

Plain text scraped from news pages carries page furniture: weather and city headers, "Skip to
content", share and app prompts, ads, teasers, comment prompts, bylines, author bios,
duplicated captions, image names. Each line is either kept verbatim (stripped of surrounding
spaces) or removed with a reason. The rules never remove a line that reads as an article
sentence: patterns match whole lines, and prompts need a call-to-action marker.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from crosscheck.config import DEFAULTS, ArticleSettings, Settings
from crosscheck.errors import InputRejected
from crosscheck.language import detect, english_score
from crosscheck.model import Article, PublishedSource, RawDoc, RemovedLine
from crosscheck.packagedata import data_json

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
# A page date line: "Wednesday, April 30, 2025", "April 30, 2025", "30 April 2025", "Updated: ...".
_DATE_LINE = re.compile(
    rf"(?i)^(?:(?:published|updated|posted|last updated)(?: on)?:?\s*)?(?:{_WEEKDAY},?\s+)?"
    rf"(?:(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH}),?\s+(?P<y2>\d{{4}}))"
    r"(?:\s*(?:[,|-]|at)?\s*\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?\s*$"
)
# A wire dateline opening the first paragraph: "PORT ALDANE, March 12 (Northgate Wire) - ...",
# "LONDON, Jan 5 (Reuters) -". It names no year; the article's URL may ("/2025/03/").
_DAY_DATELINE = re.compile(rf"^[A-Z][A-Z .'’-]{{1,40}},\s+(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})\b", re.IGNORECASE)
_URL_MONTH = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])(?:/|$)")
_ISO_LINE = re.compile(r"^(?:published|updated|posted)?:?\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:]+Z?)?$", re.I)
_BYLINE = re.compile(
    r"^[Bb][Yy]\s+(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s+and\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})?)"
    r"(?:\s*[,|]\s*[\w .'-]{0,60})?(?:\s*[\[(<]?\s*[\w.+-]+@[\w.-]+\s*[\])>]?)?\s*$"
)
_SOURCE_LINE = re.compile(
    r"(?i)^(?:source|sources|via|originally published (?:by|in|at|on)|this (?:article|story) (?:was )?(?:first )?"
    r"(?:appeared|published) (?:in|on|by))\s*:?\s*(?P<name>[^.:]{2,80}?)\.?$"
)
_WIRE_CREDIT = re.compile(r"(?i)^\(?\s*(?:reporting|writing|editing|additional reporting)( by)?\b.{0,200}\)?$")
_CREDIT_AUTHOR = re.compile(r"(?i:reporting|writing)\s+(?i:by)\s+(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})")
_WIRE_DATELINE = re.compile(r"^[A-Z][A-Za-z .,'-]{1,60}\((?P<agency>[A-Z][A-Za-z]{1,20})\)\s*[-–—]")
_PHOTO_CREDIT = re.compile(r"(?i)^(?:photo|image|picture|file photo)(?: credit)?\s*:.{0,120}$")
_CITY = re.compile(r"^[A-Z][\w.'-]*(?:[ -][A-Z][\w.'-]*){0,3}(?:,\s*[A-Z][\w.'-]*(?:\s[A-Z][\w.'-]*)?)?$")
_NAME = r"[A-Z][\w&'’-]*(?:\.[A-Za-z]+)?(?:\s[A-Z][\w&'’-]*(?:\.[A-Za-z]+)?){0,3}"  # "Korea Daily", "Globe.com"
_CHANNEL = r"(?i:whatsapp|telegram|google news|instagram|youtube|facebook|x|twitter|threads)"
# An outlet names itself in its own prompts: "X is now on WhatsApp", "Follow X on Telegram", "X app: ..."
_PROMO_OUTLET = re.compile(
    rf"^(?:.{{0,40}}?[!.]\s+)?(?P<a>{_NAME}) (?i:is (?:now )?on) {_CHANNEL}"
    rf"|^(?i:follow|join|find) (?P<b>{_NAME}) (?i:on) {_CHANNEL}"
    rf"|^(?P<c>{_NAME}) (?i:app)\s*:"
)
# ... and in its journalists' bios: "editor of the Korea Daily", "is the Lissek Herald's correspondent"
_BIO_OUTLET = re.compile(
    rf"\b(?:editor|reporter|correspondent|writer|columnist|journalist|contributor)\b[\w ]{{0,30}}?\b(?:of|at|for|with)\s+"
    rf"(?:the\s+)?(?P<a>{_NAME})"
    rf"|\b(?:is|was) (?:the|a|an) (?P<b>{_NAME})['’]s? (?:[a-z]+ ){{0,3}}"
    r"(?:editor|reporter|correspondent|writer|columnist|journalist|contributor)\b"
)


def _outlet(m: re.Match[str] | None) -> str | None:
    if m is None:
        return None
    return next((g for g in m.groups() if g), None)


_BIO_VERB = r"(?:is|was|has been|joined|writes|covers|reports)\b"
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass(frozen=True, slots=True)
class _Rules:
    line: tuple[tuple[str, re.Pattern[str]], ...]
    promo_verbs: re.Pattern[str]
    promo_markers: re.Pattern[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = data_json("boilerplate.json")
    line = tuple(
        (reason, re.compile(rf"(?:{pat})", re.I))
        for reason, pats in data["line"].items()
        for pat in pats
    )
    return _Rules(
        line=line,
        promo_verbs=re.compile(data["promo"]["verbs"], re.I),
        promo_markers=re.compile(data["promo"]["markers"], re.I),
    )


@dataclass(slots=True)
class _Meta:
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    original_source: str | None = None
    published: str | None = None
    published_source: PublishedSource = "none"
    removed: list[RemovedLine] = field(default_factory=list)


def article_id(source: str, raw: str) -> str:
    """Stable id from the source and its raw content (not the clean text: a better cleaner keeps ids)."""
    return "a" + hashlib.sha256(f"{source}\n{raw}".encode()).hexdigest()[:16]


def raw_sha(raw: str) -> str:
    """Hash of the raw input alone, to tell a changed source from a rerun."""
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def words(line: str) -> int:
    """Number of words in a line."""
    return len(line.split())


def is_sentence(line: str) -> bool:
    """A line that reads as prose: several words and sentence-final punctuation."""
    return words(line) >= 6 and bool(_SENTENCE_END.search(line))


def boilerplate_reason(line: str) -> str | None:
    """Why a stripped line is page furniture, or None when it may be article text."""
    rules = _rules()
    for reason, pat in rules.line:
        if pat.fullmatch(line):
            return reason
    if _WIRE_CREDIT.match(line) and line.startswith("(") and line.endswith(")"):
        return "wire_credit"
    if _PHOTO_CREDIT.match(line):
        return "photo_credit"
    # a promotional prompt, not a sentence reporting that someone subscribed or joined
    if (rules.promo_verbs.search(line) and rules.promo_markers.search(line)
            and ("!" in line or re.search(r"(?i)\bclick", line)
                 or (words(line) <= 8 and rules.promo_verbs.match(line.lstrip("-•» "))))):
        return "app_prompt"
    return None


def _parse_date_line(line: str) -> str | None:
    m = _DATE_LINE.match(line)
    if m:
        month = (m.group("m1") or m.group("m2")).lower().rstrip(".")
        day = int(m.group("d1") or m.group("d2"))
        year = int(m.group("y1") or m.group("y2"))
        try:
            return date(year, _MONTHS[month], day).isoformat()
        except (KeyError, ValueError):
            return None
    m = _ISO_LINE.match(line)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    return None


def clean_lines(lines: list[str], meta: _Meta, *, find_title: bool) -> list[str]:
    """Keep the article lines of ``lines`` (stripped), filling ``meta`` and ``meta.removed``."""
    # no-break and other odd spaces become plain spaces: patterns and readers expect them
    stripped = [_SPACES.sub(" ", ln).strip() for ln in lines]
    nonblank = [i for i, ln in enumerate(stripped) if ln]
    first_prose = next((i for i in nonblank if is_sentence(stripped[i])), len(stripped))
    header_marks: set[int] = set()
    # Pass 1: metadata and header furniture before the first prose line.
    for i in nonblank:
        if i >= first_prose:
            break
        ln = stripped[i]
        published = _parse_date_line(ln)
        if published and meta.published_source == "none":
            meta.published, meta.published_source = published, "dateline"
        if published or boilerplate_reason(ln) == "weather_header":
            header_marks.add(i)
    kept: list[str] = []
    previous = ""
    title_done = not find_title
    for i, ln in enumerate(stripped):
        if not ln:
            continue
        reason = _line_reason(i, ln, stripped, nonblank, header_marks, first_prose, previous, meta)
        if reason:
            meta.removed.append(RemovedLine(ln, reason))
            continue
        if not title_done:
            title_done = True
            if meta.title is None and _title_like(ln):
                meta.title = ln
        kept.append(ln)
        previous = ln
    return kept


def _line_reason(
    i: int,
    ln: str,
    stripped: list[str],
    nonblank: list[int],
    header_marks: set[int],
    first_prose: int,
    previous: str,
    meta: _Meta,
) -> str | None:
    if i in header_marks:
        return "page_date" if _parse_date_line(ln) else "weather_header"
    if i < first_prose and _CITY.match(ln) and words(ln) <= 4 and _next_to(i, header_marks, nonblank):
        return "city_header"
    if ln == previous:
        return "duplicate_line"
    m = _BYLINE.match(ln)
    if m:
        meta.author = meta.author or m.group("name")
        return "byline"
    m = _SOURCE_LINE.match(ln)
    if m and words(ln) <= 12:
        meta.original_source = meta.original_source or m.group("name").strip()
        return "source_line"
    m = _WIRE_DATELINE.match(ln)
    if m and meta.original_source is None and m.group("agency").lower() in _WIRES:
        meta.original_source = m.group("agency")
    reason = boilerplate_reason(ln)
    if reason == "wire_credit" and meta.author is None:
        m = _CREDIT_AUTHOR.search(ln)
        meta.author = m.group("name") if m else None
    if reason:
        if meta.outlet is None:
            meta.outlet = _outlet(_PROMO_OUTLET.match(ln))
        return reason
    if meta.author:
        surname = meta.author.split()[-1]
        if ln == meta.author or ln.lower() == f"by {meta.author}".lower():
            return "author_name"
        if re.match(rf"^(?:{re.escape(meta.author)}|{re.escape(surname)}),?\s+{_BIO_VERB}", ln) and i > first_prose:
            if meta.outlet is None:
                meta.outlet = _outlet(_BIO_OUTLET.search(ln))
            return "author_bio"
    return None


_WIRES = {"reuters", "ap", "afp", "bloomberg", "upi", "dpa", "xinhua", "yonhap", "tass", "efe", "ansa", "pti", "ani"}


def _next_to(i: int, marks: set[int], nonblank: list[int]) -> bool:
    pos = nonblank.index(i)
    around = nonblank[max(0, pos - 1) : pos + 2]
    return any(j in marks for j in around if j != i)


def _title_like(line: str) -> bool:
    """A headline: short, one sentence at most, no sentence-final full stop."""
    return 3 <= words(line) <= 30 and not line.endswith(".") and ". " not in line


def over_limits(paragraphs: list[str], limits: ArticleSettings = DEFAULTS.article) -> str | None:
    """Why an article's clean paragraphs are beyond what annotation takes on (``limits``: the
    run's [article] settings), or None."""
    if len(paragraphs) > limits.max_paragraphs:
        return f"too long: {len(paragraphs):,} paragraphs (limit {limits.max_paragraphs:,}, article.max_paragraphs)"
    n = 0
    for para in paragraphs:
        if len(para) > limits.max_paragraph_chars:
            return (f"a paragraph of {len(para):,} characters (limit {limits.max_paragraph_chars:,}, "
                    "article.max_paragraph_chars)")
        found = para.split()
        n += len(found)
        if n > limits.max_words:
            return f"too long: over {limits.max_words:,} words (limit, article.max_words)"
        longest = max(found, key=len, default="")
        if len(longest) > limits.max_word_chars:
            return (f"a {len(longest):,}-character word with no space (limit {limits.max_word_chars:,}, "
                    "article.max_word_chars): not prose")
    return None


def clean(doc: RawDoc, settings: Settings = DEFAULTS) -> Article:
    """Turn a raw document into a clean Article, or raise InputRejected with the reason
    (``settings``: the run's; its [article] limits and [language] check apply)."""
    meta = _Meta(title=doc.title, author=doc.author, outlet=doc.outlet)
    if doc.published:
        meta.published, meta.published_source = _iso_date(doc.published), "metadata"
        if meta.published is None:
            meta.published_source = "none"
    if doc.fmt == "html":
        from crosscheck.ingest.html import extract_html

        extracted = extract_html(doc.raw, url=doc.url)
        if extracted is None:
            raise InputRejected(doc.source, "no main text found in the HTML")
        body = extracted.text
        meta.title = meta.title or extracted.title
        meta.author = meta.author or extracted.author
        meta.outlet = meta.outlet or extracted.outlet
        if extracted.published and meta.published is None:
            meta.published, meta.published_source = extracted.published, "metadata"
    else:
        body = doc.raw
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = clean_lines(lines, meta, find_title=doc.fmt == "text" and doc.title is None)
    if doc.fmt == "html" and meta.title and (not kept or kept[0] != meta.title):
        kept.insert(0, meta.title)  # the headline is part of what the article says
    if meta.published is None and doc.url:
        meta.published = _wire_date(kept, doc.url)
        meta.published_source = "dateline" if meta.published else meta.published_source
    text = "\n\n".join(kept)
    if not text.strip():
        raise InputRejected(doc.source, "empty: no article text left after removing boilerplate")
    problem = over_limits(kept, settings.article)
    if problem:
        raise InputRejected(doc.source, problem)
    language = detect(text, settings.language)
    if language not in ("en", None):
        seen = "mostly non-Latin script" if language == "non-latin" else f"reads as '{language}'"
        raise InputRejected(doc.source, f"not English ({seen}; English function-word share {english_score(text):.2f})")
    return Article(
        id=article_id(doc.source, doc.raw),
        source=doc.source,
        text=text,
        title=meta.title,
        outlet=meta.outlet,
        original_source=meta.original_source,
        author=meta.author,
        published=meta.published,
        published_source=meta.published_source,
        removed_lines=tuple(meta.removed),
        raw_sha=raw_sha(doc.raw),
    )


def _wire_date(lines: list[str], url: str) -> str | None:
    """The day of a wire dateline ("PORT ALDANE, March 12 (...) -") in the first lines, its year
    from the URL's /YYYY/MM/ path when the month agrees; None otherwise."""
    from urllib.parse import urlparse

    u = _URL_MONTH.search(urlparse(url).path)
    if u is None:
        return None
    for line in lines[:2]:
        m = _DAY_DATELINE.match(line)
        if m and _MONTHS.get(m.group("m").lower().rstrip(".")) == int(u.group(2)):
            try:
                return date(int(u.group(1)), int(u.group(2)), int(m.group("d"))).isoformat()
            except ValueError:
                return None
    return None


def _iso_date(value: str) -> str | None:
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value.strip())
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    return _parse_date_line(value.strip())
