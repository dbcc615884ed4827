"""Story clustering replayed offline on a kept FNC-1 stories ledger: the ledger's choice against others.

usage: .venv/bin/python eval/story_replay.py WORKDIR BODIES.csv STANCES.csv [--grid]

WORKDIR is what ``eval/fnc1_stories.py --workdir`` kept (``fnc1.db``, ``export.json``,
``bodies.jsonl``). Each linked article's entity keys (``entities.article_keys`` over its stored
mentions, as the linker computes them) and content vector (the mean of its claims' MiniLM
vectors, as ``linker._content_vector``) are read again, and the articles are clustered again in the
order they were linked, by:

- ``ledger``: the stories as linked (the centroid chooser, ``link/stories.py``);
- ``members``: an article joins the candidate story holding members it is close to, not the
  story's accumulated profile: a member is close when the IDF-weighted cosine of the two key
  profiles is at least E and the cosine of their content vectors at least C (CONTENT_FLOOR where
  the profiles' cosine is STRONG, unless --no-strong); a story of n members
  needs ``ceil(FRAC * min(n, TOP))`` close members, and among such stories the one with the best
  mean of its TOP closest members' scores (the mean of both cosines) wins;
- ``+merge``: then stories whose summed profiles have a cosine of at least M and whose content
  centroids one of at least MC are merged, best pair first, until no pair qualifies.

B-cubed precision, recall and F1 of each, over all gold stories and the tuning and dev parts
(``fnc1_stories.part_of``); choose on tuning. IDF is taken over the whole run here (the linker
takes it as articles arrive), so a replay approximates what linking would give: it tells which
way a change goes before a 20-minute full run, not the run's figures. Research tool, not gated.
``--shortlist N --recent M`` replays what the linker does (link.stories.shortlist and recent).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import pickle
import sqlite3
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fnc1_stories as F
from crosscheck.config import DEFAULTS

ST = DEFAULTS.link.stories


def features(db: Path) -> list[tuple[str, str | None, str, dict[str, int], np.ndarray | None]]:
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


class Replay:
    def __init__(self, feats: list[tuple[str, str | None, str, dict[str, int], np.ndarray | None]]) -> None:
        from crosscheck.link import stories as S

        self.S = S
        self.ids = [f[0] for f in feats]
        self.dup = {f[0]: f[1] for f in feats}
        self.ledger = {f[0]: f[2] for f in feats}
        self.prof = [S.profile(f[3]) for f in feats]
        n = len(feats)
        self.df: Counter[str] = Counter()
        for p in self.prof:
            self.df.update(p.keys())
        keys = {k: i for i, k in enumerate(sorted(self.df))}
        e = np.zeros((n, len(keys)), np.float32)
        for i, p in enumerate(self.prof):
            for k, w in p.items():
                e[i, keys[k]] = w * S.idf(self.df[k], n)
        e /= np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-9)
        self.has = np.array([f[4] is not None for f in feats])
        v = np.stack([f[4] if f[4] is not None else np.zeros(384, np.float32) for f in feats])
        self.ent, self.con = e @ e.T, v @ v.T
        self.vec = {f[0]: f[4] for f in feats}

    def members(self, e_min: float, c_min: float, top: int, frac: float,
                shortlist: int | None = None, recent: int | None = None, strong: bool = True) -> dict[str, str]:
        """``shortlist``: only the stories whose summed profile scores best against the article
        (at least the centroid chooser's JOIN), as many; ``recent``: only their last members."""
        S, n = self.S, len(self.ids)
        members: dict[str, list[int]] = defaultdict(list)
        keys: dict[str, dict[str, float]] = defaultdict(dict)
        story: dict[str, str] = {}
        weight = lambda k: S.idf(self.df[k], n)  # noqa: E731
        for i, aid in enumerate(self.ids):
            dup = self.dup[aid]
            if dup and dup in story:
                sid = story[dup]
            else:
                best: tuple[float, str] | None = None
                cands = list(members)
                if shortlist is not None:
                    sims = [(S.similarity(self.prof[i], keys[c], weight), c) for c in cands]
                    cands = [c for s, c in sorted(sims, reverse=True)[:shortlist] if s >= ST.join]
                for cand in cands:
                    m = members[cand] if recent is None else members[cand][-recent:]
                    mm = np.array(m)
                    e = self.ent[i, mm]
                    c = np.where(self.has[mm] & self.has[i], self.con[i, mm], 1.0)
                    ok = (e >= e_min) & (c >= np.where(e >= ST.strong, ST.content_floor, c_min)) if strong \
                        else (e >= e_min) & (c >= c_min)
                    if not ok.any() or ok.sum() < math.ceil(frac * min(len(m), top)):
                        continue
                    score = float(np.sort(np.where(ok, (e + c) / 2, 0.0))[::-1][:top].mean())
                    if best is None or score > best[0]:
                        best = (score, cand)
                sid = best[1] if best else aid
            members[sid].append(i)
            for k, w in self.prof[i].items():
                keys[sid][k] = keys[sid].get(k, 0.0) + w
            story[aid] = sid
        return story

    def merged(self, story: dict[str, str], m_min: float, c_min: float) -> dict[str, str]:
        S, n = self.S, len(self.ids)
        story = dict(story)
        keys: dict[str, dict[str, float]] = defaultdict(dict)
        vsum: dict[str, np.ndarray] = {}
        for i, aid in enumerate(self.ids):
            sid = story[aid]
            for k, w in self.prof[i].items():
                keys[sid][k] = keys[sid].get(k, 0.0) + w
            if (v := self.vec[aid]) is not None:
                vsum[sid] = vsum.get(sid, np.zeros_like(v)) + v
        weight = lambda k: S.idf(self.df[k], n)  # noqa: E731
        while True:
            index: dict[str, set[str]] = defaultdict(set)
            for sid, ks in keys.items():
                for k in ks:
                    index[k].add(sid)
            pairs = {p for ss in index.values() if len(ss) <= ST.key_cap for p in itertools.combinations(sorted(ss), 2)}
            best = None
            for a, b in sorted(pairs):
                if a not in vsum or b not in vsum:
                    continue
                sim = S.similarity(keys[a], keys[b], weight)
                cos = float(vsum[a] @ vsum[b]) / float(np.linalg.norm(vsum[a]) * np.linalg.norm(vsum[b]))
                if sim >= m_min and cos >= c_min and (best is None or (sim, cos) > best[0]):
                    best = ((sim, cos), a, b)
            if best is None:
                return story
            _, a, b = best
            for k, w in keys.pop(b).items():
                keys[a][k] = keys[a].get(k, 0.0) + w
            vsum[a] = vsum[a] + vsum.pop(b)
            story = {x: (a if s == b else s) for x, s in story.items()}


def scores(story: dict[str, str], gold: dict[str, str], art_of: dict[str, str]) -> dict[str, Any]:
    pred = {b: story.get(art_of.get(b, ""), "single:" + b) for b in gold}
    out: dict[str, Any] = {"clusters": len(set(pred.values()))}
    for part in ("all", "tuning", "dev"):
        g = {b: k for b, k in gold.items() if part == "all" or F.part_of(k) == part}
        out[part] = [round(x, 4) for x in F.bcubed(pred, g)]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workdir", type=Path)
    ap.add_argument("bodies", type=Path)
    ap.add_argument("stances", type=Path)
    ap.add_argument("--grid", action="store_true", help="a small grid of E, C, TOP, FRAC, M, MC")
    ap.add_argument("--shortlist", type=int, help="members compared only in this many best-profiled stories")
    ap.add_argument("--recent", type=int, help="and only their last RECENT members")
    ap.add_argument("--no-strong", action="store_true", help="no CONTENT_FLOOR for members whose entities are STRONG")
    args = ap.parse_args(argv)
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
    r = Replay(feats)
    print("ledger", scores(r.ledger, gold, art_of), flush=True)
    grid = itertools.product((0.15, 0.2), (0.42, 0.45), (3, 5), (0.5,)) if args.grid else [(0.2, 0.42, 3, 0.5)]
    for e, c, top, frac in grid:
        st = r.members(e, c, top, frac, args.shortlist, args.recent, not args.no_strong)
        print("members", (e, c, top, frac), scores(st, gold, art_of), flush=True)
        for m, mc in ((0.5, 0.7), (0.6, 0.7)) if args.grid else [(0.5, 0.7)]:
            print("  +merge", (m, mc), scores(r.merged(st, m, mc), gold, art_of), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
