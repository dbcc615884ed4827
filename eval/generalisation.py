"""Who said what on articles no rule was written from: 32 hand-annotated BBC, Reuters and FNC-1 texts.

usage: .venv/bin/python eval/generalisation.py [--json OUT]        # score the current code
       .venv/bin/python eval/generalisation.py build SHEET        # an annotation sheet -> the gold
       .venv/bin/python eval/generalisation.py show [DOC]         # the gold with its anchors rebuilt

The gold (eval/data/generalisation.gold.json, described in eval/README.md) holds no article text:
each claim points into the shared data by document and character offsets, with a sha256 of the
anchor so that a changed source is caught instead of scored. At eval time the suite reads the texts
from $CROSSCHECK_SHARED, rebuilds the anchors, writes a gold JSON in the seeds' schema (documents,
claims, and the seeds' own ``acceptance.ledger`` thresholds read from seeds.gold.json, never a copy)
into a temporary directory, analyzes and links the 32 articles there, exports the ledger, and scores
it with the reference scorer ../shared/tools/seedscore.py, parts ``clean`` (every anchor still in the
cleaned text) and ``claims``.

Source texts, the frame of the offsets:
- ``bbc``: the file under data/bbc-news-fulltext, decoded as UTF-8 (title line, blank line, body);
- ``reuters``: the BODY element of the story with that NEWID in the named reut2-*.sgm file, read as
  latin-1, entities unescaped, control characters dropped (nothing else changed);
- ``fnc1``: the ``articleBody`` of that ``Body ID`` in data/fnc-1/train_bodies.csv.
An anchor is the source span with its whitespace runs collapsed to one space; its sha256 is taken
over that string's UTF-8 bytes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import re
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "eval"))

from suites import export_of, seedscore, shared_dir  # noqa: E402

GOLD = ROOT / "eval" / "data" / "generalisation.gold.json"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_FOLD = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-",
                       "\u00a0": " "})


class AnchorDrift(RuntimeError):
    """A gold anchor no longer matches its source text (the shared data changed)."""


def load_gold(path: Path = GOLD) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def data_paths(shared: Path, gold: dict[str, Any] | None = None) -> list[Path]:
    """Every file the suite reads: the sources, the seeds' gold (thresholds) and the scorer."""
    gold = gold if gold is not None else load_gold()
    sources = sorted({shared / d["source"] for d in gold["documents"].values()})
    return [*sources, GOLD, shared / "corpus" / "seeds.gold.json", shared / "tools" / "seedscore.py"]


@cache
def _sgm_stories(path: Path) -> dict[str, tuple[str, str]]:
    """NEWID -> (title, body) of one Reuters SGML file, entities unescaped, control characters dropped."""
    out: dict[str, tuple[str, str]] = {}
    for doc in re.findall(r"<REUTERS\b.*?</REUTERS>", path.read_text(encoding="latin-1"), re.S):
        newid = re.search(r'NEWID="(\d+)"', doc)
        body = re.search(r"<BODY>(.*?)</BODY>", doc, re.S)
        title = re.search(r"<TITLE>(.*?)</TITLE>", doc, re.S)
        if newid and body:
            out[newid.group(1)] = (_CONTROL.sub("", html.unescape(title.group(1))) if title else "",
                                   _CONTROL.sub("", html.unescape(body.group(1))))
    return out


@cache
def _fnc_bodies(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}


def source_text(shared: Path, doc: dict[str, Any]) -> str:
    """The text a document's offsets point into (see the module docstring)."""
    path = shared / doc["source"]
    if doc["kind"] == "bbc":
        return path.read_bytes().decode("utf-8")
    if doc["kind"] == "reuters":
        return _sgm_stories(path)[doc["newid"]][1]
    if doc["kind"] == "fnc1":
        return _fnc_bodies(path)[doc["body_id"]]
    raise ValueError(f"unknown document kind {doc['kind']!r}")


