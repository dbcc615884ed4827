"""A hostile ledger for the web tests, written by us: every text field carries an attack.

Imported by tests/test_web.py and tests/test_browser.py. One article goes through the real
pipeline (title, author, outlet and body from a JSONL record); a second is stored through
the store's public ``save`` with hand-built claims whose speakers and quotes carry payloads,
and the link rows (a story, an asserted group, a denial group, a dispute) are written with
SQL, so the story and group pages are exercised without depending on the linker's choices.
"""

from __future__ import annotations

import json
from pathlib import Path

from crosscheck.model import Annotations, Article, Claim, EntityMention, Quantity, RemovedLine, TimeExpr

# Each payload would set window.__pwned (or raise an alert) if it ever ran.
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
HANDLER = '<b onmouseover="window.__pwned=1">hover</b>'
JS_URL = "javascript:window.__pwned=1"
TEMPLATE = "{{ 1234*1000 }}{% if true %}tpl{% endif %}"
PAYLOADS = (SCRIPT, IMG, HANDLER, JS_URL, TEMPLATE)

STORY_ID = "sweb0000000000001"
GROUP_ASSERT = "gweb0000000000001"
GROUP_DENY = "gweb0000000000002"
ARTICLE_ID = "aweb00000000000001"
SPEAKER = f"Kirby {SCRIPT}"
DENIER = f"Envoy {IMG}"
N_FILLER = 60  # more claims by one speaker than one page holds
BULK_STORY = "sweb0000000000002"
BULK_GROUP = "gweb0000000000003"
N_BULK = 55  # a second story with more articles, quantities and group members than one page holds
ENTITY = f"place:dam {SCRIPT}"  # an entity key carrying a payload (and a "/")
LOCAL_PATH = "/home/reporter/private/feeds/bulk/item-000.txt"  # a machine path no page may show


def _hand_built() -> tuple[Article, Annotations]:
    quote = f"The strike on the dam was deliberate {HANDLER} {TEMPLATE}"
    lines = [
        f"Officials met on 3 March 2025 {JS_URL}.",
        f'"{quote}," said {SPEAKER}.',
        f"{DENIER} denied the accusations {SCRIPT}.",
    ]
    lines += [f'"Filler statement number {i} about 40 drones," said Filler Speaker.' for i in range(N_FILLER)]
    text = "\n\n".join(lines)
    claims = []
    q_start = text.index(quote)
    s_start = text.index(SPEAKER)
    claims.append(Claim(id=f"{ARTICLE_ID}:c1", article_id=ARTICLE_ID, start=q_start, end=q_start + len(quote),
                        content=quote, cue="say", kind="direct", direct=True, speaker=SPEAKER, speaker_text=SPEAKER,
                        speaker_start=s_start, speaker_end=s_start + len(SPEAKER),
                        cue_start=text.index("said"), cue_end=text.index("said") + 4, hedged=True,
                        speaker_entity=ENTITY,
                        hedges=(f"reportedly {SCRIPT}",), sentence_start=text.index(f'"{quote}'),
                        sentence_end=s_start + len(SPEAKER) + 1))
    d_line = lines[2]
    d_start = text.index(d_line)
    content = f"the accusations {SCRIPT}"
    c_start = text.index(content, d_start)
    claims.append(Claim(id=f"{ARTICLE_ID}:c2", article_id=ARTICLE_ID, start=c_start, end=c_start + len(content),
                        content=content, cue="deny", kind="indirect", direct=False, polarity="deny",
                        speaker=DENIER, speaker_text=DENIER, speaker_start=d_start, speaker_end=d_start + len(DENIER),
                        sentence_start=d_start, sentence_end=d_start + len(d_line), points_at="the accusations"))
    for i in range(N_FILLER):
        line = lines[3 + i]
        start = text.index(line)
        inner = line[1 : line.index(',"')]
        claims.append(Claim(id=f"{ARTICLE_ID}:f{i}", article_id=ARTICLE_ID, start=start + 1, end=start + 1 + len(inner),
                            content=inner, cue="say", kind="direct", direct=True, speaker="Filler Speaker",
                            sentence_start=start, sentence_end=start + len(line)))
    t_start = text.index("3 March 2025")
    times = (TimeExpr(id=f"{ARTICLE_ID}:t1", article_id=ARTICLE_ID, start=t_start, end=t_start + 12,
                      text="3 March 2025", value="2025-03-03"),)
    q0 = text.index("40 drones")
    quantities = (Quantity(id=f"{ARTICLE_ID}:q1", article_id=ARTICLE_ID, start=q0, end=q0 + 9, text="40 drones",
                           value=40.0, unit="drone"),)
    article = Article(id=ARTICLE_ID, source=f"hand-built {SCRIPT}", text=text, title=f"Dam strike {SCRIPT} {TEMPLATE}",
                      outlet=f"Outlet {IMG}", author=f"Author {HANDLER}", published="2025-03-04",
                      published_source="metadata", raw_sha="web-test",
                      removed_lines=(RemovedLine(text=f"Share on {SCRIPT}", reason="share line"),))
    dam = text.index("dam", q_start)
    entities = (EntityMention(article_id=ARTICLE_ID, start=dam, end=dam + 3, text="dam", label="FAC", entity=ENTITY),)
    return article, Annotations(article_id=ARTICLE_ID, claims=tuple(claims), times=times, quantities=quantities,
                                entities=entities)


