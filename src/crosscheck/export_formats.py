"""The ledger as files other tools read: Parquet tables (pyarrow) and a GraphML graph.

Both are written from the JSON contract's records (``export.iter_kind``), so they carry the same
fields under the same names; they stream, so memory stays flat on large ledgers.

Parquet: one file per kind (``articles.parquet``, ``claims.parquet``, ... ``relations.parquet``).
A field's column type comes from the contract's schema where it declares one, else from the
model's dataclass, else from the first rows; nested records the schema describes
(``removed_lines``, ``mentions``) are lists of structs, and free-form objects (``why``,
``evidence``, ``events``) are JSON text.

GraphML: principals (speakers), claims, claim groups and articles as nodes; ``reports``
(article to claim), ``asserts`` / ``denies`` / ``contests`` / ``non_denial`` (principal to claim,
by the claim's ``stance`` or polarity, and principal to group), ``member_of`` (claim to group) and ``supports`` / ``contradicts`` /
``duplicate_of`` (between claims or articles) as edges. Gephi, networkx, igraph and Cytoscape open it.
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from crosscheck.export import all_kinds, iter_kind
from crosscheck.link.dedupe import article_name
from crosscheck.model import Article, Claim, Quantity, TimeExpr
from crosscheck.store.base import Store

if TYPE_CHECKING:
    import pyarrow as pa

BATCH = 2048
_JSON_COLUMNS = frozenset({"why", "evidence", "events"})
_MODEL = {"articles": Article, "claims": Claim, "times": TimeExpr, "quantities": Quantity}


# Parquet ----------------------------------------------------------------------------------


def _schema_properties() -> dict[str, dict[str, Any]]:
    schema = json.loads(resources.files("crosscheck.schema").joinpath("export.schema.json").read_text("utf-8"))
    return {kind: spec["items"].get("properties", {}) for kind, spec in schema["properties"].items()
            if isinstance(spec, dict) and spec.get("type") == "array"}


def _from_json_schema(spec: dict[str, Any]) -> pa.DataType | None:
    import pyarrow as pa

    if "enum" in spec:
        return pa.string()
    kinds = spec.get("type")
    kinds = [kinds] if isinstance(kinds, str) else [k for k in (kinds or []) if k != "null"]
    if len(kinds) != 1:
        return None
    kind = kinds[0]
    scalar = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    if kind in scalar:
        return scalar[kind]
    if kind == "array":
        items = spec.get("items")
        if not isinstance(items, dict):
            return None
        if items.get("type") == "object" and items.get("properties"):
            inner = [(name, _from_json_schema(sub)) for name, sub in items["properties"].items()]
            if any(t is None for _, t in inner):
                return None
            return pa.list_(pa.struct([(name, t) for name, t in inner if t is not None]))
        inner_type = _from_json_schema(items)
        return pa.list_(inner_type) if inner_type is not None else None
    return None


def _from_hint(hint: Any) -> pa.DataType | None:
    import pyarrow as pa

    args = [a for a in typing.get_args(hint) if a is not type(None)]
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _from_hint(args[0])
    if origin is typing.Literal:
        return pa.string()
    if origin is tuple and args and args[0] is str:
        return pa.list_(pa.string())
    return {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}.get(hint)


def _inferred(values: list[Any]) -> pa.DataType:
    import pyarrow as pa

    seen = [v for v in values if v is not None]
    if seen and all(isinstance(v, bool) for v in seen):
        return pa.bool_()
    if seen and all(isinstance(v, int) and not isinstance(v, bool) for v in seen):
        return pa.int64()
    if seen and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in seen):
        return pa.float64()
    if seen and all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in seen):
        return pa.list_(pa.string())
    return pa.string()  # strings, and anything else as JSON text


def arrow_schema(kind: str, first: list[dict[str, Any]]) -> pa.Schema:
    """The Parquet schema of one kind: contract types, then model types, then the first rows."""
    import pyarrow as pa

    declared = _schema_properties().get(kind, {})
    hints = typing.get_type_hints(_MODEL[kind]) if kind in _MODEL else {}
    names: list[str] = list(declared)
    for rec in first:
        names.extend(k for k in rec if k not in names)
    columns = []
    for name in names:
        t = None if name in _JSON_COLUMNS else _from_json_schema(declared.get(name, {}))
        if t is None and name in hints and name not in _JSON_COLUMNS:
            t = _from_hint(hints[name])
        if t is None:
            t = pa.string() if name in _JSON_COLUMNS else _inferred([r.get(name) for r in first])
        columns.append(pa.field(name, t))
    return pa.schema(columns)


def _cell(value: Any, t: pa.DataType) -> Any:
    import pyarrow as pa

    if value is None:
        return None
    if pa.types.is_string(t) and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if pa.types.is_floating(t) and isinstance(value, int):
        return float(value)
    return value


def write_parquet(store: Store, out_dir: Path, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """One Parquet file per kind under ``out_dir``; returns the rows written per kind."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for kind in kinds or all_kinds(store):
        rows = iter_kind(store, kind)
        batch = _take(rows, BATCH)
        schema = arrow_schema(kind, batch)
        path = out_dir / f"{kind}.parquet"
        n = 0
        with pq.ParquetWriter(path, schema, compression="zstd") as writer:
            while True:
                columns = {f.name: [_cell(r.get(f.name), f.type) for r in batch] for f in schema}
                writer.write_table(pa.table(columns, schema=schema))
                n += len(batch)
                batch = _take(rows, BATCH)
                if not batch:
                    break
        written[kind] = n
    return written


