"""Every write command answers `--json` with the ids it created and the commit it made."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer.main

from tests.regkit import INCIDENT_ARGS, Reg, write_key
from ucbr.cli import full_app
from ucbr.domain.permissions import ACTIONS

# The command that performs each action the audit knows ("import" is the library's own:
# a council's existing register is brought in by a script, not typed).
COMMAND_OF = {
    "init": "init",
    "staff-add": "staff add",
    "staff-remove": "staff remove",
    "keys-rotate": "keys rotate",
    "add-incident": "add-incident",
    "escalate": "escalate",
    "approve": "approve",
    "reject": "reject",
    "adjustment": "adjustments",
    "review": "review",
    "appeal-lodge": "appeal lodge",
    "appeal-decide": "appeal decide",
    "property-add": "property add",
    "property-approve": "property approve",
    "property-reject": "property reject",
    "property-review": "property review",
    "letter": "letter",
    "foi": "foi record",
    "retention": "retention",
    "sar": "sar",
    "settings": "settings set",
    "import": "import",
    "evidence": "evidence",
    "revert": "revert",
    "root-rotate": "root rotate",
    "re-root": "root re-root",
}
# Write commands that are not one action of their own.
ALSO_WRITES = ("settings template", "sync", "clone", "keys new")


def options_of(path: str) -> set[str]:
    command: Any = typer.main.get_command(full_app())
    for word in path.split():
        command = command.commands[word]
    return {opt for param in command.params for opt in getattr(param, "opts", ())}


def test_every_action_has_a_command_in_the_table() -> None:
    """The table above names a command for every action but the library's import."""
    assert set(ACTIONS) - set(COMMAND_OF) == set()


@pytest.mark.parametrize("path", [*COMMAND_OF.values(), *ALSO_WRITES])
def test_every_write_command_takes_json(path: str) -> None:
    """`--json` is accepted by every command that changes the register."""
    assert "--json" in options_of(path)


def answer(reg: Reg, staff_id: str, *args: str) -> dict[str, Any]:
    """A write command's JSON, checked against the repository: its commit is HEAD."""
    data: dict[str, Any] = json.loads(reg.ok(staff_id, *args, "--json"))
    assert data["commit"] == reg.git("rev-parse", "HEAD").strip()
    return data


@pytest.mark.e2e
def test_write_commands_report_their_ids_and_commit(reg: Reg, tmp_path: Path) -> None:
    """Each answer names what it created, and the commit it names is the one it made."""
    created = answer(reg, "officer", "add-incident", "--new", "--name", "Jo Json", *INCIDENT_ARGS)
    case = created["case"]
    assert created["incident"].startswith("I-")
    step = answer(
        reg, "officer", "escalate", case, "--incident", created["incident"],
        "--to", "verbal_warning", "--note", "Asked to stop shouting.",
    )  # fmt: skip
    assert step["decision"].startswith("D-") and step["status"] == "recorded"
    note = tmp_path / "note.md"
    issued = answer(
        reg, "officer", "letter", case, "--kind", "verbal-warning-note", "--out", str(note)
    )
    assert issued["letter"].startswith("L-") and issued["out"] == str(note)

    head = reg.git("rev-parse", "HEAD").strip()
    again = str(tmp_path / "again.md")
    preview_args = ("letter", case, "--kind", "verbal-warning-note", "--out", again, "--preview")
    preview = json.loads(reg.ok("officer", *preview_args, "--json"))
    assert preview == {"commit": None, "letter": None, "out": again}
    assert reg.git("rev-parse", "HEAD").strip() == head

    assert answer(reg, "mgr", "settings", "set", "council_phone", "01234 000000") == {
        "commit": reg.git("rev-parse", "HEAD").strip(),
        "setting": "council_phone",
    }
    key = write_key(tmp_path / "new.key")
    added = answer(
        reg, "mgr", "staff", "add", "newbie", "--name", "New Starter",
        "--email", "newbie@council.example", "--role", "frontline", "--key", key,
    )  # fmt: skip
    assert added["staff"] == "newbie" and added["tier"] == "frontline" and added["root"] is None
