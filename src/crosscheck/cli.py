"""The command line: thin shells that parse, call one library function, and render.

The library never configures logging; this module does.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from crosscheck import __version__
from crosscheck.cli_help import HelpCommand, HelpGroup
from crosscheck.config import DEFAULTS, Settings

app = typer.Typer(
    cls=HelpGroup,
    add_completion=False,
    no_args_is_help=True,
    help="crosscheck: a sourced ledger of who claimed what, when, and who denies it.",
)

DbOption = Annotated[str, typer.Option(
    "--db", metavar="FILE|URL", help="The ledger: a SQLite file, or a PostgreSQL database as postgresql://user@host/db.")]


CorrectionsOption = Annotated[str | None, typer.Option(
    "--corrections", metavar="FILE", help="The analyst's corrections file (default: LEDGER.corrections.toml beside a "
    "SQLite ledger; a PostgreSQL ledger has none unless given).")]


def _corrections_file(db: str, given: str | None) -> Path | None:
    """The corrections file a command reads and writes: ``--corrections``, else the one beside a
    SQLite ledger, else None (a PostgreSQL ledger without ``--corrections``)."""
    from crosscheck.link import corrections

    if given:
        return Path(given)
    return None if _is_url(db) else corrections.path_for(Path(db))


def _is_url(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def _exists(db: str) -> bool:
    """A SQLite file that exists, or any PostgreSQL URL (opening it says if it cannot be reached)."""
    return _is_url(db) or Path(db).exists()


def _named(db: str) -> str:
    """The ledger as shown in messages (a URL without its password)."""
    if _is_url(db):
        from crosscheck.store.postgres import redact

        return redact(db)
    return db


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _settings(ctx: typer.Context) -> Settings:
    """The run's settings, loaded once by the callback from --config or CROSSCHECK_CONFIG and
    kept on the root context (the defaults when a command is invoked without the callback)."""
    got = ctx.find_root().obj
    return got if isinstance(got, Settings) else DEFAULTS


@app.callback()
def _main(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug details to stderr.")] = False,
    config: Annotated[Path | None, typer.Option(
        "--config", help="Settings file (TOML) changing the defaults that `crosscheck config` lists; "
        "default: the file CROSSCHECK_CONFIG names, if any.")] = None,
) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from crosscheck.config import load_settings
    from crosscheck.errors import CrosscheckError

    try:
        ctx.obj = load_settings(config)
    except CrosscheckError as exc:
        _err(str(exc))
        raise typer.Exit(2) from exc


def _toml_value(value: object) -> str:
    """A setting's value as TOML writes it (true/false, not Python's True/False)."""
    return ("true" if value else "false") if isinstance(value, bool) else repr(value)


@app.command("config", cls=HelpCommand)
def show_config(ctx: typer.Context) -> None:
    """Print the settings in effect (defaults, changed by --config or CROSSCHECK_CONFIG), as TOML."""
    from crosscheck import config

    shipped = config.defaults()
    section = None
    for name, value in _settings(ctx).flat().items():
        head, key = name.rsplit(".", 1)
        if head != section:
            typer.echo(f"{'' if section is None else chr(10)}[{head}]")
            section = head
        note = "" if value == shipped[name] else f"  # default {_toml_value(shipped[name])}"
        typer.echo(f"{key} = {_toml_value(value)}{note}")


@app.command(cls=HelpCommand)
def version() -> None:
    """Print the crosscheck version."""
    typer.echo(__version__)


@app.command(cls=HelpCommand)
def analyze(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH...", help="Files or directories (.txt, .html, .htm, .jsonl, .ndjson, .warc, .warc.gz, a .paths list of WARCs), "
             "or - for stdin.")],
    db: DbOption = "crosscheck.db",
    workers: Annotated[int, typer.Option(min=1, help="Worker processes for annotation (at least 1).")] = 1,
    link: Annotated[bool, typer.Option("--link/--no-link", help="Run the cross-source layer at the end.")] = True,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")] = True,
    engine: Annotated[str, typer.Option(help="local (this machine) | spark (writes Parquet to --out).")] = "local",
    master: Annotated[str, typer.Option(help="With --engine spark: local[N] or spark://HOST:PORT.")] = "local[2]",
    out: Annotated[Path | None, typer.Option(help="With --engine spark: folder for the Parquet tables.")] = None,
    corrections_file: CorrectionsOption = None,
) -> None:
    """Ingest, clean, annotate and store articles; bad inputs are reported and skipped.

    Exit code 0 when every input was stored or already present, 1 when some were rejected,
    2 when none could be read (or the ledger cannot be used), 3 on an internal error (a bug).
    """
    if engine != "local":
        _analyze_spark(paths, engine, master, out, _settings(ctx))
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from crosscheck.engines.local import LocalEngine
    from crosscheck.ingest.files import shown
    from crosscheck.pipeline import analyze as run
    from crosscheck.pipeline import count_inputs
    from crosscheck.pipeline import link as link_store
    from crosscheck.store import open_store

    console = Console(stderr=True)
    started = time.perf_counter()
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if len(missing) == len(paths):  # nothing to read: say so, and make no empty ledger
        for p in missing:
            _err(f"skipped {shown(p)}: no such file or directory")
        _err(f"no input exists: nothing analyzed{'' if _exists(db) else f', no ledger made at {shown(db)}'}")
        raise typer.Exit(2)
    total = count_inputs(paths)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=console,
        disable=not progress or not console.is_terminal,
    )
    engine_ = LocalEngine(workers=workers)
    clock = {"annotating": 0.0}  # when the model was loaded (the first result, with worker processes)
    with open_store(db) as store, bar:
        store.corrections_path = _corrections_file(db, corrections_file)
        task = bar.add_task("loading model", total=total, rate="")
        if workers == 1:  # in this process: load it now, so the bar says what the first seconds are
            from crosscheck.annotate.nlp import load

            load(engine_.model)
            clock["annotating"] = time.perf_counter()
            bar.update(task, description="analyze")

        def on_event(kind: str, data: dict[str, object]) -> None:
            if kind == "rejected":
                bar.console.print(f"skipped {data['source']}: {data['reason']}", markup=False, highlight=False, soft_wrap=True)
            elif kind == "skipped":  # records of a web archive that are not articles: a note, not an error
                bar.console.print(f"{data['source']}: {data['reason']}", markup=False, highlight=False, soft_wrap=True)
                return
            now = time.perf_counter()
            if not clock["annotating"]:  # the workers' models are loaded once a first result is back
                clock["annotating"] = now
                bar.update(task, description="analyze")
            done = bar.tasks[0].completed + 1
            bar.update(task, completed=done, rate=f"{done / max(now - clock['annotating'], 1e-9):.1f} articles/s"
                       if now > clock["annotating"] else "")

        summary = run(paths, store, engine=engine_, on_event=on_event, settings=_settings(ctx))
        analyzed = time.perf_counter()
        linked = ""
        if link:
            bar.update(task, description="link", rate="linking...")
            linked = " " + link_store(store, _settings(ctx))
        counts = store.counts()
    ended = time.perf_counter()
    loaded = (clock["annotating"] or analyzed) - started
    annotating = max(analyzed - (clock["annotating"] or started), 1e-9)
    typer.echo(
        f"{summary.stored} stored, {summary.present} already present, {summary.new_versions} new versions, "
        f"{len(summary.rejected)} rejected in {ended - started:.1f}s "
        f"(model load {loaded:.1f}s, analyze {analyzed - started - loaded:.1f}s"
        f"{f', link {ended - analyzed:.1f}s' if link else ''}; "
        f"{summary.stored / annotating:.1f} articles/s analyzed). "
        f"Ledger {_named(db)}: {counts['articles']} articles, {counts['claims']} claims, {counts['times']} times, "
        f"{counts['quantities']} quantities.{linked}"
    )
    if summary.rejected:  # each was named on its own line as it happened
        _err(f"{len(summary.rejected)} input(s) rejected (each named above; also in the ledger's rejects table)")
    if summary.internal:
        _err(f"{summary.internal} of them hit an internal error (a bug): exit code {summary.exit_code}; "
             "please report the lines that say so")
    raise typer.Exit(summary.exit_code)


@app.command(cls=HelpCommand)
def watch(
    ctx: typer.Context,
    feeds: Annotated[list[str], typer.Argument(help="RSS or Atom feeds: URLs or files.")],
    db: DbOption = "crosscheck.db",
    every: Annotated[str, typer.Option(help="Poll interval: 30s, 15m, 1h.")] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit (for cron).")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for one HTTP answer.")] = 20.0,
    delay: Annotated[float, typer.Option(help="Seconds between two requests to the same host.")] = 1.0,
    max_redirects: Annotated[int, typer.Option(help="Redirects followed per request.")] = 5,
    link: Annotated[bool, typer.Option("--link/--no-link", help="Link after each poll that stored something.")] = True,
    corrections_file: CorrectionsOption = None,
) -> None:
    """Poll feeds, fetch new entries' pages, analyze and link them; Ctrl-C stops cleanly.

    Each poll sends the ETag / Last-Modified remembered in the ledger, so an unchanged feed or
    page costs one 304. The first Ctrl-C stops after what is in flight is stored (exit code 0);
    a second one stops at once (exit code 130; what was not stored is fetched again next time).
    """
    import signal
    import threading

    from crosscheck.engines.local import LocalEngine
    from crosscheck.ingest.feeds import FetchSettings, Poller, analyze_feeds, parse_every
    from crosscheck.ingest.feeds import watch as run_watch
    from crosscheck.pipeline import link as link_store
    from crosscheck.store import open_store

    try:
        interval = parse_every(every)
    except ValueError:
        _err(f"--every: not an interval: {every!r} (use 30s, 15m, 1h)")
        raise typer.Exit(2) from None
    stop = threading.Event()

    def on_sigint(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        _err("stopping after what is in flight is stored (Ctrl-C again to stop now)")

    previous = signal.signal(signal.SIGINT, on_sigint)
    settings = FetchSettings(timeout=timeout, max_redirects=max_redirects, delay=delay)
    engine = LocalEngine()
    run_settings = _settings(ctx)
    try:
        with open_store(db) as store:
            store.corrections_path = _corrections_file(db, corrections_file)

            def run_round(poller: Poller) -> None:
                started = time.perf_counter()

                def on_event(kind: str, data: dict[str, object]) -> None:
                    if kind == "rejected":
                        _err(f"skipped {data['source']}: {data['reason']}")

                summary = analyze_feeds(poller, feeds, store, engine=engine, on_event=on_event, settings=run_settings)
                linked = " " + link_store(store, run_settings) if link and summary.stored else ""
                st = poller.stats
                typer.echo(
                    f"{time.strftime('%H:%M:%S')} polled {st.feeds} feeds ({st.unchanged} unchanged): "
                    f"{st.entries} entries, {st.fetched} fetched, {st.not_modified} not modified; "
                    f"{summary.stored} stored, {summary.present} already present, {len(summary.rejected)} rejected "
                    f"in {time.perf_counter() - started:.1f}s.{linked}", )
                sys.stdout.flush()

            rounds = run_watch(feeds, run_round, every=interval, once=once, settings=settings,
                               store=store, stop=stop)
    except KeyboardInterrupt:
        _err("stopped at once; what was not stored is fetched again next time")
        raise typer.Exit(130) from None
    finally:
        signal.signal(signal.SIGINT, previous)
    if stop.is_set():
        typer.echo(f"stopped after {rounds} poll(s)")


def _analyze_spark(paths: list[str], engine: str, master: str, out: Path | None, settings: Settings) -> None:
    """``analyze --engine spark``: the per-article stages on Spark, into Parquet (engines/spark.py)."""
    if engine != "spark":
        _err(f"unknown engine {engine!r}: use local or spark")
        raise typer.Exit(2)
    if out is None:
        _err("--engine spark writes Parquet tables: give --out DIR (then `crosscheck load DIR --db FILE`)")
        raise typer.Exit(2)
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _err("--engine spark needs pyspark: pip install 'crosscheck[spark]' (and Java 17)")
        raise typer.Exit(2) from None
    from crosscheck.engines.spark import run as run_spark

    started = time.perf_counter()
    try:
        counts = run_spark(paths, out, master=master, settings=settings)
    except FileExistsError as exc:
        _err(str(exc))
        raise typer.Exit(2) from None
    elapsed = time.perf_counter() - started
    typer.echo(f"{counts['articles']} articles analyzed on {master} in {elapsed:.1f}s "
               f"({counts['articles'] / max(elapsed, 1e-9):.1f} articles/s), {counts['rejects']} rejected; wrote "
               + ", ".join(f"{k} {n}" for k, n in counts.items()) + f" to {out}. Next: crosscheck load {out} --db FILE")
    raise typer.Exit(0 if not counts["rejects"] else 1 if counts["articles"] else 2)


@app.command(cls=HelpCommand)
def load(
    ctx: typer.Context,
    parquet_dir: Annotated[Path, typer.Argument(help="Folder written by analyze --engine spark.")],
    db: DbOption = "crosscheck.db",
    link: Annotated[bool, typer.Option("--link/--no-link", help="Run the cross-source layer at the end.")] = True,
    corrections_file: CorrectionsOption = None,
) -> None:
    """Store a Spark run's Parquet tables in the ledger (then link), as the local engine would have."""
    from crosscheck.engines.spark import load as load_tables
    from crosscheck.pipeline import link as link_store
    from crosscheck.store import open_store

    with open_store(db) as store:
        store.corrections_path = _corrections_file(db, corrections_file)
        try:
            summary = load_tables(parquet_dir, store)
        except FileNotFoundError as exc:
            _err(str(exc))
            raise typer.Exit(2) from None
        linked = " " + link_store(store, _settings(ctx)) if link else ""
        counts = store.counts()
    typer.echo(f"{summary.stored} stored, {summary.present} already present, {summary.new_versions} new versions, "
               f"{len(summary.rejected)} rejected. Ledger {_named(db)}: {counts['articles']} articles, "
               f"{counts['claims']} claims.{linked}")
    raise typer.Exit(summary.exit_code)


