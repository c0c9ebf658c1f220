"""Month arithmetic and working days for review dates and FOI deadlines."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ucbr.domain.dates import add_months, is_working_day, working_days_after

D = dt.date


def test_add_months_keeps_the_day_of_the_month() -> None:
    """Six months after 3 March is 3 September."""
    assert add_months(D(2026, 3, 3), 6) == D(2026, 9, 3)


def test_add_months_clamps_to_the_end_of_a_shorter_month() -> None:
    """A month after 31 January is the last day of February, in leap years too."""
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)


def test_add_months_crosses_years_both_ways() -> None:
    """Months carry into the next year and borrow from the previous one."""
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert add_months(D(2026, 3, 31), -13) == D(2025, 2, 28)


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)), st.integers(-36, 36))
def test_add_months_lands_in_the_right_month_never_later_day(day: dt.date, months: int) -> None:
    """The result is in the month ``months`` away, on the same day or the month's last day."""
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (result.day < day.day and (result + dt.timedelta(1)).day == 1)


def test_foi_deadline_skips_christmas_boxing_day_substitute_and_new_year() -> None:
    """20 working days after Monday 14 December 2026 is Thursday 14 January 2027.

    Counted by hand: 15-18 Dec (4), 21-24 Dec (8); Fri 25 Dec Christmas; Sat 26 Dec
    Boxing Day falls at a weekend so Mon 28 Dec is the substitute bank holiday;
    29-31 Dec (11); Fri 1 Jan 2027 New Year's Day; 4-8 Jan (16); 11-14 Jan (20).
    """
    bank = holidays.country_holidays("GB", subdiv="ENG", years=[2026, 2027])
    assert {D(2026, 12, 25), D(2026, 12, 28), D(2027, 1, 1)} <= set(bank)
    assert working_days_after(D(2026, 12, 14), 20) == D(2027, 1, 14)


def test_foi_deadline_skips_good_friday_and_easter_monday() -> None:
    """20 working days after Friday 20 March 2026 is Tuesday 21 April 2026.

    Counted by hand: 23-27 Mar (5), 30 Mar-2 Apr (9); 3 Apr Good Friday and 6 Apr
    Easter Monday skipped; 7-10 Apr (13), 13-17 Apr (18), 20-21 Apr (20).
    """
    bank = holidays.country_holidays("GB", subdiv="ENG", years=2026)
    assert {D(2026, 4, 3), D(2026, 4, 6)} <= set(bank)
    assert working_days_after(D(2026, 3, 20), 20) == D(2026, 4, 21)


def test_a_request_received_at_the_weekend_counts_from_monday() -> None:
    """The day of receipt is never counted: received Saturday, day 1 is the Monday."""
    assert working_days_after(D(2026, 3, 7), 1) == D(2026, 3, 9)
    assert working_days_after(D(2026, 3, 7), 0) == D(2026, 3, 7)


def test_scottish_bank_holidays_are_working_days_in_england() -> None:
    """2 January is a bank holiday in Scotland only, so it counts in England and Wales."""
    assert is_working_day(D(2026, 1, 2))
    assert not is_working_day(D(2026, 1, 1))


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)), st.integers(1, 60))
def test_working_days_after_counts_exactly_n_working_days(start: dt.date, n: int) -> None:
    """Between start (excluded) and the result (included) lie exactly n working days."""
    end = working_days_after(start, n)
    days = [start + dt.timedelta(i) for i in range(1, (end - start).days + 1)]
    assert sum(is_working_day(d) for d in days) == n
    assert is_working_day(end)


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (
            "Restriction",
            {"kind": "premises_ban", "premises": "Council Offices", "until": "9999-12-31"},
        ),
        (
            "Schedule",
            {
                "id": "C-0000000Z",
                "kind": "case",
                "status": "incident_only",
                "on_register": False,
                "items": [{"what": "approval", "due": "1066-10-14"}],
            },
        ),
    ],
)
def test_every_date_a_record_holds_is_from_1900_to_2199(
    model: str, data: dict[str, object]
) -> None:
    """A date outside the register's years is refused wherever it sits, nested or not, and
    the refusal names the field."""
    from pydantic import ValidationError

    from ucbr.domain import model as models
    from ucbr.domain import sections

    found = getattr(models, model, None) or getattr(sections, model)
    with pytest.raises(ValidationError, match=r"(until|due) must be a date from 1900 to 2199"):
        found.model_validate(data)
