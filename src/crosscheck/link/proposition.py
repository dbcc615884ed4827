"""Who does what to whom: a predicate-argument signature per claim, from a parse of its content.

Sentence embeddings and shared words say two claims are *about* the same thing; they do not
say the claims assert the same proposition. "Russia used North Korean missiles" and "North
Korea supplied missiles to Russia" share every content word and most of their meaning for
MiniLM, yet their agents differ. A claim's signature holds:

- ``verbs``: lemmas of the main predicate (and its conjuncts), or of the gerund of an
  "accused X of doing" content;
- ``agents`` / ``patients``: entity keys inside the subject (or "by" agent) and inside the
  objects, from the article's entity mentions;
- ``negated``: the main predicate is negated ("did not launch");
- ``figures``: the claim's own figures, leaving out a figure it rejects ("nine drones, not
  six as first reported": six is the old figure, not this claim's).

:func:`compatible` is the veto the groups apply on top of the similarity score: claims whose
agents conflict, or one of which negates what the other asserts, never join.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from crosscheck.link import words
from crosscheck.link.entities import hints, keys_in

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

    from crosscheck.model import Claim, Quantity

_SUBJ = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
_OBJ = frozenset({"dobj", "obj", "attr", "oprd", "dative"})
# a figure the claim rejects or replaces: "not six", "rather than six", "up from 14", "instead of six"
_REJECTED = re.compile(r"(?:\bnot|\brather than|\binstead of|\bup from|\bdown from|\bfrom an earlier|\bcompared with)\s*$",
                       re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Signature:
    """The predicate-argument signature of one claim (JSON-able through :meth:`to_json`)."""

    verbs: frozenset[str] = frozenset()
    agents: frozenset[str] = frozenset()
    patients: frozenset[str] = frozenset()
    negated: bool = False
    denial: bool = False  # the content itself denies ("Dravonia denies that any drone was launched ...")

    def to_json(self) -> dict[str, Any]:
        """A JSON-able copy."""
        return {"verbs": sorted(self.verbs), "agents": sorted(self.agents), "patients": sorted(self.patients),
                "negated": self.negated, "denial": self.denial}

    @classmethod
    def from_json(cls, v: dict[str, Any] | None) -> Signature:
        """A signature from its stored form (empty when absent)."""
        if not v:
            return cls()
        return cls(frozenset(v.get("verbs", ())), frozenset(v.get("agents", ())), frozenset(v.get("patients", ())),
                   bool(v.get("negated")), bool(v.get("denial")))


@cache
def _nlp() -> Language:
    from crosscheck.annotate.nlp import load

    return load(disable=("ner",))


def _span_keys(tokens: list[Token], base: int, spans: dict[tuple[int, int], str]) -> set[str]:
    """Entity keys of mentions inside the character range the tokens cover (article offsets)."""
    if not tokens:
        return set()
    lo = min(t.idx for t in tokens) + base
    hi = max(t.idx + len(t.text) for t in tokens) + base
    return keys_in(spans, lo, hi)


def _head_phrase(tok: Token) -> list[Token]:
    """The tokens naming who a noun phrase is: its head, compounds, possessors and coordinated heads.

    "Russia's use of North Korean missiles" is Russia's act; "missiles supplied by North
    Korea" names no agent of the clause (the supplier is inside a modifier).
    """
    out = [tok]
    for c in tok.children:
        if c.dep_ in ("compound", "poss", "flat", "appos"):
            out += list(c.subtree)
        elif c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN"):
            out += _head_phrase(c)
    return out


def from_doc(doc: Doc, base: int, spans: dict[tuple[int, int], str]) -> Signature:
    """The signature of a parsed claim content starting at article offset ``base``."""
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if not roots:
        return Signature()
    root = roots[0]
    ccomp = [c for c in root.children if c.dep_ == "ccomp"]
    # "is certain (that) the drones had taken off": the clause hangs from the adjective
    ccomp += [g for c in root.children if c.dep_ == "acomp" and c.lemma_.lower() in _epistemic()
              for g in c.children if g.dep_ == "ccomp"]
    denial = bool(ccomp) and root.lemma_.lower() in _deny_verbs()
    vouch = root.lemma_.lower() in _epistemic() or any(
        c.dep_ == "acomp" and c.lemma_.lower() in _epistemic() for c in root.children)
    if ccomp and (denial or vouch or not any(c.dep_ in _SUBJ for c in root.children)):
        # "alleges that Russia used ...": the content is the clause; "X denies that ...": its negation;
        # "our services have established that the drones took off ...": the clause is what is claimed
        root = ccomp[0]
    verbs: set[str] = set()
    agents: set[str] = set()
    patients: set[str] = set()
    negated = False
    heads = [root] + [c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
    if root.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "prep" and c.lower_ == "of" for c in root.children):
        # "Dravonia of carrying out the strike" (accused X of doing Y): X is the agent of Y
        of = next(c for c in root.children if c.dep_ == "prep" and c.lower_ == "of")
        acts = [g for g in of.subtree if g.tag_ == "VBG" or g.pos_ == "VERB"]
        if acts:
            verbs.add(predicate(acts[0]))
            agents |= _span_keys(_head_phrase(root), base, spans) - _span_keys(list(of.subtree), base, spans)
            objs = [g for g in acts[0].children if g.dep_ in _OBJ]
            patients |= {k for g in objs for k in _span_keys(_head_phrase(g), base, spans)}
            return Signature(frozenset(verbs), frozenset(agents), frozenset(patients), False)
    for h in heads:
        if h.pos_ in ("VERB", "AUX"):
            verbs.add(predicate(h))
        for c in h.children:
            if c.dep_ in ("nsubj", "csubj") and c.pos_ != "PRON":
                agents |= _span_keys(_head_phrase(c), base, spans)
            elif c.dep_ == "nsubjpass":
                patients |= _span_keys(_head_phrase(c), base, spans)
            elif c.dep_ == "agent":
                agents |= {k for g in c.children for k in _span_keys(_head_phrase(g), base, spans)}
            elif c.dep_ in _OBJ:
                patients |= _span_keys(_head_phrase(c), base, spans)
            elif c.dep_ == "neg":
                negated = True
    return Signature(frozenset(verbs), frozenset(agents), frozenset(patients), negated != denial, denial)


@cache
def _epistemic() -> frozenset[str]:
    return frozenset(hints().get("epistemic", ()))


def predicate(verb: Token) -> str:
    """The concept a verb predicates: "took off" is a launch, "carried out the strike" a strike."""
    lemma = verb.lemma_.lower()
    for c in verb.children:
        if c.dep_ in ("prt", "dobj"):
            p = words.phrase(lemma, c.lemma_.lower())
            if p:
                return p
    if lemma == "be" or lemma in _epistemic():
        # "are dead", "had been confirmed dead": the state is the predicate
        comp = [c for c in verb.children if c.dep_ in ("acomp", "oprd") and c.pos_ in ("ADJ", "VERB")]
        if comp:
            return words.stem(comp[0].lemma_)
    if lemma in hints().get("light_verbs", ()):
        obj = [c for c in verb.children if c.dep_ == "dobj" and c.pos_ == "NOUN"]
        if obj:
            return words.stem(obj[0].lemma_)
    return words.stem(lemma)


@cache
def _deny_verbs() -> frozenset[str]:
    """Lemmas of the cue lexicon's denial verbs (``data/cues.json``): a content led by one denies its clause."""
    from crosscheck.packagedata import data_json

    try:
        verbs = data_json("cues.json")["verbs"]
    except (OSError, ValueError, KeyError):  # pragma: no cover - shipped with the package
        return frozenset()
    return frozenset(k for k, v in verbs.items() if isinstance(v, dict) and v.get("polarity") == "deny")


