"""The top-level command group, which imports a command's module only when it is used.

Click's documented pattern for large command-line tools (a group that overrides
``list_commands`` and ``get_command``), over Typer: the command modules register their
commands on ``ucbr.cli.app`` as usual, and this group builds the one that is asked for.

Each command it builds is also given the house style of its help (``tidy``): values named
as a person would (``DATE``, ``ID``, ``TEXT``, the choices), no type shown for a flag, an
argument shown as ``CASE_ID`` in the usage line, and an example at the end.
"""

from __future__ import annotations

import importlib
from difflib import get_close_matches
from typing import Any

import typer
import typer.main
from typer._click.core import Context
from typer._click.exceptions import UsageError
from typer.core import TyperArgument, TyperGroup, TyperOption

from ucbr.cli import examples, registry


class LazyGroup(TyperGroup):
    """A group whose commands are listed from the registry and built on first use."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._built: set[str] = set()

    def list_commands(self, ctx: Context) -> list[str]:
        """Every command, in the registry's order, without importing any of them."""
        return registry.names()

    def get_command(self, ctx: Context, cmd_name: str) -> Any:
        """The command or group called ``cmd_name``, its module imported now if need be."""
        if cmd_name not in self._built:
            module = registry.module_of(cmd_name)
            if module is None:
                return None
            importlib.import_module(f"ucbr.cli.{module}")
            built = build(cmd_name)
            if built is not None:
                self.commands[cmd_name] = tidy(built, cmd_name)
            self._built.add(cmd_name)
        return self.commands.get(cmd_name)

    def format_help(self, ctx: Context, formatter: Any) -> None:
        """The top-level help: the same text as ``ucbr --help`` prints without Typer."""
        from ucbr.cli import quickhelp

        formatter.write(quickhelp.top_help(quickhelp.help_width()))

    def resolve_command(self, ctx: Context, args: list[str]) -> Any:
        """As Typer does, but suggesting from every command, loaded or not."""
        try:
            return self._click_resolve_command(ctx, args)
        except UsageError as exc:
            matches = get_close_matches(args[0], registry.names()) if args else []
            if matches:
                suggestions = ", ".join(repr(match) for match in matches)
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {suggestions}?"
            raise


def build(name: str) -> Any:
    """The click command or group ``name`` from what its module registered on the app."""
    from ucbr.cli.app import app

    for info in app.registered_commands:
        assert info.callback is not None
        if (info.name or typer.main.get_command_name(info.callback.__name__)) == name:
            return typer.main.get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
    for group in app.registered_groups:
        if group.name == name:
            return typer.main.get_group_from_info(
                group,
                pretty_exceptions_short=app.pretty_exceptions_short,
                suggest_commands=app.suggest_commands,
                rich_markup_mode=app.rich_markup_mode,
            )
    return None


def tidy(command: Any, path: str) -> Any:
    """Give a built command (and a group's commands) the house style of its help."""
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            tidy(sub, f"{path} {name}")
        return command
    from ucbr.cli.quickhelp import help_width

    command.epilog = examples.epilog(path, help_width())
    if command.help and not command.short_help:  # a group lists it in full, wrapped
        command.short_help = " ".join(command.help.strip().split("\n\n")[0].split())
    for param in command.params:
        if isinstance(param, TyperArgument):
            param.__class__ = _Argument
        elif isinstance(param, TyperOption):
            param.__class__ = _Option
            if param.multiple and param.help and "repeat" not in param.help.lower():
                param.help = f"{param.help} Repeat it for more than one."
    return command


class _Argument(TyperArgument):
    """An argument named plainly: ``CASE_ID`` in the usage line, no type beside it."""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw.upper()
        return name if self.required else f"[{name}]"

    def _rich_display_name(self) -> str:
        return self.display_name_raw.upper()

    def display_type_rich(self, ctx: Context) -> str | None:
        return None


class _Option(TyperOption):
    """An option's value named as a person would: DATE, ID, N, PATH, TEXT or its choices."""

    def display_type_rich(self, ctx: Context) -> str | None:
        if self.metavar is not None:
            return self.metavar
        if self.is_flag or self.count:
            return None
        described = self.type_descriptor
        if described.is_choice and described.choices:
            return "[" + "|".join(spelled(str(choice)) for choice in described.choices) + "]"
        return _value_word(self.name or "", self.help or "", described.annotation)


def spelled(value: str) -> str:
    """A value as the command line spells it: words joined by hyphens, as options are
    (``formal-written-warning``, ``case-officer``). The stored spelling, with underscores,
    is accepted too (``ucbr.cli.app``'s ``token_normalize_func``)."""
    return value.replace("_", "-")


def _value_word(name: str, help_text: str, annotation: Any) -> str:
    """What a free value is, for the help: from its type, else its name and help."""
    text = str(annotation)
    if "Path" in text:
        return "PATH"
    if "int" in text:
        return "N"
    if "YYYY-MM-DD" in help_text:
        return "DATE"
    if name in ("incident", "bypass", "case") or name.endswith("_id"):
        return "ID"
    return "TEXT"
