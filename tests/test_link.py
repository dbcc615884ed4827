"""The cross-source layer on articles written here: duplicates, groups, disputes, incremental runs."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import need_shared
from crosscheck.link import link_store, prepare, stories
from crosscheck.link.dedupe import jaccard, signature
from crosscheck.link.relations import relation_id
from crosscheck.link.stories import StoryClusterer
from crosscheck.link.timeline import month_day
from crosscheck.model import Annotations, Article, Claim, EntityMention, TimeExpr
from crosscheck.store.sqlite import SQLiteStore

BASE = (
    "Officials in Valdoria said on Monday that a new bridge over the Marren river collapsed during a storm. "
    "The Valdorian transport ministry said the bridge had been inspected in March. "
    "Engineers from the national railway company said heavy rain had weakened the foundations."
)


def _article(aid: str, text: str, outlet: str, published: str, original_source: str | None = None) -> Article:
    return Article(id=aid, source=f"{aid}.txt", text=text, title=text[:40], outlet=outlet,
                   original_source=original_source, published=published, published_source="metadata")


def _claim(aid: str, n: int, text: str, content: str, speaker: str, polarity: str = "assert",
           points_at: str | None = None) -> Claim:
    start = text.index(content)
    sp = text.index(speaker) if speaker in text else None
    return Claim(id=f"{aid}-c{n}", article_id=aid, start=start, end=start + len(content), content=content,
                 cue="deny" if polarity == "deny" else "say", kind="indirect", direct=False, polarity=polarity,
                 speaker=speaker, speaker_text=speaker, speaker_start=sp,
                 speaker_end=sp + len(speaker) if sp is not None else None,
                 sentence_start=text.rfind(". ", 0, start) + 1, sentence_end=text.find(".", start + len(content)) + 1,
                 points_at=points_at)


def _mentions(aid: str, text: str, names: dict[str, tuple[str, str | None]]) -> tuple[EntityMention, ...]:
    out = []
    for name, (label, key) in names.items():
        i = text.find(name)
        while i >= 0:
            out.append(EntityMention(aid, i, i + len(name), name, label, key))
            i = text.find(name, i + 1)
    return tuple(out)


ENTS = {"Valdoria": ("GPE", "country:valdoria"), "Valdorian": ("NORP", "country:valdoria"),
        "Marren": ("LOC", None), "Ostrava Group": ("ORG", None), "Kestrel": ("GPE", "country:kestrel")}


def _save(store: SQLiteStore, aid: str, text: str, outlet: str, published: str, claims: list[tuple[str, str]],
          denials: list[tuple[str, str, str]] = (), times: tuple[TimeExpr, ...] = (), **kw: str) -> None:
    cs = [_claim(aid, i, text, content, speaker) for i, (content, speaker) in enumerate(claims)]
    cs += [_claim(aid, 100 + i, text, content, speaker, "deny", pointer) for i, (content, speaker, pointer)
           in enumerate(denials)]
    store.save(_article(aid, text, outlet, published, **kw),
               Annotations(aid, entities=_mentions(aid, text, ENTS), claims=tuple(cs), times=times))


@pytest.fixture
def ledger(tmp_path: Path) -> SQLiteStore:
    s = SQLiteStore(tmp_path / "link.db")
    yield s
    s.close()


def _groups(store: SQLiteStore) -> dict[str, dict]:
    return {g["id"]: g for g in store.link_records("claim_groups")}


def _group_of(store: SQLiteStore, claim_id: str) -> str:
    return next(g for g, rec in _groups(store).items() if claim_id in rec["claim_ids"])


def test_minhash_sees_a_light_edit_as_the_same_text() -> None:
    edited = BASE.replace("on Monday", "on Monday evening").replace("heavy rain", "very heavy rain")
    other = "Ostrava Group reported record profits on Tuesday, lifted by strong sales of its trucks abroad."
    assert jaccard(signature(BASE), signature(edited)) >= 0.6
    assert jaccard(signature(BASE), signature(other)) < 0.2


def test_near_copy_is_duplicate_of_its_original_and_adds_no_source(ledger: SQLiteStore) -> None:
    _save(ledger, "a1", BASE, "Valdoria Times", "2024-03-04",
          [("a new bridge over the Marren river collapsed during a storm", "Officials in Valdoria")])
    copy = BASE.replace("on Monday", "on Monday evening") + " Source: Valdoria Times"
    _save(ledger, "a2", copy, "Aggregator Daily", "2024-03-05",
          [("a new bridge over the Marren river collapsed during a storm", "Officials in Valdoria")],
          original_source="Valdoria Times")
    link_store(ledger)
    rels = list(ledger.link_records("relations"))
    dup = [r for r in rels if r["kind"] == "duplicate_of"]
    assert [(r["a"], r["b"]) for r in dup] == [("a2", "a1")]
    g = _groups(ledger)[_group_of(ledger, "a1-c0")]
    assert "a2-c0" in g["claim_ids"]
    # the copy appeared in a second outlet, but it is not another source or origin
    assert g["outlets"] == ["Aggregator Daily", "Valdoria Times"]
    assert g["source_count"] == 1 and len(g["independent_origins"]) == 1


def test_denial_is_never_merged_and_disputes_what_it_points_at(ledger: SQLiteStore) -> None:
    t1 = ("Kestrel accused Valdoria of shelling the border town of Lisk on Sunday. "
          "Valdoria denied the accusations, a spokesman said.")
    _save(ledger, "b1", t1, "Kestrel Post", "2024-05-06", [("Valdoria of shelling the border town of Lisk", "Kestrel")],
          denials=[("the accusations", "Valdoria", "the accusations")])
    link_store(ledger)
    accuse, deny = _group_of(ledger, "b1-c0"), _group_of(ledger, "b1-c100")
    assert accuse != deny
    rels = [r for r in ledger.link_records("relations") if r["kind"] == "contradicts"]
    assert any({r["a"], r["b"]} == {accuse, deny} and r["type"] == "dispute" for r in rels)
    assert "disputed" in _groups(ledger)[accuse]["status"]


def test_second_run_joins_existing_groups_without_recomputing(ledger: SQLiteStore) -> None:
    _save(ledger, "c1", BASE, "Valdoria Times", "2024-03-04",
          [("a new bridge over the Marren river collapsed during a storm", "Officials in Valdoria")])
    first = link_store(ledger)
    assert first.articles == 1
    gid = _group_of(ledger, "c1-c0")
    linked_at = ledger.conn.execute("SELECT linked_at FROM linked_articles WHERE article_id = 'c1'").fetchone()[0]
    text = ("A storm brought down the newly built Marren river bridge in Valdoria, the Ostrava Group "
            "engineering firm said on Tuesday, adding that nobody was hurt.")
    _save(ledger, "c2", text, "Kestrel Post", "2024-03-05",
          [("A storm brought down the newly built Marren river bridge in Valdoria", "Ostrava Group")])
    second = link_store(ledger)
    assert second.articles == 1  # only the new article was read
    assert _group_of(ledger, "c2-c0") == gid
    g = _groups(ledger)[gid]
    assert sorted(g["outlets"]) == ["Kestrel Post", "Valdoria Times"]
    assert "corroborated" in g["status"] and len(g["independent_origins"]) == 2
    again = ledger.conn.execute("SELECT linked_at FROM linked_articles WHERE article_id = 'c1'").fetchone()[0]
    assert again == linked_at
    assert link_store(ledger).articles == 0
    stories = list(ledger.link_records("stories"))
    assert len(stories) == 1 and stories[0]["article_ids"] == ["c1", "c2"]


def test_cross_article_date_resolved_from_the_same_story(ledger: SQLiteStore) -> None:
    t1 = "Officials in Valdoria said the Marren bridge collapsed on March 3, 2024 during a storm."
    t2 = "Officials in Valdoria said the Marren bridge collapsed on March 3 after days of rain."
    d1 = TimeExpr("t1", "d1", t1.index("March 3, 2024"), t1.index("March 3, 2024") + 13, "March 3, 2024", "2024-03-03")
    d2 = TimeExpr("t2", "d2", t2.index("March 3"), t2.index("March 3") + 7, "March 3", None,
                  resolution="year_inferred", reason="month and day without a year")
    _save(ledger, "d1", t1, "Valdoria Times", "2024-03-04", [("the Marren bridge collapsed", "Officials in Valdoria")],
          times=(d1,))
    _save(ledger, "d2", t2, "Kestrel Post", "", [("the Marren bridge collapsed", "Officials in Valdoria")], times=(d2,))
    link_store(ledger)
    t = next(x for x in ledger.times("d2") if x.id == "t2")
    assert (t.value, t.resolved_by, t.reason) == ("2024-03-03", "t1", "month and day without a year")
    events = next(iter(ledger.link_records("stories")))["events"]
    assert any(e["date"] == "2024-03-03" for e in events)


def _real_times(aid: str, text: str, published: str | None) -> tuple[TimeExpr, ...]:
    """Times as the times stage finds them (the link layer re-resolves them against the same parse)."""
    from crosscheck.annotate.nlp import load, parse
    from crosscheck.annotate.times import extract_times

    art = Article(id=aid, source=f"{aid}.txt", text=text, published=published or None)
    return tuple(extract_times(parse(load(), text), art))


def test_undated_copy_takes_its_originals_date_for_relative_expressions(ledger: SQLiteStore) -> None:
    text = ("Officials in Valdoria said on Monday that the Marren bridge collapsed last week during a storm. "
            "Engineers from the Ostrava Group said heavy rain had weakened the foundations a month ago.")
    copy = text.replace("heavy rain", "very heavy rain") + " Source: Valdoria Times"
    claims = [("the Marren bridge collapsed last week during a storm", "Officials in Valdoria")]
    _save(ledger, "e1", text, "Valdoria Times", "2024-06-12", claims, times=_real_times("e1", text, "2024-06-12"))
    _save(ledger, "e2", copy, "Aggregator Daily", "", claims, times=_real_times("e2", copy, None))
    before = {t.text: t for t in ledger.times("e2")}
    assert before["last week"].value is None and before["last week"].reason
    link_store(ledger)
    orig = {t.text: t.value for t in ledger.times("e1")}
    got = {t.text: t for t in ledger.times("e2")}
    for expr in ("Monday", "last week", "a month ago"):
        t = got[expr]
        assert t.value == orig[expr] and t.resolution == "cross_article"
        assert t.resolved_by is not None and "e1" in t.resolved_by
        assert t.reason == before[expr].reason  # what the article itself lacked stays on record
    assert not ledger.article("e2").published  # the articles table says what the article says
    assert ledger.link_state("references")["e2"]["date"] == "2024-06-12"
    link_store(ledger)  # nothing new: nothing changes
    assert {t.text: t.value for t in ledger.times("e2")} == {k: v.value for k, v in got.items()}


def test_undated_article_without_evidence_keeps_null_dates(ledger: SQLiteStore) -> None:
    text = "Officials in Valdoria said on Tuesday that the Marren bridge would reopen next month."
    _save(ledger, "f1", text, "Kestrel Post", "", [("the Marren bridge would reopen next month", "Officials in Valdoria")],
          times=_real_times("f1", text, None))
    link_store(ledger)
    assert all(t.value is None and t.resolution != "cross_article" for t in ledger.times("f1"))
    assert "f1" not in (ledger.link_state("references") or {})


def test_paraphrases_group_and_different_propositions_stay_apart(ledger: SQLiteStore) -> None:
    t1 = ("Kestrel said on Monday that the drones which hit the Marren dam were launched from a military airfield "
          "inside Valdoria. Officials in Valdoria said rescuers had evacuated the villages below the dam.")
    t2 = ("The Kestrel foreign minister told reporters that the drones took off from an airbase in Valdoria. "
          "Residents said four drones were shot down over the Marren valley before dawn.")
    _save(ledger, "g1", t1, "Valdoria Times", "2024-05-06",
          [("the drones which hit the Marren dam were launched from a military airfield inside Valdoria", "Kestrel"),
           ("rescuers had evacuated the villages below the dam", "Officials in Valdoria")])
    _save(ledger, "g2", t2, "Kestrel Post", "2024-05-07",
          [("the drones took off from an airbase in Valdoria", "The Kestrel foreign minister"),
           ("four drones were shot down over the Marren valley before dawn", "Residents")])
    link_store(ledger)
    assert _group_of(ledger, "g1-c0") == _group_of(ledger, "g2-c0")  # launched ~ took off, airfield ~ airbase
    assert len({_group_of(ledger, c) for c in ("g1-c0", "g1-c1", "g2-c1")}) == 3


def test_one_figure_of_one_thing_groups_and_a_figure_of_another_does_not(ledger: SQLiteStore) -> None:
    from crosscheck.model import Quantity

    def save(aid: str, text: str, content: str, speaker: str, figure: str, value: float, unit: str) -> None:
        c = _claim(aid, 0, text, content, speaker)
        i = text.index(figure)
        q = Quantity(f"{aid}:q", aid, i, i + len(figure), figure, value, unit=unit, claim_id=c.id)
        ledger.save(_article(aid, text, "Outlet " + aid, "2024-03-05"),
                    Annotations(aid, entities=_mentions(aid, text, ENTS), claims=(c,), quantities=(q,)))

    save("h1", "The Valdorian ministry said 23 people had died in the Marren floods.",
         "23 people had died in the Marren floods", "The Valdorian ministry", "23", 23, "people")
    save("h2", 'The Valdorian envoy said: "Twenty-three of my fellow citizens are dead. We ask for help."',
         '"Twenty-three of my fellow citizens are dead. We ask for help."', "The Valdorian envoy", "Twenty-three", 23,
         "citizens")
    save("h3", "Rescuers in Valdoria said 23 people were still missing after the Marren floods.",
         "23 people were still missing after the Marren floods", "Rescuers in Valdoria", "23", 23, "people")
    link_store(ledger)
    assert _group_of(ledger, "h1-c0") == _group_of(ledger, "h2-c0")  # digits and words, dead and died
    assert _group_of(ledger, "h3-c0") != _group_of(ledger, "h1-c0")  # the same number, another state


def test_story_clusterer_and_helpers() -> None:
    sc = StoryClusterer()
    a = sc.add("x", {"country:valdoria": 3, "place:marren": 2})
    b = sc.add("y", {"country:valdoria": 1, "place:marren": 1})
    c = sc.add("z", {"org:ostrava-group": 2, "place:brno": 1})
    assert a == b != c
    assert month_day("Dec. 30") == (12, 30) and month_day("Dec. 30, 2023") is None
    assert relation_id("contradicts", "dispute", "g1", "g2") == relation_id("contradicts", "dispute", "g2", "g1")
    assert json.loads(json.dumps(month_day("30 January"))) == [1, 30]


# --- the demo corpus (written for crosscheck, in the repo): syndication, revisions, conflicts ---------------

DEMO = Path(__file__).resolve().parents[1] / "src" / "crosscheck" / "data" / "demo"


def _demo_inputs() -> list[str]:
    return sorted(str(p) for p in (DEMO / "articles").iterdir() if p.suffix in {".txt", ".html", ".jsonl"})


def _analyze(store: SQLiteStore, paths: list[str]) -> None:
    from crosscheck.engines.local import LocalEngine
    from crosscheck.pipeline import analyze

    analyze(paths, store, engine=LocalEngine(workers=1))


def _link_view(store: SQLiteStore) -> dict[str, object]:
    """What linking decided, without ids that name the run's first article or timestamps."""
    groups = sorted(sorted(g["claim_ids"]) for g in store.link_records("claim_groups"))
    origins = sorted((sorted(g["claim_ids"]), g["independent_origins"], g["status"], g["outlets"])
                     for g in store.link_records("claim_groups"))
    stories = sorted(sorted(s["article_ids"]) for s in store.link_records("stories"))
    member = {c: tuple(sorted(g["claim_ids"])) for g in store.link_records("claim_groups") for c in g["claim_ids"]}
    by_gid = {g["id"]: tuple(sorted(g["claim_ids"])) for g in store.link_records("claim_groups")}
    rels = sorted((r["kind"], r["type"] or "", *sorted((str(by_gid.get(r["a"], r["a"])), str(by_gid.get(r["b"], r["b"])))))
                  for r in store.link_records("relations"))
    times = sorted((t.id, t.value, t.resolved_by) for t in store.times())
    return {"groups": groups, "origins": origins, "stories": stories, "relations": rels, "times": times,
            "members": len(member)}


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory: pytest.TempPathFactory) -> SQLiteStore:
    s = SQLiteStore(tmp_path_factory.mktemp("demo") / "demo.db")
    _analyze(s, _demo_inputs())
    link_store(s)
    yield s
    s.close()


