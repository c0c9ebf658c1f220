"""Data protection for the IG officer: retention, subject access, evidence bundles and
statistics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ucbr.cli import ui
from ucbr.cli.app import app
from ucbr.cli.common import Json, Yes, options
from ucbr.services import retention, sar, stats
from ucbr.services.clock import today


@app.command("retention")
def retention_cmd(
    ctx: typer.Context,
    json: Json = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="Delete the expired cases, in one commit.")
    ] = False,
    yes: Yes = False,
) -> None:
    """List what is past retention; --apply deletes expired cases and keeps a tombstone.

    On a terminal, --apply shows what it will delete and asks first (--yes: not asked).
    """
    opts = options(ctx)
    reg = opts.register()
    past = retention.past_retention(reg, opts.keyring(), today())
    doomed = [v for v in past if v.action == "delete"]
    if apply and doomed:
        ui.confirm(
            f"Delete {len(doomed)} cases, keeping a tombstone of each?",
            [f"{v.id}: {ui.words(v.rule)}, expired on {v.expires_on}" for v in doomed],
            yes,
        )
    commit = retention.apply(opts.session(), past) if apply else None
    if json:
        ui.print_json({"past_retention": [v.as_dict() for v in past], "commit": commit})
        return
    ui.table(
        None,
        ["id", "rule", "counted from", "expired on", "action"],
        [(v.id, ui.words(v.rule), v.counted_from, v.expires_on, v.action) for v in past],
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
    json: Json = False,
) -> None:
    """Subject access: everything held about the person, as PDF and JSON, with a manifest."""
    session = options(ctx).session()
    export = sar.disclose(session, case_id, out, redact=not no_redact)
    if json:
        ui.print_json({"files": [str(p) for p in export.files], "commit": export.commit})
        return
    for path in export.files:
        ui.out(str(path))
    ui.err(f"ucbr: disclosure recorded in commit {export.commit[:12]}")


@app.command("evidence")
def evidence_cmd(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID")],
    out: Annotated[Path, typer.Option("--out", help="A new folder outside the register.")],
    redact: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer reads the annotation at run time
        typer.Option(
            "--redact",
            metavar="FIELD",
            help="Withhold one more field that names a third party, as `ucbr history` names "
            "it (incidents[I-…].summary); again for more.",
        ),
    ] = None,
    letters: Annotated[
        Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
        typer.Option("--letters", help="A folder of the letters as sent, to include by hash."),
    ] = None,
    json: Json = False,
) -> None:
    """An evidence bundle for the Ombudsman or a court, verifiable without ucbr."""
    from ucbr.services import evidence  # the PDF engine loads only for a bundle

    opts = options(ctx)
    bundle = evidence.produce(
        opts.session(), opts.identities(), case_id, out, tuple(redact or ()), letters
    )
    if json:
        ui.print_json(
            {
                "folder": str(bundle.folder),
                "files": [str(p) for p in bundle.files],
                "letters": {r.letter.id: r.identical for r in bundle.letters},
                "commit": bundle.commit,
            }
        )
        return
    for path in bundle.files:
        ui.out(str(path))
    same = sum(r.identical for r in bundle.letters)
    ui.err(
        f"ucbr: {same} of {len(bundle.letters)} letters as issued; the bundle verifies "
        f"(verify.py); disclosure recorded in commit {bundle.commit[:12]}"
    )


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
