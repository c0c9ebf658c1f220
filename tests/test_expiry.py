"""Restrictions end on their date: with no one recording anything, the entry, lookup, show,
list, review-due, check, letters owed and history all treat a restriction past its end date
as ended, and one of several ending leaves the rest in force.

Every date is counted from a register made in the machine's past (``regkit.PAST``), so no
commit is ever dated in the machine's future."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.regkit import PAST, Reg
from ucbr.domain.words import long_date

pytestmark = pytest.mark.e2e

NAME = "Robin Until"
DECIDED = PAST + dt.timedelta(days=10)  # the formal warning, approved and its letter sent
END = PAST + dt.timedelta(days=20)  # the last day the restrictions given --until apply
AFTER = END + dt.timedelta(days=10)  # some days after they ended
REVIEW = DECIDED + dt.timedelta(days=150)


def on(reg: Reg, day: dt.date) -> None:
    reg.today = day.isoformat()


def restricted(reg: Reg, *terms: str) -> str:
    """A case with a formal warning approved on ``DECIDED`` with ``terms`` (a serious
    incident bypasses steps 1 and 2), its letter sent the same day."""
    on(reg, DECIDED)
    case, first = reg.new_case(
        "officer", "--serious", name=NAME, date=(DECIDED - dt.timedelta(days=2)).isoformat()
    )
    reg.ok(
        "officer", "escalate", case, "--incident", first, "--to", "formal_written_warning",
        "--bypass", first, "--bypass-reason", "Threatened the officer with harm.", *terms,
        "--considerations", "None known.", "--essential-services", "By letter.",
        "--review-by", REVIEW.isoformat(),
    )  # fmt: skip
    reg.ok("mgr", "approve", case)
    reg.ok("officer", "letter", case, "--kind", "formal-warning",
           "--out", str(reg.root.parent / "fw.md"))  # fmt: skip
    return case


def due(reg: Reg, within: int = 14) -> list[tuple[str, str]]:
    """What the morning job lists: (what, due), a letter's kind beside it."""
    out = json.loads(reg.run("cron", "review-due", "--within", str(within), "--json").out)
    return [
        (i["what"] + (f": {i['detail']}" if i["what"] == "letter to send" else ""), i["due"])
        for i in out["items"]
    ]


def test_a_restriction_ends_on_its_date_with_no_one_recording_it(
    past_reg: Reg, tmp_path: Path
) -> None:
    """Given --until, ten days after that day the person is off the register: lookup, show
    and list say so, no review is due, nothing says "lift at review", and the
    restriction-ended letter is owed, with no commit made by the passing of time.

    Policy: "The UCBR will provide your personal details and the nature and duration of the
    restriction in place, together with when this is to be reviewed."
    """
    reg = past_reg
    case = restricted(reg, "--only-channel", "email", "--until", END.isoformat())
    head = reg.git("rev-parse", "HEAD")
    on(reg, END)
    assert "ON THE REGISTER" in reg.ok("front", "lookup", NAME)
    on(reg, AFTER)
    assert "Nothing on the register matches" in reg.ok("front", "lookup", NAME)
    assert "Not on the register" in reg.ok("front", "show", case)
    [row] = [r for r in json.loads(reg.ok("cron", "list", "--json")) if r["id"] == case]
    assert (row["status"], row["on_register"], row["next_review"]) == ("ended", False, None)
    first_day = (END + dt.timedelta(days=1)).isoformat()
    assert due(reg, 200) == [("letter to send: restriction-ended", first_day)]
    checked = reg.run("officer", "check")
    assert "lift" not in checked.out and checked.code == 0, checked.out
    lifted = reg.run("officer", "review", case, "--outcome", "lift", "--reasons", "Ended.")
    assert lifted.code == 1
    assert f"ended on its end date ({END}): there is nothing in force to review" in lifted.err
    assert reg.git("rev-parse", "HEAD") == head
    letter = tmp_path / "ended.md"
    reg.ok("officer", "letter", case, "--kind", "restriction-ended", "--out", str(letter))
    told = " ".join(letter.read_text().split())
    assert f"ended on {long_date(END)} (the end date set when they were put in place)" in told
    assert due(reg, 200) == []
    assert reg.run("officer", "check").code == 0


