"""Text cut into runs for highlighting: every run carries the span kinds that cover it.

Spans (claims, times, quantities, a claim's speaker and cue) may nest or overlap; a sweep
over their boundaries gives flat runs, so the template never builds nested markup from
article text and every run is rendered as escaped text inside one element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """A highlighted range: ``kind`` becomes a CSS class, ``ref`` a link target (a claim id)."""

    start: int
    end: int
    kind: str
    ref: str | None = None


def runs(text: str, spans: list[Span], *, offset: int = 0) -> list[dict[str, Any]]:
    """Flat runs of ``text`` (which starts at ``offset`` of the article) with their span kinds.

    Each run: ``{"text", "start", "kinds": [...], "ref", "anchors": [...]}``; ``ref`` is the first
    claim covering it, ``anchors`` the claims (spans with a ``ref``) that start where it starts, so
    a link to ``#c-CLAIM`` lands on the first character of the claim's highlighted span.
    """
    end_all = offset + len(text)
    inside = [s for s in spans if s.end > offset and s.start < end_all and s.end > s.start]
    cuts = {offset, end_all}
    for s in inside:
        cuts.add(max(s.start, offset))
        cuts.add(min(s.end, end_all))
    points = sorted(cuts)
    out: list[dict[str, Any]] = []
    for a, b in pairwise(points):
        if a >= b:
            continue
        cover = [s for s in inside if s.start <= a and s.end >= b]
        kinds = sorted({s.kind for s in cover})
        ref = next((s.ref for s in sorted(cover, key=lambda s: (s.start, -s.end)) if s.ref), None)
        anchors = sorted({s.ref for s in cover if s.ref and s.start == a})
        piece = text[a - offset : b - offset]
        if out and out[-1]["kinds"] == kinds and out[-1]["ref"] == ref and not anchors:
            out[-1]["text"] += piece
        else:
            out.append({"text": piece, "start": a, "kinds": kinds, "ref": ref, "anchors": anchors})
    return out


# a sentence ends on . ! ? or … (closing quotes and brackets after it) before a space
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)")


def context_bounds(text: str, start: int, end: int, sent_start: int | None, sent_end: int | None,
                   *, pad: int = 320) -> tuple[int, int]:
    """Whole sentences around a span: its stored sentence when that holds it, else (a claim
    running past its sentence, or no sentence known) the span widened to the sentence boundaries
    of the clean text around it, never past a line break, and never cut inside a word: past
    ``pad`` characters of either side without a boundary, the cut falls on the nearest space."""
    lo = sent_start if sent_start is not None and sent_start <= start else _back(text, start, pad)
    hi = sent_end if sent_end is not None and end <= sent_end else _forward(text, end, pad)
    return lo, hi


def _back(text: str, start: int, pad: int) -> int:
    """Where the sentence holding offset ``start`` begins (at most ``pad`` back, at a word)."""
    floor = max(0, start - pad)
    line = text.rfind("\n", 0, start)
    if line >= floor:
        return line + 1
    ends = [m.end() for m in _SENTENCE_END.finditer(text, floor, start)]
    if ends:
        lo = ends[-1]
    elif floor == 0:
        return 0
    else:  # no boundary near: the first word wholly inside the pad
        space = text.find(" ", floor, start)
        lo = space if space != -1 else start
    while lo < start and text[lo].isspace():
        lo += 1
    return lo


def _forward(text: str, end: int, pad: int) -> int:
    """Where the sentence holding offset ``end`` ends (at most ``pad`` on, at a word)."""
    ceiling = min(len(text), end + pad)
    line = text.find("\n", end, ceiling)
    m = _SENTENCE_END.search(text, end, ceiling) if end < ceiling else None
    if m is not None and (line == -1 or m.end() <= line):
        return m.end()
    if line != -1:
        return line
    if ceiling == len(text):
        return len(text)
    space = text.rfind(" ", end, ceiling)  # no boundary near: the last word wholly inside the pad
    return space if space != -1 else end


def claim_spans(c: dict[str, Any], *, link: bool = False) -> list[Span]:
    """A claim's content (coloured by stance), speaker and cue spans."""
    stance = "deny" if c["polarity"] == "deny" else "assert"
    out = [Span(c["start"], c["end"], f"claim-{stance}", c["id"] if link else None)]
    if c.get("speaker_start") is not None and c.get("speaker_end") is not None:
        out.append(Span(c["speaker_start"], c["speaker_end"], "speaker"))
    if c.get("cue_start") is not None and c.get("cue_end") is not None:
        out.append(Span(c["cue_start"], c["cue_end"], "cue"))
    return out


def sentence_runs(text: str, c: dict[str, Any]) -> list[dict[str, Any]]:
    """The claim's source sentence in context, with the claim's spans highlighted."""
    lo, hi = context_bounds(text, c["start"], c["end"], c.get("sentence_start"), c.get("sentence_end"))
    spans = claim_spans(c)
    lo = min([lo, *(s.start for s in spans)])
    hi = max([hi, *(s.end for s in spans)])
    return runs(text[lo:hi], spans, offset=lo)
