"""``ucbr server``: the council's git server as the gate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ucbr.cli import ui
from ucbr.cli.app import server_app
from ucbr.services import server
from ucbr.services.audit.root import fingerprint_of


@server_app.command("install-hook")
def install_hook(
    bare: Annotated[
        Path, typer.Argument(metavar="BARE_REPO", help="The server's bare repository.")
    ],
    root: Annotated[
        str | None,
        typer.Option(
            help="The root of trust: its public key or SHA256: fingerprint; default: the "
            "one it holds."
        ),
    ] = None,
) -> None:
    """Make the server refuse any push the audit would report, and any rewrite of history."""
    key = server.install_hook(bare, root)
    ui.out(f"installed the pre-receive hook in {bare.resolve()}")
    ui.out(f"root of trust: {fingerprint_of(key)}")


@server_app.command("check-push")
def check_push() -> None:
    """The pre-receive hook itself: reads git's `old new ref` lines on standard input."""
    problems = server.check_push(server.hook_root(), sys.stdin.read().splitlines())
    for problem in problems:
        ui.err(f"ucbr: refused: {problem.line()}")
    if problems:
        raise typer.Exit(1)
