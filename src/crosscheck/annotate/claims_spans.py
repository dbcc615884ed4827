"""Spans of a claim: the speaker noun phrase and the reported content, shaped from the parse.

Used by every claim pass (``claims_rules``, ``claims_quotes``): a candidate claim (``Cand``) is
built from a cue token, its subject (``find_subject``: own, borrowed from a governing verb, never a
wire dateline) and a content token run (``content_tokens``: which complement carries the content,
extended or cut where the parser attaches it badly), trimmed to a character span (``trim``).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from crosscheck.annotate.cues import Lexicon, VerbCue, is_quote_mark, lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from crosscheck.annotate.quotes import Quote

_SUBJ = ("nsubj",)
SOURCE_ENTS = ("PERSON", "ORG", "GPE", "NORP")
_RELATIVE = {"who", "which", "that", "whom"}
# A wire dateline opening a paragraph: "LISSEK, March 10 (Northgate Wire) -", "VELL —"
_DATELINE = re.compile(
    r"[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,3}(?:, [A-Z][a-z]{2,8}\.? \d{1,2})?(?: \([^)\n]{1,40}\))? ?[-–—]+ ")
_LEAD_TRIM = {"that", ",", ":", "-", "\u2014", "\u2013"}
MAX_SPEAKER = 80


@dataclass(slots=True)
class Cand:
    """A claim before speaker resolution (mutable while the passes refine it)."""

    start: int
    end: int
    cue: str
    kind: str
    direct: bool
    sent_start: int
    sent_end: int
    speaker: Span | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    polarity: str = "assert"
    hedges: tuple[str, ...] = ()
    points_at: str | None = None
    inherit: bool = False  # continuation quote: speaker of the previous claim
    order: int = 0  # where the cue (or the quote) sits, for recency
    folded: bool = False  # spelled out by a later claim: resolved for its speaker, not a claim of its own


# --- token runs and character spans ----------------------------------------------------------------


def trim(doc: Doc, toks: list[Token]) -> tuple[int, int] | None:
    """Character span of a token run without a leading complementizer and trailing punctuation."""
    toks = sorted((t for t in toks if not t.is_space), key=lambda t: t.i)
    while toks and (toks[0].lower_ in _LEAD_TRIM or (toks[0].is_punct and not is_quote_mark(toks[0].text))):
        toks = toks[1:]
    while toks and toks[-1].is_punct and not is_quote_mark(toks[-1].text) and toks[-1].text not in ").":
        toks = toks[:-1]
    while toks and toks[-1].text == "." and len(toks) > 1 and toks[-1].idx == toks[-2].idx + len(toks[-2].text):
        toks = toks[:-1]  # a sentence-final period is not part of an indirect clause
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def subtree(tok: Token) -> list[Token]:
    """The tokens a token heads, itself included."""
    return list(tok.subtree)


@lru_cache(maxsize=4)
def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per document (spaCy rebuilds it from the tokens on every access)."""
    return doc.text


@lru_cache(maxsize=4)
def _datelines(doc: Doc) -> tuple[tuple[int, int], ...]:
    text = doc_text(doc)
    starts = [0, *(m.end() for m in re.finditer(r"\n+", text))]
    found = (_DATELINE.match(text, s) for s in starts)
    return tuple((m.start(), m.end()) for m in found if m is not None)


def in_dateline(tok: Token) -> bool:
    """Is ``tok`` part of a wire dateline at the start of its paragraph? (never a speaker)"""
    return any(s <= tok.idx < e for s, e in _datelines(tok.doc))


def in_quote(quotes: list[Quote], pos: int) -> Quote | None:
    """The quotation holding character ``pos``, if any.

    Asked for nearly every token, so a scan of every quote made long articles quadratic (800 KB of
    prose holds thousands of quotes); ``find_quotes`` returns them sorted and disjoint, so a
    bisection finds the one candidate (any other list falls back to the scan)."""
    starts = _quote_starts(quotes)
    if starts is None:
        return next((q for q in quotes if q.start <= pos < q.end), None)
    i = bisect_right(starts, pos) - 1
    return quotes[i] if i >= 0 and pos < quotes[i].end else None


_QUOTE_INDEX: list[tuple[list[Quote], int, list[int] | None]] = []  # the last list asked about


