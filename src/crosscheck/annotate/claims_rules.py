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
    agent_of,
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
from crosscheck.annotate.claims_stance import DEMONSTRATIVES, says_false, verb_stance
from crosscheck.annotate.cues import is_quote_mark

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from crosscheck.annotate.cues import Lexicon
    from crosscheck.annotate.quotes import Quote


# --- reporting verbs ------------------------------------------------------------------------------


def verb_cands(doc: Doc, sent: Span, lex: Lexicon, quotes: list[Quote]) -> list[Cand]:
    """Claims governed by a reporting verb of ``sent``: subject = speaker, a complement = content."""
    out: list[Cand] = []
    pointers: set[int] = set()  # cue offsets of denials whose content only points ("denied them")
    elaborated: set[int] = set()  # cue offsets of denials a participle of theirs spells out
    for tok in sent:
        lemma = tok.lemma_.lower()
        cue = lex.verbs.get(lemma) or lex.phrasal_denials.get(lemma)
        if not tok.tag_.startswith("VB") or in_quote(quotes, tok.idx):
            continue
        if lemma != "call" and (cue is None or cue.polarity != "deny" or cue.particle or cue.particle_any):
            false = _predicated_false(doc, sent, tok, lex, quotes)
            if false is not None:
                out.append(false)
                continue
        if cue is None:
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
        if any(c.dep_ == "auxpass" for c in children) and agent_of(tok) is None:
            continue  # "was said to", "is claimed": no source
        passive = _passive_denied(tok, lex) if polarity == "deny" else None
        if passive is None and tok.tag_ == "VBN" and tok.dep_ in ("advcl", "acl") and own_subject(tok) is None:
            continue  # "Asked whether ..., the colonel said": the asker is not the subject
        subj = find_subject(tok)
        if subj is None or subj.lower_ == "there" or in_quote(quotes, subj.idx):
            continue
        if cue.weak and not is_source(lex, subj):
            continue
        if polarity == "deny" and subj.lower_ in DEMONSTRATIVES and subj.tag_ == "DT":
            continue  # "this rules out ...": a consequence, not a speaker's denial
        denied = _elaborates(tok, lex) if polarity == "assert" and not cue.distancing else None
        if denied is not None:  # "denied the claims, saying A": A is the denial
            polarity, elaborated = "deny", elaborated | {denied.idx}
        found = (passive, "dobj") if passive is not None else (
            _denied_then_verb(tok) if polarity == "deny" else None) or content_tokens(tok, cue, quotes)
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
        if denied is not None:
            obj = next((c for c in denied.children if c.dep_ == "dobj"), None)
            points = doc[obj.left_edge.i : obj.right_edge.i + 1].text if obj is not None else None
        elif polarity == "deny" and how == "dobj" and passive is None and is_pointer(lex, toks):
            pointers.add(tok.idx)
        out.append(Cand(span[0], span[1], cue_name, "indirect", False, sent.start_char, sent.end_char,
                         speaker_span(doc, subj), *cue_span(tok), polarity,
                         hedges, points, order=tok.idx))
    # one claim per denial: a pointing denial spelled out by its own participle is that participle's claim
    return [c for c in out if not (c.order in pointers and c.order in elaborated)]


_POINTER_DEPS = frozenset({"acl", "relcl", "ccomp", "appos", "prep"})


def is_pointer(lex: Lexicon, toks: list[Token]) -> bool:
    """Does a denial's object only point at what is denied ("them", "the claims", "these reports")
    without saying it (no clause, apposition or phrase of its own)?"""
    heads = [t for t in toks if t.head.i == t.i or t.head not in toks]
    if len(heads) != 1:
        return False
    head = heads[0]
    if head.pos_ == "PRON":
        return True
    inside = {t.i for t in toks}
    return head.lemma_.lower() in lex.claim_nouns and not any(
        c.dep_ in _POINTER_DEPS and c.i in inside for c in head.children)


def _elaborates(tok: Token, lex: Lexicon) -> Token | None:
    """'X denied the claims, saying A' / 'rejected the report, adding: "..."': a reporting participle
    hung on a denial verb spells the denial out; the denial verb it elaborates, or None."""
    head = tok.head
    if tok.tag_ != "VBG" or tok.dep_ not in ("advcl", "xcomp", "conj") or head.i == tok.i or head.i > tok.i:
        return None
    cue = lex.verbs.get(head.lemma_.lower())
    if cue is None or cue.polarity != "deny" or cue.lemma in lex.contest_cues or not head.tag_.startswith("VB"):
        return None  # "contested the claim, saying A": A is an argument, not the denial
    if any(c.dep_ == "neg" for c in head.children):
        return None
    # only when the denial itself just points ("denied them"); "rejected any rise, saying A" gives a reason
    obj = next((c for c in head.children if c.dep_ == "dobj"), None)
    return head if obj is not None and is_pointer(lex, subtree(obj)) else None