def _ledger_at(url: str) -> bool:
    """True when the PostgreSQL database ``url`` names exists and holds a ledger (never creates one)."""
    from crosscheck.errors import StoreError
    from crosscheck.store import open_store
    from crosscheck.store.base import ledger_errors

    try:
        with open_store(url, read_only=True) as store:
            return bool(store.columns("migrations"))
    except StoreError:
        return False
    except ledger_errors():
        return False


def _require_db(db: str) -> None:
    """Stop with exit code 2 and a hint when there is no ledger to read (a missing file, or a
    PostgreSQL database that does not exist or holds no ledger: reading never creates one)."""
    if not (_ledger_at(db) if _is_url(db) else Path(db).exists()):
        from crosscheck.ingest.files import shown

        _err(f"[E002] no ledger at {shown(_named(db))}: run `crosscheck analyze` first")
        raise typer.Exit(2)


def _usage(message: str) -> typer.Exit:
    """Print a usage error with its code; the caller raises the returned exit (code 2)."""
    from crosscheck.errors import UsageError

    _err(str(UsageError(message)))
    return typer.Exit(2)


@app.command(cls=HelpCommand)
def link(ctx: typer.Context, db: DbOption = "crosscheck.db", corrections_file: CorrectionsOption = None) -> None:
    """Run the cross-source layer alone: duplicates, stories, claim groups, relations, timeline."""
    from crosscheck.pipeline import link as link_store
    from crosscheck.store import open_store

    _require_db(db)
    with open_store(db) as store:
        store.corrections_path = _corrections_file(db, corrections_file)
        typer.echo(link_store(store, _settings(ctx)))


