"""The SQLite dialect the store speaks, spoken to PostgreSQL: one translation, in one place.

The store's statements are written once, in the SQLite dialect (the default backend). The
PostgreSQL connection runs each through :func:`translate` (cached), which masks literals and
comments and rewrites the few constructs whose meaning differs:

- ``?`` placeholders become ``%s`` (and a literal ``%`` becomes ``%%``);
- ``INSERT OR IGNORE`` becomes ``INSERT ... ON CONFLICT DO NOTHING``; ``INSERT OR REPLACE``
  deletes the row with the same key first, so the row moves to the end of insertion order as it
  does in SQLite (the export lists relations and members in that order);
- ``ORDER BY x`` puts NULLs first and ``ORDER BY x DESC`` puts them last, as SQLite does;
- the column ``end`` (a reserved word in PostgreSQL) is quoted;
- ``IN ()`` (an empty list, which SQLite allows) becomes an empty subquery;
- ``LIKE`` becomes ``ILIKE`` (SQLite's LIKE ignores case);
- ``ifnull`` becomes ``coalesce``, two-argument ``min``/``max`` become ``least``/``greatest``; ``json_group_array`` and ``json_array_length`` read and return
  JSON text as in SQLite;
- an upsert's ``SET n = n + 1`` names its table (``n`` alone is ambiguous in PostgreSQL).

Insertion order: every table SQLite keeps a rowid for has a ``rowid`` identity column in
PostgreSQL (store/pgschema.py), so ``ORDER BY rowid`` means the same on both.
"""

from __future__ import annotations

import re
from functools import lru_cache

# tables written with INSERT OR REPLACE, and the key column SQLite replaces on (the first column)
REPLACE_KEYS = {"link_state": "key", "group_members": "claim_id", "relations": "id", "fetch_cache": "url",
                "time_resolutions": "time_id"}

_REPLACE = re.compile(r"^\s*INSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)", re.IGNORECASE)
_IGNORE = re.compile(r"INSERT\s+OR\s+IGNORE\s+INTO", re.IGNORECASE)
_UPSERT_SELF = re.compile(r"(INSERT\s+INTO\s+(\w+)\b.*?ON\s+CONFLICT\s*\([^)]*\)\s*DO\s+UPDATE\s+SET\s+)(.*)$",
                          re.IGNORECASE | re.DOTALL)
_ASSIGN_SELF = re.compile(r"\b(\w+)\s*=\s*(\w+)\s*([+-])")
_ORDER = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
_STOP = re.compile(r"\b(LIMIT|OFFSET|UNION|EXCEPT|INTERSECT)\b", re.IGNORECASE)
_END = re.compile(r"(?<![\w\"'])end(?![\w\"'])")
_FUNCS = {"ifnull(": "coalesce("}
_EMPTY_IN = re.compile(r"\bIN\s*\(\s*\)", re.IGNORECASE)


def _split_strings(sql: str) -> list[tuple[bool, str]]:
    """The statement cut into (opaque, text) runs: single-quoted literals and comments (``--`` to
    the end of the line, ``/* ... */``) are opaque, left as they are by every rewrite."""
    out: list[tuple[bool, str]] = []
    i, n = 0, len(sql)
    buf: list[str] = []

    def flush() -> None:
        if buf:
            out.append((False, "".join(buf)))
            buf.clear()

    while i < n:
        ch = sql[i]
        if ch == "'":
            flush()
            j = i + 1
            while j < n:
                if sql[j] == "'" and j + 1 < n and sql[j + 1] == "'":
                    j += 2
                    continue
                if sql[j] == "'":
                    break
                j += 1
            out.append((True, sql[i : j + 1]))
            i = j + 1
        elif sql.startswith("--", i) or sql.startswith("/*", i):
            flush()
            j = sql.find("\n", i) if sql.startswith("--", i) else sql.find("*/", i)
            j = n if j < 0 else (j if sql.startswith("--", i) else j + 2)
            out.append((True, sql[i:j]))
            i = j
        else:
            buf.append(ch)
            i += 1
    flush()
    return out


def _close_paren(s: str, open_at: int) -> int:
    """The index of the parenthesis closing the one at ``open_at`` (or len(s))."""
    depth = 0
    for k in range(open_at, len(s)):
        if s[k] == "(":
            depth += 1
        elif s[k] == ")":
            depth -= 1
            if depth == 0:
                return k
    return len(s)


def _scalar_min_max(code: str) -> str:
    """SQLite's two-argument min(a, b) and max(a, b) are PostgreSQL's least and greatest."""
    for name, pg in (("min(", "least("), ("max(", "greatest(")):
        pos = 0
        while (k := code.find(name, pos)) >= 0:
            if k and (code[k - 1].isalnum() or code[k - 1] == "_"):
                pos = k + 1
                continue
            close = _close_paren(code, k + 3)
            inner, depth, many = code[k + 4 : close], 0, False
            for ch in inner:
                depth += ch == "("
                depth -= ch == ")"
                many |= ch == "," and depth == 0
            if many:
                code = code[:k] + pg + code[k + 4 :]
            pos = k + 1
    return code