def test_the_ended_letter_is_tracked_until_sent(past_reg: Reg) -> None:
    """The restriction-ended letter is owed from the day after the last day: review-due says
    so from then (and only then), and check calls it missing after the letters' grace."""
    reg = past_reg
    case = restricted(reg, "--only-channel", "email", "--until", END.isoformat())
    first_day = END + dt.timedelta(days=1)
    on(reg, END - dt.timedelta(days=5))
    assert due(reg) == [("restrictions end on their end date", first_day.isoformat())]
    on(reg, first_day)
    assert due(reg) == [("letter to send: restriction-ended", first_day.isoformat())]
    on(reg, first_day + dt.timedelta(days=20))
    checked = reg.run("officer", "check")
    assert checked.code == 5
    assert f"{case}: decision D-" in checked.out
    assert f"ended on {first_day} but no restriction-ended letter" in checked.out


def test_one_restriction_ending_leaves_the_others_in_force(past_reg: Reg) -> None:
    """A premises ban given --ban-until ends then; the e-mail-only restriction with no end
    stays in force, its review still due, and no ended letter is owed."""
    reg = past_reg
    case = restricted(reg, "--only-channel", "email", "--premises-ban", "the Civic Centre",
                      "--ban-until", END.isoformat())  # fmt: skip
    on(reg, END)
    shown = reg.ok("front", "lookup", NAME)
    assert "Not to enter the Civic Centre" in shown and "Contact only by e-mail" in shown
    on(reg, AFTER)
    shown = reg.ok("front", "lookup", NAME)
    assert "ON THE REGISTER" in shown and "Contact only by e-mail" in shown
    assert "Civic Centre" not in shown
    entry = json.loads(reg.ok("front", "show", case, "--json"))["entry"]
    assert [r["kind"] for r in entry["restrictions"]] == ["single_channel"]
    assert due(reg, 200) == [("restriction review", REVIEW.isoformat())]
    history = reg.ok("ig", "history", case)
    assert f"{END}  -  ended on its end date" in history
    assert f"the premises_ban restriction reached its end date ({long_date(END)})" in history
    assert reg.run("officer", "check").code == 0


def test_history_shows_when_a_decision_ended_and_why(past_reg: Reg) -> None:
    """`ucbr history` derives an event for a decision that ended on its end date: its last
    day, and that the person is no longer on the register; before that day, none."""
    reg = past_reg
    case = restricted(reg, "--only-channel", "email", "--until", END.isoformat())
    on(reg, END)
    assert "ended on its end date" not in reg.ok("ig", "history", case)
    on(reg, AFTER)
    history = reg.ok("ig", "history", case)
    assert history.rstrip().endswith(
        f"every restriction reached its end date (its last day {long_date(END)}); "
        "the person is no longer on the register"
    )


def test_the_schedule_carries_the_end_in_advance(past_reg: Reg) -> None:
    """The scheduler's key alone can tell: the end is in the schedule, written without the
    day, and a review set after it is never due; its `check` finds no review overdue."""
    reg = past_reg
    case = restricted(reg, "--only-channel", "email", "--until", END.isoformat())
    schedule = json.loads(reg.ok("cron", "show", case, "--json"))["schedule"]
    whats = {(i["what"], i["due"]) for i in schedule["items"]}
    assert ("restriction_end", (END + dt.timedelta(days=1)).isoformat()) in whats
    assert not any(w == "restriction_review" for w, _ in whats)  # the review is after the end
    on(reg, REVIEW + dt.timedelta(days=30))
    assert "overdue" not in reg.run("cron", "check").out


def test_a_new_formal_warning_may_follow_one_that_ended(past_reg: Reg) -> None:
    """After the restrictions end on their date the behaviour may recur: a new formal
    warning is proposed, not refused as "in force; vary it at review"."""
    reg = past_reg
    case = restricted(reg, "--only-channel", "email", "--until", END.isoformat())
    on(reg, AFTER)
    out = reg.ok(
        "officer", "add-incident", case, "--date", AFTER.isoformat(), "--channel", "email",
        "--location", "community", "--category", "B", "--behaviour", "repeated_contact",
        "--summary", "Sent forty e-mails.", "--json",
    )  # fmt: skip
    incident = json.loads(out)["incident"]
    made = reg.run(
        "officer", "escalate", case, "--incident", incident, "--to", "formal_written_warning",
        "--only-channel", "letter", "--considerations", "None known.",
        "--essential-services", "By letter.", "--review-by", REVIEW.isoformat(),
    )  # fmt: skip
    assert made.code == 0, made.err
    reg.ok("head", "approve", case)
    assert "Contact only by letter" in reg.ok("front", "lookup", NAME)
    appeal = reg.run("officer", "appeal", "lodge", case, "--received", AFTER.isoformat())
    assert appeal.code == 0, appeal.err