def _quote_starts(quotes: list[Quote]) -> list[int] | None:
    """Start offsets of ``quotes`` when sorted and disjoint (None otherwise), for the last list seen."""
    if _QUOTE_INDEX and _QUOTE_INDEX[0][0] is quotes and _QUOTE_INDEX[0][1] == len(quotes):
        return _QUOTE_INDEX[0][2]
    ordered = all(a.end <= b.start for a, b in itertools.pairwise(quotes))
    starts = [q.start for q in quotes] if ordered else None
    _QUOTE_INDEX[:] = [(quotes, len(quotes), starts)]
    return starts


def drop_trailing_dates(toks: list[Token]) -> list[Token]:
    """'denied the accusations on Tuesday': the date says when it was said, not what."""
    toks = sorted(toks, key=lambda t: t.i)
    while toks and toks[-1].ent_type_ in ("DATE", "TIME"):
        toks = toks[:-1]
        while toks and toks[-1].ent_type_ in ("DATE", "TIME"):
            toks = toks[:-1]
        if toks and toks[-1].dep_ == "prep":
            toks = toks[:-1]
    return toks


def rest_of_sentence(doc: Doc, sent: Span, phrase: list[Token]) -> tuple[int, int] | None:
    """The longer side of ``sent`` around an attribution phrase ("according to X"), trimmed."""
    lo, hi = min(t.i for t in phrase), max(t.i for t in phrase)
    before = [t for t in sent if t.i < lo]
    after = [t for t in sent if t.i > hi]
    side = after if len(after) >= len(before) else before
    return trim(doc, side)


# --- speakers -------------------------------------------------------------------------------------


def speaker_span(doc: Doc, head: Token) -> Span:
    """The speaker noun phrase: the subject's subtree, or its core when the subtree is long."""
    span = doc[head.left_edge.i : head.right_edge.i + 1]
    if len(span.text) <= MAX_SPEAKER and not any(t.dep_ in ("relcl", "acl") for t in head.children):
        return _strip_span(span)
    # keep the names of an apposition ("Deputy U.S. Ambassador to the U.N., Robert Wood, ...")
    for child in head.children:
        if child.dep_ == "appos" and child.ent_type_ == "PERSON":
            return _strip_span(doc[child.left_edge.i : child.right_edge.i + 1])
    left = head.left_edge.i
    right = head.i
    for child in head.rights:
        if (child.dep_ in ("conj", "cc", "compound", "flat") and child.right_edge.i - left < 12) or (child.dep_ == "prep" and child.lower_ == "of" and child.right_edge.i - left < 8):
            right = child.right_edge.i
        else:
            break
    span = doc[left : right + 1]
    if len(span.text) > MAX_SPEAKER:
        span = doc[max(left, head.i - 4) : head.i + 1]
    return _strip_span(span)


def _strip_span(span: Span) -> Span:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_punct or doc[start].lower_ in ("both", "along") or in_dateline(doc[start])):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].dep_ == "cc" or doc[end - 1].lower_ == "both"):
        end -= 1
    return doc[start:end] if end > start else span


def is_source(lex: Lexicon, head: Token) -> bool:
    """Could this subject be a source at all (for weak cues such as 'show' or 'condemn')?"""
    if head.ent_type_ in SOURCE_ENTS or (head.lower_ in lex.pronouns and head.lower_ not in ("it", "i", "we")):
        return True
    if head.tag_ in ("NNS", "NNPS") and head.text[:1].isupper() and not head.lower_.endswith("s"):
        return True  # a name the tagger took for a plural ("Koltsa called ...")
    lemma = head.lemma_.lower()
    return (lemma in lex.source_nouns or lemma in lex.role_words or lemma in lex.nouns
            or head.pos_ == "PROPN")


def antecedent(subj: Token) -> Token:
    """'inspectors, who said ...': a relative pronoun speaks for the noun its clause hangs on."""
    verb = subj.head
    if subj.lower_ in _RELATIVE and subj.tag_ in ("WP", "WDT") and verb.dep_ == "relcl" and verb.head.i != verb.i:
        return verb.head
    return subj


def find_subject(tok: Token) -> Token | None:
    """The subject as written (a relative pronoun stays a pronoun; see ``antecedent``)."""
    subj = own_subject(tok)
    if subj is not None:
        return subj
    return _borrowed_subject(tok)


