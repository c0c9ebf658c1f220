"""Appeals: "You have the right to appeal the decision to be added to the UCBR … within one
month of the decision made and it will be considered by an Officer who was not involved in
the original decision to restrict access. The UCBR entry and restrictions remain in place
until the outcome of the appeal is decided."
"""

from __future__ import annotations

import datetime as dt

from ucbr.domain.dates import add_months, working_day_from
from ucbr.domain.expiry import in_force
from ucbr.domain.model import RESTRICTING_STEPS, Appeal, AppealOutcome, Case, Decision
from ucbr.domain.permissions import may
from ucbr.domain.policy.base import (
    Ctx,
    blank,
    make,
    refuse,
    refuse_if_ended,
    replace_item,
    require,
    valid,
)
from ucbr.domain.policy.terms import EscalationRequest
from ucbr.domain.policy.variations import propose_variation
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.views import decided_on, decided_on_appeal, decision_in_force, pending_appeal

# Letters that tell the person of a decision to restrict for the first time, so open its
# appeal window. A warning restricts nothing, so there is no appeal against it: its letters
# give the complaints route instead.
TELLING_KINDS: frozenset[str] = frozenset({"formal-warning", "contact-refused"})


def appealable(decision: Decision) -> bool:
    """Whether the policy's appeal lies against a decision: "the decision to be added to
    the UCBR", a decision that restricts contact; a warning is not one."""
    return decision.step in RESTRICTING_STEPS


def first_told(case: Case, decision: Decision) -> dt.date | None:
    """The day the first letter telling the person of ``decision`` was issued, if any."""
    dates = [
        letter.date
        for letter in case.letters
        if letter.about == decision.id and letter.kind in TELLING_KINDS
    ]
    return min(dates, default=None)


def appeal_deadline(
    case: Case, decision: Decision, cfg: PolicyConfig, today: dt.date, *, tells_decision: bool
) -> tuple[dt.date, dt.date | None]:
    """The policy's deadline to appeal ``decision``, and the later one a late first letter gives.

    The window runs from the decision. Nobody can appeal a decision before being told of
    it, so when the first letter telling of it (an issued one, else the letter being
    written today, if ``tells_decision``) went out after the deadline, the window runs from
    that letter. A deadline on a Saturday, a Sunday or a bank holiday moves to the next
    working day. The one rule: every letter states it, and ``lodge_appeal`` applies it.
    """
    window = cfg.appeal_window_months
    deadline = working_day_from(add_months(decided_on(decision), window))
    told = first_told(case, decision) or (today if tells_decision else None)
    extended = (
        working_day_from(add_months(told, window)) if told is not None and told > deadline else None
    )
    return deadline, extended


def lodge_appeal(
    case: Case, received: dt.date, late_reason: str | None, ctx: Ctx
) -> tuple[Case, Appeal]:
    """Record an appeal against the decision in force; the entry stays while it is pending."""
    require(ctx, "appeal-lodge")
    refuse_if_ended(case, ctx.today, "appeal against")
    current = decision_in_force(case)
    if current is None:
        raise refuse(f"case {case.id} has no restriction in force to appeal against")
    pending = pending_appeal(case)
    if pending is not None:
        raise refuse(f"appeal {pending.id} is still awaiting a decision")
    decided = decided_on_appeal(case, current)
    if decided is not None:
        raise refuse(
            f"decision {current.id} was made on appeal {decided.id}: that was the end of the "
            "council's appeal process (the LGSCO route remains)"
        )
    made_on = decided_on(current)
    if received > ctx.today:
        raise refuse(f"the appeal's received date {received} is in the future")
    if received < made_on:
        raise refuse(f"the appeal's received date {received} is before the decision ({made_on})")
    deadline, extended = appeal_deadline(case, current, ctx.cfg, ctx.today, tells_decision=False)
    closes = extended or deadline
    if received > closes and blank(late_reason):
        raise refuse(
            f"the appeal arrived after the deadline ({closes}); record why it is accepted late"
        )
    appeal = make(
        Appeal,
        id=ctx.new_id("A"),
        decision=current.id,
        received=received,
        late_reason=late_reason,
        lodged_by=ctx.actor.id,
        policy=ctx.policy_hash,
    )
    return valid(case.model_copy(update={"appeals": (*case.appeals, appeal)})), appeal


