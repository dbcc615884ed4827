"""Stories: what an analyst follows for months, clustered from shared canonical entities.

An article joins the story whose accumulated entity profile is closest to its own (cosine
of IDF-weighted key counts), or starts a new one. Candidates come only from the stories
sharing a key with it (the ``story_keys`` index), and a key carried by more than
``key_cap`` stories is skipped: "United States" would otherwise make every lookup scan the
corpus. The same scoring runs without a store (:class:`StoryClusterer`) for the ECB+ eval.
The thresholds are the run's ``link.stories`` settings (:class:`crosscheck.config.StorySettings`),
handed in by the linker; their defaults are tuned on the tuning half of the FNC-1 stories.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from crosscheck.config import DEFAULTS, StorySettings

if TYPE_CHECKING:
    from crosscheck.store.sqlite import SQLiteStore

# Entities shared are not enough on their own: "the United States" and a president occur in
# every other story. Below ``strong``, an article joins a story only when what it says is close to
# what the story says: the cosine of its claims' mean sentence vector with the story's at
# least ``content_min`` (``content_floor`` at or above). Tuned on the tuning half of the FNC-1
# stories (eval/fnc1_stories.py); the values are StorySettings' defaults.
_DIGITS = 9  # a story's score is compared at this precision: float noise in its norm never decides


def story_id(first_article: str) -> str:
    """A stable story id from the article that opened it."""
    return "s" + hashlib.sha1(first_article.encode()).hexdigest()[:15]


def profile(counts: Mapping[str, int], top_keys: int = DEFAULTS.link.stories.top_keys) -> dict[str, float]:
    """An article's key weights: sublinear counts of its ``top_keys`` most frequent keys."""
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top_keys]
    return {k: 1.0 + math.log(c) for k, c in top if c > 0}


def idf(df: int, n: int) -> float:
    """Smoothed inverse document frequency."""
    return math.log((n + 1) / (df + 1)) + 1.0


def article_vector(vecs: np.ndarray) -> np.ndarray | None:
    """An article's content vector: the normalised mean of its claims' vectors (None without claims)."""
    if not len(vecs):
        return None
    m = np.asarray(vecs, dtype=np.float32).mean(axis=0)
    n = float(np.linalg.norm(m))
    return m / n if n else None


def content_agrees(vec: np.ndarray | None, story_sum: np.ndarray | None, score: float,
                   settings: StorySettings = DEFAULTS.link.stories) -> bool:
    """True when an article's content vector is close enough to a story's (the sum of its
    articles' vectors) for an entity similarity of ``score``: ``content_min`` below ``strong``,
    ``content_floor`` above; or when either vector is unknown (no claims)."""
    if vec is None or story_sum is None:
        return True
    n = float(np.linalg.norm(story_sum))
    # rounded: a vector embedded in a batch and alone differ in the last bits, which never decide
    return not n or round(float(vec @ story_sum) / n, 6) >= (
        settings.content_min if score < settings.strong else settings.content_floor)


def similarity(a: Mapping[str, float], b: Mapping[str, float], weight: Callable[[str], float]) -> float:
    """Cosine of two key profiles, each key scaled by ``weight`` (its IDF)."""
    dot = sum(w * b[k] * weight(k) ** 2 for k, w in a.items() if k in b)
    if dot == 0:
        return 0.0
    na = math.sqrt(sum((w * weight(k)) ** 2 for k, w in a.items()))
    nb = math.sqrt(sum((w * weight(k)) ** 2 for k, w in b.items()))
    return dot / (na * nb) if na and nb else 0.0


@dataclass
class StoryClusterer:
    """In-memory incremental story clustering with the same blocking and scoring as the store.

    Used by the ECB+ eval and by tests; the linker does the same against the store tables.
    """

    settings: StorySettings = DEFAULTS.link.stories
    join: float | None = None  # None: the settings' join
    key_cap: int | None = None  # None: the settings' key_cap
    df: Counter[str] = field(default_factory=Counter)
    n: int = 0
    keys: dict[str, dict[str, float]] = field(default_factory=dict)  # story -> key weights
    index: dict[str, set[str]] = field(default_factory=dict)  # key -> stories
    members: dict[str, list[str]] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # story -> sum of its documents' vectors

    def add(self, doc_id: str, counts: Mapping[str, int], vec: np.ndarray | None = None) -> str:
        """Place one document (with its content vector, if known); returns its story id."""
        prof = profile(counts, self.settings.top_keys)
        self.n += 1
        self.df.update(prof.keys())
        cands: set[str] = set()
        for k in prof:
            sids = self.index.get(k, set())
            if len(sids) <= (self.settings.key_cap if self.key_cap is None else self.key_cap):
                cands |= sids
        best, best_s = None, 0.0
        join = self.settings.join if self.join is None else self.join
        for sid in sorted(cands):
            s = similarity(prof, self.keys[sid], lambda k: idf(self.df[k], self.n))
            if s > best_s and s >= join and content_agrees(vec, self.vectors.get(sid), s, self.settings):
                best, best_s = sid, s
        sid = best if best is not None else story_id(doc_id)
        merged = self.keys.setdefault(sid, {})
        for k, w in prof.items():
            merged[k] = merged.get(k, 0.0) + w
            self.index.setdefault(k, set()).add(sid)
        self.members.setdefault(sid, []).append(doc_id)
        if vec is not None:
            self.vectors[sid] = self.vectors.get(sid, np.zeros_like(vec)) + vec
        return sid