def _passive_denied(tok: Token, lex: Lexicon) -> list[Token] | None:
    """What a passive denial denies, when it names who denies it: 'reports that A have been refuted
    by the ministry' (the passive subject) and 'accusations of A, claims denied by the party' (the noun
    the participle describes; a bare claim noun set off by a comma renames the phrase before it)."""
    if agent_of(tok) is None:
        return None
    for c in tok.children:
        if c.dep_ == "nsubjpass":  # a proposition: "the case was dismissed by a court" is a ruling
            said = c.lemma_.lower() in lex.claim_nouns or c.lemma_.lower() in lex.speech_nouns or any(
                g.dep_ in ("acl", "ccomp") and any(m.lower_ == "that" for m in g.children) for g in c.children)
            return subtree(c) if said else None
    if tok.dep_ != "acl" or tok.tag_ != "VBN":
        return None
    noun, drop = tok.head, {t.i for t in tok.subtree}
    toks = [t for t in noun.subtree if t.i not in drop]
    doc = tok.doc
    if is_pointer(lex, toks) and noun.left_edge.i >= 2 and doc[noun.left_edge.i - 1].text == ",":
        renamed = doc[noun.left_edge.i - 2]
        while renamed.head.i != renamed.i and renamed.head.right_edge.i == renamed.right_edge.i:
            renamed = renamed.head
        if renamed.pos_ in ("NOUN", "PROPN") or renamed.tag_.startswith("NN"):
            return subtree(renamed)
        while renamed.head.i != renamed.i and renamed.dep_ in ("pobj", "prep"):
            renamed = renamed.head
        if renamed.tag_.startswith("NN") and renamed.right_edge.i == noun.left_edge.i - 2:
            return subtree(renamed)
    return toks or None


def _denied_then_verb(tok: Token) -> tuple[list[Token], str] | None:
    """'X denied Y, his deputy, said A': the parser takes Y for the object and the denial for a clause of
    the verb that follows; what is denied is Y's whole clause (Y said A)."""
    head = tok.head
    if tok.dep_ != "ccomp" or head.i <= tok.i or not head.tag_.startswith("VB") or own_subject(head) is not None:
        return None
    obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
    if obj is None or obj.pos_ not in ("PROPN", "NOUN") or obj.right_edge.i >= head.i:
        return None
    own = {t.i for t in tok.subtree}
    return [*subtree(obj), *(t for t in head.subtree if t.i > obj.right_edge.i and t.i not in own)], "ccomp"


def _predicated_false(doc: Doc, sent: Span, tok: Token, lex: Lexicon, quotes: list[Quote]) -> Cand | None:
    """'Officials knocked the claim as false', 'slammed the reports as baseless': any verb whose source
    subject says its object is false (an "as" predicate with a false word) denies the object."""
    if any(c.dep_ == "neg" for c in tok.children):
        return None
    obj = next((c for c in tok.children if c.dep_ == "dobj" and c.i > tok.i), None)
    if obj is None:
        return None
    pred = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "as" and c.i > obj.i), None)
    if pred is None:  # the parser may hang "as false" on the last verb of the object's clause
        pred = next((t for t in obj.subtree if t.lower_ == "as" and t.dep_ == "prep" and t.right_edge.i == obj.right_edge.i), None)
    if pred is None or not says_false(lex, pred.subtree):
        return None
    subj = find_subject(tok)
    if subj is None or in_quote(quotes, subj.idx) or not is_source(lex, subj):
        return None
    toks = [*subtree(obj), *(t for t in pred.subtree if t.i > obj.right_edge.i)]
    span, what = trim(doc, toks), trim(doc, [t for t in subtree(obj) if t.i < pred.i])
    if span is None or what is None:
        return None
    return Cand(span[0], span[1], tok.lemma_.lower(), "indirect", False, sent.start_char, sent.end_char,
                speaker_span(doc, subj), *cue_span(tok), "deny", points_at=doc_text(doc)[what[0]:what[1]],
                order=tok.idx)


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
