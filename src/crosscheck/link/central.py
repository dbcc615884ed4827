"""A story's central claims, and each article's stance toward a claim group.

Pure functions over the export's link records (``claim_groups``, ``claims``, ``relations``,
``stories``); nothing here reads the store or a model, so the export, the web pages and the
evaluations compute the same answer from the same records.

An article's stance toward a group is one of:

- ``asserts``: it carries a member claim stated plainly (not hedged), an endorsement;
- ``denies``: it carries a member with deny polarity, or a claim of a group that contradicts
  this one as a dispute;
- ``contests`` / ``non_denial``: it carries such a claim (a claim's own ``stance`` says so) and
  nothing that asserts or denies;
- ``reports``: it relays the claim without endorsing it: hedged or attributed at a distance
  ("reportedly", "allegedly", "according to", "X claimed", "X reported": the ``relay_cues`` and
  ``according`` phrases of data/cues.json), or it carries both the claim and a denial of it (it
  gives both sides).

A claim's own stance is its ``stance`` field when present (asserts, denies, contests,
non_denial), else its ``polarity`` (deny -> denies) and ``hedged`` (a hedged assertion is
reported, not asserted); an assertion whose cue relays at a distance is reported too. On the
FNC-1 stories tuning part, reading relay cues so raised the ledger's stance accuracy from 0.523
to 0.569 (macro-F1 0.345 to 0.368); dev, read only after the choice, 0.567 to 0.588.

A story's central claims (at most :data:`MAX_CENTRAL`) are its assertion groups ranked by how
widely they are carried: the articles that take a stance toward the group, plus its distinct
outlets, plus its independent origins. A denial is a stance toward a central claim, not one itself,
so deny groups are ranked only in a story with no assertion group. Each central claim has a
whole-clause ``label``: the group's own ``label`` when the export gives one, else the member
content that most articles carry, trimmed to a clause.

:func:`judged_by_model` is the opt-in alternative for central claims (``crosscheck export
--stance-model``): every article of the story is read against the claim's label by a stance model
(the FNC-1-trained one of ``link/stance.py``: agree -> asserts, disagree -> denies, discuss ->
reports, unrelated -> absent). It reaches articles that carry no claim of the group, which the
ledger alone cannot judge; on the FNC-1 stories tuning part it raised stance macro-F1 from 0.35
to 0.51 (0.35 to 0.43 on bodies the model never saw in training; docs/EVALUATION.md).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from crosscheck.packagedata import data_json

__all__ = [
    "ARTICLE_STANCES",
    "CLAIM_STANCES",
    "MAX_CENTRAL",
    "Ledger",
    "annotate",
    "article_stances",
    "central_claims",
    "claim_stance",
    "clause_label",
    "index",
    "judged_by_model",
]

Record = Mapping[str, Any]
CLAIM_STANCES = ("asserts", "denies", "contests", "non_denial")
ARTICLE_STANCES = ("asserts", "denies", "contests", "non_denial", "reports")
MAX_CENTRAL = 3

# a clause does not end on a conjunction, a comma or an article ("..., and")
_DANGLING = re.compile(r"(?:,|;|:|\b(?:and|or|but|that|which|while|as|of|to|the|a|an))\s*$", re.I)
_WORD = re.compile(r"\w+")


@cache
def relay_cues() -> frozenset[str]:
    """Cue lemmas by which a writer relays at a distance (data/cues.json ``relay_cues`` and ``according``)."""
    cues = data_json("cues.json")
    return frozenset([*cues["relay_cues"]["lemmas"], *cues["according"]])


def claim_stance(claim: Record) -> str:
    """The stance one claim carries: its ``stance`` field, else polarity and hedging.

    A hedged assertion ("reportedly", "may have") is relayed, not asserted: ``reports``; so is
    one whose cue relays at a distance ("according to", "X reported", "X claimed").
    """
    given = claim.get("stance")
    hedged = bool(claim.get("hedged")) or str(claim.get("cue") or "").lower() in relay_cues()
    if given in CLAIM_STANCES:
        return "reports" if given == "asserts" and hedged else str(given)
    if claim.get("polarity") == "deny":
        return "denies"
    return "reports" if hedged else "asserts"


@dataclass
class Ledger:
    """The link records indexed for stance lookups (built once by :func:`index`)."""

    groups: dict[str, Record] = field(default_factory=dict)
    claims: dict[str, Record] = field(default_factory=dict)
    group_of: dict[str, str] = field(default_factory=dict)
    # group id -> claim ids (of other groups, or lone claims) that dispute it
    disputed_by: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    groups_of_story: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


# only what stances and labels read is kept: a large ledger's records hold much more
_GROUP_KEYS = ("id", "claim_ids", "story_id", "polarity", "outlets", "independent_origins", "first_seen", "label")
_CLAIM_KEYS = ("id", "article_id", "content", "polarity", "hedged", "stance", "cue")


def index(groups: Iterable[Record], claims: Iterable[Record], relations: Iterable[Record]) -> Ledger:
    """Index groups, the claims they hold and the dispute relations between them."""
    led = Ledger()
    for g in groups:
        gid = str(g["id"])
        led.groups[gid] = {k: g.get(k) for k in _GROUP_KEYS}
        for cid in g.get("claim_ids") or []:
            led.group_of.setdefault(str(cid), gid)
        if g.get("story_id"):
            led.groups_of_story[str(g["story_id"])].append(gid)
    wanted = set(led.group_of)
    for c in claims:
        if str(c.get("id")) in wanted:
            led.claims[str(c["id"])] = {k: c.get(k) for k in _CLAIM_KEYS}
    for r in relations:
        if r.get("kind") != "contradicts" or str(r.get("type") or "").lower() != "dispute":
            continue
        a, b = str(r.get("a")), str(r.get("b"))
        for x, y in ((a, b), (b, a)):
            gx = x if x in led.groups else led.group_of.get(x)
            if gx is None:
                continue
            if y in led.groups:
                led.disputed_by[gx].update(str(c) for c in led.groups[y].get("claim_ids") or [])
            else:
                led.disputed_by[gx].add(y)
    return led


def _combine(kinds: Counter[str]) -> str:
    """One article's stance from the stances of the claims it carries toward a group."""
    if kinds["asserts"] and kinds["denies"]:
        return "reports"  # both sides given: relayed, not taken
    for k in ("denies", "asserts", "contests", "non_denial"):
        if kinds[k]:
            return k
    return "reports"


