"""The attribution tagger and the merge step, on sentences written for these tests."""

from __future__ import annotations

import pytest

from crosscheck.annotate import tagger
from crosscheck.annotate.claims import extract_claims
from crosscheck.annotate.nlp import load, parse
from crosscheck.model import Article, Claim


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load()


def claims_of(nlp, text: str, system: str | None = "merged") -> list[Claim]:  # type: ignore[no-untyped-def]
    article = Article(id="t", source="test", text=text)
    found = extract_claims(parse(nlp, text), article, [], system=system)
    for c in found:
        assert text[c.start : c.end] == c.content
        if c.cue_start is not None and c.cue_end is not None:
            assert 0 <= c.cue_start < c.cue_end <= len(text)
        if c.speaker_start is not None and c.speaker_end is not None:
            assert text[c.speaker_start : c.speaker_end] == c.speaker_text
    return found


def test_weights_ship_with_the_package() -> None:
    assert tagger.available()
    assert len(tagger.learned_cues()) > 50


def test_spans_of_a_bio_sequence() -> None:
    labels = ["B-SOURCE", "I-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "O", "I-CONTENT", "B-CONTENT"]
    assert tagger._spans(labels, 10) == [("SOURCE", 10, 12), ("CUE", 12, 13), ("CONTENT", 13, 15),
                                         ("CONTENT", 16, 17), ("CONTENT", 17, 18)]


def test_relations_join_pieces_to_the_nearest_cue(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "\u201cWe will build it,\u201d she said, \u201cand soon.\u201d"
    doc = parse(nlp, text)
    words = [t.text for t in doc]
    labels = ["O"] * len(doc)
    for i in range(words.index("We"), words.index("it") + 1):
        labels[i] = "I-CONTENT"
    labels[words.index("We")] = "B-CONTENT"
    labels[words.index("she")] = "B-SOURCE"
    labels[words.index("said")] = "B-CUE"
    labels[words.index("and")] = "B-CONTENT"
    labels[words.index("soon")] = "I-CONTENT"
    rels = tagger.relations(doc, 0, labels, lambda k: 0.9)
    assert len(rels) == 1
    rel = rels[0]
    assert doc[rel.cue[0]].text == "said" and rel.source is not None and doc[rel.source[0]].text == "she"
    assert len(rel.content) == 2 and rel.score == pytest.approx(0.9)


def test_model_adds_an_attribution_the_rules_miss(nlp) -> None:  # type: ignore[no-untyped-def]
    # "scoffed at" is no reporting verb of the lexicon; PolNeAR marks such verbs as cues
    text = ("The council met on Tuesday.\n\nCouncillor Dana Whitfield scoffed at the idea that the new "
            "tram line would pay for itself within a decade.")
    rules = claims_of(nlp, text, "rules")
    merged = claims_of(nlp, text)
    assert not any("tram line" in c.content for c in rules)
    hit = [c for c in merged if "tram line" in c.content]
    assert hit, [c.content for c in merged]
    assert hit[0].speaker == "Dana Whitfield"
    assert hit[0].cue_start is not None


def test_rules_keep_their_claims_and_no_clause_is_claimed_twice(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("\u201cThe bridge will reopen next spring,\u201d Mayor Ellen Park said on Monday. She added that the "
            "repairs would cost less than planned, and officials believe the budget can absorb it.")
    rules = claims_of(nlp, text, "rules")
    merged = claims_of(nlp, text)
    for r in rules:  # every rule claim survives the merge unchanged in its spans
        assert any((m.start, m.end, m.cue_start) == (r.start, r.end, r.cue_start) for m in merged)
    for a in merged:
        for b in merged:
            if a is not b:
                assert not (a.start < b.end and b.start < a.end), (a.content, b.content)


def test_config_switch_turns_the_tagger_off(nlp, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from crosscheck import config
    from crosscheck.annotate import annotate

    text = "Councillor Dana Whitfield scoffed at the idea that the new tram line would pay for itself within a decade."
    article = Article(id="t", source="test", text=text)
    conf = tmp_path / "c.toml"
    conf.write_text("[annotate]\nattribution_tagger = false\n", encoding="utf-8")
    off = config.load_settings(conf)
    assert off.annotate.attribution_tagger is False and config.DEFAULTS.annotate.attribution_tagger is True
    assert any("tram line" in c.content for c in annotate(article, nlp)[1].claims)
    assert list(annotate(article, nlp, off)[1].claims) == claims_of(nlp, text, "rules")
    assert any("tram line" in c.content for c in annotate(article, nlp)[1].claims)  # the defaults are untouched
    conf.write_text("[annotate]\nattribution_tagger = 1\n", encoding="utf-8")
    with pytest.raises(config.ConfigError):
        config.load(conf)
