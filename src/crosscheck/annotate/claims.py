"""Attributed claims: who said what, with which cue, stance and hedges (issue: claims).

Three rule passes over the parse, then one pass that resolves speakers in text order:

1. reporting verbs (``data/cues.json``): the subject is the speaker, a complement (clause,
   infinitive, object, "of ...") the content; "as X reported, ..." takes the rest of the sentence;
2. "according to X" and its kin: the rest of the sentence is the content;
3. quotations the first two did not cover: a cue next to the quote, or a quote-only sentence or
   paragraph that continues the previous direct quote.

Only sentences that pass a cheap test (a quote mark or a cue word) are examined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from crosscheck.annotate.cues import QUOTE_MARKS, Lexicon, VerbCue, lexicon, may_attribute
from crosscheck.annotate.quotes import Quote, find_quotes
from crosscheck.annotate.speakers import Resolved, SpeakerResolver
from crosscheck.model import Article, Claim, EntityMention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["extract_claims"]

_SUBJ = ("nsubj",)
_SOURCE_ENTS = ("PERSON", "ORG", "GPE", "NORP")
_RELATIVE = {"who", "which", "that", "whom"}
# A wire dateline opening a paragraph: "LISSEK, March 10 (Northgate Wire) -", "VELL —"
_DATELINE = re.compile(
    r"[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,3}(?:, [A-Z][a-z]{2,8}\.? \d{1,2})?(?: \([^)\n]{1,40}\))? ?[-–—]+ ")
_LEAD_TRIM = {"that", ",", ":", "-", "\u2014", "\u2013"}
_MAX_SPEAKER = 80
_MAX_CONTENT = 450


@dataclass(slots=True)
class _Cand:
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


# --- spans ----------------------------------------------------------------------------------------


def _trim(doc: Doc, toks: list[Token]) -> tuple[int, int] | None:
    """Character span of a token run without a leading complementizer and trailing punctuation."""
    toks = sorted((t for t in toks if not t.is_space), key=lambda t: t.i)
    while toks and (toks[0].lower_ in _LEAD_TRIM or (toks[0].is_punct and toks[0].text not in QUOTE_MARKS)):
        toks = toks[1:]
    while toks and toks[-1].is_punct and toks[-1].text not in QUOTE_MARKS and toks[-1].text not in ").":
        toks = toks[:-1]
    while toks and toks[-1].text == "." and len(toks) > 1 and toks[-1].idx == toks[-2].idx + len(toks[-2].text):
        toks = toks[:-1]  # a sentence-final period is not part of an indirect clause
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _subtree(tok: Token) -> list[Token]:
    return list(tok.subtree)


def _in_dateline(tok: Token) -> bool:
    """Is ``tok`` part of a wire dateline at the start of its paragraph? (never a speaker)"""
    text = tok.doc.text
    start = text.rfind("\n", 0, tok.idx) + 1
    m = _DATELINE.match(text, start)
    return m is not None and tok.idx < m.end()


def _in_quote(quotes: list[Quote], pos: int) -> Quote | None:
    for q in quotes:
        if q.start <= pos < q.end:
            return q
    return None


def _speaker_span(doc: Doc, head: Token) -> Span:
    """The speaker noun phrase: the subject's subtree, or its core when the subtree is long."""
    span = doc[head.left_edge.i : head.right_edge.i + 1]
    if len(span.text) <= _MAX_SPEAKER and not any(t.dep_ in ("relcl", "acl") for t in head.children):
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
    if len(span.text) > _MAX_SPEAKER:
        span = doc[max(left, head.i - 4) : head.i + 1]
    return _strip_span(span)


def _strip_span(span: Span) -> Span:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_punct or doc[start].lower_ in ("both", "along") or _in_dateline(doc[start])):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].dep_ == "cc" or doc[end - 1].lower_ == "both"):
        end -= 1
    return doc[start:end] if end > start else span


def _is_source(lex: Lexicon, head: Token) -> bool:
    """Could this subject be a source at all (for weak cues such as 'show' or 'condemn')?"""
    if head.ent_type_ in _SOURCE_ENTS or (head.lower_ in lex.pronouns and head.lower_ not in ("it", "i", "we")):
        return True
    if head.tag_ in ("NNS", "NNPS") and head.text[:1].isupper() and not head.lower_.endswith("s"):
        return True  # a name the tagger took for a plural ("Koltsa called ...")
    lemma = head.lemma_.lower()
    return (lemma in lex.source_nouns or lemma in lex.role_words or lemma in lex.nouns
            or head.pos_ == "PROPN")


