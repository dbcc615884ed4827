"""Article-aligned parsing, and the memo-table attribute ruler and lemmatizer against spaCy's own."""

from __future__ import annotations

import pytest

from crosscheck.annotate.nlp import _fast_attributes, load, paragraphs, parse, parse_many

TEXTS = [
    "Harbour pilots say they're gonna strike.\n\nThere is no deal yet, a union official said on Tuesday.",
    "Ferries Halted As Storm Nears\n\n''We can't sail in this,'' the captain said. I'd wait, y'all.\n\n\n"
    "Let's see what the 3 ministers decide: the cost was put at \u00a34.5m.",
    "",
    "One paragraph only, without a final newline",
]


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load()


def test_parse_keeps_the_text_and_offsets(nlp) -> None:  # type: ignore[no-untyped-def]
    for text in TEXTS:
        doc = parse(nlp, text)
        assert doc.text == text
        assert all(text[t.idx : t.idx + len(t.text)] == t.text for t in doc)
    assert [d.text for d in parse_many(nlp, TEXTS)] == TEXTS
    assert "".join(p for _, p in paragraphs(TEXTS[1])) == TEXTS[1]


def test_memo_tables_match_spacy_token_for_token(nlp) -> None:  # type: ignore[no-untyped-def]
    from spacy.tokens import Doc

    assert _fast_attributes(nlp) is not None  # the shipped model takes the fast path
    for text in TEXTS:
        fast = parse(nlp, text)
        parts = list(nlp.pipe([p for _, p in paragraphs(text)] or [""]))
        slow = parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)
        got = [(t.pos_, t.tag_, t.morph.key, t.lemma_, t.dep_, t.head.i, t.ent_type_) for t in fast]
        want = [(t.pos_, t.tag_, t.morph.key, t.lemma_, t.dep_, t.head.i, t.ent_type_) for t in slow]
        assert got == want


def test_other_pipelines_fall_back(nlp) -> None:  # type: ignore[no-untyped-def]
    without = load(disable=("lemmatizer",))
    assert _fast_attributes(without) is None
    assert parse(without, "The mayor said so.").text == "The mayor said so."


def test_lemma_index_sets_give_spacys_lemmas(nlp) -> None:  # type: ignore[no-untyped-def]
    import spacy

    from crosscheck.annotate.nlp import DEFAULT_MODEL

    pristine = spacy.load(DEFAULT_MODEL)  # its lemma index left as the lists the model ships
    table = pristine.get_pipe("lemmatizer").lookups.get_table("lemma_index")  # type: ignore[attr-defined]
    assert any(isinstance(v, list) for v in table.values())
    text = ("The ministers were arguing that the ferries' timetables had been cancelled; striking "
            "pilots, happier now, said the better offers came quicker than the worst feared.")
    ours = [(t.text, t.lemma_) for t in nlp(text)]
    assert ours == [(t.text, t.lemma_) for t in pristine(text)]
    assert all(not isinstance(v, list)
               for v in nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index").values())
