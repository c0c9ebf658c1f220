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


@server_app.command("init")
def server_init(
    bare: Annotated[
        Path, typer.Argument(metavar="BARE_REPO", help="Where the server's repository goes.")
    ],
    root: Annotated[
        str,
        typer.Option(
            help="The founding administrator's public key (ssh-ed25519 …), or the .pub file."
        ),
    ],
) -> None:
    """A new bare repository for the register, the hook installed: ready for the first push."""
    from ucbr.services.founding import init_server

    key = init_server(bare, root)
    ui.out(f"created the server's repository in {bare.expanduser().absolute()}; hook installed")
    ui.out(f"root of trust: {fingerprint_of(key)}")
    ui.out(
        "next, in the founding register: `git remote add origin URL` and "
        "`git push -u origin main`; other officers then `ucbr clone URL DIR --root KEY`"
    )


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
    audit_key: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="The key file of an auditor member: the hook then judges records in full.",
        ),
    ] = None,
) -> None:
    """Make the server refuse any push the audit would report, and any rewrite of history.

    With --audit-key, the key file (0600) of a member with the role auditor, the server's
    own, the hook also opens and judges every record pushed, as `ucbr audit` does.
    """
    key = server.install_hook(bare, root, audit_key)
    ui.out(f"installed the pre-receive hook in {bare.resolve()}")
    ui.out(f"root of trust: {fingerprint_of(key)}")
    if audit_key is not None:
        ui.out("records are judged with the audit key given")


@server_app.command("check-push")
def check_push() -> None:
    """The pre-receive hook itself: reads git's `old new ref` lines on standard input."""
    problems = server.check_push(server.hook_root(), sys.stdin.read().splitlines())
    for problem in problems:
        ui.err(f"ucbr: refused: {problem.line()}")
    if problems:
        raise typer.Exit(1)
