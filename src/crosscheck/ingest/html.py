"""Main text and metadata from HTML pages, through trafilatura (and htmldate for dates)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Extracted:
    """What an HTML page yields: main text and the metadata the page declares."""

    text: str
    title: str | None
    author: str | None
    outlet: str | None
    published: str | None


def extract_html(html: str, url: str | None = None) -> Extracted | None:
    """Main text and metadata of an HTML page, or None when no main text can be found."""
    import trafilatura

    # trafilatura logs every page it cannot parse; the runner reports rejects itself.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # trafilatura raises a zoo of lxml errors on broken markup
        logger.debug("trafilatura failed: %s", exc)
        return None
    if doc is None:
        return None
    text = getattr(doc, "text", None) or ""
    if not text.strip():
        return None
    return Extracted(
        text=text,
        title=_clean(getattr(doc, "title", None)),
        author=_clean(getattr(doc, "author", None)),
        outlet=_clean(getattr(doc, "sitename", None)),
        published=_clean(getattr(doc, "date", None)),
    )


def _clean(v: object) -> str | None:
    return v.strip() or None if isinstance(v, str) else None
