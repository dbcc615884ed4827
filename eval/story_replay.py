"""Story clustering replayed offline on a kept FNC-1 stories ledger, under the story settings given.

usage: .venv/bin/python eval/story_replay.py WORKDIR BODIES.csv STANCES.csv [--set KEY=VALUE ...]

WORKDIR is what ``eval/fnc1_stories.py --workdir`` kept (``fnc1.db``, ``export.json``,
``bodies.jsonl``). Each linked article's entity keys (``entities.article_keys`` over its stored
mentions, as the linker computes them) and content vector (the mean of its claims' MiniLM
vectors, as ``linker._content_vector``) are read again, once (cached in
``WORKDIR/replay-features.pkl``), and the articles are clustered again in the order they were
linked, a copy joining its original's story, by the same functions the linker calls
(``link/stories.py``: ``shortlist``, ``judge``, ``pick``, ``strong_fallback``) with IDF taken as
articles arrive and the story norm as the chooser approximates it (keys the article lacks weigh
as a key seen once). So a replay gives the figures a 20-minute full run would give (checked to
four decimals on three rules), in seconds: a story-rule change is judged on the tuning part
before it is run in full. ``--set`` overrides ``link.stories`` settings (``--set coherent=0.9``).
Prints story B-cubed P / R / F1 of the ledger as linked and of the replay, over all gold stories
and the tuning and dev parts (``fnc1_stories.part_of``); choose on tuning. Research tool, not gated.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import sqlite3
import sys
from collections import Counter
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fnc1_stories as F
from crosscheck.config import DEFAULTS, StorySettings

Feature = tuple[str, "str | None", str, dict[str, int], "np.ndarray | None"]


def features(db: Path) -> list[Feature]:
    """(article id, duplicate of, story id, key counts, content vector) in the order linked."""
    from crosscheck.link.embed import Embedder
    from crosscheck.link.entities import article_keys
    from crosscheck.link.prepare import _encode, claim_text
    from crosscheck.link.stories import article_vector
    from crosscheck.store import open_store

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        rows = c.execute("SELECT article_id, duplicate_of, story_id FROM linked_articles ORDER BY rowid").fetchall()
    emb = Embedder()
    out = []
    with open_store(db) as store:
        for aid, dup, sid in rows:
            art = store.article(aid)
            claims = list(store.claims(aid))
            counts = Counter(article_keys(store.mentions(aid)).values())
            texts = [claim_text(x, art.text)[0] for x in claims]
            vec = article_vector(_encode(emb, texts)) if texts else None
            out.append((aid, dup, sid, dict(counts), vec))
    return out


def replay(feats: list[Feature], st: StorySettings) -> dict[str, str]:
    """Each article's story when the articles are linked again, in order, under ``st``."""
    from crosscheck.link import stories as S

    df: Counter[str] = Counter()
    keys: dict[str, dict[str, float]] = {}
    index: dict[str, set[str]] = {}
    members: dict[str, list[S.Member]] = {}
    vsum: dict[str, np.ndarray] = {}
    story: dict[str, str] = {}
    for n, (aid, dup, _sid, counts, vec) in enumerate(feats):  # n: the articles linked before
        prof = S.profile(counts, st.top_keys)
        n_a = max(n, 1)

        def weight(k: str, n_a: int = n_a) -> float:
            return S.idf(df.get(k, 1) or 1, n_a)

        sid = story.get(dup) if dup else None
        if sid is None:
            cands = {s for k in prof if len(index.get(k, ())) <= st.key_cap for s in index.get(k, ())}
            w = {k: weight(k) for k in prof}
            rare = S.idf(1, n_a)
            na = math.sqrt(sum((a * w[k]) ** 2 for k, a in prof.items()))
            scores: dict[str, float] = {}
            for s in sorted(cands):  # the chooser's cosine (link/stories.py: StoryChooser.choose)
                b = keys[s]
                dot = sum(a * b[k] * w[k] ** 2 for k, a in prof.items() if k in b)
                if dot:
                    inside = sum(b[k] ** 2 for k in prof if k in b)
                    nb2 = rare ** 2 * max(0.0, sum(x * x for x in b.values()) - inside) + sum(
                        (b[k] * w[k]) ** 2 for k in prof if k in b)
                    scores[s] = round(dot / (na * math.sqrt(nb2)), 9) if na and nb2 > 0 else 0.0
            short = S.shortlist(scores, st.join, st.shortlist)
            sid, _ = S.pick({s: S.judge(prof, vec, members[s][-st.recent:], scores[s], vsum.get(s), weight, st)
                             for s in short})
            if sid is None:
                sid = S.strong_fallback(short, scores, vec, vsum.get, st)
        sid = sid if sid is not None else aid
        df.update(prof.keys())
        members.setdefault(sid, []).append((prof, vec))
        held = keys.setdefault(sid, {})
        for k, x in prof.items():
            held[k] = held.get(k, 0.0) + x
            index.setdefault(k, set()).add(sid)
        if vec is not None:
            vsum[sid] = vsum.get(sid, np.zeros_like(vec)) + vec
        story[aid] = sid
    return story


def scores(story: dict[str, str], gold: dict[str, str], art_of: dict[str, str]) -> dict[str, Any]:
    pred = {b: story.get(art_of.get(b, ""), "single:" + b) for b in gold}
    out: dict[str, Any] = {"clusters": len(set(pred.values()))}
    for part in ("all", "tuning", "dev"):
        g = {b: k for b, k in gold.items() if part == "all" or F.part_of(k) == part}
        out[part] = [round(x, 4) for x in F.bcubed(pred, g)]
    return out


def _settings(pairs: list[str]) -> StorySettings:
    types = {f.name: f.type for f in fields(StorySettings)}
    over: dict[str, Any] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in types:
            raise SystemExit(f"--set {pair}: no such link.stories setting ({', '.join(types)})")
        over[key] = int(value) if types[key] in (int, "int") else float(value)
    return replace(DEFAULTS.link.stories, **over)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workdir", type=Path)
    ap.add_argument("bodies", type=Path)
    ap.add_argument("stances", type=Path)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a link.stories setting")
    args = ap.parse_args(argv)
    st = _settings(args.set)
    bodies = F.read_bodies(args.bodies)
    rows = [r for r in F.read_stances(args.stances) if r[2] in F.RELATED and r[1] in bodies]
    gold = F.components((h, b) for h, b, _ in rows)
    export = json.loads((args.workdir / "export.json").read_text(encoding="utf-8"))
    ids = sorted(gold, key=lambda s: (len(s), s))  # the order build_export wrote them
    art_of = F.article_of_body(export, {b: bodies[b] for b in gold}, ids, args.workdir / "bodies.jsonl")
    cache = args.workdir / "replay-features.pkl"
    if cache.exists():
        feats = pickle.loads(cache.read_bytes())
    else:
        feats = features(args.workdir / "fnc1.db")
        cache.write_bytes(pickle.dumps(feats))
    print("ledger", scores({f[0]: f[2] for f in feats}, gold, art_of), flush=True)
    print("replay", st, scores(replay(feats, st), gold, art_of), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