def _take(rows: Iterator[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    out = []
    for rec in rows:
        out.append(rec)
        if len(out) >= n:
            break
    return out


# GraphML ----------------------------------------------------------------------------------

_NODE_KEYS = ("kind", "label", "title", "outlet", "published", "source", "content", "speaker", "polarity", "stance", "cue",
              "article_id", "status", "outlet_count", "independent_origins", "story_id")
_INT_KEYS = frozenset({"outlet_count", "independent_origins"})
_EDGE_KEYS = ("kind", "type")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    return _XML_BAD.sub(" ", str(value))


class _GraphWriter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.nodes: set[str] = set()
        self.edges = 0
        self.edge_ids: set[tuple[str, str, str]] = set()

    def head(self) -> None:
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                       '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                       'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                       'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                       'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for key in _NODE_KEYS:
            kind = "int" if key in _INT_KEYS else "string"
            self.out.write(f'  <key id="n_{key}" for="node" attr.name="{key}" attr.type="{kind}"/>\n')
        for key in _EDGE_KEYS:
            self.out.write(f'  <key id="e_{key}" for="edge" attr.name="{key}" attr.type="string"/>\n')
        self.out.write('  <graph id="crosscheck" edgedefault="directed">\n')

    def node(self, node_id: str, **data: object) -> None:
        if node_id in self.nodes:
            return
        self.nodes.add(node_id)
        self.out.write(f"    <node id={quoteattr(_text(node_id))}>")
        for key, value in data.items():
            if value is not None and value != "":
                self.out.write(f'<data key="n_{key}">{escape(_text(value))}</data>')
        self.out.write("</node>\n")

    def edge(self, source: str, target: str, kind: str, type_: str | None = None) -> None:
        if source not in self.nodes or target not in self.nodes or (source, target, kind) in self.edge_ids:
            return
        self.edge_ids.add((source, target, kind))
        self.edges += 1
        self.out.write(f"    <edge id=\"e{self.edges}\" source={quoteattr(_text(source))} "
                       f"target={quoteattr(_text(target))}><data key=\"e_kind\">{kind}</data>")
        if type_:
            self.out.write(f'<data key="e_type">{escape(_text(type_))}</data>')
        self.out.write("</edge>\n")

    def tail(self) -> None:
        self.out.write("  </graph>\n</graphml>\n")


def claim_edge(claim: dict[str, Any]) -> str:
    """The edge from a claim's speaker to it: its ``stance`` where the record has one, else its polarity."""
    stance = claim.get("stance")
    if stance in ("asserts", "denies", "contests", "non_denial"):
        return str(stance)
    return "denies" if claim.get("polarity") == "deny" else "asserts"


def principal_id(name: str) -> str:
    """The node id of a principal (a speaker's canonical name)."""
    return f"p:{name}"


def write_graphml(store: Store, out: IO[str]) -> dict[str, int]:
    """The ledger as one directed GraphML graph; returns node and edge counts."""
    g = _GraphWriter(out)
    g.head()
    for a in iter_kind(store, "articles"):
        g.node(a["id"], kind="article", label=article_name(a), title=a.get("title"),
               outlet=a.get("outlet"), published=a.get("published"), source=a.get("source"))
    claims: dict[str, tuple[str | None, str]] = {}  # claim id -> (speaker, polarity), for the groups
    for c in iter_kind(store, "claims"):
        speaker, polarity = c.get("speaker"), c.get("polarity", "assert")
        claims[c["id"]] = (speaker, polarity)
        content = c.get("content") or ""
        g.node(c["id"], kind="claim", label=content[:120], content=content, speaker=speaker, polarity=polarity,
               stance=c.get("stance"),
               cue=c.get("cue"), article_id=c.get("article_id"))
        g.edge(c["article_id"], c["id"], "reports")
        if speaker:
            g.node(principal_id(speaker), kind="principal", label=speaker)
            g.edge(principal_id(speaker), c["id"], claim_edge(c))
    kinds = all_kinds(store)
    groups: dict[str, str] = {}  # claim id -> group id
    members: dict[str, list[str]] = {}  # group id -> claim ids
    contests_named: set[str] = set()  # groups whose record names its contesters itself
    if "claim_groups" in kinds:
        for grp in iter_kind(store, "claim_groups"):
            _group(g, grp, claims, groups, contests_named)
            members[grp["id"]] = list(grp.get("claim_ids", []))
    if "relations" in kinds:
        for rel in iter_kind(store, "relations"):
            g.edge(rel["a"], rel["b"], rel["kind"], rel.get("type"))
            if rel["kind"] != "contradicts":
                continue
            # fallback for groups whose record does not name contested_by: the speakers on each side
            # of a contradiction (between groups, or claims in groups) contest the other side's group
            for mine, other in ((rel["a"], rel["b"]), (rel["b"], rel["a"])):
                target = mine if mine in members else groups.get(mine)
                if target is None or target in contests_named:
                    continue
                side = members.get(other, [other])
                for speaker in sorted({s for c in side if c in claims and (s := claims[c][0])}):
                    g.edge(principal_id(speaker), target, "contests", rel.get("type"))
    g.tail()
    return {"nodes": len(g.nodes), "edges": g.edges}


def _group(g: _GraphWriter, grp: dict[str, Any], claims: dict[str, tuple[str | None, str]],
           groups: dict[str, str], contests_named: set[str]) -> None:
    gid = grp["id"]
    members = [cid for cid in grp.get("claim_ids", []) if cid in claims]
    label = next((str(g_label) for g_label in [grp.get("label"), grp.get("proposition")] if g_label), None)
    g.node(gid, kind="group", label=label or gid, status=",".join(grp.get("status", [])),
           outlet_count=grp.get("outlet_count"), independent_origins=len(grp.get("independent_origins", [])),
           polarity=grp.get("polarity"), story_id=grp.get("story_id"))
    for cid in members:
        groups[cid] = gid
        g.edge(cid, gid, "member_of")
    named = {edge: grp.get(field) for edge, field in (("asserts", "asserted_by"), ("denies", "denied_by"),
                                                     ("contests", "contested_by"), ("non_denial", "non_denials"))}
    if any(isinstance(v, list) for v in named.values()):
        if isinstance(named["contests"], list):
            contests_named.add(gid)
        for edge, names in named.items():
            for name in names or []:
                if isinstance(name, str) and name:
                    g.node(principal_id(name), kind="principal", label=name)
                    g.edge(principal_id(name), gid, edge)
        return
    for cid in members:  # fallback: the speakers of the members, by their polarity
        speaker, polarity = claims[cid]
        if speaker:
            g.edge(principal_id(speaker), gid, "denies" if polarity == "deny" else "asserts")