def _doc_ids(store: SQLiteStore) -> dict[str, str]:
    """Demo doc key (file stem, or the last URL segment of a wire record) -> article id."""
    out = {}
    for a in store.articles():
        src = a.source.rstrip("/")
        key = src.rsplit("/", 1)[-1]
        out[key.rsplit(".", 1)[0] if "." in key and "#" not in key else key] = a.id
    return out


def test_demo_syndicated_copy_revision_and_number_conflict_come_out(demo_ledger: SQLiteStore) -> None:
    gold = json.loads((DEMO / "demo.gold.json").read_text(encoding="utf-8"))
    ids = _doc_ids(demo_ledger)
    rels = list(demo_ledger.link_records("relations"))
    dups = {frozenset((r["a"], r["b"])) for r in rels if r["kind"] == "duplicate_of"}
    for d in gold["duplicates"]:
        assert frozenset((ids[d["a"]], ids[d["b"]])) in dups, d["why"]
    # the typed contradictions between figures: the revised figure (update) and the number conflict
    claims = list(demo_ledger.claims())
    group_of = {c: g["id"] for g in demo_ledger.link_records("claim_groups") for c in g["claim_ids"]}
    typed = {(frozenset((r["a"], r["b"])), r["type"]) for r in rels if r["kind"] == "contradicts"}
    gc = {c["id"]: c for c in gold["claims"]}

    def groups_of(cid: str) -> set[str]:
        c = gc[cid]
        anchor = " ".join(c["anchor"].lower().split())
        return {group_of[p.id] for p in claims if p.article_id == ids[c["doc"]]
                and anchor in " ".join(p.content.lower().replace("’", "'").split()) and p.id in group_of}

    wanted = [lk for lk in gold["links"] if lk.get("type") in ("update", "factual_conflict")]
    assert wanted
    for lk in wanted:
        assert any((frozenset((x, y)), lk["type"]) in typed for x in groups_of(lk["a"]) for y in groups_of(lk["b"])), lk["why"]


