"""Calendar arithmetic the policy and the law depend on.

Review dates are counted in months; the FOI refusal notice is due within 20 working
days; a deadline that falls on a weekend or a bank holiday moves to the next working
day. Bank holidays come from the maintained ``holidays`` library, never a hand-written
list, so next year's dates are right without a code change.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when first needed: it is slow to load, and most commands never do
    import holidays


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@cache
def _bank_holidays() -> holidays.HolidayBase:
    # England & Wales: the FOI Act counts working days in the jurisdiction of the council.
    import holidays

    return holidays.country_holidays("GB", subdiv="ENG")


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, and not a bank holiday in England and Wales."""
    return day.weekday() < 5 and day not in _bank_holidays()


def working_day_from(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the next one: a deadline that falls on a
    Saturday, a Sunday or a bank holiday moves to the next working day."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_day_by(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the one before: a limit that falls on a
    day off moves earlier, so it is never exceeded."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def working_days_after(start: dt.date, count: int) -> dt.date:
    """The nth working day after ``start``; ``start`` itself is never counted.

    The FOI Act's "twentieth working day following the date of receipt" is
    ``working_days_after(received, 20)``.
    """
    if count < 0:
        raise ValueError("the number of working days cannot be negative")
    day = start
    counted = 0
    while counted < count:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day