correct_app = typer.Typer(cls=HelpGroup, no_args_is_help=True, help="Add a correction to the ledger's corrections file "
                          "(LEDGER.corrections.toml, docs/CORRECTIONS.md) and relink; `correct list` shows them.")
app.add_typer(correct_app, name="correct")
WhyOption = Annotated[str, typer.Option("--why", help="Why the correction is right (kept with it).")]
WhoOption = Annotated[str | None, typer.Option("--who", help="Who corrects (default: $USER).")]
RelinkOption = Annotated[bool, typer.Option("--link/--no-link", help="Relink now, so the ledger shows it.")]


def _correct(ctx: typer.Context, db: str, given: str | None, op: str, fields: dict[str, object], who: str | None,
             why: str, relink: bool) -> None:
    """Check a correction against the ledger, append it to the file, relink."""
    from datetime import UTC, datetime

    from crosscheck.link import corrections
    from crosscheck.pipeline import link as link_store
    from crosscheck.store import open_store

    _require_db(db)
    path = _corrections_file(db, given)
    if path is None:
        raise _usage("a PostgreSQL ledger keeps no file beside it: name the corrections file with --corrections FILE")
    with open_store(db) as store:
        store.corrections_path = path
        for key in ("claim",):
            if key in fields and not store.has_claim(str(fields[key])):
                raise _usage(f"no claim {fields[key]!r} in {db}")
        to = fields.get("to_group")
        if to and store.group_record(str(to)) is None:
            raise _usage(f"no claim group {to!r} in {db}")
        entry = corrections.add(path, op, fields, who=who or os.environ.get("USER") or "unknown",
                                when=datetime.now(UTC).isoformat(timespec="seconds"), why=why)
        typer.echo(f"correction {entry.id} ({op}) added to {path}")
        if relink:
            typer.echo(link_store(store, _settings(ctx)))