def test_demo_outlets_never_show_internal_keys(demo_ledger: SQLiteStore) -> None:
    for g in demo_ledger.link_records("claim_groups"):
        assert not any(o.startswith(("source:", "article:")) for o in g["outlets"])
        assert g["outlet_count"] >= len(g["outlets"])


def test_linking_twice_changes_nothing_and_is_deterministic(demo_ledger: SQLiteStore, tmp_path: Path) -> None:
    before = _link_view(demo_ledger)
    assert link_store(demo_ledger).articles == 0
    assert _link_view(demo_ledger) == before
    again = SQLiteStore(tmp_path / "again.db")
    _analyze(again, _demo_inputs())
    link_store(again)
    assert _link_view(again) == before
    again.close()


def test_incremental_linking_gives_what_one_run_gives(demo_ledger: SQLiteStore, tmp_path: Path) -> None:
    inputs = _demo_inputs()
    inc = SQLiteStore(tmp_path / "inc.db")
    _analyze(inc, inputs[:5])
    link_store(inc)
    _analyze(inc, inputs[5:])
    assert link_store(inc).articles == len(list(inc.articles())) - 5
    assert _link_view(inc) == _link_view(demo_ledger)
    inc.close()


def test_preparing_in_a_worker_links_exactly_as_inline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Claim vectors and signatures computed ahead (by a worker process, and the linker's own share of
    the chunks) give the same ledger as inline."""
    import shutil
    from importlib import resources

    from crosscheck.export import write_json
    from crosscheck.pipeline import analyze

    corpus = Path(str(resources.files("crosscheck.data").joinpath("demo/articles")))
    with SQLiteStore(tmp_path / "a.db") as s:
        analyze([str(corpus)], s)
    shutil.copy(tmp_path / "a.db", tmp_path / "b.db")
    with SQLiteStore(tmp_path / "b.db") as s:
        ids = s.unlinked_article_ids()
    # small chunks, one in four prepared by the linker's process (as on two cores), whatever this machine has
    monkeypatch.setattr(prepare, "CHUNK", 2)
    monkeypatch.setattr(prepare, "LINKER_SHARE", 4)
    here: list[str] = []
    call = prepare._Here.__call__

    def spy(self: prepare._Here, chunk: list[str]) -> list[prepare.Prepared | None]:
        here.extend(chunk)
        return call(self, chunk)

    monkeypatch.setattr(prepare._Here, "__call__", spy)
    got = list(prepare.ahead(str(tmp_path / "b.db"), ids, at_least=1))
    assert [aid for aid, _ in got] == ids
    assert all(p is not None and p.article_id == aid and len(p.vecs) == len(p.sigs) for aid, p in got)  # prepared ahead
    assert here == ids[6:8]  # the fourth chunk: the linker's; the others the worker's
    exports = []
    for name, how in (("a.db", False), ("b.db", "always")):
        with SQLiteStore(tmp_path / name) as s:
            summary = link_store(s, prepare_ahead=how)
            assert summary.articles == 12
            out = tmp_path / f"{name}.json"
            with out.open("w", encoding="utf-8") as fh:
                write_json(s, fh)
        exports.append(json.loads(out.read_text(encoding="utf-8")))
    inline, ahead = exports
    assert ahead["claim_groups"] == inline["claim_groups"]
    assert ahead["relations"] == inline["relations"]
    assert ahead["stories"] == inline["stories"]
    assert len(inline["relations"]) > 0


def test_a_run_stopped_before_its_end_pass_is_completed_by_the_next(tmp_path: Path) -> None:
    """Linking stopped after some articles (no end-of-run pass, facts only in memory): the next run
    learns those articles' facts again and finishes their groups; the ledger is as if never stopped."""
    import shutil
    from importlib import resources

    from crosscheck.export import write_json
    from crosscheck.link.linker import ArticleLinker
    from crosscheck.pipeline import analyze

    corpus = Path(str(resources.files("crosscheck.data").joinpath("demo/articles")))
    with SQLiteStore(tmp_path / "a.db") as s:
        analyze([str(corpus)], s)
    shutil.copy(tmp_path / "a.db", tmp_path / "b.db")

    def export(name: str) -> dict[str, object]:
        with SQLiteStore(tmp_path / name) as s, (tmp_path / f"{name}.json").open("w", encoding="utf-8") as fh:
            write_json(s, fh)
        return json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    with SQLiteStore(tmp_path / "a.db") as s:
        link_store(s)
    with SQLiteStore(tmp_path / "b.db") as s:
        ids = s.unlinked_article_ids()
        stopped = ArticleLinker(s)
        for aid in ids[:7]:
            stopped.link_article(aid)  # ... and the process dies here: no finish()
        assert s.conn.execute("SELECT count(*) FROM link_pending WHERE kind = 'article'").fetchone()[0] == 7
        assert s.link_state("facts") is None
    with SQLiteStore(tmp_path / "b.db") as s:
        assert link_store(s).articles == 5
        assert s.conn.execute("SELECT count(*) FROM link_pending").fetchone()[0] == 0
    whole, resumed = export("a.db"), export("b.db")
    for kind in ("stories", "claim_groups", "relations"):
        assert resumed[kind] == whole[kind], kind
    assert all(g["outlets"] for g in resumed["claim_groups"])  # type: ignore[index]


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.from_regex(r"[a-z]{1,4}|[0-9]{1,2}|[a-z]{1,3}[0-9]", fullmatch=True), min_size=1, max_size=12),
       phrases=st.lists(st.lists(st.from_regex(r"[a-z]{1,4}", fullmatch=True), min_size=1, max_size=3),
                        min_size=1, max_size=6))
