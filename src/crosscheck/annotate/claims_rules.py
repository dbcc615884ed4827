"""The claim passes over parsed sentences: reporting verbs, "according to", reporting nouns.

1. reporting verbs (``data/cues.json``): the subject is the speaker, a complement (clause,
   infinitive, object, "of ...") the content; "called X Y" says what X is;
2. "according to X" and "as X reported, ...": the rest of the sentence is the content; a paragraph
   opening with "according to X" carries it to the next sentences that open with a time adverbial
   and have no attribution of their own;
3. reporting nouns with a source and a content ("a denial from X regarding A", "X's claim that A").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosscheck.annotate.claims_spans import (
    Cand,
    clause,
    content_tokens,
    cue_span,
    doc_text,
    drop_reporter_adjunct,
    drop_trailing_dates,
    find_subject,
    in_quote,
    is_source,
    own_subject,
    rest_of_sentence,
    speaker_span,
    subtree,
    trim,
)
from crosscheck.annotate.claims_stance import says_false, verb_stance
from crosscheck.annotate.cues import is_quote_mark

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from crosscheck.annotate.cues import Lexicon
    from crosscheck.annotate.quotes import Quote


# --- reporting verbs ------------------------------------------------------------------------------


def verb_cands(doc: Doc, sent: Span, lex: Lexicon, quotes: list[Quote]) -> list[Cand]:
    """Claims governed by a reporting verb of ``sent``: subject = speaker, a complement = content."""
    out: list[Cand] = []
    for tok in sent:
        lemma = tok.lemma_.lower()
        cue = lex.verbs.get(lemma)
        if cue is None or not tok.tag_.startswith("VB") or in_quote(quotes, tok.idx):
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
        stance = verb_stance(cue, negated=any(c.dep_ == "neg" for c in children))
        if stance is None:
            continue
        cue_name, polarity, hedges = stance
        if any(c.dep_ == "auxpass" for c in children) and not any(c.dep_ == "agent" for c in children):
            continue  # "was said to", "is claimed": no source
        if tok.tag_ == "VBN" and tok.dep_ in ("advcl", "acl") and own_subject(tok) is None:
            continue  # "Asked whether ..., the colonel said": the asker is not the subject
        subj = find_subject(tok)
        if subj is None or subj.lower_ == "there" or in_quote(quotes, subj.idx):
            continue
        if cue.weak and not is_source(lex, subj):
            continue
        found = content_tokens(tok, cue, quotes)
        if found is None:
            continue
        toks, how = found
        if how in ("dobj", "of"):
            toks = drop_trailing_dates(toks)
        if how != "quote":
            toks = drop_reporter_adjunct(toks, tok)
        lo, hi = subj.left_edge.i, subj.right_edge.i
        if lo <= tok.i <= hi:  # a relative clause's antecedent holds the clause: drop only up to the cue
            hi = tok.i
        toks = [t for t in toks if t.i not in (tok.i, subj.i) and not lo <= t.i <= hi]
        span = trim(doc, toks)
        if span is None:
            continue
        if len(doc_text(doc)[span[0]:span[1]].split()) < 2 and polarity != "deny" and not (
                how == "dobj" and all(t.pos_ == "PROPN" for t in toks if not t.is_punct)):
            continue  # one word is no claim, unless it names whom the speaker endorses or attacks
        points = doc_text(doc)[span[0]:span[1]] if polarity == "deny" and how == "dobj" else None
        out.append(Cand(span[0], span[1], cue_name, "indirect", False, sent.start_char, sent.end_char,
                         speaker_span(doc, subj), *cue_span(tok), polarity,
                         hedges, points, order=tok.idx))
    return out


def _called(doc: Doc, sent: Span, tok: Token, lex: Lexicon, quotes: list[Quote]) -> Cand | None:
    """'X called the sanctions "economic warfare"', 'called it false': what X says the object is; a
    denial when the predicate says false. The object and the predicate are the content."""
    children = list(tok.children)
    objs = [c for c in children if c.dep_ == "dobj" and c.i > tok.i]
    if not objs:
        return None  # "what X called ...": the quote pass takes the quotation
    preds = [c for c in children if c.dep_ in ("oprd", "acomp", "xcomp", "ccomp") and c.i > objs[0].i]
    subj = find_subject(tok)
    if not preds or subj is None or in_quote(quotes, subj.idx) or not is_source(lex, subj):
        return None
    pred_toks = [t for p in preds for t in p.subtree]
    span = trim(doc, [*subtree(objs[0]), *pred_toks])
    obj = trim(doc, subtree(objs[0]))
    if span is None or obj is None:
        return None
    deny = says_false(lex, pred_toks)
    return Cand(span[0], span[1], "call", "indirect", False, sent.start_char, sent.end_char,
                 speaker_span(doc, subj), *cue_span(tok), "deny" if deny else "assert",
                 points_at=doc_text(doc)[obj[0]:obj[1]] if deny else None, order=tok.idx)


# --- according to --------------------------------------------------------------------------------


def according_cands(doc: Doc, sent: Span, lex: Lexicon, quotes: list[Quote]) -> list[Cand]:
    """"According to X, A" and "as X reported, A": the rest of the sentence is the content."""
    out: list[Cand] = []
    src: Token | None
    for tok in sent:
        if in_quote(quotes, tok.idx):
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
            src = find_subject(tok)
            if src is None:
                continue
            phrase = list(tok.subtree)
            cue, cue_end = tok.lemma_.lower(), tok.idx + len(tok.text)
        else:
            continue
        span = rest_of_sentence(doc, sent, phrase)
        if span is None or span[1] - span[0] < 8:
            continue
        out.append(Cand(span[0], span[1], cue, "according_to", False, sent.start_char, sent.end_char,
                         speaker_span(doc, src), tok.idx, cue_end, order=tok.idx))
    return out


_CARRY_ADVERBS = {"also", "additionally", "furthermore", "moreover", "meanwhile", "separately", "later", "earlier",
                  "then", "subsequently", "previously"}


def according_carry(doc: Doc, lex: Lexicon, cands: list[Cand]) -> list[Cand]:
    """'According to a ministry report, A. On Friday, B also ...': a paragraph that opens with an
    according-to attribution carries it over to the sentences right after it that open with a time or
    linking adverbial ('On Friday, ...', 'Meanwhile, ...'), carry no cue word or quotation of their own
    and no other claim. The carried claim keeps the cue and source of the opening one."""
    text = doc_text(doc)
    out: list[Cand] = []
    claimed = [(c.start, c.end) for c in cands]
    for c in cands:
        if c.kind != "according_to" or c.cue != "according to" or c.speaker is None:
            continue
        para_start = text.rfind("\n", 0, c.sent_start) + 1
        if text[para_start : c.sent_start].strip():
            continue  # not the paragraph's first sentence
        sent = doc.char_span(c.sent_start, c.sent_end, alignment_mode="expand")
        if sent is None:
            continue
        nxt = sent[-1].i + 1
        while nxt < len(doc):
            s = doc[nxt].sent
            if "\n" in text[c.sent_end if not out else out[-1].sent_end : s.start_char]:
                break  # the paragraph ended
            if (_own_attribution(s, lex) or any(a < s.end_char and s.start_char < b for a, b in claimed)
                    or not _opens_with_adverbial(s)):
                break
            span = trim(doc, list(s))
            if span is None:
                break
            out.append(Cand(span[0], span[1], c.cue, "according_to", False, s.start_char, s.end_char,
                            c.speaker, c.cue_start, c.cue_end, order=s.start_char))
            nxt = s.end
    return out


def _own_attribution(sent: Span, lex: Lexicon) -> bool:
    """A quotation mark, 'according', or a reporting verb that needs no source check (a weak cue such as
    'found' or 'showed' in 'engineers also found cracks' is an act, not an attribution)."""
    return any(is_quote_mark(t.text) or t.lower_ == "according" or (
        t.tag_.startswith("VB") and t.lemma_.lower() in lex.verbs and not lex.verbs[t.lemma_.lower()].weak)
        for t in sent)


def _opens_with_adverbial(sent: Span) -> bool:
    """Does the sentence open with a time or linking adverbial set off by a comma ('On Friday,',
    'Meanwhile,', 'Two days later,')?"""
    comma = next((t for t in sent if t.text == ","), None)
    if comma is None or comma.i - sent.start > 5:
        return False
    head = [t for t in sent[: comma.i - sent.start] if t.head.i >= comma.i or t.head.i == t.i]
    if not head or any(t.dep_ not in ("prep", "advmod", "npadvmod") for t in head):
        return False
    lead = sent[: comma.i - sent.start]
    return any(t.ent_type_ in ("DATE", "TIME") for t in lead) or (len(lead) == 1 and lead[0].lower_ in _CARRY_ADVERBS)


# --- reporting nouns ------------------------------------------------------------------------------

_ABOUT = ("of", "about", "regarding", "concerning", "over", "on")


def noun_cands(doc: Doc, sent: Span, lex: Lexicon, quotes: list[Quote]) -> list[Cand]:
    """'a denial from X regarding A', "X's claim that A": a reporting noun with its source (a
    possessive, or "from"/"by" X) and its content (a that-clause; for a denial also "of/about A")."""
    out: list[Cand] = []
    for tok in sent:
        polarity = lex.speech_nouns.get(tok.lemma_.lower())
        if polarity is None or not tok.tag_.startswith("NN") or in_quote(quotes, tok.idx):
            continue
        src = next((c for c in tok.children if c.dep_ == "poss"), None)
        if src is None:
            src = next((g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("from", "by")
                        for g in c.children if g.dep_ == "pobj"), None)
        if src is None or not is_source(lex, src) or src.lower_ in ("its", "it"):
            continue
        toks: list[Token] = []
        # the parser may hang "regarding A" on the verb governing the noun: take it when adjacent
        near = [c for c in tok.head.children if c.dep_ == "prep" and c.i == tok.right_edge.i + 1] \
            if tok.dep_ == "dobj" else []
        for c in [*tok.children, *near]:
            if c.dep_ in ("acl", "ccomp", "relcl") and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children):
                toks = clause(c)
                break
            if polarity == "deny" and c.dep_ == "prep" and c.lower_ in _ABOUT and c.i > tok.i:
                toks = [t for g in c.children if g.dep_ == "pobj" for t in g.subtree]
                break
        span = trim(doc, toks) if toks else None
        if span is None or len(doc_text(doc)[span[0]:span[1]].split()) < 2:
            continue
        out.append(Cand(span[0], span[1], tok.lemma_.lower(), "indirect", False, sent.start_char, sent.end_char,
                         speaker_span(doc, src), tok.idx, tok.idx + len(tok.text), polarity,
                         order=tok.idx))
    return out
