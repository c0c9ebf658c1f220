"""Steps dated when they happened: `--on DATE` on escalate, approve, review, appeal decide and
letter, within bounds the audit judges, and letters that give the true dates.

The days are counted from a register made in the machine's past (``regkit.PAST``): the day
the steps are recorded, ``R``, is well before today, so no commit is dated in the future."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from tests.regkit import PAST, Reg
from ucbr.domain.transitions import transition_problems
from ucbr.domain.words import long_date
from ucbr.services.audit.stepdates import step_date_problems
from ucbr.storage.gitlog import Commit

pytestmark = pytest.mark.e2e

LATE = ("--late-reason", "Given on the telephone; the file note was found at the next review.")
R = PAST + dt.timedelta(days=40)  # the day the steps are recorded


def ago(days: int) -> str:
    """The day ``days`` before ``R``."""
    return (R - dt.timedelta(days=days)).isoformat()


def later(days: int) -> str:
    """The day ``days`` after ``R``."""
    return (R + dt.timedelta(days=days)).isoformat()


def incident(reg: Reg, case: str, day: str) -> str:
    out = reg.ok(
        "officer", "add-incident", case, "--date", day, "--channel", "telephone",
        "--location", "council_premises", "--category", "A", "--behaviour", "abusive",
        "--summary", "Shouted at the officer again.", "--json",
    )  # fmt: skip
    return str(json.loads(out)["incident"])


def text_of(path: Path) -> str:
    return path.read_text() if path.suffix == ".md" else ""


def warned_late(reg: Reg) -> tuple[str, str]:
    """A verbal warning given on the telephone 31 days before it is recorded (on ``R``)."""
    reg.today = R.isoformat()
    case, first = reg.new_case(date=ago(32))
    reg.ok("officer", "escalate", case, "--incident", first, "--note", "Told to stop.",
           "--on", ago(31), *LATE)  # fmt: skip
    return case, first


def test_a_verbal_warning_given_before_it_was_recorded_is_dated_the_day_it_was_given(
    past_reg: Reg, tmp_path: Path
) -> None:
    """Step 1 given 31 days before it is recorded is dated the day it was given: an incident
    a fortnight after it is the behaviour continuing, and the letters give the true dates.

    Policy: "Following a verbal warning, if the behaviour continues to be unacceptable, an
    informal written warning letter will be sent"."""
    reg = past_reg
    case, _ = warned_late(reg)
    then = incident(reg, case, ago(17))
    reg.ok("officer", "escalate", case, "--incident", then)
    record = json.loads(reg.ok("officer", "show", case, "--json"))["record"]
    verbal = record["decisions"][0]
    assert (verbal["step"], verbal["proposed_on"]) == ("verbal_warning", ago(31))
    [late] = record["recorded_late"]
    assert (late["item"], late["done_on"], late["recorded_on"]) == (verbal["id"], ago(31), later(0))
    note = tmp_path / "note.md"
    reg.ok("officer", "letter", case, "--kind", "verbal-warning-note", "--out", str(note))
    text = " ".join(note.read_text().split())
    assert long_date(R - dt.timedelta(days=31)) in text
    assert long_date(R) in text  # the letter's own date: the day it is sent
    assert reg.run("officer", "check").code == 0


def test_without_its_own_date_the_warning_is_dated_the_day_it_was_recorded(
    past_reg: Reg,
) -> None:
    """Recorded without --on, the same warning is dated the day it is recorded, and the
    incident a fortnight after it was given is refused as not the behaviour continuing: why
    a step needs its own date."""
    reg = past_reg
    reg.today = R.isoformat()
    case, first = reg.new_case(date=ago(32))
    reg.ok("officer", "escalate", case, "--incident", first, "--note", "Told to stop.")
    then = incident(reg, case, ago(17))
    result = reg.run("officer", "escalate", case, "--incident", then)
    assert result.code == 1 and "has not continued since step 1" in result.err


