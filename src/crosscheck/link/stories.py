"""Stories: what an analyst follows for months, clustered from shared canonical entities.

An article joins the story holding the members closest to it, or starts a new one.
Candidates come only from the stories sharing a key with it (the ``story_keys`` index), and a
key carried by more than ``key_cap`` stories is skipped: "United States" would otherwise make
every lookup scan the corpus. The candidates are shortlisted by the cosine of the article's
IDF-weighted key profile with each story's accumulated one (at least ``join``, the best
``shortlist``), then judged (:func:`judge`): by their last members (:func:`member_score`), and
by the accumulated profile and centroid only while the story is young or its members agree with
one another (:func:`coherence`). A story's accumulated profile and centroid grow to cover every
topic its articles touch, so an article that matched one of them drew in the next article of
another story, and one story ended up holding a dozen (FNC-1's Islamic State stories). When
nothing holds the article, a story whose profile is ``strong`` against it and whose content
agrees still takes it (:func:`strong_fallback`). The same scoring runs without a store
(:class:`StoryClusterer`) for the ECB+ eval.
The thresholds are the run's ``link.stories`` settings (:class:`crosscheck.config.StorySettings`),
handed in by the linker; their defaults are tuned on the tuning half of the FNC-1 stories.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
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


Member = tuple[Mapping[str, float], "np.ndarray | None"]  # a story member's key profile and content vector


def member_score(prof: Mapping[str, float], vec: np.ndarray | None, members: Sequence[Member],
                 weight: Callable[[str], float], settings: StorySettings = DEFAULTS.link.stories) -> float | None:
    """How well a story's ``members`` (its last ones) hold an article, or None when too few are close.

    A member is close when its key profile's cosine with ``prof`` (keys scaled by ``weight``) is
    at least ``member_entity`` and its content vector's with ``vec`` at least ``member_content``
    (a missing vector agrees). A story of n members needs ceil(``member_share`` x min(n,
    ``member_top``)) close ones; the score is the mean over the ``member_top`` closest of the mean
    of both cosines, fewer close members counting as 0.
    """
    if not members:
        return None
    close = []
    for keys, v in members:
        c = 1.0 if vec is None or v is None else round(float(vec @ v), 6)
        if c < settings.member_content:
            continue
        e = similarity(prof, keys, weight)
        if e >= settings.member_entity:
            close.append((e + c) / 2)
    if not close or len(close) < math.ceil(settings.member_share * min(len(members), settings.member_top)):
        return None
    close.sort(reverse=True)
    return round(sum(close[: settings.member_top]) / settings.member_top, _DIGITS)


def coherence(members: Sequence[Member]) -> float:
    """How much a story's members agree with one another: the norm of the mean of their (unit)
    content vectors, 1.0 for one member, 0.0 when none has a vector."""
    vs = [v for _, v in members if v is not None]
    return round(float(np.linalg.norm(np.mean(vs, axis=0))), 6) if vs else 0.0


def judge(prof: Mapping[str, float], vec: np.ndarray | None, members: Sequence[Member], score: float,
          story_sum: np.ndarray | None, weight: Callable[[str], float],
          settings: StorySettings = DEFAULTS.link.stories) -> float | None:
    """How well a shortlisted story holds an article (higher is better), or None when it does not.

    ``score`` is the cosine of the article's profile with the story's accumulated one, and
    ``story_sum`` the sum of the story's content vectors. A story of fewer than ``young`` members
    has too few to judge by: its profile's score counts when its content agrees
    (:func:`content_agrees`). Otherwise its last ``members`` judge (:func:`member_score`); when none
    holds the article, a story whose members still agree with one another (:func:`coherence` at
    least ``coherent``) is judged by its profile as a young one is. A story that has drifted over
    several topics is judged by its members alone: its accumulated profile and centroid cover every
    topic it touched, and would let each of them draw in the next story's articles.
    """
    if len(members) < settings.young:
        return score if content_agrees(vec, story_sum, score, settings) else None
    held = member_score(prof, vec, members, weight, settings)
    if held is None and coherence(members) >= settings.coherent and content_agrees(vec, story_sum, score, settings):
        return score
    return held


def pick(scored: Mapping[str, float | None]) -> tuple[str | None, float]:
    """The best scored story (ties to the smaller id) and its score; None when none qualifies."""
    best, best_s = None, 0.0
    for sid in sorted(scored):
        s = scored[sid]
        if s is not None and (best is None or s > best_s):
            best, best_s = sid, s
    return best, best_s


def shortlist(scores: Mapping[str, float], join: float, size: int) -> list[str]:
    """The ``size`` stories whose profiles score best (at least ``join``), best first."""
    return sorted((sid for sid, s in scores.items() if s >= join), key=lambda sid: (-scores[sid], sid))[:size]


def strong_fallback(short: list[str], scores: Mapping[str, float], vec: np.ndarray | None,
                    vector: Callable[[str], np.ndarray | None], settings: StorySettings) -> str | None:
    """When no member holds the article: the best shortlisted story whose profile is ``strong``
    against it and whose content agrees (:func:`content_agrees`), or None."""
    for sid in short:  # best first
        if scores[sid] >= settings.strong and content_agrees(vec, vector(sid), scores[sid], settings):
            return sid
    return None


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
    profiles: dict[str, list[Member]] = field(default_factory=dict)  # story -> its members' profiles and vectors

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
        st = self.settings

        def weight(k: str) -> float:
            return idf(self.df[k], self.n)

        scores = {sid: similarity(prof, self.keys[sid], weight) for sid in sorted(cands)}
        short = shortlist(scores, st.join if self.join is None else self.join, st.shortlist)
        best, _ = pick({sid: judge(prof, vec, self.profiles.get(sid, [])[-st.recent:], scores[sid], self.vectors.get(sid),
                                   weight, st) for sid in short})
        if best is None:
            best = strong_fallback(short, scores, vec, self.vectors.get, st)
        sid = best if best is not None else story_id(doc_id)
        self.profiles.setdefault(sid, []).append((prof, vec))
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

        The stories sharing keys with the article are shortlisted by their accumulated profiles
        (:func:`shortlist`) and judged (:func:`judge`), else taken by :func:`strong_fallback`. A
        story with no member recorded (linked before migration 0013) is judged as a young one.
        """
        st = self.settings
        cands = self.store.stories_for_keys(prof.keys(), cap=st.key_cap)
        if not cands:
            return None, 0.0, {}
        df = self.store.key_df(prof.keys())
        held = self.store.story_weights(sorted(cands), prof.keys())
        w = {k: idf(df.get(k, 1), n_articles) for k in prof}
        rare = idf(1, n_articles)
        na = math.sqrt(sum((a * w[k]) ** 2 for k, a in prof.items()))
        scores: dict[str, float] = {}
        for sid in sorted(cands):
            b = held[sid]
            dot = sum(a * b[k] * w[k] ** 2 for k, a in prof.items() if k in b)
            if dot == 0:
                continue
            inside = sum(x * x for x in b.values())
            nb2 = rare ** 2 * max(0.0, self._squares(sid) - inside) + sum((x * w[k]) ** 2 for k, x in b.items())
            # rounded: the norm is kept up to date by sums whose order depends on when this process
            # first read the story (a resumed run reads it later), and two stories with one profile tie
            scores[sid] = round(dot / (na * math.sqrt(nb2)), _DIGITS) if na and nb2 > 0 else 0.0
        short = shortlist(scores, st.join, st.shortlist)
        members = self.store.story_members(short, st.recent)
        # the df of the members' other keys, for the members close enough in content to be compared
        df |= self.store.key_df({k for ms in members.values() for keys, v in ms
                                 if vec is None or v is None or round(float(vec @ v), 6) >= st.content_floor
                                 for k in keys} - set(prof))

        def weight(k: str) -> float:
            return idf(df.get(k, 1), n_articles)

        judged = {sid: judge(prof, vec, members.get(sid, []), scores[sid], self.store.story_vector(sid), weight, st)
                  for sid in short}
        best, best_s = pick(judged)
        if best is None and (best := strong_fallback(short, scores, vec, self.store.story_vector, st)) is not None:
            best_s = scores[best]
        if best is None:
            return None, 0.0, {}
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
