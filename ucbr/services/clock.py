"""The policy clock: the one place ucbr reads the date.

``UCBR_TODAY`` (YYYY-MM-DD) sets it for tests and demonstrations; otherwise it is the
machine's date. Every command gets its day from here and hands it down as a value.
"""

from __future__ import annotations

import datetime as dt
import os

from ucbr.domain.values import typed_date
from ucbr.errors import UsageError

CLOCK_VARIABLE = "UCBR_TODAY"


def today() -> dt.date:
    """The policy clock: ``UCBR_TODAY`` when set (tests and demos), else the real date."""
    raw = os.environ.get(CLOCK_VARIABLE)
    if not raw:
        return dt.date.today()
    try:
        return typed_date(raw, CLOCK_VARIABLE)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def real_today() -> dt.date:
    """The machine's own date, whatever ``UCBR_TODAY`` says."""
    return dt.date.today()


def now() -> dt.datetime:
    """The machine's time now, in UTC: when a push is received, say."""
    return dt.datetime.now(dt.UTC)