def test_phrase_tables_find_what_the_word_boundary_patterns_found(words: list[str], phrases: list[list[str]]) -> None:
    """The n-gram phrase tables replaced one regex per known place: same phrases found, same places."""
    import re

    from crosscheck.link.entities import Phrases

    text = " ".join(words)
    table = [" ".join(p) for p in phrases]
    for letters, edge in ((True, "a-z"), (False, "a-z0-9")):
        found = Phrases(((p, None) for p in table), letters=letters).find(text)
        want = {(m.start(), p) for p in set(table)
                for m in re.finditer(rf"(?<![{edge}])(?={re.escape(p)}(?![{edge}]))", text)}
        assert {(lo, p) for lo, _, p in found} == want


def test_a_vector_does_not_depend_on_the_batch_it_was_embedded_in() -> None:
    """The preparing workers batch texts across articles and cache them by text: exact only if this holds."""
    import numpy as np

    from crosscheck.link.embed import Embedder

    texts = ["The ministry said the bridge was closed.", "Officials", "A much longer sentence about the storm that "
             "damaged the dam near the border town on Tuesday night, according to the regional governor.", "", "No."]
    emb = Embedder(threads=1)
    together = emb.encode(texts, batch_size=16)
    alone = np.vstack([emb.encode([t]) for t in texts])
    assert np.array_equal(together, alone)


