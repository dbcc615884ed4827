"""The main job: read inputs, clean, annotate, store; one bad input never stops the run.

``analyze`` is the library call behind ``crosscheck analyze``. It streams: inputs are read,
cleaned and annotated in bounded chunks, so memory stays flat as the input grows. Each
article is written in its own transaction, so an interrupted run loses at most the articles
in flight, and a rerun skips what is already stored. The run's ``Settings`` (config.py) come
as an argument and go to every stage: reading, cleaning, the annotate engine, the linker.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from crosscheck.clean import clean, raw_sha
from crosscheck.config import DEFAULTS, Settings
from crosscheck.engines.local import LocalEngine, batched
from crosscheck.errors import InputRejected, StoreError
from crosscheck.ingest.files import JSONL_SUFFIXES, Rejected, _open_regular, input_files, read_inputs, shown
from crosscheck.ingest.warc import Skipped, is_warc
from crosscheck.model import Annotations, Article, RawDoc
from crosscheck.store.base import Store, write_errors

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())


@dataclass(slots=True)
class RunSummary:
    """What a run did: stored, already present, new versions, and rejected inputs with reasons."""

    stored: int = 0
    present: int = 0
    new_versions: int = 0
    words: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    internal: int = 0  # rejections that are crosscheck's fault (a bug an input hit), not the input's
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (archive, what was not an article), no error

    @property
    def exit_code(self) -> int:
        """0: every input stored or present; 1: some rejected; 2: none could be read;
        3: an internal error (a bug) cost an input, though the run went on (see docs/CLI.md)."""
        if self.internal:
            return 3
        if not self.rejected:
            return 0
        return 1 if self.stored + self.present else 2


Event = Callable[[str, dict[str, object]], None]
INTERNAL = "internal error"  # how a rejection that is a bug, not the input's fault, begins


def internal(step: str, exc: BaseException) -> str:
    """A rejection reason for an unexpected exception in one input's ``step``: where it came from."""
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" (at {Path(where.filename).name}:{where.lineno})" if where else ""
    return f"{INTERNAL} while {step}: {type(exc).__name__}: {str(exc)[:300]}{at}"


def count_inputs(paths: Iterable[str]) -> int | None:
    """How many articles the inputs hold (for progress ETA); None when unknowable (stdin).

    JSONL files count their lines (blank ones too: an estimate); only regular files are opened,
    so a FIFO or a link to a device never blocks the count."""
    total = 0
    for item in input_files(paths):
        if item is None:
            return None
        if isinstance(item, Path) and is_warc(item):
            return None  # counting a web archive's articles means reading it through
        if isinstance(item, Path) and item.suffix.lower() in JSONL_SUFFIXES:
            total += _count_lines(item)
        else:
            total += 1
    return total


def _count_lines(path: Path) -> int:
    fh, _ = _open_regular(path)
    if fh is None:
        return 1
    lines, last = 0, b"\n"
    with fh:
        try:
            while piece := fh.read(1 << 20):
                lines += piece.count(b"\n")
                last = piece[-1:]
        except OSError:
            return max(lines, 1)
    return lines + (last != b"\n")


def analyze(
    paths: Iterable[str],
    store: Store,
    *,
    engine: LocalEngine | None = None,
    on_event: Event | None = None,
    stdin: BinaryIO | None = None,
    settings: Settings = DEFAULTS,
) -> RunSummary:
    """Ingest, clean, annotate and store every input; report each bad one through ``on_event``."""
    return analyze_items(read_inputs(list(paths), stdin, limits=settings.ingest), store, engine=engine,
                         on_event=on_event, settings=settings)


def analyze_items(
    items: Iterable[RawDoc | Rejected | Skipped],
    store: Store,
    *,
    engine: LocalEngine | None = None,
    on_event: Event | None = None,
    settings: Settings = DEFAULTS,
) -> RunSummary:
    """``analyze`` over documents read elsewhere (feeds, archives): clean, annotate, store each
    with ``settings`` (analyze.chunk articles are cleaned ahead of the annotator)."""
    engine = engine or LocalEngine()
    summary = RunSummary()
    emit = on_event or (lambda kind, data: None)

    def reject(source: str, reason: str) -> None:
        source, reason = shown(source), shown(reason)
        if reason.startswith(INTERNAL):
            summary.internal += 1
        summary.rejected.append((source, reason))
        store.record_reject(source, reason)
        emit("rejected", {"source": source, "reason": reason})

    def save(results: Iterator[tuple[Article, Annotations | None, str | None]]) -> None:
        for article, found, error in results:
            if error is not None or found is None:
                reject(article.source, error if error and error.startswith((INTERNAL, "over ")) else
                       f"annotation failed: {error}")
                continue
            try:
                store.save(article, found)
            except write_errors() as exc:  # the ledger, not this input: read-only, full, locked
                raise StoreError(f"cannot write to the ledger {getattr(store, 'path', '')}: {exc}") from exc
            except Exception as exc:  # one input must never cost the others
                reject(article.source, internal("storing", exc))
                continue
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
        for chunk in batched(_cleaned(iter(items), store, summary, reject, emit, settings), settings.analyze.chunk):
            queued = engine.map(chunk, settings)
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
    settings: Settings,
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
        assert isinstance(item, RawDoc)
        try:
            sha = raw_sha(item.raw)
        except Exception as exc:  # one input must never cost the others
            reject(item.source, internal("hashing", exc))
            continue
        status, old = store.status_of(item.source, sha)
        if status == "present":
            summary.present += 1
            emit("present", {"source": item.source, "id": old})
            continue
        try:
            article = clean(item, settings)
        except InputRejected as exc:
            reject(exc.source, exc.reason)
            continue
        except Exception as exc:  # one input must never cost the others
            reject(item.source, internal("cleaning", exc))
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


def link(store: Store, settings: Settings = DEFAULTS) -> str:
    """Run the cross-source layer over what is new in the store; returns a one-line summary."""
    from crosscheck.link import link_store
    from crosscheck.store.sqlite import SQLiteStore

    if not isinstance(store, SQLiteStore):  # PostgresStore is one too
        raise TypeError(f"linking needs a ledger with the link tables, not {type(store).__name__}")
    return link_store(store, settings=settings).describe()


def analyze_and_link(
    paths: Iterable[str],
    store: Store,
    *,
    engine: LocalEngine | None = None,
    on_event: Event | None = None,
    stdin: BinaryIO | None = None,
    settings: Settings = DEFAULTS,
) -> tuple[RunSummary, str]:
    """The main job: ``analyze`` then ``link``; returns the run summary and the link summary."""
    summary = analyze(paths, store, engine=engine, on_event=on_event, stdin=stdin, settings=settings)
    return summary, link(store, settings)
