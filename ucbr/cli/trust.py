"""``ucbr revert`` and ``ucbr root``: the signed ways forward when trust itself is at stake."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ucbr.cli import ui
from ucbr.cli.app import app, root_app
from ucbr.cli.common import Json, options, report
from ucbr.services import clock


@app.command("revert")
def revert_command(
    ctx: typer.Context,
    commit: Annotated[str, typer.Argument(metavar="COMMIT", help="The commit to undo, by id.")],
    json: Json = False,
) -> None:
    """Undo a commit the audit reports (a forged record on the server), in a signed commit.

    Puts back exactly the records the commit changed, as they were before it. When the
    commit is on the server but `sync` refused it, this clone is moved on to the server's
    history first. Then `ucbr sync` takes the revert to the server.
    """
    from ucbr.services.revert import revert

    opts = options(ctx)
    reg = opts.register()
    actor = reg.actor()
    opts.check_holder(actor)
    made = revert(
        reg,
        opts.identities(),
        opts.keyring(verify=False),
        actor,
        opts.signer(actor),
        commit.strip().lower(),
        clock.today(),
    )
    report(ctx, json, f"reverted {commit[:7]} in {made[:7]}; `ucbr sync` takes it to the server")


RootKey = Annotated[
    Path | None,
    typer.Option(
        "--root-key",
        help="The identity file holding the root key in force (default: your own key).",
    ),
]


@root_app.command("rotate")
def root_rotate(
    ctx: typer.Context,
    new_key: Annotated[
        Path,
        typer.Option(
            help="The new root's identity file (`ucbr keys new`): it signs its acceptance."
        ),
    ],
    root_key: RootKey = None,
    json: Json = False,
) -> None:
    """Hand the register's root of trust to a new key, signed by the root in force."""
    from ucbr.services.audit.signatures import fingerprint
    from ucbr.services.rootkey import rotate

    opts = options(ctx)
    key = rotate(opts.session(), new_key, root_key)
    report(ctx, json, f"the root of trust is now {fingerprint(key)}: publish it", root=key)


@root_app.command("re-root")
def root_reroot(
    ctx: typer.Context,
    replaces: Annotated[
        str, typer.Option(help="The whole id of the last commit of the history a purge replaced.")
    ],
    root_key: RootKey = None,
    json: Json = False,
) -> None:
    """After a purge of history: the root key stands for the rewritten history below."""
    from ucbr.services.rootkey import reroot
    from ucbr.services.session import Session
    from ucbr.services.trust import check_new_commit

    opts = options(ctx)
    reg = opts.register()
    actor = reg.actor()
    opts.check_holder(actor)
    session = Session(
        reg=reg,
        ring=opts.keyring(verify=False),  # the purge dropped the signatures this stands for
        actor=actor,
        today=clock.today(),
        signer=opts.signer(actor),
        check=check_new_commit,
    )
    made = reroot(session, replaces.strip().lower(), root_key, clock.today())
    ui.err("ucbr: every clone of the old history is now deleted and cloned again")
    report(ctx, json, f"re-rooted the register in {made[:7]}, replacing {replaces[:7]}")
