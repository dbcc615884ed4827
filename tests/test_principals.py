"""Principals behind claim groups (issue 10): nesting, coalitions, stances, lead texts, documents."""

from __future__ import annotations

from crosscheck.annotate.claims import tidy_span
from crosscheck.link import origins, principals
from crosscheck.link.principals import Member
from crosscheck.model import Claim


def _claim(cid: str, start: int, end: int, speaker: str, cue: str, *, sp: tuple[int, int], cue_at: tuple[int, int],
           sent: tuple[int, int] = (0, 200), polarity: str = "assert", reported_by: str | None = None) -> Claim:
    return Claim(id=cid, article_id="a", start=start, end=end, content="x" * (end - start), cue=cue, kind="indirect",
                 direct=False, polarity=polarity, speaker=speaker, speaker_text=speaker,  # type: ignore[arg-type]
                 speaker_start=sp[0], speaker_end=sp[1], cue_start=cue_at[0], cue_end=cue_at[1],
                 sentence_start=sent[0], sentence_end=sent[1], reported_by=reported_by)


def test_a_weak_cue_inside_another_claim_is_its_subject() -> None:
    # "Ruritania also plans to buy drones from its neighbour, the spokesman said" (invented)
    outer = _claim("a:c1", 0, 55, "John Kirby", "say", sp=(57, 70), cue_at=(71, 75))
    inner = _claim("a:c2", 18, 55, "Russia", "plan", sp=(0, 6), cue_at=(12, 17))
    nest = principals.nesting([outer, inner])
    assert nest == {"a:c2": ("subject", "a:c1")}
    ms = [Member("a:c1", "United States", "asserts"), Member("a:c2", "Russia", "asserts", "subject")]
    assert principals.principal_lists(ms, [])["asserted_by"] == ["United States"]
    assert principals.origins_of(ms) == ["United States"]


def test_a_channel_relays_and_the_inner_claim_counts() -> None:
    # "Both Moscow and Pyongyang deny the US accusations, Reuters writes."
    outer = _claim("a:c1", 0, 49, "Reuters", "write", sp=(51, 58), cue_at=(59, 65))
    inner = _claim("a:c2", 31, 49, "Moscow and Pyongyang", "deny", sp=(5, 25), cue_at=(26, 30), polarity="deny",
                   reported_by="Reuters")
    nest = principals.nesting([outer, inner])
    assert nest["a:c2"] == ("channel", "a:c1") and nest["a:c1"] == ("channel", "a:c1")


def test_a_reported_denial_is_not_the_reported_party_s_own() -> None:
    # "X contested this claim, highlighting a denial from a Ukrainian officer regarding ..."
    outer = _claim("a:c1", 40, 50, "Vasily Nebenzya", "contest", sp=(0, 30), cue_at=(31, 39), polarity="deny")
    inner = _claim("a:c2", 128, 180, "Ukrainian officer", "denial", sp=(81, 117), cue_at=(67, 73), polarity="deny")
    assert principals.nesting([outer, inner]) == {"a:c2": ("reported", "a:c1")}
    against = [Member("a:c1", "Russia", "contests"), Member("a:c2", "Ukraine", "denies", "reported"),
               Member("b:c1", "North Korea + Russia", "denies")]
    who = principals.principal_lists([Member("c:c1", "United States", "asserts")], against)
    assert who["denied_by"] == ["North Korea", "Russia"]  # a joint denial is two principals, Ukraine is none
    assert who["contested_by"] == ["Russia"]
    # confirmed by an unnested claim of the same principal, a reported claim counts
    confirmed = [*against, Member("d:c1", "Ukraine", "denies")]
    assert "Ukraine" in principals.principal_lists([], confirmed)["denied_by"]


def test_stances_from_cue_and_polarity() -> None:
    assert principals.claim_stance("deny", "deny") == "denies"
    assert principals.claim_stance("deny", "contest") == "contests"
    assert principals.claim_stance("assert", "decline") == "non_denial"
    assert principals.claim_stance("assert", "say") == "asserts"


