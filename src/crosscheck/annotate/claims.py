"""Attributed claims: who said what, with which cue, stance and hedges (issue: claims).

Rule passes over the parse (``claims_rules``: reporting verbs, "according to", reporting nouns;
``claims_quotes``: quotations none of them covered), then one pass that resolves speakers in text
order (``speakers``) and records nested reporting. Spans are shaped in ``claims_spans``, polarity
and hedges decided in ``claims_stance``.

Only sentences that pass a cheap test (a quote mark or a cue word) are examined; a first paragraph
that repeats the headline is not (headlines are not claims of their own).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from crosscheck.annotate.claims_merge import model_cands
from crosscheck.annotate.claims_nondenial import non_denials
from crosscheck.annotate.claims_quotes import apply_quotes, quote_cands
from crosscheck.annotate.claims_rules import according_cands, according_carry, is_pointer, noun_cands, verb_cands
from crosscheck.annotate.claims_spans import MAX_SPEAKER, Cand, antecedent, speaker_span
from crosscheck.annotate.claims_stance import content_denial, find_hedges
from crosscheck.annotate.cues import Lexicon, lexicon, may_attribute
from crosscheck.annotate.quotes import Quote, find_quotes
from crosscheck.annotate.speakers import Resolved, SpeakerResolver
from crosscheck.model import Article, Claim, EntityMention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = ["extract_claims"]

_MAX_CONTENT = 450


def extract_claims(doc: Doc, article: Article, mentions: list[EntityMention], *,
                   system: str | None = None) -> list[Claim]:
    """Find every attributed claim in ``doc`` (whose text is ``article.text``), in text order.

    ``system``: "merged" (the rules, plus what the trained tagger finds that they do not),
    "rules" (the rules alone) or "model" (the tagger alone; for evaluation); None is "merged"
    (``annotate_doc`` picks "rules" when the run's annotate.attribution_tagger is false)."""
    if system is None:
        system = "merged"
    del mentions  # speakers are resolved from the parse; mentions share its entities
    lex = lexicon()
    quotes = find_quotes(article.text)
    body = _body_start(article)
    found = rule_cands(doc, article, lex, quotes, body)
    cands = [] if system == "model" else list(found)
    if system != "rules":
        # the tagger reads the rules' spans as hints; "model" keeps only what it tags itself
        cands.extend(model_cands(doc, lex, quotes, found, body, keep_rules=system == "merged"))
    cands = spelled_out(doc, lex, _dedupe(cands))
    for c in cands:
        denial = content_denial(doc, c, lex)
        if denial is not None:
            c.polarity, c.points_at = "deny", c.points_at or denial[0]
    return _finish(doc, article, lex, quotes, cands)


def spelled_out(doc: Doc, lex: Lexicon, cands: list[Cand]) -> list[Cand]:
    """'X denied the allegations. "I was never told of it," he said.': a denial that only points at what it
    denies ("the allegations", "them") and is followed, in the next sentence, by a claim whose speaker is a
    pronoun for the same speaker under a plain reporting cue, is spelled out by that claim: the claim
    becomes the denial (pointing where the first one pointed) and the pointing one is folded into it
    (still read for whom the pronoun stands for, no claim of its own), so that the denial is one claim with
    what was said. Not for a contesting cue ("contested this claim. He said ..." gives an argument). The
    same sentence's "denied them, saying A" is read off the parse in ``claims_rules``."""
    for d in cands:
        if (d.polarity != "deny" or d.speaker is None or d.points_at is None or d.kind != "indirect"
                or d.cue in lex.contest_cues):
            continue
        toks = doc.char_span(d.start, d.end, alignment_mode="expand")
        if toks is None or not is_pointer(lex, list(toks)):
            continue
        sent = doc.char_span(d.sent_start, d.sent_end, alignment_mode="expand")
        if sent is None or sent.end >= len(doc):
            continue
        nxt = doc[sent.end].sent
        follow = sorted((e for e in cands if e.sent_start == nxt.start_char and e.speaker is not None), key=lambda e: e.order)
        if not follow:
            continue
        e = follow[0]
        cue = lex.verbs.get(e.cue)
        if (e.speaker is None or e.polarity != "assert" or cue is None or cue.distancing or cue.hedge or cue.weak or e.hedges
                or not _same_speaker(e.speaker, d.speaker, lex)):
            continue
        e.polarity, e.points_at, d.folded = "deny", d.points_at, True
    return cands


def _same_speaker(pron: Span, speaker: Span, lex: Lexicon) -> bool:
    """Is ``pron`` a personal pronoun that fits ``speaker`` (he/she for one person, they/it for a group)?"""
    if len(pron) != 1 or pron[0].lower_ not in ("he", "she", "they", "it"):
        return False
    head = speaker.root
    group = head.tag_ in ("NNS", "NNPS") or head.ent_type_ in ("ORG", "GPE", "NORP")
    return (pron[0].lower_ in ("they", "it")) == group


def rule_cands(doc: Doc, article: Article, lex: Lexicon, quotes: list[Quote], body: int) -> list[Cand]:
    """The rule passes' candidates, before deduplication and speaker resolution."""
    text = article.text
    cands: list[Cand] = []
    for sent in doc.sents:
        if sent.start_char < body or not may_attribute(sent.text):
            continue
        cands.extend(verb_cands(doc, sent, lex, quotes))
        cands.extend(according_cands(doc, sent, lex, quotes))
        cands.extend(noun_cands(doc, sent, lex, quotes))
    for c in cands:
        apply_quotes(c, text, quotes)
    cands.extend(quote_cands(doc, lex, [q for q in quotes if q.start >= body], cands))
    cands.extend(according_carry(doc, lex, cands))
    return cands


def body_start(article: Article) -> int:
    """Where the body starts (see ``_body_start``)."""
    return _body_start(article)


def _body_start(article: Article) -> int:
    """Where the body starts: after a first paragraph that repeats the headline. A headline restates a
    claim of the body in telegram style ("Ministry rejects ..."); it is not a claim of its own."""
    title = (article.title or "").strip()
    first = article.text.split("\n", 1)[0]
    if title and first.strip() == title:
        return len(first)
    return 0


def _dedupe(cands: list[Cand]) -> list[Cand]:
    out: list[Cand] = []
    for c in sorted(cands, key=lambda c: (c.start, -c.end)):
        dup = next((o for o in out if o.start == c.start and o.end == c.end), None)
        if dup is not None:
            continue
        if c.end - c.start > _MAX_CONTENT:
            continue
        out.append(c)
    return out


def _finish(doc: Doc, article: Article, lex: Lexicon, quotes: list[Quote], cands: list[Cand]) -> list[Claim]:
    resolver = SpeakerResolver(doc, lex)
    resolved: dict[int, tuple[Resolved, Span | None]] = {}
    last: tuple[Resolved, Span | None] | None = None
    for idx, c in sorted(enumerate(cands), key=lambda x: x[1].order):
        if c.inherit or c.speaker is None:
            r = last if last is not None else (Resolved(None), None)
        else:
            target = c.speaker
            if len(target) == 1 and antecedent(target[0]).i != target[0].i:
                target = speaker_span(doc, antecedent(target[0]))  # "who" -> the noun it stands for
            r = (resolver.resolve(target), c.speaker)
            resolver.note(c.order, r[0])
        resolved[idx] = r
        last = r
    claims: list[Claim] = []
    order = sorted(range(len(cands)), key=lambda i: (cands[i].start, cands[i].end))
    for n, idx in enumerate(order, start=1):
        c = cands[idx]
        if c.folded:
            continue
        res, span = resolved[idx]
        speaker = res.name or (span.text if span is not None else None)
        if speaker and len(speaker) > MAX_SPEAKER:
            speaker = speaker[:MAX_SPEAKER].rsplit(" ", 1)[0]
        hedges = find_hedges(doc, c, lex, quotes)
        start, end = tidy_span(article.text, c.start, c.end)
        claims.append(Claim(
            id=f"{article.id}:c{n}",
            article_id=article.id,
            start=start,
            end=end,
            content=article.text[start:end],
            cue=c.cue,
            kind=c.kind,  # type: ignore[arg-type]
            direct=c.direct,
            polarity=c.polarity,  # type: ignore[arg-type]
            speaker=speaker,
            speaker_text=span.text if span is not None else None,
            speaker_start=span.start_char if span is not None else None,
            speaker_end=span.end_char if span is not None else None,
            speaker_entity=res.entity,
            cue_start=c.cue_start,
            cue_end=c.cue_end,
            hedged=bool(hedges),
            hedges=hedges,
            sentence_start=c.sent_start,
            sentence_end=c.sent_end,
            points_at=c.points_at,
        ))
    claims = sorted(claims + non_denials(article.text, claims), key=lambda c: (c.start, c.end))
    nested = _nest(claims)
    return [replace(c, id=f"{article.id}:c{n}") for n, c in enumerate(nested, start=1)]


_DANGLING = re.compile(r"(?:[,;:]|\s(?:and|or|but|that|which|while|as|of|to|the|a|an))\s*$", re.IGNORECASE)


def tidy_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A content span that is a whole clause: it starts at a word's start and does not end on a
    comma or a dangling conjunction ("..., and" where the sentence goes on with another clause)."""
    while 0 < start < end and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end > start:
        m = _DANGLING.search(text, start, end)
        if m is None or m.start() == start:
            break
        end = m.start()
        while end > start and text[end - 1].isspace():
            end -= 1
    return start, end


def _nest(claims: list[Claim]) -> list[Claim]:
    """Nested reporting ("..., Reuters writes"): the inner claim records who reported it. An
    "according to X" / "as reported by X" wrapper around another attribution is not a claim of its
    own: it only says who relayed the inner one. An inner weak cue ("according to two diplomats, X
    asked Y to ...") reports an act, not words: the wrapper stays a claim."""
    verbs = lexicon().verbs
    out = []
    for c in claims:
        inner = [o for o in claims if o is not c and o.cue_start is not None and c.start <= o.cue_start < c.end
                 and not (o.cue in verbs and verbs[o.cue].weak)]
        if c.kind == "according_to" and inner:
            continue
        outer = [o for o in claims if o is not c and o.cue_start is not None and c.cue_start is not None
                 and o.start <= c.cue_start < o.end and not (c.start <= o.cue_start < c.end)]
        out.append(replace(c, reported_by=outer[0].speaker) if outer and outer[0].speaker else c)
    return out