# --- pass 1: reporting verbs --------------------------------------------------------------------


def _antecedent(subj: Token) -> Token:
    """'inspectors, who said ...': a relative pronoun speaks for the noun its clause hangs on."""
    verb = subj.head
    if subj.lower_ in _RELATIVE and subj.tag_ in ("WP", "WDT") and verb.dep_ == "relcl" and verb.head.i != verb.i:
        return verb.head
    return subj


def _find_subject(tok: Token) -> Token | None:
    """The subject as written (a relative pronoun stays a pronoun; see ``_antecedent``)."""
    subj = _own_subject(tok)
    if subj is not None:
        return subj
    return _borrowed_subject(tok)


def _own_subject(tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ in _SUBJ and not _in_dateline(child):
            return child
    return None


def _borrowed_subject(tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ == "agent":
            for g in child.children:
                if g.dep_ == "pobj":
                    return g
    # "..., remarked Wood": an inverted subject the parser took for an object
    if any(c.dep_ == "ccomp" and c.i < tok.i for c in tok.children):
        for child in tok.rights:
            if child.dep_ == "dobj" and (child.ent_type_ in _SOURCE_ENTS or child.pos_ == "PROPN"):
                return child
    # an adverbial or coordinated cue borrows the subject of its head ("..., asserting that")
    cur = tok
    for _ in range(2):
        if cur.dep_ in ("advcl", "conj", "xcomp") and cur.head.i != cur.i:
            cur = cur.head
            subj = _own_subject(cur)
            if subj is not None:
                return subj
        else:
            break
    return None


def _clause(head: Token) -> list[Token]:
    """A reported clause: from its complementizer on, without a coordinated attribution of its own
    ("... that A, and the White House said that B")."""
    toks = _subtree(head)
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


def _content_tokens(tok: Token, cue: VerbCue, quotes: list[Quote]) -> tuple[list[Token], str] | None:
    children = list(tok.children)
    doc = tok.doc
    # "X said, “...”" / "X said: “...”": the quotation that follows is the content
    j = tok.i + 1
    while j < len(doc) and (doc[j].dep_ in ("prt", "npadvmod") or doc[j].ent_type_ in ("DATE", "TIME")):
        j += 1
    if j + 1 < len(doc) and doc[j].text in (",", ":"):
        q = _in_quote(quotes, doc[j + 1].idx)
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
                    return _clause(c), "ccomp"
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
                    return _subtree(c), "xcomp"
        elif kind == "dobj":
            for c in children:
                if c.dep_ == "dobj":
                    if cue.objects and c.lemma_.lower() not in cue.objects:
                        continue
                    toks = _subtree(c)
                    for d in children:
                        if _predicate_of(c, d, cue) or (cue.polarity == "deny" and _denied_part(c, d)):
                            toks += _subtree(d)
                    return toks, "dobj"
        elif kind in ("of", "for", "on"):
            for c in children:
                if c.dep_ in ("prep", "prt") and c.lower_ == kind:
                    toks = _subtree(c) if c.dep_ == "prep" else []
                    if kind in ("of", "for"):  # "accused X of ...", "blamed X for ..."
                        toks = [*(t for d in children if d.dep_ == "dobj" and d.i > tok.i for t in _subtree(d)), *toks]
                    for d in children:  # "called on Congress to act"
                        if d.dep_ in ("xcomp", "dobj", "ccomp") and d.i > c.i:
                            toks += _subtree(d)
                    if kind == "of" and not toks:
                        continue
                    if kind == "on" and not any(d.dep_ == "xcomp" for d in children):
                        continue  # "called on Tuesday": a date, not an appeal
                    if toks:
                        return toks, kind
            if kind == "of":  # "accused the airline of hiding": the parser may hang "of" on the object
                for d in children:
                    if d.dep_ == "dobj" and any(g.dep_ == "prep" and g.lower_ == "of" for g in d.children):
                        return _subtree(d), kind
    return None


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


def _called(doc: Doc, sent: Span, tok: Token, lex: Lexicon, quotes: list[Quote]) -> _Cand | None:
    """'X called the sanctions "economic warfare"', 'called it false': what X says the object is; a
    denial when the predicate says false. The object and the predicate are the content."""
    children = list(tok.children)
    objs = [c for c in children if c.dep_ == "dobj" and c.i > tok.i]
    if not objs:
        return None  # "what X called ...": the quote pass takes the quotation
    preds = [c for c in children if c.dep_ in ("oprd", "acomp", "xcomp", "ccomp") and c.i > objs[0].i]
    subj = _find_subject(tok)
    if not preds or subj is None or _in_quote(quotes, subj.idx) or not _is_source(lex, subj):
        return None
    pred_toks = [t for p in preds for t in p.subtree]
    span = _trim(doc, [*_subtree(objs[0]), *pred_toks])
    obj = _trim(doc, _subtree(objs[0]))
    if span is None or obj is None:
        return None
    deny = any(t.lemma_.lower() in lex.false_words or t.lower_ in lex.false_words for t in pred_toks)
    return _Cand(span[0], span[1], "call", "indirect", False, sent.start_char, sent.end_char,
                 _speaker_span(doc, subj), tok.idx, tok.idx + len(tok.text), "deny" if deny else "assert",
                 points_at=doc.text[obj[0]:obj[1]] if deny else None, order=tok.idx)


def _drop_trailing_dates(toks: list[Token]) -> list[Token]:
    """'denied the accusations on Tuesday': the date says when it was said, not what."""
    toks = sorted(toks, key=lambda t: t.i)
    while toks and toks[-1].ent_type_ in ("DATE", "TIME"):
        toks = toks[:-1]
        while toks and toks[-1].ent_type_ in ("DATE", "TIME"):
            toks = toks[:-1]
        if toks and toks[-1].dep_ == "prep":
            toks = toks[:-1]
    return toks


def _verb_cands(doc: Doc, sent: Span, lex: Lexicon, quotes: list[Quote]) -> list[_Cand]:
    out: list[_Cand] = []
    for tok in sent:
        lemma = tok.lemma_.lower()
        cue = lex.verbs.get(lemma)
        if cue is None or not tok.tag_.startswith("VB") or _in_quote(quotes, tok.idx):
            continue
        children = list(tok.children)
        if lemma == "call" and not any(c.dep_ == "neg" for c in children):
            named = _called(doc, sent, tok, lex, quotes)
            if named is not None:
                out.append(named)
                continue
        prt = [c.lower_ for c in children if c.dep_ in ("prt", "prep")]
        if (cue.particle and cue.particle not in prt) or (cue.with_prep and cue.with_prep not in prt):
            continue
        if cue.particle_any and not any(p in prt for p in cue.particle_any):
            continue
        negated = any(c.dep_ == "neg" for c in children)
        polarity = cue.polarity
        hedges: list[str] = []
        cue_name = lemma if not cue.particle else f"{lemma} {cue.particle}"
        if cue.particle == "out" and lemma == "rule":
            if negated:
                hedges.append("did not rule out")
                cue_name = "not rule out"
            else:
                polarity = "deny"
        elif negated:
            continue  # "did not say", "did not deny": no claim either way
        if any(c.dep_ == "auxpass" for c in children) and not any(c.dep_ == "agent" for c in children):
            continue  # "was said to", "is claimed": no source
        if tok.tag_ == "VBN" and tok.dep_ in ("advcl", "acl") and _own_subject(tok) is None:
            continue  # "Asked whether ..., the colonel said": the asker is not the subject
        subj = _find_subject(tok)
        if subj is None or subj.lower_ == "there" or _in_quote(quotes, subj.idx):
            continue
        if cue.weak and not _is_source(lex, subj):
            continue
        found = _content_tokens(tok, cue, quotes)
        if found is None:
            continue
        toks, how = found
        if how in ("dobj", "of"):
            toks = _drop_trailing_dates(toks)
        lo, hi = subj.left_edge.i, subj.right_edge.i
        if lo <= tok.i <= hi:  # a relative clause's antecedent holds the clause: drop only up to the cue
            hi = tok.i
        toks = [t for t in toks if t.i not in (tok.i, subj.i) and not lo <= t.i <= hi]
        span = _trim(doc, toks)
        if span is None or (len(doc.text[span[0]:span[1]].split()) < 2 and polarity != "deny"):
            continue
        if cue.distancing or cue.hedge:
            hedges.append(lemma)
        points = doc.text[span[0]:span[1]] if polarity == "deny" and how == "dobj" else None
        out.append(_Cand(span[0], span[1], cue_name, "indirect", False, sent.start_char, sent.end_char,
                         _speaker_span(doc, subj), tok.idx, tok.idx + len(tok.text), polarity,
                         tuple(hedges), points, order=tok.idx))
    return out


# --- pass 2: according to -----------------------------------------------------------------------


def _rest_of_sentence(doc: Doc, sent: Span, phrase: list[Token]) -> tuple[int, int] | None:
    lo, hi = min(t.i for t in phrase), max(t.i for t in phrase)
    before = [t for t in sent if t.i < lo]
    after = [t for t in sent if t.i > hi]
    side = after if len(after) >= len(before) else before
    return _trim(doc, side)


def _according_cands(doc: Doc, sent: Span, lex: Lexicon, quotes: list[Quote]) -> list[_Cand]:
    out: list[_Cand] = []
    for tok in sent:
        if _in_quote(quotes, tok.idx):
            continue
        low = tok.lower_
        if low == "according":
            tos = [c for c in tok.children if c.lower_ == "to"]
            objs = [g for c in tos for g in c.children if g.dep_ == "pobj"]
            if not objs and tok.i + 2 < sent.end and doc[tok.i + 1].lower_ == "to":
                objs = [doc[tok.i + 2].head if doc[tok.i + 2].head.i > tok.i else doc[tok.i + 2]]
            if not objs:
                continue
            src = objs[0]
            phrase = [tok, *(t for c in tos for t in c.subtree)]
            phrase = phrase + list(src.subtree)
            cue, cue_end = "according to", tok.idx + len("according to")
        elif tok.tag_.startswith("VB") and tok.lemma_.lower() in lex.verbs and any(
                c.lower_ == "as" and c.dep_ in ("mark", "advmod", "prep") and c.i < tok.i for c in tok.children):
            # "as reported by X, ...", "as X said, ..."
            src = _find_subject(tok)
            if src is None:
                continue
            phrase = list(tok.subtree)
            cue, cue_end = tok.lemma_.lower(), tok.idx + len(tok.text)
        else:
            continue
        span = _rest_of_sentence(doc, sent, phrase)
        if span is None or span[1] - span[0] < 8:
            continue
        out.append(_Cand(span[0], span[1], cue, "according_to", False, sent.start_char, sent.end_char,
                         _speaker_span(doc, src), tok.idx, cue_end, order=tok.idx))
    return out


# --- pass 2b: reporting nouns ------------------------------------------------------------------

_ABOUT = ("of", "about", "regarding", "concerning", "over", "on")


def _noun_cands(doc: Doc, sent: Span, lex: Lexicon, quotes: list[Quote]) -> list[_Cand]:
    """'a denial from X regarding A', "X's claim that A": a reporting noun with its source (a
    possessive, or "from"/"by" X) and its content (a that-clause; for a denial also "of/about A")."""
    out: list[_Cand] = []
    for tok in sent:
        polarity = lex.speech_nouns.get(tok.lemma_.lower())
        if polarity is None or not tok.tag_.startswith("NN") or _in_quote(quotes, tok.idx):
            continue
        src = next((c for c in tok.children if c.dep_ == "poss"), None)
        if src is None:
            src = next((g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("from", "by")
                        for g in c.children if g.dep_ == "pobj"), None)
        if src is None or not _is_source(lex, src) or src.lower_ in ("its", "it"):
            continue
        toks: list[Token] = []
        # the parser may hang "regarding A" on the verb governing the noun: take it when adjacent
        near = [c for c in tok.head.children if c.dep_ == "prep" and c.i == tok.right_edge.i + 1] \
            if tok.dep_ == "dobj" else []
        for c in [*tok.children, *near]:
            if c.dep_ in ("acl", "ccomp", "relcl") and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children):
                toks = _clause(c)
                break
            if polarity == "deny" and c.dep_ == "prep" and c.lower_ in _ABOUT and c.i > tok.i:
                toks = [t for g in c.children if g.dep_ == "pobj" for t in g.subtree]
                break
        span = _trim(doc, toks) if toks else None
        if span is None or len(doc.text[span[0]:span[1]].split()) < 2:
            continue
        out.append(_Cand(span[0], span[1], tok.lemma_.lower(), "indirect", False, sent.start_char, sent.end_char,
                         _speaker_span(doc, src), tok.idx, tok.idx + len(tok.text), polarity,
                         order=tok.idx))
    return out


# --- pass 3: quotations -------------------------------------------------------------------------


def _quote_words(doc: Doc, q: Quote) -> list[Token]:
    span = doc.char_span(q.start, q.end, alignment_mode="expand")
    return [t for t in span if not t.is_punct] if span is not None else []


def _quote_cands(doc: Doc, lex: Lexicon, quotes: list[Quote], found: list[_Cand]) -> list[_Cand]:
    out: list[_Cand] = []
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
                if cue is None or not tok.tag_.startswith("VB") or _in_quote(quotes, tok.idx):
                    continue
                subj = _find_subject(tok)
                if subj is None or _in_quote(quotes, subj.idx) or any(c.dep_ == "neg" for c in tok.children):
                    continue
                if cue.weak and not _is_source(lex, subj):
                    continue
                dist = min(abs(tok.idx - q.start), abs(tok.idx - q.end))
                if best is None or dist < best[0]:
                    best = (dist, tok, subj)
        sent0 = span[0].sent
        if best is not None:
            _, tok, subj = best
            out.append(_Cand(q.start, q.end, tok.lemma_.lower(), "direct", True, sent0.start_char,
                             span[-1].sent.end_char, _speaker_span(doc, subj), tok.idx, tok.idx + len(tok.text),
                             order=q.start))
            claimed.append((q.start, q.end))
            continue
        # a quote-only sentence or paragraph continues the previous direct quote
        before = doc.text[sent0.start_char : q.start].strip()
        after_sent = span[-1].sent
        after = doc.text[q.end : after_sent.end_char].strip()
        if before or (after and not all(ch in ".,;:!?)" for ch in after)):
            continue
        prev = [c for c in [*found, *out] if c.end <= q.start]
        if not prev:
            continue
        last = max(prev, key=lambda c: c.end)
        gap = doc.text[max(last.end, last.sent_end) : q.start]
        if last.kind not in ("direct", "mixed") or gap.count("\n") > 2 or len(gap.strip(" \n.,;:" + QUOTE_MARKS)) > 0:
            continue
        out.append(_Cand(q.start, q.end, last.cue, "direct", True, sent0.start_char, after_sent.end_char,
                         None, inherit=True, order=q.start))
        claimed.append((q.start, q.end))
    return out


# --- quotes inside candidates, hedges -----------------------------------------------------------


def _apply_quotes(c: _Cand, text: str, quotes: list[Quote]) -> None:
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


def _hedges(doc: Doc, c: _Cand, lex: Lexicon, quotes: list[Quote]) -> tuple[str, ...]:
    found = list(c.hedges)
    lo = min(c.start, c.cue_start if c.cue_start is not None else c.start)
    hi = max(c.end, c.cue_end or c.end)
    span = doc.char_span(lo, hi, alignment_mode="expand")
    region = doc.text[lo:hi].lower()
    for phrase in lex.hedge_phrases:
        if phrase in region and phrase not in found:
            found.append(phrase)
    if span is not None:
        for tok in span:
            if _in_quote(quotes, tok.idx):
                continue
            low = tok.lower_
            if low in lex.hedge_adverbs or (low in lex.hedge_modals and tok.tag_ == "MD"):
                found.append(low)
            elif tok.lemma_.lower() in lex.hedge_verbs and any(ch.dep_ == "xcomp" for ch in tok.children):
                found.append(f"{tok.lemma_.lower()} to")
    return tuple(dict.fromkeys(found))


# --- entry point --------------------------------------------------------------------------------


def extract_claims(doc: Doc, article: Article, mentions: list[EntityMention]) -> list[Claim]:
    """Find every attributed claim in ``doc`` (whose text is ``article.text``), in text order."""
    del mentions  # speakers are resolved from the parse; mentions share its entities
    lex = lexicon()
    text = article.text
    quotes = find_quotes(text)
    body = _body_start(article)
    cands: list[_Cand] = []
    for sent in doc.sents:
        if sent.start_char < body or not may_attribute(sent.text):
            continue
        cands.extend(_verb_cands(doc, sent, lex, quotes))
        cands.extend(_according_cands(doc, sent, lex, quotes))
        cands.extend(_noun_cands(doc, sent, lex, quotes))
    for c in cands:
        _apply_quotes(c, text, quotes)
    cands.extend(_quote_cands(doc, lex, [q for q in quotes if q.start >= body], cands))
    cands = _dedupe(cands)
    return _finish(doc, article, lex, quotes, cands)


def _body_start(article: Article) -> int:
    """Where the body starts: after a first paragraph that repeats the headline. A headline restates a
    claim of the body in telegram style ("Ministry rejects ..."); it is not a claim of its own."""
    title = (article.title or "").strip()
    first = article.text.split("\n", 1)[0]
    if title and first.strip() == title:
        return len(first)
    return 0


def _dedupe(cands: list[_Cand]) -> list[_Cand]:
    out: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (c.start, -c.end)):
        dup = next((o for o in out if o.start == c.start and o.end == c.end), None)
        if dup is not None:
            continue
        if c.end - c.start > _MAX_CONTENT:
            continue
        out.append(c)
    return out


