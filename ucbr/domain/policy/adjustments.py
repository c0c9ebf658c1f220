"""Reasonable adjustments: "Any restrictions imposed will take into account your individual
circumstances and ensure that you are not prevented from accessing essential services."
"""

from __future__ import annotations

from collections.abc import Iterable

from ucbr.domain.model import Adjustment, AdjustmentKind, Case, Restriction
from ucbr.domain.policy.base import Ctx, make, refuse, require, valid
from ucbr.domain.words import ADJUSTMENT_NAMES


def contradicts(restriction: Restriction, adjustment: str) -> bool:
    """Whether a restriction would stop the person reaching us the way an adjustment needs."""
    kind, channel = restriction.kind, restriction.channel
    written_only = kind == "single_channel" and channel in ("email", "letter")
    if adjustment == "no_email":
        return kind == "single_channel" and channel == "email"
    if adjustment == "no_written":
        return written_only or kind == "designated_email"
    if adjustment == "needs_telephone":
        return written_only
    if adjustment == "needs_face_to_face":
        return kind == "single_channel"
    return False


def check_adjustments(case: Case, restrictions: Iterable[Restriction]) -> None:
    """A restriction may not contradict a recorded reasonable adjustment."""
    for restriction in restrictions:
        for adjustment in case.adjustments:
            if contradicts(restriction, adjustment.kind):
                what = str(restriction.kind)
                if restriction.channel:
                    what = f"{what} ({restriction.channel})"
                raise refuse(
                    f"the {what} restriction contradicts the recorded adjustment "
                    f"{adjustment.kind} ({ADJUSTMENT_NAMES[adjustment.kind]})"
                )


def add_adjustment(case: Case, kind: AdjustmentKind, note: str | None, ctx: Ctx) -> Case:
    """Record a reasonable adjustment; restrictions are checked against it when proposed."""
    require(ctx, "adjustment")
    if any(a.kind == kind for a in case.adjustments):
        raise refuse(f"the adjustment {kind} is already recorded")
    adjustment = make(
        Adjustment, kind=kind, note=note, recorded_by=ctx.actor.id, recorded_on=ctx.today
    )
    return valid(case.model_copy(update={"adjustments": (*case.adjustments, adjustment)}))
