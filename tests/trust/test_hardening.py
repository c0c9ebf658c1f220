"""Hardening against what any member of staff can type or leave in the register's folder.

Each test is an attack, made black-box with real git, real keys and real processes, and
the refusal (or the exit 6) it now meets.
"""

from __future__ import annotations

import os

import pytest

from tests.regkit import INCIDENT_ARGS, Reg, hashed_policy, on_register, patched_env, signed_commit
from ucbr.cli.ui import shown
from ucbr.errors import IntegrityError
from ucbr.storage.store import Register

pytestmark = pytest.mark.e2e

HIDDEN_NAME = "Ann Other\x1b[8m"


def test_attack_an_escape_sequence_in_a_name_is_refused(reg: Reg) -> None:
    """A name carrying ESC[8m (which would hide the lines after it) is refused, unechoed."""
    before = reg.state()
    result = reg.run("officer", "add-incident", "--new", "--name", HIDDEN_NAME, *INCIDENT_ARGS)
    assert result.code == 1
    assert "control character" in result.err and "\x1b" not in result.err + result.out
    assert reg.state() == before


def test_attack_a_hidden_character_is_shown_never_obeyed() -> None:
    """Anything that still carries a control character is printed escaped."""
    assert shown(f"ON THE REGISTER\n{HIDDEN_NAME}\u202e") == (
        "ON THE REGISTER\nAnn Other\\x1b[8m\\u202e"
    )


def test_attack_a_file_that_is_not_utf8_is_exit_6_and_the_rest_still_listed(reg: Reg) -> None:
    """One case file of bytes that are not UTF-8: named, exit 6; every other file listed."""
    damaged, _ = reg.new_case()
    sound, _ = reg.new_case(name="Bea Sound")
    path = reg.root / "cases" / f"{damaged}.yaml"
    path.write_bytes(path.read_bytes() + b"\xff\xfe")
    listed = reg.run("officer", "list")
    assert listed.code == 6
    assert sound in listed.out and f"cases/{damaged}.yaml: is not UTF-8 text" in listed.err
    shown_one = reg.run("officer", "show", damaged)
    assert shown_one.code == 6 and "internal error" not in shown_one.err


@pytest.mark.parametrize("command", [["list"], ["lookup", "Bea Sound"], ["review-due"]])
def test_attack_a_stray_file_does_not_stop_the_scans(reg: Reg, command: list[str]) -> None:
    """A stray file or a link in cases/ is named; list, lookup and review-due still answer."""
    case, _ = reg.new_case(name="Bea Sound")
    (reg.root / "cases" / "notes.yaml").write_text("hello: world\n")
    os.symlink(reg.keys["officer"], reg.root / "cases" / "C-00000000.yaml")
    result = reg.run("officer", *command)
    assert result.code == 6
    assert "cases/notes.yaml: is not a register file" in result.err
    assert "cases/C-00000000.yaml: is not a register file" in result.err
    assert "AGE-SECRET-KEY" not in result.out + result.err
    if command == ["list"]:
        assert case in result.out


def test_attack_far_future_dates_are_refused(reg: Reg) -> None:
    """Dates beyond 2199 (which once crashed retention) are refused in options and the clock."""
    case, _ = reg.new_case()
    args = list(INCIDENT_ARGS)
    args[args.index("2026-11-01")] = "9999-12-31"
    result = reg.run("officer", "add-incident", case, *args)
    assert result.code == 1 and "from 1900 to 2199" in result.err
    reg.today = "9999-01-01"
    moved = reg.run("ig", "retention")
    assert moved.code == 2 and "UCBR_TODAY" in moved.err and "Traceback" not in moved.err


def test_attack_a_template_linked_to_a_key_is_refused(reg: Reg) -> None:
    """A template committed as a link to an officer's key, even in a signed settings commit
    by an administrator, is refused: the audit reports it and no letter follows the link."""
    case = on_register(reg)
    templates = reg.root / ".ucbr" / "templates"
    templates.mkdir()
    os.symlink(reg.keys["officer"], templates / "_access.md.j2")
    reg.git("add", ".ucbr/templates")
    message = (
        f"ucbr: settings\n\nUcbr-Action: settings\nUcbr-Officer: mgr\n"
        f"Ucbr-Policy: {hashed_policy(reg)}\nUcbr-Date: {reg.today}\n"
    )
    signed_commit(reg, "mgr", message)
    out = reg.home / "letter.md"
    args = ["letter", case, "--kind", "formal-warning", "--format", "md", "--out", str(out)]
    result = reg.run("officer", *args)
    assert result.code == 6 and "as a link" in result.err
    assert not out.exists()
    with patched_env(reg.env("officer")), pytest.raises(IntegrityError, match="not a plain file"):
        Register.open(reg.root).committed_templates()
    audited = reg.run("ig", "audit")
    assert audited.code == 6 and "stored .ucbr/templates/_access.md.j2 as a link" in audited.out
    assert "OPENSSH PRIVATE KEY" not in audited.out + result.out + result.err


def test_attack_an_uncommitted_template_is_not_used(reg: Reg) -> None:
    """A template dropped into .ucbr/templates without a commit does not change a letter."""
    case = on_register(reg)
    templates = reg.root / ".ucbr" / "templates"
    templates.mkdir()
    (templates / "formal-warning.md.j2").write_text("{{ person.name }} owes us nothing.\n")
    out = reg.home / "letter.md"
    reg.ok(
        "officer", "letter", case, "--kind", "formal-warning", "--format", "md", "--out", str(out)
    )
    assert "owes us nothing" not in out.read_text()
    assert "Formal written warning" in out.read_text()


def test_personal_data_can_come_from_standard_input(reg: Reg) -> None:
    """Name and summary given on stdin (--from -), not in argv, are recorded."""
    details = b"name: Carys Quiet\nphone: 01993 700700\nsummary: Swore at the officer.\n"
    args = ["add-incident", "--new", "--from", "-", *INCIDENT_ARGS[:-2], "--json"]
    result = reg.proc("officer", *args, stdin=details)
    assert result.code == 0, result.err
    assert not any("Carys" in arg for arg in args)
    shown_case = reg.ok("officer", "show", result.out.split('"case": "')[1][:10], "--json")
    assert "Carys Quiet" in shown_case and "Swore at the officer." in shown_case


def test_a_field_given_twice_is_refused(reg: Reg) -> None:
    """A field both typed and in --from is refused rather than guessed."""
    details = reg.home / "details.yaml"
    details.write_text("name: Carys Quiet\n")
    before = reg.state()
    args = ["add-incident", "--new", "--from", str(details), "--name", "X Y", *INCIDENT_ARGS]
    result = reg.run("officer", *args)
    assert result.code == 1 and "both" in result.err and "Carys" not in result.err
    assert reg.state() == before
