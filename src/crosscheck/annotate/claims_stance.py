"""Stance of a claim: polarity (assert or deny) and hedges.

Polarity comes from the cue (``data/cues.json``: deny, reject, dismiss, contest, refute ...), from
"rule out" (a denial; "did not rule out" is a hedged assertion), from a false-word predicate
("called it false") and from the content itself ("we have nothing to do with this", "the reports
are baseless": ``content_denial``). Hedges are words around the cue and the content that weaken the claim
("reportedly", "may", "appeared to", "did not rule out") and distancing cues ("claim", "allege").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosscheck.annotate.claims_spans import Cand, doc_text, in_quote

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.tokens import Doc, Span, Token

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


# --- denials said in the content ------------------------------------------------------------------

_POINTERS = {"this", "that", "these", "those", "it", "they", "all", "everything", "none", "nothing"}
_SPEAKER_PRON = {"he": False, "she": False, "they": True, "it": True}  # pronoun -> speaker is a group/org
_GROUP_ENTS = ("ORG", "GPE", "NORP")
_CONTENT_WORDS = ("NOUN", "PROPN", "ADJ")


def content_denial(doc: Doc, c: Cand, lex: Lexicon) -> tuple[str | None] | None:
    """Is the content itself a denial? ``(points_at,)`` when it is, else None.

    Two general shapes, read off each main clause of the content:

    * a denied link whose subject is the speaker: "we have nothing to do with this", "he had no
      role in the attack", "the ministry is not responsible for ..." (``content_denials`` in
      ``data/cues.json``); the subject is the speaker when it is first person, a pronoun that fits
      the speaker, shares a content word with the speaker, or is the speaker's country;
    * a verdict on what is denied: "the accusations are baseless", "that is not true", "none of
      it is true" (a claim noun or a pointing pronoun as subject; it is what the denial points at).
    """
    if c.polarity != "assert":
        return None
    if c.kind != "according_to" and not c.direct:
        cue = lex.verbs.get(c.cue)
        if cue is None or "ccomp" not in cue.content or cue.weak or cue.hedge:
            return None
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None:
        return None
    for r in span:
        if not (r.head.i == r.i or not span.start <= r.head.i < span.end) or r.pos_ not in ("VERB", "AUX"):
            continue
        subj = next((ch for ch in r.children if ch.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None:
            continue
        negated = any(ch.dep_ == "neg" for ch in r.children)
        preds = [r, *(ch for ch in r.children if ch.dep_ in ("acomp", "attr", "oprd"))]
        negated = negated or any(g.dep_ == "neg" for p in preds[1:] for g in p.children)
        words = {w for p in preds for w in (p.lemma_.lower(), p.lower_)}
        what = subj.lemma_.lower() in lex.claim_nouns or subj.lower_ in _POINTERS
        if subj.lower_ == "it" and any(g.dep_ in ("xcomp", "ccomp", "csubj") for p in preds for g in p.children):
            what = False  # "it was absurd to charge ...": an expletive "it" points at nothing
        if what and ((not negated and words & lex.false_words)
                     or (words & lex.true_words and (negated or subj.lower_ in ("none", "nothing")))
                     or (negated and words & lex.support_words)
                     or (negated and subj.lower_ in DEMONSTRATIVES and _past_act(r) and _passive(r))):
            pointer = doc[subj.left_edge.i : subj.right_edge.i + 1].text
            return (pointer if subj.lemma_.lower() in lex.claim_nouns else None,)
        if _is_speaker(subj, c.speaker, lex) and (
                _denied_link(r, preds, negated, lex) or _own_denial(r, negated, lex)
                or (negated and subj.pos_ == "PRON" and _own_act(r, lex))):
            return (None,)
    return _no_basis(span, lex)


DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})  # never the speaker of a denial ("this rules out")
_NOT_YET = frozenset({"yet", "still"})


def _past_act(r: Token, *, perfect: bool = True) -> bool:
    """Does the clause report a past act, neither future, modal nor pending ("did not threaten", "had
    not approved", "was never told"; not "will not", "could not", "has not yet decided")? ``perfect``:
    a present perfect counts ("has never been discussed")."""
    kids = list(r.children)
    if any(k.tag_ == "MD" or (k.dep_ == "advmod" and k.lower_ in _NOT_YET) for k in kids):
        return False
    aux = [k for k in kids if k.dep_ in ("aux", "auxpass")]
    if r.tag_ == "VBD":
        return True
    if r.tag_ == "VBN":
        return any(a.tag_ in (("VBD", "VBZ", "VBP", "VBN") if perfect else ("VBD",)) for a in aux)
    return r.tag_ == "VB" and any(a.lemma_.lower() == "do" and a.tag_ == "VBD" for a in aux)


def _own_act(r: Token, lex: Lexicon) -> bool:
    """A past act the speaker says they did not do ("we did not threaten anybody", "it had not approved the
    deal"): active voice (a passive says what others did not do to the speaker), no copula, no attitude to a
    further act ("did not like to", "did not want to"), no hedge ("had probably not")."""
    lemma = r.lemma_.lower()
    if lemma == "be" or lemma in lex.stative_verbs or lemma in lex.verbs or _passive(r) or not _past_act(r, perfect=False):
        return False
    return not any(k.dep_ == "xcomp" or (k.dep_ == "advmod" and k.lower_ in lex.hedge_adverbs) for k in r.children)


def _passive(r: Token) -> bool:
    return any(k.dep_ == "auxpass" for k in r.children)


def _own_denial(r: Token, negated: bool, lex: Lexicon) -> bool:
    """The speaker denies in the content itself: "I reject that entirely", "we deny any wrongdoing"."""
    cue = lex.verbs.get(r.lemma_.lower())
    if cue is None or cue.polarity != "deny" or negated or cue.particle:
        return False
    return not any(k.tag_ == "MD" or k.dep_ == "xcomp" for k in r.children)  # "must rebut": a duty, not a denial


def _no_basis(span: Span, lex: Lexicon) -> tuple[str | None] | None:
    """'there is no truth to the claim', 'there was no basis for the reports': a verdict that the
    claim has no truth, basis or substance (``basis_nouns``), said of what it names."""
    for r in span:
        copula = r.lemma_.lower() == "be" or r.lower_.replace("\u2019", "'") == "'s"  # "there's": lemma "'" or "’"
        if not copula or not any(k.dep_ == "expl" for k in r.children):
            continue
        if r.head.i != r.i and span.start <= r.head.i < span.end:
            continue  # a main clause of the content only ("the FBI concluded there was no basis for ...")
        negated = any(k.dep_ == "neg" for k in r.children)
        for attr in r.children:
            if attr.dep_ not in ("attr", "dobj") or attr.lemma_.lower() not in lex.basis_nouns:
                continue
            dets = {k.lower_ for k in attr.children if k.dep_ == "det"}
            if "no" in dets or (negated and ("any" in dets or not dets)):
                objs = [g for p in attr.children if p.dep_ == "prep" for g in p.children if g.dep_ == "pobj"]
                what = [g for g in objs if g.lemma_.lower() in lex.claim_nouns]
                if not what and not (attr.lemma_.lower() == "truth" and all(g.lower_ in _POINTERS for g in objs)):
                    continue  # "no basis for a prosecution": not a verdict on a claim
                doc = span.doc
                return (doc[what[0].left_edge.i : what[0].right_edge.i + 1].text if what else None,)
    return None


def _denied_link(r: Token, preds: list[Token], negated: bool, lex: Lexicon) -> bool:
    """'have nothing to do with', 'had no role in', 'played no part in', 'did not have anything to do
    with', 'is not responsible for', 'were not involved in' (but not 'will not take part in')."""
    if negated and any(p.lower_ in lex.unlinked for p in preds):
        return True
    for d in r.children:
        if d.dep_ != "dobj":
            continue
        doc = d.doc
        nxt = " ".join(t.lower_ for t in doc[d.i + 1 : d.i + 4])
        if (d.lower_ == "nothing" or (d.lower_ == "anything" and negated)) and nxt == "to do with":
            return True
        if r.lemma_.lower() in ("have", "play") and d.lemma_.lower() in lex.link_nouns and (negated or any(g.lower_ == "no" for g in d.children)):
            return True
    return False


def _is_speaker(subj: Token, speaker: Span | None, lex: Lexicon) -> bool:
    """Does the content's subject stand for the speaker?"""
    low = subj.lower_
    if low in ("i", "we") or any(g.dep_ == "poss" and g.lower_ in ("my", "our") for g in subj.children):
        return True
    if speaker is None:
        return False
    head = speaker.root
    group = head.tag_ in ("NNS", "NNPS") or head.ent_type_ in _GROUP_ENTS or (
        head.lemma_.lower() in lex.source_nouns and head.lemma_.lower() not in lex.role_words)
    if low in _SPEAKER_PRON:
        return _SPEAKER_PRON[low] == group
    mine = {t.lower_ for t in subj.subtree if t.pos_ in _CONTENT_WORDS}
    theirs = {t.lower_ for t in speaker if t.pos_ in _CONTENT_WORDS}
    countries = {lex.demonyms[w].lower() for w in theirs if w in lex.demonyms}
    subj_text = " ".join(t.text for t in subj.subtree).lower().removeprefix("the ")
    # the speaker's country: by the demonym table, or a demonym built on the name ("Syria" - "Syrian")
    return bool(mine & theirs) or subj_text in countries or (
        len(subj_text) >= 4 and any(w.startswith(subj_text) and len(w) <= len(subj_text) + 3 for w in theirs))
