"""The linker's per-article work that needs no ledger state, run ahead of it in another process.

What a claim's text embeds to (MiniLM) and what the parse of its content says (the
proposition signature) depend only on the article, never on what was linked before. They
are most of the cost of linking an article, so for a long run one worker process computes
them for the articles coming next while the linker does the stateful part (stories,
groups, relations) on the other core. Short runs, and any failure of the worker, fall back
to computing them inline: the result is the same either way (a test links the demo
corpus both ways and compares the exports). A worker is handed the run's ``Settings`` by its
initializer (spawned, it imports the modules afresh and would otherwise hold only the defaults).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any

import numpy as np

from crosscheck import memory
from crosscheck.config import DEFAULTS, Settings
from crosscheck.errors import CrosscheckError
from crosscheck.link import groups, proposition, relations
from crosscheck.link.embed import Embedder
from crosscheck.link.entities import article_keys
from crosscheck.model import Article, Claim, EntityMention

log = logging.getLogger(__name__)

CHUNK = 24  # articles per task sent to a worker
# Preparing costs about twice the linking itself (MiniLM runs ~130 texts/s on one core). Each
# process that prepares holds its own onnxruntime session and spaCy pipeline (about 400 MB), so
# on two cores one worker prepares three chunks in four and the linker the fourth, in its own
# process, between articles: per chunk the linker then spends L + P/4 = 1.5 L and the worker
# 3P/4 = 1.5 L (L linking, P = 2 L preparing), the same throughput as two workers beside the
# linker on two cores, with one process fewer holding the models. With more cores, workers
# take every chunk and one core stays the linker's.
WORKERS = max(1, min(4, (os.cpu_count() or 2) - 1))
LINKER_SHARE = 4 if WORKERS == 1 else 0  # the linker prepares every LINKER_SHARE-th chunk itself (0: none)
WINDOW = 3 * WORKERS + (1 if LINKER_SHARE else 0)  # tasks in flight: the workers stay busy, memory bounded


@dataclass
class Prepared:
    """One article's claim vectors and signatures, in the order the store lists its claims."""

    article_id: str
    claim_ids: list[str]
    vecs: np.ndarray  # the text each claim is compared by (a denial: its sentence)
    sigs: list[proposition.Signature]
    sentences: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)  # embedded sentences by span


def claim_text(c: Claim, text: str) -> tuple[str, tuple[int, int] | None]:
    """The text a claim is embedded by, and its sentence span when that text is the sentence.

    A denial's content is often a bare pointer ("the accusations"): its sentence says what it denies.
    """
    if c.polarity == "deny":
        lo, hi = groups.sentence_bounds(text, c.start, c.end)
        return text[lo:hi], (lo, hi)
    return c.content, None


_SEEN: dict[str, np.ndarray] = {}  # text -> vector, for texts met again (a syndicated copy's claims)
_SEEN_MAX = 4_000  # a copy's claims come soon after its original's; 20,000 cost a worker ~35 MB more


def _encode(emb: Embedder, texts: list[str]) -> np.ndarray:
    """Vectors of ``texts``, each distinct new text embedded once (a vector does not depend on its batch)."""
    new = sorted({t for t in texts if t not in _SEEN})
    if len(_SEEN) + len(new) > _SEEN_MAX:
        _SEEN.clear()
        new = sorted(set(texts))
    if new:
        _SEEN.update(zip(new, emb.encode(new, batch_size=16), strict=True))
    return np.array([_SEEN[t] for t in texts], dtype=np.float32).reshape(len(texts), -1) if texts \
        else np.zeros((0, 384), dtype=np.float32)


def prepare(article: Article, claims: Sequence[Claim], mentions: Sequence[EntityMention], emb: Embedder) -> Prepared:
    """Vectors and signatures of one article's claims, and the sentences disputes will compare."""
    return prepare_many([(article, claims, mentions)], emb)[0]


def prepare_many(items: Sequence[tuple[Article, Sequence[Claim], Sequence[EntityMention]]], emb: Embedder,
                 ) -> list[Prepared]:
    """:func:`prepare` for several articles, with one embedding batch and one parse batch for all."""
    texts, spans = [], []
    for article, claims, _ in items:
        for c in claims:
            t, span = claim_text(c, article.text)
            texts.append(t)
            spans.append(span)
    vecs = _encode(emb, texts)
    sigs = proposition.signatures_many([(list(claims), article_keys(mentions)) for _, claims, mentions in items])
    out: list[Prepared] = []
    k, more = 0, []
    for (article, claims, _), a_sigs in zip(items, sigs, strict=True):
        n = len(claims)
        sentences = {span: vecs[k + i] for i, span in enumerate(spans[k : k + n]) if span is not None}
        # denials stated as content ("X denies that ...") and contests look up their sentence too
        wanted = {groups.sentence_bounds(article.text, c.start, c.end) for c, s in zip(claims, a_sigs, strict=True)
                  if c.polarity != "deny" and (s.denial or relations.is_contest(c.content))}
        more += [(len(out), span) for span in sorted(wanted - set(sentences))]
        out.append(Prepared(article.id, [c.id for c in claims], vecs[k : k + n], a_sigs, sentences))
        k += n
    if more:
        extra = _encode(emb, [items[i][0].text[lo:hi] for i, (lo, hi) in more])
        for (i, span), v in zip(more, extra, strict=True):
            out[i].sentences[span] = v
    return out


# the worker process ----------------------------------------------------------------------------

_worker: dict[str, Any] = {}
_WATCH_EVERY = 1.0  # seconds between two looks at the parent, besides the pipe's end


