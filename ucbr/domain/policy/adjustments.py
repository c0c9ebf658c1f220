"""Reasonable adjustments: "Any restrictions imposed will take into account your individual
circumstances and ensure that you are not prevented from accessing essential services."

An adjustment binds: a restriction that would stop the person reaching us the way the
adjustment needs is refused unless the deciding officer records why it stands anyway (a
justification, kept on the decision or on a later review); an adjustment recorded while
a restriction is in force is checked against it at once, by ``check`` and at review.
Letters are produced in the form the person needs where ucbr can (``letters.form``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ucbr.domain.model import (
    Adjustment,
    AdjustmentKind,
    Case,
    Decision,
    Justification,
    Restriction,
)
from ucbr.domain.policy.base import Ctx, blank, make, refuse, require, valid
from ucbr.domain.words import ADJUSTMENT_NAMES


def _written_only(restriction: Restriction) -> bool:
    single = restriction.kind == "single_channel" and restriction.channel in ("email", "letter")
    return single or restriction.kind == "designated_email"


def _by_email(restriction: Restriction) -> bool:
    single = restriction.kind == "single_channel" and restriction.channel == "email"
    return single or restriction.kind == "designated_email"


def _no_telephone(restriction: Restriction) -> bool:
    return restriction.kind == "single_channel" and restriction.channel != "telephone"


# For each adjustment: which restrictions stop the person reaching us the way they need,
# and why, in words a refusal and `check` can print.
CONFLICTS: dict[str, tuple[tuple[Callable[[Restriction], bool], str], ...]] = {
    "no_email": ((_by_email, "contact only by e-mail, which they cannot use"),),
    "no_written": ((_written_only, "written contact only, which they cannot read or write"),),
    "needs_telephone": (
        (_no_telephone, "no contact by telephone, which they need"),
        (lambda r: r.kind == "contact_times", "set contact times limit the telephone they need"),
    ),
    "needs_face_to_face": (
        (lambda r: r.kind == "single_channel", "one channel only, but they need to meet us"),
        (lambda r: r.kind == "premises_ban", "a premises ban, but they need to meet us"),
    ),
    "needs_interpreter": (
        (_written_only, "written contact only, but they need an interpreter to be understood"),
    ),
    "needs_easy_read": (
        (_written_only, "written contact only, but they need easy-read documents"),
    ),
    # Large print binds the letters (``letters.form``), not how they may contact us.
    "needs_large_print": (),
    "needs_advocate": (
        (
            lambda r: r.kind == "no_further_responses",
            "no further responses, but an advocate acting for them must still be answered",
        ),
        (lambda r: r.kind == "contact_times", "set contact times, which their advocate may miss"),
    ),
}


@dataclass(frozen=True)
class Conflict:
    """A restriction that stops the person reaching us the way an adjustment needs."""

    restriction: Restriction
    adjustment: Adjustment
    why: str

    def line(self) -> str:
        """The conflict in one line: kinds and the policy's words, never personal data."""
        what = str(self.restriction.kind)
        if self.restriction.channel:
            what = f"{what} ({self.restriction.channel})"
        kind = self.adjustment.kind
        return f"{what} conflicts with the adjustment {kind} ({ADJUSTMENT_NAMES[kind]}): {self.why}"


def conflicts(
    restrictions: Iterable[Restriction], adjustments: Iterable[Adjustment]
) -> list[Conflict]:
    """Every restriction that stops the person reaching us the way an adjustment needs."""
    found = []
    for adjustment in adjustments:
        for restriction in restrictions:
            why = next((w for test, w in CONFLICTS[adjustment.kind] if test(restriction)), None)
            if why is not None:
                found.append(Conflict(restriction, adjustment, why))
    return found


def contradicts(restriction: Restriction, adjustment: str) -> bool:
    """Whether a restriction would stop the person reaching us the way an adjustment needs."""
    return any(test(restriction) for test, _ in CONFLICTS.get(adjustment, ()))


def justified_on(case: Case, decision: Decision) -> dict[str, dt.date]:
    """Each adjustment a justification covers for ``decision``, and the day it was recorded:
    at the decision's proposal, or at a later review of it."""
    covered: dict[str, dt.date] = {
        j.adjustment: decision.proposed_on for j in decision.justifications
    }
    for review in case.reviews:
        if review.decision == decision.id:
            covered.update({j.adjustment: review.date for j in review.justifications})
    return covered


def unjustified(case: Case, decision: Decision) -> list[Conflict]:
    """The conflicts of a decision's restrictions with the adjustments recorded, that no
    justification made on or after the adjustment's recording covers."""
    covered = justified_on(case, decision)
    return [
        c
        for c in conflicts(decision.restrictions, case.adjustments)
        if c.adjustment.kind not in covered or covered[c.adjustment.kind] < c.adjustment.recorded_on
    ]


def justify(
    found: list[Conflict], justification: str | None, covered: Iterable[str] = ()
) -> tuple[Justification, ...]:
    """The justifications a decision records for its conflicts; refused, naming every
    conflict at once, when one is left without a reason."""
    left = [c for c in found if c.adjustment.kind not in set(covered)]
    if left and blank(justification):
        lines = "; ".join(c.line() for c in left)
        raise refuse(f"{lines}. Change the restriction, or record why it stands anyway (--justify)")
    if not left and not blank(justification):
        raise refuse("--justify is for a restriction that conflicts with an adjustment; none does")
    kinds = dict.fromkeys(c.adjustment.kind for c in left)
    return tuple(make(Justification, adjustment=k, reason=justification) for k in kinds)


def check_adjustments(case: Case, restrictions: Iterable[Restriction]) -> None:
    """A restriction may not conflict with a recorded reasonable adjustment unjustified."""
    justify(conflicts(tuple(restrictions), case.adjustments), None)


def add_adjustment(case: Case, kind: AdjustmentKind, note: str | None, ctx: Ctx) -> Case:
    """Record a reasonable adjustment. It is recorded whatever is in force: a conflict with a
    restriction in force is then for `check` and the next review to resolve."""
    require(ctx, "adjustment")
    if any(a.kind == kind for a in case.adjustments):
        raise refuse(f"the adjustment {kind} is already recorded")
    adjustment = make(
        Adjustment, kind=kind, note=note, recorded_by=ctx.actor.id, recorded_on=ctx.today
    )
    return valid(case.model_copy(update={"adjustments": (*case.adjustments, adjustment)}))
