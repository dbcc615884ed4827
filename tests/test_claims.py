"""Attributed claims on sentences written for these tests (no seed or PolNeAR text here)."""

from __future__ import annotations

import pytest

from conftest import need_shared
from crosscheck.annotate.claims import extract_claims
from crosscheck.annotate.cues import may_attribute
from crosscheck.annotate.nlp import load, parse
from crosscheck.annotate.quotes import find_quotes
from crosscheck.model import Article, Claim


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load()


def claims_of(nlp, text: str) -> list[Claim]:  # type: ignore[no-untyped-def]
    article = Article(id="t", source="test", text=text)
    found = extract_claims(parse(nlp, text), article, [])
    for c in found:  # the offsets invariant holds for every claim
        assert text[c.start : c.end] == c.content
        assert c.id.startswith("t:c")
    return found


def one(claims: list[Claim], needle: str) -> Claim:
    hits = [c for c in claims if needle in c.content]
    assert hits, f"no claim holds {needle!r}: {[c.content for c in claims]}"
    return min(hits, key=lambda c: len(c.content))


def test_direct_quote_cue_after(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "\u201cThe bridge will reopen next spring after the repairs,\u201d Mayor Ellen Park said."
    c = one(claims_of(nlp, text), "bridge will reopen")
    assert c.kind == "direct" and c.direct
    assert c.speaker == "Ellen Park" and c.cue == "say"


def test_cue_before_with_colon(nlp) -> None:  # type: ignore[no-untyped-def]
    text = 'The minister Tomas Berg told reporters: "We have no plans to raise the fuel tax this year."'
    c = one(claims_of(nlp, text), "fuel tax")
    assert c.direct and c.speaker == "Tomas Berg"


def test_said_x_inversion(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "\u201cOur harbour is ready for the larger ships now,\u201d said port director Ana Silva."
    c = one(claims_of(nlp, text), "harbour is ready")
    assert c.direct and c.speaker == "Ana Silva"


def test_quote_continues_in_next_paragraph(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "\u201cThe new line will carry ten thousand riders a day,\u201d transport chief Omar Reyes said.\n\n"
        "\u201cIt will also cut the trip to the airport by half.\u201d"
    )
    found = claims_of(nlp, text)
    c = one(found, "trip to the airport")
    assert c.direct and c.speaker == "Omar Reyes"
    assert len(found) == 2


def test_pronoun_resolves_to_named_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Health Minister Laura Chen said the clinics would open on Monday.\n\n"
        "She added that the vaccines had already arrived."
    )
    c = one(claims_of(nlp, text), "vaccines had already arrived")
    assert c.speaker == "Laura Chen" and c.speaker_text == "She" and c.cue == "add"


def test_role_noun_resolves_with_title(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "City Council spokesman David Ortiz said the budget vote was delayed.\n\n"
        "The vote will take place next week, the spokesman added."
    )
    c = one(claims_of(nlp, text), "take place next week")
    assert c.speaker == "David Ortiz" and c.speaker_text == "the spokesman"


def test_surname_gets_full_name(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Senator Maria Lopez criticized the plan.\n\nThe plan is too expensive, Lopez said."
    c = one(claims_of(nlp, text), "too expensive")
    assert c.speaker == "Maria Lopez"


def test_according_to(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "According to the fire department, the blaze started in a kitchen on the third floor."
    c = one(claims_of(nlp, text), "blaze started")
    assert c.kind == "according_to" and c.cue == "according to" and not c.direct


def test_capital_as_speaker_resolves_to_country(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Moscow said the talks had been postponed because of the weather."
    c = one(claims_of(nlp, text), "talks had been postponed")
    assert c.speaker == "Russia" and c.speaker_entity == "country:russia"


def test_denial_polarity_and_points_at(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The company denied the accusations of price fixing on Tuesday."
    c = one(claims_of(nlp, text), "accusations")
    assert c.polarity == "deny" and c.cue == "deny"
    assert c.points_at == "the accusations of price fixing"


def test_rejected_clause_is_denial_but_said_is_not(nlp) -> None:  # type: ignore[no-untyped-def]
    found = claims_of(nlp, "The ministry rejected the report as politically motivated. Officials said the road is open.")
    assert one(found, "the report").polarity == "deny"
    assert one(found, "road is open").polarity == "assert"


def test_hedges_and_distancing(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The opposition leader claimed that the election may have been rigged."
    c = one(claims_of(nlp, text), "election may have been rigged")
    assert c.hedged and "claim" in c.hedges and "may" in c.hedges
    plain = one(claims_of(nlp, "The mayor confirmed that the school will close."), "school will close")
    assert not plain.hedged


def test_did_not_rule_out_is_a_hedged_assertion(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "The coach did not rule out that the team could move to another city."), "move")
    assert c.polarity == "assert" and c.hedged and "did not rule out" in c.hedges


def test_accuse_of(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "The union accused the airline of hiding safety problems."), "hiding safety")
    assert c.cue == "accuse" and c.speaker == "union"


def test_mixed_quote_is_one_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The governor said the storm damage was \u201cworse than anything we have seen\u201d in decades."
    found = claims_of(nlp, text)
    assert len(found) == 1
    assert found[0].kind == "mixed" and not found[0].direct


def test_no_attribution_no_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The river rose by two metres overnight.\n\nSchools in the valley stayed closed on Friday.\n\n"
        "The film \u201cSummer Rain\u201d opens next week."
    )
    assert claims_of(nlp, text) == []
    assert not may_attribute("The river rose by two metres overnight.")


def test_quote_with_lost_opening_mark(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The factory will hire two hundred workers by June,\u201d the company said in a statement."
    qs = find_quotes(text)
    assert qs and qs[0].open_start and qs[0].start == 0
    c = one(claims_of(nlp, text), "two hundred workers")
    assert c.direct


def test_claim_ids_in_text_order(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The police said two men were arrested. The judge said the trial starts in May."
    found = claims_of(nlp, text)
    assert [c.id for c in found] == ["t:c1", "t:c2"]
    assert found[0].start < found[1].start


@pytest.mark.shared
def test_seed_claims_hold_offsets(nlp) -> None:  # type: ignore[no-untyped-def]
    seeds = need_shared("corpus", "seeds")
    for path in sorted(seeds.glob("*.txt")):
        text = "\n\n".join(line.strip() for line in path.read_text("utf-8").splitlines() if line.strip())
        found = claims_of(nlp, text)
        assert found, path.name
        assert all(len(c.content) <= 450 and len(c.speaker or "") <= 80 for c in found)


def test_wire_dateline_is_never_the_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "PORTVILLE, June 4 (Harbour Wire) - The city council said on Friday that the bridge would stay closed."
    c = one(claims_of(nlp, text), "bridge would stay closed")
    assert "PORTVILLE" not in (c.speaker_text or "") and "council" in (c.speaker or "")


def test_relative_pronoun_speaks_for_its_antecedent(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The plan was drafted by the engineers, who said that the pipes were older than expected."
    c = one(claims_of(nlp, text), "pipes were older")
    assert c.speaker_text == "who" and "engineers" in (c.speaker or "")


def test_dismissed_as_is_a_denial_of_the_object_and_predicate(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "The mayor dismissed the letter as a forgery."), "letter")
    assert c.polarity == "deny" and c.cue == "dismiss" and "as a forgery" in c.content


def test_put_the_figure_at(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "The rescue service put the number of injured at 45."), "at 45")
    assert c.cue == "put" and c.content.startswith("the number")
    assert claims_of(nlp, "The workers put the boxes at the door.") == []


def test_semicolon_ends_a_clause_before_another_attribution(nlp) -> None:  # type: ignore[no-untyped-def]
    found = claims_of(nlp, "The police say three people were hurt; the hospital puts the figure at five.")
    first = one(found, "three people were hurt")
    assert "five" not in first.content
    assert one(found, "at five").cue == "put"


def test_said_in_a_statement_that(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "The airline said in a statement that all flights would resume on Monday."), "flights")
    assert c.content.startswith("all flights") and c.cue == "say"


def test_denied_allegations_that_keeps_the_proposition(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "The club denied allegations that it had paid the referee."), "paid the referee")
    assert c.polarity == "deny" and c.content.startswith("allegations")


def test_nominal_denial_with_source(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The lawyer cited a denial from the port authority regarding the loss of the cargo records."
    c = one(claims_of(nlp, text), "loss of the cargo records")
    assert c.cue == "denial" and c.polarity == "deny" and "port authority" in (c.speaker_text or "")


def test_it_denied_resolves_to_the_organisation(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Norvale Shipping published its annual results on Monday.\n\nIn a statement, it denied any role in the spill."
    c = one(claims_of(nlp, text), "any role")
    assert c.polarity == "deny" and c.speaker_text == "it" and c.speaker == "Norvale Shipping"
    assert "in the spill" in c.content


def test_called_object_quote_is_mixed(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "The nurses' union called the offer \u201can insult to every nurse\u201d."), "insult")
    assert c.cue == "call" and c.kind == "mixed" and not c.direct and c.content.startswith("the offer")
    assert one(claims_of(nlp, "The minister called the rumours false."), "rumours").polarity == "deny"


def test_complain_is_a_cue(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "Farmers have long complained that the canal drains their wells."), "canal drains")
    assert c.cue == "complain"


def test_headline_is_not_a_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    title = "Mayor rejects claims of budget fraud"
    text = f"{title}\n\nThe mayor said on Monday that the budget had been audited twice."
    article = Article(id="t", source="test", text=text, title=title)
    found = extract_claims(parse(nlp, text), article, [])
    assert [c.cue for c in found] == ["say"]


def test_asked_participle_does_not_make_the_answerer_ask(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Asked whether the school would reopen, the headteacher said it was too early to tell."
    found = claims_of(nlp, text)
    assert [c.cue for c in found] == ["say"]


def test_described_unnamed_group_stays_as_written(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Trade Minister Ola Berg and Finance Minister Kari Moe met the unions on Monday.\n\n"
        "The deal was nearly done, according to two diplomats familiar with the talks."
    )
    c = one(claims_of(nlp, text), "deal was nearly done")
    assert "diplomats" in (c.speaker or "")


def test_doubled_apostrophe_quotes(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "''The harbour will not close this winter,'' the port manager said. ''We have enough tugs.''"
    qs = find_quotes(text)
    assert [text[q.start : q.end] for q in qs][1] == "''We have enough tugs.''"
    found = claims_of(nlp, text)
    assert one(found, "harbour will not close").direct
    assert one(found, "enough tugs").direct


def test_endorse_a_named_candidate(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "The state's largest union endorsed Harmon on Friday."), "Harmon")
    assert c.cue == "endorse"


def test_according_to_around_a_weak_cue_stays_a_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The city reportedly asked the builder to pause the work, according to two engineers on the site."
    c = one(claims_of(nlp, text), "asked the builder")
    assert c.kind == "according_to" and "engineers" in (c.speaker or "")


def test_cue_span_takes_auxiliaries_and_adverbs(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The mayor has repeatedly said that the ferry will keep running through the winter."
    c = one(claims_of(nlp, text), "ferry will keep running")
    assert c.cue == "say" and c.cue_start is not None
    assert text[c.cue_start : c.cue_end] == "has repeatedly said"


@pytest.mark.parametrize("text", [
    "\u201cOur company has nothing to do with this tragedy,\u201d the firm's chief executive said.",
    "Mr Harlan told reporters he had no role in the decision to close the plant.",
    "The union said it was not involved in the strike.",
    "The Kestrian defence ministry said Kestria had nothing to do with the blast at the depot.",
    "The council said the allegations were baseless.",
    "\u201cThat is simply not true,\u201d the spokeswoman said.",
])
def test_denial_said_in_the_content(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    found = claims_of(nlp, text)
    assert len(found) == 1 and found[0].polarity == "deny", [(c.content, c.polarity) for c in found]


@pytest.mark.parametrize("text", [
    "Harlan said Brandt had nothing to do with the scheme.",  # about someone else: not the speaker's denial
    "A correspondent said they are not responsible for how the money is spent.",
    "The minister said he will not take part in a debate with his rivals.",
    "The farmers' leader argued it was absurd to charge them for the committee.",
])
def test_no_denial_without_the_speaker_or_a_pointer(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert all(c.polarity == "assert" for c in claims_of(nlp, text))


def test_denial_points_at_the_claim_noun(nlp) -> None:  # type: ignore[no-untyped-def]
    c = claims_of(nlp, "The council said the allegations were baseless.")[0]
    assert c.points_at == "the allegations"


@pytest.mark.parametrize(("text", "content"), [
    ("The ministry said on Monday that the harbour had been mined, becoming the first government to blame its "
     "neighbour.", "the harbour had been mined"),
    ("The minister said prices would rise, citing higher fuel costs.", "prices would rise"),
    ("Officials said the storm flooded the valley, leaving thousands without power.",
     "the storm flooded the valley, leaving thousands without power"),
])
def test_reporter_adjunct_is_not_content(nlp, text: str, content: str) -> None:  # type: ignore[no-untyped-def]
    assert content in [c.content for c in claims_of(nlp, text)]


def test_according_to_carries_over_in_its_paragraph(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("According to a report by the ministry, the dam was inspected in March. On Friday, engineers also "
            "found cracks in the spillway. The mayor said the town was safe.")
    c = one(claims_of(nlp, text), "cracks in the spillway")
    assert c.kind == "according_to" and "ministry" in (c.speaker or "")
    assert one(claims_of(nlp, text), "the town was safe").cue == "say"


def test_according_to_does_not_carry_without_an_adverbial(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "According to a report by the ministry, the dam was inspected in March. Engineers found cracks."
    assert not [c for c in claims_of(nlp, text) if "cracks" in c.content]


def test_titles_of_address_are_dropped_and_keep_the_name(nlp) -> None:  # type: ignore[no-untyped-def]
    from spacy.tokens import Span

    from crosscheck.annotate.cues import lexicon
    from crosscheck.annotate.speakers import SpeakerResolver

    doc = parse(nlp, "Mr King said rates would rise. Mr Blair agreed.")
    doc.ents = [Span(doc, 0, 2, label="PERSON"), Span(doc, 7, 9, label="PERSON")]
    # "Mr" is no part of a name; "King" after it is a surname, not the role word
    assert [p.name for p in SpeakerResolver(doc, lexicon()).people] == ["King", "Blair"]


def test_a_speaker_phrase_names_its_head_not_a_possessor_or_a_prepositional_object(nlp) -> None:  # type: ignore[no-untyped-def]
    """Found on the generalisation set (BBC, FNC-1): the person of a possessor or of a
    prepositional phrase inside a speaker phrase was taken for the speaker. Invented text."""
    text = ("Senator Mira Holt said the vote would be close. Senator Holt's spokeswoman Dana Ruiz said the "
            "count was still open. Eduardo Ferro left the capital on Monday. Ferro's nephew, Lucas Ferro Vidal, "
            "said his uncle was in good health. One source close to Ferro said the trip had been planned for weeks.")
    cs = claims_of(nlp, text)
    assert one(cs, "count was still open").speaker == "Dana Ruiz"
    nephew = one(cs, "in good health").speaker or ""
    assert nephew != "Eduardo Ferro" and "Lucas Ferro Vidal" in nephew
    assert "Ferro" not in (one(cs, "planned for weeks").speaker or "").split()[:1]
    assert one(cs, "planned for weeks").speaker != "Eduardo Ferro"


def test_a_bare_or_described_plural_speaker_is_a_new_group(nlp) -> None:  # type: ignore[no-untyped-def]
    """"Analysts said" or "industry analysts said" after "Senate sources said" introduces other
    people; "the officials" points back. Invented text."""
    text = ("Senate sources said the bill would pass. Industry analysts said prices would rise. "
            "Analysts said the deal was priced in. Two officials said talks had stalled. "
            "The officials said a deal was unlikely.")
    cs = claims_of(nlp, text)
    assert one(cs, "prices would rise").speaker == "Industry analysts"
    assert one(cs, "priced in").speaker == "Analysts"
    assert one(cs, "a deal was unlikely").speaker == one(cs, "talks had stalled").speaker


# --- denials worded as rebuttals, dismissals and verdicts (issue 13) --------------------------------


@pytest.mark.parametrize("text", [
    # a past act of the speaker's own, negated
    "\u201cWe did not threaten anybody,\u201d the harbour master told reporters.",
    "The Corvane Mining Company said it had not approved the sale of the quarry.",
    "\u201cI never signed that contract,\u201d the councillor said.",
    # a denial verb in the speaker's own words
    "\u201cI reject that entirely,\u201d the mayor said.",
    "\u201cWe deny every one of these charges,\u201d the club's lawyer said.",
    # a verdict on what is denied: a claim noun or a pointer with no support, no truth, or a false word
    "The mayor said the story was not supported by any evidence.",
    "The ministry said the rumours had never been substantiated.",
    "There is no truth to the claim that the port was closed, the mayor said.",
    "\u201cAny questions about our finances are absurd,\u201d a bank spokesman said.",
    "\u201cThe theory is bogus,\u201d the engineer said.",
    "\u201cThat was never discussed,\u201d the minister said.",
])
def test_rebuttal_in_the_content_is_a_denial(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    found = claims_of(nlp, text)
    assert len(found) == 1 and found[0].polarity == "deny", [(c.content, c.polarity) for c in found]


@pytest.mark.parametrize("text", [
    "The mayor said she would not resign.",  # a pledge, not a rebuttal
    "The mayor said she has not yet decided.",  # pending
    "The firm said it had not been told of the sale.",  # a passive: what others did not do
    "The bank said the loans had probably not been misused.",  # hedged
    "The minister said he didn't want to speculate.",  # an attitude to a further act
    "Police said no one was injured.",
    "The mayor said the plan was supported by most residents.",
])
def test_negative_statements_that_are_not_denials(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert all(c.polarity == "assert" for c in claims_of(nlp, text)), [(c.content, c.polarity) for c in claims_of(nlp, text)]


def test_no_truth_points_at_the_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "There is no truth to the claim that the port was closed, the mayor said."), "port")
    assert c.polarity == "deny" and c.points_at == "the claim that the port was closed"


@pytest.mark.parametrize(("text", "needle", "cue"), [
    ("The agency debunked the theory that the dam had cracked.", "the dam had cracked", "debunk"),
    ("The union brushed off the report.", "the report", "brush"),
    ("The club laughed off the rumours of a takeover.", "rumours of a takeover", "laugh"),
    ("The palace repudiated the account given by the former butler.", "the account", "repudiate"),
    ("The coach waved away suggestions that he would quit.", "he would quit", "wave"),
])
def test_verbs_of_rejection_are_denials(nlp, text: str, needle: str, cue: str) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, text), needle)
    assert c.polarity == "deny" and c.cue == cue


@pytest.mark.parametrize(("text", "needle"), [
    ("Officials knocked the claim that the mine had flooded as false.", "the mine had flooded"),
    ("The ministry described the report as false.", "the report"),
    ("The governor slammed the leaked memo as a fabrication.", "the leaked memo"),
])
def test_any_verb_calling_its_object_false_is_a_denial(nlp, text: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, text), needle)
    assert c.polarity == "deny" and c.points_at is not None and needle in c.points_at


def test_a_verb_calling_its_object_sound_is_no_denial(nlp) -> None:  # type: ignore[no-untyped-def]
    assert all(c.polarity == "assert" for c in claims_of(nlp, "The ministry described the report as thorough."))


def test_passive_denial_with_its_agent(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "Reports that the plant had been shut were refuted by the energy ministry."), "plant")
    assert c.polarity == "deny" and c.speaker_text == "the energy ministry"
    assert c.content == "Reports that the plant had been shut"
    renamed = one(claims_of(nlp, "The posters prompted accusations of racism, claims denied by the party."), "racism")
    assert renamed.polarity == "deny" and renamed.content == "accusations of racism" and renamed.speaker == "party"


def test_a_case_dismissed_by_a_court_is_no_denial(nlp) -> None:  # type: ignore[no-untyped-def]
    assert all(c.polarity == "assert" for c in claims_of(nlp, "The fraud case was dismissed by a federal court."))


def test_a_demonstrative_does_not_rule_out(nlp) -> None:  # type: ignore[no-untyped-def]
    assert all(c.polarity == "assert" for c in claims_of(nlp, "In practice, this rules out a merger of the two banks."))
    ruled = claims_of(nlp, "The judge ruled that the contract was void.")
    assert ruled and all(c.polarity == "assert" and c.cue == "rule" for c in ruled)


def test_denial_spelled_out_by_its_participle_is_one_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    found = claims_of(nlp, 'The council spokesman rejected the claims, saying: "The mayor made it clear the figures '
                           'were hers."')
    c = one(found, "figures were hers")
    assert c.polarity == "deny" and c.points_at == "the claims" and c.speaker == "council spokesman"
    assert all(x.content != "the claims" for x in found)
    c = one(claims_of(nlp, "Mrs Ode also denied them, saying she was not pressured in any way."), "pressured")
    assert c.polarity == "deny" and c.points_at == "them"


def test_a_reason_given_for_a_rejection_is_not_a_denial(nlp) -> None:  # type: ignore[no-untyped-def]
    found = claims_of(nlp, "The governor rejected any fare increases, saying they would hurt commuters.")
    assert one(found, "hurt commuters").polarity == "assert"


def test_denial_spelled_out_in_the_next_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    found = claims_of(nlp, 'Mr Hale denied the allegations. "I was never told about any payment," he told the court.')
    c = one(found, "never told")
    assert c.polarity == "deny" and c.points_at == "the allegations"
    assert all(x.content != "the allegations" for x in found)
    kept = claims_of(nlp, 'Mr Hale denied the allegations. "The weather was awful," his neighbour said.')
    assert one(kept, "the allegations").polarity == "deny" and one(kept, "weather").polarity == "assert"


def test_denied_someone_said_takes_the_whole_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "But Ms Lee denied Mr Park, her deputy, said the plan was dead."), "the plan was dead")
    assert c.polarity == "deny" and c.speaker == "Lee" and c.content.startswith("Mr Park")


def test_no_basis_for_an_act_is_no_denial(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The senator said the inquiry concluded there was no basis for charging the mayor."
    assert all(c.polarity == "assert" for c in claims_of(nlp, text))
    assert one(claims_of(nlp, "\u201cThere is no truth in it,\u201d the mayor said."), "truth").polarity == "deny"


@pytest.mark.parametrize("text", [
    "The striker brushed off the injury and played on.",  # no claim is dismissed
    "Police shot down a drone over the stadium.",
    "Hikers waved away the flies.",
])
def test_phrasal_dismissals_need_a_claim_object(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert all(c.polarity == "assert" for c in claims_of(nlp, text))


def test_no_truth_with_a_curly_contraction(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "Officials said there\u2019s no truth to the claim that the port was closed."), "port")
    assert c.polarity == "deny"


def test_passive_agent_hung_on_the_predicate(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("Reports that rebels in the north have contracted cholera have been refuted as \u201cincorrect\u201d and "
            "\u201cunfounded\u201d by the country\u2019s health ministry.")
    c = one(claims_of(nlp, text), "cholera")
    assert c.polarity == "deny" and "health ministry" in (c.speaker or "")
    assert c.content == "Reports that rebels in the north have contracted cholera"


def test_an_outlet_told_is_not_a_claim_noun(nlp) -> None:  # type: ignore[no-untyped-def]
    c = one(claims_of(nlp, "Omar Haddad told CBS News that he had been watching the parade."), "parade")
    assert c.content == "he had been watching the parade"


def test_a_duty_to_rebut_is_no_denial(nlp) -> None:  # type: ignore[no-untyped-def]
    said = [c for c in claims_of(nlp, "The envoy said the country must rebut the claims.") if c.cue == "say"]
    assert said and said[0].polarity == "assert"  # the content's own cue is the modal's business, not a denial by the envoy