@correct_app.command("merge-principals", cls=HelpCommand)
def correct_merge_principals(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(help="The principals (origins) that are one.", metavar="NAME...")],
    into: Annotated[str, typer.Option("--into", help="The name they are shown under.")],
    why: WhyOption, who: WhoOption = None, db: DbOption = "crosscheck.db", relink: RelinkOption = True,
    corrections_file: CorrectionsOption = None,
) -> None:
    """Merge principals: each NAME is read as --into, inside joint origins too."""
    _correct(ctx, db, corrections_file, "merge_principals", {"names": names, "into": into}, who, why, relink)


@correct_app.command("rename-principal", cls=HelpCommand)
def correct_rename_principal(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The principal as the ledger names it.", metavar="NAME")],
    to: Annotated[str, typer.Option("--to", help="Its right name.")],
    why: WhyOption, who: WhoOption = None, db: DbOption = "crosscheck.db", relink: RelinkOption = True,
    corrections_file: CorrectionsOption = None,
) -> None:
    """Rename a principal (origin)."""
    _correct(ctx, db, corrections_file, "rename_principal", {"name": name, "to": to}, who, why, relink)


@correct_app.command("merge-speakers", cls=HelpCommand)
def correct_merge_speakers(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(help="The speakers that are one person or body.", metavar="NAME...")],
    into: Annotated[str, typer.Option("--into", help="The name they are shown under.")],
    why: WhyOption, who: WhoOption = None, db: DbOption = "crosscheck.db", relink: RelinkOption = True,
    corrections_file: CorrectionsOption = None,
) -> None:
    """Merge speakers: each NAME is read as --into."""
    _correct(ctx, db, corrections_file, "merge_speakers", {"names": names, "into": into}, who, why, relink)


