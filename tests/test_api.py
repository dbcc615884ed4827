"""The public API is small and deliberate; every CLI command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import crosscheck
from crosscheck.cli import app
from crosscheck.errors import CrosscheckError, InputRejected

ROOT = Path(__file__).resolve().parent.parent


def test_public_api_is_guarded() -> None:
    assert sorted(crosscheck.__all__) == sorted(
        ["Annotations", "Article", "Claim", "ClaimGroup", "CrosscheckError", "Entity", "EntityMention",
         "ExportError", "InputRejected", "Quantity", "RawDoc", "Relation", "RunSummary", "SQLiteStore",
         "Store", "StoreError", "Story", "TimeExpr", "__version__", "analyze", "annotate", "clean", "open_store"]
    )
    for name in crosscheck.__all__:
        assert hasattr(crosscheck, name)


def test_errors_carry_stable_codes() -> None:
    err = InputRejected("a.txt", "empty")
    assert isinstance(err, CrosscheckError) and str(err) == "[E001] a.txt: empty"


def test_every_command_has_help_and_is_documented() -> None:
    docs = (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8") + (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        assert command.callback is not None and command.callback.__doc__, name
        assert re.search(rf"crosscheck {name}\b", docs), f"`crosscheck {name}` is not in docs/CLI.md or README.md"


def test_readme_quick_start_is_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [ln for ln in block.splitlines()[1:] if ln.strip()]
    assert commands == ["make demo", "make test"]
