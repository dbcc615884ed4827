"""The public JSON contract (and its JSONL and CSV cousins). Extend it, never break it.

Top-level keys: ``articles``, ``claims``, ``times``, ``quantities``, ``entities`` and, once
the link layer has run, ``stories``, ``claim_groups`` and ``relations``. Ids are unique
strings across all kinds. Every span's ``start``/``end`` index its article's ``text``.
``schema/export.schema.json`` is the machine-readable contract; a test validates against it.
Exports stream item by item, so memory stays flat on large ledgers. ``stories[].central_claims``
and ``claim_groups[].article_stances`` are derived here from the other link records
(``crosscheck.link.central``), once per export.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import IO, Any

from crosscheck.link import central
from crosscheck.link.principals import claim_stance
from crosscheck.model import Article, Claim, EntityMention
from crosscheck.store.base import Store

CONTRACT_VERSION = "1.0"
KINDS = ("articles", "claims", "times", "quantities", "entities")


def article_record(a: Article) -> dict[str, Any]:
    """An article as the contract shows it."""
    return {
        "id": a.id,
        "source": a.source,
        "outlet": a.outlet,
        "original_source": a.original_source,
        "author": a.author,
        "title": a.title,
        "published": a.published,
        "published_source": a.published_source,
        "language": a.language,
        "version_of": a.version_of,
        "text": a.text,
        "removed_lines": [{"text": r.text, "reason": r.reason} for r in a.removed_lines],
    }


def _record(item: object) -> dict[str, Any]:
    row: dict[str, Any] = asdict(item)  # type: ignore[call-overload]
    for k, v in row.items():
        if isinstance(v, tuple):
            row[k] = list(v)
    return row


def claim_record(c: Claim) -> dict[str, Any]:
    """A claim as the contract shows it, with its stance toward its own content (asserts, denies,
    contests, non_denial)."""
    return _record(c) | {"stance": claim_stance(c.polarity, c.cue)}


def entity_records(mentions: Iterator[EntityMention]) -> list[dict[str, Any]]:
    """Canonical entities (merged across articles) with aliases and every mention."""
    from crosscheck.annotate import entities as ents

    ms = list(mentions)
    grouped = ents.mentions_by_entity(ms)
    return [
        {
            "id": f"e:{e.key}",
            "name": e.name,
            "type": e.type,
            "aliases": list(e.aliases),
            "affiliation": e.affiliation,
            "mentions": [
                {"article_id": m.article_id, "start": m.start, "end": m.end, "text": m.text} for m in grouped[e.key]
            ],
        }
        for e in ents.canonical_entities(ms)
    ]


class Stances:
    """Article stances and central claims of one ledger, indexed on first use and then reused."""

    def __init__(self, store: Store, *, stance_model: bool = False) -> None:
        self._store = store
        self._ledger: central.Ledger | None = None
        self._by_group: dict[str, list[dict[str, Any]]] = {}
        self._model = stance_model
        self._judged: dict[str, list[dict[str, Any]]] | None = None

    def _led(self) -> central.Ledger:
        if self._ledger is None:
            records = getattr(self._store, "link_records")  # noqa: B009 - a link-capable store
            self._ledger = central.index(records("claim_groups"), (claim_record(c) for c in self._store.claims()),
                                         records("relations"))
        return self._ledger

    def of_group(self, group_id: str) -> list[dict[str, Any]]:
        """``article_stances`` of one claim group."""
        if group_id not in self._by_group:
            self._by_group[group_id] = central.article_stances(self._led(), group_id)
        return self._by_group[group_id]

    def central_of(self, story_id: str) -> list[dict[str, Any]]:
        """``central_claims`` of one story (their stances read by the stance model when asked for)."""
        if self._model:
            return self._by_model().get(story_id, [])
        led = self._led()
        return central.central_claims(led, story_id, stances={g: self.of_group(g) for g in led.groups_of_story.get(story_id, [])})

    def _by_model(self) -> dict[str, list[dict[str, Any]]]:
        """Every story's central claims judged by the stance model in one batch."""
        if self._judged is None:
            from crosscheck.link.stance import stance_many

            led = self._led()
            stories = list(getattr(self._store, "link_records")("stories"))  # noqa: B009
            plain = {st["id"]: central.central_claims(led, st["id"], stances={
                g: self.of_group(g) for g in led.groups_of_story.get(st["id"], [])}) for st in stories}
            members = {st["id"]: list(st["article_ids"]) for st in stories}
            wanted = {a for ids in members.values() for a in ids}
            texts = {a.id: a.text for a in self._store.articles() if a.id in wanted}
            self._judged = central.judged_by_model(plain, members, texts,
                                                   lambda pairs: [lab for lab, _ in stance_many(pairs)])
        return self._judged


