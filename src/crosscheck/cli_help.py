"""Help text that reads like a man page: ``PATH...`` and ``FILE``, never ``{paths}...`` or ``<list[str]>``.

Typer (0.29) prints a required argument as ``{name}...`` and puts its own type labels
(``<list[str]>``, ``<bool>``, ``<str>``) beside every parameter. The command and group classes
here show an argument by its metavar (or its name in capitals), a flag with no type, a choice as
its values, and any other option as click would (``TEXT``, ``INTEGER``, ``PATH``).
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

__all__ = ["HelpCommand", "HelpGroup"]


_TYPES = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "path": "PATH", "file": "FILE", "dir": "DIR",
          "int range": "INTEGER RANGE", "float range": "NUMBER RANGE"}


class _Argument(TyperArgument):
    @property
    def display_name_raw(self) -> str:
        return self.metavar or (self.name or "").upper()

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name if self.required else f"[{name}]"

    def display_type_rich(self, ctx: Any) -> str | None:
        return None  # the argument's name says what it is; its help says the rest


class _Option(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag or self.count:
            return None
        if self.metavar is not None:
            return self.metavar
        label = self.display_type(ctx).strip("<>")
        if self.type_descriptor.is_choice:
            return "[" + label + "]"
        label = label.removeprefix("list[").removesuffix("]")
        return _TYPES.get(label, label.upper())


def _clean(params: list[Any]) -> list[Any]:
    for p in params:
        if type(p) is TyperArgument:
            p.__class__ = _Argument
        elif type(p) is TyperOption:
            p.__class__ = _Option
    return params


class HelpCommand(TyperCommand):
    """A command whose help shows parameters by name and metavar (see the module)."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _clean(super().get_params(ctx))


class HelpGroup(TyperGroup):
    """A group whose help, and its commands' help, show parameters by name and metavar."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _clean(super().get_params(ctx))
