"""Speaker resolution without a coreference model: names, titles, roles, pronouns and recency.

A per-article registry of people is built from the parse: each PERSON mention with its full
name (as first introduced), the role nouns in its title or apposition ("US National Security
Council spokesman John Kirby" -> spokesman) and the country those titles name. Speakers written
as pronouns or role nouns are resolved against it, most recent first; a role noun whose
modifiers name another country ("the ambassador of South Korea") may also look ahead.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crosscheck.annotate import entities
from crosscheck.annotate.cues import Lexicon, role_class_members

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_DETS = {"the", "a", "an", "this", "that", "these", "those", "both", "all", "its", "his", "her", "their"}
_DEFINITE = {"the", "these", "those", "both"}
_PLURAL_NUM = {"two", "three", "four", "several", "both", "many"}


@dataclass(slots=True)
class Person:
    """One mention of a person, with what its context says about them."""

    at: int  # character offset of the mention
    name: str  # canonical full name
    roles: set[str] = field(default_factory=set)
    affiliation: str | None = None
    subject: bool = False


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolved speaker: canonical name, entity key, and whether it names several actors."""

    name: str | None
    entity: str | None = None
    kind: str = "other"  # person | group | org | document | other
    plural: bool = False
    roles: frozenset[str] = frozenset()  # a group's role words ("minister"), to match "the two officials"


