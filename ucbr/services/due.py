"""``review-due``: what needs doing by when, from the schedule sections alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from pydantic import BaseModel

from ucbr.domain.expiry import schedule_on
from ucbr.domain.problems import Problem
from ucbr.domain.sections import Schedule
from ucbr.errors import DUE, OK, OVERDUE
from ucbr.storage.scan import scan
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring

WHAT = {
    "restriction_review": "restriction review",
    "restriction_end": "restrictions end on their end date",
    "property_review": "property review",
    "appeal_decision": "appeal awaiting a decision",
    "approval": "approval pending",
    "letter": "letter to send",
    "foi_refusal_notice": "FOI refusal notice",
}


@dataclass(frozen=True)
class DueItem:
    """One thing due on one file: what, by when, and how many days are left."""

    id: str
    what: str
    due: dt.date
    days: int  # days left; negative when overdue
    detail: str | None

    @property
    def overdue(self) -> bool:
        """Whether the date has passed."""
        return self.days < 0

    @property
    def when(self) -> str:
        """``3 days left``, ``due today`` or ``2 days overdue``."""
        if self.days == 0:
            return "due today"
        if self.days > 0:
            return f"{self.days} day{'s' * (self.days != 1)} left"
        return f"{-self.days} day{'s' * (self.days != -1)} overdue"

    def as_dict(self) -> dict[str, object]:
        """The item as JSON data."""
        return {
            "id": self.id,
            "what": self.what,
            "due": self.due.isoformat(),
            "days_left": self.days,
            "overdue": self.overdue,
            "detail": self.detail,
        }


def _due_by(horizon: dt.date, as_of: dt.date, file_id: str, section: BaseModel) -> list[DueItem]:
    assert isinstance(section, Schedule)
    section = schedule_on(section, as_of)  # ended restrictions are not reviewed
    return [
        DueItem(
            file_id, WHAT.get(item.what, item.what), item.due, (item.due - as_of).days, item.detail
        )
        for item in section.items
        if item.due <= horizon
    ]


def due_items(
    reg: Register, ring: Keyring, as_of: dt.date, within: int
) -> tuple[list[DueItem], list[Problem]]:
    """What falls due by ``within`` days after ``as_of``, and a problem per unsound file."""
    horizon = as_of + dt.timedelta(days=within)
    result = scan(reg, ring, "schedule", partial(_due_by, horizon, as_of))
    found = [item for items in result.found for item in items]
    return sorted(found, key=lambda i: (i.due, i.id, i.what)), result.problems


def exit_code_for(items: Sequence[DueItem]) -> int:
    """0 when nothing is due (cron sends no mail), 3 when due in the window, 4 when overdue."""
    if any(i.overdue for i in items):
        return OVERDUE
    return DUE if items else OK
