"""The top-level command group, which imports a command's module only when it is used.

Click's documented pattern for large command-line tools (a group that overrides
``list_commands`` and ``get_command``), over Typer: the command modules register their
commands on ``ucbr.cli.app`` as usual, and this group builds the one that is asked for.
"""

from __future__ import annotations

import importlib
from difflib import get_close_matches
from typing import Any

import typer
import typer.main
from typer._click.core import Context
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from ucbr.cli import registry


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
                self.commands[cmd_name] = built
            self._built.add(cmd_name)
        return self.commands.get(cmd_name)

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
