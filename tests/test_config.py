"""The declarative config: shipped defaults agree with the code, user files are checked, settings apply."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crosscheck import config
from crosscheck.errors import CrosscheckError


def test_the_shipped_defaults_are_what_the_code_runs_with(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.ENV, raising=False)
    assert config.defaults() == config.DEFAULTS.flat()
    assert list(config.defaults()) == list(config.DEFAULTS.flat())  # in the file's order
    assert config.load_settings() == config.DEFAULTS


def test_a_user_file_changes_only_what_it_names(tmp_path: Path) -> None:
    f = tmp_path / "my.toml"
    f.write_text("[link.groups]\njoin = 0.7\n\n[language]\nmin_share = 0.2\n", encoding="utf-8")
    assert config.load(f) == {"link.groups.join": 0.7, "language.min_share": 0.2}
    got = config.load_settings(f)
    assert got.link.groups.join == 0.7 and got.language.min_share == 0.2
    now, shipped = got.flat(), config.DEFAULTS.flat()
    assert {k for k in now if now[k] != shipped[k]} == {"link.groups.join", "language.min_share"}
    assert config.DEFAULTS.link.groups.join == shipped["link.groups.join"] != 0.7  # the defaults are untouched


@pytest.mark.parametrize(("text", "says"), [
    ("[link.group]\njoin = 0.7\n", "unknown setting 'link.group.join'"),
    ("[link.groups]\njoin = 'high'\n", "link.groups.join must be float"),
    ("[ingest]\nmax_text_bytes = 1.5\n", "ingest.max_text_bytes must be int"),
    ("[link.groups]\nmember_sample = 0\n", "member_sample must be at least 1"),
    ("[language]\nmin_share = -0.5\n", "min_share must be at least 0"),
    ("[link.groups\n", "my.toml"),
])
def test_a_bad_file_stops_with_a_clear_error(tmp_path: Path, text: str, says: str) -> None:
    f = tmp_path / "my.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(config.ConfigError) as err:
        config.load(f)
    assert isinstance(err.value, CrosscheckError)
    assert str(err.value).startswith("[E004]")
    assert says in str(err.value)


def test_the_cli_applies_the_file_to_the_run(tmp_path: Path) -> None:
    exe = str(Path(sys.executable).with_name("crosscheck"))
    article = tmp_path / "a.txt"
    article.write_text("Officials said on Monday that the bridge over the river had been closed for repairs. " * 3,
                       encoding="utf-8")
    small = tmp_path / "small.toml"
    small.write_text("[ingest]\nmax_text_bytes = 100\n", encoding="utf-8")
    run = subprocess.run([exe, "--config", str(small), "analyze", str(article), "--db", str(tmp_path / "l.db"),
                          "--no-link", "--no-progress"], capture_output=True, text=True, check=False)
    assert run.returncode == 2, run.stderr
    assert "too large" in run.stderr and "limit 100" in run.stderr
    shown = subprocess.run([exe, "--config", str(small), "config"], capture_output=True, text=True, check=True)
    assert "max_text_bytes = 100  # default 5000000" in shown.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text("[nope]\nx = 1\n", encoding="utf-8")
    failed = subprocess.run([exe, "--config", str(bad), "config"], capture_output=True, text=True, check=False)
    assert failed.returncode == 2 and "[E004]" in failed.stderr


def test_every_data_file_is_packaged() -> None:
    """A file under src/crosscheck/data that no package-data pattern matches is missing from a wheel."""
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parent.parent
    patterns = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["crosscheck"]
    pkg = root / "src" / "crosscheck"
    for f in (pkg / "data").rglob("*"):
        if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".py":
            rel = f.relative_to(pkg).as_posix()
            assert any(fnmatch.fnmatch(rel, pat.replace("**/", "*")) for pat in patterns), rel
