"""What every store offers. The pipeline, exporters, reports and the web UI use only this."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any, Protocol

from crosscheck.model import Annotations, Article, Claim, EntityMention, Quantity, TimeExpr


class Store(Protocol):
    """A ledger of articles and their annotations; one transaction per article."""

    def status_of(self, source: str, raw_sha: str) -> tuple[str, str | None]:
        """("present", id) when this exact input is stored, ("new_version", old_id) or ("new", None)."""
        ...

    def save(self, article: Article, annotations: Annotations) -> None:
        """Store an article and everything extracted from it, atomically."""
        ...

    def record_reject(self, source: str, reason: str) -> None:
        """Remember an input that could not be stored, for audit."""
        ...

    def articles(self, *, latest_only: bool = True) -> Iterator[Article]:
        """Stored articles in insertion order; by default only the latest version of each source."""
        ...

    def article(self, article_id: str) -> Article | None:
        """One article by id."""
        ...

    def claims(self, article_id: str | None = None) -> Iterator[Claim]:
        """Claims, of one article or of all latest articles."""
        ...

    def times(self, article_id: str | None = None) -> Iterator[TimeExpr]:
        """Time expressions, of one article or of all latest articles."""
        ...

    def quantities(self, article_id: str | None = None) -> Iterator[Quantity]:
        """Quantities, of one article or of all latest articles."""
        ...

    def mentions(self, article_id: str | None = None) -> Iterator[EntityMention]:
        """Entity mentions, of one article or of all latest articles."""
        ...

    def link_kinds(self) -> tuple[str, ...]:
        """The export kinds the link layer adds (stories, claim_groups, relations)."""
        ...

    def link_records(self, kind: str) -> Iterator[dict[str, Any]]:
        """Export records of one link kind, in a stable order (empty before linking)."""
        ...

    def counts(self) -> dict[str, int]:
        """Row counts per kind, for summaries."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


def ledger_errors() -> tuple[type[Exception], ...]:
    """The exceptions a ledger's database raises (sqlite3's, and psycopg's when it is installed)."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


def write_errors() -> tuple[type[Exception], ...]:
    """The database errors that mean the ledger cannot be written (read-only, full, locked, gone)."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.OperationalError,)
    return (sqlite3.OperationalError, psycopg.OperationalError, psycopg.errors.ReadOnlySqlTransaction)