def _link_rows(store: object, other_article: str | None) -> None:
    events = [{"date": "2025-03-03", "what": f"The dam was struck {SCRIPT}", "asserted_by": [SPEAKER],
               "sources": [f"Outlet {IMG}"], "reported": ["2025-03-04"], "group_ids": [GROUP_ASSERT],
               "claim_ids": [f"{ARTICLE_ID}:c1"]}]
    with store.transaction() as cur:  # type: ignore[attr-defined]
        cur.execute("INSERT INTO stories (id, title, events, updated_at) VALUES (?, ?, ?, 'now')",
                    (STORY_ID, f"Story {SCRIPT} {TEMPLATE}", json.dumps(events)))
        for aid in filter(None, (ARTICLE_ID, other_article)):
            cur.execute("INSERT INTO story_articles (story_id, article_id) VALUES (?, ?)", (STORY_ID, aid))
        # the principal lists as the linker writes them (link/principals.py): hostile names in every one
        asserted = {"label": f"The dam was struck {SCRIPT}", "asserted_by": [SPEAKER], "denied_by": [DENIER],
                    "contested_by": [f"Contester {IMG}"], "non_denials": [f"Silent {SCRIPT}"]}
        denial = {"label": f"Denied {SCRIPT}", "denied_by": [DENIER]}
        for gid, pol, status, who in ((GROUP_ASSERT, "assert", ["single_source", "disputed"], asserted),
                                      (GROUP_DENY, "deny", ["single_source"], denial)):
            cur.execute("INSERT INTO claim_groups (id, story_id, polarity, status, outlets, independent_origins, "
                        "first_seen, principals, updated_at) VALUES (?, ?, ?, ?, ?, ?, '2025-03-04', ?, 'now')",
                        (gid, STORY_ID, pol, json.dumps(status), json.dumps([f"Outlet {IMG}"]),
                         json.dumps([f"origin {SCRIPT}"]), json.dumps(who)))
        cur.execute("INSERT INTO group_members (claim_id, group_id, article_id, vec) VALUES (?, ?, ?, ?)",
                    (f"{ARTICLE_ID}:c1", GROUP_ASSERT, ARTICLE_ID, b""))
        cur.execute("INSERT INTO group_members (claim_id, group_id, article_id, vec) VALUES (?, ?, ?, ?)",
                    (f"{ARTICLE_ID}:c2", GROUP_DENY, ARTICLE_ID, b""))
        cur.execute("INSERT INTO relations VALUES ('rweb000000000001', 'contradicts', 'dispute', ?, ?, ?)",
                    (GROUP_DENY, GROUP_ASSERT, json.dumps({"how": SCRIPT})))