def test_the_formal_warning_letter_gives_the_true_warning_dates(
    past_reg: Reg, tmp_path: Path
) -> None:
    """Each warning dated when it was given, the formal-warning letter names those days."""
    reg = past_reg
    case, _ = warned_late(reg)
    second = incident(reg, case, ago(17))
    reg.ok("officer", "escalate", case, "--incident", second, "--on", ago(13), *LATE)
    third = incident(reg, case, ago(8))
    reg.ok("officer", "letter", case, "--kind", "informal-warning",
           "--out", str(tmp_path / "iw.md"), "--on", ago(3))  # fmt: skip
    reg.ok(
        "officer", "escalate", case, "--incident", third, "--only-channel", "email",
        "--considerations", "None known.", "--essential-services", "By letter.",
        "--review-by", later(150),
    )  # fmt: skip
    reg.ok("mgr", "approve", case)
    letter = tmp_path / "fw.md"
    reg.ok("officer", "letter", case, "--kind", "formal-warning", "--out", str(letter))
    text = " ".join(letter.read_text().split())
    for given in (31, 13):
        assert long_date(R - dt.timedelta(days=given)) in text
    issued = json.loads(reg.ok("officer", "show", case, "--json"))["record"]["letters"]
    assert [(x["kind"], x["date"]) for x in issued] == [
        ("informal-warning", ago(3)), ("formal-warning", later(0)),
    ]  # fmt: skip


def test_audit_lists_each_step_recorded_after_it_was_done(past_reg: Reg) -> None:
    """`ucbr audit` keeps a back-dated step within bounds and lists it: who, how many days
    late, and that the reason is recorded (in the case, never in the commit message)."""
    reg = past_reg
    case, _ = warned_late(reg)
    message = reg.git("log", "-1", "--format=%B")
    assert f"Ucbr-On: {ago(31)}" in message and "telephone" not in message
    audited = reg.run("ig", "audit")
    assert audited.code == 0, audited.out
    assert (
        f"  {R}  {reg.git('rev-parse', '--short=7', 'HEAD').strip()}  escalate {case} "
        f"by officer: done {ago(31)}, recorded 31 days later; reason recorded"
    ) in audited.out
    [listed] = json.loads(reg.run("ig", "audit", "--json").out)["backdated"]
    assert (listed["officer"], listed["days"], listed["reason"]) == ("officer", 31, "recorded")


@pytest.mark.parametrize(
    ("on", "extra", "message"),
    [
        (later(1), (), f"--on {later(1)} is after today ({R})"),
        (ago(31), (), "needs the reason it was not recorded then (--late-reason)"),
        (ago(64), LATE, "a step is recorded at most 60 days after it was done"),
        (ago(33), LATE, f"--on {ago(33)} is before incident I-"),
        (ago(2), LATE, "--late-reason is recorded only for a step recorded more than 3"),
        ("1 Nov", (), "--on must be a date, YYYY-MM-DD"),
    ],
)
def test_a_step_date_out_of_bounds_is_refused_changing_nothing(
    past_reg: Reg, on: str, extra: tuple[str, ...], message: str
) -> None:
    """Not after today, not before what the step relies on, at most 3 days back without a
    reason and 60 with one: anything else is refused in one line, and nothing changes."""
    reg = past_reg
    reg.today = R.isoformat()
    case, first = reg.new_case(date=ago(32))
    before = reg.state()
    result = reg.run("officer", "escalate", case, "--incident", first, "--note", "Told to stop.",
                     "--on", on, *extra)  # fmt: skip
    assert result.code == 1 and message in result.err, result.err
    assert len(result.err.splitlines()) == 1
    assert reg.state() == before


def test_approval_review_and_appeal_are_dated_the_day_they_were_done(past_reg: Reg) -> None:
    """A manager's approval, a review and an appeal's decision each take the day they were
    done; none may be dated before what it follows (the proposal, the appeal received)."""
    reg = past_reg
    reg.today = ago(2)
    case, first = reg.new_case("officer", "--serious", date=ago(12))
    reg.ok(
        "officer", "escalate", case, "--incident", first, "--to", "formal_written_warning",
        "--bypass", first, "--bypass-reason", "Threatened the officer with harm.",
        "--only-channel", "letter", "--considerations", "None known.",
        "--essential-services", "By letter.", "--review-by", later(150),
    )  # fmt: skip
    reg.today = R.isoformat()
    early = reg.run("mgr", "approve", case, "--on", ago(3))
    assert early.code == 1 and "is before decision D-" in early.err
    reg.ok("mgr", "approve", case, "--on", ago(1))
    reg.today = later(7)
    reg.ok("officer", "appeal", "lodge", case, "--received", later(5))
    too_soon = reg.run("head", "appeal", "decide", case, "--outcome", "upheld",
                       "--reasons", "Proportionate.", "--on", later(4))  # fmt: skip
    assert too_soon.code == 1 and "is before appeal A-" in too_soon.err
    reg.ok("head", "appeal", "decide", case, "--outcome", "upheld", "--reasons",
           "Proportionate.", "--on", later(6))  # fmt: skip
    reg.ok("officer", "review", case, "--outcome", "continue", "--reasons", "No change.",
           "--on", later(6))  # fmt: skip
    record = json.loads(reg.ok("officer", "show", case, "--json"))["record"]
    assert record["decisions"][0]["approved_on"] == ago(1)
    assert record["appeals"][0]["decided_on"] == later(6)
    assert record["reviews"][0]["date"] == later(6)
    assert record["recorded_late"] == []  # each within the offline window: no reason needed
    assert reg.run("ig", "audit").code == 0


