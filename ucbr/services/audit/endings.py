"""What ended on its end date, in a file's history: derived, for nobody recorded it.

A restriction given ``--until`` ends after that day without a commit (``ucbr.domain.
expiry``); ``ucbr history`` still shows when it ended and why, as an event of its own,
derived from the latest record (or, for a key that reads only entries, the entry).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ucbr.domain.expiry import endings
from ucbr.domain.model import Case
from ucbr.domain.sections import CaseEntry
from ucbr.domain.words import long_date

ENDED = "ended on its end date"


def _from_entry(entry: CaseEntry, day: dt.date) -> list[tuple[dt.date, str, str | None]]:
    """What the entry alone shows ended (a key that reads only entries)."""
    ends = [r.detail.until for r in entry.restrictions]
    if ends and None not in ends and max(u for u in ends if u is not None) < day:
        return [(max(u for u in ends if u is not None), "in force", None)]
    return sorted(
        ((u, "in force", r.kind) for r, u in zip(entry.restrictions, ends, strict=True)
         if u is not None and u < day),
        key=lambda item: item[0],
    )  # fmt: skip


def _words(last: dt.date, decision: str, kind: str | None) -> str:
    when = long_date(last)
    if kind is None:
        return (
            f"decision {decision}: every restriction reached its end date (its last day "
            f"{when}); the person is no longer on the register"
        )
    return f"decision {decision}: the {kind} restriction reached its end date ({when})"


def derived_endings(plain: dict[str, Any], day: dt.date) -> list[tuple[dt.date, str]]:
    """(the last day it applied, what ended) for each ending the latest sections show."""
    found: list[tuple[dt.date, str, str | None]] = []
    try:
        if "record" in plain and str(plain["record"].get("id", "")).startswith("C-"):
            found = endings(Case.model_validate(plain["record"]), day)
        elif "entry" in plain and str(plain["entry"].get("id", "")).startswith("C-"):
            found = _from_entry(CaseEntry.model_validate(plain["entry"]), day)
    except ValueError:
        return []  # not a valid record: the audit reports it
    return [(last, _words(last, decision, kind)) for last, decision, kind in found]
