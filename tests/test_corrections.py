"""Corrections (link/corrections.py): the file, `crosscheck correct`, and a corrected ledger that
survives a rerun from scratch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import need_shared
from crosscheck.cli import app
from crosscheck.link import corrections as cx

runner = CliRunner()


def _cli(*args: str) -> str:
    res = runner.invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return res.output


def _export(db: Path) -> dict[str, Any]:
    out = db.with_suffix(".json")
    _cli("export", "--db", str(db), "-o", str(out))
    return json.loads(out.read_text("utf-8"))  # type: ignore[no-any-return]


# the file ---------------------------------------------------------------------------------


def test_add_writes_a_versioned_file_that_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "x.corrections.toml"
    hostile = 'a "quoted" why\nwith a newline, a \\ and \u0007'
    e1 = cx.add(path, "merge_principals", {"names": ["Kremlin", "Moscow"], "into": "Russia"},
                who="ana", when="2026-01-01T00:00:00+00:00", why=hostile)
    e2 = cx.add(path, "set_stance", {"claim": "a1:c2", "stance": "contests"}, who="bo", when="t", why="w")
    got = cx.load(path)
    assert [e.id for e in got.entries] == [e1.id, e2.id] == [1, 2]
    assert got.entries[0].why == hostile and got.entries[0].fields["names"] == ["Kremlin", "Moscow"]
    assert path.read_text("utf-8").splitlines()[1] == f"version = {cx.VERSION}"
    assert got.sha and got.sha != cx.parse(f"version = {cx.VERSION}\n").sha


@pytest.mark.parametrize("text, reason", [
    ("[[correction]]\nid = 1\n", "version"),
    ("version = 99\n", "version"),
    ("version = 1\n[[correction]]\nid = 1\nop = 'explode'\nwho = 'a'\nwhen = 't'\nwhy = 'w'\n", "unknown op"),
    ("version = 1\n[[correction]]\nid = 1\nop = 'set_stance'\nclaim = 'a:c1'\nstance = 'maybe'\nwho = 'a'\n"
     "when = 't'\nwhy = 'w'\n", "stance must be"),
    ("version = 1\n[[correction]]\nid = 1\nop = 'move_claim'\nclaim = 'a:c1'\nwho = 'a'\nwhen = 't'\n", "needs why"),
    ("version = 1\n[[correction]]\nid = 1\nop = 'move_claim'\nclaim = 'a:c1'\nwho = 'a'\nwhen = 't'\nwhy = 'w'\n"
     "colour = 'red'\n", "takes no colour"),
    ("version = 1\nthis is not toml", "not TOML"),
])
def test_a_bad_file_is_one_line_naming_it_and_why(text: str, reason: str) -> None:
    with pytest.raises(cx.CorrectionsError) as exc:
        cx.parse(text, "led.corrections.toml")
    msg = str(exc.value)
    assert msg.startswith("[E006] led.corrections.toml") and reason in msg and "\n" not in msg


def _c(*entries: dict[str, Any]) -> cx.Corrections:
    rows = "".join("[[correction]]\n" + "".join(f"{k} = {cx._toml(v)}\n" for k, v in
                                               {"who": "a", "when": "t", "why": "w", **e}.items()) for e in entries)
    return cx.parse(f"version = 1\n{rows}")


def test_corrected_renames_inside_joint_origins_and_sets_stance() -> None:
    s = cx.State("a:c1", "g1", "Moscow + Pyongyang", "Lavrov", "the minister", "assert", None)
    c = _c({"id": 1, "op": "merge_principals", "names": ["Moscow", "Kremlin"], "into": "Russia"},
           {"id": 2, "op": "set_stance", "claim": "a:c1", "stance": "contests"},
           {"id": 3, "op": "rename_speaker", "name": "lavrov", "to": "Sergey Lavrov"})
    new, by = cx.corrected(s, c)
    assert new.origin == "Russia + Pyongyang" and new.stance == "contests" and new.polarity == "deny"
    assert new.speaker == "Sergey Lavrov" and by == [1, 2, 3]
    untouched = cx.State("a:c2", "g1", "Seoul", None, "officials", "assert", None)
    assert cx.corrected(untouched, c) == (untouched, [])


def test_a_move_out_lands_in_a_group_of_its_own_and_dependencies_follow_chains() -> None:
    c = _c({"id": 1, "op": "move_claim", "claim": "a:c1"}, {"id": 2, "op": "origin_depends", "origin": "B", "on": "C"},
           {"id": 3, "op": "origin_depends", "origin": "A", "on": "B"}, {"id": 4, "op": "origin_depends", "origin": "C",
                                                                     "on": "A"})
    new, by = cx.corrected(cx.State("a:c1", "g1", "X", None, None, "assert", None), c, moves=cx.moves(c))
    assert new.group_id == cx.split_group_id("a:c1") != "g1" and by == [1]
    assert cx.depends_origin("A", c.depends()) in ("A", "B", "C")  # a loop ends, never hangs
    c2 = _c({"id": 1, "op": "origin_depends", "origin": "Kharkiv officials", "on": "Ukraine"})
    assert cx.depends_origin("kharkiv officials", c2.depends()) == "Ukraine"


# the ledger ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five seeds analyzed, not linked (linking is what the tests compare)."""
    db = tmp_path_factory.mktemp("raw") / "raw.db"
    _cli("analyze", str(need_shared("corpus", "seeds")), "--db", str(db), "--no-link", "--no-progress")
    return db


