"""The FastAPI application: security headers, error pages, static files, templates.

``create_app(db_path)`` opens the ledger read-only and registers the views of
:mod:`crosscheck.web.routes`. Every response carries a strict Content-Security-Policy (no
inline script or style); unknown ids, unknown paths and bad parameters get an HTML error
page (or JSON, for ``.json`` paths), never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment
from starlette.exceptions import HTTPException

from crosscheck import __version__
from crosscheck.config import DEFAULTS, Settings
from crosscheck.web.db import Ledger
from crosscheck.web.render import STATIC, environment, web_href

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def templates() -> Environment:
    """The Jinja2 environment of the UI (links to pages, autoescape on for every template)."""
    return environment(web_href)


def wants_json(request: Request) -> bool:
    """A JSON twin was asked for (the path ends in ``.json``)."""
    return request.url.path.endswith(".json")


def render(request: Request, template: str, data: dict[str, Any], status: int = 200) -> Response:
    """The page's data as HTML, or as JSON for the ``.json`` twin (same dict either way)."""
    if wants_json(request):
        return JSONResponse({"ok": status < 400, **data}, status_code=status)
    env: Environment = request.app.state.env
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(request.url.path)  # keep the percent-encoding of ids
    json_url = "/.json" if path == "/" else path + ".json"
    if request.url.query:
        json_url += "?" + request.url.query
    params = dict(request.query_params)
    html = env.get_template(template).render(json_url=json_url, params=params, **data)
    return HTMLResponse(html, status_code=status)


def error(request: Request, status: int, message: str) -> Response:
    """An error page (or JSON) that names the problem and nothing of the internals."""
    titles = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 503: "Not available"}
    return render(request, "error.html", {"status": status, "title": titles.get(status, "Error"),
                                          "error": message}, status)


def create_app(db_path: str | Path, settings: Settings = DEFAULTS) -> FastAPI:
    """The web UI over the ledger at ``db_path`` (opened read-only; raises StoreError if unusable),
    run with ``settings`` (its ``web`` section)."""
    from crosscheck.web.routes import register

    ledger = Ledger(db_path)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        ledger.close()  # each worker thread's connection (a server connection on PostgreSQL)

    app = FastAPI(title="crosscheck", version=__version__, docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.ledger = ledger
    app.state.settings = settings
    app.state.env = templates()

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else "No such page."
        return error(request, exc.status_code, str(message))

    @app.exception_handler(RequestValidationError)
    async def bad_params(request: Request, exc: RequestValidationError) -> Response:
        return error(request, 400, "Invalid parameters.")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return error(request, 500, "Internal error; see the server log.")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    register(app)
    return app
