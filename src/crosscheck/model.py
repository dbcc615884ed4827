"""The data model: every record crosscheck reads, extracts, stores or exports.

One module, frozen dataclasses with slots. Every extracted item is a span into
``Article.text`` (``start``/``end`` character offsets) and carries its
``article_id``; ``article.text[item.start:item.end]`` is the item's text. Stages
talk to each other only through these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PublishedSource = Literal["metadata", "dateline", "inferred", "none"]
ClaimKind = Literal["direct", "indirect", "mixed", "according_to"]
Polarity = Literal["assert", "deny"]
Bound = Literal["exact", "at_least", "more_than", "about", "at_most", "range"]
EntityType = Literal["person", "organisation", "country", "place", "other"]


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One input as read, before cleaning: the bytes decoded, plus whatever metadata came with it."""

    source: str  # input path, ``path#N`` for a JSONL line, or the record's URL
    raw: str  # the decoded input (plain text or HTML)
    fmt: Literal["text", "html"]
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date from the input's own metadata


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A line the cleaner dropped, kept for audit with the rule that dropped it."""

    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: the unit of per-article work and of storage transactions."""

    id: str
    source: str
    text: str  # clean text, paragraphs separated by a blank line; all offsets index this
    title: str | None = None
    outlet: str | None = None
    original_source: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or None
    published_source: PublishedSource = "none"
    language: str = "en"
    removed_lines: tuple[RemovedLine, ...] = ()
    raw_sha: str = ""  # hash of the raw input, for version tracking
    version_of: str | None = None  # id of the earlier version of the same source


@dataclass(frozen=True, slots=True)
class EntityMention:
    """A mention of a named thing, resolved (where possible) to a canonical entity key."""

    article_id: str
    start: int
    end: int
    text: str
    label: str  # spaCy label (PERSON, ORG, GPE, NORP, LOC, ...)
    entity: str | None = None  # canonical entity key, e.g. "country:north-korea"


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity with its aliases; ``key`` is stable across articles."""

    key: str
    name: str
    type: EntityType
    aliases: tuple[str, ...] = ()
    affiliation: str | None = None  # e.g. the country of an institution


@dataclass(frozen=True, slots=True)
class Claim:
    """One attributed, reported clause: who says what, with what cue and stance."""

    id: str
    article_id: str
    start: int  # content span
    end: int
    content: str
    cue: str  # lemma of the cue ("say", "deny", "according to")
    kind: ClaimKind
    direct: bool
    polarity: Polarity = "assert"
    speaker: str | None = None  # resolved canonical name
    speaker_text: str | None = None  # the speaker as written ("he", "the spokesman")
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_entity: str | None = None  # canonical entity key
    cue_start: int | None = None
    cue_end: int | None = None
    hedged: bool = False
    hedges: tuple[str, ...] = ()
    reported_by: str | None = None  # nested attribution ("..., Reuters writes")
    sentence_start: int | None = None
    sentence_end: int | None = None
    points_at: str | None = None  # what a denial points at as written ("the accusations")


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A time expression normalised to a TIMEX3-style value, or null with the reason."""

    id: str
    article_id: str
    start: int
    end: int
    text: str
    value: str | None
    type: Literal["DATE", "TIME", "DURATION", "SET"] = "DATE"
    resolution: str = "explicit"  # explicit | year_inferred | weekday | relative | reference | cross_article
    reason: str | None = None  # why value is null, or how it was approximated
    anchor: str | None = None  # the expression or date it was resolved against
    resolved_by: str | None = None  # cross-article evidence (time id)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A counted amount: value or range, its bound, and the counted noun or unit."""

    id: str
    article_id: str
    start: int
    end: int
    text: str
    value: float
    value_max: float | None = None
    bound: Bound = "exact"
    unit: str | None = None
    claim_id: str | None = None


@dataclass(frozen=True, slots=True)
class Annotations:
    """Everything the per-article stages extract from one article."""

    article_id: str
    entities: tuple[EntityMention, ...] = ()
    claims: tuple[Claim, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    quantities: tuple[Quantity, ...] = ()


# Cross-article records (filled by the link layer).


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed link between two items (claims or articles)."""

    id: str
    kind: Literal["supports", "contradicts", "duplicate_of"]
    a: str
    b: str
    type: str | None = None  # for contradicts: dispute | factual_conflict | update
    evidence: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ClaimGroup:
    """Claims asserting the same proposition across articles and speakers."""

    id: str
    claim_ids: tuple[str, ...]
    status: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    independent_origins: tuple[str, ...] = ()
    first_seen: str | None = None
    why: dict[str, object] = field(default_factory=dict)
    story_id: str | None = None


@dataclass(frozen=True, slots=True)
class Story:
    """What an analyst follows over time: articles, and the dated events inside."""

    id: str
    title: str
    article_ids: tuple[str, ...]
    events: tuple[dict[str, object], ...] = ()
