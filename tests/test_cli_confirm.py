"""Long work shows progress on a terminal; destructive work shows what will change and asks
first on a terminal (`--yes`: not asked); off a terminal both stay quiet and act as typed."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.regkit import Reg, on_register
from tests.terminal import needs_tmux, terminal
from tests.test_retention import _old_records, put
from ucbr.cli import ui

pytestmark = pytest.mark.e2e

UCBR = [sys.executable, "-m", "ucbr"]


def proposed(reg: Reg) -> str:
    """A case with a formal written warning proposed, awaiting the manager's approval."""
    case_id, incident = reg.new_case("officer", "--serious")
    reg.ok(
        "officer", "escalate", case_id, "--incident", incident, "--to", "formal-written-warning",
        "--bypass", incident, "--bypass-reason", "Threatened the officer with harm.",
        "--only-channel", "letter", "--considerations", "None known.",
        "--essential-services", "By letter to the council offices.", "--review-by", "2027-01-15",
    )  # fmt: skip
    return case_id


@needs_tmux
def test_approve_on_a_terminal_shows_the_decision_and_asks(reg: Reg, tmp_path: Path) -> None:
    """On a terminal, `approve` shows the step, each restriction in words and the review
    date, and asks; no changes nothing (exit 1), yes approves."""
    case_id = proposed(reg)
    before = reg.state()
    with terminal([*UCBR, "approve", case_id], reg.env("mgr"), tmp_path) as term:
        screen = term.wait_for("[y/N]")
        term.type("n")
        assert term.exit_code() == 1
        screen = term.screen()
    assert "formal written warning" in screen and "Contact only by letter" in screen
    assert "review by 2027-01-15" in screen and "not confirmed; nothing was changed" in screen
    assert reg.state() == before
    with terminal([*UCBR, "approve", case_id], reg.env("mgr"), tmp_path) as term:
        term.wait_for("[y/N]")
        term.type("y")
        assert term.exit_code() == 0
        assert "approved" in term.screen()
    assert reg.state() != before


@needs_tmux
def test_yes_approves_on_a_terminal_without_asking(reg: Reg, tmp_path: Path) -> None:
    """`approve --yes` on a terminal asks nothing and approves."""
    case_id = proposed(reg)
    with terminal([*UCBR, "approve", case_id, "--yes"], reg.env("mgr"), tmp_path) as term:
        assert term.exit_code() == 0
        screen = term.screen()
    assert "[y/N]" not in screen and "approved" in screen


def test_approve_off_a_terminal_acts_and_says_what_it_approved(reg: Reg) -> None:
    """Off a terminal (a script), `approve` asks nothing, and its output says what is now in
    force, in words."""
    case_id = proposed(reg)
    said = reg.ok("mgr", "approve", case_id)
    assert "approved" in said and "formal written warning" in said
    assert "Contact only by letter" in said and "[y/N]" not in said


@needs_tmux
def test_staff_remove_on_a_terminal_says_what_it_will_change_and_asks(
    reg: Reg, tmp_path: Path
) -> None:
    """On a terminal, `staff remove` names the tier keys renewed and the files re-encrypted,
    and asks; no changes nothing."""
    on_register(reg)
    before = reg.state()
    with terminal([*UCBR, "staff", "remove", "officer2"], reg.env("mgr"), tmp_path) as term:
        term.wait_for("[y/N]")
        term.type("no")
        assert term.exit_code() == 1
        screen = term.screen()
    assert "re-encrypt 1 files" in screen and "new tier keys" in screen
    assert reg.state() == before


@needs_tmux
def test_retention_apply_on_a_terminal_lists_what_it_deletes_and_asks(
    reg: Reg, tmp_path: Path
) -> None:
    """On a terminal, `retention --apply` lists each case it will delete and asks first."""
    expired, recent, animal = _old_records()
    put(reg, expired, recent, animal)
    before = reg.state()
    with terminal([*UCBR, "retention", "--apply"], reg.env("ig"), tmp_path) as term:
        term.wait_for("[y/N]")
        screen = term.screen()
        term.type("")
        assert term.exit_code() == 1
    assert f"{expired.id}: verbal abuse" in screen and "Delete 1 cases" in screen
    assert recent.id not in screen.split("[y/N]")[0].split("Delete")[1]
    assert reg.state() == before


@contextlib.contextmanager
def recorded_work(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every label a command shows progress under, as `ui.working` is called."""
    labels: list[str] = []
    real = ui.working

    @contextlib.contextmanager
    def working(label: str, after: float = 0.5) -> Iterator[None]:
        labels.append(label)
        with real(label, after):
            yield

    monkeypatch.setattr(ui, "working", working)
    yield labels


def test_long_commands_show_progress(reg: Reg, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check`, `audit`, the first verification of new commits, and `staff remove`
    (re-encrypting every file) each show progress."""
    on_register(reg)
    with recorded_work(monkeypatch) as labels:
        reg.ok("ig", "check")
        reg.ok("ig", "audit")
        reg.ok("ig", "list")
    assert "checking every file" in labels and "auditing every commit" in labels
    assert any("verifying" in label for label in labels)
    progressed: list[str] = []
    real = ui.progress

    @contextlib.contextmanager
    def progress(label: str, total: int) -> Iterator[object]:
        progressed.append(f"{label} {total}")
        with real(label, total) as advance:
            yield advance

    monkeypatch.setattr(ui, "progress", progress)
    reg.ok("mgr", "staff", "remove", "officer2")
    assert progressed and progressed[0].startswith("re-encrypting")


def test_progress_shows_on_a_terminal_and_never_off_one(tmp_path: Path) -> None:
    """The spinner of long work, with its label, is drawn on a terminal's stderr; on a
    pipe nothing is written."""
    import pty

    script = "import time\nfrom ucbr.cli import ui\nwith ui.working('checking every file', 0.1):\n"
    script += "    time.sleep(1.0)\n"
    # The spinner's timer is a timed wait, which a faked clock (libfaketime) can stall; the
    # drawing does not depend on the date, so the child runs on the machine's real clock.
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")}
    primary, secondary = pty.openpty()
    subprocess.run(
        [sys.executable, "-c", script], stderr=secondary, stdout=secondary, check=True, env=env
    )
    os.close(secondary)
    drawn = b""
    with contextlib.suppress(OSError):
        while chunk := os.read(primary, 65536):
            drawn += chunk
    os.close(primary)
    assert b"checking every file" in drawn
    piped = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)
    assert piped.stderr == b"" and piped.stdout == b""


def test_yes_is_accepted_off_a_terminal(reg: Reg) -> None:
    """`--yes` is taken by each command that asks, in scripts as on a terminal."""
    case_id = proposed(reg)
    assert json.loads(reg.ok("mgr", "approve", case_id, "--yes", "--json"))["case"] == case_id
    reg.ok("ig", "retention", "--apply", "--yes")
    reg.ok("mgr", "staff", "remove", "officer2", "--yes")