class StoryChooser:
    """Chooses an article's story against the store, as :func:`similarity` scores it.

    A story's profile grows with every article, so reading it whole for every candidate
    would make each choice cost the corpus. The cosine needs only the story's weights on
    the article's own keys and, for its norm, the sum of its squared raw weights (keys the
    article lacks take the IDF of a key seen once, as :func:`similarity` gives them); that
    sum is read once per story and kept up to date as articles join. ``settings`` are the
    run's ``link.stories``.
    """

    def __init__(self, store: SQLiteStore, settings: StorySettings = DEFAULTS.link.stories) -> None:
        self.store = store
        self.settings = settings
        self.squares: dict[str, float] = {}  # story -> sum of its squared key weights

    def _squares(self, sid: str) -> float:
        if sid not in self.squares:
            keys = self.store.story_keys(sid)
            self.squares[sid] = sum(w * w for w in keys.values())
        return self.squares[sid]

    def choose(self, prof: Mapping[str, float], n_articles: int,
               vec: np.ndarray | None = None) -> tuple[str | None, float, dict[str, float]]:
        """(best story or None, its score, the story's weights on the article's keys).

        A story whose content vector is far from ``vec`` (:func:`content_agrees`) is no candidate.
        """
        cands = self.store.stories_for_keys(prof.keys(), cap=self.settings.key_cap)
        if not cands:
            return None, 0.0, {}
        df = self.store.key_df(prof.keys())
        held = self.store.story_weights(sorted(cands), prof.keys())
        w = {k: idf(df.get(k, 1), n_articles) for k in prof}
        rare = idf(1, n_articles)
        na = math.sqrt(sum((a * w[k]) ** 2 for k, a in prof.items()))
        best, best_s = None, 0.0
        for sid in sorted(cands):
            b = held[sid]
            dot = sum(a * b[k] * w[k] ** 2 for k, a in prof.items() if k in b)
            if dot == 0:
                continue
            inside = sum(x * x for x in b.values())
            nb2 = rare ** 2 * max(0.0, self._squares(sid) - inside) + sum((x * w[k]) ** 2 for k, x in b.items())
            # rounded: the norm is kept up to date by sums whose order depends on when this process
            # first read the story (a resumed run reads it later), and two stories with one profile tie
            s = round(dot / (na * math.sqrt(nb2)), _DIGITS) if na and nb2 > 0 else 0.0
            if s > best_s and s >= self.settings.join and content_agrees(
                    vec, self.store.story_vector(sid), s, self.settings):
                best, best_s = sid, s
        if best is None:
            return None, best_s, {}
        return best, best_s, held[best]

    def added(self, sid: str, prof: Mapping[str, float], held: Mapping[str, float]) -> None:
        """An article with profile ``prof`` joined ``sid``, which held ``held`` on its keys before."""
        if sid in self.squares:
            self.squares[sid] += sum((held.get(k, 0.0) + x) ** 2 - held.get(k, 0.0) ** 2 for k, x in prof.items())


def most_representative(vectors: dict[str, np.ndarray], story_sum: np.ndarray | None, order: list[str]) -> list[str]:
    """Articles ranked by how well they stand for their story: the cosine of their content vector
    (the normalised mean of their claims') with the story's centroid, rounded (the same ranking
    whatever the order the articles arrived in); ties, and articles without claims, in ``order``."""
    n = float(np.linalg.norm(story_sum)) if story_sum is not None else 0.0

    def score(aid: str) -> float:
        v = vectors.get(aid)
        if v is None or not n:
            return -2.0
        m = np.asarray(v, dtype=np.float32).mean(axis=0)
        mn = float(np.linalg.norm(m))
        return round(float(m @ story_sum) / (mn * n), 4) if mn else -2.0

    pos = {a: i for i, a in enumerate(order)}
    return sorted(order, key=lambda a: (-score(a), pos[a]))


def story_title(titles: list[str | None], top_names: list[str]) -> str:
    """A story's title: the first article title, else its most weighted entities."""
    for t in titles:
        if t and t.strip():
            return t.strip()
    return ", ".join(top_names[:3]) or "untitled story"
