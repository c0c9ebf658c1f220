"""Data protection: leavers and lost keys, retention, subject access and statistics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ucbr import retention, rotation, sar, stats, ui, views
from ucbr.cli.app import app, keys_app, staff_app
from ucbr.cli.common import Options, options, today
from ucbr.store import Register
from ucbr.vault import Keyring

Json = Annotated[bool, typer.Option("--json", help="Data as JSON on stdout.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")]


@staff_app.command("remove")
def staff_remove(ctx: typer.Context, staff_id: str, dry_run: DryRun = False) -> None:
    """Remove a leaver: new keys for every tier they could open, every file re-encrypted."""
    opts = options(ctx)
    reg = opts.register()
    change = rotation.removal(reg, reg.actor(), staff_id)
    contact_for = contact_cases(reg, opts.keyring(), staff_id)
    _key_change(opts, change, dry_run)
    for case_id in contact_for:
        ui.err(
            f"ucbr: warning: {staff_id} is the single point of contact on {case_id}; "
            "name a new one with `ucbr review --outcome vary`"
        )


def contact_cases(reg: Register, ring: Keyring, staff_id: str) -> list[str]:
    """The cases whose restriction in force names this member as the single point of contact."""
    found = []
    for case_id in reg.ids("case"):
        current = views.decision_in_force(reg.load_case(case_id, ring)[1])
        if current is not None and any(r.staff == staff_id for r in current.restrictions):
            found.append(case_id)
    return found


@keys_app.command("rotate")
def keys_rotate(
    ctx: typer.Context,
    staff_id: str,
    recipient: Annotated[str, typer.Option(help="The replacement age1… or ssh-ed25519 key.")],
    dry_run: DryRun = False,
) -> None:
    """Replace a lost or compromised key, renewing every tier key it could open."""
    opts = options(ctx)
    reg = opts.register()
    _key_change(opts, rotation.rotation(reg, reg.actor(), staff_id, recipient), dry_run)


def _key_change(opts: Options, change: rotation.KeyChange, dry_run: bool) -> None:
    reg = opts.register()
    ring = opts.keyring()
    if dry_run:
        outcome = rotation.preview(reg, change)
    else:
        with ui.progress("re-encrypting", len(reg.ids())) as advance:
            outcome = rotation.apply(reg, ring, opts.identities(), reg.actor(), change, advance)
    outcome.access, outcome.exposed = rotation.exposure(reg, change)
    _report_change(outcome, dry_run)


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
    _report_exposure(outcome)


def _report_exposure(outcome: rotation.Outcome) -> None:
    ui.out()
    ui.out("exposure: the old key still opens these revisions in git history")
    for a in outcome.access:
        ui.out(f"  {a.tier} tier key held since {a.since} (that key in use since {a.key_since})")
    ui.table(
        None,
        ["id", "sections", "since"],
        [(e.id, ",".join(e.sections), e.since.isoformat()) for e in outcome.exposed],
    )


@app.command("retention")
def retention_cmd(
    ctx: typer.Context,
    json: Json = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="Delete the expired cases, in one commit.")
    ] = False,
) -> None:
    """List what is past retention; --apply deletes expired cases and keeps a tombstone."""
    opts = options(ctx)
    reg = opts.register()
    past = retention.past_retention(reg, opts.keyring(), today())
    commit = retention.apply(reg, reg.actor(), past, today()) if apply else None
    if json:
        ui.print_json({"past_retention": [v.as_dict() for v in past], "commit": commit})
        return
    ui.table(
        None,
        ["id", "rule", "counted from", "expired on", "action"],
        [(v.id, v.rule, v.counted_from, v.expires_on, v.action) for v in past],
    )
    deleted = [v for v in past if v.action == "delete"]
    if commit:
        ui.err(f"ucbr: deleted {len(deleted)} cases in commit {commit[:12]}; tombstones kept")
    elif not past:
        ui.err("ucbr: nothing is past retention")


@app.command("sar")
def sar_cmd(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID")],
    out: Annotated[Path, typer.Option("--out", help="A new folder outside the register.")],
    no_redact: Annotated[
        bool, typer.Option("--no-redact", help="Keep staff names and third parties (recorded).")
    ] = False,
) -> None:
    """Subject access: everything held about the person, as PDF and JSON, with a manifest."""
    session = options(ctx).session()
    export = sar.disclose(session, case_id, out, redact=not no_redact)
    for path in export.files:
        ui.out(str(path))
    ui.err(f"ucbr: disclosure recorded in commit {export.commit[:12]}")


@app.command("stats")
def stats_cmd(
    ctx: typer.Context,
    json: Json = False,
    html: Annotated[
        Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
        typer.Option("--html", help="Write an HTML report with charts."),
    ] = None,
) -> None:
    """Counts safe to publish: no personal data, and counts of 1 or 2 shown as <3."""
    opts = options(ctx)
    reg = opts.register()
    figures = stats.gather(reg, opts.keyring(), today())
    if html is not None:
        stats.write_html(reg, figures, html)
    if json:
        ui.print_json(figures.as_dict())
        return
    for title, rows in figures.tables():
        ui.heading(title)
        for label, value in rows:
            ui.out(f"  {label}: {value}")
        ui.out()
    ui.out(stats.SUPPRESSION_NOTE)