def test_group_blocking_keys_are_counted_inside_their_story(tmp_path: Path) -> None:
    """A key common in one story (over the cap there) still blocks in another story where it is rare."""
    from crosscheck.config import DEFAULTS

    KEY_CAP = DEFAULTS.link.groups.key_cap

    with SQLiteStore(tmp_path / "l.db") as s:
        with s.transaction() as cur:
            for i in range(KEY_CAP + 1):
                s.add_group_keys(cur, "story-a", "assert", f"ga{i:04d}", ["w:said", f"w:only{i}"])
            s.add_group_keys(cur, "story-b", "assert", "gb", ["w:said"])
            s.add_group_keys(cur, "story-b", "deny", "gd", ["w:said"])
        assert s.groups_for_keys("story-b", "assert", ["w:said"], cap=KEY_CAP) == ["gb"]
        assert s.groups_for_keys("story-a", "assert", ["w:said"], cap=KEY_CAP) == []  # too common there
        assert s.groups_for_keys("story-a", "assert", ["w:said", "w:only7"], cap=KEY_CAP) == ["ga0007"]
        ranked = s.groups_for_keys("story-a", "assert", ["w:only3", "w:only5"], cap=KEY_CAP, limit=1)
        assert ranked == ["ga0003"]  # ties by id