@correct_app.command("rename-speaker", cls=HelpCommand)
def correct_rename_speaker(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The speaker as the ledger names them.", metavar="NAME")],
    to: Annotated[str, typer.Option("--to", help="Their right name.")],
    why: WhyOption, who: WhoOption = None, db: DbOption = "crosscheck.db", relink: RelinkOption = True,
    corrections_file: CorrectionsOption = None,
) -> None:
    """Rename a speaker."""
    _correct(ctx, db, corrections_file, "rename_speaker", {"name": name, "to": to}, who, why, relink)


@correct_app.command("move-claim", cls=HelpCommand)
def correct_move_claim(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="The claim id.", metavar="CLAIM")],
    why: WhyOption,
    to_group: Annotated[str | None, typer.Option("--to-group", help="The claim group it belongs to "
                                                 "(default: out of its group, alone).", metavar="GROUP")] = None,
    who: WhoOption = None, db: DbOption = "crosscheck.db", relink: RelinkOption = True,
    corrections_file: CorrectionsOption = None,
) -> None:
    """Move a claim out of its group (alone) or into another group."""
    _correct(ctx, db, corrections_file, "move_claim", {"claim": claim, **({"to_group": to_group} if to_group else {})}, who, why, relink)


@correct_app.command("set-polarity", cls=HelpCommand)
def correct_set_polarity(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="The claim id.", metavar="CLAIM")],
    polarity: Annotated[str, typer.Argument(help="assert | deny", metavar="POLARITY")],
    why: WhyOption, who: WhoOption = None, db: DbOption = "crosscheck.db", relink: RelinkOption = True,
    corrections_file: CorrectionsOption = None,
) -> None:
    """Set whether a claim asserts or denies its content."""
    if polarity not in ("assert", "deny"):
        raise _usage(f"unknown polarity {polarity!r}: use assert or deny")
    _correct(ctx, db, corrections_file, "set_polarity", {"claim": claim, "polarity": polarity}, who, why, relink)


