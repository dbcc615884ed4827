"""One conftest: cheap fixtures, shared data found through CROSSCHECK_SHARED."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def shared_path() -> Path:
    """$CROSSCHECK_SHARED, or ../shared beside the repository."""
    return Path(os.environ.get("CROSSCHECK_SHARED", ROOT.parent / "shared")).resolve()


def need_shared(*parts: str) -> Path:
    """The shared path asked for; skip when absent, but fail under CI=true (CI must have it)."""
    path = shared_path().joinpath(*parts)
    if not path.exists():
        message = f"shared data not found at {path} (set CROSSCHECK_SHARED)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from crosscheck.annotate.nlp import load

    return load()


PG_ENV = "CROSSCHECK_TEST_PG"  # a PostgreSQL server URL with a role that may create databases
BACKENDS = ("sqlite", "postgresql")


def pg_server() -> str:
    """The test server's URL; skip when none is reachable, but fail under CI=true (CI starts one)."""
    url = os.environ.get(PG_ENV, "")
    problem = "" if url else f"no PostgreSQL server for the tests: set {PG_ENV} (scripts/pg-start prints one)"
    if url:
        try:
            import psycopg

            psycopg.connect(url, connect_timeout=5).close()
        except Exception as exc:  # not installed, not running, refused
            problem = f"PostgreSQL at {PG_ENV} not reachable: {str(exc).strip().splitlines()[0] if str(exc) else exc}"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    return url


class Ledgers:
    """Makes fresh, empty ledgers of one backend: SQLite files under tmp, or PostgreSQL databases
    created for the test (UTF-8, "C" collation) and dropped after it."""

    def __init__(self, backend: str, tmp: Path) -> None:
        self.backend, self.tmp, self.made = backend, tmp, []  # type: ignore[var-annotated]
        self.server = pg_server() if backend == "postgresql" else ""

    def new(self, name: str = "ledger") -> str:
        if self.backend == "sqlite":
            return str(self.tmp / f"{name}.db")
        import uuid

        from crosscheck.store.postgres import create_database

        db = f"cc_test_{name}_{uuid.uuid4().hex[:10]}".lower()
        self.made.append(db)
        return create_database(self.server, db)

    def drop(self) -> None:
        from crosscheck.store.postgres import drop_database

        for db in self.made:
            drop_database(self.server, db)


@pytest.fixture(params=BACKENDS)
def ledgers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledgers]:
    """Fresh ledgers on each backend (the test runs once per backend)."""
    made = Ledgers(request.param, tmp_path)
    yield made
    made.drop()


@pytest.fixture
def store(ledgers: Ledgers) -> Iterator[object]:
    from crosscheck.store import open_store

    s = open_store(ledgers.new())
    yield s
    s.close()


def _export(paths: list[str], tmp: Path) -> dict[str, object]:
    """Analyze and link ``paths`` into a fresh ledger under ``tmp``; the JSON export as a dict."""
    from crosscheck.export import write_json
    from crosscheck.pipeline import analyze_and_link
    from crosscheck.store import open_store

    with open_store(tmp / "ledger.db") as s:
        analyze_and_link(paths, s)
        with (tmp / "export.json").open("w", encoding="utf-8") as fh:
            write_json(s, fh)
    return json.loads((tmp / "export.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def seeds_export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The JSON export of the five seed articles (analyzed once per session)."""
    return _export([str(need_shared("corpus", "seeds"))], tmp_path_factory.mktemp("seeds"))


@pytest.fixture(scope="session")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The JSON export of the demo corpus shipped in the package."""
    from importlib import resources

    corpus = Path(str(resources.files("crosscheck.data").joinpath("demo/articles")))
    return _export([str(corpus)], tmp_path_factory.mktemp("demo"))