def original_decisions(case: Case, decision_id: str) -> list[Decision]:
    """The appealed decision and every decision it varies: the original decision to restrict."""
    by_id = {d.id: d for d in case.decisions}
    chain: list[Decision] = []
    next_id: str | None = decision_id
    while next_id is not None and next_id in by_id and len(chain) < len(by_id):
        chain.append(by_id[next_id])
        next_id = by_id[next_id].variation_of
    return chain


def _involvement(
    case: Case, appeal: Appeal, staff_id: str, involved: frozenset[str], needs: str
) -> str | None:
    """Why ``staff_id`` had a part in the decision appealed, if they had."""
    by_id = {i.id: i for i in case.incidents}
    for decision in original_decisions(case, appeal.decision):
        if decision.proposed_by == staff_id:
            return f"you proposed decision {decision.id}; {needs}"
        if decision.approved_by == staff_id:
            return f"you approved decision {decision.id}; {needs}"
        for incident_id in decision.incidents:
            if incident_id in by_id and by_id[incident_id].reported_by == staff_id:
                return (
                    f"you reported incident {incident_id}, relied on by decision {decision.id}; "
                    f"{needs}"
                )
    if staff_id in involved:
        return f"git history shows you worked on decision {appeal.decision} or its case; {needs}"
    return None


def who_may_decide(case: Case, appeal: Appeal, ctx: Ctx, involved: frozenset[str]) -> str:
    """Who may decide an appeal, in words a refusal can end with: the uninvolved managers and
    heads of service by staff id, or that there are none and whom to add."""
    eligible = [
        m.id
        for m in ctx.staff.staff
        if may(m.role, "appeal-decide") and _involvement(case, appeal, m.id, involved, "") is None
    ]
    if eligible:
        return f"it may be decided by one of: {', '.join(eligible)}"
    return (
        "no one in the staff directory may decide it: every manager and head of service had a "
        "part in the decision; add a head of service or a manager of another service "
        "(`ucbr staff add`) to hear it"
    )


def check_not_involved(
    case: Case, appeal: Appeal, ctx: Ctx, involved: frozenset[str], doing: str = ""
) -> None:
    """The officer deciding an appeal proposed, approved and reported none of it; a refusal
    names who may decide it instead."""
    needs = f"the appeal{' (' + doing + ')' if doing else ''} needs an officer not involved"
    found = _involvement(case, appeal, ctx.actor.id, involved, needs)
    if found is not None:
        raise refuse(f"{found}; {who_may_decide(case, appeal, ctx, involved)}")


def decide_appeal(
    case: Case,
    outcome: AppealOutcome,
    reasons: str,
    ctx: Ctx,
    involved: frozenset[str] = frozenset(),
    variation: EscalationRequest | None = None,
) -> tuple[Case, Appeal]:
    """Decide the pending appeal: upheld, overturned (restrictions end) or varied (approval)."""
    require(ctx, "appeal-decide")
    appeal = pending_appeal(case)
    if appeal is None:
        raise refuse(f"case {case.id} has no appeal awaiting a decision")
    check_not_involved(case, appeal, ctx, involved)
    if blank(reasons):
        raise refuse("an appeal decision needs its reasons")
    current = in_force(case, ctx.today)  # one that has ended on its date is not overturned
    still_in_force = current is not None and current.id == appeal.decision
    if outcome == "overturned" and current is not None and still_in_force:
        ended = current.model_copy(update={"status": "overturned", "ended_on": ctx.today})
        case = case.model_copy(update={"decisions": replace_item(case.decisions, current, ended)})
    if outcome == "varied":
        if current is None or not still_in_force:
            raise refuse(
                f"decision {appeal.decision} is no longer in force, so it cannot be varied"
            )
        if variation is None:
            raise refuse("a varied decision needs its new terms")
        case, _ = propose_variation(case, current, variation, ctx, appeal.id)
    decided = appeal.model_copy(
        update={
            "outcome": outcome,
            "reasons": reasons,
            "decided_by": ctx.actor.id,
            "decided_on": ctx.today,
        }
    )
    pending = next(a for a in case.appeals if a.id == appeal.id)
    appeals = replace_item(case.appeals, pending, decided)
    return valid(case.model_copy(update={"appeals": appeals})), valid(decided)
