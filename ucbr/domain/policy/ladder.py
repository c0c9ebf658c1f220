"""The warning ladder: step 1 a verbal warning, step 2 an informal written warning, step 3 a
formal written warning with restrictions, then refusal of further contact.

"Following a verbal warning, if the behaviour continues to be unacceptable, an informal
written warning letter will be sent"; "in the case of violence or serious threats, the
warning stages (1 and 2) will be bypassed"; "If the behaviour continues after warnings
letters are issued, we may refuse further contact".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from ucbr.domain.expiry import as_on, in_force
from ucbr.domain.model import (
    LADDER,
    RESTRICTING_STEPS,
    SERIOUS_BEHAVIOURS,
    Case,
    Decision,
    Incident,
    Step,
)
from ucbr.domain.policy.base import ID_SHAPE, Ctx, blank, make, refuse, require, step_label, valid
from ucbr.domain.policy.terms import EscalationRequest, decision_fields
from ucbr.domain.views import given, pending_proposal


def relied_on(case: Case, ids: Iterable[str]) -> tuple[Incident, ...]:
    """The recorded incidents a decision relies on; refused when one is not in the case."""
    by_id = {i.id: i for i in case.incidents}
    wanted = tuple(dict.fromkeys(ids))
    if not wanted:
        raise refuse("a decision must rely on at least one recorded incident")
    for incident_id in wanted:
        if incident_id not in by_id:
            named = incident_id if ID_SHAPE.fullmatch(incident_id) else "given"
            raise refuse(f"incident {named} is not in case {case.id}")
    return tuple(by_id[i] for i in wanted)


def highest_given(case: Case) -> int:
    """The index on the ladder of the highest step given; -1 when none."""
    return max((LADDER.index(d.step) for d in case.decisions if given(d)), default=-1)


def _next_step(case: Case) -> Step:
    highest = highest_given(case)
    if highest + 1 >= len(LADDER):
        raise refuse(
            "further contact is already refused; there is no later step (vary it at review)"
        )
    return LADDER[highest + 1]


def check_not_in_force(case: Case, step: Step, day: dt.date) -> None:
    """A restricting step in force on ``day`` is varied at review, not given again; one that
    has ended on its date may be given again."""
    current = in_force(case, day)
    if (
        step in RESTRICTING_STEPS
        and current is not None
        and LADDER.index(step) <= LADDER.index(current.step)
    ):
        raise refuse(
            f"decision {current.id} ({current.step}) is in force; vary it at review instead"
        )


def is_serious(incident: Incident) -> bool:
    """Violence or a serious threat, in the policy's own list: physically aggressive
    behaviour, or threats."""
    return bool(set(incident.behaviours) & SERIOUS_BEHAVIOURS)


SERIOUS_WORDS = " or ".join(sorted(SERIOUS_BEHAVIOURS))


def check_bypass(
    incidents: tuple[Incident, ...], bypass: str | None, reason: str | None, skipping: str
) -> str:
    """The incident the deciding officer relies on to bypass steps 1 and 2, checked."""
    if bypass is None:
        raise refuse(
            f"{skipping} has not been given; steps 1 and 2 are bypassed only in the case of "
            "violence or serious threats: name the incident you rely on (--bypass) and why "
            "(--bypass-reason)"
        )
    incident = next((i for i in incidents if i.id == bypass), None)
    if incident is None:
        named = bypass if ID_SHAPE.fullmatch(bypass) else "given"
        raise refuse(f"the incident {named} (--bypass) is not one this decision relies on")
    if not is_serious(incident):
        raise refuse(
            f"incident {incident.id} records no violence or serious threat ({SERIOUS_WORDS}); "
            "it cannot bypass steps 1 and 2"
        )
    if blank(reason):
        raise refuse(
            f"say why incident {incident.id} is violence or a serious threat (--bypass-reason)"
        )
    return incident.id


def check_ladder(
    case: Case,
    step: Step,
    incidents: tuple[Incident, ...],
    bypass: str | None = None,
    reason: str | None = None,
) -> str | None:
    """The skip rule; returns the incident the deciding officer relies on to bypass steps 1
    and 2, if a step is skipped."""
    target, highest = LADDER.index(step), highest_given(case)
    if step == "contact_refused" and highest < 2:
        raise refuse(
            f"{step_label('formal_written_warning')} has not been given; "
            "contact is refused only after a formal written warning"
        )
    if target <= highest + 1:
        if bypass is not None:
            raise refuse("no step is skipped, so there is nothing to bypass (--bypass)")
        return None
    skipping = step_label(LADDER[highest + 1])
    if target > 2:
        raise refuse(f"{skipping} has not been given; only steps 1 and 2 are ever bypassed")
    return check_bypass(incidents, bypass, reason, skipping)


def check_warning_followed(case: Case, step: Step, incidents: tuple[Incident, ...]) -> None:
    """Steps 2 and 3 follow the step below only if the behaviour continued after it.

    A step reached by bypassing the step below (violence or a serious threat) has no
    earlier warning to follow, so it is not checked here.
    """
    target = LADDER.index(step)
    if target not in (1, 2):
        return
    below = LADDER[target - 1]
    warnings = [d for d in case.decisions if d.step == below and given(d)]
    if not warnings:
        return
    warned_on = max(d.proposed_on for d in warnings)
    # An incident an earlier warning already answered is not the behaviour continuing.
    answered = {
        incident_id
        for d in case.decisions
        if given(d) and LADDER.index(d.step) < target
        for incident_id in d.incidents
    }
    if not any(i.id not in answered and i.date >= warned_on for i in incidents):
        latest = max(warnings, key=lambda d: d.proposed_on)
        raise refuse(
            f"the behaviour has not continued since {step_label(below)}, decision {latest.id}: "
            f"rely on an incident on or after {warned_on} that no warning relied on"
        )


def check_warning_letter_sent(case: Case, step: Step, bypass: str | None) -> None:
    """Step 3 follows step 2 only once its letter was sent: "an informal written warning
    letter will be sent to remind you of our expected behaviours", so a formal warning never
    tells the person of a written warning they were not sent. A bypass has no step 2."""
    if step != "formal_written_warning" or bypass is not None:
        return
    informal = [d for d in case.decisions if d.step == "informal_written_warning" and given(d)]
    if not informal:
        return
    latest = max(informal, key=lambda d: d.proposed_on)
    sent = any(
        letter.kind == "informal-warning"
        and letter.about in (None, latest.id)
        and letter.date >= latest.proposed_on
        for letter in case.letters
    )
    if not sent:
        raise refuse(
            f"the informal-warning letter for {step_label('informal_written_warning')}, decision "
            f"{latest.id}, has not been issued; step 3 follows once it has "
            f"(`ucbr letter {case.id} --kind informal-warning`)"
        )


def check_behaviour_continued(case: Case, incidents: tuple[Incident, ...]) -> None:
    """Refusal of contact only if the behaviour continued after the formal-warning letter."""
    warnings = [
        d
        for d in case.decisions
        if d.step == "formal_written_warning" and given(d) and d.approved_on
    ]
    if not warnings:
        raise refuse("contact is refused only after an approved formal written warning")
    since = max(d.approved_on for d in warnings if d.approved_on)
    if not any(i.date > since for i in incidents):
        raise refuse(
            f"contact is refused only if the behaviour continued: rely on an incident after {since}"
        )
    warned = {d.id for d in warnings}
    sent = [
        letter.date
        for letter in case.letters
        if letter.kind == "formal-warning" and letter.about in warned
    ]
    if not sent:
        raise refuse(
            f"no formal-warning letter has been issued about decision {warnings[-1].id}; "
            "contact is refused only if the behaviour continues after warning letters are issued"
        )
    letter_on = min(sent)
    if not any(i.date > since and i.date >= letter_on for i in incidents):
        raise refuse(
            "contact is refused only if the behaviour continued after the formal-warning letter: "
            f"rely on an incident on or after {letter_on}"
        )


def no_proposal_pending(case: Case) -> None:
    """One proposal at a time: a second waits until the first is decided."""
    pending = pending_proposal(case)
    if pending is not None:
        raise refuse(f"decision {pending.id} is awaiting approval; approve or reject it first")


def with_decision(case: Case, decision: Decision) -> Case:
    """The case with one more decision."""
    return valid(case.model_copy(update={"decisions": (*case.decisions, decision)}))


def restated(case: Case, req: EscalationRequest, day: dt.date) -> EscalationRequest:
    """Refusing contact keeps every restriction in force on ``day``: the restrictions given
    replace those of their kind, the rest carry over (one past its end date has ended).
    "Restrictions will only be removed if there has been significant change", and an
    escalation is not a review that could find one."""
    current = in_force(case, day)
    if req.end:
        raise refuse("refusing contact ends no restriction; end one at review (--end)")
    if current is None:
        return req
    given_kinds = {r.kind for r in req.restrictions}
    kept = tuple(r for r in as_on(current, day).restrictions if r.kind not in given_kinds)
    return replace(req, restrictions=kept + req.restrictions)


def escalate(case: Case, req: EscalationRequest, ctx: Ctx) -> tuple[Case, Decision]:
    """Give the next (or the named) step on the ladder, or propose a restriction."""
    require(ctx, "escalate")
    no_proposal_pending(case)
    incidents = relied_on(case, req.incidents)
    step = req.to or _next_step(case)
    check_not_in_force(case, step, ctx.today)
    bypass = check_ladder(case, step, incidents, req.bypass, req.bypass_reason)
    check_warning_followed(case, step, incidents)
    check_warning_letter_sent(case, step, bypass)
    if step == "contact_refused":
        check_behaviour_continued(case, incidents)
        req = restated(case, req, ctx.today)
    fields = decision_fields(case, step, req, incidents, ctx)
    reason = req.bypass_reason if bypass else None
    decision = make(Decision, **fields, bypass_incident=bypass, bypass_reason=reason)
    return with_decision(case, decision), decision
