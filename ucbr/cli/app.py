"""The Typer application and its sub-apps, one per noun.

The top-level group is a ``LazyGroup``: a command's module is imported when the command
is used, and ``ucbr.cli.registry`` names which module that is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ucbr.cli import registry
from ucbr.cli.common import Options
from ucbr.cli.lazy import LazyGroup

# Plain help (click's layout): every option's name in full at any width, values named
# by ``ucbr.cli.lazy.tidy``; ``-h`` as well as ``--help``.
# A value of a choice is spelled with hyphens or with underscores, as the stored values are:
# both are read as one (``--to formal-written-warning`` or ``formal_written_warning``).
CONTEXT = {
    "help_option_names": ["-h", "--help"],
    "max_content_width": 100,
    "token_normalize_func": lambda token: token.replace("_", "-"),
}

app = typer.Typer(
    name="ucbr",
    help=registry.SUMMARY,
    cls=LazyGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
    context_settings=CONTEXT,
)


def _noun(name: str) -> typer.Typer:
    """A group of commands (``ucbr keys …``), its help from the registry."""
    group = typer.Typer(help=registry.help_of(name), no_args_is_help=True, rich_markup_mode=None)
    app.add_typer(group, name=name)
    return group


keys_app = _noun("keys")
staff_app = _noun("staff")
schema_app = _noun("schema")
appeal_app = _noun("appeal")
property_app = _noun("property")
git_app = _noun("git")
foi_app = _noun("foi")
cache_app = _noun("cache")
server_app = _noun("server")
root_app = _noun("root")
settings_app = _noun("settings")


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
            help="Your key (default: UCBR_IDENTITY_FILE or $XDG_CONFIG_HOME/ucbr/identity.key)."
        ),
    ] = None,
    passphrase_fd: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--passphrase-fd",
            metavar="N",
            help="Read a locked key's passphrase from this file descriptor, for a service "
            "(default: asked on the terminal).",
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
    ctx.obj = Options(register_path=register, identity_path=identity, passphrase_fd=passphrase_fd)
    ctx.call_on_close(ctx.obj.close)
    ctx.call_on_close(ctx.obj.remind_to_sync)
