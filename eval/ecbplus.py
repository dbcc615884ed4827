"""Story and event clustering on ECB+ train and dev topics: B-cubed P/R/F1.

Each document is read from its tokens, its named entities found with the pipeline's spaCy
model, resolved to keys as the link layer does (``crosscheck.link.entities``), and fed in a
fixed shuffled order to the same incremental, blocked story clusterer the linker uses
(``crosscheck.link.stories.StoryClusterer``), with a content vector per document (the mean
MiniLM vector of its first sentences, where the linker has its claims'). Clusters are scored against the gold topic
(a story) and against the seminal event (ECB+ subtopic: the ``ecb`` and ``ecbplus`` halves
of a topic are two different events of the same kind).

usage: python eval/ecbplus.py [SHARED]
"""

from __future__ import annotations

import csv
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

SPLITS = ("train", "dev")


def _text(path: Path) -> str:
    sents: dict[int, list[str]] = defaultdict(list)
    for m in re.finditer(r'<token t_id="\d+" sentence="(\d+)"[^>]*>([^<]*)</token>', path.read_text(encoding="utf-8")):
        sents[int(m.group(1))].append(m.group(2).replace("&amp;", "&").replace("&quot;", '"').replace("&apos;", "'"))
    return "\n".join(" ".join(sents[k]) for k in sorted(sents))


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 of a clustering against gold labels (same item ids)."""
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for item, c in pred.items():
        by_pred[c].add(item)
    for item, c in gold.items():
        by_gold[c].add(item)
    p = r = 0.0
    for item in pred:
        same_p, same_g = by_pred[pred[item]], by_gold[gold[item]]
        inter = len(same_p & same_g)
        p += inter / len(same_p)
        r += inter / len(same_g)
    n = len(pred)
    p, r = p / n, r / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _content(text: str) -> np.ndarray | None:
    """A document's content vector: the normalised mean MiniLM vector of its first sentences.

    The linker uses the mean vector of an article's claims; ECB+ documents are read without
    the claims stage, so their first sentences (the lead, where news states what happened)
    stand in for them.
    """
    from crosscheck.link import embed
    from crosscheck.link.stories import article_vector

    lines = [line for line in text.split("\n") if line.strip()][:_LEAD]
    return article_vector(embed.encode(lines)) if lines else None


_LEAD = 12  # sentences of a document embedded for its content vector


def run(shared: Path, *, limit: int | None = None, seed: int = 13) -> dict[str, float]:
    """Cluster the ECB+ train+dev documents; returns B-cubed figures against topic and event."""
    from crosscheck.annotate.nlp import load
    from crosscheck.link.entities import key_counts
    from crosscheck.link.stories import StoryClusterer
    from crosscheck.model import EntityMention

    root = shared / "data" / "ecb-plus"
    rows = [r for r in csv.DictReader((root / "doc_manifest.tsv").open(encoding="utf-8"), delimiter="\t")
            if r["split_barhom2019"] in SPLITS]
    random.Random(seed).shuffle(rows)  # arrival order must not follow the topics
    rows = rows[:limit] if limit else rows
    t0 = time.perf_counter()
    nlp = load(disable=("parser", "lemmatizer", "attribute_ruler", "tagger"))
    texts = [_text(root / r["path"]) for r in rows]
    sc = StoryClusterer()
    pred: dict[str, str] = {}
    for r, doc, text in zip(rows, nlp.pipe(texts, batch_size=32), texts, strict=True):
        mentions = [EntityMention(r["doc_id"], e.start_char, e.end_char, e.text, e.label_, None) for e in doc.ents]
        pred[r["doc_id"]] = sc.add(r["doc_id"], key_counts(mentions), _content(text))
    topic = {r["doc_id"]: r["topic"] for r in rows}
    event = {r["doc_id"]: r["subtopic"] for r in rows}
    tp, tr, tf = bcubed(pred, topic)
    ep, er, ef = bcubed(pred, event)
    return {"docs": float(len(rows)), "clusters": float(len(set(pred.values()))),
            "topic_p": round(tp, 4), "topic_r": round(tr, 4), "topic_f1": round(tf, 4),
            "event_p": round(ep, 4), "event_r": round(er, 4), "event_f1": round(ef, 4),
            "seconds": round(time.perf_counter() - t0, 1)}


def main() -> int:
    """Print the table."""
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared"
    res = run(shared)
    print(f"ECB+ train+dev: {int(res['docs'])} docs -> {int(res['clusters'])} stories ({res['seconds']} s)")
    print(f"{'against':<16} {'B3 P':>7} {'B3 R':>7} {'B3 F1':>7}")
    print(f"{'topic (story)':<16} {res['topic_p']:>7.3f} {res['topic_r']:>7.3f} {res['topic_f1']:>7.3f}")
    print(f"{'seminal event':<16} {res['event_p']:>7.3f} {res['event_r']:>7.3f} {res['event_f1']:>7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
