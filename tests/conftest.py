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


@pytest.fixture
def store(tmp_path: Path) -> Iterator[object]:
    from crosscheck.store import open_store

    s = open_store(tmp_path / "ledger.db")
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
