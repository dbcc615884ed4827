"""An analyst's corrections to the link layer, kept in a TOML file beside the ledger (docs/CORRECTIONS.md).

The file (``LEDGER.corrections.toml``: ``crosscheck.db`` -> ``crosscheck.corrections.toml``)
holds a ``version`` and a list of ``[[correction]]`` entries, each with ``id``, ``op``, ``who``,
``when``, ``why`` and the op's fields:

- ``merge_principals`` (``names``, ``into``) and ``rename_principal`` (``name``, ``to``): an origin
  (a claim's principal) read as another, inside joint origins ("A + B") too;
- ``merge_speakers`` (``names``, ``into``) and ``rename_speaker`` (``name``, ``to``): a claim's speaker
  (and its principal when the speaker was their own principal);
- ``move_claim`` (``claim``, ``to_group``; no ``to_group``: the claim alone in a group of its own);
- ``set_polarity`` (``claim``, ``polarity``: assert | deny) and ``set_stance`` (``claim``, ``stance``:
  asserts | denies | contests | non_denial);
- ``origin_depends`` (``origin``, ``on``): one origin only repeats another; it stands behind a claim
  as that other origin, never as an independent one.

Corrections are applied at the end of every linking run that has anything to do (new articles,
or a file that changed since the last run): what the last run corrected is first put back
(:func:`undo`, from the record kept in ``link_state``), then the file is applied again
(:func:`apply`) to the ledger as linking left it, so the corrected ledger is a function of the
articles and the file, whatever the order of the runs. The pure part is :func:`corrected`:
one member's state in, its corrected state out.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosscheck.errors import CrosscheckError
from crosscheck.link import groups as groups_mod
from crosscheck.link.entities import fold
from crosscheck.link.principals import JOINT, STANCES, members

if TYPE_CHECKING:
    from crosscheck.store.sqlite import SQLiteStore

__all__ = ["VERSION", "Correction", "Corrections", "CorrectionsError", "corrected", "load", "path_for"]

log = logging.getLogger(__name__)

VERSION = 1
STATE_KEY = "corrections"
# op -> (its required fields, its optional fields)
OPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "merge_principals": (("names", "into"), ()),
    "rename_principal": (("name", "to"), ()),
    "merge_speakers": (("names", "into"), ()),
    "rename_speaker": (("name", "to"), ()),
    "move_claim": (("claim",), ("to_group",)),
    "set_polarity": (("claim", "polarity"), ()),
    "set_stance": (("claim", "stance"), ()),
    "origin_depends": (("origin", "on"), ()),
}
POLARITIES = ("assert", "deny")
_COMMON = ("id", "op", "who", "when", "why")


class CorrectionsError(CrosscheckError):
    """A corrections file that cannot be read or an entry that cannot be applied."""

    code = "E006"


@dataclass(frozen=True, slots=True)
class Correction:
    """One entry of the file."""

    id: int
    op: str
    who: str
    when: str
    why: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        """As the export and the UI show it ("corrected": who, when, why and what)."""
        return {"id": self.id, "op": self.op, "who": self.who, "when": self.when, "why": self.why, **self.fields}

    def renames(self) -> tuple[str, list[str], str] | None:
        """(principal | speaker, the names, the name they become) for the four naming ops."""
        kind = "principal" if self.op.endswith(("principal", "principals")) else "speaker"
        if self.op in ("merge_principals", "merge_speakers"):
            return kind, [str(n) for n in self.fields["names"]], str(self.fields["into"])
        if self.op in ("rename_principal", "rename_speaker"):
            return kind, [str(self.fields["name"])], str(self.fields["to"])
        return None


@dataclass(frozen=True, slots=True)
class Corrections:
    """The file's entries (in file order) and the hash the ledger records them by."""

    entries: tuple[Correction, ...] = ()
    sha: str = ""
    path: Path | None = None

    def renamer(self, kind: str) -> dict[str, tuple[str, int]]:
        """Folded name -> (new name, entry id) for principals or speakers; a later entry wins."""
        out: dict[str, tuple[str, int]] = {}
        for e in self.entries:
            r = e.renames()
            if r is not None and r[0] == kind:
                for n in r[1]:
                    if fold(n) != fold(r[2]):
                        out[fold(n)] = (r[2], e.id)
        return out

    def depends(self) -> dict[str, tuple[str, int]]:
        """Folded origin -> (the origin it repeats, entry id)."""
        return {fold(str(e.fields["origin"])): (str(e.fields["on"]), e.id)
                for e in self.entries if e.op == "origin_depends"}

    def by_id(self) -> dict[int, Correction]:
        return {e.id: e for e in self.entries}


