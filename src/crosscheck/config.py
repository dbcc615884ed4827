"""One declarative config with commented defaults, held as one frozen ``Settings`` object.

``data/default_config.toml`` lists the settings a user may change, each with what it does. A
user file (``crosscheck --config FILE`` or ``CROSSCHECK_CONFIG``) holds only what it changes;
it is checked against the defaults (no unknown key, no value of another type, no value below
a stage's minimum) and laid over them into a :class:`Settings`. That object travels as an
argument: ``clean``, ``annotate_doc``, the annotate engine and its workers, ``link_store`` and
its preparing workers, and the web app each receive it (it pickles), so one process can hold
two configurations and a spawned worker runs with its parent's. Nothing is set on a module.

The dataclasses' defaults are the code's; a test checks that the shipped file agrees with
them, so the file cannot drift from what runs.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, get_type_hints

from crosscheck.errors import CrosscheckError

__all__ = ["DEFAULTS", "ConfigError", "Settings", "defaults", "load", "load_settings"]

# settings below which a stage would silently stop working (no candidates compared, no chunk)
MINIMUM: dict[str, int] = {"analyze.chunk": 1, "ingest.max_json_depth": 1, "ingest.max_number_digits": 1,
                           "ingest.max_field_chars": 1, "article.max_paragraphs": 1, "article.max_words": 1,
                           "article.max_word_chars": 1, "article.max_paragraph_chars": 1, "link.stories.key_cap": 1, "link.stories.top_keys": 1,
                           "link.groups.key_cap": 1, "link.groups.max_candidate_groups": 1,
                           "link.groups.member_sample": 1, "web.search_rank_window": 1}
ENV = "CROSSCHECK_CONFIG"


class ConfigError(CrosscheckError):
    """A config file cannot be read, or names a setting that does not exist, or gives a wrong type."""

    code = "E004"


# --- the settings, section by section (data/default_config.toml says what each does) ---------

@dataclass(frozen=True, slots=True)
class IngestSettings:
    """``[ingest]``: limits an input is checked against before it is parsed (ingest/files.py)."""

    max_text_bytes: int = 5_000_000  # over 5 MB of text is not a news article
    max_json_depth: int = 32  # an article record is an object of strings: nesting deeper is not one
    max_number_digits: int = 100  # longer numbers are not metadata (Python refuses ints over 4,300 digits)
    max_field_chars: int = 10_000  # a title, outlet, author, url or date longer than this is not one


@dataclass(frozen=True, slots=True)
class ArticleSettings:
    """``[article]``: limits on an article's clean text, checked before annotation (clean.py)."""

    max_paragraphs: int = 5_000
    max_words: int = 100_000  # words: runs of non-space
    max_word_chars: int = 1_000  # longer is a blob (base64, a run of symbols), not prose
    max_paragraph_chars: int = 100_000  # each paragraph is parsed whole; the parser stops at 1,000,000


@dataclass(frozen=True, slots=True)
class AnnotateSettings:
    """``[annotate]``: the per-article annotators (engines/local.py, annotate/claims.py)."""

    time_budget_seconds: float = 120.0  # to parse, then annotate, one article; 0 turns the budget off
    attribution_tagger: bool = True  # the trained tagger adds to the rules' claims


@dataclass(frozen=True, slots=True)
class LanguageSettings:
    """``[language]``: the language check of clean text (language.py)."""

    min_words: int = 20
    min_share: float = 0.12  # a language's function-word share above which the text is written in it


@dataclass(frozen=True, slots=True)
class AnalyzeSettings:
    """``[analyze]``: the runner (pipeline.py)."""

    chunk: int = 256  # articles cleaned ahead of the annotator: bounds memory on huge inputs


@dataclass(frozen=True, slots=True)
class DuplicateSettings:
    """``[link.duplicates]`` (link/dedupe.py)."""

    jaccard: float = 0.6  # estimated Jaccard of shingle sets at or above which a pair is one text


@dataclass(frozen=True, slots=True)
class StorySettings:
    """``[link.stories]`` (link/stories.py). Tuned on the tuning half of the FNC-1 stories."""

    join: float = 0.15  # cosine of weighted profiles at or above which an article joins a story
    key_cap: int = 200  # stories per key beyond which the key is too common to block on
    top_keys: int = 12  # an article is described by its most frequent keys; the tail is noise
    # Entities shared are not enough on their own: below `strong`, an article joins a story only
    # when its claims' mean vector is at least `content_min` from the story's; above, `content_floor`.
    content_min: float = 0.4
    strong: float = 0.5
    content_floor: float = 0.2
    # Members (issue 10): the `shortlist` stories whose profiles score best (at least `join`) are
    # judged by their last `recent` members: a member is close when the two articles' profiles
    # have a cosine of at least `member_entity` and their content vectors one of `member_content`;
    # a story of n members needs
    # ceil(`member_share` x min(n, `member_top`)) close ones, and the best mean over its
    # `member_top` closest wins. A story of fewer than `young` members, or one whose members'
    # mean content vector has a norm of at least `coherent` (they agree with one another), is
    # also judged by its profile (link/stories.py: judge). Tuned on the tuning half of the FNC-1
    # stories with ECB+ held to its floors (eval/story_replay.py).
    shortlist: int = 10
    recent: int = 50
    member_entity: float = 0.2
    member_content: float = 0.42
    member_top: int = 3
    member_share: float = 0.5
    young: int = 3
    coherent: float = 0.82


