"""The IG officer's commands and git's: history, audit, and the diff and merge drivers."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from ucbr.cli import ui
from ucbr.cli.app import app, git_app
from ucbr.cli.common import Json, options, parse_date
from ucbr.domain.fields import scalar
from ucbr.errors import UcbrError
from ucbr.services import audit as auditing
from ucbr.services import merge, textconv
from ucbr.services.audit import NO_TRAILERS
from ucbr.services.audit.rings import Rings
from ucbr.services.clock import today
from ucbr.storage import git
from ucbr.storage.vault import Keyring

_WIDTH = 60


@app.command()
def history(
    ctx: typer.Context,
    file_id: Annotated[str, typer.Argument(metavar="ID")],
    json: Json = False,
    reveal: Annotated[bool, typer.Option("--reveal", help="Show personal data unmasked.")] = False,
) -> None:
    """The timeline of one case or property from git: who did what, when, and what changed."""
    opts = options(ctx)
    reg = opts.register()
    revisions = auditing.history(
        reg, opts.identities(), opts.keyring(verify=False), file_id, reveal, today()
    )
    if json:
        ui.print_json([asdict(r) for r in revisions])
        return
    for rev in revisions:
        _print_revision(rev)


def _print_revision(rev: auditing.Revision) -> None:
    role = f" ({ui.words(rev.role)})" if rev.role else ""
    approves = f", approves {rev.approves}" if rev.approves else ""
    who = f"by {rev.officer}{role}"
    ui.out(f"{rev.date}  {rev.commit}  {rev.action}{approves}  {who}  policy {rev.policy or '-'}")
    if rev.note:
        ui.out(f"    {rev.note}")
    for change in rev.changes:
        ui.out(f"    {rev.section}.{change.field}: {_value(change.old)} -> {_value(change.new)}")
    if rev.unreadable:
        ui.out(f"    changed, not readable with your key: {', '.join(rev.unreadable)}")


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    text = scalar(value)
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


@app.command("audit")
def audit_command(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="Only commits from this date, YYYY-MM-DD.")
    ] = None,
    json: Json = False,
    root: Annotated[
        str | None,
        typer.Option(help="The council's published root key (default: UCBR_ROOT, or pinned)."),
    ] = None,
) -> None:
    """Check every commit: trailers, author and role, signatures, hand edits, plaintext, access.

    With a casework key, every change to a record is judged too: the action it claims,
    made by the commit's own officer, on the commit's own day.
    """
    if since:
        parse_date(since, "--since")
    opts = options(ctx)
    reg = opts.register()
    rings = None
    try:
        rings = Rings(reg.root, opts.identities(), opts.keyring(verify=False))
    except UcbrError:
        ui.err("ucbr: without a key that opens records, the records themselves are not judged")
    with ui.working("auditing every commit"):
        report = auditing.audit(reg, since, rings, root)
    if json:
        ui.print_json(report.as_dict())
    else:
        _print_report(report)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _print_report(report: auditing.AuditReport) -> None:
    for problem in report.problems:
        ui.out(problem.line())
    period = (
        f"{report.first.date()} to {report.last.date()}"
        if report.first and report.last
        else "no commits"
    )
    ui.out(f"{report.commits} commits, {period}; {report.signatures_verified} signatures verified")
    ui.out(
        f"record changes judged: {report.records_judged}"
        + (f" ({report.records_unjudged} your key cannot open)" if report.records_unjudged else "")
    )
    ui.out("by action: " + ", ".join(f"{k} {v}" for k, v in sorted(report.by_action.items())))
    ui.out("officers: " + ", ".join(f"{k} {v}" for k, v in sorted(report.officers.items())))
    ui.out("access changes:")
    for change in report.access:
        what = (
            f"{change.action} by {change.officer}" if change.officer != NO_TRAILERS else "hand edit"
        )
        ui.out(f"  {change.date}  {change.commit}  {what}: {_access(change)}")
    if report.imports:
        ui.out("imports:")
    for imported in report.imports:
        span = (
            imported.first
            if imported.first == imported.last
            else f"{imported.first}..{imported.last}"
        )
        ui.out(
            f"  {imported.date}  {span}  import by {imported.officer}: {imported.cases} cases "
            f"from the file with sha256 {imported.source_sha256}"
        )
    for reverted in report.reverted:
        found = f": {reverted.problems[0]}" if reverted.problems else ""
        more = f" (and {len(reverted.problems) - 1} more)" if len(reverted.problems) > 1 else ""
        ui.out(f"reverted: {reverted.commit} by {reverted.revert}{found}{more}")
    if report.backdated:
        ui.out("steps recorded after the day they were done:")
        for step in report.backdated:
            ui.out(f"  {step.line()}")
    if report.problems:
        ui.err(f"ucbr: {len(report.problems)} problems in history")


def _access(change: auditing.AccessChange) -> str:
    parts = [f"added {a}" for a in change.added] + [f"removed {r}" for r in change.removed]
    parts += list(change.changed)
    if change.tier_keys:
        parts.append("tier keys rewrapped: " + ", ".join(change.tier_keys))
    if change.recipients:
        parts.append("public keys changed: " + ", ".join(change.recipients))
    return "; ".join(parts) or "no change of access"


@git_app.command("textconv")
def git_textconv(
    ctx: typer.Context,
    file: Path,
    reveal: Annotated[bool, typer.Option("--reveal", help="Show personal data unmasked.")] = False,
) -> None:
    """For `git diff`: the decrypted sections your key opens, one field a line."""
    ui.out(
        textconv.render(
            file.read_text(errors="replace"), file.name, _ring_or_none(ctx), reveal
        ).rstrip("\n")
    )


def _ring_or_none(ctx: typer.Context) -> Keyring | None:
    # A diff must always show something: without a key it shows the ids only.
    try:
        return options(ctx).keyring(verify=False)
    except UcbrError:
        return None


@git_app.command("merge")
def git_merge(ctx: typer.Context, base: Path, ours: Path, theirs: Path) -> None:
    """The merge driver: decrypt three versions, merge by id, validate, re-encrypt into OURS.

    The commits it is handed files of are verified first, as every command verifies: a
    plain `git pull --rebase` never seals a record to the tier keys of an unverified tip.
    """
    from ucbr.services.trust import verify_to

    opts = options(ctx)
    reg = opts.register()
    ring = opts.keyring(verify=False)
    for tip in merge.merge_inputs(reg.root):  # nothing unverified is opened, merged or sealed to
        verify_to(reg, opts.identities(), ring, tip)
    rings = [ring]
    before = git.run(reg.root, "rev-parse", "--verify", "-q", "ORIG_HEAD", check=False)
    if before.returncode == 0:  # a rebase: our side may be sealed to the keys of before it
        rings.append(
            Rings(reg.root, opts.identities(), ring).at({}, before.stdout.decode().strip())
        )
    file_id = merge.merge_files(reg, rings, base, ours, theirs, today())
    ui.err(f"ucbr: merged {file_id}")
