"""``ucbr settings``: the council's details, the policy's numbers and its letter templates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ucbr.cli import ui
from ucbr.cli.app import settings_app
from ucbr.cli.common import Json, options, report
from ucbr.services import settings


@settings_app.command("show")
def settings_show(ctx: typer.Context, json: Json = False) -> None:
    """Every setting and its value, as the last commit has it."""
    values = settings.settings_of(options(ctx).register().cfg)
    if json:
        ui.print_json(values)
        return
    ui.table(None, ["setting", "value"], list(values.items()))


@settings_app.command("set")
def settings_set(
    ctx: typer.Context,
    key: Annotated[
        str, typer.Argument(help="A setting, e.g. council_address or retention.threats_years.")
    ],
    value: str,
    json: Json = False,
) -> None:
    """Change one setting, in one signed commit (managers, heads of service, IG officers)."""
    settings.set_setting(options(ctx).session(), key, value)
    report(ctx, json, f"{key} set", setting=key)


@settings_app.command("template")
def settings_template(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The template's name, e.g. formal-warning.html.j2.")],
    source: Annotated[
        Path | None, typer.Option("--from", help="The file to use; a plain UTF-8 file.")
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Go back to ucbr's own.")] = False,
    json: Json = False,
) -> None:
    """Use the council's own letter template (or, with --remove, ucbr's), in one commit."""
    if (source is None) == (not remove):
        raise typer.BadParameter("give --from FILE, or --remove")
    settings.set_template(options(ctx).session(), name, source)
    report(ctx, json, f"{name}: {'removed' if remove else 'in use'}", template=name)