def path_for(ledger: Path) -> Path:
    """The corrections file of a ledger: ``crosscheck.db`` -> ``crosscheck.corrections.toml``."""
    return ledger.with_name(ledger.stem + ".corrections.toml")


def _entry(raw: Mapping[str, Any], where: str) -> Correction:
    op = raw.get("op")
    if op not in OPS:
        raise CorrectionsError(f"{where}: unknown op {op!r} (use {', '.join(OPS)})")
    need, optional = OPS[op]
    missing = [k for k in ("id", "who", "when", "why", *need) if raw.get(k) in (None, "", [])]
    if missing:
        raise CorrectionsError(f"{where}: {op} needs {', '.join(missing)}")
    unknown = sorted(set(raw) - set(_COMMON) - set(need) - set(optional))
    if unknown:
        raise CorrectionsError(f"{where}: {op} takes no {', '.join(unknown)}")
    if not isinstance(raw["id"], int) or isinstance(raw["id"], bool):
        raise CorrectionsError(f"{where}: id must be a whole number")
    if "names" in need and (not isinstance(raw["names"], list) or not all(isinstance(n, str) and n for n in raw["names"])):
        raise CorrectionsError(f"{where}: names must be a list of names")
    if op == "set_polarity" and raw["polarity"] not in POLARITIES:
        raise CorrectionsError(f"{where}: polarity must be one of {', '.join(POLARITIES)}")
    if op == "set_stance" and raw["stance"] not in STANCES:
        raise CorrectionsError(f"{where}: stance must be one of {', '.join(STANCES)}")
    fields = {k: raw[k] for k in (*need, *optional) if k in raw}
    return Correction(raw["id"], op, str(raw["who"]), str(raw["when"]), str(raw["why"]), fields)


