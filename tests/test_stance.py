"""Stance (link/stance.py): the shipped weights on pairs we wrote ourselves, and the tree walker by hand."""

from __future__ import annotations

import json
import math
from importlib import resources

import numpy as np
import pytest

from crosscheck.link import stance as st

AGREE = (
    "Harbour city to ban cars from its old town next year",
    "The city council of Porto Velho voted on Monday to ban cars from the old town from next January. "
    "The mayor confirmed the ban after the vote, saying the narrow streets of the old town will be open "
    "only to pedestrians, bicycles and delivery vans before 10 a.m. The ban on cars follows two years of "
    "complaints about traffic and air pollution in the old town. Shop owners welcomed the decision.",
)
DISAGREE = (
    "Famous violinist Anna Berg dies at 52",
    "Reports that the violinist Anna Berg has died are a hoax, her agent said on Friday. "
    "\"Anna is alive and well and rehearsing in Vienna,\" the agent said, denying the rumours that spread "
    "on social media overnight. The fake obituary, which claimed Berg had died at 52, was posted by a "
    "satirical website. Berg herself dismissed the story as false in a short video, laughing it off.",
)
UNRELATED = (
    "Harbour city to ban cars from its old town next year",
    "The violinist Anna Berg will play three concerts in Vienna in March, her agent said. The programme "
    "includes sonatas by Brahms and a new piece written for her by a young composer. Tickets go on sale "
    "next week, and a recording of the concerts is planned for the autumn.",
)


@pytest.fixture(scope="module")
def model() -> st.StanceModel:
    return st.load_model()


def test_shipped_weights_are_small_json_for_the_current_features(model: st.StanceModel) -> None:
    path = resources.files("crosscheck.data").joinpath("stance_model.json")
    assert len(path.read_bytes()) < 10_000_000
    assert model.features == st.FEATURES
    assert set(model.labels) == set(st.LABELS)
    assert model.idf.shape == (1 << st.HASH_BITS,)
    assert len(model.roots) == len(model.tree_label) > 0


def test_agree(model: st.StanceModel) -> None:
    label, scores = st.stance(*AGREE, model=model)
    assert label == "agree", scores
    assert math.isclose(sum(scores.values()), 1.0, abs_tol=1e-3)


@pytest.mark.xfail(strict=True, reason="known limit (docs/models/stance.md): a body that relays a report and "
                   "then debunks it reads as 'discuss' to a model trained on FNC-1's few disagreeing pairs")
def test_explicit_denial_disagrees(model: st.StanceModel) -> None:
    label, scores = st.stance(*DISAGREE, model=model)
    assert label == "disagree", scores


FLAT_DENIAL = ("The violinist Anna Berg is not dead. Her agent said on Friday that the story of her death was false "
               "and that she is alive and well in Vienna. The fake obituary was posted by a satirical website.")
CONFIRMATION = ("The violinist Anna Berg died on Friday in Vienna at the age of 52, her agent confirmed. "
                "Berg had been ill for several months.")


def test_flat_denial_scores_far_more_disagree_than_a_confirmation(model: st.StanceModel) -> None:
    (_, denial), (_, confirmation) = st.stance_many([(DISAGREE[0], FLAT_DENIAL), (DISAGREE[0], CONFIRMATION)],
                                                    model=model)
    assert denial["disagree"] > 0.2, denial
    assert confirmation["disagree"] < 0.05, confirmation
    assert denial["unrelated"] < 0.05 and confirmation["unrelated"] < 0.05


def test_unrelated(model: st.StanceModel) -> None:
    label, scores = st.stance(*UNRELATED, model=model)
    assert label == "unrelated", scores
    assert scores["unrelated"] > 0.8


def test_many_keeps_order_and_matches_single(model: st.StanceModel) -> None:
    pairs = [UNRELATED, AGREE, DISAGREE, AGREE]
    many = st.stance_many(pairs, model=model)
    assert [lab for lab, _ in many] == [st.stance(h, b, model=model)[0] for h, b in pairs]
    assert many[1] == many[3]
    assert st.stance_many([], model=model) == []