def own_subject(tok: Token) -> Token | None:
    """The nominal subject of ``tok`` itself (never a token of a wire dateline)."""
    for child in tok.children:
        if child.dep_ in _SUBJ and not in_dateline(child):
            return child
    return None


def agent_of(tok: Token) -> Token | None:
    """Who a passive verb names as its doer: the "by" agent, or a "by X" the parser hung on the last word
    of the verb's "as" predicate ("refuted as 'incorrect' and 'unfounded' by the ministry")."""
    for child in tok.children:
        if child.dep_ == "agent":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    if not any(c.dep_ == "auxpass" for c in tok.children):
        return None
    for pred in tok.children:
        if pred.dep_ == "prep" and pred.lower_ == "as" and pred.i > tok.i:
            for by in pred.subtree:
                if by.lower_ == "by" and by.dep_ in ("prep", "agent") and by.right_edge.i == pred.right_edge.i:
                    return next((g for g in by.children if g.dep_ == "pobj"), None)
    return None


def _borrowed_subject(tok: Token) -> Token | None:
    agent = agent_of(tok)
    if agent is not None:
        return agent
    # "..., remarked Wood": an inverted subject the parser took for an object
    if any(c.dep_ == "ccomp" and c.i < tok.i for c in tok.children):
        for child in tok.rights:
            if child.dep_ == "dobj" and (child.ent_type_ in SOURCE_ENTS or child.pos_ == "PROPN"):
                return child
    # an adverbial or coordinated cue borrows the subject of its head ("..., asserting that")
    cur = tok
    for _ in range(2):
        if cur.dep_ in ("advcl", "conj", "xcomp") and cur.head.i != cur.i:
            cur = cur.head
            subj = own_subject(cur)
            if subj is not None:
                return subj
        else:
            break
    return None


# --- contents -------------------------------------------------------------------------------------


def clause(head: Token) -> list[Token]:
    """A reported clause: from its complementizer on, without a coordinated attribution of its own
    ("... that A, and the White House said that B")."""
    toks = subtree(head)
    marks = [c for c in head.children if c.dep_ == "mark" and c.lower_ == "that"]
    if marks:
        toks = [t for t in toks if t.i >= marks[0].i]
    verbs = lexicon().verbs
    for c in head.children:
        if c.dep_ == "conj" and c.lemma_.lower() in verbs and any(g.dep_ == "nsubj" for g in c.children):
            cut = {t.i for t in c.subtree}
            toks = [t for t in toks if t.i not in cut and t.i < c.left_edge.i]
    return _cut_at_semicolon(toks)


def _cut_at_semicolon(toks: list[Token]) -> list[Token]:
    """'X says A; Y puts the figure at B': a semicolon followed by an attribution of its own ends the
    clause (the parser often hangs the second attribution inside the first one's clause)."""
    verbs = lexicon().verbs
    toks = sorted(toks, key=lambda t: t.i)
    for k, t in enumerate(toks):
        if t.text != ";":
            continue
        rest = toks[k + 1 :]
        if any(v.lemma_.lower() in verbs and v.tag_.startswith("VB")
               and any(g.dep_ == "nsubj" and g.i > t.i for g in v.children) for v in rest):
            return toks[:k]
    return toks


def names_claim(noun: Token) -> bool:
    """Does a noun name a claim: a claim or speech noun ('the reports', 'his denial'), or any noun with a
    that-clause ('fears that ...')?"""
    lex = lexicon()
    lemma = noun.lemma_.lower()
    return lemma in lex.claim_nouns or lemma in lex.speech_nouns or any(
        c.dep_ in ("acl", "ccomp", "relcl") and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
        for c in noun.children)


