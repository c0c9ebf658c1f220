"""Time, and what a clone remembers: the insider's attacks on the clock and on local state.

The audit and every verification read the machine's own clock, never the policy clock a
command runs under; policy dates never go back along history; what one key verified never
stands for another; and git's merge driver opens and seals nothing it has not verified.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess

import pyrage
import pytest

from tests.regkit import Reg, on_register
from tests.test_sync import server_and_clones, ucbr_on_path
from tests.trust.test_attacks import approval_written_in, forge, trailers
from tests.trust.test_door import hooked
from tests.trust.test_server import git_as, push

pytestmark = pytest.mark.e2e


def _dated(clone: Reg, day: str, staff_id: str, case: str) -> str:
    """An incident's commit made by hand on ``day``: its git dates and its policy date all
    agree, signed with the officer's own key."""
    honest, clone.today = clone.today, day
    try:
        path = clone.root / f"cases/{case}.yaml"
        return forge(clone, staff_id, trailers(clone, "add-incident", staff_id, case),
                     {f"cases/{case}.yaml": path.read_text() + "\n"})  # fmt: skip
    finally:
        clone.today = honest


def test_attack_a_commit_dated_years_ahead_is_refused_by_the_audit_and_every_verify(
    reg: Reg,
) -> None:
    """A commit whose git dates and policy date all say five years from now: the hook
    refuses it, and in a clone that takes it by hand every command and the audit stop,
    each by the machine's own clock."""
    _, olive, _ = hooked(reg)
    with ucbr_on_path():
        case, _ = olive.new_case("officer")
        olive.ok("officer", "sync")
    ahead = (dt.date.today() + dt.timedelta(days=5 * 365)).isoformat()
    sha = _dated(olive, ahead, "officer", case)
    pushed = push(olive, "officer")
    assert pushed.returncode != 0 and f"it is dated {ahead}, after this machine's clock" in (
        pushed.stderr
    )
    listed = olive.run("officer", "list")
    assert listed.code == 6 and sha in listed.err and "after this machine's clock" in listed.err
    audited = olive.run("ig", "audit")
    assert audited.code == 6 and f"{sha} cases/{case}.yaml: it is dated {ahead}" in audited.out
    assert f"its policy date (Ucbr-Date {ahead}) is after this machine's clock" in audited.out


def test_attack_policy_dates_that_go_back_along_history_are_refused(reg: Reg) -> None:
    """A commit made by hand two months before the commit it follows, its dates all
    agreeing (so its own clock looks honest): the hook refuses it, and the next command
    and the audit stop: policy dates never go back along history."""
    _, olive, _ = hooked(reg)
    with ucbr_on_path():
        case, _ = olive.new_case("officer")
        olive.ok("officer", "sync")
    back = (dt.date.fromisoformat(olive.today) - dt.timedelta(days=60)).isoformat()
    sha = _dated(olive, back, "officer", case)
    pushed = push(olive, "officer")
    assert pushed.returncode != 0 and "policy dates never go back along history" in pushed.stderr
    listed = olive.run("officer", "list")
    assert listed.code == 6 and "never go back along history" in listed.err
    audited = olive.run("ig", "audit")
    assert audited.code == 6
    assert f"{sha} cases/{case}.yaml: its policy date (Ucbr-Date {back}) is before" in audited.out


def _forged_record(reg: Reg) -> tuple[str, str]:
    """A case officer's escalation committed by hand with the decision written in as the
    manager's approval: nothing a key that cannot read records can see is wrong."""
    case, text = approval_written_in(reg)
    reg.git("reset", "-q", "--hard", "HEAD~1")
    sha = forge(reg, "officer", trailers(reg, "escalate", "officer", case),
                {f"cases/{case}.yaml": text})  # fmt: skip
    return case, sha


def test_attack_the_schedulers_verification_never_stands_for_a_caseworker(reg: Reg) -> None:
    """The morning job verifies a forged approval as far as the scheduler key sees, which
    is not far; the case officer's next command still judges the record with their own
    key and stops (exit 6): each tier's verification is remembered apart."""
    reg.ok("officer", "list")
    _, sha = _forged_record(reg)
    due = reg.proc("cron", "review-due")  # the cron job, as its own process
    assert due.code in (0, 3, 4), due.err
    state = json.loads((reg.root / ".git/ucbr/state.json").read_text())["trust"]
    assert state["scheduler"]["verified"].startswith(sha)
    assert not state["casework"]["verified"].startswith(sha)
    listed = reg.run("officer", "list")
    assert listed.code == 6 and sha in listed.err
    assert "approved_by" in reg.run("ig", "audit").out  # the forged approval, among others


def test_attack_the_merge_driver_refuses_an_unverified_tip(reg: Reg) -> None:
    """On a server without the hook, frontline swaps the casework public key for one of
    their own. A case officer's plain `git pull --rebase` meets a case both sides changed,
    and git calls ucbr's merge driver: it verifies the server's tip first and refuses, so
    nothing is merged, and nothing sealed to the thief's key."""
    _, olive, otto = server_and_clones(reg)
    thief = pyrage.x25519.Identity.generate()
    with ucbr_on_path():
        case = on_register(olive)
        olive.ok("officer", "sync")
        otto.ok("officer2", "sync")
        olive.ok("officer", "adjustments", case, "--add", "needs_interpreter")
        olive.ok("officer", "sync")
        (olive.root / ".ucbr/recipients/casework.txt").write_text(f"{thief.to_public()}\n")
        git_as(olive, "front", "commit", "-qam", "tidy recipients")
        git_as(olive, "front", "push", "-q")
        otto.ok("officer2", "adjustments", case, "--add", "needs_large_print")
        pulled = subprocess.run(["git", "pull", "-q", "--rebase"], cwd=otto.root,
                                capture_output=True, text=True,
                                env={**os.environ, **otto.env("officer2")})  # fmt: skip
    assert pulled.returncode != 0
    assert "cannot be trusted" in pulled.stderr and "changed by hand" in pulled.stderr
    text = (otto.root / f"cases/{case}.yaml").read_text()
    record = text.split("record: |\n", 1)[1]
    armored = "\n".join(line.strip() for line in record.splitlines()) + "\n"
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(armored.encode(), [thief])
    assert "<<<<<<<" not in text
