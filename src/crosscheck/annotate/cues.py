"""The attribution lexicon (``data/cues.json``) and the cheap, parse-free checks built on it.

Loaded once per process; every lookup is by lemma or lower-cased text so that callers need
no spaCy objects here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from crosscheck.annotate import entities
from crosscheck.packagedata import data_json

# Quotation marks that open, close, or do either (straight quotes are decided by context).
OPEN_MARKS = "\u201c\u00ab\u201e"
CLOSE_MARKS = "\u201d\u00bb"
EITHER_MARKS = '"'
QUOTE_MARKS = OPEN_MARKS + CLOSE_MARKS + EITHER_MARKS
DOUBLED_MARKS = ("''", "``")  # archive and wire copy: ''like this'' or ``like this''


def is_quote_mark(text: str) -> bool:
    """Is this token a quotation mark (one character, or a doubled apostrophe/backtick)?"""
    return text in DOUBLED_MARKS or (len(text) == 1 and text in QUOTE_MARKS)


@dataclass(frozen=True, slots=True)
class VerbCue:
    """How one reporting verb behaves."""

    lemma: str
    polarity: str = "assert"
    distancing: bool = False
    hedge: bool = False
    weak: bool = False
    content: tuple[str, ...] = ("ccomp",)
    particle: str | None = None
    particle_any: tuple[str, ...] = ()
    with_prep: str | None = None  # a required preposition, part of the content ("put the toll at 23")
    objects: tuple[str, ...] = ()  # the cue counts only with one of these objects ("put the toll at")
    propositional: bool = False  # the object must name a claim ("discredited suggestions that ...")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything claims.py needs to know about words."""

    verbs: dict[str, VerbCue]
    phrasal_denials: dict[str, VerbCue]  # 'brushed off', 'waved away': the rules' only (not the tagger's)
    according: tuple[str, ...]
    deny_phrases: tuple[str, ...]
    contest_cues: frozenset[str]  # deny cues that dispute without calling false: their elaboration is an argument
    nouns: frozenset[str]
    claim_nouns: frozenset[str]
    speech_nouns: dict[str, str]
    false_words: frozenset[str]
    link_nouns: frozenset[str]  # 'no role in', 'no involvement in': a denial of a link
    unlinked: frozenset[str]  # 'not responsible for', 'not involved in'
    true_words: frozenset[str]  # 'that is not true'
    support_words: frozenset[str]  # 'the claim is not supported by any evidence'
    basis_nouns: frozenset[str]  # 'there is no truth to the report'
    stative_verbs: frozenset[str]  # 'did not want', 'did not believe': no act the speaker denies
    source_nouns: frozenset[str]
    hedge_adverbs: frozenset[str]
    hedge_modals: frozenset[str]
    hedge_verbs: frozenset[str]
    hedge_phrases: tuple[str, ...]
    roles: dict[str, frozenset[str]]
    role_words: frozenset[str]
    title_words: frozenset[str]
    honorifics: frozenset[str]
    pronouns: dict[str, str]
    demonyms: dict[str, str]
    prefilter: re.Pattern[str]
    prefilter_words: frozenset[str]


def _verb(lemma: str, row: dict[str, Any]) -> VerbCue:
    return VerbCue(
        lemma=lemma,
        polarity=row.get("polarity", "assert"),
        distancing=bool(row.get("distancing", False)),
        hedge=bool(row.get("hedge", False)),
        weak=bool(row.get("weak", False)),
        content=tuple(row.get("content", ["ccomp"])),
        particle=row.get("particle"),
        particle_any=tuple(row.get("particle_any", ())),
        with_prep=row.get("with_prep"),
        objects=tuple(row.get("objects", ())),
        propositional=bool(row.get("propositional", False)),
    )


