"""The case as it stood when a decision was made: what the invariants judge a step by.

A record holds each item as it stands now: a warning later overturned on appeal says
"overturned", a decision that ended on its date still says "approved". A step is judged
by the case as it was when it was proposed, and decisions overlap only as they stood.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from ucbr.domain.expiry import has_ended
from ucbr.domain.model import Case, Decision


def as_it_stood(case: Case, decision: Decision) -> Case:
    """The case when ``decision`` was proposed: the decisions before it, and the letters
    issued by then."""
    index = next(i for i, d in enumerate(case.decisions) if d is decision)
    letters = tuple(x for x in case.letters if x.date <= decision.proposed_on)
    earlier = tuple(standing(d, decision.proposed_on) for d in case.decisions[:index])
    return case.model_copy(update={"decisions": earlier, "letters": letters})


def standing(decision: Decision, day: dt.date) -> Decision:
    """A decision as it stood on ``day``: one overturned on appeal that day or later was
    still given then, so a step proposed while it stood was reachable."""
    ended = decision.ended_on if decision.status == "overturned" else None
    if ended is not None and ended >= day:
        return decision.model_copy(update={"status": "approved", "ended_on": None})
    return decision


def in_force_together(case: Case) -> int:
    """How many approved decisions overlap: each is in force until the next is approved,
    unless every restriction of it had reached its end date by then (it ended unrecorded)."""
    approved = [d for d in case.decisions if d.status == "approved"]
    ended = sum(
        1
        for earlier, later in pairwise(approved)
        if later.approved_on is not None and has_ended(earlier, later.approved_on)
    )
    return len(approved) - ended
