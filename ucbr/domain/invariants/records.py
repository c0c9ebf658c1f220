"""The invariants of a case or property record: what every record must satisfy, whoever
wrote it and however.

Each is judged by the write path before a commit, by ``check`` on every record, and by
the audit on every commit (``ucbr.domain.invariants.base``). Where the policy's own
transition already states a rule, the invariant replays that same function on the record
as it stood when the decision was made, so the rule is written once: a record is sound
exactly when the policy could have written it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ucbr.domain.expiry import in_force_on
from ucbr.domain.invariants.base import Facts, Invariant
from ucbr.domain.invariants.stood import as_it_stood, in_force_together
from ucbr.domain.model import RESTRICTING_STEPS, Case, Decision, PropertyRisk, Review
from ucbr.domain.permissions import may, refusal
from ucbr.domain.policy.adjustments import conflicts
from ucbr.domain.policy.appeals import appeal_deadline, original_decisions
from ucbr.domain.policy.approval import appeal_varying, involvement, service_problem
from ucbr.domain.policy.base import blank
from ucbr.domain.policy.continuation import reviewed_decision
from ucbr.domain.policy.ladder import (
    check_behaviour_continued,
    check_ladder,
    check_warning_followed,
    check_warning_letter_sent,
    relied_on,
)
from ucbr.domain.policy.restrictions import check_restriction, check_together, reads_the_entry
from ucbr.domain.policy.terms import EscalationRequest, missing_terms, warning_terms
from ucbr.domain.views import decision_in_force, given, predecessor, review_limit, varied_by
from ucbr.errors import Refused

APPROVAL = (
    "The decision to manage a person’s contact in an alternative way with a Council service "
    "must be reviewed and approved by the relevant business manager / Head of Service."
)
LADDER_RULE = (
    "Following a verbal warning, if the behaviour continues to be unacceptable, an informal "
    "written warning letter will be sent; in the case of violence or serious threats, the "
    "warning stages (1 and 2) will be bypassed; if the behaviour continues after warnings "
    "letters are issued, we may refuse further contact."
)
CONSIDERATIONS = (
    "This decision will consider all factors including exceptional circumstances or barriers "
    "faced by yourself due to any known or advised protected characteristics, at risk factors, "
    "or other relevant reasons."
)
RESTRICTIONS = (
    "Restrictions may be as follows: a specific method of communication, a particular day or "
    "time, a specified e-mail address, a premises ban, a Single Point of Contact."
)
SIX_MONTHLY = "All restrictions will be reviewed on a six-monthly basis."
REMOVED = (
    "Restrictions will only be removed if there has been significant change in your "
    "communication and / or behaviour or if there is a change in circumstances."
)
ADJUSTMENTS = (
    "Any restrictions imposed will take into account your individual circumstances and ensure "
    "that you are not prevented from accessing essential services."
)
APPEAL = (
    "You have the right to appeal the decision to be added to the UCBR within one month of "
    "the decision made and it will be considered by an Officer who was not involved in the "
    "original decision to restrict access."
)
ONE_AT_A_TIME = (
    "One decision in force, one proposal, one continuation and one appeal awaiting a decision "
    "at a time: the register entry states exactly one set of restrictions."
)
MINIMUM_DATA = (
    "The quantity of personal data added to the UCBR will be limited to what the Council "
    "considers necessary."
)
PROPERTY_REVIEW = "Restrictions on properties do not require defined timescales; they are reviewed."


def _said(refusal: Refused) -> str:
    return str(refusal).removeprefix("refused: ")


def _holds(rule: Callable[..., object], *args: object) -> str | None:
    """What a policy check says is wrong, or None when it passes."""
    try:
        rule(*args)
    except Refused as refusal:
        return _said(refusal)
    return None


def _imported(item: object) -> bool:
    """An item brought in by ``ucbr import``: the importer's attestation of what was done
    before ucbr, judged by the import's own rules (``invariants.imports``), not by the
    rules of how ucbr's commands make decisions."""
    return getattr(item, "imported", None) is not None


def _request(decision: Decision) -> EscalationRequest:
    """A decision's terms as the officer would have given them."""
    return EscalationRequest(
        to=decision.step,
        incidents=decision.incidents,
        considerations=decision.considerations,
        note=decision.note,
        restrictions=decision.restrictions,
        essential_services=decision.essential_services,
        scope=decision.scope,
        scope_reason=decision.scope_reason,
        review_by=decision.review_by,
    )


# --- case rules ----------------------------------------------------------------------------


