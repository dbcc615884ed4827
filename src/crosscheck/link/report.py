"""Per-story report data for the briefing: plain dicts the report templates render.

For each story: its title and articles, its claim groups (the claim, who asserts, who
denies, outlets, origins, first seen, status), the contradictions with their type, the
timeline, and the conflicting numbers. Every line carries the source spans it rests on
(``article_id``, ``start``, ``end``), so the report can link each line back to the text.
"""

from __future__ import annotations

from typing import Any

from crosscheck.link import central
from crosscheck.link.dedupe import outlet_of
from crosscheck.link.numbers import story_numbers
from crosscheck.link.principals import claim_stance


def _span(c: dict[str, Any]) -> dict[str, Any]:
    return {"claim_id": c["id"], "article_id": c["article_id"], "start": c["start"], "end": c["end"],
            "speaker": c.get("speaker") or c.get("speaker_text"), "text": c["content"]}


def story_reports(store: Any) -> list[dict[str, Any]]:
    """One dict per story, largest first (empty before linking)."""
    if not hasattr(store, "link_records"):
        return []
    claims = {c.id: c for c in store.claims()}
    cdict = {cid: {"id": c.id, "article_id": c.article_id, "start": c.start, "end": c.end, "content": c.content,
                   "speaker": c.speaker, "speaker_text": c.speaker_text, "polarity": c.polarity}
             for cid, c in claims.items()}
    groups = {g["id"]: g for g in store.link_records("claim_groups")}
    relations = [r for r in store.link_records("relations") if r["kind"] == "contradicts"]
    articles = {a.id: a for a in store.articles()}
    quants: dict[str, list[dict[str, Any]]] = {}
    for q in store.quantities():
        quants.setdefault(q.article_id, []).append({
            "id": q.id, "article_id": q.article_id, "start": q.start, "end": q.end, "text": q.text, "value": q.value,
            "value_max": q.value_max, "bound": q.bound, "unit": q.unit, "claim_id": q.claim_id,
            "published": articles[q.article_id].published if q.article_id in articles else None})
    held = {cid: {**cdict[cid], "sentence_start": c.sentence_start, "sentence_end": c.sentence_end}
            for cid, c in claims.items()}
    claims_of: dict[str, list[dict[str, Any]]] = {}
    for c in held.values():
        claims_of.setdefault(c["article_id"], []).append(c)
    led = central.index(groups.values(), ({**cdict[cid], "hedged": c.hedged, "stance": claim_stance(c.polarity, c.cue)}
                                          for cid, c in claims.items()), relations)
    out = []
    for st in store.link_records("stories"):
        sgroups = [g for g in groups.values() if g.get("story_id") == st["id"]]
        gids = {g["id"] for g in sgroups}
        denied_by: dict[str, list[str]] = {}
        for r in relations:
            if r["type"] == "dispute" and r["b"] in gids:
                denied_by.setdefault(r["b"], []).append(r["a"])
        rows = []
        # ranked by weight: independent origins first, then outlets, then members
        for g in sorted(sgroups, key=lambda g: (-len(g["independent_origins"]), -len(g["outlets"]),
                                                -len(g["claim_ids"]), g["id"])):
            members = [cdict[c] for c in g["claim_ids"] if c in cdict]
            if not members:
                continue
            deniers = [cdict[c] for d in denied_by.get(g["id"], []) for c in groups.get(d, {}).get("claim_ids", [])
                       if c in cdict]
            rows.append({
                "id": g["id"],
                "claim": g.get("label") or min((m["content"] for m in members), key=len),
                "polarity": g.get("polarity"),
                # principals, as the export has them; the speakers as written stay beside them
                "asserted_by": g.get("asserted_by", []), "denied_by": g.get("denied_by", []),
                "contested_by": g.get("contested_by", []), "non_denials": g.get("non_denials", []),
                "speakers": sorted({m["speaker"] or m["speaker_text"] or "?" for m in members}),
                "denier_speakers": sorted({d["speaker"] or d["speaker_text"] or "?" for d in deniers}),
                "outlets": g["outlets"], "independent_origins": g["independent_origins"],
                "first_seen": g["first_seen"], "status": g["status"],
                "spans": [_span(m) for m in members], "denial_spans": [_span(d) for d in deniers],
                "corrected": g.get("corrected", []),
            })
        contradictions, numbers = [], []
        for r in relations:
            if r["a"] not in gids and r["b"] not in gids:
                continue
            ev = r.get("evidence", {})
            a, b = cdict.get(str(ev.get("a_claim"))), cdict.get(str(ev.get("b_claim")))
            item = {"id": r["id"], "type": r["type"], "a_group": r["a"], "b_group": r["b"],
                    "a": _span(a) if a else None, "b": _span(b) if b else None, "evidence": ev}
            contradictions.append(item)
            if ev.get("conflict") == "number":
                numbers.append({**item, "a_values": ev.get("a_values"), "b_values": ev.get("b_values")})
        out.append({
            "id": st["id"], "title": st["title"], "bottom_line": _bottom_line(led, st["id"], groups, cdict),
            "articles": [{"id": a, "outlet": outlet_of(articles[a]),
                          "title": articles[a].title, "published": articles[a].published}
                         for a in st["article_ids"] if a in articles],
            "groups": rows, "contradictions": contradictions, "timeline": st["events"],
            "conflicting_numbers": numbers,
            # every counted quantity as people write it, with its speaker, claim and conflicts
            "numbers": story_numbers([q for a in st["article_ids"] for q in quants.get(a, [])],
                                     [c for a in st["article_ids"] for c in claims_of.get(a, [])],
                                     {a: _publisher(store, a, articles) for a in st["article_ids"]}),
        })
    out.sort(key=lambda s: -len(s["articles"]))
    return out


def _publisher(store: Any, article_id: str, articles: dict[str, Any]) -> str | None:
    """The outlet as the link layer counts it (an unknown publisher named by its source)."""
    row = store.linked_article(article_id) if hasattr(store, "linked_article") else None
    if row is not None and row["publisher"]:
        return str(row["publisher"])
    a = articles.get(article_id)
    return (a.outlet or a.original_source) if a else None


def _bottom_line(led: central.Ledger, story_id: str, groups: dict[str, dict[str, Any]],
                 cdict: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The story's central claims, each with who stands behind and against it and how many
    independent origins against how many outlets carry it, and each article's stance."""
    out = []
    for cc in central.central_claims(led, story_id):
        g = groups[cc["group_id"]]
        first = next((cdict[c] for c in g["claim_ids"] if c in cdict), None)
        stances: dict[str, int] = {}
        for a in cc["article_stances"]:
            stances[a["stance"]] = stances.get(a["stance"], 0) + 1
        out.append({
            "group_id": g["id"], "label": cc["label"], "status": g["status"],
            "asserted_by": g.get("asserted_by", []), "denied_by": g.get("denied_by", []),
            "contested_by": g.get("contested_by", []), "non_denials": g.get("non_denials", []),
            "origins": g["independent_origins"], "outlets": g["outlets"],
            "article_stances": cc["article_stances"], "stance_counts": stances,
            "corrected": g.get("corrected", []),
            "span": _span(first) if first else None,
        })
    return out
