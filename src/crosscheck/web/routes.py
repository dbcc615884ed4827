"""The views: parse and validate the request, call one query function, render HTML or JSON.

Every page is registered twice, ``PATH`` and ``PATH.json`` (the JSON twin, registered first
so ``/story/ID.json`` is not read as the id ``ID.json``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from crosscheck.web import items, stories
from crosscheck.web.app import error, render
from crosscheck.web.db import MAX_PAGE, Ledger
from crosscheck.web.search import MAX_QUERY, search

_ID = re.compile(r"^[A-Za-z0-9_:-]{1,80}$")  # ids are content hashes, claims add ":cN"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DIGITS = re.compile(r"[0-9]{1,9}")


class BadRequest(Exception):
    """A parameter that fails validation (-> 400)."""


class NotFound(Exception):
    """An unknown or malformed id (-> 404)."""


def _page(request: Request, name: str = "page") -> int:
    raw = request.query_params.get(name, "1")
    # ASCII digits only: str.isdigit() also takes "²" and other digits int() refuses (a 500 once)
    if not _DIGITS.fullmatch(raw) or not 1 <= int(raw) <= MAX_PAGE:
        raise BadRequest(f"{name} must be a whole number from 1 to {MAX_PAGE}")
    return int(raw)


def _q(request: Request) -> str:
    q = request.query_params.get("q", "").strip()
    if len(q) > MAX_QUERY or _CONTROL.search(q):
        raise BadRequest(f"q must be at most {MAX_QUERY} printable characters")
    return q


def _id(request: Request, name: str) -> str:
    value = str(request.path_params[name])
    if not _ID.match(value):
        raise NotFound(f"no such {name.removesuffix('_id')}")
    return value


def _name(request: Request, name: str) -> str:
    value = str(request.path_params[name])
    if not value or len(value) > 200 or _CONTROL.search(value):
        raise NotFound(f"no such {name}")
    return value


def _ledger(request: Request) -> Ledger:
    return request.app.state.ledger  # type: ignore[no-any-return]


def _need_links(request: Request) -> None:
    if not _ledger(request).features.links:
        raise Unavailable("this ledger has no cross-source layer yet: run `crosscheck link` (or `crosscheck analyze`)")


class Unavailable(Exception):
    """The ledger lacks a migration this page needs (-> 503 with what to run)."""


# views: each returns (template, data) ---------------------------------------------------

def index(request: Request) -> tuple[str, dict[str, Any]]:
    """The story list, with a title filter (``q``) and pages."""
    _need_links(request)
    ledger = _ledger(request)
    return "stories.html", stories.story_list(ledger.conn, q=_q(request), page=_page(request),
                                              stats=ledger.features.stats)


def story(request: Request) -> tuple[str, dict[str, Any]]:
    """One story."""
    _need_links(request)
    pages = {name: _page(request, name) for name in ("page", "apage", "qpage")}
    data = stories.story(_ledger(request).conn, _id(request, "story_id"), **pages)
    if data is None:
        raise NotFound("no such story")
    return "story.html", data


def group(request: Request) -> tuple[str, dict[str, Any]]:
    """One claim group."""
    _need_links(request)
    data = stories.group(_ledger(request).conn, _id(request, "group_id"), page=_page(request))
    if data is None:
        raise NotFound("no such claim group")
    return "group.html", data


def claim(request: Request) -> tuple[str, dict[str, Any]]:
    """One claim."""
    data = items.claim(_ledger(request).conn, _id(request, "claim_id"))
    if data is None:
        raise NotFound("no such claim")
    return "claim.html", data


def article(request: Request) -> tuple[str, dict[str, Any]]:
    """One article."""
    data = items.article(_ledger(request).conn, _id(request, "article_id"))
    if data is None:
        raise NotFound("no such article")
    return "article.html", data


def speaker(request: Request) -> tuple[str, dict[str, Any]]:
    """Everything said by one speaker."""
    page = _page(request)
    ledger = _ledger(request)
    data = items.speaker(ledger.conn, _name(request, "name"), page=page, facets=ledger.features.facets)
    if data is None:
        raise NotFound("no such speaker")
    return "speaker.html", data


def entity(request: Request) -> tuple[str, dict[str, Any]]:
    """Everything said by or about one entity."""
    page = _page(request)
    ledger = _ledger(request)
    data = items.entity(ledger.conn, _name(request, "key"), page=page, facets=ledger.features.facets)
    if data is None:
        raise NotFound("no such entity")
    return "entity.html", data


def search_page(request: Request) -> tuple[str, dict[str, Any]]:
    """Full-text search over claims and articles."""
    q, page = _q(request), _page(request)
    if not _ledger(request).features.search:
        raise Unavailable("this ledger has no search index yet: run `crosscheck analyze` or `crosscheck link` "
                          "once with this version to add it")
    return "search.html", search(_ledger(request).conn, q, page=page,
                                  window=request.app.state.settings.web.search_rank_window)


def _endpoint(view: Callable[[Request], tuple[str, dict[str, Any]]]) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        try:
            template, data = view(request)
        except BadRequest as exc:
            return error(request, 400, str(exc))
        except NotFound as exc:
            return error(request, 404, str(exc).capitalize() + ".")
        except Unavailable as exc:
            return error(request, 503, str(exc))
        return render(request, template, data)

    endpoint.__name__ = view.__name__
    endpoint.__doc__ = view.__doc__
    return endpoint


PAGES: list[tuple[str, Callable[[Request], tuple[str, dict[str, Any]]]]] = [
    ("/story/{story_id}", story),
    ("/group/{group_id}", group),
    ("/claim/{claim_id}", claim),
    ("/article/{article_id}", article),
    ("/speaker/{name:path}", speaker),  # a name may hold "/" ("</script>", "AC/DC")
    ("/entity/{key:path}", entity),
    ("/search", search_page),
]


def register(app: FastAPI) -> None:
    """Add every page and its JSON twin to ``app``."""
    home = _endpoint(index)
    for path in ("/.json", "/index.json", "/"):
        app.add_api_route(path, home, methods=["GET"], include_in_schema=False)
    for path, view in PAGES:
        ep = _endpoint(view)
        app.add_api_route(path + ".json", ep, methods=["GET"], include_in_schema=False)
        app.add_api_route(path, ep, methods=["GET"], include_in_schema=False)