@dataclass(frozen=True, slots=True)
class GroupSettings:
    """``[link.groups]`` (link/groups.py, link/linker.py)."""

    join: float = 0.58  # combined score at or above which a claim joins a group
    key_cap: int = 300  # groups per key beyond which the key is too common to block on
    # a claim is compared with the groups sharing the most keys with it, and with each group's
    # first members; both bounds are far above what one story's proposition needs
    max_candidate_groups: int = 100
    member_sample: int = 50


@dataclass(frozen=True, slots=True)
class DisputeSettings:
    """``[link.disputes]`` (link/relations.py)."""

    target_min: float = 0.42  # denial-to-assertion score at or above which the assertion is a target


@dataclass(frozen=True, slots=True)
class PrepareSettings:
    """``[link.prepare]`` (link/prepare.py)."""

    ahead_min: int = 64  # articles from which a run prepares in worker processes (start-up costs ~3 s)


@dataclass(frozen=True, slots=True)
class LinkSettings:
    """``[link.*]``: the cross-source layer."""

    duplicates: DuplicateSettings = field(default_factory=DuplicateSettings)
    stories: StorySettings = field(default_factory=StorySettings)
    groups: GroupSettings = field(default_factory=GroupSettings)
    disputes: DisputeSettings = field(default_factory=DisputeSettings)
    prepare: PrepareSettings = field(default_factory=PrepareSettings)


@dataclass(frozen=True, slots=True)
class WebSettings:
    """``[web]`` (web/search.py)."""

    search_rank_window: int = 2000  # matches ranked at most, per kind (the newest)


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of a run: the shipped defaults, changed by a user's file. Frozen; pickles."""

    ingest: IngestSettings = field(default_factory=IngestSettings)
    article: ArticleSettings = field(default_factory=ArticleSettings)
    annotate: AnnotateSettings = field(default_factory=AnnotateSettings)
    language: LanguageSettings = field(default_factory=LanguageSettings)
    analyze: AnalyzeSettings = field(default_factory=AnalyzeSettings)
    link: LinkSettings = field(default_factory=LinkSettings)
    web: WebSettings = field(default_factory=WebSettings)

    def flat(self) -> dict[str, Any]:
        """Every setting by its dotted name ("link.groups.join" -> 0.58), in the file's order."""
        return _flat_of(self)

    def changed(self, **values: Any) -> Settings:
        """A copy with the dotted settings given changed; names use ``__`` for the dots
        (``changed(article__max_words=10)``). Values are checked as a file's are."""
        return with_values(self, {k.replace("__", "."): v for k, v in values.items()}, where="Settings.changed")


def _flat_of(obj: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out.update(_flat_of(value, f"{prefix}{f.name}."))
        else:
            out[f"{prefix}{f.name}"] = value
    return out


def _build(cls: type[Any], values: dict[str, Any], prefix: str = "") -> Any:
    """An instance of the settings dataclass ``cls`` from dotted ``values`` (all of them given)."""
    hints = get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        if dataclasses.is_dataclass(kind):
            kwargs[f.name] = _build(kind, values, f"{prefix}{f.name}.")  # type: ignore[arg-type]
        else:
            kwargs[f.name] = values[f"{prefix}{f.name}"]
    return cls(**kwargs)


# --- files --------------------------------------------------------------------------------------

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
    """The shipped settings file, flattened ("link.groups.join" -> 0.58)."""
    raw = resources.files("crosscheck.data").joinpath("default_config.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(raw))


def _checked(got: dict[str, Any], where: str) -> dict[str, Any]:
    """``got`` checked against the defaults (known names, their types, the minimums); ints as floats
    where the setting is a float."""
    known = defaults()
    for name, value in got.items():
        if name not in known:
            raise ConfigError(f"{where}: unknown setting {name!r} (see `crosscheck config` for the known ones)")
        want = type(known[name])
        if want is bool:  # a switch: true or false, nothing else
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: {name} must be bool, not {type(value).__name__} {value!r}")
            continue
        if isinstance(value, bool) or not isinstance(value, (want, int) if want is float else want):
            raise ConfigError(f"{where}: {name} must be {want.__name__}, not {type(value).__name__} {value!r}")
        if value < MINIMUM.get(name, 0):
            raise ConfigError(f"{where}: {name} must be at least {MINIMUM.get(name, 0)}")
    return {k: (float(v) if type(known[k]) is float else v) for k, v in got.items()}


def load(path: str | Path) -> dict[str, Any]:
    """The settings a user file changes, checked against the defaults."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return _checked(_flatten(data), str(path))


def with_values(base: Settings, values: dict[str, Any], *, where: str = "settings") -> Settings:
    """``base`` with the dotted ``values`` changed (checked as a file's are)."""
    built: Settings = _build(Settings, {**base.flat(), **_checked(values, where)})
    return built


def load_settings(path: str | Path | None = None) -> Settings:
    """The settings of a run: the shipped defaults file, with ``path`` (else the file
    ``CROSSCHECK_CONFIG`` names, if any) laid over it."""
    chosen = path or os.environ.get(ENV)
    changes = load(chosen) if chosen else {}
    built: Settings = _build(Settings, {**defaults(), **changes})
    return built


DEFAULTS = Settings()  # the code's defaults: what a stage runs with when it is handed no settings
