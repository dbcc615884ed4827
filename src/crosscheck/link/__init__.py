"""The cross-source layer: duplicates, stories, claim groups, typed relations, dates, timeline.

:func:`link_store` links the articles the ledger holds but the link layer has not seen yet,
one transaction per article, against the state earlier runs left in the store: a new
article joins existing stories and groups without recomputing the corpus. Candidates come
only from blocking keys (LSH buckets, entity keys, dates, content stems), never all pairs.
The run's ``Settings`` go to the linker and to the preparing workers.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crosscheck.config import DEFAULTS, Settings
from crosscheck.link import corrections, dedupe, prepare
from crosscheck.link.linker import ArticleLinker
from crosscheck.store.sqlite import SQLiteStore

__all__ = ["LinkSummary", "link_store"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


@dataclass
class LinkSummary:
    """What one linking run did."""

    articles: int = 0
    duplicates: int = 0
    new_stories: int = 0
    stories: int = 0
    groups: int = 0
    new_groups: int = 0
    relations: Counter[str] = field(default_factory=Counter)  # the ledger's relations by type, after the run
    dates_resolved: int = 0
    bounded: int = 0  # claims compared with only the best-sharing candidate groups (link.groups.max_candidate_groups)
    corrections: int = 0  # entries of the corrections file in force after the run
    corrected_claims: int = 0  # claims they changed
    notes: list[str] = field(default_factory=list)  # a corrections file or entry that could not be applied

    def describe(self) -> str:
        """One line for the CLI."""
        fixed = (f" Corrections: {self.corrections} in force, {self.corrected_claims} claims corrected."
                 if self.corrections else "")
        if not self.articles:
            return f"Linking: nothing new ({self.stories} stories, {self.groups} claim groups).{fixed}"
        rel = ", ".join(f"{n} {k}" for k, n in sorted(self.relations.items())) or "none"
        return (f"Linked {self.articles} new articles: {self.duplicates} duplicates, "
                f"{self.stories} stories ({self.new_stories} new), {self.groups} claim groups "
                f"({self.new_groups} new), relations: {rel}, {self.dates_resolved} cross-article dates"
                + (f"; {self.bounded} claims had more candidate groups than compared." if self.bounded else ".")
                + fixed)


def link_store(store: SQLiteStore, *, prepare_ahead: bool | str = True, settings: Settings = DEFAULTS) -> LinkSummary:
    """Link every not-yet-linked article of ``store``; returns a summary.

    ``prepare_ahead``: compute claim vectors and signatures in a worker process for long runs
    (True), never (False), or whatever the run's length ("always", for tests). One linker runs
    at a time per ledger (``store.link_lock``): a second waits, then links what is left.
    ``settings``: the run's (config.py), for the linker and the preparing workers alike.
    """
    prepare.refuse_while_bootstrapping()  # before the lock: the parent holding it waits for this worker
    with store.link_lock():
        return _link(store, prepare_ahead, settings)


def _link(store: SQLiteStore, prepare_ahead: bool | str, settings: Settings) -> LinkSummary:
    summary = LinkSummary()
    new_ids = store.unlinked_article_ids()
    fixes, stale = _corrections(store, summary)
    if new_ids or store.link_unfinished() or stale:
        prepare.refuse_while_bootstrapping()
        linker = ArticleLinker(store, settings)
        run = linker.state
        if fixes is not None:
            run.corrections = fixes
            undone, their_stories = corrections.undo(store)  # linking starts from the ledger as linking alone left it
            run.touched_groups |= undone
            run.touched_stories |= their_stories
        path = getattr(store, "path", None) if prepare_ahead else None
        ahead = prepare.ahead(path, new_ids, at_least=1 if prepare_ahead == "always" else None, settings=settings)
        with contextlib.closing(ahead):  # an error stops the workers too, not only the linker
            for aid, prepared in ahead:
                if prepared is not None:
                    linker.prepared[aid] = prepared
                linker.link_article(aid)
        linker.finish()
        summary.articles = len(new_ids)
        summary.duplicates = run.duplicates
        summary.new_stories = run.new_stories
        summary.new_groups = run.new_groups
        summary.dates_resolved = run.dates_resolved
        summary.bounded = run.bounded
        summary.notes += run.correction_notes
    # what the ledger holds, as the export and the UI count it (a relation made during the run
    # and folded away by a later merge is not counted)
    summary.stories, summary.groups, relations = store.link_counts()
    summary.relations = Counter(relations)
    record = store.link_state(corrections.STATE_KEY) or {}
    summary.corrections = len(fixes.entries) if fixes is not None else 0
    summary.corrected_claims = len(record.get("claims", {}))
    for note in summary.notes:
        log.warning("%s", note)
    with store.transaction() as cur:
        store.set_link_state(cur, "last_run", {
            "at": datetime.now(UTC).isoformat(timespec="seconds"), "articles": summary.articles,
            "params": {"lsh": [dedupe.BANDS, dedupe.ROWS], "story_join": settings.link.stories.join}})
    return summary


def _corrections(store: SQLiteStore, summary: LinkSummary) -> tuple[corrections.Corrections | None, bool]:
    """The ledger's corrections file and whether the ledger still has to apply it.

    A file that cannot be read is one line in the summary's notes, and the ledger stays as
    the last good file left it (None: nothing undone, nothing applied).
    """
    given = getattr(store, "corrections_path", None)
    path = getattr(store, "path", None)
    if given is not None:
        file = Path(given)
    elif path is None or str(path) == ":memory:" or "://" in str(path):  # a server ledger: none unless named
        return None, False
    else:
        file = corrections.path_for(Path(path))
    try:
        fixes = corrections.load(file)
    except corrections.CorrectionsError as exc:
        summary.notes.append(str(exc) + "; the ledger keeps the corrections applied before")
        return None, False
    done = (store.link_state(corrections.STATE_KEY) or {}).get("sha", "")
    return fixes, done != fixes.sha


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
