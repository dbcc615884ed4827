"""Per-article annotation: a pure map from a cleaned ``Article`` to its ``Annotations``.

No I/O and no global state beyond the loaded spaCy pipeline, so the same call
runs in one process, in a process pool, or on a Spark executor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosscheck.annotate import claims, entities, quantities, times
from crosscheck.annotate.nlp import parse
from crosscheck.model import Annotations, Article

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["annotate", "annotate_doc"]


def annotate(article: Article, nlp: Language) -> tuple[Article, Annotations]:
    """Run every stage on one article; returns the article (reference date possibly inferred)."""
    return annotate_doc(article, parse(nlp, article.text))


def annotate_doc(article: Article, doc: Doc) -> tuple[Article, Annotations]:
    """Run every stage on an already parsed article (``doc.text == article.text``)."""
    article = times.with_reference_date(doc, article)
    mentions = entities.extract_entities(doc, article)
    found_claims = claims.extract_claims(doc, article, mentions)
    found_times = times.extract_times(doc, article)
    found_quantities = quantities.extract_quantities(doc, article, found_claims)
    return article, Annotations(
        article_id=article.id,
        entities=tuple(mentions),
        claims=tuple(found_claims),
        times=tuple(found_times),
        quantities=tuple(found_quantities),
    )
