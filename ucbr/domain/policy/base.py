"""What every rule of the policy shares: the context it runs in, and how it refuses.

Each transition takes a record and a ``Ctx`` and returns the new record, or raises
``Refused`` with one line naming what is wrong. Nothing here reads a clock, a file or
git: ``ctx.today`` is the policy clock, ``ctx.new_id`` makes ids and ``ctx.staff`` is the
staff directory in force. Refusal messages hold ids, steps, kinds and dates only, never
personal data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ucbr.domain.expiry import decision_ends_on, ended_on_its_date
from ucbr.domain.model import LADDER, Case, Step
from ucbr.domain.permissions import Action, may, refusal
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory, StaffMember
from ucbr.errors import Refused

M = TypeVar("M", bound=BaseModel)
# An id is safe to echo in a refusal; anything else typed in its place may not be.
ID_SHAPE = re.compile(r"[A-Z]-[0-9A-HJKMNP-TV-Z]{8}")


@dataclass(frozen=True)
class Ctx:
    """Who acts, on which day, under which policy, among which staff."""

    today: dt.date
    cfg: PolicyConfig
    policy_hash: str
    actor: StaffMember
    new_id: Callable[[str], str]
    staff: StaffDirectory = field(default_factory=StaffDirectory)


def refuse(reason: str) -> Refused:
    """The refusal a rule raises: ``refused: <reason>``."""
    return Refused(f"refused: {reason}")


def refuse_if_ended(case: Case, day: dt.date, doing: str) -> None:
    """Refuse to ``doing`` a decision whose every restriction has passed its end date: it
    ended then, without anyone recording it (``ucbr.domain.expiry``)."""
    ended = ended_on_its_date(case, day)
    ends = decision_ends_on(ended) if ended is not None else None
    if ended is not None and ends is not None:
        last = ends - dt.timedelta(days=1)
        raise refuse(
            f"decision {ended.id} ended on its end date ({last}): there is nothing in force "
            f"to {doing}"
        )


def explain(err: ValidationError) -> str:
    """A model's validation error as one refusal line: the field path and the rule, never
    the value typed, which may be personal."""
    first = err.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "value"
    return f"refused: invalid {where}: {first['msg']}"


def make(cls: type[M], **fields: Any) -> M:
    """Build a model, refusing (not crashing) when a field is invalid."""
    try:
        return cls(**fields)
    except ValidationError as err:
        raise Refused(explain(err)) from None


def valid(obj: M) -> M:
    """Re-validate a copied model, so an invalid state can never come out of the policy."""
    try:
        return type(obj).model_validate(obj.model_dump())
    except ValidationError as err:
        raise Refused(explain(err)) from None


def blank(text: str | None) -> bool:
    """No text, or only white space."""
    return text is None or not text.strip()


def require(ctx: Ctx, action: Action) -> None:
    """Refuse an actor whose role may not take ``action`` (``ucbr.domain.permissions``)."""
    if not may(ctx.actor.role, action):
        raise refuse(refusal(ctx.actor.role, action))


def rejection(item: M, reason: str, ctx: Ctx) -> M:
    """``item`` (a proposal, or a continuation at review) rejected by the actor, with the
    reason they must give."""
    require(ctx, "reject")
    if blank(reason):
        raise refuse("a rejection needs a reason")
    fields = {"rejected_by": ctx.actor.id, "rejected_on": ctx.today, "reject_reason": reason}
    return item.model_copy(update={"status": "rejected", **fields})


def step_label(step: Step) -> str:
    """``step 2 (informal_written_warning)``; refusal of contact has no number in the policy."""
    index = LADDER.index(step)
    return f"step {index + 1} ({step})" if index < 3 else f"refusal of contact ({step})"


def replace_item(items: tuple[M, ...], old: M, new: M) -> tuple[M, ...]:
    """``items`` with ``old`` (the very object) replaced by ``new``."""
    return tuple(new if item is old else item for item in items)
