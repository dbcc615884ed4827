"""The main job: read inputs, clean, annotate, store; one bad input never stops the run.

``analyze`` is the library call behind ``crosscheck analyze``. It streams: inputs are read,
cleaned and annotated in bounded chunks, so memory stays flat as the input grows. Each
article is written in its own transaction, so an interrupted run loses at most the articles
in flight, and a rerun skips what is already stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from crosscheck.clean import clean, raw_sha
from crosscheck.engines.local import LocalEngine, batched
from crosscheck.errors import InputRejected
from crosscheck.ingest.files import JSONL_SUFFIXES, KNOWN_SUFFIXES, Rejected, read_inputs
from crosscheck.ingest.warc import Skipped, is_warc
from crosscheck.model import Annotations, Article, RawDoc
from crosscheck.store.base import Store

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

CHUNK = 256  # articles cleaned ahead of the annotator: bounds memory on huge inputs


@dataclass(slots=True)
class RunSummary:
    """What a run did: stored, already present, new versions, and rejected inputs with reasons."""

    stored: int = 0
    present: int = 0
    new_versions: int = 0
    words: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (archive, what was not an article), no error

    @property
    def exit_code(self) -> int:
        """0: every input stored or present; 1: some rejected; 2: none could be read."""
        if not self.rejected:
            return 0
        return 1 if self.stored + self.present else 2


Event = Callable[[str, dict[str, object]], None]


def count_inputs(paths: Iterable[str]) -> int | None:
    """How many articles the inputs hold (for progress ETA); None when unknowable (stdin)."""
    total = 0
    for p in paths:
        if p == "-":
            return None
        path = Path(p)
        files = sorted(c for c in path.rglob("*") if c.is_file() and c.suffix.lower() in KNOWN_SUFFIXES) \
            if path.is_dir() else [path]
        if is_warc(path) or (path.is_dir() and any(is_warc(c) for c in path.rglob("*"))):
            return None  # counting a web archive's articles means reading it through
        for f in files:
            if f.suffix.lower() in JSONL_SUFFIXES:
                try:
                    with f.open("rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                except OSError:
                    total += 1
            else:
                total += 1
    return total


def analyze(
    paths: Iterable[str],
    store: Store,
    *,
    engine: LocalEngine | None = None,
    on_event: Event | None = None,
    stdin: BinaryIO | None = None,
) -> RunSummary:
    """Ingest, clean, annotate and store every input; report each bad one through ``on_event``."""
    return analyze_items(read_inputs(list(paths), stdin), store, engine=engine, on_event=on_event)


def analyze_items(
    items: Iterable[RawDoc | Rejected | Skipped],
    store: Store,
    *,
    engine: LocalEngine | None = None,
    on_event: Event | None = None,
) -> RunSummary:
    """``analyze`` over documents read elsewhere (feeds, archives): clean, annotate, store each."""
    engine = engine or LocalEngine()
    summary = RunSummary()
    emit = on_event or (lambda kind, data: None)

    def reject(source: str, reason: str) -> None:
        summary.rejected.append((source, reason))
        store.record_reject(source, reason)
        emit("rejected", {"source": source, "reason": reason})

    def save(results: Iterator[tuple[Article, Annotations | None, str | None]]) -> None:
        for article, found, error in results:
            if error is not None or found is None:
                reject(article.source, f"annotation failed: {error}")
                continue
            store.save(article, found)
            summary.stored += 1
            summary.words += len(article.text.split())
            emit("stored", {"source": article.source, "id": article.id})

    # Materialise a bounded chunk before handing it to the engine: the store is read while
    # cleaning, and must not be used from a process pool's feeder thread. A pool starts on a
    # chunk as soon as it is handed over, so the next chunk is read and cleaned here while the
    # workers annotate this one (at most two chunks in flight); results are stored in input order.
    in_flight: Iterator[tuple[Article, Annotations | None, str | None]] | None = None
    try:
        engine.start()  # workers load the model while the first chunk is read and cleaned
        for chunk in batched(_cleaned(iter(items), store, summary, reject, emit), CHUNK):
            queued = engine.map(chunk)
            if in_flight is not None:
                save(in_flight)
            in_flight = queued
        if in_flight is not None:
            save(in_flight)
    except BaseException:
        engine.close(cancel=True)
        raise
    engine.close()
    return summary


def _cleaned(
    items: Iterator[object],
    store: Store,
    summary: RunSummary,
    reject: Callable[[str, str], None],
    emit: Event,
) -> Iterator[Article]:
    pending: dict[str, str] = {}  # source -> id of a version cleaned in this run, not yet stored
    for item in items:
        if isinstance(item, Rejected):
            reject(item.source, item.reason)
            continue
        if isinstance(item, Skipped):
            summary.skipped.append((item.source, item.describe()))
            emit("skipped", {"source": item.source, "reason": f"skipped {item.total} records: {item.describe()}"})
            continue
        from crosscheck.model import RawDoc

        assert isinstance(item, RawDoc)
        sha = raw_sha(item.raw)
        status, old = store.status_of(item.source, sha)
        if status == "present":
            summary.present += 1
            emit("present", {"source": item.source, "id": old})
            continue
        try:
            article = clean(item)
        except InputRejected as exc:
            reject(exc.source, exc.reason)
            continue
        if article.id in pending.values():
            summary.present += 1  # the same input twice in one run (stdin, repeated path)
            continue
        previous = pending.get(item.source) or (old if status == "new_version" else None)
        if previous and item.source != "<stdin>":
            article = replace(article, version_of=previous)
            summary.new_versions += 1
        pending[item.source] = article.id
        yield article


def link(store: Store) -> str:
    """Run the cross-source layer over what is new in the store; returns a one-line summary."""
    from crosscheck.link import link_store

    return link_store(store).describe()


def analyze_and_link(
    paths: Iterable[str],
    store: Store,
    *,
    engine: LocalEngine | None = None,
    on_event: Event | None = None,
    stdin: BinaryIO | None = None,
) -> tuple[RunSummary, str]:
    """The main job: ``analyze`` then ``link``; returns the run summary and the link summary."""
    summary = analyze(paths, store, engine=engine, on_event=on_event, stdin=stdin)
    return summary, link(store)
