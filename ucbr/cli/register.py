"""The register as a whole: create or clone it, sync it, read it, check it."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel

from ucbr.cli import ui
from ucbr.cli.app import app, schema_app
from ucbr.cli.common import Json, finish, options
from ucbr.domain.expiry import entry_on, schedule_on
from ucbr.domain.sections import CaseEntry, Schedule
from ucbr.services import admin, checks, sync
from ucbr.services.clock import today
from ucbr.storage import git
from ucbr.storage.scan import keep, scan
from ucbr.storage.store import SECTION_MODELS


@app.command()
def init(
    path: Path,
    council: Annotated[str, typer.Option(help="The council's name, as letters print it.")],
    privacy_url: Annotated[str | None, typer.Option(help="The privacy notice's address.")] = None,
    council_address: Annotated[
        str | None, typer.Option(help="The council's postal address, as letters print it.")
    ] = None,
    council_email: Annotated[
        str | None,
        typer.Option(help="Where people write by e-mail; letters give it to those limited to it."),
    ] = None,
    council_phone: Annotated[
        str | None,
        typer.Option(help="Where people telephone; letters give it to those limited to it."),
    ] = None,
    json: Json = False,
) -> None:
    """Create a new register: a git repository with its policy, staff and tier files."""
    contact = {
        key: value
        for key, value in (
            ("council_address", council_address),
            ("council_email", council_email),
            ("council_phone", council_phone),
        )
        if value
    }
    reg = admin.init_register(path, council, privacy_url, today(), contact)
    if json:
        ui.print_json({"register": str(reg.root), "commit": git.head(reg.root)})
        return
    ui.out(f"created a register for {council} in {reg.root}")
    ui.out("next: `ucbr keys new --out KEY` and `ucbr staff add` for the first manager")


@app.command("clone")
def clone(
    url: str,
    directory: Path,
    root: Annotated[
        str | None,
        typer.Option(
            help="The council's published root of trust: its key (ssh-ed25519 …) or "
            "SHA256: fingerprint. Pinned, and checked. Without it, on a terminal, the "
            "register's own is shown to be confirmed; elsewhere nothing is cloned."
        ),
    ] = None,
    json: Json = False,
) -> None:
    """Clone a register, install its diff and merge drivers, and pin its root of trust."""
    reg = sync.clone(url, directory, root, _confirm if sys.stdin.isatty() else None)
    if json:
        ui.print_json({"register": str(reg.root), "commit": git.head(reg.root)})
        return
    ui.out(f"cloned the register into {reg.root}; drivers installed")


def _confirm(fingerprint: str, founder: str) -> bool:
    """Ask the person at the terminal to check the root of trust against the council's."""
    ui.err(f"ucbr: this register's root of trust is {founder}'s key, {fingerprint}")
    return typer.confirm(
        "Is that the fingerprint the council publishes? (answer no unless you checked it)",
        default=False,
        err=True,
    )


@app.command("sync")
def sync_command(ctx: typer.Context, json: Json = False) -> None:
    """Pull the server's changes (merging by id), then push yours; on failure nothing changes."""
    opts = options(ctx)
    reg = opts.register()
    actor = reg.actor()
    opts.check_holder(actor)
    ring = opts.keyring()  # this clone's own history verified first, like any command
    identities, signer = opts.identities(), opts.signer(actor)
    with ui.working("syncing with the server"):
        synced = sync.sync(reg, identities, signer, ring)
    if json:
        ui.print_json(
            {"pulled": synced.pulled, "pushed": synced.pushed, "commit": git.head(reg.root)}
        )
        return
    ui.out(f"synced: {synced.pulled} changes pulled, {synced.pushed} pushed")


@app.command()
def show(
    ctx: typer.Context, file_id: Annotated[str, typer.Argument(metavar="ID")], json: Json = False
) -> None:
    """Show what your key can read of one case or property.

    `--json` gives every field of each section it can read, as data.
    """
    from ucbr.cli.showing import show_lines

    opts = options(ctx)
    reg = opts.register()
    loaded = reg.load(file_id, opts.keyring())
    kind = "case" if loaded.id.startswith("C-") else "property"
    sections = {
        name: reg.section(loaded, name, SECTION_MODELS[kind][name]) for name in loaded.plain
    }
    as_of(sections, today())
    if json:
        readable = {n: m.model_dump(mode="json", exclude_none=True) for n, m in sections.items()}
        ui.print_json({"id": loaded.id, "kind": kind, **readable})
        return
    hidden = [n for n in ("schedule", "entry", "record") if n not in sections]
    ui.out("\n".join(show_lines(loaded.id, sections, hidden)).rstrip())


def as_of(sections: dict[str, BaseModel], day: dt.date) -> None:
    """The entry and schedule as they stand on ``day``: restrictions past their end date no
    longer apply (``ucbr.domain.expiry``); the record is shown as it is."""
    entry, schedule = sections.get("entry"), sections.get("schedule")
    if isinstance(entry, CaseEntry):
        sections["entry"] = entry_on(entry, day)
    if isinstance(schedule, Schedule):
        sections["schedule"] = schedule_on(schedule, day)


@app.command("list")
def list_files(ctx: typer.Context, json: Json = False) -> None:
    """List every case and property: id, kind, status and next review."""
    opts = options(ctx)
    result = scan(opts.register(), opts.keyring(), "schedule", keep)
    day = today()
    rows = [schedule_on(r, day) for r in result.found if isinstance(r, Schedule)]
    if json:
        ui.print_json(
            [
                {
                    "id": r.id,
                    "kind": r.kind,
                    "status": r.status,
                    "on_register": r.on_register,
                    "next_review": r.next_review.isoformat() if r.next_review else None,
                }
                for r in rows
            ]
        )
    else:
        ui.table(
            None,
            ["id", "kind", "status", "next review"],
            [(r.id, r.kind, ui.words(r.status), r.next_review or "") for r in rows],
        )
    finish(result.problems)


@app.command()
def check(ctx: typer.Context, json: Json = False) -> None:
    """Check every file: format, schemas, agreement, recipients, and the Ombudsman's faults."""
    opts = options(ctx)
    ring = opts.keyring(verify=False)
    with ui.working("checking every file"):
        report = checks.check_register(opts.register(), ring, today())
    if not ring.can_read("record"):
        ui.err("ucbr: your key cannot read records: only formats, schedules and keys were checked")
    if json:
        ui.print_json({"files": report.files, "problems": [p.as_dict() for p in report.problems]})
    else:
        for problem in report.problems:
            ui.out(problem.line())
        if not report.problems:
            ui.err(f"ucbr: {report.files} files checked, no problems")
    if report.problems:
        raise typer.Exit(report.exit_code)


@schema_app.command("export")
def schema_export(
    out: Annotated[Path, typer.Option(help="The folder to write into.")] = Path("schemas"),
) -> None:
    """Write the JSON Schema of every section from the models."""
    from ucbr.services.schemas import write_schemas

    for path in write_schemas(out):
        ui.out(str(path))
