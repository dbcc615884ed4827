"""The merge step: claims the trained tagger finds that the rules did not.

The rules keep what they find (they are the precise part). A tagged relation (``tagger``) becomes a
candidate claim only when its score reaches ``THRESHOLD`` and neither its content nor its cue
overlaps a rule candidate's content or cue: one claim per reported clause. The new candidate goes
through the same later steps as a rule candidate (speaker resolution in text order, denials said
in the content, hedges, nesting). Its speaker is the tagged source span, else the cue's subject in
the parse; a relation with neither is dropped (a claim needs someone who makes it). A content in pieces ("A," he said, "B.") gives one claim per piece, the later ones marked as
continuations (no cue of their own), as ``claims_quotes`` marks a quote continued after its cue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosscheck.annotate import tagger
from crosscheck.annotate.claims_spans import Cand, doc_text, find_subject, in_quote, own_subject, speaker_span, trim
from crosscheck.annotate.claims_stance import DEMONSTRATIVES, verb_stance
from crosscheck.annotate.cues import Lexicon, is_quote_mark

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from crosscheck.annotate.quotes import Quote

__all__ = ["THRESHOLD", "model_cands"]

UNCOVERED = True  # tag only the sentences the rules left open (``tagger.uncovered_units``)
THRESHOLD = 0.0
KNOWN_CUE = True  # the cue holds a reporting word of the lexicon or a learned cue lemma
MIN_WORDS = 3  # words of content a model claim needs  # mean marginal of the content labels; chosen on the tuning part of PolNeAR train


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _cue_head(doc: Doc, cue: tuple[int, int]) -> Token:
    """The token of the cue span whose head lies outside it (the last verb when several do)."""
    toks = [doc[i] for i in range(*cue)]
    tops = [t for t in toks if not cue[0] <= t.head.i < cue[1] or t.head.i == t.i]
    verbs = [t for t in tops if t.pos_ in ("VERB", "AUX")] or [t for t in toks if t.pos_ in ("VERB", "AUX")]
    return (verbs or tops or toks)[-1]


def _known_cue(doc: Doc, cue: tuple[int, int], lex: Lexicon) -> bool:
    learned = tagger.learned_cues()
    for i in range(*cue):
        tok = doc[i]
        lemma = tok.lemma_.lower()
        if lemma in lex.verbs or lemma in lex.nouns or lemma in lex.speech_nouns or lemma in learned:
            return True
        if tok.lower_ == "according" or tok.text == ":":
            return True
    return False


def _speaker(doc: Doc, rel: tagger.Relation, head: Token, speakers: list[tuple[int, int]]) -> Span | None:
    """The tagged source (unless it is the speaker of a rule claim: then it speaks there), else the
    cue's subject in the parse. Never for a participle without a subject of its own ("Asked whether
    ..., the head said": the asker is not the one who answers)."""
    if head.tag_ == "VBN" and head.dep_ in ("advcl", "acl") and own_subject(head) is None:
        return None
    if rel.source is not None:
        span = doc[rel.source[0] : rel.source[1]]
        if not any(_overlaps((span.start_char, span.end_char), sp) for sp in speakers):
            return span
    subj = find_subject(head)
    return speaker_span(doc, subj) if subj is not None else None


def hints(rule_cands: list[Cand]) -> list[tuple[str, int, int]]:
    """(role, start, end) character spans of the rule candidates: the tagger's hint features."""
    out = []
    for c in rule_cands:
        out.append(("CONTENT", c.start, c.end))
        if c.cue_start is not None and c.cue_end is not None:
            out.append(("CUE", c.cue_start, c.cue_end))
        if c.speaker is not None:
            out.append(("SOURCE", c.speaker.start_char, c.speaker.end_char))
    return out


def model_cands(doc: Doc, lex: Lexicon, quotes: list[Quote], rule_cands: list[Cand], body: int,
                threshold: float | None = None, *, keep_rules: bool = True) -> list[Cand]:
    """Candidates from the tagger's relations that add to ``rule_cands`` (``keep_rules``), or all of
    the tagger's relations as candidates (``keep_rules=False``: the model alone, for evaluation)."""
    limit = THRESHOLD if threshold is None else threshold
    taken: list[tuple[int, int]] = []
    if keep_rules:
        taken = [(c.start, c.end) for c in rule_cands]
        taken += [(c.cue_start, c.cue_end) for c in rule_cands if c.cue_start is not None and c.cue_end is not None]
    speakers = [(c.speaker.start_char, c.speaker.end_char) for c in rule_cands if c.speaker is not None and keep_rules]
    out: list[Cand] = []
    for rel in tagger.tag_doc(doc, lex, quotes, hints(rule_cands), uncovered=keep_rules and UNCOVERED):
        if rel.score < limit:
            continue
        cue_chars = (doc[rel.cue[0]].idx, doc[rel.cue[1] - 1].idx + len(doc[rel.cue[1] - 1].text))
        if cue_chars[0] < body:
            continue
        spans = []
        for a, b in rel.content:
            span = trim(doc, [doc[i] for i in range(a, b)])
            if span is not None:
                spans.append(span)
        if not spans or any(_overlaps(s, t) for s in [*spans, cue_chars] for t in taken):
            continue
        head = _cue_head(doc, rel.cue)
        lemma = head.lemma_.lower()
        if KNOWN_CUE and not _known_cue(doc, rel.cue, lex):
            continue
        if sum(len(doc_text(doc)[a:b].split()) for a, b in spans) < MIN_WORDS:
            continue  # "expressed dissatisfaction", "levelled at Russia": a noun phrase, not a reported clause
        polarity, name = "assert", lemma
        hedges: tuple[str, ...] = ()
        verb = lex.verbs.get(lemma)
        parts = {c.lower_ for c in head.children if c.dep_ in ("prt", "prep")}
        if verb is not None and ((verb.particle and verb.particle not in parts)
                                 or (verb.particle_any and parts.isdisjoint(verb.particle_any))):
            verb = None  # "knocked" is not "knocked down", "ruled" not "ruled out": the verb's own sense
        if verb is not None:
            stance = verb_stance(verb, negated=any(c.dep_ == "neg" for c in head.children))
            if stance is not None:
                name, polarity, hedges = stance
        kids = [c.dep_ for c in head.children]
        if polarity == "deny" and "auxpass" in kids and "agent" not in kids:
            continue  # "the suggestion was rejected": nobody in the sentence is named as rejecting it
        speaker = _speaker(doc, rel, head, speakers)
        if polarity == "deny" and speaker is not None and len(speaker) == 1 and speaker[0].tag_ == "DT" \
                and speaker[0].lower_ in DEMONSTRATIVES:
            continue  # "this rules out ...": a consequence, not a speaker's denial
        if speaker is None or (in_quote(quotes, speaker.start_char) is not None and in_quote(quotes, cue_chars[0]) is None):
            continue  # a claim needs someone who makes it; a speaker inside the quoted words is none
        sent = head.sent
        for n, (start, end) in enumerate(spans):
            direct = is_quote_mark(doc_text(doc)[start]) or in_quote(quotes, start) is not None
            out.append(Cand(
                start, end, name, "direct" if direct else "indirect", direct, sent.start_char, sent.end_char,
                speaker if n == 0 else None, cue_chars[0] if n == 0 else None, cue_chars[1] if n == 0 else None,
                polarity, hedges, inherit=n > 0, order=cue_chars[0] if n == 0 else start))
        taken.extend([*spans, cue_chars])
    return out
