"""Commands that create a register, manage its keys and staff, and read it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ucbr import admin, checks, ui
from ucbr.cli.app import app, keys_app, schema_app, staff_app
from ucbr.cli.common import options, today
from ucbr.config import Role
from ucbr.scan import scan
from ucbr.store import SECTION_MODELS
from ucbr.vault import new_identity_file
from ucbr.yamlio import dump_plain

Json = Annotated[bool, typer.Option("--json", help="Data as JSON on stdout.")]


@app.command()
def init(
    path: Path,
    council: Annotated[str, typer.Option(help="The council's name, as letters print it.")],
    privacy_url: Annotated[str | None, typer.Option(help="The privacy notice's address.")] = None,
) -> None:
    """Create a new register: a git repository with its policy, staff and tier files."""
    reg = admin.init_register(path, council, privacy_url)
    ui.out(f"created a register for {council} in {reg.root}")
    ui.out("next: `ucbr keys new --out KEY` and `ucbr staff add` for the first manager")


@keys_app.command("new")
def keys_new(
    out: Annotated[
        Path, typer.Option("--out", help="Where to write the new identity (mode 0600).")
    ],
) -> None:
    """Create a new age identity and print its public recipient."""
    ui.out(
        new_identity_file(out, comment="ucbr staff identity: keep private, never share or commit")
    )


@staff_app.command("add")
def staff_add(
    ctx: typer.Context,
    staff_id: str,
    name: Annotated[str, typer.Option()],
    email: Annotated[str, typer.Option()],
    role: Annotated[Role, typer.Option()],
    recipient: Annotated[str, typer.Option(help="Their age1… or ssh-ed25519 public key.")],
) -> None:
    """Add a member of staff; their role decides which tier they can read."""
    opts = options(ctx)
    reg = opts.register()
    ring = opts.keyring() if reg.staff.staff else None
    member = admin.add_staff(reg, ring, staff_id, name, email, role, recipient)
    ui.out(f"added {member.id} ({member.role}, {member.tier} tier)")


@staff_app.command("list")
def staff_list(ctx: typer.Context, json: Json = False) -> None:
    """List the staff directory."""
    staff = options(ctx).register().staff.staff
    if json:
        ui.print_json([{"id": s.id, "name": s.name, "role": s.role, "tier": s.tier} for s in staff])
        return
    ui.table(None, ["id", "name", "role", "tier"], [(s.id, s.name, s.role, s.tier) for s in staff])


@app.command()
def show(
    ctx: typer.Context, file_id: Annotated[str, typer.Argument(metavar="ID")], json: Json = False
) -> None:
    """Show what your key can read of one case or property."""
    opts = options(ctx)
    reg = opts.register()
    loaded = reg.load(file_id, opts.keyring())
    kind = "case" if loaded.id.startswith("C-") else "property"
    readable: dict[str, Any] = {}
    for name in loaded.plain:
        model = reg.section(loaded, name, SECTION_MODELS[kind][name])
        readable[name] = model.model_dump(mode="json", exclude_none=True)
    if json:
        ui.print_json({"id": loaded.id, "kind": kind, **readable})
        return
    for name in ("entry", "schedule", "record"):
        if name in readable:
            ui.heading(f"{loaded.id}: {name}")
            ui.out(dump_plain(readable[name]).rstrip())
            ui.out()
    hidden = [n for n in ("schedule", "entry", "record") if n not in readable]
    if hidden:
        ui.out(f"(your key cannot read: {', '.join(hidden)})")


@app.command("list")
def list_files(ctx: typer.Context, json: Json = False) -> None:
    """List every case and property: id, kind, status and next review."""
    opts = options(ctx)
    rows = [s.schedule for s in scan(opts.register(), opts.keyring())]
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
        return
    ui.table(
        None,
        ["id", "kind", "status", "next review"],
        [(r.id, r.kind, r.status, r.next_review or "") for r in rows],
    )


@app.command()
def check(ctx: typer.Context, json: Json = False) -> None:
    """Check every file: format, schemas, agreement, recipients, and the Ombudsman's faults."""
    opts = options(ctx)
    ring = opts.keyring()
    report = checks.check_register(opts.register(), ring, today())
    if not ring.can_read("record"):
        ui.err("ucbr: your key cannot read records: only formats, schedules and keys were checked")
    if json:
        ui.print_json({"files": report.files, "problems": [p.as_dict() for p in report.problems]})
    else:
        for problem in report.problems:
            ui.out(f"{problem.path}: {problem.message}")
        if not report.problems:
            ui.err(f"ucbr: {report.files} files checked, no problems")
    if report.problems:
        raise typer.Exit(report.exit_code)


@schema_app.command("export")
def schema_export(
    out: Annotated[Path, typer.Option(help="The folder to write into.")] = Path("schemas"),
) -> None:
    """Write the JSON Schema of every section from the models."""
    from ucbr.schemas import write_schemas

    for path in write_schemas(out):
        ui.out(str(path))