def signatures(claims: list[Claim], spans: dict[tuple[int, int], str]) -> list[Signature]:
    """Signatures of one article's claims (one batched parse of their contents)."""
    return signatures_many([(claims, spans)])[0]


def signatures_many(articles: list[tuple[list[Claim], dict[tuple[int, int], str]]]) -> list[list[Signature]]:
    """Signatures of several articles' claims, their contents parsed in one batch.

    A one-paragraph content goes through :func:`crosscheck.annotate.nlp.parse_many` (the same
    parse, with the attribute ruler and lemmatizer from memo tables); a content spanning
    paragraphs is parsed whole, as one piece, so that its signature does not depend on the split.
    """
    from crosscheck.annotate.nlp import parse_many

    contents = [c.content for claims, _ in articles for c in claims]
    nlp = _nlp()
    flat = [i for i, t in enumerate(contents) if "\n" not in t]
    docs: dict[int, Doc] = dict(zip(flat, parse_many(nlp, [contents[i] for i in flat], batch_size=128), strict=True))
    rest = [i for i, t in enumerate(contents) if "\n" in t]
    docs.update(zip(rest, nlp.pipe([contents[i] for i in rest], batch_size=64), strict=True))
    out, k = [], 0
    for claims, spans in articles:
        out.append([from_doc(docs[k + j], c.start, spans) for j, c in enumerate(claims)])
        k += len(claims)
    return out


def figures(claim: Claim, text: str, quantities: list[Quantity]) -> tuple[tuple[float, str], ...]:
    """The (value, unit) figures a claim asserts: inside its content, less those it rejects."""
    out = []
    for q in quantities:
        if not (q.start >= claim.start and q.end <= claim.end):
            continue
        if _REJECTED.search(text[max(claim.start, q.start - 24) : q.start]):
            continue
        out.append((q.value, q.unit or ""))
    return tuple(out)


def compatible(a: Signature, b: Signature) -> tuple[bool, str]:
    """(can the two claims be one proposition?, why not)."""
    if a.agents and b.agents and not (a.agents & b.agents):
        return False, "agents differ"
    if a.negated != b.negated and a.verbs & b.verbs:
        return False, "one negates the other"
    return True, ""


def shared_core(a: Signature, b: Signature) -> bool:
    """True when the two signatures share a predicate or an argument (more than topical overlap)."""
    return bool(a.verbs & b.verbs or (a.agents | a.patients) & (b.agents | b.patients))
