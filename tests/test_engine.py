"""The local engine: one pool for a whole run, results in input order, pickled as its arguments."""

from __future__ import annotations

import pickle

from crosscheck.clean import clean
from crosscheck.engines.local import LocalEngine
from crosscheck.model import Article, RawDoc

TEXTS = [
    "The mayor said on Monday that the bridge would reopen in May.\n\nIt carries 40,000 cars a day.",
    "Police have arrested two men, officials said.",
    "Nothing was reported. \"We are looking into it,\" a spokeswoman told reporters on Friday.",
]


def _articles() -> list[Article]:
    return [clean(RawDoc(source=f"t{n}.txt", raw=t, fmt="text")) for n, t in enumerate(TEXTS)]


def test_engine_pickles_as_its_arguments() -> None:
    engine = LocalEngine(workers=2, batch_size=3)
    copy = pickle.loads(pickle.dumps(engine))
    assert (copy.model, copy.workers, copy.batch_size) == (engine.model, 2, 3)
    assert copy._pool is None


def test_pool_outlives_a_chunk_and_matches_one_process() -> None:
    articles = _articles()
    here = [found for _, found, _ in LocalEngine(workers=1).map(articles)]
    with LocalEngine(workers=2, batch_size=1) as engine:
        first = engine.map(articles[:2])  # queued at once: the second chunk goes in before the first is read
        second = engine.map(articles[2:])
        pool = engine._pool
        got = [found for _, found, _ in first] + [found for _, found, _ in second]
        assert [f for _, f, _ in engine.map(articles[:1])] == here[:1] and engine._pool is pool
    assert engine._pool is None
    assert got == here
    assert all(found is not None and found.article_id == a.id for a, found in zip(articles, got, strict=True))
