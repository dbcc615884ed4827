"""Stance of a claim: polarity (assert or deny) and hedges.

Polarity comes from the cue (``data/cues.json``: deny, reject, dismiss, contest, refute ...), from
"rule out" (a denial; "did not rule out" is a hedged assertion) and from a false-word predicate
("called it false"). Hedges are words around the cue and the content that weaken the claim
("reportedly", "may", "appeared to", "did not rule out") and distancing cues ("claim", "allege").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosscheck.annotate.claims_spans import Cand, doc_text, in_quote

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.tokens import Doc, Token

    from crosscheck.annotate.cues import Lexicon, VerbCue
    from crosscheck.annotate.quotes import Quote


def find_hedges(doc: Doc, c: Cand, lex: Lexicon, quotes: list[Quote]) -> tuple[str, ...]:
    """Hedges of a candidate: its cue's own (distancing, "did not rule out"), hedge phrases, adverbs, modals
    and "appear/seem to" around the cue and the content, outside quotations."""
    found = list(c.hedges)
    lo = min(c.start, c.cue_start if c.cue_start is not None else c.start)
    hi = max(c.end, c.cue_end or c.end)
    span = doc.char_span(lo, hi, alignment_mode="expand")
    region = doc_text(doc)[lo:hi].lower()
    for phrase in lex.hedge_phrases:
        if phrase in region and phrase not in found:
            found.append(phrase)
    if span is not None:
        for tok in span:
            if in_quote(quotes, tok.idx):
                continue
            low = tok.lower_
            if low in lex.hedge_adverbs or (low in lex.hedge_modals and tok.tag_ == "MD"):
                found.append(low)
            elif tok.lemma_.lower() in lex.hedge_verbs and any(ch.dep_ == "xcomp" for ch in tok.children):
                found.append(f"{tok.lemma_.lower()} to")
    return tuple(dict.fromkeys(found))


def verb_stance(cue: VerbCue, *, negated: bool) -> tuple[str, str, tuple[str, ...]] | None:
    """(cue name, polarity, hedges) of a reporting verb, or None when negation voids the claim
    ("did not say", "did not deny": no claim either way)."""
    hedges: list[str] = []
    name = cue.lemma if not cue.particle else f"{cue.lemma} {cue.particle}"
    polarity = cue.polarity
    if cue.lemma == "rule" and cue.particle == "out":
        if negated:
            hedges.append("did not rule out")
            name = "not rule out"
        else:
            polarity = "deny"
    elif negated:
        return None
    if cue.distancing or cue.hedge:
        hedges.append(cue.lemma)
    return name, polarity, tuple(hedges)


def says_false(lex: Lexicon, toks: Iterable[Token]) -> bool:
    """Does a predicate call its object false ("called it baseless", "dismissed it as a lie")?"""
    return any(t.lemma_.lower() in lex.false_words or t.lower_ in lex.false_words for t in toks)
