"""One frozen ``Settings`` object per run, passed explicitly (issue 11): two configurations live
side by side in one process, a spawned preparing worker runs with its parent's, and loading a
config file changes no module."""

from __future__ import annotations

import dataclasses
import importlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import need_shared
from crosscheck import config
from crosscheck.config import DEFAULTS, Settings
from crosscheck.link import link_store, prepare
from crosscheck.link.stories import StoryClusterer
from crosscheck.store.sqlite import SQLiteStore

# the modules whose constants config.py used to overwrite
STAGES = ["crosscheck.ingest.files", "crosscheck.clean", "crosscheck.engines.local", "crosscheck.annotate.claims",
          "crosscheck.language", "crosscheck.pipeline", "crosscheck.link.dedupe", "crosscheck.link.stories",
          "crosscheck.link.groups", "crosscheck.link.linker", "crosscheck.link.relations", "crosscheck.link.prepare",
          "crosscheck.web.search"]


def _every_setting_changed() -> dict[str, object]:
    """A valid value, other than the default, for every setting."""
    out: dict[str, object] = {}
    for name, value in DEFAULTS.flat().items():
        if isinstance(value, bool):
            out[name] = not value
        elif isinstance(value, float):
            out[name] = value / 2 + 0.01
        else:
            out[name] = value + 7
    return out


@pytest.fixture(scope="module")
def seeds_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds analyzed once, not linked (each test links a copy)."""
    from crosscheck.pipeline import analyze

    path = tmp_path_factory.mktemp("settings") / "seeds.db"
    with SQLiteStore(path) as s:
        summary = analyze([str(need_shared("corpus", "seeds"))], s)
        assert summary.stored >= 3
    return path


def _copy(src: Path, dst: Path) -> Path:
    with SQLiteStore(src) as s:
        s.conn.execute("VACUUM INTO ?", (str(dst),))
    return dst


def _stories(path: Path) -> int:
    with SQLiteStore(path) as s:
        return int(s.conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0])


def test_two_story_join_thresholds_in_one_clusterer_process() -> None:
    """The same documents, clustered with two story settings one after the other: the strict
    threshold keeps apart what the default joins, and the default is unaffected by the strict run."""
    shared = {"country:valdoria": 3, "org:transport-ministry": 2}
    docs = [("a", shared | {"name:bridge": 2}), ("b", shared | {"name:storm": 2}), ("c", shared | {"name:rail": 1})]
    strict = DEFAULTS.changed(link__stories__join=0.95).link.stories

    def run(settings: config.StorySettings) -> list[str]:
        sc = StoryClusterer(settings=settings)
        return [sc.add(aid, counts) for aid, counts in docs]

    loose, tight, again = run(DEFAULTS.link.stories), run(strict), run(DEFAULTS.link.stories)
    assert len(set(loose)) == 1  # shared entities are enough at the default join
    assert len(set(tight)) == 3  # not at 0.95
    assert again == loose


def test_two_settings_link_two_ledgers_differently_in_one_process(seeds_ledger: Path, tmp_path: Path) -> None:
    """link_store with a strict story join, then with the defaults, in the same process: each ledger
    gets its own configuration's stories, and the module globals play no part."""
    strict = DEFAULTS.changed(link__stories__join=0.999)
    a = _copy(seeds_ledger, tmp_path / "strict.db")
    b = _copy(seeds_ledger, tmp_path / "default.db")
    with SQLiteStore(a) as s:
        link_store(s, prepare_ahead=False, settings=strict)
    with SQLiteStore(b) as s:
        link_store(s, prepare_ahead=False)
        params = s.link_state("last_run")["params"]
    assert params["story_join"] == DEFAULTS.link.stories.join
    with SQLiteStore(a) as s:
        assert s.link_state("last_run")["params"]["story_join"] == 0.999
    assert _stories(b) == 1  # the seeds are one story
    assert _stories(a) > _stories(b)