def article_text(shared: Path, doc: dict[str, Any]) -> str:
    """What the pipeline is given: the BBC file as it is; a Reuters story as its title-cased headline and
    its paragraphs (the layout benchmarks/reuters.py gives), the "Reuter" signature dropped; an FNC-1 body
    as it is (FNC-1 bodies have no headline of their own)."""
    if doc["kind"] != "reuters":
        return source_text(shared, doc)
    title, body = _sgm_stories(shared / doc["source"])[doc["newid"]]
    body = re.sub(r"\s*\bReuter\s*$", "", body.strip(), flags=re.I)
    paras = [" ".join(p.split()) for p in re.split(r"\n\s{3,}", body)]
    return "\n\n".join([" ".join(title.split()).title(), *[p for p in paras if p]]) + "\n"


def squash(span: str) -> str:
    return " ".join(span.split())


def digest(anchor: str) -> str:
    return hashlib.sha256(anchor.encode("utf-8")).hexdigest()


def anchor_of(text: str, claim: dict[str, Any]) -> str:
    """The claim's anchor rebuilt from its source; AnchorDrift when the text moved under it."""
    anchor = squash(text[claim["start"]:claim["end"]])
    if not anchor or digest(anchor) != claim["sha256"]:
        raise AnchorDrift(f"{claim['id']}: the text at {claim['start']}-{claim['end']} of {claim['doc']} "
                          f"no longer matches the annotated anchor (sha256 differs)")
    return anchor


def seeds_gold(shared: Path, gold: dict[str, Any] | None = None) -> dict[str, Any]:
    """The gold in the seeds' schema, anchors rebuilt, with the seeds' own ledger thresholds."""
    gold = gold if gold is not None else load_gold()
    seeds = json.loads((shared / "corpus" / "seeds.gold.json").read_text(encoding="utf-8"))
    texts = {name: source_text(shared, d) for name, d in gold["documents"].items()}
    claims = [{"id": c["id"], "doc": c["doc"], "speaker": c["speaker"], "speaker_aliases": c["speaker_aliases"],
               "cue": c["cue"], "anchor": anchor_of(texts[c["doc"]], c), "polarity": c["polarity"],
               "direct": c["direct"], "level": c["level"]} for c in gold["claims"]]
    return {"about": gold["about"], "acceptance": {"ledger": seeds["acceptance"]["ledger"]},
            "documents": {name: {"source": d["source"]} for name, d in gold["documents"].items()},
            "claims": claims, "boilerplate_lines": {}, "boilerplate_prefixes": {}, "times": [], "quantities": []}


def write_articles(shared: Path, gold: dict[str, Any], into: Path) -> Path:
    """One .txt per document, named by its id (seedscore matches articles by the source's stem)."""
    into.mkdir(parents=True, exist_ok=True)
    for name, doc in gold["documents"].items():
        (into / f"{name}.txt").write_text(article_text(shared, doc), encoding="utf-8")
    return into


def ratios(export: Path, gold: dict[str, Any]) -> dict[str, float]:
    """Reported beside the scorer's rows: predicted claims per gold claim, over the set and the worst article."""
    data = json.loads(export.read_text(encoding="utf-8"))
    ids = {Path(str(a.get("source") or "")).stem: a.get("id") for a in data.get("articles", [])}
    per_doc = {name: sum(1 for c in data.get("claims", []) if c.get("article_id") == ids.get(name))
               for name in gold["documents"]}
    n_gold = {name: sum(1 for c in gold["claims"] if c["doc"] == name) for name in gold["documents"]}
    return {"n_claims_per_gold_claim": sum(per_doc.values()) / max(sum(n_gold.values()), 1),
            "n_claims_per_gold_claim_worst_article": max(per_doc[n] / max(n_gold[n], 1) for n in per_doc),
            "n_predicted_claims": float(sum(per_doc.values()))}


def run(shared: Path) -> dict[str, float]:
    gold = load_gold()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        gold_path = work / "generalisation.gold.json"
        gold_path.write_text(json.dumps(seeds_gold(shared, gold), ensure_ascii=False), encoding="utf-8")
        export = export_of([str(write_articles(shared, gold, work / "articles"))], work)
        out = seedscore(export, gold_path, ["clean", "claims"], shared)
        return out | ratios(export, gold)


# --- annotation sheets -----------------------------------------------------------------------------
# A sheet is the annotator's working file, kept OUTSIDE the repository (it holds article text): one
# claim a line, "doc | speaker | alias;alias | cue | anchor | a/d | 0/1 | c/e", '#' for comments, with
# doc one of bbc/<section>/<nnn>, reu/<reut2-xxx.sgm>/<NEWID>, fnc/<Body ID>. `build` finds each
# anchor in its source (case, quote style and whitespace folded; the first occurrence) and writes
# the gold with offsets and digests only.

