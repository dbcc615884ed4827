"""The documented exception tree. Every error carries a stable code users can search for.

| code | class | meaning |
|------|-------|---------|
| E001 | InputRejected | an input file or record cannot become an article (binary, empty, ...) |
| E002 | StoreError | the ledger cannot be opened or migrated |
| E003 | ExportError | the export could not be written |
| E004 | ConfigError (crosscheck.config) | a settings file is unreadable, names an unknown setting or gives a wrong type |
| E005 | UsageError | a command-line value the command does not accept (an unknown export format or kind, a briefing that is not .md or .html) |
| E006 | CorrectionsError (crosscheck.link.corrections) | a corrections file is unreadable, has no or another `version`, or an entry names an unknown op or misses a field |
| E101 | (RuntimeError) | parsed text no longer matches the article text (a spaCy change) |
| E201 | EmbeddingUnavailable (crosscheck.link.embed) | the MiniLM ONNX model or its tokenizer is not installed |
| E202 | StanceModelUnavailable (crosscheck.link.stance) | the shipped stance weights are missing or do not fit the features |
| E203 | BootstrappingError (crosscheck.link.prepare) | linking started inside a worker process that is still importing a script without an `if __name__ == "__main__":` guard |

The command line prints any of these as one line and exits 2; any other exception is an internal
error (a bug): one line, exit code 3 (``crosscheck.cli.EXIT_INTERNAL``; docs/CLI.md, "Exit codes").
"""

from __future__ import annotations

__all__ = ["CrosscheckError", "ExportError", "InputRejected", "StoreError", "UsageError"]


class CrosscheckError(Exception):
    """Base class of every error crosscheck raises on purpose."""

    code = "E000"

    def __str__(self) -> str:
        return f"[{self.code}] {super().__str__()}"


class InputRejected(CrosscheckError):
    """An input cannot become an article; ``source`` names it and ``reason`` says why."""

    code = "E001"

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class StoreError(CrosscheckError):
    """The ledger store cannot be opened, migrated or written."""

    code = "E002"


class ExportError(CrosscheckError):
    """An export could not be produced."""

    code = "E003"


class UsageError(CrosscheckError):
    """A command-line value the command does not accept."""

    code = "E005"