def parse(text: str, where: str = "corrections") -> Corrections:
    """The entries of a corrections file's text (CorrectionsError naming the file and entry when wrong)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CorrectionsError(f"{where}: not TOML: {exc}") from None
    if data.get("version") != VERSION:
        raise CorrectionsError(f"{where}: version must be {VERSION} (found {data.get('version')!r})")
    rows = data.get("correction", [])
    if not isinstance(rows, list):
        raise CorrectionsError(f"{where}: correction must be a list of [[correction]] tables")
    entries = tuple(_entry(r, f"{where}, correction {i + 1}") for i, r in enumerate(rows))
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise CorrectionsError(f"{where}: two corrections share an id")
    canon = json.dumps([e.record() for e in entries], sort_keys=True, ensure_ascii=False)
    return Corrections(entries, hashlib.sha256(canon.encode()).hexdigest()[:16] if entries else "")


def load(path: Path) -> Corrections:
    """The corrections file at ``path`` (none there: no corrections)."""
    if not path.exists():
        return Corrections(path=path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorrectionsError(f"{path}: cannot be read: {exc}") from None
    return replace(parse(text, str(path)), path=path)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    # a JSON string is a TOML basic string once its control characters are \u escapes (json does that)
    return json.dumps(str(value), ensure_ascii=False)


def entry_toml(e: Correction) -> str:
    """One ``[[correction]]`` table."""
    lines = ["[[correction]]"] + [f"{k} = {_toml(v)}" for k, v in e.record().items()]
    return "\n".join(lines) + "\n"


def add(path: Path, op: str, fields: Mapping[str, Any], *, who: str, when: str, why: str) -> Correction:
    """Append one entry to the file (created with its version line when absent); returns it."""
    old = load(path)
    entry = _entry({"id": max((e.id for e in old.entries), default=0) + 1, "op": op, "who": who, "when": when,
                    "why": why, **fields}, str(path))
    head = "" if path.exists() else (f"# crosscheck corrections (docs/CORRECTIONS.md); applied at every link\n"
                                     f"version = {VERSION}\n")
    body = path.read_text("utf-8") if path.exists() else ""
    sep = "\n" if body and not body.endswith("\n\n") else ""
    text = head + body + sep + ("\n" if head else "") + entry_toml(entry)
    parse(text, str(path))  # never write a file that would not read back
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return entry


# the pure step ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class State:
    """What corrections can change about one claim: its group, principal, speaker, polarity, stance."""

    claim_id: str
    group_id: str | None  # None: a claim no group holds (a relay)
    origin: str | None
    speaker: str | None  # the claims row's speaker (what the UI shows)
    speaker_text: str | None
    polarity: str
    stance: str | None  # the member's stance key (None: from polarity and cue)


def _rename_origin(origin: str, names: Mapping[str, tuple[str, int]]) -> tuple[str, list[int]]:
    parts = members(origin) if origin else []
    if not any(fold(p) in names for p in parts):
        return origin, []
    hit = [names[fold(p)][1] for p in parts if fold(p) in names]
    new = [names[fold(p)][0] if fold(p) in names else p for p in parts]
    return (JOINT.join(dict.fromkeys(new)) if JOINT in origin else new[0]), hit


def corrected(s: State, c: Corrections, *, moves: Mapping[str, tuple[str | None, int]] | None = None) -> tuple[State, list[int]]:
    """A claim's state after the corrections, and the ids of the entries that changed it.

    ``moves``: claim -> (its new group, entry id), where a claim moved out of its group has
    its own new group already named (:func:`split_group_id`).
    """
    by: list[int] = []
    speakers = c.renamer("speaker")
    name = s.speaker or s.speaker_text
    speaker, origin = s.speaker, s.origin
    if name and fold(name) in speakers:
        to, eid = speakers[fold(name)]
        speaker = to
        by.append(eid)
        if origin and fold(origin) == fold(name):  # a person who is their own principal
            origin = to
    if origin:
        origin, hit = _rename_origin(origin, c.renamer("principal"))
        by += hit
    polarity, stance = s.polarity, s.stance
    for e in c.entries:
        if e.fields.get("claim") != s.claim_id:
            continue
        if e.op == "set_polarity":
            polarity = str(e.fields["polarity"])
            stance = "denies" if polarity == "deny" else "asserts"
            by.append(e.id)
        elif e.op == "set_stance":
            stance = str(e.fields["stance"])
            polarity = "deny" if stance in ("denies", "contests") else "assert"
            by.append(e.id)
    group_id = s.group_id
    if moves and s.claim_id in moves and s.group_id is not None:
        group_id, eid = moves[s.claim_id]
        by.append(eid)
    new = State(s.claim_id, group_id, origin, speaker, s.speaker_text, polarity, stance)
    return new, sorted(set(by)) if new != s else []


def split_group_id(claim_id: str) -> str:
    """The group a claim moved out of its group lands in (stable across reruns)."""
    return groups_mod.group_id("corrected:" + claim_id)


def moves(c: Corrections) -> dict[str, tuple[str | None, int]]:
    """Claim -> (the group it goes to, entry id); the last move of a claim wins."""
    out: dict[str, tuple[str | None, int]] = {}
    for e in c.entries:
        if e.op == "move_claim":
            cid = str(e.fields["claim"])
            to = e.fields.get("to_group")
            out[cid] = (str(to) if to else split_group_id(cid), e.id)
    return out


def depends_origin(origin: str, deps: Mapping[str, tuple[str, int]]) -> str:
    """The origin an origin stands for once dependencies are read (a chain followed, never a loop)."""
    seen = {fold(origin)}
    while fold(origin) in deps:
        origin = deps[fold(origin)][0]
        if fold(origin) in seen:
            break
        seen.add(fold(origin))
    return origin


def group_entries(group_id: str, claim_ids: Iterable[str], origins: Iterable[str], record: Mapping[str, Any],
                  c: Corrections) -> list[dict[str, Any]]:
    """The entries that corrected a group: those that changed one of its members or moved a
    claim out of it, and the dependencies of its origins (``record``: what the ledger applied)."""
    by_claim: Mapping[str, Any] = record.get("claims", {})
    ids = {i for cid in claim_ids for i in by_claim.get(cid, {}).get("by", [])}
    ids |= {i for x in by_claim.values() if x["before"].get("group_id") == group_id for i in x["by"]}
    deps = c.depends()
    ids |= {deps[fold(o)][1] for o in origins if fold(o) in deps}
    entries = c.by_id()
    return [entries[i].record() for i in sorted(ids) if i in entries]


def affected_names(c: Corrections) -> tuple[list[str], list[str]]:
    """The principals and the speakers the naming ops look for (as written in the file)."""
    principals: list[str] = []
    speakers: list[str] = []
    for e in c.entries:
        r = e.renames()
        if r is not None:
            (principals if r[0] == "principal" else speakers).extend(r[1])
    principals += [str(e.fields["origin"]) for e in c.entries if e.op == "origin_depends"]
    return principals, speakers


def claim_targets(c: Corrections) -> list[str]:
    """The claims the per-claim ops name."""
    return sorted({str(e.fields["claim"]) for e in c.entries if "claim" in e.fields})


def describe(entries: Sequence[Mapping[str, Any]]) -> str:
    """One line per entry, for ``crosscheck correct list``."""
    out = []
    for e in entries:
        what = ", ".join(f"{k}={v}" for k, v in e.items() if k not in _COMMON)
        out.append(f"#{e['id']} {e['op']} {what} (by {e['who']} at {e['when']}: {e['why']})")
    return "\n".join(out)


# applying to the ledger ----------------------------------------------------------------------


def _state(row: Mapping[str, Any]) -> State:
    return State(row["claim_id"], row["group_id"], row["origin"], row["speaker"], row["speaker_text"],
                 row["polarity"], row["stance"])


def _neighbours(store: SQLiteStore, gids: set[str]) -> set[str]:
    """The groups related to some groups (a dispute's target reads its deniers from the disputing group)."""
    return {x for r in store.relations_touching(gids) for x in (r["a"], r["b"])}


def _stories(store: SQLiteStore, gids: Iterable[str]) -> set[str]:
    out = set()
    for gid in gids:
        rec = store.group_record(gid)
        if rec is not None and rec["story_id"]:
            out.add(rec["story_id"])
    return out


def undo(store: SQLiteStore) -> tuple[set[str], set[str]]:
    """Put back what the last run corrected (one transaction); returns the groups and stories it
    touched, for this run's end pass to recompute (they are recorded as pending too, so a stopped
    run's successor does it)."""
    rec = store.link_state(STATE_KEY) or {}
    if not rec.get("claims") and not rec.get("created") and not rec.get("deleted"):
        return set(), set()
    touched: set[str] = set()
    with store.transaction() as cur:
        for row in rec.get("deleted", []):
            store.create_group(cur, row)
        now = {r["claim_id"]: r for r in store.correction_states(rec.get("claims", {}))}
        for cid, x in rec.get("claims", {}).items():
            before = State(**x["before"])
            store.write_correction_state(cur, before)
            touched |= {g for g in (before.group_id, now.get(cid, {}).get("group_id")) if g}
        for gid in rec.get("created", []):
            if store.group_size(gid) == 0:
                store.delete_group(cur, gid)
                touched.discard(gid)
        touched |= set(rec.get("groups", []))
        touched = {g for g in touched | _neighbours(store, touched) if store.group_record(g) is not None}
        stories = _stories(store, touched)
        store.set_link_state(cur, STATE_KEY, {})
        store.mark_pending(cur, [*(("group", g) for g in sorted(touched)), *(("story", s) for s in sorted(stories))])
    return touched, stories


@dataclass(frozen=True)
class Applied:
    """What applying the corrections changed, for the end pass: the groups and stories whose
    derived fields are to be recomputed, the groups it emptied and deleted, and one line per
    entry that found nothing to correct."""

    notes: list[str] = field(default_factory=list)
    groups: set[str] = field(default_factory=set)
    stories: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)


