"""Where an item came from when it was not made by a ucbr command on the day: ``ucbr
import`` brings in the council's earlier records, and marks every item it makes with what
they said; a step recorded days after it was done (``--on``) says why.

An import cannot claim that anyone signed what they never signed here: the officers those
records name are kept as names (``Earlier``), the actor fields name ``EARLIER_RECORDS``,
and every decision in the case is attested by the administrator who imported it
(``CaseImport.by``), whose own signed commit brought it in.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from ucbr.domain.values import ItemId, Sha256, ShortText, StaffId, Strict, Text

# The officer an imported item names as having done it: the council's earlier records, not
# a member of staff (no one signed it here). ``staff add`` refuses this id.
EARLIER_RECORDS = "earlier-records"


class Earlier(Strict):
    """An item ``ucbr import`` brought in: its row, and who the earlier records say acted."""

    row: int | None = Field(default=None, ge=1)  # None: not from a sheet (another system)
    officer: ShortText | None = None  # who reported, gave, recorded, reviewed or sent it
    approver: ShortText | None = None  # who approved the decision, or decided the appeal


class CaseImport(Strict):
    """Who imported a case (attesting every decision in it), on which day, from which file."""

    by: StaffId
    on: dt.date
    source_sha256: Sha256
    reference: ShortText | None = None  # the person's reference in that file


class RecordedLate(Strict):
    """A step recorded more than a few days after it was done (``--on``): when it was done,
    when it was recorded, and why so late. The audit lists every one."""

    item: ItemId  # the decision, review, appeal or letter the step made or changed
    done_on: dt.date
    recorded_on: dt.date
    reason: Text
    by: StaffId