def _strip_det(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in _DETS:
        words = words[1:]
    return " ".join(words).strip(" ,")


def _is_plural(tok: Token) -> bool:
    """A plural noun; a capitalised word without a final s is a name the tagger took for a plural."""
    if tok.tag_ not in ("NNS", "NNPS"):
        return False
    return not (tok.text[:1].isupper() and not tok.lower_.endswith("s"))


def _heads(ent: Span, head: Token) -> bool:
    """True when a PERSON entity is the phrase's head or stands in apposition to it."""
    if ent.start <= head.i < ent.end:
        return True
    return ent.root.dep_ == "appos" and ent.root.head.i == head.i


def _aside(tok: Token, head: Token) -> bool:
    """True when ``tok`` hangs off the phrase's head as a possessor or inside a prepositional
    phrase ("close to", "of"): it names someone the speaker is described by, not the speaker."""
    while tok.i not in (head.i, tok.head.i):
        # "a report in Iraq's newspaper, al Sabaah": what a document is *in* is where it speaks
        if tok.dep_ == "poss" or (tok.dep_ == "pobj" and tok.head.lower_ != "in"):
            return True
        tok = tok.head
    return False


def _other_name(tok: Token, full: str) -> bool:
    """True when the proper noun before ``tok`` makes it part of another name: the "Gold" of
    "Highland Gold" is not the surname of "Barrick Gold"."""
    prev = tok.nbor(-1) if tok.i > 0 else None
    if prev is None or prev.pos_ != "PROPN" or prev.sent.start != tok.sent.start:
        return False
    return prev.text.lower() not in {w.lower() for w in full.split()[:-1]}


def _country(lex: Lexicon, text: str) -> str | None:
    low = text.lower().strip()
    if low in lex.demonyms:
        return lex.demonyms[low]
    ent = entities.resolve(text)
    if ent is not None and ent.type == "country":
        return ent.name
    return None


class SpeakerResolver:
    """Resolves speaker spans of one article, in text order; remembers the speakers it has seen."""

    def __init__(self, doc: Doc, lex: Lexicon) -> None:
        self.doc = doc
        self.lex = lex
        self.people: list[Person] = []
        self.by_surname: dict[str, str] = {}
        self.history: list[tuple[int, Resolved]] = []
        self.orgs: list[tuple[int, Resolved]] = []  # organisations and documents named as subjects
        self._ents: list[Span] | None = None
        self._ent_starts: list[int] = []
        self._build()

    # --- registry -------------------------------------------------------------------------------

    def _ents_in(self, span: Span) -> list[Span]:
        """``span.ents`` (the entities wholly inside it, up to the first that runs past its end), found
        by bisection: spaCy walks every entity of the document on each call, quadratic on long texts."""
        if self._ents is None:
            self._ents = list(self.doc.ents)
            self._ent_starts = [e.start for e in self._ents]
        out = []
        for ent in self._ents[bisect_left(self._ent_starts, span.start):]:
            if ent.end > span.end:
                break
            out.append(ent)
        return out

    def _build(self) -> None:
        for ent in self.doc.ents:
            if ent.label_ != "PERSON":
                continue
            toks = [t for t in ent if not t.is_punct and t.lower_ not in self.lex.title_words]
            if not toks:
                continue
            # a role word caught inside the entity ("Ambassador Hwang") is a title, not a name; after
            # an honorific the last word is a name even when it is also a role word ("Mr King")
            named = ent[0].lower_ in self.lex.honorifics
            while toks and (toks[0].lower_ in self.lex.role_words or toks[0].lower_ in self.lex.title_words):
                if named and len(toks) == 1:
                    break
                toks = toks[1:]
            if not toks:
                continue
            name = self.doc[toks[0].i : toks[-1].i + 1].text.replace("\u2019s", "").strip()
            name = re.sub(r"'s$", "", name)
            if not name or not name.split():
                continue
            surname = toks[-1].text.lower()
            if len(toks) > 1 and surname not in self.by_surname:
                self.by_surname[surname] = name
            person = Person(at=ent.start_char, name=name, subject=ent.root.dep_ in ("nsubj", "nsubjpass"))
            self._titles(ent, person)
            self.people.append(person)
        self._appositions()
        self._groups()
        self._org_subjects()
        for p in self.people:  # single surnames get the full name introduced anywhere in the article
            last = p.name.split()[-1].lower()
            if " " not in p.name and last in self.by_surname:
                p.name = self.by_surname[last]

    def _appositions(self) -> None:
        """'Arvenia's ambassador, Milo Dantry,': a name in apposition to a role noun is a person even
        when the entity recogniser missed it (or called it an organisation)."""
        known = {p.at for p in self.people}
        for tok in self.doc:
            head = tok.head
            if (tok.dep_ != "appos" or tok.pos_ != "PROPN" or head.i == tok.i
                    or head.lemma_.lower() not in self.lex.role_words or tok.ent_type_ == "PERSON"):
                continue
            toks = [t for t in tok.subtree if t.i <= tok.i and t.pos_ == "PROPN"]
            if len(toks) < 2 or toks[0].idx in known:
                continue
            name = self.doc[toks[0].i : tok.i + 1].text
            person = Person(at=toks[0].idx, name=name, roles={head.lemma_.lower()},
                            subject=head.dep_ in ("nsubj", "nsubjpass"))
            for t in head.subtree:
                if t.i < head.i and (t.ent_type_ in ("NORP", "GPE") or t.lower_ in self.lex.demonyms):
                    person.affiliation = person.affiliation or _country(self.lex, t.text)
            self.by_surname.setdefault(tok.lower_, name)
            self.people.append(person)
        self.people.sort(key=lambda p: p.at)

    def _org_subjects(self) -> None:
        """Organisations and documents that are the subject of a clause, for a later 'it'."""
        for tok in self.doc:
            if tok.dep_ not in ("nsubj", "nsubjpass") or tok.lower_ in self.lex.pronouns:
                continue
            named = tok.ent_type_ in ("ORG", "GPE", "NORP") and (tok.i + 1 >= len(self.doc) or tok.nbor().ent_iob_ != "I")
            if not named and tok.lemma_.lower() not in self.lex.nouns:
                continue
            span = self.doc[tok.left_edge.i : tok.i + 1]
            if len(span.text) > 60 or any(t.ent_type_ == "PERSON" for t in span):
                continue
            text = _strip_det(span.text)
            ent = entities.resolve(text)
            kind = "document" if tok.lemma_.lower() in self.lex.nouns else "org"
            self.orgs.append((span.start_char, Resolved(ent.name if ent else text, ent.key if ent else None, kind=kind)))

    def _groups(self) -> None:
        """Coordinated people ("Jake Sullivan and Jang Ho-jin called ...") as a plural speaker."""
        self.groups: list[tuple[int, Resolved]] = []
        ents = [e for e in self.doc.ents if e.label_ == "PERSON"]
        for a, b in itertools.pairwise(ents):
            # "A and <title> B" in one noun phrase: no verb or clause break between the names
            between = self.doc[a.end : b.start]
            if (a.sent.start == b.sent.start and len(between) <= 12 and between and between[0].lower_ == "and"
                    and not any(t.pos_ in ("VERB", "AUX") or t.text in ",;:" for t in between)):
                names = [self._name_at(m.start_char) or m.text for m in (a, b)]
                roles = frozenset(r for p in self.people if p.at in (a.start_char, b.start_char) for r in p.roles)
                self.groups.append((a.start_char, Resolved(" and ".join(names), kind="group", plural=True, roles=roles)))

    def _name_at(self, at: int) -> str | None:
        return next((p.name for p in self.people if p.at == at), None)

    def _titles(self, ent: Span, person: Person) -> None:
        """Role nouns and country words in the title before the name, or in an apposition around it."""
        sent = ent.sent
        window: list[Token] = []
        i = ent.start - 1
        if i >= sent.start and self.doc[i].text == ",":
            i -= 1  # "Deputy U.S. Ambassador to the U.N., Robert Wood"
        while i >= sent.start and ent.start - i <= 14:
            tok = self.doc[i]
            if tok.pos_ in ("VERB", "AUX") or (tok.is_punct and tok.text not in ".-\u2019'"):
                break
            window.append(tok)
            i -= 1
        for tok in ent:
            if tok.lower_ in self.lex.role_words:
                window.append(tok)
        # apposition after the name: "Robert Wood, the deputy ambassador,"
        j = ent.end
        if j < sent.end and self.doc[j].text == ",":
            for tok in self.doc[j + 1 : min(sent.end, j + 8)]:
                if tok.is_punct or tok.pos_ in ("VERB", "AUX"):
                    break
                window.append(tok)
        for tok in window:
            low = tok.lower_
            if low in self.lex.role_words or tok.lemma_.lower() in self.lex.role_words:
                person.roles.add(tok.lemma_.lower() if tok.lemma_.lower() in self.lex.role_words else low)
            if person.affiliation is None and (tok.ent_type_ in ("NORP", "GPE") or low in self.lex.demonyms):
                person.affiliation = _country(self.lex, tok.text) or person.affiliation

    # --- resolution -----------------------------------------------------------------------------

    def note(self, at: int, resolved: Resolved) -> None:
        """Record a resolved claim speaker for the recency of later pronouns and role nouns."""
        if resolved.name:
            self.history.append((at, resolved))

    def _recent(self, at: int, *, plural: bool | None = None, kinds: tuple[str, ...] = (),
                roles: frozenset[str] | None = None) -> Resolved | None:
        seen = self.history if not plural else sorted([*self.history, *self.groups], key=lambda x: x[0])
        for pos, r in reversed(seen):
            if pos >= at:
                continue
            if plural is not None and r.plural != plural:
                continue
            if kinds and r.kind not in kinds:
                continue
            if roles is not None and r.roles and not (r.roles & roles):
                continue  # a group of ministers is not "the two diplomats"
            return r
        return None

    def _recent_org(self, at: int) -> Resolved | None:
        """What 'it' most likely means: the latest organisation or document that spoke or was the
        subject of a clause."""
        spoke = [(p, r) for p, r in self.history if p < at and r.kind in ("org", "document")]
        named = [(p, r) for p, r in self.orgs if p < at]
        both = sorted([*spoke, *named], key=lambda x: x[0])
        return both[-1][1] if both else None

    def _recent_person(self, at: int) -> Resolved | None:
        """The person a singular pronoun most likely means: the latest person speaker, unless a
        person was named as a subject more recently."""
        spoke = self._recent(at, kinds=("person",))
        spoke_at = max((p for p, r in self.history if r is spoke), default=-1)
        named = [p for p in self.people if p.at < at and p.subject]
        if named and named[-1].at > spoke_at:
            return Resolved(named[-1].name, kind="person")
        if spoke:
            return spoke
        anyone = [p for p in self.people if p.at < at]
        return Resolved(anyone[-1].name, kind="person") if anyone else None

    def resolve(self, span: Span) -> Resolved:
        """The canonical speaker of ``span``, the speaker as written."""
        at = span.start_char
        head = span.root
        low = head.lower_
        text = _strip_det(span.text)
        pron = self.lex.pronouns.get(low)
        if pron is not None and len(span) <= 2:
            if pron in ("m", "f", "sg"):
                return self._recent_person(at) or Resolved(None)
            if pron == "pl":
                return self._recent(at, plural=True) or Resolved(None, plural=True)
            return self._recent_org(at) or Resolved(None)
        coordinated = any(t.dep_ == "conj" and t.head.i == head.i for t in span)
        if coordinated:
            return self._coordinated(span, text)
        person = self._person_in(span)
        if person:
            return Resolved(person, kind="person")
        ent = entities.resolve(text)
        if ent is not None:
            return Resolved(ent.name, ent.key, kind="org" if ent.type != "person" else "person")
        lemma = head.lemma_.lower()
        if lemma in self.lex.role_words or low in self.lex.role_words:
            found = self._role(span, lemma if lemma in self.lex.role_words else low)
            if found:
                return found
        if lemma in self.lex.nouns:
            return Resolved(self._document_name(span, text), kind="document")
        plural = _is_plural(head)
        return Resolved(text, kind="group" if plural else "org", plural=plural)

    def _person_in(self, span: Span) -> str | None:
        """The person a speaker phrase names as its head. A person named only as a possessor or
        inside a prepositional phrase is someone else ("Senator Leahy's spokeswoman Tracy
        Schmaler", "Castro's nephew, Alejandro Castro Espin", "a source close to Hunter")."""
        head = span.root
        named = []
        for ent in self._ents_in(span):
            if ent.label_ == "PERSON":
                person = next((p.name for p in self.people if p.at == ent.start_char), None)
                if person is not None:
                    named.append((ent, person))
        heads = [person for ent, person in named if _heads(ent, head)]
        if heads:
            return heads[0]
        if named and not all(_aside(ent.root, head) for ent, _ in named):
            return named[0][1]
        cands = [t for t in span if t.pos_ == "PROPN" and (head.i in (t.i, t.head.i) or t.dep_ == "appos")]
        for t in reversed(cands):
            full = self.by_surname.get(t.text.lower())
            if full and not _other_name(t, full) and not _aside(t, head):
                return full
        return None

    def _coordinated(self, span: Span, text: str) -> Resolved:
        """Several speakers: keep them joined as written; surnames get their full names."""
        parts = re.split(r"\s*(?:,|\band\b)\s*", text)
        names = []
        for raw in parts:
            part = _strip_det(raw)
            if not part:
                continue
            full = self.by_surname.get(part.split()[-1].lower()) if part[:1].isupper() else None
            names.append(full or part)
        joined = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else text
        kinds = "group"
        return Resolved(joined, kind=kinds, plural=True)

    def _role(self, span: Span, role: str) -> Resolved | None:
        at = span.start_char
        head = span.root
        if span[0].lower_ in ("a", "an", "another", "one"):
            return None  # "a Ukrainian official": an indefinite noun phrase introduces someone new
        plural = _is_plural(head) or any(t.lower_ in _PLURAL_NUM for t in span)
        members = role_class_members(role)
        if plural:
            # "two diplomats familiar with the matter": a described, unnamed group stays as written
            if any(t.i > head.i and t.dep_ in ("amod", "acl", "relcl", "prep") for t in head.children):
                return None
            # "industry analysts", "Sudanese officials", "Analysts said": a bare or described plural
            # introduces a group; only "the officials", "these analysts" point back at one
            if span[0].lower_ not in _DEFINITE or any(
                    t.i < head.i and t.dep_ in ("amod", "compound", "nmod", "poss", "npadvmod") for t in head.children):
                return None
            return self._recent(at, plural=True, kinds=("group",), roles=members)
        aff = None
        modified = False
        for tok in span:
            if tok.i == head.i or tok.lower_ in _DETS:
                continue
            if tok.ent_type_ in ("NORP", "GPE") or tok.lower_ in self.lex.demonyms:
                aff = aff or _country(self.lex, tok.text) or _country(self.lex, tok.ent_type_ and tok.text)
            if tok.pos_ in ("PROPN", "ADP") or tok.ent_type_:
                modified = True
        if aff is None:
            for ent in self._ents_in(span):
                if ent.label_ in ("GPE", "NORP"):
                    aff = _country(self.lex, ent.text)
        def fits(p: Person) -> bool:
            return bool(p.roles & members) and (aff is None or p.affiliation in (None, aff))

        before = [p for p in self.people if p.at < at and fits(p)]
        if before and not (aff and before[-1].affiliation is None and any(
                p.affiliation == aff for p in self.people if p.at > at and fits(p))):
            return Resolved(before[-1].name, kind="person")
        after = [p for p in self.people if p.at > at and fits(p)]
        if after and (aff is not None or modified or not self._recent(at, kinds=("person",))):
            return Resolved(after[0].name, kind="person")
        if not modified and aff is None:
            return self._recent(at, kinds=("person",))
        return None

    def _document_name(self, span: Span, text: str) -> str:
        """'a press release issued by the White House' -> 'White House press release'."""
        head = span.root
        core = [t for t in head.lefts if t.lower_ not in _DETS and not t.is_punct and t.dep_ != "poss"]
        noun = " ".join([*(t.text for t in core), head.text])
        for child in head.rights:
            if child.dep_ == "acl":
                for agent in child.children:
                    if agent.dep_ == "agent":
                        objs = [g for g in agent.children if g.dep_ == "pobj"]
                        if objs:
                            issuer = self.doc[objs[0].left_edge.i : objs[0].right_edge.i + 1].text
                            if len(issuer) <= 40:
                                ent = entities.resolve(issuer)
                                return f"{ent.name if ent else _strip_det(issuer)} {noun}"
        prior = [r.name for _, r in self.history if r.kind == "document" and r.name and r.name.endswith(head.text)]
        if prior and len(noun.split()) == 1:
            return prior[-1]  # "the statement" -> the "joint statement" named before
        return text if len(text) <= 40 and "," not in text else noun