def _bulk(store: object) -> None:
    """N_BULK short articles in one story and one group, each with a counted quantity and a claim."""
    for i in range(N_BULK):
        aid = f"abulk{i:013d}"
        text = f'"We counted {10 + i % 3} drones {SCRIPT}," said Bulk Speaker {i}.'
        q0 = text.index(f"{10 + i % 3} drones")
        inner = text[1 : text.index(',"')]
        claim = Claim(id=f"{aid}:c1", article_id=aid, start=1, end=1 + len(inner), content=inner, cue="say",
                      kind="direct", direct=True, speaker=f"Bulk Speaker {i}", sentence_start=0, sentence_end=len(text))
        qty = Quantity(id=f"{aid}:q1", article_id=aid, start=q0, end=q0 + len(f"{10 + i % 3} drones"),
                       text=f"{10 + i % 3} drones", value=float(10 + i % 3), unit="drone", claim_id=claim.id)
        source = LOCAL_PATH.replace("000", f"{i:03d}") if i % 2 == 0 else f"https://example.invalid/{i}?{JS_URL}"
        article = Article(id=aid, source=source, text=text, title=f"Bulk {i:02d} {IMG}", outlet=f"Desk {i % 7} {HANDLER}",
                          published=f"2025-{3 + i // 28:02d}-{1 + i % 28:02d}", published_source="metadata",
                          raw_sha=f"bulk-{i}")
        store.save(article, Annotations(article_id=aid, claims=(claim,), quantities=(qty,)))  # type: ignore[attr-defined]
    with store.transaction() as cur:  # type: ignore[attr-defined]
        cur.execute("INSERT INTO stories (id, title, events, updated_at) VALUES (?, ?, '[]', 'now')",
                    (BULK_STORY, f"Bulk story {HANDLER}"))
        cur.execute("INSERT INTO claim_groups (id, story_id, polarity, status, outlets, independent_origins, "
                    "first_seen, updated_at) VALUES (?, ?, 'assert', '[\"corroborated\"]', '[]', '[]', '2025-03-01', 'now')",
                    (BULK_GROUP, BULK_STORY))
        for i in range(N_BULK):
            aid = f"abulk{i:013d}"
            cur.execute("INSERT INTO story_articles (story_id, article_id) VALUES (?, ?)", (BULK_STORY, aid))
            cur.execute("INSERT INTO group_members (claim_id, group_id, article_id, vec) VALUES (?, ?, ?, ?)",
                        (f"{aid}:c1", BULK_GROUP, aid, b""))


def build(path: Path | str, workdir: Path | None = None) -> dict[str, str]:
    """Write the hostile ledger at ``path`` (a file, or a PostgreSQL URL with ``workdir`` for the
    input file); returns the ids the tests open."""
    from crosscheck.pipeline import analyze
    from crosscheck.store import open_store

    record = {
        "url": f"https://example.invalid/{JS_URL}",
        "title": f"Title {SCRIPT} {IMG} {TEMPLATE}",
        "outlet": f"Hostile {HANDLER} News",
        "author": f"Reporter {SCRIPT}",
        "published": "2025-03-05",
        "text": (f"Kirby said the dam was hit {SCRIPT} on Monday.\n\n"
                 f'"We saw {IMG} the drones," said Maria Lopez, a spokeswoman {HANDLER}.\n\n'
                 f"The ministry denied the report {JS_URL} {TEMPLATE}.\n\n"
                 "More than 40 people were missing, officials said."),
    }
    src = (workdir or Path(path).parent) / "hostile.jsonl"
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with open_store(path) as store:
        analyze([str(src)], store)
        piped = next((a.id for a in store.articles()), None)
        article, annotations = _hand_built()
        store.save(article, annotations)
        _link_rows(store, piped)
        _bulk(store)
    return {"story": STORY_ID, "group": GROUP_ASSERT, "deny_group": GROUP_DENY, "article": ARTICLE_ID,
            "claim": f"{ARTICLE_ID}:c1", "piped_article": piped or "", "bulk_story": BULK_STORY,
            "bulk_group": BULK_GROUP, "bulk_article": "abulk0000000000000", "entity": ENTITY}
