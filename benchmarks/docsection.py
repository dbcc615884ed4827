"""Write a generated section into a Markdown doc, between named markers, leaving the rest alone."""

from __future__ import annotations

import platform
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path


def machine_line() -> str:
    """Machine, Python, versions and date, for the record beside every number."""
    import spacy

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                check=False).stdout.strip()
    except OSError:
        commit = "?"
    cpus = len(__import__("os").sched_getaffinity(0))
    return (f"{datetime.now(UTC):%Y-%m-%d}, {platform.machine()} {cpus} cores, Python {sys.version.split()[0]}, "
            f"spaCy {spacy.__version__}, commit {commit}")


def update_section(doc: Path, name: str, body: str) -> None:
    """Replace (or append) the section ``name`` of ``doc`` with ``body``."""
    start, end = f"<!-- generated:{name} -->", f"<!-- /generated:{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if start in text and end in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")
