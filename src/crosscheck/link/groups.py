"""Claim groups: claims asserting the same proposition across articles and speakers.

Each new claim is compared only with the groups that share a blocking key with it (an
entity, a day-level date, a content stem) inside its story and of its polarity; a key
carried by more than ``key_cap`` groups is skipped. The pair score mixes the sentence
embedding cosine (paraphrase) with the overlap of content stems (the rare words that make
two propositions the same) and dates (one day on both sides agrees; different days
disagree). A claim joins its best group at or above ``join`` (the run's link.groups.join,
passed by the linker; ``link.groups.key_cap`` bounds the blocking). A claim that would join but
gives a different number or day for the same thing starts its own group instead, and the
pair is returned as a conflict: claims of one group never contradict each other.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from crosscheck.config import DEFAULTS
from crosscheck.link.proposition import Signature, compatible, shared_core
from crosscheck.link.words import stem

W_COS, W_LEX = 0.6, 0.4
DATE_AGREE, DATE_DISAGREE, DATE_ONE_SIDED = 0.12, -0.3, -0.1
SAME_DENIER = 0.15
MEAN_FLOOR = 0.15
GROUP_MIX = 0.5
MERGE_MARGIN = 0.1  # a claim bridges two groups (merging them) only when it matches both this clearly
CORE_BONUS = 0.08  # the two signatures share a predicate or an argument: more than the same topic
VERB_MISS = 0.05
SAME_VOICE = 0.03
VETO = -1.0  # score of two claims whose signatures cannot be one proposition
FIGURE_MIN = 3  # smaller counts ("two officials", "one missile") agree by chance
FIGURE_MARGIN = 0.04  # above the join score: the score of two claims giving the same telling figure of the same thing
STATE_MISS = 0.15  # the same figure of the same thing with another predicate
CONFLICT_MIN, CONFLICT_COS = 0.36, 0.5  # a different figure for the same thing: close enough to compare
_DAY = re.compile(r"^(?:\d{4}|XXXX)-\d{2}-\d{2}$")


@dataclass
class ClaimInfo:
    """What linking knows about one claim (read from the ledger, plus its vector)."""

    id: str
    article_id: str
    polarity: str
    content: str
    vec: np.ndarray
    stems: frozenset[str]
    entities: frozenset[str]
    dates: frozenset[str]  # day-level ISO dates inside the claim ("XXXX-MM-DD" when the year is unknown)
    quantities: tuple[tuple[float, str], ...]  # (value, unit) inside the claim
    origin: str
    publisher: str
    published: str | None = None
    speaker: str | None = None
    contest: bool = False  # an assertion that contests another ("false information")
    story_id: str | None = None
    sig: Signature = field(default_factory=Signature)
    extra: dict[str, object] = field(default_factory=dict)

    def block_keys(self) -> set[str]:
        """Blocking keys: entities, dates and content stems."""
        return ({f"e:{k}" for k in self.entities} | {f"d:{d}" for d in self.dates}
                | {f"w:{s}" for s in self.stems})


def group_id(first_claim: str) -> str:
    """A stable group id from the claim that opened it."""
    return "g" + hashlib.sha1(first_claim.encode()).hexdigest()[:15]


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Rough sentence bounds around a span (for embedding context, not for offsets shown)."""
    lo = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    hi_c = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    return lo, (min(hi_c) + 1 if hi_c else len(text))


def day_dates(values: Iterable[str | None]) -> frozenset[str]:
    """The day-level ISO dates among TIMEX3 values."""
    return frozenset(v for v in values if v and _DAY.match(v))


