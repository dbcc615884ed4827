"""Attributed claims: who said what, with which cue, stance and hedges (issue: claims)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosscheck.model import Article, Claim, EntityMention

if TYPE_CHECKING:
    from spacy.tokens import Doc


def extract_claims(doc: Doc, article: Article, mentions: list[EntityMention]) -> list[Claim]:
    """Find every attributed claim in ``doc``. Not built yet: returns no claims."""
    return []
