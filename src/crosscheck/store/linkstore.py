"""Store-side tables of the cross-source layer (migration 0002_link_layer) and their export records.

A mixin of :class:`~crosscheck.store.sqlite.SQLiteStore`: the link layer reads and writes
its state here (MinHash signatures, LSH band buckets, story and group keys, claim vectors),
so a later ``crosscheck link`` continues from the ledger, never from memory. The export
calls :meth:`LinkStoreMixin.link_kinds` and :meth:`LinkStoreMixin.link_records`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np

LINK_KINDS = ("stories", "claim_groups", "relations")
# bound parameters per statement are capped (SQLite 32,766 since 3.32, PostgreSQL 65,535): IN (...) lists
# are chunked well below, relations_touching binding each chunk three times
_CHUNK = 500


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class LinkStoreMixin:
    """Link-layer reads and writes on an open SQLite connection (``self.conn``)."""

    conn: sqlite3.Connection

    # export -------------------------------------------------------------------------

    def link_kinds(self) -> tuple[str, ...]:
        """The export kinds the link layer adds."""
        return LINK_KINDS

    def link_records(self, kind: str) -> Iterator[dict[str, Any]]:
        """Export records of one link kind, in a stable order (empty before linking)."""
        if kind == "stories":
            for row in self.conn.execute("SELECT * FROM stories ORDER BY rowid"):
                ids = [r[0] for r in self.conn.execute(
                    "SELECT article_id FROM story_articles WHERE story_id = ? ORDER BY rowid", (row["id"],))]
                yield {"id": row["id"], "title": row["title"], "article_ids": ids, "events": json.loads(row["events"])}
        elif kind == "claim_groups":
            for row in self.conn.execute("SELECT * FROM claim_groups ORDER BY rowid"):
                members = self.conn.execute(
                    "SELECT claim_id FROM group_members WHERE group_id = ? ORDER BY rowid", (row["id"],))
                why = json.loads(row["why"])
                counts = why.get("counts", {})
                outlets = json.loads(row["outlets"])
                who = json.loads(row["principals"])
                yield {
                    "id": row["id"],
                    "claim_ids": [r[0] for r in members],
                    "status": json.loads(row["status"]),
                    "outlets": outlets,
                    # outlets the claim appeared in, an outlet-less article counted as its own
                    "outlet_count": counts.get("outlets", len(outlets)),
                    # where the text comes from: a syndicated copy counts with its original
                    "source_count": counts.get("sources", len(outlets)),
                    "independent_origins": json.loads(row["independent_origins"]),
                    "first_seen": row["first_seen"],
                    "why": why,
                    "story_id": row["story_id"],
                    "polarity": row["polarity"],
                    # principals (link/principals.py): who stands behind and against the proposition
                    "label": who.get("label") or "",
                    "asserted_by": who.get("asserted_by", []),
                    "denied_by": who.get("denied_by", []),
                    "contested_by": who.get("contested_by", []),
                    "non_denials": who.get("non_denials", []),
                    "coalitions": who.get("coalitions", []),
                    # the analyst's corrections that changed this group (link/corrections.py): who, when, why, what
                    "corrected": why.get("corrected", []),
                    # an anaphoric label's referent (link/derived.py _lead), shown in its brackets
                    **({"label_refers_to": who["label_refers_to"]} if who.get("label_refers_to") else {}),
                }
        elif kind == "relations":
            for row in self.conn.execute("SELECT * FROM relations ORDER BY rowid"):
                yield {"id": row["id"], "kind": row["kind"], "type": row["type"], "a": row["a"], "b": row["b"],
                       "evidence": json.loads(row["evidence"])}

    # state ----------------------------------------------------------------------------

    def link_state(self, key: str, default: Any = None) -> Any:
        """A JSON value the link layer remembers between runs."""
        row = self.conn.execute("SELECT value FROM link_state WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_link_state(self, cur: sqlite3.Cursor, key: str, value: Any) -> None:
        """Remember a JSON value (inside the caller's transaction)."""
        cur.execute("INSERT OR REPLACE INTO link_state VALUES (?, ?)", (key, _j(value)))

    def link_unfinished(self) -> bool:
        """True when a linking run stopped before its end-of-run pass (link_pending holds rows)."""
        return self.conn.execute("SELECT 1 FROM link_pending LIMIT 1").fetchone() is not None

    def link_counts(self) -> tuple[int, int, dict[str, int]]:
        """Stories, claim groups, and relations per type (kind when untyped), as the export counts them."""
        stories = int(self.conn.execute("SELECT count(*) FROM stories").fetchone()[0])
        groups = int(self.conn.execute("SELECT count(*) FROM claim_groups").fetchone()[0])
        rel = {r[0]: int(r[1]) for r in self.conn.execute(
            "SELECT coalesce(type, kind), count(*) FROM relations GROUP BY coalesce(type, kind)")}
        return stories, groups, rel

    def unlinked_article_ids(self) -> list[str]:
        """Latest articles the link layer has not seen yet, in insertion order."""
        return [r[0] for r in self.conn.execute(
            "SELECT a.id FROM articles a LEFT JOIN linked_articles l ON l.article_id = a.id "
            "WHERE a.superseded_by IS NULL AND l.article_id IS NULL ORDER BY a.rowid")]

    def linked_article(self, article_id: str) -> sqlite3.Row | None:
        """The link row of one article (duplicate_of, story_id, publisher, minhash)."""
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT * FROM linked_articles WHERE article_id = ?", (article_id,)).fetchone()
        return row

    def linked_signature(self, article_id: str) -> tuple[bytes, str | None] | None:
        """(MinHash signature, duplicate_of) of a linked article, or None (not linked, no signature)."""
        row = self.conn.execute("SELECT minhash, duplicate_of FROM linked_articles WHERE article_id = ?",
                                (article_id,)).fetchone()
        return None if row is None or row[0] is None else (bytes(row[0]), row[1])

    def copies_of(self, article_id: str) -> list[str]:
        """Linked articles recorded as duplicates of ``article_id``."""
        return [r[0] for r in self.conn.execute("SELECT article_id FROM linked_articles WHERE duplicate_of = ?",
                                                (article_id,))]

    def add_story_keys(self, cur: Any, story_id: str, profile: dict[str, float]) -> None:
        """Fold an article's key profile into its story's key weights (inside the caller's transaction)."""
        cur.executemany("INSERT INTO story_keys VALUES (?, ?, ?) ON CONFLICT(key, story_id) "
                        "DO UPDATE SET weight = weight + excluded.weight", [(k, story_id, w) for k, w in profile.items()])

    # time rows the link layer reads and resolves ------------------------------------------

    def time_rows(self, article_id: str) -> list[Any]:
        """An article's time rows (all columns), in insertion order."""
        return list(self.conn.execute("SELECT * FROM times_resolved WHERE article_id = ? ORDER BY rowid", (article_id,)))

    def open_story_dates(self, story_id: str, but: str) -> list[Any]:
        """The story's dates without a value (a month and day, no year), outside article ``but``."""
        return list(self.conn.execute(
            "SELECT t.* FROM times t LEFT JOIN time_resolutions r ON r.time_id = t.id "
            "WHERE t.value IS NULL AND t.type = 'DATE' AND r.time_id IS NULL AND t.article_id != ? "
            "AND t.article_id IN (SELECT article_id FROM story_articles WHERE story_id = ?) "
            "ORDER BY t.article_id, t.rowid", (but, story_id)))

    def story_days(self, story_id: str, month: int, day: int) -> list[Any]:
        """The story's time rows whose value is that month and day of some year."""
        return list(self.conn.execute(
            "SELECT t.* FROM times_resolved t WHERE t.value LIKE ? "
            "AND t.article_id IN (SELECT article_id FROM story_articles WHERE story_id = ?) "
            "ORDER BY t.article_id, t.rowid", (f"____-{month:02d}-{day:02d}", story_id)))

    def resolve_time(self, cur: Any, time_id: str, value: str, *, resolved_by: str, anchor: str,
                     type_: str | None = None, by: str = "story_dates") -> None:
        """Record the value another article's evidence fixes for a time expression (read back as
        resolution 'cross_article' through times_resolved); the annotate stage's row is left as is.
        ``by`` names the pass: "story_dates" (a month and day the story dates) or "reference_date"
        (an article's own date inferred from other articles)."""
        cur.execute("INSERT OR REPLACE INTO time_resolutions VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (time_id, value, type_, anchor, resolved_by, by, _now()))

    def membership(self, claim_id: str) -> tuple[str, str | None] | None:
        """(group id, origin) of a grouped claim, or None."""
        row = self.conn.execute("SELECT group_id, origin FROM group_members WHERE claim_id = ?", (claim_id,)).fetchone()
        return None if row is None else (row[0], row[1])

    def same_origin_members(self, group_id: str, origin: str | None, but_article: str) -> list[tuple[str, str]]:
        """(claim id, article id) of a group's members from one origin, outside one article, by claim id."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT claim_id, article_id FROM group_members WHERE group_id = ? AND origin = ? AND article_id != ? "
            "ORDER BY claim_id", (group_id, origin, but_article))]

    # the linker's writes, one article at a time (inside the caller's transaction) ----------

    def link_sizes(self) -> tuple[int, int]:
        """(linked articles, grouped claims) so far."""
        return (int(self.conn.execute("SELECT count(*) FROM linked_articles").fetchone()[0]),
                int(self.conn.execute("SELECT count(*) FROM group_members").fetchone()[0]))

    def pending(self) -> list[tuple[str, str]]:
        """(kind, id) a stopped run left for its end pass, by kind and id."""
        return [(r[0], r[1]) for r in self.conn.execute("SELECT kind, id FROM link_pending ORDER BY kind, id")]

    def pending_articles(self) -> list[tuple[str, str]]:
        """(article id, story id) of the articles a stopped run linked, in the order it linked them."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT l.article_id, l.story_id FROM link_pending p JOIN linked_articles l ON l.article_id = p.id "
            "WHERE p.kind = 'article' ORDER BY l.rowid")]

    def mark_pending(self, cur: Any, items: Iterable[tuple[str, str]]) -> None:
        """Record (kind, id) as touched by this run, for the end pass (or the next run's)."""
        cur.executemany("INSERT OR IGNORE INTO link_pending VALUES (?, ?)", list(items))

    def repoint_duplicate(self, cur: Any, copy_id: str, original: str, publisher: str) -> None:
        """A copy seen first now points at the article found to be its original."""
        cur.execute("UPDATE linked_articles SET duplicate_of = ?, publisher = ? WHERE article_id = ?",
                    (original, publisher, copy_id))

    def add_story(self, cur: Any, story_id: str, title: str) -> None:
        """Open a story (kept if it exists)."""
        cur.execute("INSERT OR IGNORE INTO stories (id, title, updated_at) VALUES (?, ?, ?)", (story_id, title, _now()))

    def add_story_article(self, cur: Any, story_id: str, article_id: str, score: float) -> None:
        """An article joins a story with its score."""
        cur.execute("INSERT OR IGNORE INTO story_articles VALUES (?, ?, ?)", (story_id, article_id, score))

    def add_linked_article(self, cur: Any, article_id: str, minhash: bytes, buckets: Iterable[tuple[int, str]],
                           duplicate_of: str | None, story_id: str, publisher: str | None) -> None:
        """An article is linked: its LSH buckets and its link row."""
        cur.executemany("INSERT OR IGNORE INTO lsh_bands VALUES (?, ?, ?)", [(b, h, article_id) for b, h in buckets])
        cur.execute("INSERT INTO linked_articles VALUES (?, ?, ?, ?, ?, ?)",
                    (article_id, minhash, duplicate_of, story_id, publisher, _now()))

    def open_group(self, cur: Any, group_id: str, story_id: str, polarity: str, why: dict[str, Any]) -> None:
        """A new claim group."""
        cur.execute("INSERT INTO claim_groups (id, story_id, polarity, why, updated_at) VALUES (?, ?, ?, ?, ?)",
                    (group_id, story_id, polarity, _j(why), _now()))

    def group_why(self, group_id: str) -> dict[str, Any]:
        """A group's ``why`` record (how it was formed)."""
        row = self.conn.execute("SELECT why FROM claim_groups WHERE id = ?", (group_id,)).fetchone()
        out: dict[str, Any] = json.loads(row[0]) if row else {}
        return out

    def set_group_why(self, cur: Any, group_id: str, why: dict[str, Any]) -> None:
        """Replace a group's ``why`` record."""
        cur.execute("UPDATE claim_groups SET why = ? WHERE id = ?", (_j(why), group_id))

    def put_member(self, cur: Any, claim_id: str, group_id: str, article_id: str, score: float | None,
                   vec: bytes, keys: dict[str, Any], origin: str | None, publisher: str | None) -> None:
        """A claim joins (or moves to) a group, with what linking compares it by."""
        cur.execute("INSERT OR REPLACE INTO group_members VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (claim_id, group_id, article_id, score, vec, _j(keys), origin, publisher))

    def group_of(self, claim_id: str) -> str | None:
        """The group a claim is in, or None."""
        row = self.conn.execute("SELECT group_id FROM group_members WHERE claim_id = ?", (claim_id,)).fetchone()
        return None if row is None else str(row[0])

    def contradicts_between(self, a: str, b: str) -> bool:
        """True when a contradiction relates the two groups (either way)."""
        return self.conn.execute(
            "SELECT 1 FROM relations WHERE kind = 'contradicts' AND ((a = ? AND b = ?) OR (a = ? AND b = ?))",
            (a, b, b, a)).fetchone() is not None

    def has_relation(self, relation_id: str) -> bool:
        """True when the relation is stored."""
        return self.conn.execute("SELECT 1 FROM relations WHERE id = ?", (relation_id,)).fetchone() is not None

    def merge_groups(self, cur: Any, keep: str, drop: str) -> None:
        """Fold group ``drop`` into ``keep``: members, keys, relations (one row per kind, type and
        pair), the ``why`` record ("merged"), and drop's pending mark."""
        cur.execute("UPDATE group_members SET group_id = ? WHERE group_id = ?", (keep, drop))
        self.move_group_keys(cur, keep, drop)
        cur.execute("UPDATE relations SET a = ? WHERE a = ?", (keep, drop))
        cur.execute("UPDATE relations SET b = ? WHERE b = ?", (keep, drop))
        cur.execute("DELETE FROM relations WHERE a = b")
        # the same relation reached through both groups: keep one row per (kind, type, pair)
        cur.execute("DELETE FROM relations WHERE rowid NOT IN (SELECT min(rowid) FROM relations "
                    "GROUP BY kind, coalesce(type, ''), min(a, b), max(a, b))")
        w = self.group_why(keep)
        w.setdefault("merged", []).append(drop)
        self.set_group_why(cur, keep, w)
        cur.execute("DELETE FROM claim_groups WHERE id = ?", (drop,))
        # no longer pending either: a resumed run's end pass works on the groups an uninterrupted one has
        cur.execute("DELETE FROM link_pending WHERE kind = 'group' AND id = ?", (drop,))

    # the end-of-run pass's reads and writes (link/derived.py) ---------------------------------

    def set_group_derived(self, cur: Any, group_id: str, *, outlets: list[str], origins: list[str],
                          status: list[str], first_seen: str | None, why: dict[str, Any],
                          principals: dict[str, Any]) -> None:
        """A group's derived fields, recomputed by the end pass."""
        cur.execute("UPDATE claim_groups SET outlets = ?, independent_origins = ?, status = ?, first_seen = ?, "
                    "why = ?, principals = ?, updated_at = ? WHERE id = ?",
                    (_j(outlets), _j(origins), _j(status), first_seen, _j(why), _j(principals), _now(), group_id))

    def clear_pending(self, cur: Any) -> None:
        """The end pass is complete: nothing is pending."""
        cur.execute("DELETE FROM link_pending")

    def set_member_origin(self, cur: Any, claim_id: str, origin: str) -> None:
        """A grouped claim's origin, resolved again."""
        cur.execute("UPDATE group_members SET origin = ? WHERE claim_id = ?", (origin, claim_id))

    def member_origins(self, claim_ids: Iterable[str | None]) -> dict[str, str | None]:
        """claim id -> origin, of those of ``claim_ids`` that are grouped."""
        ids = sorted({c for c in claim_ids if c is not None})
        out: dict[str, str | None] = {}
        for part in _chunks(ids):
            marks = ",".join("?" * len(part))
            out.update({r[0]: r[1] for r in self.conn.execute(
                f"SELECT claim_id, origin FROM group_members WHERE claim_id IN ({marks})", part)})
        return out

    def delete_relation(self, cur: Any, relation_id: str) -> None:
        """Remove one relation."""
        cur.execute("DELETE FROM relations WHERE id = ?", (relation_id,))

    def article_text(self, article_id: str) -> str | None:
        """An article's clean text, or None."""
        row = self.conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else str(row[0])

    def claim_sentence_starts_within(self, article_id: str, lo: int, hi: int) -> bool:
        """True when a claim's sentence starts in [lo, hi) of the article."""
        return self.conn.execute("SELECT 1 FROM claims WHERE article_id = ? AND sentence_start >= ? "
                                 "AND sentence_start < ? LIMIT 1", (article_id, lo, hi)).fetchone() is not None

    def claim_bounds(self, claim_id: str) -> Any:
        """(start, end, sentence_start, sentence_end) of a claim, or None."""
        return self.conn.execute("SELECT start, end, sentence_start, sentence_end FROM claims WHERE id = ?",
                                 (claim_id,)).fetchone()

    def lead_claims(self, claim_id: str, other_ids: Iterable[str], *, before: int = 4) -> tuple[Any, list[Any]]:
        """What an anaphoric lead's claim may stand for: the claim (id, article, start, end, speaker,
        speaker_text, content) or None, and the candidates it may point back to: the claims of
        ``other_ids`` (a dispute's targets) first, then up to ``before`` of its article's claims
        ending before it starts, nearest first."""
        cols = "id, article_id, start, end, speaker, speaker_text, content"
        own = self.conn.execute(f"SELECT {cols} FROM claims WHERE id = ?", (claim_id,)).fetchone()
        if own is None:
            return None, []
        out: list[Any] = []
        for cid in other_ids:
            row = self.conn.execute(f"SELECT {cols} FROM claims WHERE id = ?", (cid,)).fetchone()
            if row is not None:
                out.append(row)
        out += self.conn.execute(f"SELECT {cols} FROM claims WHERE article_id = ? AND end <= ? "
                                 "ORDER BY start DESC, id LIMIT ?", (own["article_id"], own["start"], before)).fetchall()
        return own, out

    def times_within(self, article_id: str, lo: int, hi: int) -> list[Any]:
        """(id, value) of the article's time expressions inside [lo, hi], in insertion order."""
        return list(self.conn.execute("SELECT id, value FROM times_resolved WHERE article_id = ? AND start >= ? AND end <= ? "
                                      "ORDER BY rowid", (article_id, lo, hi)))

    def set_story_events(self, cur: Any, story_id: str, events: list[dict[str, Any]]) -> None:
        """A story's timeline events."""
        cur.execute("UPDATE stories SET events = ?, updated_at = ? WHERE id = ?", (_j(events), _now(), story_id))

    def linked_article_text(self, article_id: str) -> Any:
        """(text, published, publisher, duplicate_of) of a linked article, or None."""
        return self.conn.execute("SELECT a.text, a.published, l.publisher, l.duplicate_of FROM articles a "
                                 "JOIN linked_articles l ON l.article_id = a.id WHERE a.id = ?", (article_id,)).fetchone()

    def claim_spans(self, article_id: str) -> list[tuple[int, int]]:
        """(start, end) of each claim of an article with its sentence (whichever reaches further)."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT min(start, coalesce(sentence_start, start)), max(end, coalesce(sentence_end, end)) "
            "FROM claims WHERE article_id = ? ORDER BY rowid", (article_id,))]

    def day_times(self, article_id: str) -> list[Any]:
        """(id, start, end, value) of an article's DATE expressions, in text order."""
        return list(self.conn.execute("SELECT id, start, end, value FROM times_resolved WHERE article_id = ? AND type = 'DATE' "
                                      "ORDER BY start", (article_id,)))

    # LSH ------------------------------------------------------------------------------

    def lsh_candidates(self, buckets: Iterable[tuple[int, str]]) -> set[str]:
        """Articles sharing at least one (band, bucket) with the given signature."""
        out: set[str] = set()
        for band, bucket in buckets:
            out.update(r[0] for r in self.conn.execute(
                "SELECT article_id FROM lsh_bands WHERE band = ? AND bucket = ?", (band, bucket)))
        return out

    # keys and their document frequency (for capping over-common blocking keys) ------------

    def key_df(self, keys: Iterable[str]) -> dict[str, int]:
        """How many articles carried each key so far."""
        keys = list(set(keys))
        out: dict[str, int] = {}
        for part in _chunks(keys):
            marks = ",".join("?" * len(part))
            out.update({r[0]: r[1] for r in self.conn.execute(f"SELECT key, df FROM key_df WHERE key IN ({marks})", part)})
        return out

    def bump_key_df(self, cur: sqlite3.Cursor, keys: Iterable[str]) -> None:
        """Count one more article for each key."""
        cur.executemany("INSERT INTO key_df VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET df = df + 1",
                        [(k,) for k in set(keys)])

    def stories_for_keys(self, keys: Iterable[str], *, cap: int) -> dict[str, dict[str, float]]:
        """Candidate stories per key, skipping keys carried by more than ``cap`` stories."""
        out: dict[str, dict[str, float]] = {}
        for key in set(keys):
            rows = self.conn.execute(
                "SELECT story_id, weight FROM story_keys WHERE key = ? LIMIT ?", (key, cap + 1)).fetchall()
            if len(rows) > cap:
                continue
            for sid, w in rows:
                out.setdefault(sid, {})[key] = w
        return out

    def story_vector(self, story_id: str) -> Any:
        """The sum of a story's articles' content vectors (float32 numpy array), or None."""
        row = self.conn.execute("SELECT vec FROM story_vectors WHERE story_id = ?", (story_id,)).fetchone()
        return np.frombuffer(row[0], dtype=np.float32).copy() if row else None

    def add_story_vector(self, cur: sqlite3.Cursor, story_id: str, vec: Any) -> None:
        """Add one article's content vector to its story's sum (inside the caller's transaction)."""
        old = self.story_vector(story_id)
        total = np.asarray(vec, dtype=np.float32) + (old if old is not None else 0.0)
        cur.execute("INSERT INTO story_vectors VALUES (?, ?, 1) ON CONFLICT(story_id) DO UPDATE SET "
                    "vec = excluded.vec, n = n + 1", (story_id, total.astype(np.float32).tobytes()))

    def add_story_member(self, cur: Any, story_id: str, article_id: str, keys: Mapping[str, float],
                         vec: Any) -> None:
        """An article's key profile and content vector (or None) as a member of its story."""
        cur.execute("INSERT INTO story_members VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM story_members "
                    "WHERE story_id = ?), ?, ?) ON CONFLICT(article_id) DO NOTHING",
                    (article_id, story_id, story_id, _j(dict(sorted(keys.items()))),
                     None if vec is None else np.asarray(vec, dtype=np.float32).tobytes()))

    def story_members(self, story_ids: list[str], recent: int) -> dict[str, list[tuple[dict[str, float], Any]]]:
        """The last ``recent`` members of each story, oldest first: (key profile, vector or None)."""
        out: dict[str, list[tuple[dict[str, float], Any]]] = {}
        for sid in story_ids:
            rows = self.conn.execute("SELECT keys, vec FROM story_members WHERE story_id = ? ORDER BY seq DESC LIMIT ?",
                                     (sid, recent)).fetchall()
            out[sid] = [(json.loads(k), None if v is None else np.frombuffer(v, dtype=np.float32).copy())
                        for k, v in reversed(rows)]
        return out

    def story_keys(self, story_id: str) -> dict[str, float]:
        """A story's key weights (summed over its articles)."""
        return {r[0]: r[1] for r in self.conn.execute("SELECT key, weight FROM story_keys WHERE story_id = ?", (story_id,))}

    def story_weights(self, story_ids: list[str], keys: Iterable[str]) -> dict[str, dict[str, float]]:
        """The weights some stories hold for some keys (absent keys left out), in one pass per key."""
        out: dict[str, dict[str, float]] = {sid: {} for sid in story_ids}
        for key in sorted(set(keys)):
            for part in _chunks(story_ids):
                marks = ",".join("?" * len(part))
                for sid, w in self.conn.execute(
                        f"SELECT story_id, weight FROM story_keys WHERE key = ? AND story_id IN ({marks})", [key, *part]):
                    out[sid][key] = w
        return out

    def groups_for_keys(self, story_id: str, polarity: str, keys: Iterable[str], *, cap: int,
                        limit: int | None = None) -> list[str]:
        """Candidate claim groups of one story and polarity sharing a key with ``keys``.

        A key carried by more than ``cap`` groups of the story is skipped (too common to block
        on). With ``limit``, only the groups sharing the most keys are kept (ties by id).
        """
        shared: dict[str, int] = {}
        for key in set(keys):
            rows = self.conn.execute(
                "SELECT group_id FROM group_keys WHERE story_id = ? AND polarity = ? AND key = ? LIMIT ?",
                (story_id, polarity, key, cap + 1)).fetchall()
            if len(rows) <= cap:
                for (gid,) in rows:
                    shared[gid] = shared.get(gid, 0) + 1
        ranked = sorted(shared, key=lambda g: (-shared[g], g))
        return ranked if limit is None else ranked[:limit]

    def add_group_keys(self, cur: sqlite3.Cursor, story_id: str, polarity: str, group_id: str,
                       keys: Iterable[str]) -> None:
        """Index a group under blocking keys (inside the caller's transaction)."""
        cur.executemany("INSERT OR IGNORE INTO group_keys VALUES (?, ?, ?, ?)",
                        [(story_id, polarity, k, group_id) for k in sorted(set(keys))])

    def move_group_keys(self, cur: sqlite3.Cursor, keep: str, drop: str) -> None:
        """Fold the keys of group ``drop`` into group ``keep`` (a merge)."""
        cur.execute("INSERT OR IGNORE INTO group_keys SELECT g.story_id, g.polarity, k.key, g.id "
                    "FROM group_keys k JOIN claim_groups g ON g.id = ? WHERE k.group_id = ?", (keep, drop))
        cur.execute("DELETE FROM group_keys WHERE group_id = ?", (drop,))

    def group_member_rows(self, group_ids: Iterable[str], *, per_group: int | None = None) -> list[sqlite3.Row]:
        """Member rows (claim id, group, article, vector, keys, origin, publisher) of some groups.

        With ``per_group``, only each group's first members (in the order they joined).
        """
        ids = sorted(set(group_ids))
        rows: list[sqlite3.Row] = []
        for part in _chunks(ids):
            marks = ",".join("?" * len(part))
            if per_group is None:
                rows += self.conn.execute(
                    f"SELECT m.*, g.polarity, g.story_id FROM group_members m JOIN claim_groups g ON g.id = m.group_id "
                    f"WHERE m.group_id IN ({marks}) ORDER BY m.rowid", part).fetchall()
            else:
                rows += self.conn.execute(
                    f"SELECT * FROM (SELECT m.*, g.polarity, g.story_id, row_number() OVER "
                    f"(PARTITION BY m.group_id ORDER BY m.rowid) AS nth, m.rowid AS r FROM group_members m "
                    f"JOIN claim_groups g ON g.id = m.group_id WHERE m.group_id IN ({marks})) AS firsts "
                    f"WHERE nth <= ? ORDER BY r", [*part, per_group]).fetchall()
        return rows

    def story_group_ids(self, story_id: str) -> list[str]:
        """The claim groups of one story."""
        return [r[0] for r in self.conn.execute("SELECT id FROM claim_groups WHERE story_id = ? ORDER BY rowid",
                                                (story_id,))]

    def story_article_ids(self, story_id: str) -> list[str]:
        """The articles of one story, in the order they joined."""
        return [r[0] for r in self.conn.execute(
            "SELECT article_id FROM story_articles WHERE story_id = ? ORDER BY rowid", (story_id,))]

    def relations_touching(self, ids: Iterable[str]) -> list[sqlite3.Row]:
        """Relations whose ``a`` or ``b`` is one of ``ids``, each once.

        The ids are chunked in sorted order: chunked in a set's order, the rows came in an order
        that changed with the process's hash seed, and the end pass re-inserts retyped relations
        in that order (the export lists relations by insertion).
        """
        ids = sorted(set(ids))
        rows: dict[str, sqlite3.Row] = {}
        for part in _chunks(ids):
            marks = ",".join("?" * len(part))
            # spelled out, the order SQLite's multi-index OR gives (by a through relations_a, then
            # the rest by b through relations_b), so PostgreSQL reads them in the same order
            for row in self.conn.execute(
                    f"SELECT * FROM (SELECT id, kind, type, a, b, evidence, 0 AS via, a AS k, rowid AS r "
                    f"FROM relations WHERE a IN ({marks}) UNION ALL "
                    f"SELECT id, kind, type, a, b, evidence, 1, b, rowid FROM relations "
                    f"WHERE b IN ({marks}) AND a NOT IN ({marks})) AS t ORDER BY via, k, r", part * 3):
                rows.setdefault(row["id"], row)  # a relation between two chunks comes back twice
        return list(rows.values())

    def put_relation(self, cur: sqlite3.Cursor, rid: str, kind: str, rtype: str | None, a: str, b: str,
                     evidence: dict[str, Any]) -> None:
        """Insert or refresh one relation (ids are content hashes, so reruns are idempotent)."""
        cur.execute("INSERT OR REPLACE INTO relations VALUES (?, ?, ?, ?, ?, ?)", (rid, kind, rtype, a, b, _j(evidence)))

    # corrections (link/corrections.py) ----------------------------------------------------

    def correction_states(self, claim_ids: Iterable[str]) -> list[dict[str, Any]]:
        """What corrections can change about some claims: group, origin, speaker, polarity, stance
        (the stance from the member's keys), with the group's story and polarity."""
        ids = sorted(set(claim_ids))
        out: list[dict[str, Any]] = []
        for part in _chunks(ids):
            marks = ",".join("?" * len(part))
            for r in self.conn.execute(
                    f"SELECT c.id, c.speaker, c.speaker_text, c.polarity AS claim_polarity, m.group_id, m.origin, "
                    f"m.keys, g.story_id, g.polarity AS group_polarity FROM claims c "
                    f"LEFT JOIN group_members m ON m.claim_id = c.id LEFT JOIN claim_groups g ON g.id = m.group_id "
                    f"WHERE c.id IN ({marks}) ORDER BY c.rowid", part):
                keys = json.loads(r["keys"]) if r["keys"] else {}
                out.append({"claim_id": r["id"], "group_id": r["group_id"], "origin": r["origin"],
                            "speaker": r["speaker"], "speaker_text": r["speaker_text"],
                            "polarity": keys.get("polarity", r["claim_polarity"]), "stance": keys.get("stance"),
                            "story_id": r["story_id"], "group_polarity": r["group_polarity"]})
        return out

    def claims_naming(self, names: Iterable[str], *, speaker: bool) -> list[tuple[str, str]]:
        """(claim id, name) of the claims whose origin (or, with ``speaker``, speaker) contains one
        of ``names`` (case-insensitively; the caller compares exactly)."""
        out: dict[str, str] = {}
        for name in sorted(set(names)):
            pat = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            sql = ("SELECT id, coalesce(speaker, speaker_text) FROM claims WHERE coalesce(speaker, speaker_text) "
                   "LIKE ? ESCAPE '\\'" if speaker else
                   "SELECT claim_id, origin FROM group_members WHERE origin LIKE ? ESCAPE '\\'")
            out.update({r[0]: r[1] for r in self.conn.execute(sql, (pat,))})
        return sorted(out.items())

    def write_correction_state(self, cur: sqlite3.Cursor, state: Any) -> None:
        """Write one claim's corrected (or restored) state: its claims row and its group member."""
        cur.execute("UPDATE claims SET speaker = ?, polarity = ? WHERE id = ?",
                    (state.speaker, state.polarity, state.claim_id))
        if state.group_id is None:
            return
        row = self.conn.execute("SELECT keys FROM group_members WHERE claim_id = ?", (state.claim_id,)).fetchone()
        if row is None:
            return
        keys = json.loads(row[0])
        keys.update({"polarity": state.polarity, "stance": state.stance,
                     "speaker": state.speaker or state.speaker_text})
        cur.execute("UPDATE group_members SET group_id = ?, origin = ?, keys = ? WHERE claim_id = ?",
                    (state.group_id, state.origin, _j(keys), state.claim_id))

    def group_record(self, group_id: str) -> dict[str, Any] | None:
        """A claim_groups row as a dict, with its rowid (to put it back where it was)."""
        row = self.conn.execute("SELECT rowid AS rowid_, * FROM claim_groups WHERE id = ?", (group_id,)).fetchone()
        return dict(row) if row else None

    def group_size(self, group_id: str) -> int:
        """How many members a group has."""
        return int(self.conn.execute("SELECT count(*) FROM group_members WHERE group_id = ?", (group_id,)).fetchone()[0])

    def create_group(self, cur: sqlite3.Cursor, record: dict[str, Any]) -> None:
        """Insert a claim group (``rowid_`` puts a restored group back at its place in the export)."""
        rec = dict(record)
        rowid = rec.pop("rowid_", None)
        cols = (["rowid"] if rowid is not None else []) + list(rec)
        vals = ([rowid] if rowid is not None else []) + list(rec.values())
        cur.execute(f"INSERT OR IGNORE INTO claim_groups ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    vals)

    def delete_group(self, cur: sqlite3.Cursor, group_id: str) -> None:
        """Remove an empty claim group (its blocking keys stay: they find no member, and a restored
        group is found by them again)."""
        cur.execute("DELETE FROM claim_groups WHERE id = ?", (group_id,))

    def article_titles(self, article_ids: Iterable[str]) -> dict[str, str | None]:
        """Article id -> title."""
        ids = sorted(set(article_ids))
        out: dict[str, str | None] = {}
        for part in _chunks(ids):
            marks = ",".join("?" * len(part))
            out.update({r[0]: r[1] for r in self.conn.execute(f"SELECT id, title FROM articles WHERE id IN ({marks})", part)})
        return out

    def set_story_title(self, cur: sqlite3.Cursor, story_id: str, title: str) -> None:
        """Retitle a story (inside the caller's transaction)."""
        cur.execute("UPDATE stories SET title = ? WHERE id = ? AND title != ?", (title, story_id, title))