def content_tokens(tok: Token, cue: VerbCue, quotes: list[Quote]) -> tuple[list[Token], str] | None:
    """The content of a reporting verb and how it was found (ccomp, xcomp, dobj, of/for/on, quote), or None."""
    children = list(tok.children)
    doc = tok.doc
    # "X said, “...”" / "X said: “...”": the quotation that follows is the content
    j = tok.i + 1
    while j < len(doc) and (doc[j].dep_ in ("prt", "npadvmod") or doc[j].ent_type_ in ("DATE", "TIME")):
        j += 1
    if j + 1 < len(doc) and doc[j].text in (",", ":"):
        q = in_quote(quotes, doc[j + 1].idx)
        if q is not None and q.start == doc[j + 1].idx and "ccomp" in cue.content:
            span = doc.char_span(q.start, q.end, alignment_mode="expand")
            if span is not None:
                return list(span), "quote"
    for kind in cue.content:
        if kind == "ccomp":
            for c in children:
                if c.dep_ == "ccomp":
                    named = _named_proposition(tok, c)
                    if named is not None:
                        return named, "dobj"
                    return clause(c), "ccomp"
            said_in = _said_in_that(tok)
            if said_in is not None:
                return said_in, "ccomp"
            # "..., he said": spaCy may hang the cue off the reported clause
            if tok.dep_ in ("parataxis",) or (tok.dep_ == "ccomp" and tok.i > tok.head.i and tok.head.dep_ == "ROOT"):
                head = tok.head
                own = {t.i for t in tok.subtree}
                return [t for t in head.subtree if t.i not in own and t.i < tok.left_edge.i], "ccomp"
        elif kind == "xcomp":
            for c in children:
                if c.dep_ == "xcomp" and c.i > tok.i:
                    return subtree(c), "xcomp"
        elif kind == "dobj":
            for c in children:
                if c.dep_ == "dobj":
                    if cue.objects and c.lemma_.lower() not in cue.objects:
                        continue
                    if cue.propositional and not names_claim(c):
                        continue
                    toks = subtree(c)
                    for d in children:
                        if _predicate_of(c, d, cue) or (cue.polarity == "deny" and _denied_part(c, d)):
                            toks += subtree(d)
                    return toks, "dobj"
            if cue.particle or cue.particle_any:  # "laughed off the rumours": the particle taken for a preposition
                for c in children:
                    if c.dep_ == "prep" and c.lower_ in (cue.particle, *cue.particle_any):
                        objs = [g for g in c.children if g.dep_ == "pobj"]
                        if objs and (not cue.propositional or names_claim(objs[0])):
                            return subtree(objs[0]), "dobj"
        elif kind in ("of", "for", "on"):
            for c in children:
                if c.dep_ in ("prep", "prt") and c.lower_ == kind:
                    toks = subtree(c) if c.dep_ == "prep" else []
                    if kind in ("of", "for"):  # "accused X of ...", "blamed X for ..."
                        toks = [*(t for d in children if d.dep_ == "dobj" and d.i > tok.i for t in subtree(d)), *toks]
                    for d in children:  # "called on Congress to act"
                        if d.dep_ in ("xcomp", "dobj", "ccomp") and d.i > c.i:
                            toks += subtree(d)
                    if kind == "of" and not toks:
                        continue
                    if kind == "on" and not any(d.dep_ == "xcomp" for d in children):
                        continue  # "called on Tuesday": a date, not an appeal
                    if toks:
                        return toks, kind
            if kind == "of":  # "accused the airline of hiding": the parser may hang "of" on the object
                for d in children:
                    if d.dep_ == "dobj" and any(g.dep_ == "prep" and g.lower_ == "of" for g in d.children):
                        return subtree(d), kind
    return None


_ORDINALS = {"first", "second", "third", "latest", "last", "only", "next"}


def drop_reporter_adjunct(toks: list[Token], cue: Token) -> list[Token]:
    """'X said A, citing B' / 'X accused Y of A, becoming the first government to ...': a trailing
    participle set off by a comma that describes the reporting act, not what was reported, is cut.
    It does when it is itself a reporting verb ('citing', 'adding', 'saying') or when it makes its
    subject an agent ('becoming the first government to ...', 'becoming the latest official to ...');
    other participles ('..., leaving thousands without power') stay in the content."""
    if not toks:
        return toks
    lex = lexicon()
    toks = sorted(toks, key=lambda t: t.i)
    ids = {t.i for t in toks}
    doc = cue.doc
    for t in toks:
        if t.tag_ != "VBG" or t.dep_ not in ("advcl", "xcomp", "conj") or t.head.i not in ids or t.head.i == cue.i:
            continue
        left = t.left_edge.i
        if left == 0 or doc[left - 1].text != "," or t.right_edge.i < toks[-1].i - 1:
            continue
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
            continue  # an absolute clause ("..., the ministry saying ...") has a subject of its own
        lemma = t.lemma_.lower()
        agent = lemma == "become" and any(
            a.dep_ == "attr" and (a.lemma_.lower() in lex.source_nouns or a.lemma_.lower() in lex.role_words
                                  or (any(m.lower_ in _ORDINALS for m in a.children)
                                      and any(c.dep_ in ("acl", "relcl") for c in a.children)))
            for a in t.children)
        if (lemma in lex.verbs and not lex.verbs[lemma].weak) or lemma == "cite" or agent:
            return [x for x in toks if x.i < left - 1]
    return toks


