"""Parquet (read back with DuckDB) and GraphML (read back with networkx) exports of a real ledger."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import networkx as nx
import pytest

from crosscheck.export import write_json
from crosscheck.export_formats import principal_id, write_graphml, write_parquet
from crosscheck.pipeline import analyze_and_link
from crosscheck.store import open_store
from crosscheck.store.sqlite import SQLiteStore


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SQLiteStore, dict[str, Any]]]:
    """The demo corpus analyzed and linked into a real ledger, with its JSON export."""
    corpus = str(resources.files("crosscheck.data").joinpath("demo/articles"))
    store = open_store(tmp_path_factory.mktemp("formats") / "ledger.db")
    analyze_and_link([corpus], store)
    buf = io.StringIO()
    write_json(store, buf)
    yield store, json.loads(buf.getvalue())
    store.close()


def test_parquet_has_every_kind_with_the_contracts_fields(ledger: tuple[SQLiteStore, dict[str, Any]], tmp_path: Path) -> None:
    store, export = ledger
    rows = write_parquet(store, tmp_path / "pq")
    kinds = [k for k, v in export.items() if isinstance(v, list)]
    assert set(rows) == set(kinds)
    assert {"claim_groups", "relations", "stories"} <= set(rows)
    con = duckdb.connect()
    for kind in kinds:
        path = str(tmp_path / "pq" / f"{kind}.parquet")
        assert con.execute("SELECT count(*) FROM read_parquet(?)", [path]).fetchone() == (len(export[kind]),)
        columns = {r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()}
        for rec in export[kind]:
            assert set(rec) <= columns, (kind, set(rec) - columns)


def test_duckdb_reads_the_ledger_as_the_json_says(ledger: tuple[SQLiteStore, dict[str, Any]], tmp_path: Path) -> None:
    store, export = ledger
    out = tmp_path / "pq"
    write_parquet(store, out)
    con = duckdb.connect()
    con.execute(f"CREATE VIEW claims AS SELECT * FROM '{out / 'claims.parquet'}'")
    con.execute(f"CREATE VIEW articles AS SELECT * FROM '{out / 'articles.parquet'}'")
    # the docs' example: claims per speaker and outlet
    got = con.execute("""
        SELECT c.speaker, a.outlet, count(*) AS n FROM claims c JOIN articles a ON a.id = c.article_id
        WHERE c.speaker IS NOT NULL GROUP BY ALL ORDER BY n DESC, c.speaker, a.outlet""").fetchall()
    outlet = {a["id"]: a["outlet"] for a in export["articles"]}
    want = Counter((c["speaker"], outlet[c["article_id"]]) for c in export["claims"] if c["speaker"])
    assert sorted(got, key=lambda r: (-r[2], r[0], r[1] or "")) == sorted(
        [(s, o, n) for (s, o), n in want.items()], key=lambda r: (-r[2], r[0], r[1] or ""))
    # offsets hold in DuckDB too (its substring counts characters, as Python does)
    bad = con.execute("""SELECT count(*) FROM claims c JOIN articles a ON a.id = c.article_id
                         WHERE substring(a.text, c.start + 1, c."end" - c.start) <> c.content""").fetchone()
    assert bad == (0,)
    # lists stay lists, nested records stay records, free-form objects are JSON text
    hedges = con.execute("SELECT hedges FROM claims WHERE len(hedges) > 0 LIMIT 1").fetchall()
    assert all(isinstance(h[0], list) for h in hedges)
    mentions = con.execute(f"SELECT mentions[1].article_id FROM '{out / 'entities.parquet'}' LIMIT 1").fetchone()
    assert mentions is not None and mentions[0] in outlet
    why = con.execute(f"SELECT why FROM '{out / 'claim_groups.parquet'}' LIMIT 1").fetchone()
    assert why is not None and isinstance(json.loads(why[0]), dict)
    value = con.execute(f"SELECT typeof(value) FROM '{out / 'quantities.parquet'}' LIMIT 1").fetchone()
    assert value == ("DOUBLE",)


def _graph(store: Any, tmp_path: Path) -> nx.MultiDiGraph:
    path = tmp_path / "ledger.graphml"
    with path.open("w", encoding="utf-8") as out:
        write_graphml(store, out)
    return nx.read_graphml(path, force_multigraph=True)


def _edges(g: nx.MultiDiGraph, kind: str) -> set[tuple[str, str]]:
    return {(u, v) for u, v, d in g.edges(data=True) if d.get("kind") == kind}


NAMED = (("asserts", "asserted_by"), ("denies", "denied_by"), ("contests", "contested_by"), ("non_denial", "non_denials"))


def test_graphml_opens_in_networkx_with_the_ledgers_nodes_and_edges(
        ledger: tuple[SQLiteStore, dict[str, Any]], tmp_path: Path) -> None:
    store, export = ledger
    g = _graph(store, tmp_path)
    groups = export["claim_groups"]
    named = [grp for grp in groups if any(isinstance(grp.get(f), list) for _, f in NAMED)]
    kinds = Counter(d["kind"] for _, d in g.nodes(data=True))
    principals = {c["speaker"] for c in export["claims"] if c["speaker"]}
    principals |= {n for grp in named for _, f in NAMED for n in grp.get(f) or []}
    assert kinds == {"article": len(export["articles"]), "claim": len(export["claims"]),
                     "group": len(groups), "principal": len(principals)}
    assert _edges(g, "reports") == {(c["article_id"], c["id"]) for c in export["claims"]}
    # speaker to claim: by the claim's stance where the export has one, else by polarity
    edge_of = {c["id"]: c.get("stance") or ("denies" if c["polarity"] == "deny" else "asserts") for c in export["claims"]}
    for kind in ("asserts", "denies"):
        want = {(principal_id(c["speaker"]), c["id"]) for c in export["claims"] if c["speaker"] and edge_of[c["id"]] == kind}
        assert want and {(u, v) for u, v in _edges(g, kind) if not v.startswith("g")} == want, kind
    assert _edges(g, "member_of") == {(cid, grp["id"]) for grp in groups for cid in grp["claim_ids"]}
    contradicts = {(r["a"], r["b"]) for r in export["relations"] if r["kind"] == "contradicts"}
    assert _edges(g, "contradicts") == contradicts
    to_groups = {(u, v) for u, v, d in g.edges(data=True) if d["kind"] == "contests" and v in {x["id"] for x in groups}}
    if named:  # the ledger names who contests each group
        want = {(principal_id(n), grp["id"]) for grp in named for n in grp.get("contested_by") or []}
    else:  # a contradiction between groups: the speakers of each side contest the other side's group
        speaker = {c["id"]: c["speaker"] for c in export["claims"]}
        members = {grp["id"]: grp["claim_ids"] for grp in groups}
        want = {(principal_id(speaker[c]), mine) for a, b in contradicts for mine, other in ((a, b), (b, a))
                if mine in members and other in members for c in members[other] if speaker[c]}
    assert want and to_groups == want
    for _, d in g.nodes(data=True):
        if d["kind"] == "group":
            assert isinstance(d["independent_origins"], int)


class _NamedGroups:
    """The real ledger, its group records carrying asserted_by/denied_by/contested_by/non_denials."""

    def __init__(self, store: SQLiteStore, names: dict[str, dict[str, list[str]]]) -> None:
        self._store, self._names = store, names

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def link_records(self, kind: str) -> Iterator[dict[str, Any]]:
        for rec in self._store.link_records(kind):
            yield {**rec, **self._names.get(rec["id"], {})} if kind == "claim_groups" else rec


def test_graphml_uses_the_groups_named_principals_when_present(
        ledger: tuple[SQLiteStore, dict[str, Any]], tmp_path: Path) -> None:
    store, export = ledger
    group = export["claim_groups"][0]["id"]
    names = {group: {"asserted_by": ["Ana Field"], "denied_by": ["Ben Stone"], "contested_by": ["Cy Moor"],
                     "non_denials": ["Dee Lark"]}}
    g = _graph(_NamedGroups(store, names), tmp_path)
    assert (principal_id("Ana Field"), group) in _edges(g, "asserts")
    assert (principal_id("Ben Stone"), group) in _edges(g, "denies")
    assert (principal_id("Cy Moor"), group) in _edges(g, "contests")
    assert (principal_id("Dee Lark"), group) in _edges(g, "non_denial")
    # the named lists replace the fallback for that group: no speaker-derived edges into it
    into = {u for u, v, d in g.edges(data=True) if v == group and d["kind"] in ("asserts", "denies", "contests")}
    assert into == {principal_id(n) for n in ("Ana Field", "Ben Stone", "Cy Moor")}


def test_cli_export_parquet_and_graph(ledger: tuple[SQLiteStore, dict[str, Any]], tmp_path: Path) -> None:
    store, export = ledger
    db = store.path

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "crosscheck.cli", "export", "--db", db, *args],
                              capture_output=True, text=True, check=False, cwd=tmp_path)

    done = run("--format", "parquet", "-o", "pq")
    assert done.returncode == 0, done.stderr
    assert f"claims {len(export['claims'])}" in done.stderr
    assert (tmp_path / "pq" / "relations.parquet").is_file()
    done = run("--format", "graph", "-o", "g.graphml")
    assert done.returncode == 0, done.stderr
    assert nx.read_graphml(tmp_path / "g.graphml").number_of_nodes() > len(export["claims"])
    missing = run("--format", "parquet")
    assert missing.returncode == 2 and "-o DIR" in missing.stderr