def _finish(doc: Doc, article: Article, lex: Lexicon, quotes: list[Quote], cands: list[_Cand]) -> list[Claim]:
    resolver = SpeakerResolver(doc, lex)
    resolved: dict[int, tuple[Resolved, Span | None]] = {}
    last: tuple[Resolved, Span | None] | None = None
    for idx, c in sorted(enumerate(cands), key=lambda x: x[1].order):
        if c.inherit or c.speaker is None:
            r = last if last is not None else (Resolved(None), None)
        else:
            target = c.speaker
            if len(target) == 1 and _antecedent(target[0]).i != target[0].i:
                target = _speaker_span(doc, _antecedent(target[0]))  # "who" -> the noun it stands for
            r = (resolver.resolve(target), c.speaker)
            resolver.note(c.order, r[0])
        resolved[idx] = r
        last = r
    claims: list[Claim] = []
    order = sorted(range(len(cands)), key=lambda i: (cands[i].start, cands[i].end))
    for n, idx in enumerate(order, start=1):
        c = cands[idx]
        r, span = resolved[idx]
        speaker = r.name or (span.text if span is not None else None)
        if speaker and len(speaker) > _MAX_SPEAKER:
            speaker = speaker[:_MAX_SPEAKER].rsplit(" ", 1)[0]
        hedges = _hedges(doc, c, lex, quotes)
        claims.append(Claim(
            id=f"{article.id}:c{n}",
            article_id=article.id,
            start=c.start,
            end=c.end,
            content=article.text[c.start : c.end],
            cue=c.cue,
            kind=c.kind,  # type: ignore[arg-type]
            direct=c.direct,
            polarity=c.polarity,  # type: ignore[arg-type]
            speaker=speaker,
            speaker_text=span.text if span is not None else None,
            speaker_start=span.start_char if span is not None else None,
            speaker_end=span.end_char if span is not None else None,
            speaker_entity=r.entity,
            cue_start=c.cue_start,
            cue_end=c.cue_end,
            hedged=bool(hedges),
            hedges=hedges,
            sentence_start=c.sent_start,
            sentence_end=c.sent_end,
            points_at=c.points_at,
        ))
    nested = _nest(claims)
    return [replace(c, id=f"{article.id}:c{n}") for n, c in enumerate(nested, start=1)]


def _nest(claims: list[Claim]) -> list[Claim]:
    """Nested reporting ("..., Reuters writes"): the inner claim records who reported it. An
    "according to X" / "as reported by X" wrapper around another attribution is not a claim of its
    own: it only says who relayed the inner one."""
    out = []
    for c in claims:
        inner = [o for o in claims if o is not c and o.cue_start is not None and c.start <= o.cue_start < c.end]
        if c.kind == "according_to" and inner:
            continue
        outer = [o for o in claims if o is not c and o.cue_start is not None and c.cue_start is not None
                 and o.start <= c.cue_start < o.end and not (c.start <= o.cue_start < c.end)]
        out.append(replace(c, reported_by=outer[0].speaker) if outer and outer[0].speaker else c)
    return out
