"""``review-due``: what needs doing by when, from the schedule sections alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ucbr.errors import DUE, OK, OVERDUE
from ucbr.scan import scan
from ucbr.store import Register
from ucbr.vault import Keyring

WHAT = {
    "restriction_review": "restriction review",
    "property_review": "property review",
    "appeal_decision": "appeal awaiting a decision",
    "approval": "approval pending",
    "letter": "letter to send",
    "foi_refusal_notice": "FOI refusal notice",
}


@dataclass(frozen=True)
class DueItem:
    id: str
    what: str
    due: dt.date
    days: int  # days left; negative when overdue
    detail: str | None

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def when(self) -> str:
        if self.days == 0:
            return "due today"
        if self.days > 0:
            return f"{self.days} day{'s' * (self.days != 1)} left"
        return f"{-self.days} day{'s' * (self.days != -1)} overdue"

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "what": self.what,
            "due": self.due.isoformat(),
            "days_left": self.days,
            "overdue": self.overdue,
            "detail": self.detail,
        }


def due_items(
    reg: Register, ring: Keyring, as_of: dt.date, within: int, faults: list[str] | None = None
) -> list[DueItem]:
    """What falls due by ``within`` days after ``as_of``; unsound files go to ``faults``."""
    horizon = as_of + dt.timedelta(days=within)
    found = [
        DueItem(
            s.id, WHAT.get(item.what, item.what), item.due, (item.due - as_of).days, item.detail
        )
        for s in scan(reg, ring, faults)
        for item in s.schedule.items
        if item.due <= horizon
    ]
    return sorted(found, key=lambda i: (i.due, i.id, i.what))


def exit_code_for(items: Sequence[DueItem]) -> int:
    """0 when nothing is due (cron sends no mail), 3 when due in the window, 4 when overdue."""
    if any(i.overdue for i in items):
        return OVERDUE
    return DUE if items else OK