# --- the audit's rules, on commits and records made by hand --------------------------------


def commit_with(**trailers: str) -> Commit:
    """A commit as the audit reads it, carrying these trailers (``Ucbr_On`` is ``Ucbr-On``)."""
    pairs = tuple((key.replace("_", "-"), value) for key, value in trailers.items())
    return Commit("a" * 40, ("b" * 40,), "Olive", "officer@council.example",
                  dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC), "ucbr: escalate C-00000000",
                  pairs)  # fmt: skip


@pytest.mark.parametrize(
    ("trailers", "message"),
    [
        ({"Ucbr_On": "2026-12-04"}, "its step is dated 2026-12-04, after the day it was recorded"),
        ({"Ucbr_On": "2026-09-01"}, "93 days before it was recorded; at most 60"),
        ({"Ucbr_On": "soon"}, "Ucbr-On is not a date"),
        ({"Ucbr_Action": "add-incident", "Ucbr_On": "2026-12-01"}, "a add-incident is not dated"),
    ],
)
def test_audit_reports_a_step_date_out_of_bounds(trailers: dict[str, str], message: str) -> None:
    """A commit made by hand whose Ucbr-On the write path would refuse is reported."""
    commit = commit_with(**{"Ucbr_Action": "escalate", "Ucbr_Date": "2026-12-03", **trailers})
    assert any(message in found for found in step_date_problems(commit))


def test_audit_reports_a_late_step_with_no_reason_recorded() -> None:
    """A record whose step is dated 10 days before its commit and records no reason is
    reported; the same with the reason recorded, or 3 days back, is not."""
    decision = {"id": "D-0000000A", "step": "verbal_warning", "proposed_on": "2026-11-23",
                "proposed_by": "officer", "status": "recorded"}  # fmt: skip
    before: dict[str, object] = {"id": "C-00000000", "decisions": []}
    after: dict[str, object] = {"id": "C-00000000", "decisions": [decision]}
    day, on = dt.date(2026, 12, 3), dt.date(2026, 11, 23)
    found = transition_problems("escalate", "officer", day, before, after, "case", on)
    assert found == ["the step was done on 2026-11-23, 10 days before it was recorded, "
                     "and no reason is recorded"]  # fmt: skip
    late = {"item": "D-0000000A", "done_on": "2026-11-23", "recorded_on": "2026-12-03",
            "reason": "Found late.", "by": "officer"}  # fmt: skip
    assert transition_problems("escalate", "officer", day, before,
                               {**after, "recorded_late": [late]}, "case", on) == []  # fmt: skip
    wrong = {**late, "recorded_on": "2026-11-23"}
    assert transition_problems("escalate", "officer", day, before,
                               {**after, "recorded_late": [wrong]}, "case", on) == [
        "recorded_late[D-0000000A@2026-11-23@officer].recorded_on is 2026-11-23, "
        "but the commit was made on 2026-12-03"
    ]  # fmt: skip
    recent = {**decision, "proposed_on": "2026-11-30"}
    assert transition_problems("escalate", "officer", day, before,
                               {**after, "decisions": [recent]}, "case",
                               dt.date(2026, 11, 30)) == []  # fmt: skip


def test_a_step_dated_by_editing_the_record_alone_is_reported() -> None:
    """Without Ucbr-On a stamp must be the commit's own day: a review dated back by hand is
    still reported (the review's date is stamped like the rest)."""
    found = transition_problems(
        "review", "officer", dt.date(2026, 12, 3), {"id": "C-00000000"},
        {"id": "C-00000000", "reviews": [{"id": "R-0000000A", "date": "2026-11-01"}]}, "case",
    )  # fmt: skip
    assert found == [
        "reviews[R-0000000A].date is 2026-11-01, but the commit was made on 2026-12-03"
    ]


def test_git_never_sees_the_reason(past_reg: Reg) -> None:
    """The late reason is free text: it is sealed in the record, never in any commit message."""
    warned_late(past_reg)
    log = subprocess.run(["git", "log", "--format=%B"], cwd=past_reg.root, capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    assert "file note" not in log