_KINDS = {"bbc": "bbc", "reu": "reuters", "fnc": "fnc1"}


def _doc_of(ref: str) -> tuple[str, dict[str, Any]]:
    kind, *rest = ref.split("/")
    if kind == "bbc":
        return f"bbc-{rest[0]}-{rest[1]}", {"kind": "bbc", "source": f"data/bbc-news-fulltext/{rest[0]}/{rest[1]}.txt"}
    if kind == "reu":
        return f"reuters-{rest[1]}", {"kind": "reuters", "source": f"data/reuters-21578/{rest[0]}", "newid": rest[1]}
    if kind == "fnc":
        return f"fnc1-{rest[0]}", {"kind": "fnc1", "source": "data/fnc-1/train_bodies.csv", "body_id": rest[0]}
    raise ValueError(f"unknown document reference {ref!r} (want one of {', '.join(_KINDS)})")


def locate(text: str, anchor: str) -> tuple[int, int]:
    """Offsets of the first occurrence of ``anchor`` in ``text``, case, quotes and whitespace folded."""
    folded = text.translate(_FOLD).lower()  # one character for one: offsets survive the folding
    words = anchor.translate(_FOLD).lower().split()
    m = re.search(r"\s+".join(re.escape(w) for w in words), folded)
    if not m:
        raise ValueError(f"anchor not found: {anchor!r}")
    return m.start(), m.end()


def build(sheet: Path, shared: Path, meta: dict[str, Any]) -> dict[str, Any]:
    documents: dict[str, dict[str, Any]] = {}
    claims: list[dict[str, Any]] = []
    for n, line in enumerate(sheet.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("|")]
        if len(fields) != 8:
            raise ValueError(f"{sheet}:{n}: want 8 fields, got {len(fields)}")
        ref, speaker, aliases, cue, anchor, pol, direct, level = fields
        name, doc = _doc_of(ref)
        documents.setdefault(name, doc)
        text = source_text(shared, doc)
        start, end = locate(text, anchor)
        seen = sum(1 for c in claims if c["doc"] == name)
        claims.append({"id": f"{name}-{seen + 1}", "doc": name, "speaker": speaker,
                       "speaker_aliases": [a.strip() for a in aliases.split(";") if a.strip()], "cue": cue,
                       "start": start, "end": end, "sha256": digest(squash(text[start:end])),
                       "polarity": {"a": "assert", "d": "deny"}[pol], "direct": direct == "1",
                       "level": {"c": "core", "e": "extended"}[level]})
    return {**meta, "documents": documents, "claims": claims}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", nargs="?", default="score", choices=["score", "build", "show"])
    ap.add_argument("arg", nargs="?", help="build: the annotation sheet; show: one document id")
    ap.add_argument("--json", type=Path, help="score: write the metrics here as JSON")
    args = ap.parse_args(argv)
    shared = shared_dir()
    if args.command == "build":
        old = load_gold() if GOLD.exists() else {}
        meta = {k: v for k, v in old.items() if k not in ("documents", "claims")}
        gold = build(Path(args.arg), shared, meta)
        GOLD.parent.mkdir(parents=True, exist_ok=True)
        GOLD.write_text(json.dumps(gold, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{GOLD}: {len(gold['documents'])} documents, {len(gold['claims'])} claims")
        return 0
    missing = [p for p in data_paths(shared) if not p.exists()]
    if missing:
        print(f"generalisation: data missing ({missing[0]}); set CROSSCHECK_SHARED", file=sys.stderr)
        return 2
    if args.command == "show":
        for c in seeds_gold(shared)["claims"]:
            if args.arg in (None, c["doc"]):
                print(f"{c['id']:<28} {c['level']:<8} {c['polarity']:<6} {'D' if c['direct'] else '-'} "
                      f"{c['speaker']} [{c['cue']}] {c['anchor']}")
        return 0
    out = run(shared)
    for k, v in sorted(out.items()):
        print(f"{k:<45} {v:.4f}")
    if args.json:
        args.json.write_text(json.dumps({k: round(v, 4) for k, v in out.items()}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
