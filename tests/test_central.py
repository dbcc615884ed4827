"""Central claims and article stances (link/central.py): hand-built records, then the demo end to end."""

from __future__ import annotations

from typing import Any

from crosscheck.link import central


def claim(cid: str, article: str, content: str = "Drones hit the dam", **kw: Any) -> dict[str, Any]:
    return {"id": cid, "article_id": article, "content": content, "polarity": "assert", "hedged": False, **kw}


def group(gid: str, members: list[str], story: str = "s1", **kw: Any) -> dict[str, Any]:
    return {"id": gid, "claim_ids": members, "story_id": story, "polarity": "assert", "outlets": [],
            "independent_origins": [], "first_seen": None, **kw}


def dispute(a: str, b: str, kind: str = "dispute") -> dict[str, Any]:
    return {"id": f"r{a}{b}", "kind": "contradicts", "type": kind, "a": a, "b": b}


def test_claim_stance_reads_the_field_then_polarity_and_hedging() -> None:
    assert central.claim_stance(claim("c", "A")) == "asserts"
    assert central.claim_stance(claim("c", "A", hedged=True)) == "reports"
    assert central.claim_stance(claim("c", "A", polarity="deny")) == "denies"
    assert central.claim_stance(claim("c", "A", polarity="deny", hedged=True)) == "denies"
    assert central.claim_stance(claim("c", "A", stance="contests", polarity="deny")) == "contests"
    assert central.claim_stance(claim("c", "A", stance="non_denial")) == "non_denial"
    assert central.claim_stance(claim("c", "A", stance="asserts", hedged=True)) == "reports"
    assert central.claim_stance(claim("c", "A", stance="bogus", polarity="deny")) == "denies"


def test_an_assertion_relayed_at_a_distance_is_reported() -> None:
    # "according to officials", "the newspaper reported", "police claimed": relayed, not endorsed
    for cue in ("according to", "as reported by", "report", "claim", "allege", "appear"):
        assert central.claim_stance(claim("c", "A", cue=cue)) == "reports", cue
        assert central.claim_stance(claim("c", "A", cue=cue, stance="asserts")) == "reports", cue
    for cue in ("say", "tell", "confirm", "announce"):
        assert central.claim_stance(claim("c", "A", cue=cue)) == "asserts", cue
    # a denial keeps its stance whatever its cue
    assert central.claim_stance(claim("c", "A", cue="report", polarity="deny")) == "denies"
    # the article's stance: one plainly stated claim among relayed ones asserts
    claims = [claim("a1", "A", cue="according to"), claim("a2", "A", cue="say"), claim("b1", "B", cue="report")]
    led = central.index([group("G1", ["a1", "a2", "b1"])], claims, [])
    assert {s["article_id"]: s["stance"] for s in central.article_stances(led, "G1")} == {"A": "asserts", "B": "reports"}


def _ledger() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    claims = [
        claim("a1", "A"),                                   # plain: asserts
        claim("b1", "B"), claim("b2", "B", polarity="deny"),  # both sides in one article: reports
        claim("h1", "H", hedged=True),                      # "reportedly": reports
        claim("c1", "C", polarity="deny"),                  # denies
        claim("d1", "D", polarity="deny", stance="contests"),
        claim("e1", "E", polarity="deny", stance="non_denial"),
        claim("f1", "F", polarity="deny"),                  # a member that denies
        claim("x1", "X", content="Eleven drones took part"),  # a factual conflict is no denial
        claim("y1", "Y", content="The toll rose to 23, and"),
    ]
    groups = [
        group("G1", ["a1", "b1", "h1", "f1"], outlets=["o1", "o2"], independent_origins=["Estoria", "Arvenia"]),
        group("G2", ["b2", "c1", "d1", "e1"], polarity="deny", outlets=["o1", "o2", "o3"]),
        group("G3", ["x1"]),
        group("G4", ["y1"], story="s2"),
    ]
    relations = [dispute("G2", "G1"), dispute("G3", "G1", kind="factual_conflict")]
    return claims, groups, relations


