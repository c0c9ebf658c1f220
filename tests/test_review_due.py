"""`ucbr review-due`, the morning job, run as cron or CI would run it: the scheduler key alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.regkit import Reg, git_env
from tests.test_cli_policy import SUMMARY, on_register, proposed, refused, shown

pytestmark = pytest.mark.e2e

NAME = "Quentin Overdue-Person"
PERSON = (
    "--address",
    "9 Hidden Row, Witney",
    "--postcode",
    "OX29 4ZZ",
    "--email",
    "quentin@example.net",
)
SECRETS = (NAME, "Quentin", "Hidden Row", "OX29 4ZZ", "quentin@example.net", SUMMARY)


def settled(reg: Reg, tmp_path: Path) -> str:
    """A case on the register whose formal-warning letter is issued: only its review is ahead."""
    case_id, _ = on_register(reg, person=PERSON, name=NAME)
    out = tmp_path / "formal-warning.md"
    reg.ok(
        "officer",
        "letter",
        case_id,
        "--kind",
        "formal-warning",
        "--format",
        "md",
        "--out",
        str(out),
    )
    return case_id


def no_names(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_review_due_silent_when_nothing_due(reg: Reg, tmp_path: Path) -> None:
    """Nothing due in the window: no output at all and exit 0, so cron sends no mail.

    Policy: "All restrictions will be reviewed on a six-monthly basis or sooner if there are
    reasonable grounds to do so."
    """
    result = reg.run("cron", "review-due")
    assert (result.code, result.out, result.err) == (0, "", "")
    settled(reg, tmp_path)
    reg.new_case(name="Ina Incidentonly")
    result = reg.run("cron", "review-due")
    assert (result.code, result.out, result.err) == (0, "", "")
    result = reg.run("cron", "review-due", "--within", "153")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_review_due_exit_3_when_due_in_window(reg: Reg, tmp_path: Path) -> None:
    """A review due within the window is listed with its id, what, due date and days left;
    the exit code is 3.

    Policy: "All restrictions will be reviewed on a six-monthly basis."
    """
    case_id = settled(reg, tmp_path)
    decision = shown(reg, case_id)["record"]["decisions"][-1]["id"]
    result = reg.run("cron", "review-due", "--within", "154")
    assert result.code == 3, result.err
    assert f"{case_id}\trestriction review\t2027-05-01\t154 days left\t{decision}" in result.out
    no_names(result.out + result.err)


@pytest.mark.parametrize("how", ["as-of", "today"])
def test_review_due_exit_4_when_overdue(reg: Reg, tmp_path: Path, how: str) -> None:
    """An overdue review exits 4 and counts the days overdue, with --as-of or the policy clock.

    Policy: "All restrictions will be reviewed on a six-monthly basis."
    """
    case_id = settled(reg, tmp_path)
    if how == "as-of":
        result = reg.run("cron", "review-due", "--as-of", "2027-05-11")
    else:
        reg.today = "2027-05-11"
        result = reg.run("cron", "review-due")
    assert result.code == 4, result.err
    assert f"{case_id}\trestriction review\t2027-05-01\t10 days overdue" in result.out
    assert "as of 2027-05-11" in result.out
    no_names(result.out + result.err)


def test_review_due_lists_everything_needing_action(reg: Reg) -> None:
    """Restriction reviews, property reviews, appeals awaiting a decision, approvals pending
    and letters owed are all listed, each with id, what, due date and days left.

    Policy: "The UCBR entry and restrictions remain in place until the outcome of the appeal
    is decided."
    """
    case_id, _ = on_register(reg, person=PERSON, name=NAME)
    reg.ok("officer", "appeal", "lodge", case_id, "--received", reg.today)
    pending, _ = proposed(reg, name="Penny Pending")
    args = (
        "--address",
        "1 Risk Row, Witney",
        "--postcode",
        "OX28 1RR",
        "--risk",
        "squalor",
        "--guidance",
        "Wear protective gloves.",
        "--not-notified-reason",
        "Staff risk only.",
    )
    prop = reg.ok("officer", "property", "add", *args).split(":")[0]
    reg.ok("mgr", "property", "approve", prop)
    elsewhere = ("--address", "2 Risk Row, Witney", *args[2:])
    prop_pending = reg.ok("officer", "property", "add", *elsewhere).split(":")[0]

    result = reg.run("cron", "review-due", "--within", "200", "--json")
    assert result.code == 3, result.err
    items = json.loads(result.out)["items"]
    found = {(i["id"], i["what"]) for i in items}
    assert found == {
        (case_id, "restriction review"),
        (case_id, "appeal awaiting a decision"),
        (case_id, "letter to send"),
        (pending, "approval pending"),
        (prop, "property review"),
        (prop_pending, "approval pending"),
    }
    by_what = {(i["id"], i["what"]): i for i in items}
    review = by_what[(case_id, "restriction review")]
    assert (review["due"], review["days_left"], review["overdue"]) == ("2027-05-01", 154, False)
    # A month on is Monday 28 December 2026, a bank holiday: the next working day.
    assert by_what[(case_id, "appeal awaiting a decision")]["due"] == "2026-12-29"
    assert by_what[(case_id, "letter to send")]["detail"] == "formal-warning"
    assert by_what[(prop, "property review")]["due"] == "2027-05-28"
    # Proposed on Saturday 28 November: due five working days on, Friday 4 December.
    assert by_what[(pending, "approval pending")]["due"] == "2026-12-04"
    assert by_what[(pending, "approval pending")]["days_left"] == 6
    no_names(result.out)


def test_review_due_never_prints_a_name(reg: Reg) -> None:
    """Even with everything overdue, neither the table nor the JSON holds a name or any other
    personal detail.

    Policy: "All details on UCBR are strictly confidential."
    """
    case_id, _ = on_register(reg, person=PERSON, name=NAME)
    reg.ok("officer", "appeal", "lodge", case_id, "--received", reg.today)
    for staff_id in ("cron", "front", "officer"):
        for extra in ((), ("--json",)):
            result = reg.run(staff_id, "review-due", "--as-of", "2027-06-01", *extra)
            assert result.code == 4, result.err
            assert case_id in result.out
            no_names(result.out + result.err)


def test_show_names_needs_key_that_reads_entries(reg: Reg) -> None:
    """`--show-names` is refused for the scheduler key, and adds names for frontline and
    casework keys.

    Policy: "Viewable access to the UCBR is restricted to those who require it for business
    need."
    """
    case_id, _ = on_register(reg, person=PERSON, name=NAME)
    message = refused(reg, "cron", "review-due", "--show-names")
    assert "--show-names" in message and NAME not in message
    for staff_id in ("front", "officer"):
        result = reg.run(staff_id, "review-due", "--show-names", "--within", "200")
        assert result.code == 3, result.err
        assert NAME in result.out
        [row] = [
            i
            for i in json.loads(
                reg.run(staff_id, "review-due", "--show-names", "--within", "200", "--json").out
            )["items"]
            if i["what"] == "restriction review"
        ]
        assert (row["id"], row["name"]) == (case_id, NAME)


def test_review_due_json_is_valid(reg: Reg, tmp_path: Path) -> None:
    """`--json` prints the items due (an empty list when nothing is), with the same exit codes.

    Policy: "All restrictions will be reviewed on a six-monthly basis."
    """
    case_id = settled(reg, tmp_path)
    result = reg.run("cron", "review-due", "--json")
    assert (result.code, json.loads(result.out)["items"]) == (0, [])
    result = reg.run("cron", "review-due", "--json", "--as-of", "2027-05-02")
    assert result.code == 4
    [item] = json.loads(result.out)["items"]
    assert item == {
        "id": case_id,
        "what": "restriction review",
        "due": "2027-05-01",
        "days_left": -1,
        "overdue": True,
        "detail": item["detail"],
    }


def test_review_due_runs_with_scheduler_key_alone(reg: Reg) -> None:
    """The installed `ucbr` command, given only the scheduler key, lists what is due.

    Policy: "Viewable access to the UCBR is restricted to those who require it for business
    need."
    """
    case_id, _ = on_register(reg, person=PERSON, name=NAME)
    assert set(shown(reg, case_id, "cron")) == {"id", "kind", "schedule"}
    ucbr = Path(sys.executable).parent / "ucbr"
    env = {
        "PATH": os.environ.get("PATH", ""),
        **git_env(reg.home),
        "UCBR_IDENTITY_FILE": str(reg.keys["cron"]),
        "UCBR_TODAY": "2027-05-02",
    }
    proc = subprocess.run(
        [str(ucbr), "--register", str(reg.root), "review-due", "--within", "7"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 4, proc.stderr
    assert f"{case_id}\trestriction review\t2027-05-01\t1 day overdue" in proc.stdout
    no_names(proc.stdout + proc.stderr)


def test_review_due_negative_window_refused(reg: Reg) -> None:
    """A negative window is refused with one line.

    Policy: "All restrictions will be reviewed on a six-monthly basis."
    """
    assert "--within" in refused(reg, "cron", "review-due", "--within", "-1")