@correct_app.command("set-stance", cls=HelpCommand)
def correct_set_stance(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="The claim id.", metavar="CLAIM")],
    stance: Annotated[str, typer.Argument(help="asserts | denies | contests | non_denial", metavar="STANCE")],
    why: WhyOption, who: WhoOption = None, db: DbOption = "crosscheck.db", relink: RelinkOption = True,
    corrections_file: CorrectionsOption = None,
) -> None:
    """Set a claim's stance toward its content."""
    if stance not in ("asserts", "denies", "contests", "non_denial"):
        raise _usage(f"unknown stance {stance!r}: use asserts, denies, contests or non_denial")
    _correct(ctx, db, corrections_file, "set_stance", {"claim": claim, "stance": stance}, who, why, relink)


@correct_app.command("origin-depends", cls=HelpCommand)
def correct_origin_depends(
    ctx: typer.Context,
    origin: Annotated[str, typer.Argument(help="The origin that only repeats another.", metavar="ORIGIN")],
    on: Annotated[str, typer.Option("--on", help="The origin it repeats.")],
    why: WhyOption, who: WhoOption = None, db: DbOption = "crosscheck.db", relink: RelinkOption = True,
    corrections_file: CorrectionsOption = None,
) -> None:
    """Mark an origin as dependent on another: it no longer counts as an independent origin."""
    _correct(ctx, db, corrections_file, "origin_depends", {"origin": origin, "on": on}, who, why, relink)


@correct_app.command("list", cls=HelpCommand)
def correct_list(db: DbOption = "crosscheck.db", corrections_file: CorrectionsOption = None) -> None:
    """Show the ledger's corrections file, one entry a line."""
    from crosscheck.link import corrections

    path = _corrections_file(db, corrections_file)
    if path is None:
        typer.echo("no corrections (a PostgreSQL ledger: name its file with --corrections FILE)")
        return
    fixes = corrections.load(path)
    if not fixes.entries:
        typer.echo(f"no corrections ({path})")
        return
    typer.echo(corrections.describe([e.record() for e in fixes.entries]))


@app.command(cls=HelpCommand)
@app.command(cls=HelpCommand)
def migrate(db: DbOption = "crosscheck.db") -> None:
    """Create the ledger, or bring it up to this version's schema (named migrations, each once)."""
    from crosscheck.store import open_store

    with open_store(db) as store:
        names = store.applied_migrations()
    # opening applied what was pending; say which are there
    typer.echo(f"ledger {_named(db)}: {len(names)} migrations, the last {names[-1]}")