def test_coalitions_count_as_their_members_once() -> None:
    ms = [Member("a:c1", "South Korea + United States", "asserts"), Member("a:c2", "United States", "asserts")]
    assert principals.origins_of(ms) == ["South Korea", "United States"]
    assert principals.coalitions(ms) == [["South Korea", "United States"]]


def test_lead_text_is_a_whole_clause_never_a_pointer() -> None:
    label = principals.lead_text(["this claim", "“Russia used North Korean missiles against Ukraine,”",
                                  "that Russia had used North Korean missiles against Ukraine, and"])
    assert label in ("Russia used North Korean missiles against Ukraine",
                     "Russia had used North Korean missiles against Ukraine")


def test_tidy_span_drops_dangling_conjunctions_and_cut_words() -> None:
    text = "Media said Russia had received missiles from the DPRK, and later more."
    s, e = tidy_span(text, text.index("ssia"), text.index(" later"))
    assert text[s:e] == "Russia had received missiles from the DPRK"


def test_a_bare_document_speaks_for_the_issuer_named_before() -> None:
    first = _claim("a:c1", 30, 60, "White House press release", "according to", sp=(13, 38), cue_at=(0, 12))
    later = _claim("a:c2", 90, 120, "statement", "say", sp=(70, 83), cue_at=(84, 88))
    assert origins.bare_document("statement") and origins.bare_document("the joint statement")
    assert not origins.bare_document("United States")
    assert origins.document_antecedents([(first, "United States"), (later, "statement")]) == {"a:c2": "United States"}


def test_a_document_named_with_its_issuer_in_one_article_speaks_for_it_in_another() -> None:
    """A story's article names "the preliminary assessment by Ruritanian Coast Guard investigators"
    (invented); another article of the story says only "according to a preliminary assessment":
    it is the Coast Guard's assessment, not an origin of its own. A bare "the report" names no
    particular document, and a phrase two issuers were named for stays unresolved."""
    from crosscheck.model import Article

    facts = origins.Facts()
    one = Article(id="a1", source="s", text=("Ruritania's move follows the preliminary assessment by Ruritanian Coast "
                                             "Guard investigators, who said the hull was breached. A statement from "
                                             "Borduria said nothing."))
    ctx = origins.context(one, [], facts, "s1")
    origins.learn(one, ctx)
    assert facts.documents["s1"] == {"preliminary assessment": origins.resolve(
        origins.Ref(body="Ruritanian Coast Guard investigators", display="Ruritanian Coast Guard investigators"), ctx)}
    two = Article(id="a2", source="s", text="The hull was breached, according to a preliminary assessment.")
    ctx2 = origins.context(two, [], facts, "s1")
    got = origins.resolve(origins.Ref(body="preliminary assessment", display="preliminary assessment"), ctx2)
    assert got == facts.documents["s1"]["preliminary assessment"] and not origins.bare_document(got)
    assert origins.resolve(origins.Ref(body="report", display="report"), ctx2) == "report"
    other_story = origins.context(two, [], facts, "s2")
    assert origins.resolve(origins.Ref(body="preliminary assessment", display="preliminary assessment"),
                           other_story) == "preliminary assessment"
    three = Article(id="a3", source="s", text="It echoed the preliminary assessment by Borduria's navy.")
    origins.learn(three, origins.context(three, [], facts, "s1"))
    assert origins.document_issuer("the preliminary assessment", ctx2) is None  # two issuers: neither


def test_weekday_spread_prefers_one_week() -> None:
    """Of two reference days that both fit, the one that keeps an article's weekdays together wins."""
    from crosscheck.link import refdates
    from crosscheck.model import TimeExpr

    def t(value: str) -> TimeExpr:
        return TimeExpr(id="a:t", article_id="a", start=0, end=1, text="Thursday", value=value, resolution="weekday")

    assert refdates._spread([t("2024-01-04"), t("2024-01-05")]) == 1
    assert refdates._spread([t("2024-01-04"), t("2023-12-29")]) == 6


