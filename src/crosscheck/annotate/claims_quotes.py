"""Quotations as claims: the quote pass and the quotes inside other claims.

A quotation none of the rule passes covered becomes a direct claim when a reporting verb sits in
its sentence (the nearest one; before, inside or after the quote), or when it stands alone in a
sentence or paragraph right after another direct quote (a continuation: same speaker). A rule
claim whose content is wholly quoted becomes direct; partly quoted, mixed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosscheck.annotate.claims_spans import Cand, cue_span, doc_text, find_subject, in_quote, is_source, speaker_span
from crosscheck.annotate.cues import QUOTE_MARKS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from crosscheck.annotate.cues import Lexicon
    from crosscheck.annotate.quotes import Quote


def _quote_words(doc: Doc, q: Quote) -> list[Token]:
    span = doc.char_span(q.start, q.end, alignment_mode="expand")
    return [t for t in span if not t.is_punct] if span is not None else []


def quote_cands(doc: Doc, lex: Lexicon, quotes: list[Quote], found: list[Cand]) -> list[Cand]:
    """Direct claims for the quotations that no claim in ``found`` covers (cue nearby, or continuation)."""
    out: list[Cand] = []
    claimed = [(c.start, c.end) for c in found]
    for q in quotes:
        if any(s < q.end and q.start < e for s, e in claimed):
            continue
        words = _quote_words(doc, q)
        if len(words) < 4 or not any(t.pos_ in ("VERB", "AUX") for t in words):
            continue  # a scare-quoted phrase or a title, not a quotation
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None:
            continue
        sents = {s.start: s for s in (span[0].sent, span[-1].sent)}
        best: tuple[int, Token, Token] | None = None
        for sent in sents.values():
            for tok in sent:
                cue = lex.verbs.get(tok.lemma_.lower())
                if cue is None or not tok.tag_.startswith("VB") or in_quote(quotes, tok.idx):
                    continue
                subj = find_subject(tok)
                if subj is None or in_quote(quotes, subj.idx) or any(c.dep_ == "neg" for c in tok.children):
                    continue
                if cue.weak and not is_source(lex, subj):
                    continue
                dist = min(abs(tok.idx - q.start), abs(tok.idx - q.end))
                if best is None or dist < best[0]:
                    best = (dist, tok, subj)
        sent0 = span[0].sent
        if best is not None:
            _, tok, subj = best
            out.append(Cand(q.start, q.end, tok.lemma_.lower(), "direct", True, sent0.start_char,
                             span[-1].sent.end_char, speaker_span(doc, subj), *cue_span(tok),
                             order=q.start))
            claimed.append((q.start, q.end))
            continue
        # a quote-only sentence or paragraph continues the previous direct quote
        before = doc_text(doc)[sent0.start_char : q.start].strip()
        after_sent = span[-1].sent
        after = doc_text(doc)[q.end : after_sent.end_char].strip()
        if before or (after and not all(ch in ".,;:!?)" for ch in after)):
            continue
        prev = [c for c in [*found, *out] if c.end <= q.start]
        if not prev:
            continue
        last = max(prev, key=lambda c: c.end)
        gap = doc_text(doc)[max(last.end, last.sent_end) : q.start]
        if last.kind not in ("direct", "mixed") or gap.count("\n") > 2 or len(gap.strip(" \n.,;:'`" + QUOTE_MARKS)) > 0:
            continue
        out.append(Cand(q.start, q.end, last.cue, "direct", True, sent0.start_char, after_sent.end_char,
                         None, inherit=True, order=q.start))
        claimed.append((q.start, q.end))
    return out


def apply_quotes(c: Cand, text: str, quotes: list[Quote]) -> None:
    """Make ``c`` direct when its content is wholly quoted, mixed when partly (a quote running past it is kept whole)."""
    inside = [q for q in quotes if q.start < c.end and c.start < q.end]
    if not inside or c.kind == "according_to":
        if inside and c.kind == "according_to":
            c.kind = "according_to"
        return
    core = text[c.start : c.end].strip(" .,;:")
    for q in inside:
        # the whole clause is quoted (maybe with more of the same quote around it): a direct claim
        whole = (q.start <= c.start + 1 and c.end <= q.end + 1) or (
            q.start >= c.start and q.end >= c.end - 1 and not text[c.start : q.start].strip(" ,:"))
        if whole and len(inside) == 1:
            c.start, c.end, c.kind, c.direct = q.start, q.end, "direct", True
            return
    if any(q.end - q.start >= len(core) - 2 for q in inside) and len(inside) == 1:
        q = inside[0]
        c.start, c.end, c.kind, c.direct = min(c.start, q.start), max(c.end, q.end), "direct", True
        return
    c.kind = "mixed"
    for q in inside:  # a fragment that runs past the clause is kept whole
        c.start, c.end = min(c.start, q.start), max(c.end, q.end)
