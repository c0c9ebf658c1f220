"""``ucbr import``: the council's existing cases, from a CSV or XLSX sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ucbr.cli import ui
from ucbr.cli.app import app
from ucbr.cli.common import DryRun, Json, options
from ucbr.errors import REFUSED


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The sheet: a .csv or an .xlsx.")],
    template: Annotated[
        bool,
        typer.Option("--template", help="Write an empty sheet with every column to FILE instead."),
    ] = False,
    dry_run: DryRun = False,
    json: Json = False,
) -> None:
    """Bring the council's existing cases in from a sheet, one signed commit per case.

    One row per event (an incident, a warning, a restriction, an adjustment, a review, an
    appeal), each naming its person in the person column: docs/import.md has the columns
    and an example. Every row is checked before anything is written, every problem named by
    row and column; with a single problem nothing is imported. Administrators only.
    """
    if template:
        from ucbr.domain.importing.columns import COLUMNS
        from ucbr.storage.sheets import write_template

        write_template(file, COLUMNS)
        ui.out(f"wrote an empty import sheet to {file}; docs/import.md says what each column holds")
        return
    from ucbr.services.importing import run_import

    plan = run_import(options(ctx).session(), file, dry_run)
    counts = plan.counts()
    if json:
        ui.print_json(
            {
                "source_sha256": plan.source_sha256,
                "imported": bool(plan.commits),
                "counts": counts,
                "cases": [{"case": case.id, "row": row} for row, case in plan.cases],
                "commits": plan.commits,
                "problems": [p.line() for p in plan.problems],
                "warnings": plan.warnings,
            }
        )
    else:
        _report(plan, counts, dry_run)
    if plan.problems:
        raise typer.Exit(REFUSED)


def _report(plan: object, counts: dict[str, int], dry_run: bool) -> None:
    from ucbr.services.importing import ImportPlan

    assert isinstance(plan, ImportPlan)
    for problem in plan.problems:
        ui.err(f"ucbr: {problem.line()}")
    if plan.problems:
        ui.err(f"ucbr: refused: {len(plan.problems)} problems in the sheet; nothing was imported")
        return
    what = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
    done = "would import" if dry_run else "imported"
    ui.out(f"{done} {what or 'nothing'} from {plan.rows} rows (sha256 {plan.source_sha256[:12]})")
    for row, case in plan.cases:
        ui.out(f"  {case.id}  from row {row}")
    for warning in plan.warnings:
        ui.err(f"ucbr: warning: {warning}")