def test_the_link_summary_counts_what_the_ledger_holds(tmp_path: object) -> None:
    """The CLI's relation counts are the ledger's (the run once printed '20 dispute' over 16 rows)."""
    import pathlib
    from importlib import resources

    from crosscheck.link import link_store
    from crosscheck.pipeline import analyze
    from crosscheck.store import open_store

    corpus = str(resources.files("crosscheck.data").joinpath("demo/articles"))
    with open_store(pathlib.Path(str(tmp_path)) / "l.db") as store:
        analyze([corpus], store)
        summary = link_store(store, prepare_ahead=False)
        held = dict(store.conn.execute("SELECT coalesce(type, kind), count(*) FROM relations GROUP BY 1").fetchall())
        assert held and dict(summary.relations) == held


def test_lead_text_prefers_a_clause_to_a_cue_s_object() -> None:
    assert principals.lead_text(["Russia of using ballistic missiles purchased from North Korea against Ukraine",
                                 "Russia has launched ballistic missiles provided by the DPRK at least nine times"]
                                ).startswith("Russia has launched")


def test_a_withheld_denial_is_a_non_denial_of_its_host_s_speaker() -> None:
    from crosscheck.annotate.claims_nondenial import non_denials

    text = ("The envoy called the meeting propaganda, refraining from providing an unequivocal denial regarding "
            "the use of the missiles. Later he left.")
    host = _claim("a:c1", 25, 40, "Envoy Ivanov", "call", sp=(0, 9), cue_at=(10, 16), sent=(0, text.index(" Later")))
    (nd,) = non_denials(text, [host])
    assert nd.content == "the use of the missiles" and nd.speaker == "Envoy Ivanov"
    assert principals.claim_stance(nd.polarity, nd.cue) == "non_denial"
    assert non_denials("He said the talks were over. Nobody denied it.", [host]) == []


def test_a_lead_that_is_only_a_dangling_word_ends() -> None:
    """A Reuters claim whose content is just "and" hung the end-of-run pass (an endless loop in
    the lead cleaner): every such content now ends, as an empty lead."""
    from crosscheck.link.principals import lead_text

    assert lead_text(["and"]) == ""
    assert lead_text(["That", "which ,", "rates rose, and"]) == "Rates rose"


def test_lead_text_ends_on_a_content_that_is_only_a_conjunction() -> None:
    """A content such as "that," (a claim cut down to its complementiser, met on Reuters) made the
    trailing-conjunction loop spin forever: the end pass of a 5,000-article link never finished."""
    import threading

    got: list[str] = []
    worker = threading.Thread(target=lambda: got.append(principals.lead_text(["that,", "and", "Or", "which ;"])),
                              daemon=True)
    worker.start()
    worker.join(5)
    assert got == [""], "lead_text did not return"
    assert principals.lead_text(["the talks will go on and", "that"]) == "The talks will go on"


def test_an_anaphoric_lead_is_told_by_its_first_word() -> None:
    """Issue 14: a lead opening on a personal pronoun stands for its speaker; one opening on a
    demonstrative used as a pronoun, a short pointer or a described "it" for what was said
    before; an expletive "it" and a demonstrative determiner before a full clause stand alone."""
    a = principals.anaphor
    assert a("He said it was a mistake") == "speaker"
    assert a("Her team had been refused access to the airbase") == "speaker"
    assert a("They denied it") == "speaker"
    assert a("It had supplied drones to the rebels") == "speaker"
    assert a("This was confirmed by the ministry") == "antecedent"
    assert a("That would mean a breach of the treaty") == "antecedent"
    assert a("this claim") == "antecedent"
    assert a("the US accusations") == "antecedent"
    assert a("it") == "antecedent"
    assert a("It was unnecessary and came at a very bad time") == "antecedent"
    assert a("It was too early to point fingers") is None
    assert a("It is deeply disconcerting that the council is ignored") is None
    assert a("This transfer of weapons underscores the need for more aid") is None
    assert a("The ministry confirmed the strike") is None
    assert a("Heavy rain flooded the valley") is None  # "he" only as a whole word