def _four_eyes(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    reporters = {i.id: i.reported_by for i in case.incidents}
    for decision in case.decisions:
        if decision.approved_by is None or _imported(decision):
            continue
        if decision.approved_by == decision.proposed_by:
            yield f"decision {decision.id} was approved by the officer who proposed it"
        elif decision.approved_by in {reporters.get(i) for i in decision.incidents}:
            yield f"decision {decision.id} was approved by a reporter of an incident it relies on"
    for review in case.reviews:
        if _imported(review):
            continue
        if review.approved_by is not None and review.approved_by == review.by:
            yield f"the continuation at review {review.id} was approved by its reviewer"


def _relevant_approver(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    """The approver was the relevant manager or a head of service (for a variation on
    appeal, any uninvolved one), by the directory in force. One who has since left is
    judged no more by ``check``, but a change naming a stranger is."""
    approved_before = {d.id: d.approved_by for d in before.decisions} if before else {}
    for decision in case.decisions:
        if decision.approved_by is None or _imported(decision):
            continue
        member = facts.staff.by_id(decision.approved_by)
        if member is None:
            new = approved_before.get(decision.id) != decision.approved_by
            if facts.action is not None and new:
                yield f"decision {decision.id} names an approver who is not staff"
            continue
        if not may(member.role, "approve"):
            yield f"decision {decision.id}: {refusal(member.role, 'approve')}"
        elif appeal_varying(case, decision) is None:
            problem = service_problem(decision, member)
            if problem is not None:
                yield problem
        elif (problem := involvement(case, decision, member)) is not None:
            yield f"decision {decision.id}: {problem}"
    for review in case.reviews:
        member = facts.staff.by_id(review.approved_by) if review.approved_by else None
        if member is None or review.approved_by == review.by or _imported(review):
            continue  # four-eyes says so; a departed approver is not judged again
        if not may(member.role, "approve"):
            yield f"review {review.id}: {refusal(member.role, 'approve')}"
        elif (problem := service_problem(reviewed_decision(case, review), member)) is not None:
            yield f"review {review.id}: {problem}"


def _replay(then: Case, decision: Decision) -> None:
    """The ladder's own checks, on the case as it stood when ``decision`` was proposed."""
    incidents = relied_on(then, decision.incidents)
    bypass = check_ladder(
        then, decision.step, incidents, decision.bypass_incident, decision.bypass_reason
    )
    check_warning_followed(then, decision.step, incidents)
    check_warning_letter_sent(then, decision.step, bypass)
    if decision.step == "contact_refused":
        check_behaviour_continued(then, incidents)


def _ladder(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    """Every step was reachable by the ladder when it was proposed."""
    for decision in case.decisions:
        if decision.variation_of is not None or decision.status == "rejected":
            continue
        if _imported(decision):
            continue
        then = as_it_stood(case, decision)
        found = _holds(_replay, then, decision)
        if found is not None:
            yield f"decision {decision.id} ({decision.step}): {found}"


def _terms(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    """A restricting decision carries every term; a warning carries none."""
    for decision in case.decisions:
        if _imported(decision):
            continue
        req = _request(decision)
        if decision.step in RESTRICTING_STEPS:
            missing = missing_terms(req, decision.scope)
            if missing:
                yield f"decision {decision.id} lacks " + "; ".join(missing)
            for restriction in decision.restrictions:
                found = _holds(check_restriction, restriction, decision.proposed_on)
                if found is not None:
                    yield f"decision {decision.id}: {found}"
            together = _holds(check_together, decision.restrictions)
            if together is not None:
                yield f"decision {decision.id}: {together}"
        else:
            found = _holds(warning_terms, decision.step, req, decision.scope)
            if found is not None:
                yield f"decision {decision.id}: {found}"


def _single_point_of_contact(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    """A single point of contact in force is a member of staff who reads the entry."""
    for decision in case.decisions:
        if decision.status not in ("proposed", "approved"):
            continue
        for restriction in decision.restrictions:
            if not reads_the_entry(restriction, facts.staff):
                yield (
                    f"decision {decision.id}: the single point of contact {restriction.staff} "
                    "is not a member of staff who reads the register entry"
                )


def _six_monthly(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    if facts.cfg is None:
        return
    for decision in case.decisions:
        if decision.review_by is not None:
            limit = review_limit(decision.proposed_on, facts.cfg)
            if decision.review_by > limit:
                yield f"decision {decision.id} is reviewed by {decision.review_by}, after {limit}"
    for review in case.reviews:
        if review.next_review is not None:
            limit = review_limit(review.date, facts.cfg)
            if review.next_review > limit:
                yield f"review {review.id} set the next review {review.next_review}, after {limit}"


def _removed_on_significant_change(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    """Lifting, or ending a restriction at review, needs a significant change; refusing
    contact ends none. A restriction past its own end date is not removed by dropping it."""
    for review in case.reviews:
        if review.outcome == "lift" and not review.significant_change and not _imported(review):
            yield f"review {review.id} lifted the restriction with no significant change"
    for decision in case.decisions:
        if decision.status == "rejected" or _imported(decision):
            continue
        earlier = predecessor(case, decision)
        if earlier is None and decision.status == "proposed":
            earlier = decision_in_force(as_it_stood(case, decision))
        source = varied_by(case, decision)
        if earlier is None or (source is not None and not isinstance(source, Review)):
            continue  # nothing before it, or varied on appeal: the appeal is the reason
        if isinstance(source, Review) and source.significant_change:
            continue
        kept = {r.kind for r in decision.restrictions}
        running = {r.kind for r in earlier.restrictions if in_force_on(r, decision.proposed_on)}
        for kind in sorted(running - kept):
            yield f"decision {decision.id} ended the {kind} restriction with no significant change"


def _adjustments_bind(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    """An adjustment known when a restriction was approved is justified by it."""
    for decision in case.decisions:
        if not given(decision) or decision.approved_on is None or _imported(decision):
            continue
        # A day is the finest grain the record has: one recorded the same day may be later.
        known = [a for a in case.adjustments if a.recorded_on < decision.proposed_on]
        covered = {j.adjustment for j in decision.justifications}
        for conflict in conflicts(decision.restrictions, known):
            if conflict.adjustment.kind not in covered:
                yield f"decision {decision.id}: {conflict.line()}; no reason is recorded for it"


def _appeal(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    """An appeal in time (or with a reason), decided by an officer not involved."""
    reporters = {i.id: i.reported_by for i in case.incidents}
    for appeal in case.appeals:
        if _imported(appeal):
            continue
        chain = original_decisions(case, appeal.decision)
        if appeal.decided_by is not None:
            involved = {
                who
                for d in chain
                for who in (d.proposed_by, d.approved_by, *(reporters.get(i) for i in d.incidents))
            }
            if appeal.decided_by in involved:
                yield f"appeal {appeal.id} was decided by an officer involved in the decision"
        if chain and facts.cfg is not None and blank(appeal.late_reason):
            deadline, extended = appeal_deadline(
                case, chain[0], facts.cfg, appeal.received, tells_decision=False
            )
            if appeal.received > (extended or deadline):
                yield f"appeal {appeal.id} arrived after the deadline with no reason recorded"


def _one_at_a_time(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    counts = {
        "decisions in force": in_force_together(case),
        "proposals": sum(d.status == "proposed" for d in case.decisions),
        "continuations awaiting approval": sum(r.status == "proposed" for r in case.reviews),
        "appeals awaiting a decision": sum(a.outcome is None for a in case.appeals),
    }
    for what, count in counts.items():
        if count > 1:
            yield f"{count} {what}; there is one at most"


# --- property rules --------------------------------------------------------------------------


def _property_four_eyes(
    before: PropertyRisk | None, prop: PropertyRisk, facts: Facts
) -> Iterator[str]:
    decision = prop.decision
    if decision.approved_by is not None and decision.approved_by == decision.proposed_by:
        yield f"property risk {prop.id} was approved by the officer who proposed it"


def _property_approver(
    before: PropertyRisk | None, prop: PropertyRisk, facts: Facts
) -> Iterator[str]:
    approver = prop.decision.approved_by
    member = facts.staff.by_id(approver) if approver else None
    if approver and member is None and facts.action is not None:
        yield f"property risk {prop.id} names an approver who is not staff"
    elif member is not None and member.role not in ("manager", "head_of_service"):
        yield f"property risk {prop.id} was approved by a {member.role}"


def _special_category(
    before: PropertyRisk | None, prop: PropertyRisk, facts: Facts
) -> Iterator[str]:
    from ucbr.domain.model import SPECIAL_CATEGORY_RISKS

    special = sorted(set(prop.risks) & SPECIAL_CATEGORY_RISKS)
    if special and blank(prop.condition):
        yield f"special-category risk {special[0]} recorded without a stated condition"
    if "other" in prop.risks and blank(prop.other_risk):
        yield "an other risk is recorded without saying what it is"


def _property_reviewed(
    before: PropertyRisk | None, prop: PropertyRisk, facts: Facts
) -> Iterator[str]:
    if prop.decision.status != "approved":
        return
    if prop.next_review is None:
        yield "property risk in force with no review date"
    elif facts.cfg is not None and prop.decision.approved_on is not None:
        dates = [r.date for r in prop.reviews] or [prop.decision.approved_on]
        if prop.next_review > review_limit(max(dates), facts.cfg):
            yield f"next review {prop.next_review} is later than the interval allows"


CASE: tuple[Invariant[Case], ...] = (
    Invariant("four-eyes", APPROVAL, "case", _four_eyes),
    Invariant("relevant-approver", APPROVAL, "case", _relevant_approver),
    Invariant("ladder-followed", LADDER_RULE, "case", _ladder),
    Invariant("decision-terms", CONSIDERATIONS, "case", _terms),
    Invariant("single-point-of-contact-is-staff", RESTRICTIONS, "case", _single_point_of_contact),
    Invariant("reviewed-six-monthly", SIX_MONTHLY, "case", _six_monthly),
    Invariant("removed-only-on-change", REMOVED, "case", _removed_on_significant_change),
    Invariant("adjustments-bind", ADJUSTMENTS, "case", _adjustments_bind),
    Invariant("appeal-in-time-and-uninvolved", APPEAL, "case", _appeal),
    Invariant("one-at-a-time", ONE_AT_A_TIME, "case", _one_at_a_time),
)
PROPERTY: tuple[Invariant[PropertyRisk], ...] = (
    Invariant("property-four-eyes", APPROVAL, "property", _property_four_eyes),
    Invariant("property-approver", APPROVAL, "property", _property_approver),
    Invariant("special-category-condition", MINIMUM_DATA, "property", _special_category),
    Invariant("property-reviewed", PROPERTY_REVIEW, "property", _property_reviewed),
)