@app.command(cls=HelpCommand)
def copy(
    source: Annotated[str, typer.Option("--from", metavar="FILE|URL", help="The ledger to copy.")],
    target: Annotated[str, typer.Option("--to", metavar="FILE|URL", help="A new, empty ledger to copy into.")],
) -> None:
    """Copy a ledger to another backend (a SQLite file to PostgreSQL, or back), row for row."""
    from crosscheck.store import open_store
    from crosscheck.store.copy import copy_ledger

    _require_db(source)
    with open_store(source, read_only=True) as src, open_store(target) as dst:
        counts = copy_ledger(src, dst)
    typer.echo(f"copied {_named(source)} to {_named(target)}: "
               + ", ".join(f"{n} {t}" for t, n in counts.items() if n))


@app.command(cls=HelpCommand)
def export(
    db: DbOption = "crosscheck.db",
    fmt: Annotated[str, typer.Option("--format", "-f", help="json | jsonl | csv | parquet | graph")] = "json",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output file (default: stdout); "
                                                "a folder for parquet, FILE.graphml for graph.")] = None,
    kind: Annotated[str, typer.Option(help="With --format csv: which kind to write: articles, claims, times, "
                                      "quantities, entities, stories, claim_groups or relations.")] = "claims",
    csv_raw: Annotated[bool, typer.Option("--csv-raw", help="With --format csv: write cells as they are, without the "
                                          "' that stops a spreadsheet running a cell starting = + - @ as a formula.")] = False,
    stance_model: Annotated[bool, typer.Option(
        "--stance-model", help="json/jsonl: read each story article's stance toward the central claims with the stance model (slower).")] = False,
) -> None:
    """Export the ledger in the public JSON contract (or JSONL / CSV / Parquet / GraphML)."""
    from crosscheck.export import write_csv, write_json, write_jsonl
    from crosscheck.store import open_store

    writers = {"json": write_json, "jsonl": write_jsonl}
    if fmt not in (*writers, "csv", "parquet", "graph"):
        raise _usage(f"unknown format {fmt!r}: use json, jsonl, csv, parquet or graph")
    if fmt in ("parquet", "graph"):
        _export_files(db, fmt, output)
        return
    from crosscheck.export import KINDS
    from crosscheck.store.linkstore import LINK_KINDS

    if fmt == "csv" and kind not in (*KINDS, *LINK_KINDS):
        raise _usage(f"unknown kind {kind!r}: use {', '.join((*KINDS, *LINK_KINDS))}")
    _require_db(db)
    with open_store(db) as store:
        out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            if fmt == "csv":
                write_csv(store, out, kind, raw=csv_raw)
            else:
                writers[fmt](store, out, stance_model=stance_model)
        finally:
            if output:
                out.close()
    if output:
        typer.echo(f"wrote {output}", err=True)


def _export_files(db: str, fmt: str, output: Path | None) -> None:
    """``export --format parquet|graph``: files other tools read (export_formats.py)."""
    from crosscheck.export_formats import write_graphml, write_parquet
    from crosscheck.store import open_store

    if output is None:
        _err(f"--format {fmt} writes files: give -o {'DIR' if fmt == 'parquet' else 'FILE.graphml'}")
        raise typer.Exit(2)
    _require_db(db)
    with open_store(db, read_only=True) as store:
        if fmt == "parquet":
            rows = write_parquet(store, output)
            typer.echo(f"wrote {len(rows)} tables to {output}: " + ", ".join(f"{k} {n}" for k, n in rows.items()), err=True)
        else:
            with output.open("w", encoding="utf-8") as out:
                counts = write_graphml(store, out)
            typer.echo(f"wrote {output}: {counts['nodes']} nodes, {counts['edges']} edges", err=True)