def test_empty_body_is_unrelated_not_a_crash(model: st.StanceModel) -> None:
    label, _ = st.stance("Harbour city to ban cars", "", model=model)
    assert label == "unrelated"


def test_split_sentences() -> None:
    text = 'He said it was false. "No," she said.\n\nA new paragraph? Yes. e.g. lower case stays.'
    assert st.split_sentences(text) == ["He said it was false.", '"No," she said.', "A new paragraph?",
                                        "Yes. e.g. lower case stays."]


def test_content_terms_stem_inflections_together() -> None:
    assert st.content_terms("The minister denies it") == st.content_terms("the minister denied it") == ["minister", "deny"]


def _tiny_model(decision: str) -> st.StanceModel:
    """Two stumps on feature 0 (x <= 0.5) for agree and unrelated; the rest stay at their init."""
    data = {
        "features": list(st.FEATURES), "labels": list(st.LABELS), "learning_rate": 0.5,
        "init": [0.0, -1.0, 0.0, 0.0], "decision": decision, "max_sentences": 4,
        "idf_scale": 100, "idf": [100] * (1 << st.HASH_BITS),
        "trees": {"depth": 1, "roots": [0, 3], "label": [0, 3], "feature": [0, 0, 0, 0, 0, 0],
                  "threshold": [0.5, 1e308, 1e308, 0.5, 1e308, 1e308], "left": [1, 1, 2, 4, 4, 5],
                  "right": [2, 1, 2, 5, 4, 5], "value": [0.0, 2.0, -2.0, 0.0, -2.0, 2.0]},
    }
    return st.StanceModel.from_json(json.loads(json.dumps(data)))


def test_tree_walk_by_hand() -> None:
    m = _tiny_model("argmax")
    x = np.zeros((2, len(st.FEATURES)))
    x[1, 0] = 0.9
    raw = m.raw(x)
    assert raw.tolist() == [[1.0, -1.0, 0.0, -1.0], [-1.0, -1.0, 0.0, 1.0]]
    assert [m.labels[i] for i in m.decide(m.proba(x))] == ["agree", "unrelated"]


def test_fnc_decision_prefers_a_related_guess_when_unrelated_is_not_sure() -> None:
    p = np.array([[0.30, 0.0, 0.25, 0.45], [0.05, 0.0, 0.05, 0.90]])
    exp = st.expected_fnc(p, st.LABELS)
    # unrelated earns 0.25 * 0.45; agree earns 0.25 * 0.55 + 0.75 * 0.30
    assert exp[0].tolist() == pytest.approx([0.3625, 0.1375, 0.325, 0.1125])
    assert _tiny_model("fnc").decide(p).tolist() == [0, 3]
    assert _tiny_model("argmax").decide(p).tolist() == [3, 3]


def test_weights_from_another_feature_list_are_refused() -> None:
    with pytest.raises(st.StanceModelUnavailable, match="E202"):
        st.StanceModel.from_json({"features": ["something_else"]})


def test_features_read_the_cue_words_the_model_was_trained_with() -> None:
    """Growing cues.json (new denial verbs, false words) must not shift the features under trained trees:
    the shipped model's own cue words are used until it is trained again."""
    trained = json.loads(resources.files("crosscheck.data").joinpath("stance_model.json").read_text("utf-8"))["cue_words"]
    today = st.cue_words()
    assert set(trained) == set(today)
    for kind, words in trained.items():
        pat = st._lexicon()[kind]
        assert all(pat.fullmatch(w) for w in words), kind
        assert not any(pat.fullmatch(w) for w in set(today[kind]) - set(words)), kind
    try:
        st.train_with_current_lexicon()
        assert all(st._lexicon()[kind].fullmatch(w) for kind, words in today.items() for w in words)
    finally:
        st._WORDS["trained"] = True
        st._lexicon.cache_clear()