def _inflections(lemma: str) -> list[str]:
    """Rough surface forms of a verb for the parse-free prefilter (over-generation is harmless)."""
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    forms = [lemma, lemma + "s", lemma + "es", stem + "ed", stem + "ing", lemma + "d"]
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":  # deny -> denies, denied
        forms += [lemma[:-1] + "ies", lemma[:-1] + "ied"]
    if len(lemma) <= 4 and lemma[-1] in "tgp" and lemma[-2] in "aeiou":  # put -> putting, plan -> planned
        forms += [lemma + lemma[-1] + "ing", lemma + lemma[-1] + "ed"]
    irregular = {"say": ["said"], "tell": ["told"], "write": ["wrote", "written"], "think": ["thought"],
                 "find": ["found"], "show": ["shown"], "rule": ["ruled"], "put": ["put"]}
    return forms + irregular.get(lemma, [])


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shipped lexicon, parsed once."""
    data = data_json("cues.json")
    verbs = {lemma: _verb(lemma, row) for lemma, row in data["verbs"].items()}
    phrasal = {lemma: _verb(lemma, {"polarity": "deny", "propositional": True, "content": ["dobj"],
                                    "particle_any": parts})
               for lemma, parts in data["phrasal_denials"].items() if not lemma.startswith("_")}
    roles = {k: frozenset(v) for k, v in data["roles"].items()}
    role_words = frozenset(w for v in data["roles"].values() for w in v) | frozenset(roles)
    hedges = data["hedges"]
    words = {f for lemma in [*verbs, *phrasal] for f in _inflections(lemma)}
    words |= {p.split()[0] for p in data["according"]}
    words |= {n + s for n in data["speech_nouns"] for s in ("", "s")}
    words |= set(data["false_words"])  # "knocked the claim as false": a denial by its predicate, any verb
    prefilter = re.compile(
        r"[" + QUOTE_MARKS + r"]|''|``|\b(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\b",
        re.IGNORECASE,
    )
    return Lexicon(
        verbs=verbs,
        phrasal_denials=phrasal,
        according=tuple(data["according"]),
        deny_phrases=tuple(data["deny_phrases"]),
        contest_cues=frozenset(data["contest_cues"]),
        nouns=frozenset(data["nouns"]),
        claim_nouns=frozenset(data["claim_nouns"]),
        speech_nouns=dict(data["speech_nouns"]),
        false_words=frozenset(data["false_words"]),
        link_nouns=frozenset(data["content_denials"]["link_nouns"]),
        unlinked=frozenset(data["content_denials"]["unlinked"]),
        true_words=frozenset(data["content_denials"]["true_words"]),
        support_words=frozenset(data["content_denials"]["support_words"]),
        basis_nouns=frozenset(data["content_denials"]["basis_nouns"]),
        stative_verbs=frozenset(data["content_denials"]["stative_verbs"]),
        source_nouns=frozenset(data["source_nouns"]),
        hedge_adverbs=frozenset(hedges["adverbs"]),
        hedge_modals=frozenset(hedges["modals"]),
        hedge_verbs=frozenset(hedges["verbs"]),
        hedge_phrases=tuple(hedges["phrases"]),
        roles=roles,
        role_words=role_words,
        title_words=frozenset(data["title_words"]),
        honorifics=frozenset(data["honorifics"]),
        pronouns=dict(data["pronouns"]),
        demonyms={**entities.demonym_names(), **data["demonyms"]},
        prefilter=prefilter,
        prefilter_words=frozenset(words),
    )


_QUOTE_OR_DOUBLED = re.compile(r"[" + QUOTE_MARKS + r"]|''|``")
_WORD = re.compile(r"\w+")


def may_attribute(sentence: str) -> bool:
    """Cheap, parse-free test: could this sentence carry an attribution (a quote mark or a cue word)?

    The same answer as searching ``Lexicon.prefilter``, about five times faster: the cue words are
    plain lower-case letters, so a match of one between word boundaries is a whole word of the
    sentence, and a set lookup per word replaces trying a 579-way alternation at every position."""
    if _QUOTE_OR_DOUBLED.search(sentence) is not None:
        return True
    return not lexicon().prefilter_words.isdisjoint(_WORD.findall(sentence.lower()))


def role_class_members(word: str) -> frozenset[str]:
    """Role words a role noun can stand for ('diplomat' -> ambassador, envoy, ...); itself included."""
    lex = lexicon()
    word = word.lower()
    return lex.roles.get(word, frozenset()) | {word}