def iter_kind(store: Store, kind: str, stances: Stances | None = None) -> Iterator[dict[str, Any]]:
    """Records of one top-level kind of the contract, in a stable order.

    ``stances`` shares the derived stance index between kinds of one export (built when needed).
    """
    if kind == "articles":
        for a in store.articles():
            yield article_record(a)
    elif kind == "claims":
        for c in store.claims():
            # the claim's stance toward its own content (asserts, denies, contests, non_denial)
            yield claim_record(c)
    elif kind == "times":
        yield from (_record(t) for t in store.times())
    elif kind == "quantities":
        yield from (_record(q) for q in store.quantities())
    elif kind == "entities":
        yield from entity_records(store.mentions())
    else:
        link_kinds = store.link_records
        if kind == "stories":
            st = stances or Stances(store)
            yield from ({**rec, "central_claims": st.central_of(rec["id"])} for rec in link_kinds(kind))
        elif kind == "claim_groups":
            st = stances or Stances(store)
            yield from ({**rec, "article_stances": st.of_group(rec["id"])} for rec in link_kinds(kind))
        else:
            yield from link_kinds(kind)


def all_kinds(store: Store) -> tuple[str, ...]:
    """The contract's kinds this store can fill (link kinds once the link layer exists)."""
    return KINDS + tuple(store.link_kinds())


def write_json(store: Store, out: IO[str], *, stance_model: bool = False) -> None:
    """The whole ledger as one JSON object, streamed.

    ``stance_model``: central claims' article stances read by the stance model (slower; see
    :func:`crosscheck.link.central.judged_by_model`).
    """
    out.write('{"crosscheck_export": ' + json.dumps(CONTRACT_VERSION))
    stances = Stances(store, stance_model=stance_model)
    for kind in all_kinds(store):
        out.write(f",\n{json.dumps(kind)}: [")
        for i, rec in enumerate(iter_kind(store, kind, stances)):
            out.write(("," if i else "") + "\n  " + json.dumps(rec, ensure_ascii=False))
        out.write("\n]")
    out.write("\n}\n")


SINGULAR = {"articles": "article", "claims": "claim", "times": "time", "quantities": "quantity",
            "entities": "entity", "stories": "story", "claim_groups": "claim_group", "relations": "relation"}


def write_jsonl(store: Store, out: IO[str], *, stance_model: bool = False) -> None:
    """One record a line, each with ``record`` naming its kind ("claim", "story", ...).

    Not ``kind``: claims and relations carry a ``kind`` field of their own.
    """
    stances = Stances(store, stance_model=stance_model)
    for kind in all_kinds(store):
        for rec in iter_kind(store, kind, stances):
            out.write(json.dumps({"record": SINGULAR.get(kind, kind), **rec}, ensure_ascii=False) + "\n")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP: what makes a spreadsheet read a cell as a formula


def write_csv(store: Store, out: IO[str], kind: str = "claims", *, raw: bool = False) -> None:
    """One kind as CSV (default: the claims ledger with its article's outlet, title and date).

    Every cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading ``'`` so a spreadsheet shows it as text instead of running it (OWASP's advice for CSV
    injection): scraped text is hostile. ``raw=True`` writes the values unchanged."""
    articles = {a.id: a for a in store.articles()} if kind == "claims" else {}
    writer: csv.DictWriter[str] | None = None
    for rec in iter_kind(store, kind):
        row = {k: v for k, v in rec.items() if k not in ("text", "mentions")}
        if kind == "claims":
            a = articles.get(rec["article_id"])
            row |= {"outlet": a.outlet if a else None, "title": a.title if a else None,
                    "published": a.published if a else None, "source": a.source if a else None}
        row = {k: _cell(v, raw=raw) for k, v in row.items()}
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)


def _cell(v: Any, *, raw: bool = False) -> Any:
    if isinstance(v, (list, dict)):
        v = json.dumps(v, ensure_ascii=False)
    if isinstance(v, str) and not raw and v.startswith(FORMULA_START):
        return "'" + v
    return v