def article_stances(led: Ledger, group_id: str) -> list[dict[str, Any]]:
    """Each article's stance toward one group, with the claims that carry it (articles in id order)."""
    g = led.groups.get(group_id)
    if g is None:
        return []
    carried: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for cid in g.get("claim_ids") or []:
        c = led.claims.get(str(cid))
        if c is not None and c.get("article_id"):
            carried[str(c["article_id"])].append((str(cid), claim_stance(c)))
    for cid in sorted(led.disputed_by.get(group_id, ())):
        c = led.claims.get(cid)
        if c is None or not c.get("article_id"):
            continue
        own = claim_stance(c)
        # a claim disputing this group denies it, unless it only contests or refrains from denying
        carried[str(c["article_id"])].append((cid, own if own in ("contests", "non_denial") else "denies"))
    out = []
    for aid in sorted(carried):
        pairs = carried[aid]
        out.append({"article_id": aid, "stance": _combine(Counter(s for _, s in pairs)),
                    "claim_ids": sorted({cid for cid, _ in pairs})})
    return out


def clause_label(group: Record, claims: Mapping[str, Record]) -> str:
    """A whole-clause label: the group's own ``label``, else its most carried member content."""
    own = group.get("label")
    if isinstance(own, str) and own.strip():
        return own.strip()
    contents = [str(claims[c].get("content") or "").strip() for c in map(str, group.get("claim_ids") or [])
                if c in claims]
    contents = [_trim(t) for t in contents if t]
    if not contents:
        return ""
    counts = Counter(t.lower() for t in contents)
    whole = [t for t in contents if _whole(t)] or contents
    # most carried first, then a clause of a readable length (six words or more), then the shorter
    return min(whole, key=lambda t: (-counts[t.lower()], len(_WORD.findall(t)) < 6, len(t), t))


