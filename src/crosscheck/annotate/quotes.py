"""Quotation spans found on characters alone, paragraph by paragraph.

Curly and straight marks, and the doubled apostrophes of archive and wire copy (''like this'');
a closing mark with no opening one opens the quote at the paragraph
start (news copy loses opening marks); an opening mark with no closing one runs to the paragraph
end and is flagged ``open_end`` (a quote continued in the next paragraph).
"""

from __future__ import annotations

from dataclasses import dataclass

from crosscheck.annotate.cues import CLOSE_MARKS, EITHER_MARKS, OPEN_MARKS


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: ``start`` at the opening mark (or paragraph start), ``end`` after the closing mark."""

    start: int
    end: int
    open_start: bool = False  # no opening mark: starts at the paragraph start
    open_end: bool = False  # no closing mark: runs to the paragraph end


def _is_opening(text: str, i: int, width: int = 1) -> bool:
    """Decide a straight quote by its neighbours: opening when after space/start and before a non-space."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + width] if i + width < len(text) else " "
    if before.isspace() or before in "([{\u2014-:;,/" or i == 0:
        return not after.isspace()
    return False


def find_quotes(text: str) -> list[Quote]:
    """All quotation spans of ``text``; a paragraph is a run of characters between newlines."""
    out: list[Quote] = []
    pos = 0
    for para in text.split("\n"):
        out.extend(_paragraph_quotes(para, pos))
        pos += len(para) + 1
    return out


def _paragraph_quotes(para: str, base: int) -> list[Quote]:
    out: list[Quote] = []
    start: int | None = None
    last_end = 0
    stripped_start = len(para) - len(para.lstrip())
    skip = False
    for i, ch in enumerate(para):
        if skip:  # the second character of a doubled mark
            skip = False
            continue
        width = 1
        if ch in "'`" and para.startswith(("''", "``"), i):
            width, skip = 2, True
            kind = "open" if ch == "`" else (
                "close" if start is not None else ("open" if _is_opening(para, i, 2) else "close"))
        elif ch in OPEN_MARKS:
            kind = "open"
        elif ch in CLOSE_MARKS:
            kind = "close"
        elif ch in EITHER_MARKS:
            kind = "close" if start is not None else ("open" if _is_opening(para, i) else "close")
        else:
            continue
        if kind == "open":
            if start is None:
                start = i
            continue  # a nested or repeated opening mark stays inside the open quote
        if start is not None:
            out.append(Quote(base + start, base + i + width))
            start = None
            last_end = i + width
        elif not out and i - stripped_start > 1:
            # a closing mark with nothing open: the opening mark was lost; the quote starts with
            # the paragraph (only for the first quote of the paragraph, never after another one)
            out.append(Quote(base + stripped_start, base + i + width, open_start=True))
            last_end = i + width
    if start is not None:
        end = len(para.rstrip())
        if end - start > 1:
            out.append(Quote(base + start, base + end, open_end=True))
    del last_end
    return out