def test_a_script_without_a_main_guard_still_links_once(tmp_path: Path) -> None:
    """Spawned workers re-run an unguarded script: they must not link the ledger beside the parent."""
    import shutil
    import subprocess
    import sys
    from importlib import resources

    from crosscheck.pipeline import analyze

    corpus = Path(str(resources.files("crosscheck.data").joinpath("demo/articles")))
    with SQLiteStore(tmp_path / "a.db") as s:
        analyze([str(corpus)], s)
    shutil.copy(tmp_path / "a.db", tmp_path / "b.db")
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from crosscheck.link import link_store\nfrom crosscheck.store.sqlite import SQLiteStore\n"
        f"with SQLiteStore({str(tmp_path / 'b.db')!r}) as s:\n"
        "    print('LINKED', link_store(s, prepare_ahead='always').articles)\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.count("LINKED") == 1 and "LINKED 12" in run.stdout
    assert "[E203]" in run.stderr and "__main__" in run.stderr  # the worker refused, and says how to fix it
    with SQLiteStore(tmp_path / "b.db") as s:
        assert s.conn.execute("SELECT count(*) FROM linked_articles").fetchone()[0] == 12


def test_conflict_types_keep_events_apart() -> None:
    """An update is one origin revising a figure; one origin naming two days names two events (issue 10)."""
    from crosscheck.link import relations

    assert relations.conflict_type("White House", "White House", "date") is None
    assert relations.conflict_type("White House", "White House", "number") == "update"
    assert relations.conflict_type("White House", "Kremlin", "date") == "factual_conflict"
    assert relations.conflict_type("Arvenia", "Riverwatch", "number") == "factual_conflict"


