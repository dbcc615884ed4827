"""Reuters-21578 SGML (../shared/data/reuters-21578) as ``crosscheck analyze`` JSONL records.

Shared by the benchmarks that need real newswire at scale (bench_web.py, link_reuters.py).
The files are latin-1 with control characters, so parsing is lenient: one regex per element,
entities unescaped, control characters dropped. Nothing from the corpus is written into the
repository; callers write their JSONL under /tmp.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_DOC = re.compile(r"<REUTERS\b.*?</REUTERS>", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def shared() -> Path:
    return Path(os.environ.get("CROSSCHECK_SHARED", ROOT.parent / "shared")).resolve()


def corpus_dir() -> Path:
    return shared() / "data" / "reuters-21578"


def _tag(doc: str, name: str) -> str | None:
    m = re.search(f"<{name}>(.*?)</{name}>", doc, re.S)
    return _CONTROL.sub("", html.unescape(m.group(1))).strip() if m else None


def stories(*, min_body: int = 1, need_title: bool = False) -> Iterator[dict[str, str]]:
    """Every story whose body has at least ``min_body`` characters, in file and NEWID order.

    Records: ``url`` (``reuters-21578/<NEWID>``, stable), ``title`` (title-cased, "" when
    missing), ``outlet`` ("Reuters"), ``published`` (the DATE field's day, ISO, "" when
    unreadable) and ``text`` (the body's paragraphs, blank-line separated, without the
    trailing "Reuter" signature).
    """
    n = 0
    for sgm in sorted(corpus_dir().glob("reut2-*.sgm")):
        for doc in _DOC.findall(sgm.read_text(encoding="latin-1")):
            body, title = _tag(doc, "BODY"), _tag(doc, "TITLE")
            if not body or len(body) < min_body or (need_title and not title):
                continue
            body = re.sub(r"\s*\bReuter\s*$", "", body)
            paras = [" ".join(p.split()) for p in re.split(r"\n\s{3,}", body)]  # indented lines open paragraphs
            text = "\n\n".join(p for p in paras if p)
            if not text:
                continue
            raw_date = ((_tag(doc, "DATE") or "").split() or [""])[0]
            try:
                published = datetime.strptime(raw_date, "%d-%b-%Y").date().isoformat()
            except ValueError:
                published = ""
            newid = re.search(r'NEWID="(\d+)"', doc)
            yield {"url": f"reuters-21578/{newid.group(1) if newid else n}", "title": (title or "").title(),
                   "outlet": "Reuters", "published": published, "text": text}
            n += 1
