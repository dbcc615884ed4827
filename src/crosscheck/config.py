"""One declarative config with commented defaults: ``data/default_config.toml``.

The defaults file lists the settings a user may change, each with what it does. A user file
(``crosscheck --config FILE`` or ``CROSSCHECK_CONFIG``) holds only what it changes; it is
checked against the defaults (no unknown key, no value of another type) and applied to the
stages before they run. Each setting names the module constant it sets, and a test checks
that the shipped defaults and the code agree, so the file cannot drift from what runs.
"""

from __future__ import annotations

import importlib
import os
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from crosscheck.errors import CrosscheckError

__all__ = ["ConfigError", "apply", "defaults", "effective", "load"]

# setting -> (module, constant) it sets
TARGETS: dict[str, tuple[str, str]] = {
    "ingest.max_text_bytes": ("crosscheck.ingest.files", "MAX_TEXT_BYTES"),
    "ingest.max_json_depth": ("crosscheck.ingest.files", "MAX_JSON_DEPTH"),
    "ingest.max_number_digits": ("crosscheck.ingest.files", "MAX_NUMBER_DIGITS"),
    "ingest.max_field_chars": ("crosscheck.ingest.files", "MAX_FIELD_CHARS"),
    "article.max_paragraphs": ("crosscheck.clean", "MAX_PARAGRAPHS"),
    "article.max_words": ("crosscheck.clean", "MAX_WORDS"),
    "article.max_word_chars": ("crosscheck.clean", "MAX_WORD_CHARS"),
    "article.max_paragraph_chars": ("crosscheck.clean", "MAX_PARAGRAPH_CHARS"),
    "annotate.time_budget_seconds": ("crosscheck.engines.local", "TIME_BUDGET"),
    "annotate.attribution_tagger": ("crosscheck.annotate.claims", "TAGGER"),
    "language.min_words": ("crosscheck.language", "MIN_WORDS"),
    "language.min_share": ("crosscheck.language", "MIN_SHARE"),
    "analyze.chunk": ("crosscheck.pipeline", "CHUNK"),
    "link.duplicates.jaccard": ("crosscheck.link.dedupe", "DUPLICATE_JACCARD"),
    "link.stories.join": ("crosscheck.link.stories", "JOIN"),
    "link.stories.key_cap": ("crosscheck.link.stories", "KEY_CAP"),
    "link.stories.top_keys": ("crosscheck.link.stories", "TOP_KEYS"),
    "link.stories.content_min": ("crosscheck.link.stories", "CONTENT_MIN"),
    "link.stories.strong": ("crosscheck.link.stories", "STRONG"),
    "link.stories.content_floor": ("crosscheck.link.stories", "CONTENT_FLOOR"),
    "link.groups.join": ("crosscheck.link.groups", "JOIN"),
    "link.groups.key_cap": ("crosscheck.link.groups", "KEY_CAP"),
    "link.groups.max_candidate_groups": ("crosscheck.link.linker", "MAX_CANDIDATE_GROUPS"),
    "link.groups.member_sample": ("crosscheck.link.linker", "MEMBER_SAMPLE"),
    "link.disputes.target_min": ("crosscheck.link.relations", "TARGET_MIN"),
    "link.prepare.ahead_min": ("crosscheck.link.prepare", "AHEAD_MIN"),
    "web.search_rank_window": ("crosscheck.web.search", "RANK_WINDOW"),
}
# settings below which a stage would silently stop working (no candidates compared, no chunk)
MINIMUM: dict[str, int] = {"analyze.chunk": 1, "ingest.max_json_depth": 1, "ingest.max_number_digits": 1,
                           "ingest.max_field_chars": 1, "article.max_paragraphs": 1, "article.max_words": 1,
                           "article.max_word_chars": 1, "article.max_paragraph_chars": 1, "link.stories.key_cap": 1, "link.stories.top_keys": 1,
                           "link.groups.key_cap": 1, "link.groups.max_candidate_groups": 1,
                           "link.groups.member_sample": 1, "web.search_rank_window": 1}
# Settings apply to this process and the analyze workers it forks. The link layer's preparing
# workers (spawned) read none of them: they only embed and parse.
ENV = "CROSSCHECK_CONFIG"


class ConfigError(CrosscheckError):
    """A config file cannot be read, or names a setting that does not exist, or gives a wrong type."""

    code = "E004"


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


@cache
def defaults() -> dict[str, Any]:
    """The shipped settings, flattened ("link.groups.join" -> 0.58)."""
    raw = resources.files("crosscheck.data").joinpath("default_config.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(raw))


def load(path: str | Path) -> dict[str, Any]:
    """The settings a user file changes, checked against the defaults."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    got = _flatten(data)
    known = defaults()
    for name, value in got.items():
        if name not in known:
            raise ConfigError(f"{path}: unknown setting {name!r} (see `crosscheck config` for the known ones)")
        want = type(known[name])
        if want is bool:  # a switch: true or false, nothing else
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: {name} must be bool, not {type(value).__name__} {value!r}")
            continue
        if isinstance(value, bool) or not isinstance(value, (want, int) if want is float else want):
            raise ConfigError(f"{path}: {name} must be {want.__name__}, not {type(value).__name__} {value!r}")
        if value < MINIMUM.get(name, 0):
            raise ConfigError(f"{path}: {name} must be at least {MINIMUM.get(name, 0)}")
    return {k: (float(v) if type(known[k]) is float else v) for k, v in got.items()}


def apply(settings: dict[str, Any]) -> None:
    """Set the stages' constants from ``settings`` (a :func:`load` result) for this process."""
    for name, value in settings.items():
        module, attr = TARGETS[name]
        setattr(importlib.import_module(module), attr, value)


def from_environment(path: str | Path | None = None) -> dict[str, Any]:
    """Load and apply ``path``, else the file ``CROSSCHECK_CONFIG`` names; returns what was changed."""
    chosen = path or os.environ.get(ENV)
    if not chosen:
        return {}
    settings = load(chosen)
    apply(settings)
    return settings


def effective() -> dict[str, Any]:
    """Every setting as the code holds it now (defaults, unless a config changed them)."""
    return {name: getattr(importlib.import_module(m), a) for name, (m, a) in TARGETS.items()}
