"""Time expressions normalised to TIMEX3-style values (issue: times, quantities, entities)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosscheck.model import Article, TimeExpr

if TYPE_CHECKING:
    from spacy.tokens import Doc


def with_reference_date(doc: Doc, article: Article) -> Article:
    """The article, with its reference date inferred from its text when nothing gave one."""
    return article


def extract_times(doc: Doc, article: Article) -> list[TimeExpr]:
    """Time expressions of ``doc``. Not built yet: returns none."""
    return []
