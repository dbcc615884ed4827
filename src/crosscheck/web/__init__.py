"""The web UI: server-rendered pages over a read-only ledger, every page with a JSON twin.

``create_app(db_path)`` builds the FastAPI application; ``crosscheck serve`` runs it with
uvicorn. Views parse the request, call one query function of this package, and render the
same dict as HTML (Jinja2, autoescaped) or JSON (the page path + ``.json``).
"""

from __future__ import annotations

from crosscheck.web.app import create_app

__all__ = ["create_app"]
