"""Train the attribution tagger (``crosscheck.annotate.tagger``) on PolNeAR train.

    python eval/train_attribution.py [--out PATH] [--c1 X] [--c2 X] [--iterations N]
                                     [--tune-only] [--cache DIR]

Data: ../shared/data/polnear/train (the first annotator file of each article, as eval/polnear.py
reads it). The **tuning part** is the same slice ``eval/polnear.py --tune`` scores: every tenth
article of train by name (``names[9::10]``, 84 articles, all seven outlets). It is never trained
on; every choice (features, regularisation, the merge threshold) was made on it. Dev is only
scored, by ``eval/polnear.py``. The model is trained on the other nine tenths.

Labels: BIO over CUE / SOURCE / CONTENT per token (a discontinuous gold span labels each of its
pieces; a token that overlaps a gold piece takes its role, cue before source before content).
Units: paragraphs (the text between newlines), all of them in training, only those passing the
claims stage's cheap test at inference. Training is deterministic: crfsuite's L-BFGS has no
randomness and the articles are read in name order.

The weights go to ``src/crosscheck/data/attribution.crfsuite.xz`` (package data, xz-compressed). Parses are cached
under ``--cache`` (default: a temporary directory; the cache is outside the repository and holds
PolNeAR parses, never shipped).
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "eval"))
import polnear  # noqa: E402

OUT = ROOT / "src" / "crosscheck" / "data" / "attribution.crfsuite.xz"
ORDER = {"Cue": 0, "Source": 1, "Content": 2}


def pieces(path: Path) -> list[tuple[str, int, int, str]]:
    """(role, start, end, span id) of every piece of every gold span of one .ann file."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line.startswith("T"):
            continue
        tid, mid = line.split("\t")[:2]
        label, _, spec = mid.partition(" ")
        if label not in ORDER:
            continue
        for part in spec.split(";"):
            a, b = (int(x) for x in part.split())
            out.append((label, a, b, tid))
    return out


def gold_labels(doc: object, ann: list[tuple[str, int, int, str]]) -> list[str]:
    """BIO labels of every token of ``doc`` from the gold pieces."""
    toks = list(doc)  # type: ignore[call-overload]
    labels = ["O"] * len(toks)
    owner: list[tuple[int, str] | None] = [None] * len(toks)
    starts = [t.idx for t in toks]
    import bisect

    for label, a, b, tid in sorted(ann, key=lambda x: (ORDER[x[0]], x[1])):
        lo = max(bisect.bisect_right(starts, a) - 1, 0)
        first = True
        for i in range(lo, len(toks)):
            t = toks[i]
            if t.idx >= b:
                break
            if t.idx + len(t.text) <= a or (t.is_space and not a < t.idx < b - len(t.text)):
                continue  # whitespace labels only inside a span ("Clinton  was": one span, not two)
            if owner[i] is not None and ORDER[label] >= owner[i][0]:  # type: ignore[index]
                first = False
                continue
            role = label.upper()
            labels[i] = ("B-" if first else "I-") + role
            owner[i] = (ORDER[label], tid)
            first = False
    # a run continuing into a token owned by another span of the same role must restart with B-
    for i in range(1, len(toks)):
        if labels[i].startswith("I-") and (owner[i - 1] is None or owner[i - 1][1] != owner[i][1]):  # type: ignore[index]
            labels[i] = "B-" + labels[i][2:]
    return labels


def ann_paths(split: str) -> dict[str, Path]:
    base = polnear.shared_dir() / "data" / "polnear" / split / "attributions"
    anns: dict[str, Path] = {}
    for p in sorted(base.glob("*.ann")):
        anns.setdefault(p.stem.rsplit("_", 1)[0], p)
    return anns


def parsed(split: str, cache: Path) -> list[tuple[str, str, object]]:
    """(name, text, parsed Doc) for every article of ``split`` whose .ann file reads, in name order."""
    from spacy.tokens import DocBin

    from crosscheck.annotate.nlp import load, parse_many

    docs = polnear.load_split(polnear.shared_dir(), split)
    path = cache / f"{split}.spacy"
    nlp = load()
    if path.exists():
        out = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        out = list(parse_many(nlp, [d.text for d in docs]))
        db = DocBin(store_user_data=False)
        for d in out:
            db.add(d)
        path.parent.mkdir(parents=True, exist_ok=True)
        db.to_disk(path)
    if len(out) != len(docs) or any(a.text != b.text for a, b in zip(docs, out, strict=True)):  # type: ignore[attr-defined]
        raise SystemExit(f"{path}: stale parse cache, delete it")
    return [(d.name, d.text, p) for d, p in zip(docs, out, strict=True)]