def _watch_parent() -> None:
    """End this worker as soon as the process that started it is gone (SIGKILL included).

    The pool's task queue would block a worker for good once its parent is killed: the
    worker holds the queue's write end itself, so it never sees the end of the stream, and
    keeps the resource tracker alive with it. The spawn start method hands each child the
    read end of a pipe only its parent writes (``parent_process().sentinel``): it ends with
    the parent. A thread waits on it, and looks at the parent's pid besides, then exits the
    process at once.
    """
    parent = multiprocessing.parent_process()
    ppid = os.getppid()
    sentinels = [parent.sentinel] if parent is not None and parent.sentinel is not None else []

    def watch() -> None:
        while True:
            if sentinels:
                gone = bool(wait(sentinels, timeout=_WATCH_EVERY))
            else:
                time.sleep(_WATCH_EVERY)
                gone = False
            if gone or os.getppid() != ppid:
                os._exit(70)  # no cleanup to wait for: the worker writes nothing

    threading.Thread(target=watch, name="crosscheck-parent-watch", daemon=True).start()


def _init(path: str, settings: Settings) -> None:
    from crosscheck.store.sqlite import open_store

    _watch_parent()
    _worker["settings"] = settings  # the parent's: a spawned process has only the defaults otherwise
    _worker["store"] = open_store(path, read_only=True)  # a SQLite file or a PostgreSQL URL
    _worker["emb"] = Embedder(threads=1)


def _work(ids: list[str]) -> list[Prepared | None]:
    return _prepare_ids(_worker["store"], _worker["emb"], ids)


def worker_settings() -> Settings:
    """The settings this worker was started with (what a parent can ask a worker, to check it)."""
    got: Settings = _worker["settings"]
    return got


def _trimmed(got: list[Prepared | None]) -> list[Prepared | None]:
    """A chunk's result, after handing back what preparing it freed (parses, tokenizations)."""
    memory.trim()
    return got


def _prepare_ids(store: Any, emb: Embedder, ids: list[str]) -> list[Prepared | None]:
    items = [(a, list(store.claims(a.id)), list(store.mentions(a.id))) for aid in ids
             if (a := store.article(aid)) is not None]
    done = {p.article_id: p for p in prepare_many(items, emb)}
    del items
    return _trimmed([done.get(aid) for aid in ids])


def workers(path: str, settings: Settings) -> ProcessPoolExecutor:
    """The preparing workers over the ledger at ``path``, each started (spawned) with ``settings``."""
    return ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init, initargs=(path, settings))


class _Here:
    """The linker's own share of the chunks, prepared in its process (a read-only connection of
    its own, the process-wide embedder) when the chunk's turn comes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.store: Any = None

    def __call__(self, ids: list[str]) -> list[Prepared | None]:
        from crosscheck.link.embed import embedder
        from crosscheck.store.sqlite import SQLiteStore

        if self.store is None:
            self.store = SQLiteStore(self.path, read_only=True)
        return _prepare_ids(self.store, embedder(), ids)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


class BootstrappingError(CrosscheckError):
    """Linking was started while a worker process was still importing the caller's script."""

    code = "E203"


def refuse_while_bootstrapping() -> None:
    """Stop a spawned worker that is re-running a script without a ``__main__`` guard.

    Such a child would link the same ledger beside its parent; refusing ends it, the parent
    sees its workers fail and prepares inline.
    """
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise BootstrappingError("linking started while a worker process was starting: guard the script's "
                                 "code with `if __name__ == \"__main__\":`")


def ahead(path: str | None, ids: Sequence[str], *, at_least: int | None = None, settings: Settings = DEFAULTS,
          ) -> Generator[tuple[str, Prepared | None], None, None]:
    """``(article id, prepared or None)`` in the order of ``ids``, prepared by a worker process.

    None (prepare inline) without a ledger file, for runs shorter than ``at_least`` articles
    (default: ``settings``' link.prepare.ahead_min), and for whatever the worker fails on. Each
    worker receives ``settings`` through its initializer. The worker is started with
    "spawn" (onnxruntime's threads do not survive a fork), so a script that links a long run
    through the API needs the usual ``if __name__ == "__main__":`` guard; without it the
    worker cannot start and the run prepares inline, with one warning.
    """
    if path is None or path == ":memory:" or len(ids) < (
            settings.link.prepare.ahead_min if at_least is None else at_least):
        for aid in ids:
            yield aid, None
        return
    chunks = [list(ids[i : i + CHUNK]) for i in range(0, len(ids), CHUNK)]
    pool = workers(path, settings)
    here = _Here(path)
    pending: deque[tuple[list[str], Future[list[Prepared | None]] | _Here | None]] = deque()
    broken = False
    try:
        for i, chunk in enumerate(chunks):
            task: Future[list[Prepared | None]] | _Here | None = None
            if LINKER_SHARE and i % LINKER_SHARE == LINKER_SHARE - 1:
                task = here
            elif not broken:
                try:
                    task = pool.submit(_work, chunk)
                except Exception as exc:  # a worker that cannot start (no __main__ guard, no fork): go inline
                    log.warning("link: no preparing worker (%s); preparing inline", exc)
                    broken = True
            pending.append((chunk, task))
            if len(pending) >= WINDOW:
                yield from _drain(pending.popleft())
        while pending:
            yield from _drain(pending.popleft())
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        here.close()


def _drain(task: tuple[list[str], Future[list[Prepared | None]] | _Here | None],
           ) -> Iterator[tuple[str, Prepared | None]]:
    chunk, fut = task
    if fut is None:
        yield from ((aid, None) for aid in chunk)
        return
    try:
        got = fut(chunk) if isinstance(fut, _Here) else fut.result()
    except Exception as exc:  # preparing ahead failing must not stop linking: prepare inline
        log.warning("link: preparing ahead failed on %d articles (%s); preparing them inline", len(chunk), exc)
        got = [None] * len(chunk)
    yield from zip(chunk, got, strict=True)