def test_group_join_is_the_settings_not_a_global() -> None:
    """Two claims scoring between two group join thresholds join under the lower one only."""
    from crosscheck.link import groups
    from crosscheck.link.proposition import Signature

    vec = np.zeros(384, dtype=np.float32)
    vec[0] = 1.0
    other = vec.copy()
    other[1] = 0.6
    other /= np.linalg.norm(other)

    def info(cid: str, v: np.ndarray) -> groups.ClaimInfo:
        return groups.ClaimInfo(id=cid, article_id=cid, polarity="assert", content="the bridge collapsed", vec=v,
                                stems=frozenset({"bridge", "collapse", "storm"}), entities=frozenset(),
                                dates=frozenset(), quantities=(), origin=f"speaker {cid}", publisher=f"outlet {cid}",
                                sig=Signature(verbs=frozenset({"collapse"})))

    a, b = info("a", vec), info("b", other)
    score = groups.pair_score(a, b)[0]
    low, high = score - 0.05, score + 0.05
    assert groups.best_group(a, {"g": [b]}, join=low)[0] == "g"
    assert groups.best_group(a, {"g": [b]}, join=high)[0] is None


def test_loading_a_config_changes_no_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file changing every setting gives a Settings holding those values, and leaves every stage
    module's attributes, and the defaults, as they were: nothing is set on a module."""
    modules = [importlib.import_module(m) for m in STAGES]
    before = [dict(vars(m)) for m in modules]
    wanted = _every_setting_changed()
    f = tmp_path / "all.toml"
    lines, section = [], None
    for name, value in wanted.items():
        head, key = name.rsplit(".", 1)
        if head != section:
            lines.append(f"[{head}]")
            section = head
        lines.append(f"{key} = " + (str(value).lower() if isinstance(value, bool) else repr(value)))
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv(config.ENV, str(f))
    got = config.load_settings()
    assert got.flat() == wanted
    for m, was in zip(modules, before, strict=True):
        now = vars(m)
        assert {k for k in set(now) | set(was) if now.get(k, None) is not was.get(k, None)} == set(), m.__name__
    assert Settings() == DEFAULTS and DEFAULTS.flat() == config.defaults()
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.link.stories.join = 0.1  # type: ignore[misc]


def test_a_spawned_preparing_worker_receives_the_config_files_settings(seeds_ledger: Path, tmp_path: Path) -> None:
    """The workers link_store starts (spawn: a fresh interpreter that imports the defaults) hold the
    parent's settings, as a config file gave them."""
    f = tmp_path / "c.toml"
    f.write_text("[link.stories]\njoin = 0.33\n\n[link.groups]\nmember_sample = 9\n", encoding="utf-8")
    settings = config.load_settings(f)
    assert settings != DEFAULTS
    pool = prepare.workers(str(seeds_ledger), settings)
    try:
        seen = pool.submit(prepare.worker_settings).result(timeout=300)
    finally:
        pool.shutdown(wait=True)
    assert seen == settings
    assert seen.link.stories.join == 0.33 and seen.link.groups.member_sample == 9


def test_the_cli_config_reaches_the_linker_and_its_workers(seeds_ledger: Path, tmp_path: Path) -> None:
    """`crosscheck --config FILE link`: a strict story join in the file splits the seeds' story as
    the library does with the same settings inline; ahead_min = 1 in the file sends this short run
    through the preparing workers, and none of them fails."""
    exe = str(Path(sys.executable).with_name("crosscheck"))
    f = tmp_path / "c.toml"
    f.write_text("[link.stories]\njoin = 0.999\n\n[link.prepare]\nahead_min = 1\n", encoding="utf-8")
    by_cli = _copy(seeds_ledger, tmp_path / "cli.db")
    run = subprocess.run([exe, "--config", str(f), "link", "--db", str(by_cli)],
                         capture_output=True, text=True, check=False, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "inline" not in run.stderr, run.stderr  # no worker failed to start or to prepare
    inline = _copy(seeds_ledger, tmp_path / "inline.db")
    with SQLiteStore(inline) as s:
        link_store(s, prepare_ahead=False, settings=config.load_settings(f))
    assert _stories(by_cli) == _stories(inline) > 1
