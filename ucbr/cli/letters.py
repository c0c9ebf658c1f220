"""Letters, and FOI section 14 decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ucbr.cli import ui
from ucbr.cli.app import app, foi_app
from ucbr.cli.common import (
    Json,
    LateReasonOpt,
    OnOpt,
    options,
    parse_date,
    report,
    warn_free_text,
)
from ucbr.domain.model import FoiDecisionKind, LetterFormat, LetterKind
from ucbr.services import casework


@app.command()
def letter(
    ctx: typer.Context,
    file_id: Annotated[str, typer.Argument(metavar="ID")],
    kind: Annotated[LetterKind, typer.Option(help="Which letter.")],
    out: Annotated[
        Path, typer.Option(help="The file to create (mode 0600, outside the register).")
    ],
    format: Annotated[
        LetterFormat | None,
        typer.Option("--format", help="Default: from the name of --out (.pdf, .html, .md)."),
    ] = None,
    preview: Annotated[
        bool,
        typer.Option("--preview", help="Render the letter to read it first; record nothing."),
    ] = False,
    on: OnOpt = None,
    late_reason: LateReasonOpt = None,
    json: Json = False,
) -> None:
    """Render a letter from the case's own facts and record that it was issued.

    The same letter issued again the same day (say as md after a PDF) is recorded as a copy
    of the first, not as a second letter.
    """
    session = options(ctx).session(on, late_reason)
    written = casework.issue_letter(session, file_id, kind, format, out, preview)
    warn_free_text(ctx, late_reason=late_reason)
    for need in written.unmet:
        ui.err(
            f"ucbr: warning: {file_id.upper()}: the person {need}, which this letter does not "
            "meet by itself; the letter says so: arrange it"
        )
    issued = written.issued
    if issued is None:
        line = f"preview of the {kind} letter written to {out}; nothing recorded"
        report(ctx, json, line, letter=None, out=str(out))
        return
    copy = f", a copy of {issued.copy_of}" if issued.copy_of else ""
    digest = (issued.sha256 or "")[:12]
    line = f"{issued.id}: {issued.kind} letter written to {out}{copy} (sha256 {digest})"
    report(
        ctx,
        json,
        line,
        letter=issued.id,
        copy_of=issued.copy_of,
        out=str(out),
        sha256=issued.sha256,
    )


@foi_app.command("record")
def foi_record(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID")],
    request_ref: Annotated[str, typer.Option(help="The council's reference for the request.")],
    received: Annotated[str, typer.Option(help="When the request arrived, YYYY-MM-DD.")],
    decision: Annotated[FoiDecisionKind, typer.Option()],
    reasons: Annotated[
        str,
        typer.Option(
            help="Value and purpose weighed against burden, distress, context and history. "
            "Printed in the refusal notice as written."
        ),
    ],
    json: Json = False,
) -> None:
    """Record a section 14 decision on a request; the refusal notice is due in 20 working days."""
    record = casework.record_foi(
        options(ctx).session(),
        case_id,
        request_ref,
        parse_date(received, "--received"),
        decision,
        reasons,
    )
    warn_free_text(ctx, reasons=reasons)
    line = (
        f"{record.id}: {record.decision} recorded; refusal notice due by {record.due.isoformat()}"
    )
    report(ctx, json, line, case=case_id.upper(), foi=record.id, due=record.due.isoformat())