def _trim(text: str) -> str:
    text = " ".join(text.split()).strip(" \"'“”‘’")
    while _DANGLING.search(text):
        cut = _DANGLING.sub("", text).rstrip(" ,;:")
        if cut == text or not cut:
            break
        text = cut
    return text.rstrip(" .")


def _whole(text: str) -> bool:
    return len(_WORD.findall(text)) >= 3 and not _DANGLING.search(text) and text[:1].isalnum()


def _weight(group: Record, stances: Sequence[Record]) -> int:
    def n(v: Any) -> int:
        return len(v) if isinstance(v, (list, tuple, set, dict)) else (v if isinstance(v, int) else 0)

    return len(stances) + n(group.get("outlets")) + n(group.get("independent_origins"))


def central_claims(led: Ledger, story_id: str, *, limit: int = MAX_CENTRAL,
                   stances: Mapping[str, list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """The story's central claims, most carried first: {group_id, label, weight, article_stances}."""
    gids = led.groups_of_story.get(story_id, [])
    asserting = [g for g in gids if led.groups[g].get("polarity") != "deny"]
    pool = asserting or list(gids)
    scored = []
    for gid in pool:
        st = stances[gid] if stances is not None and gid in stances else article_stances(led, gid)
        label = clause_label(led.groups[gid], led.claims)
        if not label:
            continue
        g = led.groups[gid]
        scored.append((-_weight(g, st), -len(g.get("claim_ids") or []), str(g.get("first_seen") or ""), gid, label, st))
    scored.sort(key=lambda t: t[:4])
    return [{"group_id": gid, "label": label, "weight": -w, "article_stances": st}
            for w, _, _, gid, label, st in scored[:limit]]


def annotate(stories: Iterable[Record], groups: Iterable[Record], claims: Iterable[Record],
             relations: Iterable[Record]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Copies of ``stories`` with ``central_claims`` and of ``groups`` with ``article_stances``."""
    groups = list(groups)
    led = index(groups, claims, relations)
    stances = {gid: article_stances(led, gid) for gid in led.groups}
    out_groups = [{**g, "article_stances": stances[str(g["id"])]} for g in groups]
    out_stories = [{**s, "central_claims": central_claims(led, str(s["id"]), stances=stances)} for s in stories]
    return out_stories, out_groups


MODEL_STANCE = {"agree": "asserts", "disagree": "denies", "discuss": "reports"}
Judge = Callable[[Sequence[tuple[str, str]]], Sequence[str]]


def judged_by_model(central: Mapping[str, Sequence[Record]], article_ids: Mapping[str, Sequence[str]],
                    text_of: Mapping[str, str], judge: Judge) -> dict[str, list[dict[str, Any]]]:
    """Central claims (story id -> list) with ``article_stances`` decided by a stance model.

    ``judge`` maps (claim label, article text) pairs to FNC-1 labels, all pairs in one call so a
    model can batch them; each story article with text is judged against each central claim. An
    entry keeps the claim ids the ledger found for that article and says ``decided_by: model``.
    """
    pairs: list[tuple[str, str, str, int]] = []  # story, article, label, index of the claim
    for sid, claims in central.items():
        for k, c in enumerate(claims):
            pairs += [(sid, aid, str(c["label"]), k) for aid in article_ids.get(sid, ()) if text_of.get(aid)]
    verdicts = list(judge([(label, text_of[aid]) for _, aid, label, _ in pairs])) if pairs else []
    judged: dict[tuple[str, int], dict[str, str]] = defaultdict(dict)
    for (sid, aid, _, k), verdict in zip(pairs, verdicts, strict=True):
        if verdict in MODEL_STANCE:
            judged[sid, k][aid] = MODEL_STANCE[verdict]
    out: dict[str, list[dict[str, Any]]] = {}
    for sid, claims in central.items():
        out[sid] = []
        for k, c in enumerate(claims):
            ledger = {str(s["article_id"]): list(s.get("claim_ids") or []) for s in c.get("article_stances") or []}
            st = [{"article_id": aid, "stance": stance, "claim_ids": ledger.get(aid, []), "decided_by": "model"}
                  for aid, stance in sorted(judged[sid, k].items())]
            out[sid].append({**c, "article_stances": st})
    return out
