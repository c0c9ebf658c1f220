"""The Typer application and its sub-apps, one per noun.

The top-level group is a ``LazyGroup``: a command's module is imported when the command
is used, and ``ucbr.cli.registry`` names which module that is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ucbr.cli.common import Options
from ucbr.cli.lazy import LazyGroup

app = typer.Typer(
    name="ucbr",
    help="The Unreasonable Customer Behaviour Register.",
    cls=LazyGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
keys_app = typer.Typer(help="Staff age keys.", no_args_is_help=True)
staff_app = typer.Typer(
    help="The staff directory and who can read which tier.", no_args_is_help=True
)
schema_app = typer.Typer(help="JSON Schemas of the sections.", no_args_is_help=True)
appeal_app = typer.Typer(help="Appeals against a restriction.", no_args_is_help=True)
property_app = typer.Typer(help="Properties that put visiting staff at risk.", no_args_is_help=True)
git_app = typer.Typer(help="Drivers git calls: textconv and merge.", no_args_is_help=True)
foi_app = typer.Typer(help="Freedom of Information section 14 decisions.", no_args_is_help=True)
cache_app = typer.Typer(
    help="The local cache of decrypted sections, under .git/ucbr/.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")
app.add_typer(staff_app, name="staff")
app.add_typer(schema_app, name="schema")
app.add_typer(appeal_app, name="appeal")
app.add_typer(property_app, name="property")
app.add_typer(git_app, name="git")
app.add_typer(foi_app, name="foi")
app.add_typer(cache_app, name="cache")


def print_version(value: bool) -> None:
    """``--version``: print ``ucbr <version>`` and stop."""
    if value:
        import ucbr

        typer.echo(f"ucbr {ucbr.__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    register: Annotated[
        Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
        typer.Option(help="The register (default: UCBR_REGISTER or the current directory)."),
    ] = None,
    identity: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            help="Your age identity "
            "(default: UCBR_IDENTITY_FILE or $XDG_CONFIG_HOME/ucbr/identity.txt)."
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=print_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """The options every command takes: which register, and whose identity."""
    del version  # handled by its callback
    ctx.obj = Options(register_path=register, identity_path=identity)