def test_shared_entities_alone_do_not_join_stories() -> None:
    """Articles sharing only ubiquitous names ("the United States", a president) but saying unrelated
    things stay apart; the same entities with close content join (issue 10, stories kept apart)."""
    import numpy as np

    from crosscheck.link import stories

    us = {"country:united-states": 3, "person:the-president": 2}
    tariffs, storm = np.zeros(8, dtype=np.float32), np.zeros(8, dtype=np.float32)
    tariffs[0], storm[1] = 1.0, 1.0
    near = np.array([0.9, 0.1, 0, 0, 0, 0, 0, 0], dtype=np.float32)
    near /= np.linalg.norm(near)
    sc = stories.StoryClusterer()
    a = sc.add("a", us | {"name:steel": 1}, tariffs)
    b = sc.add("b", us | {"name:hurricane": 1}, storm)
    c = sc.add("c", us | {"name:steel": 1}, near)
    assert a != b and c == a
    # without content vectors, entities decide as before
    sc2 = stories.StoryClusterer()
    assert sc2.add("a", us | {"name:steel": 1}) == sc2.add("b", us | {"name:hurricane": 1})


def test_dating_the_story_leaves_the_annotations_as_they_were(tmp_path: Path) -> None:
    """Issue 11: the story-level dating pass records its resolutions (time_resolutions, with the
    pass and evidence) instead of overwriting the annotate stage's times rows; the export reads
    the resolved values as before."""
    from crosscheck.export import iter_kind
    from crosscheck.pipeline import analyze

    seeds = need_shared("corpus", "seeds")
    with SQLiteStore(tmp_path / "l.db") as s:
        analyze([str(seeds)], s)
        before = [tuple(r) for r in s.conn.execute("SELECT * FROM times ORDER BY rowid")]
        link_store(s)
        after = [tuple(r) for r in s.conn.execute("SELECT * FROM times ORDER BY rowid")]
        assert after == before  # annotation's output is final
        res = {r["time_id"]: r for r in s.conn.execute("SELECT * FROM time_resolutions")}
        assert res, "the seeds have month-day dates that only another article's year resolves"
        assert {r["pass"] for r in res.values()} <= {"story_dates", "reference_date"}
        exported = {t["id"]: t for t in iter_kind(s, "times")}
        for tid, r in res.items():
            assert exported[tid]["value"] == r["value"] and exported[tid]["resolution"] == "cross_article"
            assert r["resolved_by"]


ST = stories.DEFAULTS.link.stories


def _unit(*xs: float) -> np.ndarray:
    v = np.array([*xs, *([0.0] * (8 - len(xs)))], dtype=np.float32)
    return v / np.linalg.norm(v)


def test_a_story_is_judged_by_its_members_not_by_what_it_has_accumulated() -> None:
    """Issue 10: a story whose articles came on two topics (a rapper and a volunteer, both in one
    war) holds both in its summed profile and centroid; an article on a third topic that shares
    the war's entities and lies between the two in content matched that sum (the rule before).
    The story has drifted (its members disagree: coherence under COHERENT), the article is close
    to no member, so it opens its own story; an article close to the rapper's members still joins."""
    war = {"organisation:islamic-state": 3, "country:syria": 2}
    rapper, volunteer, hostage = _unit(1, 0.1), _unit(0.1, 1), _unit(0.32, 0.32, 0.8916)
    sc = stories.StoryClusterer()
    s = sc.add("r1", war | {"person:rapper": 3}, rapper)
    assert sc.add("r2", war | {"person:rapper": 2}, rapper) == s
    for n in (3, 2):  # two volunteer articles joined by mistake, as the summed profile let them
        prof = stories.profile(war | {"person:volunteer": n})
        sc.profiles[s].append((prof, volunteer))
        sc.vectors[s] = sc.vectors[s] + volunteer
        for k, w in prof.items():
            sc.keys[s][k] = sc.keys[s].get(k, 0.0) + w
    counts = {"organisation:islamic-state": 1, "country:syria": 1, "person:hostage": 3}
    df, n = sc.df + Counter(stories.profile(counts).keys()), sc.n + 1
    old = stories.similarity(stories.profile(counts), sc.keys[s], lambda k: stories.idf(df[k], n))
    assert ST.join <= old < ST.strong and stories.content_agrees(hostage, sc.vectors[s], old)  # joined before
    assert stories.coherence(sc.profiles[s]) < ST.coherent
    assert sc.add("h1", counts, hostage) != s
    assert sc.add("r3", war | {"person:rapper": 1}, _unit(1, 0.25)) == s


