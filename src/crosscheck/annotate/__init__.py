"""Per-article annotation: a pure map from a cleaned ``Article`` to its ``Annotations``.

No I/O and no global state beyond the loaded spaCy pipeline, so the same call
runs in one process, in a process pool, or on a Spark executor. The run's settings come
as an argument (their [annotate] section), never from module state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosscheck.annotate import claims, entities, quantities, times
from crosscheck.annotate.nlp import parse
from crosscheck.config import DEFAULTS, Settings
from crosscheck.model import Annotations, Article

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["annotate", "annotate_doc"]


def annotate(article: Article, nlp: Language, settings: Settings = DEFAULTS) -> tuple[Article, Annotations]:
    """Run every stage on one article; returns the article (reference date possibly inferred)."""
    return annotate_doc(article, parse(nlp, article.text), settings)


def annotate_doc(article: Article, doc: Doc, settings: Settings = DEFAULTS) -> tuple[Article, Annotations]:
    """Run every stage on an already parsed article (``doc.text == article.text``) with the
    run's ``settings`` (annotate.attribution_tagger: the trained tagger adds to the rules' claims)."""
    article = times.with_reference_date(doc, article)
    mentions = entities.extract_entities(doc, article)
    system = "merged" if settings.annotate.attribution_tagger else "rules"
    found_claims = claims.extract_claims(doc, article, mentions, system=system)
    found_times = times.extract_times(doc, article)
    found_quantities = quantities.extract_quantities(doc, article, found_claims)
    return article, Annotations(
        article_id=article.id,
        entities=tuple(mentions),
        claims=tuple(found_claims),
        times=tuple(found_times),
        quantities=tuple(found_quantities),
    )