def same_day(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when the two date sets share a day; a day without its year meets the same month-day."""
    return bool(a & b) or any(x[5:] == y[5:] and "XXXX" in (x[:4], y[:4]) for x in a for y in b)


def unit_concept(unit: str) -> str:
    """A counted noun or unit as one concept ("citizens" and "people" are one count of people)."""
    last = unit.rsplit(maxsplit=1)[-1] if unit.strip() else unit
    return stem(last) if last[:1].isalpha() else last


def _noun(unit: str) -> str:
    """The counted noun as written, singular ("residents" -> "resident"): unlike the concept,
    "residents" and "people" stay two nouns."""
    return unit.rsplit(maxsplit=1)[-1].lower().removesuffix("s")


def pair_score(a: ClaimInfo, b: ClaimInfo, weight: Callable[[str], float] | None = None, *,
               join: float = DEFAULTS.link.groups.join) -> tuple[float, dict[str, float], str | None]:
    """(score, parts, conflict) of two claims; conflict is "number" or "date" when they disagree.
    Two claims giving one telling figure of one thing score just above ``join``.

    ``weight`` gives a stem's IDF among the story's claims: words every claim of a story
    shares ("missile" in a missile story) say little about being the same proposition.
    """
    cos = float(np.dot(a.vec, b.vec))
    ok, why_not = compatible(a.sig, b.sig)
    if not ok:
        return VETO, {"cosine": round(cos, 3), "veto": why_not}, None  # type: ignore[dict-item]
    w = weight or (lambda _s: 1.0)
    small = min(sum(w(x) for x in a.stems), sum(w(x) for x in b.stems))
    lex = sum(w(x) for x in a.stems & b.stems) / small if small else 0.0
    if min(len(a.stems), len(b.stems)) < 3:
        lex *= 0.5  # two-word contents share words by accident
    score = W_COS * cos + W_LEX * lex
    if shared_core(a.sig, b.sig):
        score += CORE_BONUS
        if a.sig.verbs & b.sig.verbs and a.origin == b.origin:
            score += SAME_VOICE  # one source stating one predicate again, in other words
    elif a.sig.verbs and b.sig.verbs:
        score -= VERB_MISS  # two different predicates: more likely two statements about one topic
    conflict = None
    if a.polarity == "deny" and b.polarity == "deny" and a.origin == b.origin:
        score += SAME_DENIER  # the same party denying twice is most likely one denial reported twice
    if bool(a.dates) != bool(b.dates):
        score += DATE_ONE_SIDED  # a dated event against an undated generalisation
    if a.dates and b.dates:
        if same_day(a.dates, b.dates):
            score += DATE_AGREE
        else:
            score += DATE_DISAGREE
            # one day against another: a sentence listing several dates is no such disagreement
            conflict = "date" if len(a.dates) == 1 and len(b.dates) == 1 else None
    units_a = {unit_concept(u): v for v, u in a.quantities if u}
    units_b = {unit_concept(u): v for v, u in b.quantities if u}
    shared = set(units_a) & set(units_b)
    same = {u for u in shared if abs(units_a[u] - units_b[u]) <= 1e-9 * max(1.0, abs(units_a[u]))}
    one_act = not (a.sig.verbs and b.sig.verbs) or bool(a.sig.verbs & b.sig.verbs)
    if shared and not same:
        # two figures conflict when they count the same noun ("six drones", "11 drones"), or one concept
        # in one act: "12 people missing" and "3,000 residents evacuated" are two facts
        words_a = {unit_concept(u): _noun(u) for _, u in a.quantities if u.strip()}
        words_b = {unit_concept(u): _noun(u) for _, u in b.quantities if u.strip()}
        same_noun = any(words_a.get(u) == words_b.get(u) for u in shared - same)
        same_act = bool(a.sig.verbs & b.sig.verbs)  # both predicates known, and one
        conflict = "number" if same_noun or same_act else None
    elif same:
        score += 0.05
        # one figure of one counted thing ("23 dead", "Twenty-three of my fellow citizens are dead") is one
        # fact: said by the same origin, or with the same predicate and a shared word besides the unit
        telling = {u for u in same if units_a[u] >= FIGURE_MIN or units_a[u] != int(units_a[u])}
        if not one_act and a.origin != b.origin:
            score -= STATE_MISS  # "23 people dead" and "23 people missing": one count, two facts
        elif telling and not conflict and (a.origin == b.origin or (a.stems & b.stems) - telling):
            score = max(score, join + FIGURE_MARGIN)
    parts = {"cosine": round(cos, 3), "stems": round(lex, 3), "score": round(score, 3)}
    return score, parts, conflict


def best_group(claim: ClaimInfo, members: dict[str, list[ClaimInfo]], weight: Callable[[str], float] | None = None,
               *, join: float = DEFAULTS.link.groups.join,
               ) -> tuple[str | None, dict[str, object], list[tuple[ClaimInfo, str, dict[str, float]]], list[str]]:
    """The group a claim joins (or None), why, the conflicting near-matches, and other groups it also matches.

    ``members`` maps candidate group ids to their claims (same story, same polarity). A
    group's score is its best pair, but its members must agree on average too
    (``MEAN_FLOOR`` below the join score), which stops chaining through one loose member.
    """
    best, best_s, best_parts, best_with = None, join, {}, ""
    conflicts: list[tuple[ClaimInfo, str, dict[str, float]]] = []
    also: list[str] = []
    for gid, claims in members.items():
        g_best, g_parts, g_with, g_conflict = -1.0, {}, "", None
        scores = []
        for other in claims:
            s, parts, conflict = pair_score(claim, other, weight, join=join)
            scores.append(s)
            if (conflict == "date" and s - DATE_DISAGREE >= join) or \
                    (conflict == "number" and s >= CONFLICT_MIN and parts["cosine"] >= CONFLICT_COS):
                conflicts.append((other, conflict, parts))
                g_conflict = conflict
            if s > g_best:
                g_best, g_parts, g_with = s, parts, other.id
        if g_conflict or min(scores) <= VETO:
            continue  # joining would put a contradiction, or another actor's deed, inside the group
        mean = sum(scores) / len(scores)
        if mean < join - MEAN_FLOOR:
            continue
        # half best pair, half the group as a whole: a claim must fit the proposition, not one loose member
        g_best = (1 - GROUP_MIX) * g_best + GROUP_MIX * mean
        if g_best >= join + MERGE_MARGIN:
            also.append(gid)
        if g_best >= best_s:
            best, best_s, best_parts, best_with = gid, g_best, g_parts, g_with
    why: dict[str, object] = {}
    if best is not None:
        why = {"joined_via": best_with, **best_parts}
    if best_s < join + MERGE_MARGIN:
        also = []  # only a claim that clearly belongs to both groups bridges them
    return best, why, conflicts, [g for g in also if g != best]


def groups_agree(a: list[ClaimInfo], b: list[ClaimInfo], weight: Callable[[str], float] | None = None, *,
                 join: float = DEFAULTS.link.groups.join) -> bool:
    """True when two groups' members read as one proposition: no veto or conflict between
    them, and their mean cross score clears the join floor."""
    scores = []
    for x in a:
        for y in b:
            s, _, conflict = pair_score(x, y, weight, join=join)
            if s <= VETO or conflict:
                return False
            scores.append(s)
    return bool(scores) and sum(scores) / len(scores) >= join - MEAN_FLOOR
