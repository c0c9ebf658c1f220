"""``ucbr keys``: staff identities, and replacing a lost or compromised one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ucbr.cli import passphrase, ui
from ucbr.cli.app import keys_app
from ucbr.cli.common import DryRun, Json, Options, options
from ucbr.errors import Refused
from ucbr.services import rotation
from ucbr.services.exposure import Exposed, TierAccess, exposure
from ucbr.storage import sshkeys
from ucbr.storage.vault import new_identity_file


@keys_app.command("new")
def keys_new(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", help="Where to write the new identity (mode 0600).")
    ],
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help="Whose key it is, as its comment (e.g. olive@laptop): an administrator adding "
            "several keys tells them apart by it.",
        ),
    ] = None,
    no_passphrase: Annotated[
        bool,
        typer.Option(
            "--no-passphrase",
            help="Leave the key unlocked: only for a service account (the morning job).",
        ),
    ] = False,
    age: Annotated[
        bool,
        typer.Option(
            "--age",
            help="An unlocked age key (opens tiers, cannot sign): for a service account.",
        ),
    ] = False,
    json: Json = False,
) -> None:
    """Create your key and print its public half, for `ucbr staff add --key`.

    By default an ssh-ed25519 key, which both opens your tiers and signs your commits,
    locked with a passphrase asked twice on the terminal (or read from --passphrase-fd);
    its folder is created private (0700) if it does not exist.
    """
    out = out.expanduser()
    comment = _comment(name)
    fd = options(ctx).passphrase_fd
    if (age or no_passphrase) and fd is not None:
        raise Refused("--passphrase-fd locks a key; --age and --no-passphrase make unlocked ones")
    if not (age or no_passphrase or fd is not None or passphrase.can_ask()):
        raise Refused(
            "no terminal to ask a passphrase on: give --passphrase-fd N, or --no-passphrase "
            "for a service account's key"
        )
    if out.exists() or out.with_suffix(out.suffix + ".pub").exists():
        raise Refused(f"{out} already exists; ucbr never overwrites it")
    chosen = None if (age or no_passphrase) else passphrase.new(out, fd)
    out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if age:
        header = f"ucbr service account identity{f' ({comment})' if name else ''}"
        public = new_identity_file(out, comment=f"{header}: keep private, never share or commit")
    elif chosen is None:
        public = sshkeys.generate(out, comment)
    else:
        public = sshkeys.generate_locked(out, comment, chosen)
    if json:
        ui.print_json({"identity": str(out), "public_key": public, "locked": chosen is not None})
    else:
        ui.out(public)


def _comment(name: str | None) -> str:
    """A key's comment: whose it is (``--name``), else ``ucbr``."""
    if name is None:
        return "ucbr"
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 100 or not cleaned.isprintable():
        raise Refused("--name must be one line of up to 100 printable characters")
    return cleaned


@keys_app.command("rotate")
def keys_rotate(
    ctx: typer.Context,
    staff_id: str,
    recipient: Annotated[str, typer.Option(help="The replacement age1… or ssh-ed25519 key.")],
    dry_run: DryRun = False,
    json: Json = False,
) -> None:
    """Replace a lost or compromised key, renewing every tier key it could open."""
    opts = options(ctx)
    reg = opts.register()
    key_change(opts, rotation.rotation(reg, reg.actor(), staff_id, recipient), dry_run, json)


def key_change(
    opts: Options, change: rotation.KeyChange, dry_run: bool, as_json: bool = False
) -> None:
    """Apply (or preview) a key change, then report what the old key still opens."""
    reg = opts.register()
    opts.keyring()  # refuses a key that opens no tier, before anything is said
    if dry_run:
        outcome = rotation.preview(reg, change)
    else:
        with ui.progress("re-encrypting", len(reg.ids())) as advance:
            outcome = rotation.apply(opts.session(), opts.identities(), change, advance)
    held, exposed = exposure(reg, change)
    if as_json:
        ui.print_json(
            {
                "staff": change.staff_id,
                "action": change.action,
                "dry_run": dry_run,
                "tiers": list(change.tiers),
                "files": outcome.files,
                "commit": outcome.commit,
                "exposed": [
                    {"id": e.id, "sections": list(e.sections), "since": e.since.isoformat()}
                    for e in exposed
                ],
            }
        )
        return
    _report_change(outcome, dry_run)
    _report_exposure(held, exposed)


def _report_change(outcome: rotation.Outcome, dry_run: bool) -> None:
    change = outcome.change
    what = "remove" if change.action == "staff-remove" else "replace the key of"
    tiers = ", ".join(change.tiers)
    sections = ", ".join(rotation.sections_touched(change.tiers))
    if dry_run:
        ui.out(f"would {what} {change.staff_id} and renew the tier keys: {tiers}")
        ui.out(f"would re-encrypt the {sections} sections of {len(outcome.files)} files:")
        for file_id in outcome.files:
            ui.out(f"  {file_id}")
        if outcome.resumed:
            ui.out(f"an interrupted run has staged {outcome.staged} of them already")
    else:
        done = "removed" if change.action == "staff-remove" else "replaced the key of"
        ui.out(f"{done} {change.staff_id}; new tier keys: {tiers}")
        ui.out(f"re-encrypted {len(outcome.files)} files in commit {(outcome.commit or '')[:12]}")
        if outcome.resumed:
            ui.out(f"(finished an interrupted run; {outcome.staged} files were already staged)")


def _report_exposure(held: list[TierAccess], exposed: list[Exposed]) -> None:
    ui.out()
    ui.out("exposure: the old key still opens these revisions in git history")
    for access in held:
        ui.out(
            f"  {access.tier} tier key held since {access.since} "
            f"(that key in use since {access.key_since})"
        )
    ui.table(
        None,
        ["id", "sections", "since"],
        [(e.id, ",".join(e.sections), e.since.isoformat()) for e in exposed],
    )