def _predicate_of(obj: Token, d: Token, cue: VerbCue) -> bool:
    """What the cue says about its object: 'deemed it abhorrent', 'labeled X as Y', 'dismissed the
    report as fabricated' (an "as" clause), 'put the toll at 23' (the cue's own preposition)."""
    if d.i <= obj.i:
        return False
    if d.dep_ in ("oprd", "acomp"):
        return True
    if d.dep_ == "prep":
        return d.lower_ in ("as", cue.with_prep)
    return d.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ == "as" for g in d.children)


def _denied_part(obj: Token, prep: Token) -> bool:
    """'denied any role in the strike': the parser often hangs the noun's "in X" on the verb (always
    when the object is quoted); it belongs to what is denied, unless it says when or where it was said."""
    if prep.dep_ != "prep" or prep.lower_ not in ("in", "of", "for") or prep.i > obj.right_edge.i + 2:
        return False
    objs = [g for g in prep.children if g.dep_ == "pobj"]
    return bool(objs) and objs[0].ent_type_ not in ("DATE", "TIME") and objs[0].lemma_.lower() not in lexicon().nouns


def _named_proposition(verb: Token, clause: Token) -> list[Token] | None:
    """'denied the accusations that A': a proposition noun and its that-clause, which the parser may
    have split into an object and a clause of the verb; both are the content."""
    lex = lexicon()
    for obj in verb.children:
        if (obj.dep_ == "dobj" and obj.i < clause.i and obj.lemma_.lower() in lex.claim_nouns
                and clause.left_edge.i <= obj.right_edge.i + 2):
            return [t for t in verb.subtree if obj.left_edge.i <= t.i <= clause.right_edge.i]
    return None


def _said_in_that(verb: Token) -> list[Token] | None:
    """'X said in a statement that A': the that-clause hangs on the document noun, not the verb."""
    lex = lexicon()
    for prep in verb.children:
        if prep.dep_ != "prep":
            continue
        for noun in prep.children:
            if noun.dep_ != "pobj" or noun.lemma_.lower() not in lex.nouns:
                continue
            for cl in noun.children:
                marks = [m for m in cl.children if m.dep_ == "mark" and m.lower_ == "that"]
                if cl.dep_ in ("acl", "ccomp", "relcl") and marks:
                    # the clause runs on past what the parser attached to the noun ("supplied, armed
                    # or operated ..."): everything after "that" but a coordinated attribution
                    toks = [t for t in verb.subtree if t.i >= marks[0].i]
                    for c in verb.children:
                        if c.i > marks[0].i and c.dep_ == "conj" and c.lemma_.lower() in lex.verbs:
                            toks = [t for t in toks if t.i < c.left_edge.i]
                    return _cut_at_semicolon(toks)
    return None


# --- cues ---------------------------------------------------------------------------------------

_CUE_LEFT = ("aux", "neg", "advmod")


def cue_span(tok: Token) -> tuple[int, int]:
    """Character span of a verb cue: the verb with the auxiliaries and adverbs right before it ("has
    repeatedly said", "also noted"), as PolNeAR marks cues. Only an unbroken run of the verb's own
    children counts; an adverb must be an adverb by tag ("then" as a conjunction-like advmod is)."""
    kids = {c.i: c for c in tok.lefts if c.dep_ in _CUE_LEFT}
    start = tok.i
    while start - 1 in kids and (kids[start - 1].dep_ != "advmod" or kids[start - 1].tag_.startswith("RB")):
        start -= 1
    return tok.doc[start].idx, tok.idx + len(tok.text)
