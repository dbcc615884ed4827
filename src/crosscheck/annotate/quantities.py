"""Quantities with bounds and counted units (issue: times, quantities, entities)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosscheck.model import Article, Claim, Quantity

if TYPE_CHECKING:
    from spacy.tokens import Doc


def extract_quantities(doc: Doc, article: Article, claims: list[Claim]) -> list[Quantity]:
    """Quantities of ``doc``, each tied to the claim containing it. Not built yet: returns none."""
    return []
