"""Entities: alias table, demonyms, surname -> full name, canonical entities across articles."""

from __future__ import annotations

from crosscheck.annotate.entities import canonical_entities, extract_entities, merge_keys, resolve
from crosscheck.annotate.nlp import parse
from crosscheck.model import Article, EntityMention


def _mentions(nlp, text: str, aid: str = "a") -> list[EntityMention]:  # type: ignore[no-untyped-def]
    return extract_entities(parse(nlp, text), Article(id=aid, source="s", text=text))


def test_aliases_resolve_to_one_entity() -> None:
    assert resolve("DPRK") == resolve("Democratic People's Republic of Korea") == resolve("North Korea")
    assert resolve("U.S.") == resolve("United States") == resolve("US")
    assert resolve("Kiev") == resolve("Kyiv") == resolve("Ukraine")
    assert resolve("Erdoğan") == resolve("Recep Tayyip Erdogan") is not None
    assert resolve("Athens") == resolve("Hellenic Republic") == resolve("Greece") is not None
    assert resolve("Pyongyang") is not None and resolve("Pyongyang").key == "country:north-korea"  # type: ignore[union-attr]
    assert resolve("Russian") is None  # a demonym is not an alias


def test_surname_maps_to_full_name(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Finance Minister Maria Oyelaran presented the budget. Oyelaran said the deficit would shrink."
    keys = {m.text: m.entity for m in _mentions(nlp, text)}
    assert keys.get("Maria Oyelaran") == "person:maria-oyelaran"
    assert keys.get("Oyelaran") == "person:maria-oyelaran"


def test_demonym_and_capital(nlp) -> None:  # type: ignore[no-untyped-def]
    ms = _mentions(nlp, "Ukrainian officials met envoys from Seoul and the Kremlin.")
    keys = {m.text: m.entity for m in ms}
    assert keys.get("Ukrainian") == "country:ukraine"
    assert keys.get("Seoul") == "country:south-korea"


def test_canonical_entities_across_articles(nlp) -> None:  # type: ignore[no-untyped-def]
    a = _mentions(nlp, "Lena Okafor, the union leader, spoke in Lagos. Okafor called for a strike.", "a")
    b = [EntityMention("b", 0, 6, "Okafor", "PERSON", "person:okafor")]
    assert merge_keys(a + b)["person:okafor"] == "person:lena-okafor"
    ents = {e.key: e for e in canonical_entities(a + b)}
    assert ents["person:lena-okafor"].name == "Lena Okafor"
    assert ents["person:lena-okafor"].type == "person"
    assert "Okafor" in ents["person:lena-okafor"].aliases


def test_offsets(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The DPRK's envoy met the U.N. Security Council's president in New York."
    for m in _mentions(nlp, text):
        assert text[m.start : m.end] == m.text


def test_titled_person_is_not_a_place(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Mr Hague said the party would win. Later Mr Hague added that he had no regrets."
    keys = {m.entity for m in _mentions(nlp, text) if m.text.endswith("Hague")}
    assert keys and not any(k.startswith("country:") for k in keys), keys


def test_every_countrys_demonyms_reach_the_claims_and_link_lexicons() -> None:
    from crosscheck.annotate.cues import lexicon
    from crosscheck.link.entities import demonyms

    assert lexicon().demonyms["greek"] == demonyms()["greek"] == "Greece"
    assert lexicon().demonyms["korean"] == "Korea"  # the claims lexicon's own entries stay
    assert "congolese" not in lexicon().demonyms  # a demonym of two countries names neither