def learn_cues(labelled: list[tuple[object, list[str]]], minimum: int, rate: float) -> frozenset[str]:
    """Lemmas that head a gold cue at least ``minimum`` times and in at least ``rate`` of their uses."""
    from collections import Counter

    from spacy.lang.en.stop_words import STOP_WORDS

    seen: Counter[str] = Counter()
    cue: Counter[str] = Counter()
    for doc, labels in labelled:
        for tok, lab in zip(doc, labels, strict=True):  # type: ignore[call-overload]
            if tok.is_punct or tok.is_space:
                continue
            lemma = tok.lemma_.lower()
            seen[lemma] += 1
            if lab.endswith("CUE") and tok.pos_ in ("VERB", "NOUN", "ADJ", "ADP"):
                cue[lemma] += 1
    return frozenset(w for w, n in cue.items() if n >= minimum and n >= rate * seen[w] and w.isalpha()
                     and w not in STOP_WORDS)


def tuning_part() -> set[str]:
    """The tuning part: every tenth article of train by name, as ``polnear.py --tune`` takes it."""
    return set(sorted(ann_paths("train"))[9::10])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--c1", type=float, default=0.1)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--minfreq", type=float, default=2)
    ap.add_argument("--cue-min", type=int, default=3)
    ap.add_argument("--cue-rate", type=float, default=0.2)
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get(
        "CROSSCHECK_POLNEAR_CACHE", Path(tempfile.gettempdir()) / "crosscheck-polnear-parses")))
    args = ap.parse_args(argv)
    import pycrfsuite

    from crosscheck.annotate.claims import body_start, rule_cands
    from crosscheck.annotate.claims_merge import hints
    from crosscheck.annotate.cues import lexicon
    from crosscheck.annotate.quotes import find_quotes
    from crosscheck.annotate.tagger import CUES, doc_columns, hint_roles, paragraph_units, token_features
    from crosscheck.model import Article

    t0 = time.perf_counter()
    arts = parsed("train", args.cache)
    anns = ann_paths("train")
    tune = tuning_part()
    lex = lexicon()
    labelled = [(name, text, doc, gold_labels(doc, pieces(anns[name]))) for name, text, doc in arts
                if name not in tune]
    learned = learn_cues([(doc, labels) for _, _, doc, labels in labelled], args.cue_min, args.cue_rate)
    cues_out = args.out.with_name(CUES)
    about = (f"lemmas marked as attribution cues in PolNeAR train (the training part), at least {args.cue_min} "
             f"times and in at least {100 * args.cue_rate:.0f}% of their uses; see docs/models/attribution.md")
    cues_out.write_text(json.dumps({"about": about, "lemmas": sorted(learned)}, indent=0) + "\n")
    trainer = pycrfsuite.Trainer(verbose=False)
    n_units = n_tokens = 0
    for name, text, doc, labels in labelled:
        quotes = find_quotes(text)
        art = Article(id=name, source=name, text=text)
        found = rule_cands(doc, art, lex, quotes, body_start(art))  # type: ignore[arg-type]
        roles = hint_roles(doc_columns(doc), hints(found))  # type: ignore[arg-type]
        cols = doc_columns(doc)  # type: ignore[arg-type]
        for s, e in paragraph_units(doc, all_units=True, cols=cols):  # type: ignore[arg-type]
            if all(re.fullmatch(r"\s*", doc[i].text) for i in range(s, e)):  # type: ignore[index]
                continue
            trainer.append(token_features(doc, s, e, lex, quotes, learned, cols, roles), labels[s:e])  # type: ignore[arg-type]
            n_units += 1
            n_tokens += e - s
    print(f"features: {sum(1 for n, _, _ in arts if n not in tune)} articles, {n_units} paragraphs, {n_tokens} tokens, "
          f"{time.perf_counter() - t0:.0f}s", flush=True)
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
                        "feature.possible_transitions": True, "feature.minfreq": args.minfreq})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "model.crfsuite"
        trainer.train(str(raw))
        size = raw.stat().st_size
        # xz without a timestamp: the same model gives the same bytes
        args.out.write_bytes(lzma.compress(raw.read_bytes(), preset=9))
    last = trainer.logparser.last_iteration
    print(f"trained: {last.get('num', '?')} iterations, loss {last.get('loss', 0):.0f}, "
          f"{size / 1e6:.1f} MB ({args.out.stat().st_size / 1e6:.1f} MB compressed), "
          f"{time.perf_counter() - t0:.0f}s total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