@app.command(cls=HelpCommand)
def report(
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.md or FILE.html")],
    db: DbOption = "crosscheck.db",
) -> None:
    """Write a self-contained briefing (Markdown or HTML) from the ledger."""
    from crosscheck.report import write_report
    from crosscheck.store import open_store

    if output.suffix.lower() not in (".md", ".html", ".htm"):
        raise _usage("the briefing is written as .md or .html")
    _require_db(db)
    with open_store(db) as store:
        write_report(store, output)
    typer.echo(f"wrote {output}")


@app.command(cls=HelpCommand)
def demo(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(help="Folder for the demo ledger and briefings.")] = Path("out/demo"),
    db: Annotated[str | None, typer.Option(
        "--db", metavar="FILE|URL", help="The ledger (default: OUT/crosscheck.db); a postgresql:// URL "
        "runs the demo on a PostgreSQL server.")] = None,
) -> None:
    """Analyze the demo corpus shipped in the package; write the ledger and briefings."""
    from importlib import resources

    from crosscheck.engines.local import LocalEngine
    from crosscheck.pipeline import analyze_and_link
    from crosscheck.report import write_report
    from crosscheck.store import open_store

    corpus = resources.files("crosscheck.data").joinpath("demo/articles")
    out.mkdir(parents=True, exist_ok=True)
    ledger = db or str(out / "crosscheck.db")
    with open_store(ledger) as store:
        summary, linked = analyze_and_link([str(corpus)], store, engine=LocalEngine(), settings=_settings(ctx))
        write_report(store, out / "briefing.md")
        write_report(store, out / "briefing.html")
        counts = store.counts()
    typer.echo(
        f"demo: {summary.stored} stored, {summary.present} already present, {len(summary.rejected)} rejected; "
        f"{counts['articles']} articles, {counts['claims']} claims, {counts['times']} times, "
        f"{counts['quantities']} quantities. {linked}".rstrip()
    )
    typer.echo(f"wrote {_named(ledger)}, {out / 'briefing.md'}, {out / 'briefing.html'}")


@app.command(cls=HelpCommand)
def serve(
    ctx: typer.Context,
    db: DbOption = "crosscheck.db",
    host: Annotated[str, typer.Option(help="Interface to bind; anything but loopback exposes the ledger.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Serve the web UI over the ledger (read-only): stories, claims, speakers, search, JSON twins."""
    import uvicorn

    from crosscheck.errors import StoreError
    from crosscheck.web import create_app

    try:
        web_app = create_app(db, _settings(ctx))
    except StoreError as exc:
        _err(str(exc))
        raise typer.Exit(2) from exc
    import ipaddress

    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: anything but localhost may resolve elsewhere
        loopback = False
    if not loopback:
        _err(f"warning: binding to {host} exposes the ledger to other machines; the UI has no authentication")
    typer.echo(f"serving {_named(db)} read-only on http://{host}:{port}/ (bound to {host}; Ctrl-C to stop)")
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


EXIT_INTERNAL = 3  # a crash: crosscheck's own fault, never an input's (docs/CLI.md, "Exit codes")


def main() -> None:
    """Entry point of the ``crosscheck`` command: an error crosscheck raises on purpose is one
    line with its [E...] code (exit 2); anything else is an internal error (exit 3), one line and,
    with --verbose, the traceback."""
    from crosscheck.errors import CrosscheckError
    from crosscheck.ingest.files import shown
    from crosscheck.store.base import ledger_errors

    try:
        app()
    except CrosscheckError as exc:
        _err(shown(str(exc)))
        sys.exit(2)
    except ledger_errors() as exc:
        _err(shown(f"[E002] the ledger cannot be used: {exc}"))
        sys.exit(2)
    except Exception as exc:
        if logging.getLogger().isEnabledFor(logging.DEBUG):
            import traceback

            traceback.print_exc()
        _err(shown(f"internal error (a bug in crosscheck, please report it; --verbose shows the traceback): "
                   f"{type(exc).__name__}: {str(exc)[:500]}"))
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
