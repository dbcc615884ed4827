"""A cheap, dependency-free check that a text is English.

English prose is about 40 % function words ("the", "of", "and", ...); other languages written in
Latin script share few of them, and texts in other scripts have few Latin letters at all. The
threshold sits far below any English news text and far above other languages.
"""

from __future__ import annotations

import re

_FUNCTION_WORDS = frozenset(
    """the of and to a in is that for it on was with as by he at from his an be are have has had
    not but or this which its their they were been will would said who after also more one we
    i you she her him about than into over could when what there up out new can all if so no
    our these those other some two such only then them do did just most may should""".split()  # noqa: SIM905 - a word list reads better as prose
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LATIN = re.compile(r"[A-Za-z]")
MIN_WORDS = 20
MIN_SHARE = 0.12


def english_score(text: str) -> float:
    """Share of words that are common English function words (0..1)."""
    tokens = _WORD.findall(text.lower())
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if t in _FUNCTION_WORDS) / len(tokens)


def is_english(text: str) -> bool:
    """True unless the text is clearly not English; very short texts get the benefit of the doubt."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(1 for c in letters if _LATIN.match(c)) < 0.5 * len(letters):
        return False
    if len(_WORD.findall(text)) < MIN_WORDS:
        return True
    return english_score(text) >= MIN_SHARE
