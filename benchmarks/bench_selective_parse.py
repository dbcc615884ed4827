"""Would parsing only the sentences that need a parse make `analyze` faster? (issue 3, speed)

    python benchmarks/bench_selective_parse.py [--every 11] [--limit 200]

Measures, on a sample of the BBC corpus, the CPU seconds of spaCy's statistical components as
`analyze` runs them (paragraph by paragraph, attribute ruler and lemmatizer memoised apart), and of
the selective alternative: tok2vec, tagger and NER on every paragraph, the ``senter`` component for
sentence boundaries, and the parser only on the sentences picked by a cheap test, each parsed as its
own Doc that carries its slice of the paragraph's tok2vec output. Two pickers:

- claims: a quote mark, "according", or a cue verb form tagged as a verb - what the claim rules need;
- claims + numbers: also every sentence with a number, which the time and quantity rules read
  dependencies for ("2000 people" is not a year because of its ``nummod`` arc).

It also reports how many tokens each picker leaves to the parser, and how many would be left once the
speaker registry's evidence (appositions, organisation subjects, role nouns anywhere in the article)
is kept too. The selective timing leaves out copying heads and labels back into the article's Doc,
so it is a lower bound on that path's cost. Writes benchmarks/results/selective_parse.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--every", type=int, default=11, help="take every Nth BBC file (default 11)")
    ap.add_argument("--limit", type=int, default=200)
    args = ap.parse_args()

    import spacy

    from crosscheck.annotate.cues import _inflections, is_quote_mark, lexicon
    from crosscheck.annotate.nlp import DEFAULT_MODEL, paragraphs

    corpus = Path(os.environ.get("CROSSCHECK_SHARED", ROOT.parent / "shared")) / "data" / "bbc-news-fulltext"
    files = sorted(corpus.rglob("*.txt"))[:: args.every][: args.limit]
    if not files:
        print(f"no BBC files under {corpus}", file=sys.stderr)
        return 2
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    pieces = [p for t in texts for _, p in paragraphs(t)]
    lex = lexicon()
    cue_forms = {f for lemma in lex.verbs for f in _inflections(lemma)} | set(lex.speech_nouns)
    nlp = spacy.load(DEFAULT_MODEL)
    nlp.enable_pipe("senter")
    parser: Any = nlp.get_pipe("parser")

    def claims_test(sent: Any) -> bool:
        return any((t.tag_.startswith("VB") and t.lower_ in cue_forms) or t.lower_ == "according"
                   or is_quote_mark(t.text) for t in sent)

    def numbers_test(sent: Any) -> bool:
        return claims_test(sent) or any(t.like_num for t in sent)

    def full() -> float:
        started = time.process_time()
        for _ in nlp.pipe(pieces, batch_size=64, disable=["senter", "attribute_ruler", "lemmatizer"]):
            pass
        return time.process_time() - started

    def selective(test: Any) -> tuple[float, float]:
        started = time.process_time()
        docs = list(nlp.pipe(pieces, batch_size=64, disable=["parser", "attribute_ruler", "lemmatizer"]))
        picked = [s.as_doc() for d in docs for s in d.sents if test(s)]
        for _ in parser.pipe(picked, batch_size=64):
            pass
        share = sum(len(p) for p in picked) / max(1, sum(len(d) for d in docs))
        return time.process_time() - started, share

    full()  # warm-up: vocabulary and caches
    runs: dict[str, list[float]] = {"full": [], "claims": [], "claims_numbers": []}
    shares: dict[str, float] = {}
    for _ in range(2):
        runs["full"].append(full())
        secs, shares["claims"] = selective(claims_test)
        runs["claims"].append(secs)
        secs, shares["claims_numbers"] = selective(numbers_test)
        runs["claims_numbers"].append(secs)
    # what the speaker registry reads besides: role nouns, organisation and person names anywhere
    parsed = list(nlp.pipe(pieces, batch_size=64, disable=["senter"]))
    total = kept = 0
    for d in parsed:
        for s in d.sents:
            total += len(s)
            if numbers_test(s) or any(t.lower_ in lex.role_words or t.lower_ in lex.nouns for t in s) \
                    or any(e.label_ in {"ORG", "GPE", "NORP", "PERSON"} for e in s.ents):
                kept += len(s)
    shares["claims_numbers_speakers"] = kept / max(1, total)
    words = sum(len(t.split()) for t in texts)
    best = {k: min(v) for k, v in runs.items()}
    out = {"articles": len(texts), "words": words, "cpu_seconds_best_of_2": best,
           "share_of_tokens_parsed": shares,
           "saving_vs_full": {k: 1 - best[k] / best["full"] for k in ("claims", "claims_numbers")}}
    print(json.dumps(out, indent=2))
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "selective_parse.json").write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