def _by_size(ex: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(ex["claim_groups"], key=lambda g: (-len(g["claim_ids"]), g["id"]))


def _fixes(ex: dict[str, Any]) -> list[list[str]]:
    """Corrections picked from what the ledger holds (no id known in advance)."""
    groups = _by_size(ex)
    big, other = groups[0], next(g for g in groups if len(g["claim_ids"]) >= 2 and g is not groups[0])
    origins = big["independent_origins"]
    assert len(origins) >= 3, origins
    lone = next(g for g in groups if g["asserted_by"] and g["id"] not in (big["id"], other["id"]))
    return [
        ["merge-principals", origins[0], origins[1], "--into", "Merged principal"],
        ["move-claim", big["claim_ids"][-1]],
        ["move-claim", other["claim_ids"][-1], "--to-group", lone["id"]],
        ["set-stance", lone["claim_ids"][0], "denies"],
        ["origin-depends", origins[2], "--on", "Merged principal"],
    ]


def test_corrections_round_trip_and_show_as_corrected(raw: Path, tmp_path: Path) -> None:
    # analyze + link, then correct, then relink
    a = tmp_path / "a" / "ledger.db"
    a.parent.mkdir()
    shutil.copy(raw, a)
    _cli("link", "--db", str(a))
    plain = _export(a)
    fixes = _fixes(plain)
    for args in fixes:
        _cli("correct", *args, "--why", f"test: {args[0]}", "--who", "tester", "--db", str(a), "--no-link")
    out = _cli("link", "--db", str(a))
    assert f"Corrections: {len(fixes)} in force" in out
    corrected = _export(a)
    assert corrected != plain
    # a rerun from scratch: the ledger deleted, analyzed and linked again beside the same file
    b = tmp_path / "b" / "ledger.db"
    b.parent.mkdir()
    shutil.copy(cx.path_for(a), cx.path_for(b))
    _cli("analyze", str(need_shared("corpus", "seeds")), "--db", str(b), "--no-progress")
    assert _export(b) == corrected

    by_id = {g["id"]: g for g in corrected["claim_groups"]}
    marked = [g for g in corrected["claim_groups"] if g["corrected"]]
    assert {e["op"] for g in marked for e in g["corrected"]} == {
        "merge_principals", "move_claim", "set_stance", "origin_depends"}
    assert all({"who", "when", "why", "id"} <= set(e) and e["who"] == "tester" for g in marked for e in g["corrected"])
    merged = [fixes[0][1], fixes[0][2]]
    for g in corrected["claim_groups"]:
        assert not set(merged) & set(g["asserted_by"] + g["independent_origins"]), g["id"]
    moved = fixes[1][1]
    home = next(g for g in corrected["claim_groups"] if moved in g["claim_ids"])
    assert home["claim_ids"] == [moved] and home["id"] == cx.split_group_id(moved)
    lone_id = fixes[2][3]
    assert fixes[2][1] in by_id[lone_id]["claim_ids"]
    stanced = next(g for g in corrected["claim_groups"] if fixes[3][1] in g["claim_ids"])
    assert stanced["denied_by"], stanced
    big = by_id[_by_size(plain)[0]["id"]]
    assert fixes[4][1] not in big["independent_origins"] and "Merged principal" in big["independent_origins"]

    # an entry taken out of the file is undone at the next link: the same as linking with the smaller file
    path = cx.path_for(a)
    kept = [e for e in cx.load(path).entries if e.op != "set_stance"]
    path.write_text(f"version = {cx.VERSION}\n\n" + "\n".join(cx.entry_toml(e) for e in kept), "utf-8")
    _cli("link", "--db", str(a))
    c = tmp_path / "c" / "ledger.db"
    c.parent.mkdir()
    shutil.copy(raw, c)
    shutil.copy(path, cx.path_for(c))
    _cli("link", "--db", str(c))
    assert _export(a) == _export(c)
    # and with no file at all, the ledger is the plain one again
    path.unlink()
    _cli("link", "--db", str(a))
    assert _export(a) == plain


def test_correct_refuses_what_the_ledger_does_not_hold_and_a_broken_file_keeps_the_ledger(raw: Path,
                                                                                         tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    shutil.copy(raw, db)
    res = runner.invoke(app, ["correct", "move-claim", "nope:c1", "--why", "w", "--db", str(db)])
    assert res.exit_code == 2 and "[E005]" in res.output and "nope:c1" in res.output
    res = runner.invoke(app, ["correct", "set-stance", "x", "perhaps", "--why", "w", "--db", str(db)])
    assert res.exit_code == 2 and "perhaps" in res.output
    assert not cx.path_for(db).exists()
    _cli("link", "--db", str(db))
    before = _export(db)
    cx.path_for(db).write_text("version = 1\n[[correction]]\nop = 'nonsense'\n", "utf-8")
    res = runner.invoke(app, ["link", "--db", str(db)])
    assert res.exit_code == 0
    assert _export(db) == before


def test_corrected_groups_say_so_in_the_ui_and_the_briefing(raw: Path, tmp_path: Path) -> None:
    pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
    from fastapi.testclient import TestClient

    from crosscheck.web import create_app

    db = tmp_path / "ledger.db"
    shutil.copy(raw, db)
    _cli("link", "--db", str(db))
    group = _by_size(_export(db))[0]
    why = "<b>moved</b> by a careful & tired analyst"
    _cli("correct", "move-claim", group["claim_ids"][-1], "--why", why, "--who", "Ana <x>", "--db", str(db))
    with TestClient(create_app(db)) as client:
        page = client.get(f"/group/{group['id']}").text
        assert 'class="badge corrected"' in page and "&lt;b&gt;moved&lt;/b&gt;" in page and "<b>moved" not in page
        assert "Ana &lt;x&gt;" in page
        story = client.get(f"/story/{group['story_id']}").text
        assert 'class="badge corrected"' in story
        twin = client.get(f"/group/{group['id']}.json").json()
        assert [e["op"] for e in twin["group"]["corrected"]] == ["move_claim"]
    md, html = tmp_path / "b.md", tmp_path / "b.html"
    _cli("report", "--db", str(db), "-o", str(md))
    _cli("report", "--db", str(db), "-o", str(html))
    assert "corrected: #1 move claim by Ana \\<x\\>" in md.read_text("utf-8")
    assert 'class="badge corrected"' in html.read_text("utf-8") and "<b>moved" not in html.read_text("utf-8")


def test_corrections_round_trip_on_each_backend(ledgers: Any, tmp_path: Path) -> None:
    """Issue 14: corrections were refused on a PostgreSQL ledger (they lived in a file beside a
    SQLite one). With --corrections FILE, on both backends: correct, relink, and a rerun from
    scratch into a new ledger with the same file gives the same corrected export; `correct list`
    reads it; without the option a PostgreSQL ledger says how to name one."""
    seeds = str(need_shared("corpus", "seeds"))
    fixfile = tmp_path / "analyst.corrections.toml"

    def export(db: str, name: str) -> dict[str, Any]:
        out = tmp_path / f"{name}.json"
        _cli("export", "--db", db, "-o", str(out))
        return json.loads(out.read_text("utf-8"))  # type: ignore[no-any-return]

    a = ledgers.new("a")
    _cli("analyze", seeds, "--db", a, "--no-progress", "--corrections", str(fixfile))
    plain = export(a, "plain")
    fixes = _fixes(plain)
    if ledgers.backend == "postgresql":
        res = runner.invoke(app, ["correct", *fixes[0], "--why", "w", "--db", a])
        assert res.exit_code == 2 and "--corrections FILE" in res.output
    for args in fixes:
        _cli("correct", *args, "--why", f"test: {args[0]}", "--who", "tester", "--db", a,
             "--corrections", str(fixfile), "--no-link")
    assert len(cx.load(fixfile).entries) == len(fixes)
    assert "merge principals" in _cli("correct", "list", "--db", a, "--corrections", str(fixfile)).replace("_", " ")
    out = _cli("link", "--db", a, "--corrections", str(fixfile))
    assert f"Corrections: {len(fixes)} in force" in out
    corrected = export(a, "corrected")
    assert corrected != plain
    assert {e["op"] for g in corrected["claim_groups"] for e in g["corrected"]} == {
        "merge_principals", "move_claim", "set_stance", "origin_depends"}
    b = ledgers.new("b")
    _cli("analyze", seeds, "--db", b, "--no-progress", "--corrections", str(fixfile))
    assert export(b, "rerun") == corrected
