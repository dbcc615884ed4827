"""The cross-source layer: duplicates, stories, claim groups, typed relations, dates, timeline.

:func:`link_store` links the articles the ledger holds but the link layer has not seen yet,
one transaction per article, against the state earlier runs left in the store: a new
article joins existing stories and groups without recomputing the corpus. Candidates come
only from blocking keys (LSH buckets, entity keys, dates, content stems), never all pairs.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from crosscheck.link import dedupe, prepare, stories
from crosscheck.link.linker import ArticleLinker
from crosscheck.store.sqlite import SQLiteStore

__all__ = ["LinkSummary", "link_store"]

logging.getLogger(__name__).addHandler(logging.NullHandler())


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
    bounded: int = 0  # claims compared with only the best-sharing candidate groups (linker.MAX_CANDIDATE_GROUPS)

    def describe(self) -> str:
        """One line for the CLI."""
        if not self.articles:
            return f"Linking: nothing new ({self.stories} stories, {self.groups} claim groups)."
        rel = ", ".join(f"{n} {k}" for k, n in sorted(self.relations.items())) or "none"
        return (f"Linked {self.articles} new articles: {self.duplicates} duplicates, "
                f"{self.stories} stories ({self.new_stories} new), {self.groups} claim groups "
                f"({self.new_groups} new), relations: {rel}, {self.dates_resolved} cross-article dates"
                + (f"; {self.bounded} claims had more candidate groups than compared." if self.bounded else "."))


def link_store(store: SQLiteStore, *, prepare_ahead: bool | str = True) -> LinkSummary:
    """Link every not-yet-linked article of ``store``; returns a summary.

    ``prepare_ahead``: compute claim vectors and signatures in a worker process for long runs
    (True), never (False), or whatever the run's length ("always", for tests). One linker runs
    at a time per ledger (``store.link_lock``): a second waits, then links what is left.
    """
    prepare.refuse_while_bootstrapping()  # before the lock: the parent holding it waits for this worker
    with store.link_lock():
        return _link(store, prepare_ahead)


def _link(store: SQLiteStore, prepare_ahead: bool | str) -> LinkSummary:
    summary = LinkSummary()
    new_ids = store.unlinked_article_ids()
    if new_ids or store.link_unfinished():
        prepare.refuse_while_bootstrapping()
        linker = ArticleLinker(store)
        path = getattr(store, "path", None) if prepare_ahead else None
        ahead = prepare.ahead(path, new_ids, at_least=1 if prepare_ahead == "always" else None)
        with contextlib.closing(ahead):  # an error stops the workers too, not only the linker
            for aid, prepared in ahead:
                if prepared is not None:
                    linker.prepared[aid] = prepared
                linker.link_article(aid)
        linker.finish()
        summary.articles = len(new_ids)
        summary.duplicates = linker.duplicates
        summary.new_stories = linker.new_stories
        summary.new_groups = linker.new_groups
        summary.dates_resolved = linker.dates_resolved
        summary.bounded = linker.bounded
    # what the ledger holds, as the export and the UI count it (a relation made during the run
    # and folded away by a later merge is not counted)
    summary.stories, summary.groups, relations = store.link_counts()
    summary.relations = Counter(relations)
    with store.transaction() as cur:
        store.set_link_state(cur, "last_run", {
            "at": datetime.now(UTC).isoformat(timespec="seconds"), "articles": summary.articles,
            "params": {"lsh": [dedupe.BANDS, dedupe.ROWS], "story_join": stories.JOIN}})
    return summary


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
