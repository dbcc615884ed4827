"""The demo gold's answer key (scored by ../shared/tools/seedscore.py part story) is self-consistent."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

GOLD: dict[str, Any] = json.loads(
    resources.files("crosscheck.data").joinpath("demo/demo.gold.json").read_text(encoding="utf-8"))


def _hit(alias: str, name: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(alias.lower()) + r"(?![a-z0-9])", name.lower()) is not None


def test_answer_key_names_only_gold_claims_and_known_principals() -> None:
    key, claims = GOLD["answer_key"], {c["id"] for c in GOLD["claims"]}
    principals = set(key["principals"])
    for pr in key["propositions"]:
        assert pr["claims"] and set(pr["claims"]) <= claims, pr["id"]
        for field in ("origins_must", "origins_may", "origins_never", "denied_by_must", "denied_by_never",
                      "asserted_by_never"):
            assert set(pr.get(field, [])) <= principals, (pr["id"], field)
        assert not set(pr.get("origins_must", [])) & set(pr.get("origins_never", [])), pr["id"]
        assert not set(pr.get("denied_by_must", [])) & set(pr.get("denied_by_never", [])), pr["id"]
    for link in key["not_related"]:
        assert link["a"] in claims and link["b"] in claims and link["types"]
    assert set(key["timeline_must_days"]) <= set(key["timeline_allowed_days"])
    assert set(GOLD["acceptance"]["story"]) >= {"propositions_right", "not_related_respected", "timeline_must_days"}


def test_no_alias_points_at_two_principals() -> None:
    """An alias that matches another principal's name would let a wrong origin pass (outlets aside:
    an outlet named after its country, 'Koltsa Today', is caught by 'an outlet' being never)."""
    principals = {p: a for p, a in GOLD["answer_key"]["principals"].items() if p != "an outlet"}
    for p, aliases in principals.items():
        for alias in aliases:
            others = [q for q, qa in principals.items() if q != p and any(_hit(x, alias) for x in qa)]
            assert not others, (p, alias, others)


def test_every_proposition_speaker_alias_resolves_to_its_principal() -> None:
    """The gold speakers of each proposition's claims resolve to a principal the key expects there."""
    principals = GOLD["answer_key"]["principals"]
    speakers = {c["id"]: c["speaker_aliases"][0] for c in GOLD["claims"]}
    for pr in GOLD["answer_key"]["propositions"]:
        allowed = set(pr.get("origins_must", [])) | set(pr.get("origins_may", []))
        for cid in pr["claims"]:
            hits = {p for p, aliases in principals.items() if any(_hit(a, speakers[cid]) for a in aliases)}
            assert hits & allowed or not allowed, (pr["id"], cid, speakers[cid], hits)
