"""``ucbr staff``: the staff directory, and who can read which tier."""

from __future__ import annotations

from typing import Annotated

import typer

from ucbr.cli import ui
from ucbr.cli.app import staff_app
from ucbr.cli.common import DryRun, Json, options
from ucbr.cli.keys import key_change
from ucbr.domain.staff import Role
from ucbr.services import admin, rotation


@staff_app.command("add")
def staff_add(
    ctx: typer.Context,
    staff_id: str,
    name: Annotated[str, typer.Option()],
    email: Annotated[str, typer.Option()],
    role: Annotated[Role, typer.Option()],
    recipient: Annotated[str, typer.Option(help="Their age1… or ssh-ed25519 public key.")],
    service: Annotated[
        str | None,
        typer.Option(
            help="The service they work in, as decisions name it (e.g. Housing). A manager "
            "approves decisions of their own service; none: the whole council."
        ),
    ] = None,
    job_title: Annotated[
        str | None, typer.Option(help="Their job title, as letters they sign print it.")
    ] = None,
) -> None:
    """Add a member of staff; their role decides which tier they can read."""
    opts = options(ctx)
    reg = opts.register()
    ring = opts.keyring() if reg.staff.staff else None
    member = admin.add_staff(
        reg, ring, staff_id, name, email, role, recipient, service=service, job_title=job_title
    )
    ui.out(f"added {member.id} ({member.role}, {member.tier} tier)")


@staff_app.command("list")
def staff_list(ctx: typer.Context, json: Json = False) -> None:
    """List the staff directory."""
    staff = options(ctx).register().staff.staff
    if json:
        ui.print_json(
            [
                {
                    "id": s.id,
                    "name": s.name,
                    "role": s.role,
                    "tier": s.tier,
                    **({"service": s.service} if s.service else {}),
                    **({"job_title": s.job_title} if s.job_title else {}),
                }
                for s in staff
            ]
        )
        return
    ui.table(
        None,
        ["id", "name", "role", "tier", "service"],
        [(s.id, s.name, s.role, s.tier, s.service or "whole council") for s in staff],
    )


@staff_app.command("remove")
def staff_remove(ctx: typer.Context, staff_id: str, dry_run: DryRun = False) -> None:
    """Remove a leaver: new keys for every tier they could open, every file re-encrypted."""
    opts = options(ctx)
    reg = opts.register()
    change = rotation.removal(reg, reg.actor(), staff_id)
    contact_for = admin.contact_cases(reg, opts.keyring(), staff_id)
    key_change(opts, change, dry_run)
    for case_id in contact_for:
        ui.err(
            f"ucbr: warning: {staff_id} is the single point of contact on {case_id}; "
            "name a new one with `ucbr review --outcome vary`"
        )
