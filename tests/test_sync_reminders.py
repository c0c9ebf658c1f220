"""Reminders to sync: a change recorded in a clone says it is local until `ucbr sync`, and the
morning job says when its clone is not level with the server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.regkit import INCIDENT_ARGS, Reg
from tests.test_sync import server_and_clones, ucbr_on_path
from ucbr.services.upstream import SYNC_REMINDER

pytestmark = pytest.mark.e2e

REMINDER = f"ucbr: {SYNC_REMINDER}\n"


def test_every_change_in_a_clone_says_it_is_local_until_sync(reg: Reg, tmp_path: Path) -> None:
    """Each write command run in a clone with an upstream ends with the one-line reminder on
    stderr; read commands and refusals say nothing of it."""
    _, olive, _ = server_and_clones(reg)
    with ucbr_on_path():
        case, incident = olive.new_case("officer")
        writes = [
            ("officer", "add-incident", case, *INCIDENT_ARGS),
            ("officer", "escalate", case, "--incident", incident, "--note", "Asked to stop."),
            ("officer", "letter", case, "--kind", "verbal-warning-note",
             "--out", str(tmp_path / "note.md")),
            ("officer", "adjustments", case, "--add", "needs_large_print"),
            ("mgr", "settings", "set", "council_phone", "01234 000000"),
            ("mgr", "staff", "remove", "officer2"),
        ]  # fmt: skip
        for staff_id, *args in writes:
            result = olive.run(staff_id, *args)
            assert result.code == 0, (args, result.err)
            assert result.err.endswith(REMINDER) and result.err.count(REMINDER) == 1, args
        for staff_id, *args in [("officer", "show", case), ("front", "lookup", "Alex Example"),
                                ("officer", "check"), ("officer", "approve", case)]:  # fmt: skip
            assert SYNC_REMINDER not in olive.run(staff_id, *args).err, args
        synced = olive.run("officer", "sync")
        assert synced.code == 0 and SYNC_REMINDER not in synced.err


def test_a_register_without_a_server_says_nothing_of_sync(reg: Reg) -> None:
    """A register with no upstream (the council's own first copy) has nothing to sync with."""
    result = reg.run("officer", "add-incident", "--new", "--name", "Sam Solo", *INCIDENT_ARGS)
    assert result.code == 0 and SYNC_REMINDER not in result.err


def test_review_due_says_when_its_clone_is_behind_or_ahead(reg: Reg, tmp_path: Path) -> None:
    """`review-due --json` in a clone behind its upstream (as of its last fetch) says so, so a
    letter sent and synced elsewhere is not taken for one still owed; it says too when work
    made in the clone has not been sent."""
    _, olive, otto = server_and_clones(reg)
    with ucbr_on_path():
        case, incident = olive.new_case("officer")
        olive.ok("officer", "escalate", case, "--incident", incident, "--note", "Asked to stop.")
        olive.ok("officer", "sync")
        otto.ok("officer2", "sync")
        level = json.loads(otto.run("cron", "review-due", "--json").out)
        assert level["sync"] == {"upstream": "origin/main", "ahead": 0, "behind": 0}
        olive.ok("officer", "letter", case, "--kind", "verbal-warning-note",
                 "--out", str(tmp_path / "note.md"))  # fmt: skip
        ahead = json.loads(olive.run("cron", "review-due", "--json").out)
        assert ahead["sync"]["ahead"] == 1
        olive.ok("officer", "sync")
        otto.git("fetch", "-q")
        behind = otto.run("cron", "review-due", "--json")
        assert json.loads(behind.out)["sync"] == {
            "upstream": "origin/main", "ahead": 0, "behind": 1,
        }  # fmt: skip
        text = otto.run("cron", "review-due")
        assert "this clone is not synced (1 change on the server not yet here" in text.err
    assert json.loads(reg.run("cron", "review-due", "--json").out)["sync"] is None
