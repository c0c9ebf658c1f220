"""Freedom of Information section 14 decisions on a case, and their refusal notices.

The council's policy lets it apply FOI Act s14 (vexatious or repeated requests) where
the ICO's thresholds are met. A request is vexatious when it is likely to cause a
disproportionate or unjustified level of disruption, irritation or distress, weighing
its value and purpose against its impact, in context and history (*Dransfield*). The
refusal notice is due within 20 working days; s17(6), no further notices, is open only
after an earlier s14 refusal and a warning. Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from ucbr.domain.dates import working_days_after
from ucbr.domain.model import Case, Decision, FoiDecisionKind, FoiRecord
from ucbr.domain.staff import StaffMember
from ucbr.errors import Refused

# FOI Act s10(1): "not later than the twentieth working day following the date of receipt".
FOI_WORKING_DAYS = 20
S14_DECISIONS: frozenset[str] = frozenset({"s14-1", "s14-2"})
WARNING_STEPS: frozenset[str] = frozenset(
    {"verbal_warning", "informal_written_warning", "formal_written_warning"}
)
# A warning counts once given: not while proposed, and not if rejected or set aside on appeal.
WARNING_NOT_GIVEN: frozenset[str] = frozenset({"proposed", "rejected", "overturned"})
MAX_REF = 200
MAX_REASONS = 4000


class FoiCtx(Protocol):
    """What recording an FOI decision needs from the caller: the day, who, and ids."""

    @property
    def today(self) -> dt.date:
        """The policy's day."""

    @property
    def actor(self) -> StaffMember:
        """The member of staff recording the decision."""

    @property
    def policy_hash(self) -> str:
        """The hash of the policy settings in force."""

    def new_id(self, prefix: str) -> str:
        """A new id with this prefix, unused in the case."""


def _is_warning(decision: Decision) -> bool:
    return decision.step in WARNING_STEPS and decision.status not in WARNING_NOT_GIVEN


def _earlier_s14(case: Case, request_ref: str, received: dt.date) -> bool:
    return any(
        r.decision in S14_DECISIONS and r.request_ref != request_ref and r.received <= received
        for r in case.foi
    )


def _check_s17_6(case: Case, request_ref: str, received: dt.date) -> None:
    """s17(6) only after an earlier s14 notice and a warning; the refusal names what's missing."""
    missing: list[str] = []
    if not _earlier_s14(case, request_ref, received):
        missing.append("an earlier s14(1) or s14(2) decision on another request")
    if not any(_is_warning(d) for d in case.decisions):
        missing.append("a warning given (verbal, informal or formal written)")
    if missing:
        raise Refused(
            f"s17(6) (no further refusal notices) on case {case.id} needs " + " and ".join(missing)
        )


def _check_request(request_ref: str, received: dt.date, reasons: str, today: dt.date) -> None:
    if not request_ref.strip() or len(request_ref.strip()) > MAX_REF:
        raise Refused(f"the FOI request reference must be 1 to {MAX_REF} characters")
    if received > today:
        raise Refused(f"the FOI request cannot be received after today ({today.isoformat()})")
    if not reasons.strip():
        raise Refused(
            "reasons are required: weigh the request's value and purpose against its "
            "burden and distress, in context and history"
        )
    if len(reasons.strip()) > MAX_REASONS:
        raise Refused(f"the reasons must be at most {MAX_REASONS} characters")


def record_foi(
    case: Case,
    request_ref: str,
    received: dt.date,
    decision: FoiDecisionKind,
    reasons: str,
    ctx: FoiCtx,
) -> tuple[Case, FoiRecord]:
    """Record an FOI decision on a case, with its refusal-notice due date; or refuse."""
    _check_request(request_ref, received, reasons, ctx.today)
    if decision == "s17-6":
        _check_s17_6(case, request_ref.strip(), received)
    record = FoiRecord(
        id=ctx.new_id("F"),
        request_ref=request_ref,
        received=received,
        decision=decision,
        reasons=reasons,
        due=working_days_after(received, FOI_WORKING_DAYS),
        by=ctx.actor.id,
        policy=ctx.policy_hash,
    )
    return case.model_copy(update={"foi": (*case.foi, record)}), record


def _notice_issued(case: Case, record: FoiRecord) -> bool:
    return any(
        letter.kind == "foi-refusal" and letter.about == record.id for letter in case.letters
    )


def foi_refusal_due(case: Case) -> list[tuple[str, dt.date]]:
    """The s14 decisions whose refusal notice has not been issued, with the date it is due."""
    return [
        (record.id, record.due)
        for record in case.foi
        if record.decision in S14_DECISIONS and not _notice_issued(case, record)
    ]
