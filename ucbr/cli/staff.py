"""``ucbr staff``: the staff directory, and who can read which tier."""

from __future__ import annotations

from typing import Annotated

import typer

from ucbr.cli import ui
from ucbr.cli.app import staff_app
from ucbr.cli.common import DryRun, Json, Yes, options, report
from ucbr.cli.keys import key_change
from ucbr.domain.permissions import may
from ucbr.domain.staff import Role
from ucbr.services import admin, clock, rotation
from ucbr.services.audit.signatures import fingerprint


@staff_app.command("add")
def staff_add(
    ctx: typer.Context,
    staff_id: str,
    name: Annotated[str, typer.Option()],
    email: Annotated[str, typer.Option()],
    role: Annotated[Role, typer.Option()],
    key: Annotated[
        str,
        typer.Option(
            "--key",
            "--recipient",
            help="Their public key: ssh-ed25519 (opens their tiers and signs their commits) "
            "or age1… (opens only).",
        ),
    ],
    signing_key: Annotated[
        str | None, typer.Option(help="With an age1… key: the ssh-ed25519 key that signs.")
    ] = None,
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
    json: Json = False,
) -> None:
    """Add a member of staff; their role decides which tier they can read.

    The first member adds themselves, with their own identity: their key becomes the
    register's root of trust.
    """
    opts = options(ctx)
    reg = opts.register()
    member = admin.new_member(
        reg, staff_id, name, email, role, key, signing_key, service=service, job_title=job_title
    )
    first = not reg.staff.staff
    session = opts.founding_session(member) if first else opts.session()
    admin.add_staff(session, member)
    lines = [f"added {member.id} ({ui.words(member.role)}, {member.tier} tier)"]
    root = fingerprint(member.signing_key or key) if first else None
    if first:
        lines.append(f"root of trust: {member.id}'s key, {root}")
        lines.append("publish it where staff and auditors can check it (`ucbr audit --root`)")
    report(ctx, json, "\n".join(lines), staff=member.id, tier=member.tier, root=root)


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
        [(s.id, s.name, ui.words(s.role), s.tier, s.service or "whole council") for s in staff],
    )


@staff_app.command("remove")
def staff_remove(
    ctx: typer.Context,
    staff_id: str,
    dry_run: DryRun = False,
    yes: Yes = False,
    json: Json = False,
) -> None:
    """Remove a leaver: new keys for every tier they could open, every file re-encrypted.

    On a terminal, what will change is shown and you are asked first (--yes: not asked).
    """
    opts = options(ctx)
    reg = opts.register()
    change = rotation.removal(reg, reg.actor(), staff_id)
    contact_for = admin.contact_cases(reg, opts.keyring(), staff_id, clock.today())
    if not dry_run:
        files = len(rotation.preview(reg, change).files)
        ui.confirm(
            f"Remove {staff_id}?",
            [
                f"remove {staff_id} from the staff directory; new tier keys: "
                f"{', '.join(change.tiers)}",
                f"re-encrypt {files} files; their old key still opens what git already holds",
            ],
            yes,
        )
    key_change(opts, change, dry_run, json)
    reviewer = may(reg.actor().role, "review")
    for case_id in contact_for:
        how = f"`ucbr review {case_id} --outcome vary --spoc STAFF_ID`"
        ui.err(
            f"ucbr: warning: {staff_id} is the single point of contact on {case_id}; "
            + (f"name a new one with {how}" if reviewer else
               f"ask a case officer or manager to name a new one ({how})")
        )  # fmt: skip
