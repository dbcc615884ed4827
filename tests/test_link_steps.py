"""Linking as steps over one state object (issue 11): no step imports the linker, and a step runs
on its own, called with a state built on a real ledger."""

from __future__ import annotations

import ast
import json
from importlib import resources
from pathlib import Path
from typing import Any

import crosscheck.link
from crosscheck.config import DEFAULTS
from crosscheck.link import derived, refdates
from crosscheck.link.state import LinkState
from crosscheck.store import open_store

LINK = Path(crosscheck.link.__file__).parent
# the linker itself, and the package's entry point that runs it (link_store): every other module
# of the link layer is a step or a helper the steps share, and knows the state, never the linker
RUNNERS = frozenset({"linker.py", "__init__.py"})


def linker_imports(source: str) -> list[int]:
    """Lines of ``source`` (a module of crosscheck.link) that import the linker, wherever they are
    (under ``if TYPE_CHECKING:`` too)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            if any(a.name == "crosscheck.link.linker" or a.name.startswith("crosscheck.link.linker.")
                   for a in node.names):
                out.append(node.lineno)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            absolute = module if node.level == 0 else ("crosscheck.link." + module if module else "crosscheck.link")
            if absolute == "crosscheck.link.linker" or (
                    absolute == "crosscheck.link" and any(a.name == "linker" for a in node.names)):
                out.append(node.lineno)
    return out


def test_the_import_check_sees_every_way_of_importing_the_linker() -> None:
    """The check below is only as good as this: each spelling of the import is found."""
    for source in ("from crosscheck.link.linker import ArticleLinker",
                   "import crosscheck.link.linker",
                   "from crosscheck.link import groups, linker",
                   "from .linker import ArticleLinker",
                   "from . import linker",
                   "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from crosscheck.link.linker import ArticleLinker"):
        assert linker_imports(source), source
    assert not linker_imports("from crosscheck.link import groups\nfrom crosscheck.link.state import LinkState")


def test_no_step_imports_the_linker() -> None:
    """A step that imports the linker back (even only for its type) is one class spread over files
    again: what steps share is in link/state.py."""
    modules = sorted(p for p in LINK.glob("*.py") if p.name not in RUNNERS)
    assert len(modules) > 15  # the link layer's modules were found
    found = {p.name: lines for p in modules if (lines := linker_imports(p.read_text(encoding="utf-8")))}
    assert found == {}


def test_end_pass_steps_called_alone_give_what_the_run_wrote(ledgers: Any) -> None:
    """On a linked ledger of the demo corpus, each end-pass step called directly with a state
    built on it returns what the run wrote: the derived fields of every group, each story's
    events and title; dating the undated articles again resolves nothing new."""
    from crosscheck.pipeline import analyze_and_link

    corpus = Path(str(resources.files("crosscheck.data").joinpath("demo/articles")))
    with open_store(ledgers.new()) as store:
        analyze_and_link([str(corpus)], store)
        st = LinkState.open(store, DEFAULTS)
        assert not st.facts_changed()  # the facts as the run left them

        gids = [g["id"] for g in store.link_records("claim_groups")]
        assert len(gids) > 20
        fields = derived.group_fields(st.store, None, gids)
        assert sorted(f.group_id for f in fields) == sorted(gids)
        for f in fields:
            row = store.group_record(f.group_id)
            assert row is not None
            assert (json.loads(row["outlets"]), json.loads(row["independent_origins"]), json.loads(row["status"]),
                    row["first_seen"], json.loads(row["why"]), json.loads(row["principals"])) == \
                (f.outlets, f.origins, f.status, f.first_seen, f.why, f.principals), f.group_id
        assert any(f.status != ["single_source"] for f in fields)  # not only the trivial groups

        stories = list(store.link_records("stories"))
        assert any(s["events"] for s in stories)
        for s in stories:
            assert derived.story_events(st.store, s["id"]) == s["events"]
            assert derived.story_title(st.store, s["id"]) == s["title"]

        refs = store.link_state("references", {})
        assert refs  # the demo has undated articles its story dates
        with store.transaction() as cur:
            assert refdates.resolve_references(st.store, cur, {s["id"] for s in stories}) == 0
        assert store.link_state("references", {}) == refs