def test_an_anaphoric_lead_shows_its_referent_in_brackets() -> None:
    w = principals.with_referent
    assert w("Her team had been refused access", "speaker", "Nadia Feld") == "[Nadia Feld's] team had been refused access"
    assert w("It had supplied drones", "speaker", "Varkan Aeroworks") == "[Varkan Aeroworks] had supplied drones"
    assert w("This claim", "antecedent", "Russia used the missiles") == "This claim [Russia used the missiles]"
    assert w("This was confirmed by the ministry", "antecedent", "the dam was hit") == \
        "This [the dam was hit] was confirmed by the ministry"
    long = "word " * 60
    cut = principals.referent_text(long)
    assert cut.endswith("…") and len(cut) <= 121 and not cut[:-1].endswith(" ")


def test_lead_text_prefers_a_self_contained_member_to_a_pronoun_led_one() -> None:
    contents = ["her government was certain the drones had taken off from the airbase",
                "the drones were launched from a military airfield inside the country"]
    i, lead = principals.lead_choice(contents)
    assert (i, lead) == (1, "The drones were launched from a military airfield inside the country")
    assert principals.lead_choice(["", "they denied it"]) == (1, "They denied it")


_ANAPHORIC = """Mayor defends count

Maria Lopez, the mayor of Springfield, spoke to reporters on Monday about the recount.

Lopez said her office had found no evidence of fraud in the ballots counted last week.

Critics of the mayor have accused the city of hiding ballots from observers. The city denied this claim on Tuesday.
"""


def test_a_group_led_by_a_pronoun_or_a_pointer_shows_what_it_stands_for(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 14, on both backends: a group whose only member opens on "her" is led by its
    speaker's name in brackets; a denial of "this claim" by the claim it disputes. The export
    names the referent's claim (label_refers_to), and the briefing shows the same lead."""
    import io
    import json

    from crosscheck.export import write_json
    from crosscheck.pipeline import analyze_and_link
    from crosscheck.report import render

    path = tmp_path / "recount.txt"  # invented text
    path.write_text(_ANAPHORIC, encoding="utf-8")
    analyze_and_link([str(path)], store)
    out = io.StringIO()
    write_json(store, out)
    data = json.loads(out.getvalue())
    claims = {c["id"]: c for c in data["claims"]}
    labels = {g["label"]: g for g in data["claim_groups"]}
    her = labels["[Maria Lopez's] office had found no evidence of fraud in the ballots counted last week"]
    assert her["label_refers_to"]["kind"] == "speaker"
    assert claims[her["label_refers_to"]["claim_id"]]["content"].startswith("her office")
    this = next(g for g in data["claim_groups"] if g["label"].startswith("This claim ["))
    target = claims[this["label_refers_to"]["claim_id"]]
    assert this["label_refers_to"]["kind"] == "antecedent" and "hiding ballots" in target["content"]
    assert this["label"] == f"This claim [{this['label_refers_to']['text']}]"
    md = render(store, "md")
    assert "Maria Lopez's\\] office had found no evidence" in md
    assert "This claim" not in md.replace("This claim \\[", "")


def test_no_seed_or_demo_lead_is_a_bare_anaphor(seeds_export, demo_export) -> None:  # type: ignore[no-untyped-def]
    """Every group lead of the seeds and the demo either stands on its own or shows what it
    stands for: an anaphoric lead as written carries its referent (a claim of the ledger)."""
    import re

    for data in (seeds_export, demo_export):
        claims = {c["id"] for c in data["claims"]}
        for g in data["claim_groups"]:
            bare = re.sub(r" ?\[[^\]]*\]", "", g["label"])
            bare = re.sub(r"^ *'s\b ?", "", bare)
            if g["label"].startswith("[") or principals.anaphor(bare) is not None:
                ref = g.get("label_refers_to")
                assert ref and ref["claim_id"] in claims and f"[{ref['text']}" in g["label"], g["label"]
            else:
                assert "label_refers_to" not in g, g["label"]