def apply(store: SQLiteStore, cur: Any, c: Corrections) -> Applied:
    """Apply the file to the ledger as linking left it (inside the end pass's transaction).

    Returns what it changed, with one note per entry that found nothing to correct (a claim or
    group not in the ledger). The record of what changed (each claim's state before, the entries
    that changed it, the groups made and emptied) goes to ``link_state`` for the next run's
    :func:`undo`.
    """
    notes: list[str] = []
    record: dict[str, Any] = {"sha": c.sha, "version": VERSION, "claims": {}, "created": [], "deleted": [], "groups": []}
    if not c.entries:
        store.set_link_state(cur, STATE_KEY, record if c.sha else {})
        return Applied(notes)
    where = c.path.name if c.path else "corrections"
    principals, speakers = affected_names(c)
    wanted_p, wanted_s = {fold(n) for n in principals}, {fold(n) for n in speakers}
    ids = set(claim_targets(c))
    ids |= {cid for cid, o in store.claims_naming(principals, speaker=False)
            if any(fold(p) in wanted_p for p in members(o or ""))}
    ids |= {cid for cid, s in store.claims_naming(speakers, speaker=True) if fold(s or "") in wanted_s}
    rows = store.correction_states(ids)
    known = {r["claim_id"]: r for r in rows}
    for cid in claim_targets(c):
        if cid not in known:
            notes.append(f"{where}: claim {cid} is not in the ledger; its corrections wait for it")
    mv: dict[str, tuple[str | None, int]] = {}
    for cid, (to, eid) in moves(c).items():
        if cid in known and to != split_group_id(cid) and store.group_record(str(to)) is None:
            notes.append(f"{where}, correction {eid}: group {to} is not in the ledger; the claim stays where it is")
        else:
            mv[cid] = (to, eid)
    touched: set[str] = {r["group_id"] for r in rows if r["group_id"]}
    for r in rows:
        s = _state(r)
        new, by = corrected(s, c, moves=mv)
        if not by:
            continue
        if new.group_id is not None and new.group_id != s.group_id and store.group_record(new.group_id) is None:
            store.create_group(cur, {"id": new.group_id, "story_id": r["story_id"], "polarity": r["group_polarity"],
                                     "why": json.dumps({"opened_by": s.claim_id, "joins": [], "split_from": s.group_id},
                                                       sort_keys=True),
                                     "updated_at": "corrected"})
            record["created"].append(new.group_id)
        store.write_correction_state(cur, new)
        record["claims"][s.claim_id] = {"before": _asdict(s), "by": by}
        touched |= {g for g in (s.group_id, new.group_id) if g}
    for gid in sorted(touched):
        if gid not in record["created"] and store.group_size(gid) == 0:
            rec = store.group_record(gid)
            if rec is not None:
                record["deleted"].append(rec)
                store.delete_group(cur, gid)
    touched = {g for g in touched | _neighbours(store, touched) if store.group_record(g) is not None}
    record["groups"] = sorted(touched)
    out = Applied(notes, touched, _stories(store, touched), {r["id"] for r in record["deleted"]})
    store.set_link_state(cur, STATE_KEY, record)
    return out


def _asdict(s: State) -> dict[str, Any]:
    return {"claim_id": s.claim_id, "group_id": s.group_id, "origin": s.origin, "speaker": s.speaker,
            "speaker_text": s.speaker_text, "polarity": s.polarity, "stance": s.stance}
