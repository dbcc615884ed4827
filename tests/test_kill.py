"""SIGKILL `crosscheck analyze` and `crosscheck link` at seeded points, rerun, compare the whole export.

Real BBC articles (../shared/data/bbc-news-fulltext), real subprocesses, real SIGKILLs. One
uninterrupted reference run per session (annotate once, link a copy); every kill point runs
the command on a fresh ledger (analyze) or a copy of the annotated one (link), kills it when
the ledger shows the point reached, reruns the same command to its end, and compares the
JSON export with the reference field by field. The command's descendants (annotate and
prepare workers, the resource tracker) must all be gone within 15 s of the kill.

``make test`` runs a quick slice (2 points, 72 articles: enough to start the prepare workers).
``make killtest`` runs the full set: ``CROSSCHECK_KILL_POINTS`` points (at least 20) over ``CROSSCHECK_KILL_ARTICLES``
articles (at least 300), and writes a summary to ``CROSSCHECK_KILL_REPORT`` when set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import killing
from conftest import need_shared

BBC = [pytest.mark.shared, pytest.mark.slow]

SEED = 15
N_POINTS = int(os.environ.get("CROSSCHECK_KILL_POINTS", "0"))
FULL = N_POINTS > 0
N_ARTICLES = int(os.environ.get("CROSSCHECK_KILL_ARTICLES", "300" if FULL else "72"))


def _points() -> list[killing.KillPoint]:
    if FULL:
        return killing.points(SEED, N_POINTS, N_ARTICLES)
    # the quick slice: `link` stopped halfway, `analyze` stopped a fifth into its end-of-run pass
    return [killing.KillPoint("link", "link", N_ARTICLES // 2), killing.KillPoint("analyze", "finish", 200)]


POINTS = _points()
_outcomes: list[killing.Outcome] = []


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> killing.Bench:
    root = tmp_path_factory.mktemp("kill")
    corpus = killing.corpus(need_shared("data", "bbc-news-fulltext"), root / "corpus", N_ARTICLES, SEED)
    return killing.Bench(root, corpus)


@pytest.mark.parametrize("point", [pytest.param(p, marks=BBC) for p in POINTS], ids=str)
def test_a_rerun_after_sigkill_gives_the_uninterrupted_ledger(bench: killing.Bench, point: killing.KillPoint) -> None:
    outcome = bench.trial(point)
    _outcomes.append(outcome)
    # a point whose kill came after its phase was over is a failure, never a pass
    assert outcome.killed, f"{point}: no kill landed inside the phase (tried {outcome.tries})"
    assert not outcome.orphans, f"{point}: processes outlived their killed parent: {outcome.orphans}"
    assert not outcome.differences, f"{point}: the rerun's export differs from the uninterrupted run's: " \
        + "; ".join(outcome.differences)
    assert bench.reference["claim_groups"] and bench.reference["relations"]  # the comparison covers the link layer


@pytest.mark.shared
@pytest.mark.slow
def test_the_kills_reached_the_link_workers(bench: killing.Bench) -> None:
    """The orphan check means something: some kill found prepare workers alive to follow it."""
    if not _outcomes:
        pytest.skip("no kill point ran")
    assert any(o.workers for o in _outcomes if o.point.phase != "annotate"), [str(o.point) for o in _outcomes]
    report = os.environ.get("CROSSCHECK_KILL_REPORT")
    if report:
        Path(report).parent.mkdir(parents=True, exist_ok=True)
        Path(report).write_text(json.dumps({
            "articles": bench.n, "seed": SEED, "reference_seconds": round(bench.seconds, 1),
            "end_pass_seconds": round(bench.end_pass, 3),
            "points": [{"point": str(o.point), "killed": o.killed, "tries": o.tries, "left": o.left,
                        "workers": o.workers,
                        "orphans": o.orphans, "differences": o.differences, "seconds": round(o.seconds, 1)}
                       for o in _outcomes]}, indent=1), encoding="utf-8")


def test_differences_name_the_field_that_differs() -> None:
    """The comparison itself: a changed member, a missing relation, an extra key are each reported."""
    ref = {"claim_groups": [{"id": "g1", "claim_ids": ["c1", "c2"]}], "relations": [{"id": "r1"}, {"id": "r2"}]}
    assert killing.differences(ref, json.loads(json.dumps(ref))) == []
    split = {"claim_groups": [{"id": "g1", "claim_ids": ["c1", "c3"]}], "relations": [{"id": "r1"}]}
    got = killing.differences(ref, split)
    assert ".claim_groups[0].claim_ids[1]: \"c2\" != \"c3\"" in got
    assert ".relations: 2 items in the reference, 1 in the rerun" in got
    assert killing.differences({"a": 1}, {"a": 1, "b": 2}) == [".b: only in rerun"]
    assert killing.differences({"a": 1}, {"a": 1.0}) != []


# the causes, one by one, without ../shared ---------------------------------------------------


def test_a_resumed_linker_knows_what_the_stopped_one_had_learned(tmp_path: Path) -> None:
    """Facts live in memory until the end pass; a resumed run must rebuild them exactly, including
    what resolving origins taught (a person's principal), or the articles it links next resolve
    their sources otherwise and group otherwise (the "group split" of a killed link)."""
    from importlib import resources

    from crosscheck.link.linker import ArticleLinker
    from crosscheck.pipeline import analyze
    from crosscheck.store.sqlite import SQLiteStore

    corpus = Path(str(resources.files("crosscheck.data").joinpath("demo/articles")))
    with SQLiteStore(tmp_path / "a.db") as s:
        analyze([str(corpus)], s)
        stopped = ArticleLinker(s)
        for aid in s.unlinked_article_ids()[:7]:
            stopped.link_article(aid)  # ... and the process dies here
        taught = stopped.state.facts.to_json()
        assert taught["persons"]  # resolving taught something: the comparison below is not empty
        resumed = ArticleLinker(s)
        assert resumed.state.facts.to_json() == taught


_PARENT = """
import sys, time
from crosscheck.link import prepare
if __name__ == "__main__":
    ahead = prepare.ahead(sys.argv[1], ["none"] * (3 * prepare.CHUNK), at_least=1)
    next(ahead)  # a worker has answered: the pool is up
    print("ready", flush=True)
    time.sleep(600)
"""


def test_prepare_workers_exit_when_their_parent_is_killed(tmp_path: Path) -> None:
    """SIGKILL the process linking ahead: its prepare workers and its resource tracker go too."""
    import signal
    import subprocess
    import sys

    import psutil

    from crosscheck.store.sqlite import SQLiteStore

    SQLiteStore(tmp_path / "empty.db").close()
    (tmp_path / "parent.py").write_text(_PARENT, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(tmp_path / "parent.py"), str(tmp_path / "empty.db")],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        kids = psutil.Process(proc.pid).children(recursive=True)
        assert len(kids) >= 2, kids  # a prepare worker at least, and the resource tracker
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _, alive = psutil.wait_procs(kids, timeout=10)
        left = [" ".join(k.cmdline())[:100] for k in alive]
        for k in alive:
            k.kill()
        assert not left, left
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def test_a_story_choice_does_not_hang_on_float_noise_in_a_norm(tmp_path: Path) -> None:
    """Two stories with one profile tie; the norm a resumed run reads fresh differs from the one an
    uninterrupted run kept up to date in the last bits. The tie must go the same way either way."""
    from crosscheck.link import stories
    from crosscheck.store.sqlite import SQLiteStore

    with SQLiteStore(tmp_path / "s.db") as s:
        prof = {"e:a": 1.7, "e:b": 1.3, "e:c": 1.0}
        with s.transaction() as cur:
            for sid in ("s1", "s2"):
                cur.execute("INSERT INTO stories (id, title, updated_at) VALUES (?, 't', 'now')", (sid,))
                s.add_story_keys(cur, sid, {**prof, f"e:own-{sid}": 2.0})
            s.bump_key_df(cur, [*prof, "e:own-s1"])
            s.bump_key_df(cur, [*prof, "e:own-s2"])
        fresh = stories.StoryChooser(s)
        chosen = fresh.choose(prof, 10)[0]
        assert chosen == "s1"  # the tie goes to the first in id order
        for noise in (1e-13, -1e-13):
            kept = stories.StoryChooser(s)
            kept.squares = {sid: fresh._squares(sid) for sid in ("s1", "s2")}
            kept.squares["s2"] += noise  # summed in another order
            kept.squares["s1"] -= noise
            assert kept.choose(prof, 10)[0] == chosen


def test_relations_touching_many_groups_come_in_one_order_each_once(tmp_path: Path) -> None:
    """More ids than one query takes: the rows come in the same order however the ids are given
    (the end pass re-inserts retyped relations in it), and a relation between two chunks once."""
    import random

    from crosscheck.store.sqlite import SQLiteStore

    with SQLiteStore(tmp_path / "r.db") as s:
        gids = [f"g{i:04d}" for i in range(1_200)]
        with s.transaction() as cur:
            for i in range(0, 1_200, 2):
                s.put_relation(cur, f"r{i}", "contradicts", "update", gids[i], gids[-1 - i], {})
        shuffled = gids[:]
        random.Random(3).shuffle(shuffled)
        a = [r["id"] for r in s.relations_touching(gids)]
        b = [r["id"] for r in s.relations_touching(set(shuffled))]
        assert a == b
        assert sorted(a) == sorted({f"r{i}" for i in range(0, 1_200, 2)})  # each once