def _json_funcs(code: str) -> str:
    """SQLite's JSON functions on JSON text, as PostgreSQL's (JSON text in, JSON text out)."""
    for name in ("json_group_array", "json_array_length"):
        pos = 0
        while (k := code.find(name + "(", pos)) >= 0:
            open_at = k + len(name)
            close = _close_paren(code, open_at)
            inner = code[open_at + 1 : close]
            new = f"(json_agg({inner}))::text" if name == "json_group_array" else f"json_array_length(({inner})::json)"
            code = code[:k] + new + code[close + 1 :]
            pos = k + len(new)
    return code


def _nulls_like_sqlite(code: str) -> str:
    """Each ORDER BY item gets SQLite's NULL placement (first ascending, last descending)."""
    out, pos = [], 0
    for m in _ORDER.finditer(code):
        if m.start() < pos:
            continue
        out.append(code[pos : m.end()])
        start = m.end()
        # the clause runs to LIMIT/OFFSET, a closing parenthesis at depth 0, or the end
        depth, k = 0, start
        while k < len(code):
            ch = code[k]
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and _STOP.match(code, k) and (k == 0 or not (code[k - 1].isalnum() or code[k - 1] == "_")):
                break
            k += 1
        clause = code[start:k]
        items: list[str] = []
        cur: list[str] = []
        depth = 0
        for ch in clause:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            if ch == "," and depth == 0:
                items.append("".join(cur))
                cur = []
            else:
                cur.append(ch)
        items.append("".join(cur))
        fixed = []
        for item in items:
            body = item.rstrip()
            tail = item[len(body):]
            if re.search(r"\bNULLS\s+(FIRST|LAST)\s*$", body, re.IGNORECASE):
                fixed.append(item)
            elif re.search(r"\bDESC\s*$", body, re.IGNORECASE):
                fixed.append(body + " NULLS LAST" + tail)
            else:
                fixed.append(body + " NULLS FIRST" + tail)
        out.append(",".join(fixed))
        pos = k
    out.append(code[pos:])
    return "".join(out)


def _upsert_names_table(sql: str) -> str:
    m = _UPSERT_SELF.search(sql)
    if not m:
        return sql
    table, sets = m.group(2), m.group(3)
    sets = _ASSIGN_SELF.sub(lambda a: f"{a.group(1)} = {table}.{a.group(2)} {a.group(3)}"
                            if a.group(1) == a.group(2) else a.group(0), sets)
    return sql[: m.start(3)] + sets


_MASK = re.compile("\x01(\\d+)\x01")
_LIKE = re.compile(r"(?<![\w])LIKE\b")
_LOWER_CASE = re.compile(r"\bcase\b")
_DOT_END = re.compile(r"(?<=\.)end(?![\w\"'])")


@lru_cache(maxsize=4096)
def translate(sql: str, with_params: bool = True) -> str:
    """The PostgreSQL text of one statement of the store's SQLite dialect.

    Literals and comments are masked first, so no rewrite ever reaches inside them.
    """
    ignore = bool(_IGNORE.search(sql))
    opaque: list[str] = []
    masked: list[str] = []
    for is_opaque, text in _split_strings(sql):
        if is_opaque:
            opaque.append(text.replace("%", "%%") if with_params and text.startswith("'") else text)
            masked.append(f"\x01{len(opaque) - 1}\x01")
        else:
            masked.append(text)
    code = "".join(masked)
    if with_params:
        code = code.replace("%", "%%").replace("?", "%s")
    code = _IGNORE.sub("INSERT INTO", code)
    code = _REPLACE.sub(lambda m: f"INSERT INTO {m.group(1)}", code)
    # the column end is quoted; a lowercase CASE closes with a lowercase end, so then only t.end is
    code = _END.sub('"end"', code) if not _LOWER_CASE.search(code) else _DOT_END.sub('"end"', code)
    code = _EMPTY_IN.sub("IN (SELECT NULL WHERE false)", code)
    code = _LIKE.sub("ILIKE", code)  # SQLite's LIKE ignores ASCII case; PostgreSQL's does not
    for old, new in _FUNCS.items():
        code = code.replace(old, new)
    code = _json_funcs(_scalar_min_max(code))
    code = _nulls_like_sqlite(code)
    code = _upsert_names_table(code)
    if ignore:
        code = code.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return _MASK.sub(lambda m: opaque[int(m.group(1))], code)


def replace_target(sql: str) -> tuple[str, str] | None:
    """(table, key column) of an ``INSERT OR REPLACE`` statement, else None."""
    m = _REPLACE.match(sql)
    if not m:
        return None
    table = m.group(1)
    if table not in REPLACE_KEYS:
        raise ValueError(f"INSERT OR REPLACE into {table}: add its key to store/pgsql.py REPLACE_KEYS")
    return table, REPLACE_KEYS[table]