def test_member_score_needs_enough_close_members() -> None:
    """One close member of one or two suffices, two of three or more; a member is close only at
    MEMBER_CONTENT, even with the same entities (a STRONG profile is the story-level fallback's
    case, not a member's); a missing vector agrees."""
    prof = stories.profile({"name:a": 2, "name:b": 1})

    def weight(k: str) -> float:
        return 1.0

    v, far = _unit(1), _unit(0, 1)
    close, other = (prof, v), (stories.profile({"name:z": 1}), v)
    assert stories.member_score(prof, v, [close], weight) is not None
    assert stories.member_score(prof, v, [close, other], weight) is not None
    assert stories.member_score(prof, v, [close, other, other], weight) is None
    assert stories.member_score(prof, v, [close, close, other], weight) is not None
    assert stories.member_score(prof, far, [close], weight) is None  # content 0: below even the floor
    half = _unit(1, 3.2)  # cosine about 0.30 with v: under MEMBER_CONTENT, over CONTENT_FLOOR
    assert ST.content_floor <= float(half @ v) < ST.member_content
    assert stories.member_score(prof, half, [close], weight) is None  # the same entities, far content
    assert stories.strong_fallback(["s"], {"s": 1.0}, half, {"s": v}.get, ST) == "s"  # the story still takes it
    assert stories.strong_fallback(["s"], {"s": ST.strong - 0.01}, half, {"s": v}.get, ST) is None
    assert stories.member_score(prof, None, [close], weight) is not None
    assert stories.member_score(prof, v, [], weight) is None


def test_the_ledger_records_story_members_and_joins_by_them(store: SQLiteStore) -> None:
    """On both backends, the store keeps each member's profile and vector (story_members, in link
    order) and the chooser reads the last ones; a ledger's second run continues from them."""
    ledger = store
    t1 = ("Kestrel said on Monday that the drones which hit the Marren dam were launched from a military airfield "
          "inside Valdoria.")
    t2 = "The Kestrel foreign minister told reporters that the drones which hit the Marren dam took off in Valdoria."
    _save(ledger, "m1", t1, "Valdoria Times", "2024-05-06",
          [("the drones which hit the Marren dam were launched from a military airfield inside Valdoria", "Kestrel")])
    link_store(ledger)
    _save(ledger, "m2", t2, "Kestrel Post", "2024-05-07",
          [("the drones which hit the Marren dam took off in Valdoria", "The Kestrel foreign minister")])
    link_store(ledger)
    rows = ledger.conn.execute("SELECT article_id, story_id, seq, vec FROM story_members ORDER BY seq").fetchall()
    assert [(r[0], r[2]) for r in rows] == [("m1", 1), ("m2", 2)] and rows[0][1] == rows[1][1]
    members = ledger.story_members([rows[0][1]], 1)[rows[0][1]]
    assert len(members) == 1 and members[0][1] is not None and members[0][1].shape == (384,)
    assert members[0][0] and all(w >= 1.0 for w in members[0][0].values())  # a profile: 1 + log(count)


def test_young_and_coherent_stories_are_also_judged_by_their_profile() -> None:
    """A story of fewer than YOUNG members, or one whose members agree (coherence at least
    COHERENT), takes an article its members do not hold when its profile (at least JOIN) and its
    centroid agree; the same story with drifted members does not."""
    prof = stories.profile({"name:a": 2, "name:b": 1})
    other = stories.profile({"name:a": 1, "name:w": 3, "name:x": 3, "name:y": 3, "name:z": 3})

    def weight(k: str) -> float:
        return 1.0

    score = stories.similarity(prof, other, weight)
    assert ST.join <= score < ST.member_entity  # the profiles meet, but no member is close
    v = _unit(1)
    assert stories.member_score(prof, v, [(other, v)], weight) is None
    young = [(other, v)] * (ST.young - 1)
    assert stories.judge(prof, v, young, score, sum(m[1] for m in young), weight) == score
    tight = [(other, _unit(1)), (other, _unit(1, 0.05)), (other, _unit(1, -0.05))]
    assert len(tight) >= ST.young and stories.coherence(tight) >= ST.coherent
    assert stories.judge(prof, v, tight, score, sum(m[1] for m in tight), weight) == score
    drifted = [(other, _unit(1)), (other, _unit(0, 1)), (other, _unit(0, 0, 1))]
    assert stories.coherence(drifted) < ST.coherent
    assert stories.judge(prof, v, drifted, score, sum(m[1] for m in drifted), weight) is None
    far = _unit(0, 0, 0, 1)  # a young story whose content disagrees
    assert stories.judge(prof, far, young, score, sum(m[1] for m in young), weight) is None
    assert stories.coherence([]) == 0.0 and stories.coherence([(other, None)]) == 0.0
