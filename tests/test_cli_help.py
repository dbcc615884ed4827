"""The command line as a new user meets it: help that reads like a man page, and a progress bar
that says what the first seconds are (loading the model) and when linking runs."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from crosscheck.cli import app

ARTICLES = {
    "a.txt": "Port authority disputes cargo figures\n\nThe port authority said on Monday that 1,200 containers "
             "had been handled last week. Union leaders denied the figures, calling them false.\n",
    "b.txt": "Union rejects port count\n\nUnion leaders said on Tuesday that about 900 containers had been handled. "
             "The port authority denied that, a spokesman said.\n",
}


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    if isinstance(getattr(group, "commands", None), dict):
        for name, cmd in group.commands.items():
            out += _commands(cmd, (*prefix, name))
    return out


def test_help_shows_no_typer_type_labels_or_braces() -> None:
    runner = CliRunner()
    commands = _commands(typer.main.get_command(app))
    assert ("analyze",) in commands and ("correct", "move-claim") in commands
    for cmd in commands:
        res = runner.invoke(app, [*cmd, "--help"], terminal_width=100)
        assert res.exit_code == 0, (cmd, res.output)
        text = res.output
        assert not re.search(r"\{\w+\}", text), (cmd, text)  # no "{paths}..."
        assert not re.search(r"<(list\[|bool|str|int|float|path|int range)", text), (cmd, text)
    analyze = runner.invoke(app, ["analyze", "--help"], terminal_width=100).output
    assert "PATH..." in analyze and "INTEGER RANGE" in analyze
    watch = runner.invoke(app, ["watch", "--help"], terminal_width=100).output
    assert "FEEDS..." in watch


def _run_in_terminal(args: list[str], cwd: Path, timeout: float = 240) -> str:
    """Run the CLI on a pseudo-terminal (so rich draws its bar) and return everything it wrote."""
    main, child = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "crosscheck.cli", *args], cwd=cwd, stdin=child, stdout=child,
                            stderr=child, env=env, close_fds=True)
    os.close(child)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                data = os.read(main, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    os.close(main)
    assert proc.returncode == 0, b"".join(chunks).decode("utf-8", "replace")
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_names_the_model_load_and_link_phases_and_the_rate_excludes_the_load(tmp_path: Path) -> None:
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = _run_in_terminal(["analyze", "a.txt", "b.txt", "--db", "l.db", "--progress"], tmp_path)
    plain = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", out)
    assert "loading model" in plain and "link" in plain.split("loading model", 1)[1], plain
    line = next(x for x in plain.splitlines() if " stored, " in x)
    got = re.search(r"in ([\d.]+)s \(model load ([\d.]+)s, analyze ([\d.]+)s, link ([\d.]+)s; ([\d.]+) articles/s", line)
    assert got, line
    total, load, analyze, link, rate = map(float, got.groups())
    assert load > 0 and abs(total - (load + analyze + link)) <= 0.3
    # the rate counts the articles over the time spent analyzing them, not over the model load
    # (each figure is rounded to 0.1: the rate lies between what the analyze time's bounds give)
    assert 2 / (analyze + 0.05) - 0.05 <= rate <= 2 / max(analyze - 0.05, 1e-3) + 0.05, line
    assert rate > 2 / total
