"""A seeded generator of hostile inputs for ``crosscheck analyze`` (issue 15), and the check of a run.

``write_batch(rng, out, n, bases)`` writes ``n`` hostile inputs of the kinds in the issue's table
(binary, encodings, huge, broken HTML and JSONL, control characters, odd names, mutated real
articles, empty files) into the directory ``out``, with good control articles mixed in, and
returns what each input is expected to give: ``Case(source, expect)`` where ``source`` is the
name the run reports it by and ``expect`` is "control" (must be stored), "bad" (must be named on
exactly one ``skipped`` line) or "either" (stored, or named once: never both, never neither).

Nothing here is committed as data: every file is made at test time from the seed.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from crosscheck.ingest.files import shown

Expect = str  # "control" | "bad" | "either"


@dataclass(frozen=True)
class Case:
    source: str  # as the run names it (escaped file name, "#n" for a JSONL line)
    expect: Expect
    kind: str


SENTENCES = (
    "The ministry said on Tuesday that {n} people had been moved from the coast.",
    "Officials denied the report, calling it false and misleading.",
    "A spokesman for the port authority told reporters that talks would resume next week.",
    "The agency said the figures were provisional and could rise.",
    "Opposition leaders accused the government of hiding the true cost of the plan.",
    "\u201cWe will not accept these terms,\u201d the union leader said.",
    "According to the report, {n} containers were handled in March.",
    "The company rejected the claims and said it had followed every rule.",
)
PLACES = ("Valdren", "Ostrava Bay", "Kelmouth", "Tarsis", "Norhaven", "Pelloria", "Ambrin", "Castel Rook")


def synthetic_article(rng: random.Random, i: int) -> str:
    """A short, plainly good English article, different for each ``i``."""
    place = PLACES[i % len(PLACES)]
    body = " ".join(rng.choice(SENTENCES).format(n=rng.randint(10, 99_999)) for _ in range(rng.randint(3, 7)))
    return f"{place} officials dispute figures {i}\n\nThe council of {place} met on Monday. {body}\n"


def base_texts(shared: Path | None, demo: Path, limit: int = 400) -> list[str]:
    """Real articles to control with and to mutate: BBC News (../shared) when present, else the demo."""
    files: list[Path] = []
    bbc = shared / "data" / "bbc-news-fulltext" if shared else None
    if bbc and bbc.is_dir():
        files = sorted(bbc.rglob("*.txt"))
        files = [f for f in files if f.name[0].isdigit()][:limit]
    if not files:
        files = sorted(p for p in demo.glob("*.txt"))
    return [f.read_text(encoding="utf-8", errors="replace") for f in files]


# --- the hostile kinds: each writes files under ``d`` named from ``stem`` and returns its cases ---

Maker = Callable[[random.Random, Path, str, list[str]], list[Case]]


def _put(d: Path, name: str | bytes, data: bytes) -> str:
    path = os.path.join(os.fsencode(d), name if isinstance(name, bytes) else os.fsencode(name))
    with open(path, "wb") as fh:
        fh.write(data)
    return shown(os.fsdecode(path))


def binary(rng: random.Random, d: Path, stem: str, bases: list[str]) -> list[Case]:
    heads = [b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"\x7fELF\x02\x01\x01", b"%PDF-1.7\n", b"\x1f\x8b\x08", b"GIF89a",
             b"\xff\xd8\xff\xe0", b""]
    data = rng.choice(heads) + rng.randbytes(rng.randint(1, 4000))
    if b"\x00" not in data:
        data += b"\x00"
    suffix = rng.choice([".txt", ".html", ".htm", ".text"])
    return [Case(_put(d, stem + suffix, data), "bad", "binary")]


def encodings(rng: random.Random, d: Path, stem: str, bases: list[str]) -> list[Case]:
    text = rng.choice(bases)
    choice = rng.randrange(10)
    if choice == 0:
        return [Case(_put(d, stem + ".txt", b"\xff\xfe" + text.encode("utf-16-le")), "either", "utf-16")]
    if choice == 1:
        return [Case(_put(d, stem + ".txt", text.encode("utf-16-be")), "either", "utf-16 no BOM")]
    if choice == 2:
        return [Case(_put(d, stem + ".txt", b"\xff\xfe\x00\x00" + text.encode("utf-32-le")), "either", "utf-32")]
    if choice == 3:
        return [Case(_put(d, stem + ".txt", text.encode("cp1252", "replace")), "either", "cp1252")]
    if choice == 4:  # invalid UTF-8 sprinkled in
        raw = bytearray(text.encode())
        for _ in range(rng.randint(1, 50)):
            raw.insert(rng.randrange(len(raw) + 1), rng.choice([0x80, 0xC0, 0xFF, 0xFE, 0xED, 0xF8]))
        return [Case(_put(d, stem + ".txt", bytes(raw)), "either", "bad utf-8")]
    if choice == 5:  # overlong forms and encoded surrogates
        return [Case(_put(d, stem + ".txt", text.encode()[:200] + b"\xc0\xaf\xed\xa0\x80" * 40), "either", "overlong")]
    if choice == 6:  # a non-Latin script
        words = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(400))
        return [Case(_put(d, stem + ".txt", words.encode(rng.choice(["utf-8", "utf-16"]))), "bad", "cjk")]
    if choice == 7:  # a BOM and nothing else, or a BOM and spaces
        return [Case(_put(d, stem + ".txt", rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xef\xbb\xbf  \n"])), "bad", "bom only")]
    if choice == 8:  # NUL-interleaved text that claims nothing (UTF-16 read as bytes)
        return [Case(_put(d, stem + ".txt", text.encode("utf-16-le")[1:]), "either", "odd utf-16")]
    return [Case(_put(d, stem + ".txt", text.encode("latin-1", "replace")), "either", "latin-1")]


def huge(rng: random.Random, d: Path, stem: str, bases: list[str]) -> list[Case]:
    choice = rng.randrange(6)
    if choice == 0:  # over the byte limit
        return [Case(_put(d, stem + ".txt", b"word " * 1_000_001), "bad", "over 5 MB")]
    if choice == 1:  # one word over the word limit
        return [Case(_put(d, stem + ".txt", (rng.choice(bases) + "\n\n" + "x" * rng.randint(1001, 60_000)).encode()),
                     "bad", "long word")]
    if choice == 2:  # too many paragraphs
        return [Case(_put(d, stem + ".txt", "\n\n".join(f"Para {i}." for i in range(5_001 + rng.randint(0, 500))).encode()),
                     "bad", "paragraphs")]
    if choice == 3:  # a JSONL line over the line limit
        return [Case(_put(d, stem + ".jsonl", b'{"text": "' + b"a " * 5_600_000 + b'"}\n') + "#1", "bad", "long line")]
    if choice == 4:  # many lines, no text
        return [Case(_put(d, stem + ".txt", b"\n" * rng.randint(10_000, 200_000)), "bad", "newlines")]
    return [Case(_put(d, stem + ".txt", ("." * rng.randint(1, 900) + " ") .encode() * 2000), "either", "punctuation")]


def broken_html(rng: random.Random, d: Path, stem: str, bases: list[str]) -> list[Case]:
    text = rng.choice(bases)
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
    choice = rng.randrange(9)
    if choice == 0:
        html = "<html><body><article>" + paras[: rng.randrange(len(paras) + 1)]  # truncated
    elif choice == 1:
        html = "<div>" * rng.randint(1000, 20_000) + paras
    elif choice == 2:
        html = "<html><head><script>" + "x=1;" * 1000 + "</script></head><body></body></html>"
    elif choice == 3:
        html = "<html><!-- " + paras
    elif choice == 4:
        html = "<html><body>" + paras.replace("<p>", "<p " + "a=\"" * 50 + ">") + "</body></html>"
    elif choice == 5:
        html = "<html><body><p>" + "&#0;&#xD800;&#x110000;&amp;&lt;&#99999999;" * 200 + "</p>" + paras + "</body></html>"
    elif choice == 6:
        html = "<?xml version='1.0' encoding='ebcdic'?><html><body>" + paras + "</body></html>"
    elif choice == 7:
        html = "<html><body>" + "".join(rng.choice(["<", ">", "</", "<p", "&", ";", "\"", "'"]) for _ in range(5000))
    else:
        html = "<html><body><article><h1>Headline</h1>" + paras + "</article></body></html>"
    data = html.encode()
    if rng.random() < 0.2:
        data = data.replace(b"<p>", b"<p>\x00", 1)
    return [Case(_put(d, stem + rng.choice([".html", ".htm"]), data), "either", "html")]


def _jsonl_record(rng: random.Random, text: str) -> tuple[str, Expect]:
    choice = rng.randrange(24)
    good = json.dumps({"text": text})
    return [
        ("{not json", "bad"), ("[1, 2, 3]", "bad"), ('"just a string"', "bad"), ("42", "bad"), ("null", "bad"),
        ('{"text": 12}', "bad"), ('{"html": ["a"]}', "bad"), ('{"text": ""}', "bad"), ("{}", "bad"),
        ('{"text": ' + json.dumps(text) + ', "n": ' + "7" * rng.randint(101, 6000) + "}", "bad"),
        ('{"text": ' + json.dumps(text) + ', "x": ' + "[" * rng.randint(33, 200_000) + "]" * 3 + "}", "bad"),
        ('{"text": ' + json.dumps(text)[:-1] + ' \\ud83d end"}', "bad"),
        ('{"text": ' + json.dumps(text)[:-1] + ' \\u0000 end"}', "bad"),
        (good[: rng.randrange(1, len(good))], "bad"),
        ('{"text": ' + json.dumps(text) + ', "title": ' + json.dumps("T" * 10_001) + "}", "bad"),
        ('{"text": ' + json.dumps(text) + ",}", "bad"),
        (json.dumps({"text": text.replace(". ", ".\u2028", 3).replace(", ", ",\u0085", 2)}, ensure_ascii=False), "either"),
        (json.dumps({"text": text, "title": 5, "outlet": None, "author": ["x"], "published": "not a date"}), "either"),
        (json.dumps({"text": text, "published": "9999-99-99"}), "either"),
        (json.dumps({"text": text, "n": 1e308, "m": -0.0, "big": 10 ** 99}), "either"),
        (json.dumps({"html": "<html><body><p>" + text.replace("\n", "</p><p>") + "</p></body></html>"}), "either"),
        (json.dumps({"text": text, "text2": "\x1b[2J\x07"}, ensure_ascii=rng.random() < 0.5), "either"),
        ('{"text": ' + json.dumps(text) + ', "text": "dup"}', "bad"),  # the last key wins: a short text
        ("\ufeff" + good, "either"),  # a BOM: stripped on the first line, invalid JSON on others
    ][choice]


def broken_jsonl(rng: random.Random, d: Path, stem: str, bases: list[str]) -> list[Case]:
    lines, expects = [], []
    for _ in range(rng.randint(1, 6)):
        line, expect = _jsonl_record(rng, rng.choice(bases))
        lines.append(line)
        expects.append(expect)
    ending = rng.choice(["\n", "\r\n"])
    data = "".join(line + ending for line in lines).encode("utf-8", "surrogatepass")
    name = _put(d, stem + rng.choice([".jsonl", ".ndjson"]), data)
    cases = [Case(f"{name}#{n}", e, "jsonl") for n, e in enumerate(expects, start=1)]
    # "the last key wins" leaves "dup": 3 letters, then rejected as empty or kept as a brief
    return [Case(c.source, "either", c.kind) if '"text": "dup"' in lines[i] else c for i, c in enumerate(cases)]


def control_chars(rng: random.Random, d: Path, stem: str, bases: list[str]) -> list[Case]:
    text = rng.choice(bases)
    pool = [chr(c) for c in [*range(1, 9), 11, 12, *range(14, 32), 127, 0x85, 0x2028, 0x2029, 0x202E, 0x200B, 0xFEFF]]
    chars = list(text)
    for _ in range(rng.randint(1, 200)):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(pool) * rng.randint(1, 3))
    body = "".join(chars)
    if rng.random() < 0.3:
        body = body.replace("\n", "\r")
    return [Case(_put(d, stem + ".txt", body.encode("utf-8", "surrogatepass")), "either", "control chars")]


def odd_names(rng: random.Random, d: Path, stem: str, bases: list[str]) -> list[Case]:
    bad = [b"\xff\xfe", b"\n", b"\nskipped forged.txt: not English\n", b"\x1b[31m", b"\x1b]0;title\x07", b"\r", b"\t",
           b"\xc3\x28", b"\xe2\x80\xae", b" ", b"-", b"#1", b":", b"\xef\xbf\xbf", b"\xf0\x9f\x92\xa9", b"\x7f"]
    piece = rng.choice(bad)
    name = os.fsencode(stem) + piece + rng.choice([b"", b"x"]) + rng.choice([b".txt", b".jsonl"])
    if rng.random() < 0.1:
        name = b"L" * (250 - len(name)) + name
    if name.endswith(b".jsonl"):
        data = (json.dumps({"text": rng.choice(bases)}) + "\n").encode()
        return [Case(_put(d, name, data) + "#1", "either", "odd name")]
    good = rng.random() < 0.5
    data = rng.choice(bases).encode() if good else b"\x00 bad"
    return [Case(_put(d, name, data), "either" if good else "bad", "odd name")]


def mutated(rng: random.Random, d: Path, stem: str, bases: list[str]) -> list[Case]:
    raw = bytearray(rng.choice(bases).encode())
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(9)
        if op == 0 and raw:  # flip bytes
            for _ in range(rng.randint(1, 40)):
                i = rng.randrange(len(raw))
                raw[i] = rng.randrange(256)
        elif op == 1 and raw:  # truncate
            del raw[rng.randrange(len(raw)):]
        elif op == 2:  # insert random bytes
            i = rng.randrange(len(raw) + 1)
            raw[i:i] = rng.randbytes(rng.randint(1, 300))
        elif op == 3:  # duplicate a slice many times
            i = rng.randrange(len(raw) + 1)
            raw[i:i] = bytes(raw[i:i + 200]) * rng.randint(2, 200)
        elif op == 4:  # spaces out: long words
            raw = bytearray(bytes(raw).replace(b" ", b"", rng.randint(1, 200)))
        elif op == 5:  # odd spaces
            raw = bytearray(bytes(raw).replace(b" ", "\u00a0".encode(), rng.randint(1, 300)))
        elif op == 6:  # shuffle lines
            lines = bytes(raw).split(b"\n")
            rng.shuffle(lines)
            raw = bytearray(b"\n".join(lines))
        elif op == 7:  # decompose or recompose accents
            raw = bytearray(unicodedata.normalize(rng.choice(["NFD", "NFKC"]),
                                                  bytes(raw).decode("utf-8", "replace")).encode())
        else:  # quotes and dashes everywhere
            raw = bytearray(bytes(raw).replace(b" ", rng.choice([b" \xe2\x80\x9c", b" -- ", b" ' "]), rng.randint(1, 50)))
    return [Case(_put(d, stem + ".txt", bytes(raw)),
                 "either", "mutated")]


def empty(rng: random.Random, d: Path, stem: str, bases: list[str]) -> list[Case]:
    data = rng.choice([b"", b" ", b"\n\n\n", b"\t \r\n", b"\xef\xbb\xbf"])
    suffix = rng.choice([".txt", ".html", ".jsonl"])
    if suffix == ".jsonl":  # blank lines are skipped; a JSONL file of them holds no input
        path = _put(d, stem + suffix, data)
        return [] if data.strip() in (b"",) else [Case(path + "#1", "bad", "empty")]
    return [Case(_put(d, stem + suffix, data), "bad", "empty")]


def special(rng: random.Random, d: Path, stem: str, bases: list[str]) -> list[Case]:
    choice = rng.randrange(4)
    path = d / (stem + rng.choice([".txt", ".jsonl"]))
    if choice == 0:
        os.mkfifo(path)
    elif choice == 1:
        path.symlink_to(rng.choice(["/dev/zero", "/dev/null", "/dev/urandom"]))
    elif choice == 2:
        path.symlink_to(d / "no-such-target")
    else:
        path.symlink_to(path)  # a loop
    return [Case(shown(str(path)), "bad", "special")]


KINDS: dict[str, tuple[Maker, float]] = {
    "binary": (binary, 1.0), "encodings": (encodings, 1.5), "huge": (huge, 0.12), "html": (broken_html, 1.5),
    "jsonl": (broken_jsonl, 1.5), "controls": (control_chars, 1.0), "names": (odd_names, 1.0),
    "mutated": (mutated, 2.5), "empty": (empty, 0.6), "special": (special, 0.2),
}


def write_batch(rng: random.Random, out: Path, n: int, bases: list[str], controls: int) -> list[Case]:
    """``n`` hostile inputs and ``controls`` good articles (real ones first, then synthetic), mixed."""
    out.mkdir(parents=True, exist_ok=True)
    names = list(KINDS)
    weights = [KINDS[k][1] for k in names]
    cases: list[Case] = []
    made = 0
    while made < n:
        kind = rng.choices(names, weights)[0]
        found = KINDS[kind][0](rng, out, f"h{len(cases):05d}-{kind}", bases)
        cases.extend(found)
        made += max(1, len(found))
    for i in range(controls):
        text = bases[i % len(bases)] if i < len(bases) and i % 2 == 0 else synthetic_article(rng, i)
        cases.append(Case(_put(out, f"c{i:05d}-control.txt", text.encode()), "control", "control"))
    return cases


@dataclass
class Outcome:
    tracebacks: int
    internal: int
    lost_controls: list[str]
    bad_unnamed: list[str]
    named_twice: list[str]
    both: list[str]
    neither: list[str]
    unknown_lines: list[str]
    internal_lines: list[str]
    unsafe_output: bool
    stored: int
    rejected: int
    returncode: int

    @property
    def ok(self) -> bool:
        return not (self.tracebacks or self.internal or self.lost_controls or self.bad_unnamed or self.named_twice
                    or self.both or self.neither or self.unknown_lines or self.unsafe_output
                    or self.returncode not in (0, 1, 2))


def check(cases: Iterable[Case], stdout: str, stderr: str, returncode: int, db: Path) -> Outcome:
    """Hold one run's output against its cases: each input stored or named once, controls stored."""
    cases = list(cases)
    with sqlite3.connect(db) as conn:
        stored = {r[0] for r in conn.execute("SELECT source FROM articles")}
    sources = sorted({c.source for c in cases}, key=len, reverse=True)
    named: dict[str, int] = {}
    unknown = []
    for line in stderr.splitlines():
        if not line.startswith("skipped "):
            if not (line.endswith("also in the ledger's rejects table)") or line.startswith(("WARNING", "INFO"))):
                unknown.append(line)
            continue
        who = next((s for s in sources if line.startswith(f"skipped {s}: ")), None)
        if who is None:
            unknown.append(line)
        else:
            named[who] = named.get(who, 0) + 1
    out = stdout + stderr
    unsafe = any(ch in out for ch in [chr(c) for c in (*range(9), *range(11, 32), 127)]) or "\u202e" in out
    return Outcome(
        tracebacks=out.count("Traceback"),
        internal=out.count("internal error"),
        lost_controls=[c.source for c in cases if c.expect == "control" and c.source not in stored],
        bad_unnamed=[c.source for c in cases if c.expect == "bad" and named.get(c.source, 0) != 1],
        named_twice=[s for s, k in named.items() if k > 1],
        both=[c.source for c in cases if c.source in stored and named.get(c.source)],
        neither=[c.source for c in cases if c.source not in stored and not named.get(c.source)],
        unknown_lines=unknown[:20],
        internal_lines=[ln for ln in out.splitlines() if "internal error" in ln][:10],
        unsafe_output=unsafe,
        stored=len(stored),
        rejected=sum(named.values()),
        returncode=returncode,
    )
