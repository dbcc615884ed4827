"""Non-denials: a speaker who withholds a denial ("refraining from providing an unequivocal denial
regarding Moscow's purported use of ...", "stopped short of denying that ...").

Analysts read a non-denial as a stance of its own, neither an assertion nor a denial. The
attribution rules find most claims through a reporting verb's complement; a non-denial is
worded around a withheld denial word instead, often in a participle clause of another claim's
sentence, so it is found here by its wording (``data/cues.json``: ``non_denial_phrases``) and
takes the speaker of the claim it follows in its sentence. Its cue is ``refrain``, which
``link/principals.py`` reads as the stance ``non_denial``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from crosscheck.model import Claim
from crosscheck.packagedata import data_json

CUE = "refrain"
_MAX_OBJECT = 300  # characters of the withheld denial's object kept as content


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@functools.cache
def _pattern() -> re.Pattern[str]:
    lex = data_json("cues.json")["non_denial_phrases"]
    return re.compile(
        r"\b(?P<cue>(?:" + _alt(lex["withhold"]) + r")\s+(?:(?:" + _alt(lex["support"]) + r")\s+(?:an?\s+)?(?:\w+\s+)?)?"
        r"(?:" + _alt(lex["deny"]) + r"))\b(?:\s+(?:" + _alt(lex["about"]) + r"))?\s+(?P<what>[^.;:!?\n]+)",
        re.IGNORECASE)


def non_denials(text: str, claims: list[Claim]) -> list[Claim]:
    """Claims of withheld denials in sentences that already hold a claim with a speaker."""
    out: list[Claim] = []
    for m in _pattern().finditer(text):
        lo, hi = m.start("what"), min(m.end("what"), m.start("what") + _MAX_OBJECT)
        while hi > lo and text[hi - 1] in " ,\u201d\"'":
            hi -= 1
        if any(c.start <= m.start("cue") < c.end for c in claims):
            continue  # inside another claim's content: that claim reports it
        before = [c for c in claims if c.sentence_start is not None and c.sentence_end is not None
                  and c.sentence_start <= m.start() < c.sentence_end and c.speaker
                  and (c.speaker_start if c.speaker_start is not None else c.start) < m.start()]
        if not before or hi - lo < 8:
            continue
        host = max(before, key=lambda c: c.start)
        out.append(replace(host, id=f"{host.id}:nd", start=lo, end=hi, content=text[lo:hi], cue=CUE,
                           kind="indirect", direct=False, polarity="assert", cue_start=m.start("cue"),
                           cue_end=m.end("cue"), hedged=False, hedges=(), reported_by=None, points_at=None))
    return out