def test_article_stances_toward_a_group() -> None:
    claims, groups, relations = _ledger()
    led = central.index(groups, claims, relations)
    got = {s["article_id"]: s["stance"] for s in central.article_stances(led, "G1")}
    assert got == {"A": "asserts", "B": "reports", "H": "reports", "C": "denies", "D": "contests",
                   "E": "non_denial", "F": "denies"}
    carried = {s["article_id"]: s["claim_ids"] for s in central.article_stances(led, "G1")}
    assert carried["B"] == ["b1", "b2"]
    # seen from the denial group, the accusation disputes it
    back = {s["article_id"]: s["stance"] for s in central.article_stances(led, "G2")}
    assert back["A"] == "denies" and back["C"] == "denies"
    assert central.article_stances(led, "nope") == []


def test_a_dispute_between_lone_claims_counts_too() -> None:
    claims = [claim("a1", "A"), claim("z1", "Z", polarity="deny")]
    led = central.index([group("G1", ["a1"])], claims, [dispute("z1", "a1")])
    assert {s["article_id"]: s["stance"] for s in central.article_stances(led, "G1")} == {"A": "asserts"}
    led = central.index([group("G1", ["a1"]), group("G9", ["z1"], polarity="deny")], claims, [dispute("z1", "a1")])
    assert {s["article_id"]: s["stance"] for s in central.article_stances(led, "G1")} == {"A": "asserts", "Z": "denies"}


def test_central_claims_rank_assertions_by_reach() -> None:
    claims, groups, relations = _ledger()
    stories = [{"id": "s1", "title": "t", "article_ids": [], "events": []},
               {"id": "s2", "title": "u", "article_ids": [], "events": []},
               {"id": "s3", "title": "v", "article_ids": [], "events": []}]
    out, groups_out = central.annotate(stories, groups, claims, relations)
    s1 = out[0]["central_claims"]
    assert [c["group_id"] for c in s1] == ["G1", "G3"]  # the denial group is a stance, never central
    assert s1[0]["weight"] == 7 + 2 + 2 and s1[0]["article_stances"] == next(
        g["article_stances"] for g in groups_out if g["id"] == "G1")
    assert s1[0]["label"] == "Drones hit the dam"
    assert out[1]["central_claims"][0]["label"] == "The toll rose to 23"  # trimmed to a whole clause
    assert out[2]["central_claims"] == []
    assert all("article_stances" in g for g in groups_out)


def test_at_most_three_central_claims_and_the_groups_own_label_wins() -> None:
    claims = [claim(f"c{i}", f"A{i}", content=f"claim number {i} of the story") for i in range(6)]
    groups = [group(f"G{i}", [f"c{i}"], outlets=["o"] * i, label=f"Label {i}.") for i in range(6)]
    led = central.index(groups, claims, [])
    got = central.central_claims(led, "s1")
    assert [c["group_id"] for c in got] == ["G5", "G4", "G3"]
    assert got[0]["label"] == "Label 5."


def test_a_story_of_denials_only_still_has_a_central_claim() -> None:
    claims = [claim("c1", "A", polarity="deny", content="Koltsa denies any role in the strike")]
    led = central.index([group("G1", ["c1"], polarity="deny")], claims, [])
    assert [c["group_id"] for c in central.central_claims(led, "s1")] == ["G1"]


# ---------------------------------------------------------------------------------------------
# the demo corpus end to end


