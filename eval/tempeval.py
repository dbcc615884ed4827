"""TempEval-3 (TBAQ-cleaned training data): time expression spans and TIMEX3 values.

usage: .venv/bin/python eval/tempeval.py [--part dev|tune|all] [--json OUT] [--errors N]

Data: $CROSSCHECK_SHARED/data/tempeval-3/Training/TBAQ-cleaned/{TimeBank,AQUAINT}/*.tml (256 documents;
see that folder's SOURCE.md). Each document's text is the content of <TEXT> with the markup removed;
its reference date is the DCT (``published_source="metadata"``), as TempEval-3 gives it to systems.
The DCT timex itself is not scored, as in TempEval-3.

Parts (fixed, deterministic): the documents sorted by their path relative to TBAQ-cleaned
("AQUAINT/..." before "TimeBank/..."); ``dev`` is every document whose index in that order is
divisible by 5 (52 documents), ``tune`` the other 204. Rules are tuned on ``tune`` only; ``dev``
is the number the eval gate pins.

Metrics, as the TempEval-3 scorer defines them:
- span strict P/R/F1: a system timex counts when its span equals a gold span exactly;
- span relaxed P/R/F1: when it overlaps a gold span (one-to-one, in text order);
- value accuracy: among relaxed matches, the share with the identical value;
- value F1: a hit needs an overlapping span and the identical value; P over system timexes, R over gold.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class GoldDoc:
    """One TempEval document: plain text, DCT, gold timexes as (start, end, type, value)."""

    name: str
    text: str
    dct: str
    timexes: tuple[tuple[int, int, str, str], ...]


def read_tml(path: Path, name: str) -> GoldDoc:
    """Parse one .tml file into plain text with gold TIMEX3 offsets."""
    raw = path.read_text("utf-8")
    dct_m = re.search(r"<DCT>.*?value=\"([^\"]+)\"", raw, re.S)
    dct = dct_m.group(1)[:10] if dct_m else ""
    body_m = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
    body = body_m.group(1) if body_m else ""
    out: list[str] = []
    pos = 0
    length = 0
    open_timex: list[tuple[int, dict[str, str]]] = []
    timexes: list[tuple[int, int, str, str]] = []
    for m in _TAG.finditer(body):
        piece = html.unescape(body[pos : m.start()])
        out.append(piece)
        length += len(piece)
        pos = m.end()
        closing, tag, attrs = m.group(1), m.group(2), m.group(3)
        if tag != "TIMEX3":
            continue
        if not closing:
            open_timex.append((length, dict(_ATTR.findall(attrs))))
        elif open_timex:
            start, a = open_timex.pop()
            timexes.append((start, length, a.get("type", ""), a.get("value", "")))
    out.append(html.unescape(body[pos:]))
    return GoldDoc(name, "".join(out), dct, tuple(sorted(timexes)))


def documents(shared: Path, part: str = "dev") -> list[GoldDoc]:
    """The documents of one part (``dev``, ``tune`` or ``all``), in the fixed order."""
    base = shared / "data" / "tempeval-3" / "Training" / "TBAQ-cleaned"
    paths = sorted(p.relative_to(base).as_posix() for p in base.glob("*/*.tml"))
    chosen = [p for i, p in enumerate(paths) if part == "all" or (i % 5 == 0) == (part == "dev")]
    return [read_tml(base / p, p) for p in chosen]


def predict(docs: list[GoldDoc]) -> list[list[tuple[int, int, str, str | None]]]:
    """Our time expressions for each document: (start, end, type, value)."""
    from crosscheck.annotate.nlp import load, parse_many
    from crosscheck.annotate.times import extract_times
    from crosscheck.model import Article

    nlp = load()
    out = []
    for d, doc in zip(docs, parse_many(nlp, [d.text for d in docs]), strict=True):
        art = Article(id=d.name, source=d.name, text=d.text, published=d.dct, published_source="metadata")
        out.append([(t.start, t.end, t.type, t.value) for t in extract_times(doc, art)])
    return out


def _prf(hit: int, sys_n: int, gold_n: int) -> tuple[float, float, float]:
    p = hit / sys_n if sys_n else 0.0
    r = hit / gold_n if gold_n else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(
    docs: list[GoldDoc], preds: list[list[tuple[int, int, str, str | None]]], errors: list[str] | None = None
) -> dict[str, float]:
    """TempEval-3 style span and value scores over all documents."""
    n_sys = n_gold = strict = relaxed = value_hits = 0
    for d, pred in zip(docs, preds, strict=True):
        n_sys += len(pred)
        n_gold += len(d.timexes)
        used: set[int] = set()
        for s, e, _t, v in pred:
            match = next((i for i, g in enumerate(d.timexes) if i not in used and s < g[1] and g[0] < e), None)
            if match is None:
                if errors is not None:
                    errors.append(f"FP  {d.name}: {d.text[s:e]!r} -> {v}")
                continue
            used.add(match)
            g = d.timexes[match]
            relaxed += 1
            strict += (s, e) == (g[0], g[1])
            value_hits += v == g[3]
            if errors is not None and v != g[3]:
                errors.append(f"VAL {d.name} dct={d.dct}: {d.text[s:e]!r} -> {v} gold {d.text[g[0] : g[1]]!r} {g[3]}")
            elif errors is not None and (s, e) != (g[0], g[1]):
                errors.append(f"SPN {d.name}: {d.text[s:e]!r} gold {d.text[g[0] : g[1]]!r}")
        if errors is not None:
            for i, g in enumerate(d.timexes):
                if i not in used:
                    errors.append(f"FN  {d.name} dct={d.dct}: {d.text[g[0] : g[1]]!r} {g[2]} {g[3]}")
    sp, sr, sf = _prf(strict, n_sys, n_gold)
    rp, rr, rf = _prf(relaxed, n_sys, n_gold)
    _vp, _vr, vf = _prf(value_hits, n_sys, n_gold)
    return {
        "strict_p": sp,
        "strict_r": sr,
        "strict_f1": sf,
        "relaxed_p": rp,
        "relaxed_r": rr,
        "relaxed_f1": rf,
        "value_accuracy": value_hits / relaxed if relaxed else 0.0,
        "value_f1": vf,
    }


def run(shared: Path, part: str = "dev", errors: list[str] | None = None) -> dict[str, float]:
    """Score one part; the eval gate calls this with the default ``dev`` part."""
    docs = documents(shared, part)
    if not docs:
        raise FileNotFoundError(f"no TempEval-3 documents under {shared / 'data' / 'tempeval-3'}")
    return score(docs, predict(docs), errors)


def main(argv: list[str] | None = None) -> int:
    """Print the table (and optionally write it as JSON)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=["dev", "tune", "all"], default="dev")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--errors", type=int, default=0, help="print up to N errors (use on the tune part)")
    args = ap.parse_args(argv)
    shared = Path(os.environ.get("CROSSCHECK_SHARED", ROOT.parent / "shared")).resolve()
    errs: list[str] | None = [] if args.errors else None
    res = run(shared, args.part, errs)
    print(f"TempEval-3 TBAQ-cleaned, part {args.part}")
    print(f"{'':18}{'P':>7}{'R':>7}{'F1':>7}")
    for kind in ("strict", "relaxed"):
        print(f"span {kind:<13}{res[kind + '_p']:7.3f}{res[kind + '_r']:7.3f}{res[kind + '_f1']:7.3f}")
    print(f"value accuracy    {res['value_accuracy']:7.3f}")
    print(f"value F1          {res['value_f1']:7.3f}")
    if errs:
        for line in errs[: args.errors]:
            print(line)
    if args.json:
        args.json.write_text(json.dumps({"part": args.part, **res}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
