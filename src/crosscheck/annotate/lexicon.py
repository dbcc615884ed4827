"""Shared lexicons for times and quantities: loaded once from ``data/*.json``, plus number parsing.

``number_pattern()`` is a regex for a cardinal written in digits ("1,000", "3.5", "2 million") or in
words ("nine", "twenty-six", "a million", "a couple hundred"); ``parse_number`` turns the match into a
float. Both the time recogniser (durations, "two years ago") and the quantity extractor use them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from crosscheck.packagedata import data_json


@lru_cache(maxsize=4)
def load(name: str) -> dict[str, Any]:
    """A data file of ``crosscheck.data`` as a dict, read once per process."""
    data: dict[str, Any] = data_json(name)
    return data


def alternation(words: object, *, abbrev_dot: bool = False) -> str:
    """A regex alternation of ``words``, longest first, spaces matching any whitespace."""
    items = sorted({str(w) for w in words}, key=len, reverse=True)  # type: ignore[attr-defined]
    parts = [re.escape(w).replace(r"\ ", r"\s+") for w in items]
    body = "|".join(parts)
    return f"(?:{body})" + (r"\.?" if abbrev_dot else "")


@lru_cache(maxsize=1)
def _word_values() -> dict[str, int]:
    nums = load("numbers.json")
    return {**nums["units"], **nums["tens"]}


@lru_cache(maxsize=1)
def number_pattern() -> str:
    """Regex source for a cardinal number in digits or words (no surrounding boundaries)."""
    nums = load("numbers.json")
    small = alternation(nums["units"])
    tens = alternation(nums["tens"])
    word = rf"(?:{tens}(?:[-\s]{small})?|{small})"
    scale = alternation([k for k in nums["scales"] if len(k) > 2])
    coll = alternation(nums["collectives"])
    digits = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    words = rf"{word}(?:\s+{scale})*(?:\s+(?:and\s+)?{word})?"
    article = rf"(?:an?\s+(?:{coll}\s+(?:of\s+)?)?{scale}|an?\s+{coll}(?:\s+{scale})?|an?\s+{scale})"
    return rf"(?:{digits}(?:\s*(?:{scale}|bn|mln|bln)\b)?|{article}|{words})"


def parse_number(text: str) -> float | None:
    """The value of a cardinal as matched by ``number_pattern`` ("a couple hundred" -> 200)."""
    nums = load("numbers.json")
    scales: dict[str, int] = nums["scales"]
    colls: dict[str, int] = nums["collectives"]
    values = _word_values()
    s = text.lower().replace("-", " ").replace(",", "")
    tokens = [t for t in s.split() if t not in {"and", "of"}]
    if not tokens:
        return None
    total = 0.0
    current: float | None = None
    for tok in tokens:
        if tok in {"a", "an"}:
            current = 1.0 if current is None else current
        elif re.fullmatch(r"\d+(?:\.\d+)?", tok):
            current = (current or 0.0) + float(tok)
        elif tok in values:
            current = (current or 0.0) + values[tok]
        elif tok in colls:
            current = (current or 1.0) * colls[tok]
        elif tok in scales:
            scale = scales[tok]
            current = (current or 1.0) * scale
            if scale >= 1000:
                total += current
                current = None
        else:
            m = re.fullmatch(r"(\d+(?:\.\d+)?)(bn|mln|bln|m|k)", tok)
            if not m:
                return None
            current = float(m.group(1)) * scales[m.group(2)]
    return total + (current or 0.0)