def test_demo_export_carries_central_claims_and_stances(demo_export: dict[str, Any]) -> None:
    groups = {g["id"]: g for g in demo_export["claim_groups"]}
    claims = {c["id"]: c for c in demo_export["claims"]}
    outlet = {a["id"]: a["outlet"] for a in demo_export["articles"]}
    (story,) = demo_export["stories"]
    cc = story["central_claims"]
    assert 1 <= len(cc) <= central.MAX_CENTRAL
    assert [c["weight"] for c in cc] == sorted((c["weight"] for c in cc), reverse=True)
    for c in cc:
        assert c["group_id"] in groups and c["label"]
        assert c["article_stances"] == groups[c["group_id"]]["article_stances"]
        for s in c["article_stances"]:
            assert s["article_id"] in story["article_ids"]
            assert all(claims[cid]["article_id"] == s["article_id"] for cid in s["claim_ids"])
    # the story's claim is Dravonia's part in the strike: Koltsa Today only ever denies it, and
    # some outlet outside Dravonia carries it without a denial
    top = cc[0]["article_stances"]
    assert {s["stance"] for s in top if outlet[s["article_id"]] == "Koltsa Today"} == {"denies"}
    assert any(s["stance"] in ("asserts", "reports") and outlet[s["article_id"]] != "Koltsa Today" for s in top)


def test_export_stances_are_what_the_pure_functions_give(demo_export: dict[str, Any]) -> None:
    strip = lambda recs, key: [{k: v for k, v in r.items() if k != key} for r in recs]  # noqa: E731
    stories, groups = central.annotate(strip(demo_export["stories"], "central_claims"),
                                       strip(demo_export["claim_groups"], "article_stances"),
                                       demo_export["claims"], demo_export["relations"])
    assert stories == demo_export["stories"]
    assert groups == demo_export["claim_groups"]


def test_judged_by_model_reads_every_story_article() -> None:
    cc = {"s1": [{"group_id": "G1", "label": "Drones hit the dam", "weight": 3,
                  "article_stances": [{"article_id": "A", "stance": "asserts", "claim_ids": ["a1"]}]}]}
    verdict = {"yes": "agree", "no": "disagree", "maybe": "discuss", "other": "unrelated"}
    seen: list[tuple[str, str]] = []

    def judge(pairs: Any) -> list[str]:
        seen.extend(pairs)
        return [verdict[text] for _, text in pairs]

    texts = {"A": "no", "B": "yes", "C": "maybe", "D": "other"}
    out = central.judged_by_model(cc, {"s1": ["A", "B", "C", "D", "E"]}, texts, judge)
    assert len(seen) == 4 and all(label == "Drones hit the dam" for label, _ in seen)  # E has no text
    st = out["s1"][0]["article_stances"]
    assert [(s["article_id"], s["stance"]) for s in st] == [("A", "denies"), ("B", "asserts"), ("C", "reports")]
    assert st[0]["claim_ids"] == ["a1"] and st[1]["claim_ids"] == [] and {s["decided_by"] for s in st} == {"model"}
    assert out["s1"][0]["label"] == "Drones hit the dam" and central.judged_by_model({}, {}, {}, judge) == {}


def test_the_stance_model_export_is_schema_valid_and_judges_the_whole_story(tmp_path: Any) -> None:
    import json
    from importlib import resources
    from pathlib import Path

    import jsonschema

    from crosscheck.export import write_json
    from crosscheck.pipeline import analyze_and_link
    from crosscheck.store import open_store

    corpus = Path(str(resources.files("crosscheck.data").joinpath("demo/articles")))
    schema = json.loads(resources.files("crosscheck.schema").joinpath("export.schema.json").read_text())
    with open_store(tmp_path / "ledger.db") as store:
        analyze_and_link([str(corpus)], store)
        with (tmp_path / "export.json").open("w", encoding="utf-8") as fh:
            write_json(store, fh, stance_model=True)
    export = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    jsonschema.validate(export, schema)
    (story,) = export["stories"]
    top = story["central_claims"][0]["article_stances"]
    assert {s["decided_by"] for s in top} == {"model"} and {s["article_id"] for s in top} <= set(story["article_ids"])
    # the model reaches articles that carry no claim of the group
    ledger = next(g for g in export["claim_groups"] if g["id"] == story["central_claims"][0]["group_id"])
    assert len(top) >= len(ledger["article_stances"]) - 2
