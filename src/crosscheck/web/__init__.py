"""The web UI: server-rendered pages over a read-only ledger, every page with a JSON twin.

``create_app(db_path)`` builds the FastAPI application; ``crosscheck serve`` runs it with
uvicorn. Views parse the request, call one query function of this package, and render the
same dict as HTML (Jinja2, autoescaped) or JSON (the page path + ``.json``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from crosscheck.config import Settings

__all__ = ["create_app"]


def create_app(db_path: str | Path, settings: Settings | None = None) -> FastAPI:
    """The web UI over the ledger at ``db_path`` (see :func:`crosscheck.web.app.create_app`).

    Imported lazily so that ``crosscheck report``, which renders the same templates through
    :mod:`crosscheck.web.render`, does not load FastAPI.
    """
    from crosscheck.config import DEFAULTS
    from crosscheck.web.app import create_app as build

    return build(db_path, settings or DEFAULTS)
