"""Syndication and near-duplicates: MinHash LSH over word shingles of the clean text.

A republished or lightly edited copy is linked to its original (``duplicate_of``, between
articles) and never counts as another source: it inherits the original's publisher. The
signature and its LSH band buckets are stored, so a later run finds copies of articles
linked long ago without re-reading them, and no article is ever compared with all others.

Which one is the original: the article whose outlet the other credits ("Source: X", a wire
credit in ``Article.original_source``), else the one published first, else the one stored
first.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import urlparse

import numpy as np

from crosscheck.config import DEFAULTS
from crosscheck.model import Article

NUM_PERM = 128
BANDS, ROWS = 32, 4  # LSH S-curve midpoint near Jaccard 0.42: candidates only, verified below
SHINGLE = 3  # words: tolerant of light edits, still rare enough between unrelated texts
_WORD = re.compile(r"\w+", re.UNICODE)
_SEED = 17  # fixed so signatures stored by one run compare with those of the next


@dataclass(frozen=True, slots=True)
class DupMatch:
    """A near-copy found for a new article."""

    original: str
    jaccard: float
    reason: str


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    """Lower-cased word k-grams of a text (the whole text when it is shorter than k words)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < k:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


def signature(text: str) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint64 values) of a text's shingles."""
    # imported here: datasketch brings scipy (about 50 MB), which the prepare workers, importing
    # this package but never hashing, need not hold
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=_SEED)
    sh = shingles(text)
    if sh:
        mh.update_batch(list(sh))
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def bands(sig: np.ndarray) -> list[tuple[int, str]]:
    """(band number, bucket hash) pairs: two texts share a bucket when a whole band agrees."""
    out = []
    for b in range(BANDS):
        chunk = sig[b * ROWS : (b + 1) * ROWS].tobytes()
        out.append((b, hashlib.blake2b(chunk, digest_size=8).hexdigest()))
    return out


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


def to_blob(sig: np.ndarray) -> bytes:
    """A signature as stored."""
    return sig.astype(np.uint64).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    """A stored signature."""
    return np.frombuffer(blob, dtype=np.uint64)


def _norm_outlet(name: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (name or "").lower()).strip()


def publisher_of(article: Article) -> str:
    """Who the text comes from: its credited original source, else its outlet, else its site.

    Five sites running the same wire story are one source, so the wire credit wins. An
    article with nothing to go on is its own source (an internal key, never shown).
    """
    for name in (article.original_source, article.outlet):
        if name and name.strip():
            return name.strip()
    return outlet_of(article) or f"article:{article.id}"


def outlet_of(article: Article) -> str | None:
    """The outlet an article appeared in, as shown: its outlet, else the source it credits
    (a page of unknown outlet crediting "Le Parisien"), else its URL's host, else the file it
    was read from (an unknown publisher is named by its source, so every outlet counted can be
    listed), else None (stdin): counting treats such an article as its own publisher.
    """
    return outlet_name(article.outlet, article.original_source, article.source)


def outlet_name(outlet: str | None, original_source: str | None, source: str | None) -> str | None:
    """:func:`outlet_of` from an article's three fields (the web registers it as an SQL function)."""
    for name in (outlet, original_source):
        if name and name.strip():
            return name.strip()
    source = source or ""
    host = urlparse(source).netloc
    if host:
        return host.removeprefix("www.")
    name = PurePath(source.split("#", 1)[0]).name if source not in ("", "-", "<stdin>") else ""
    return name or None


UNKNOWN_OUTLET = "unknown outlet"  # only an article read from stdin with no outlet has no name


def outlet_label(outlet: str | None) -> str:
    """An outlet as every page, briefing and export label shows it: its name as :func:`outlet_of`
    gives it, else "unknown outlet"."""
    return outlet.strip() if outlet and outlet.strip() else UNKNOWN_OUTLET


def article_name(article: Any) -> str:
    """An article as every page, briefing and export label names it: its title, else its outlet
    as shown (an unknown publisher named by its source: the file it was read from or its URL's
    host), else "article ID". ``article`` is an :class:`Article` or a mapping with ``title`` and
    the shown ``outlet`` (a row read through the web's ``with_outlet``) or the raw fields."""
    def get(key: str) -> Any:
        return article.get(key) if isinstance(article, Mapping) else getattr(article, key, None)

    title = get("title") or get("article_title")
    if isinstance(title, str) and title.strip():
        return " ".join(title.split())
    if isinstance(article, Article):
        outlet = outlet_of(article)
    elif get("source") is not None or get("outlet_source") is not None:
        outlet = outlet_name(get("outlet"), get("original_source") or get("outlet_credit"),
                             get("source") or get("outlet_source"))
    else:
        outlet = get("outlet")
    if isinstance(outlet, str) and outlet.strip():
        return outlet.strip()
    of_claim = isinstance(article, Mapping) and "article_title" in article  # a claim row names its article
    return f"article {(get('article_id') if of_claim else get('id')) or '?'}"


def _credits(copy: Article, original: Article) -> bool:
    """True when ``copy`` names ``original``'s outlet as its source."""
    credited = _norm_outlet(copy.original_source)
    return bool(credited) and credited in {_norm_outlet(original.outlet), _norm_outlet(original.original_source)}


def find_original(signature_of: Callable[[str], tuple[bytes, str | None] | None], article: Article,
                  sig: np.ndarray, load: dict[str, Article], candidates: set[str], *,
                  jaccard_min: float = DEFAULTS.link.duplicates.jaccard) -> DupMatch | None:
    """The original of ``article`` among LSH ``candidates`` (already-linked articles), if any:
    one whose estimated Jaccard reaches ``jaccard_min`` (the run's link.duplicates.jaccard).

    ``signature_of(id)`` gives a linked article's (MinHash blob, duplicate_of) or None (the
    store's ``linked_signature``); ``load`` maps candidate ids to their articles. The best verified candidate wins; when the
    new article is the credited original or was published earlier, the caller flips the link.
    """
    best: DupMatch | None = None
    for cid in sorted(candidates):  # in id order: a tie goes the same way in every process (hash seeds differ)
        if cid == article.id:
            continue
        row = signature_of(cid)
        if row is None:
            continue
        j = jaccard(sig, from_blob(row[0]))
        if j < jaccard_min:
            continue
        original = row[1] or cid  # a copy of a copy points at the first original
        other = load.get(original)
        reason = "minhash"
        if other is not None and _credits(article, other):
            reason = "minhash+credit"
        if best is None or j > best.jaccard:
            best = DupMatch(original=original, jaccard=round(j, 3), reason=reason)
    return best


def new_is_original(article: Article, old: Article) -> bool:
    """True when the newly seen article is the original of an already-linked copy."""
    if _credits(old, article):
        return True
    if _credits(article, old):
        return False
    return bool(article.published and old.published and article.published < old.published)
