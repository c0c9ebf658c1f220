"""Property risks: "Restrictions on properties can be added to the UCBR without notifying the
owner of the property … Restrictions on properties do not require defined timescales as they
can be left on indefinitely if the risk continues to exist"; they are still reviewed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

from ucbr.domain.model import (
    RISK_KINDS,
    SPECIAL_CATEGORY_RISKS,
    PropertyDecision,
    PropertyReview,
    PropertyRisk,
    ReviewOutcome,
    RiskKind,
)
from ucbr.domain.policy.base import Ctx, blank, make, refuse, require, valid
from ucbr.domain.views import review_limit

if TYPE_CHECKING:
    from ucbr.domain.duplicates import Likely


@dataclass(frozen=True)
class PropertyTerms:
    """What is recorded about a property's risk: where, what, and how to attend."""

    address: str
    postcode: str
    risks: tuple[RiskKind, ...]
    guidance: str
    not_notified_reason: str | None = None
    uprn: str | None = None
    details: str | None = None
    condition: str | None = None
    other_risk: str | None = None

    @classmethod
    def of(cls, prop: PropertyRisk) -> PropertyTerms:
        """The terms a recorded property risk holds now."""
        return cls(
            address=prop.address,
            postcode=prop.postcode,
            risks=prop.risks,
            guidance=prop.guidance,
            not_notified_reason=prop.not_notified_reason,
            uprn=prop.uprn,
            details=prop.details,
            condition=prop.condition,
            other_risk=prop.other_risk,
        )


@dataclass(frozen=True)
class PropertyChange:
    """A review's variation: new risks, guidance or condition; what is not given stays."""

    risks: tuple[RiskKind, ...] = ()
    guidance: str | None = None
    condition: str | None = None
    other_risk: str | None = None

    def applied_to(self, terms: PropertyTerms) -> PropertyTerms:
        """``terms`` with this variation's changes made."""
        risks = self.risks or terms.risks
        other = self.other_risk or terms.other_risk
        return replace(
            terms,
            risks=risks,
            guidance=self.guidance or terms.guidance,
            condition=self.condition or terms.condition,
            other_risk=other if "other" in risks else None,
        )


def _check_terms(terms: PropertyTerms) -> None:
    if not terms.risks:
        raise refuse("a property risk needs at least one risk kind")
    unknown = [r for r in terms.risks if r not in RISK_KINDS]
    if unknown:
        raise refuse(f"the risks must each be one of the policy's kinds: {', '.join(RISK_KINDS)}")
    if "other" in terms.risks and blank(terms.other_risk):
        raise refuse("an other risk needs saying what it is (--other-risk)")
    if "other" not in terms.risks and not blank(terms.other_risk):
        raise refuse("--other-risk describes the risk other; give --risk other with it")
    if blank(terms.guidance):
        raise refuse("a property risk needs guidance for attending")
    if blank(terms.not_notified_reason):
        raise refuse("record why the owner is not notified (--not-notified-reason)")
    uprn = terms.uprn
    if uprn is not None and not (uprn.isdigit() and 1 <= len(uprn) <= 12):
        raise refuse("a UPRN is 1 to 12 digits")
    special = sorted(set(terms.risks) & SPECIAL_CATEGORY_RISKS)
    if special and blank(terms.condition):
        raise refuse(f"the risk {special[0]} is special-category data and needs a stated condition")


def _proposal(property_id: str, terms: PropertyTerms, ctx: Ctx) -> PropertyRisk:
    require(ctx, "property-add")
    _check_terms(terms)
    decision = PropertyDecision(status="proposed", proposed_by=ctx.actor.id, proposed_on=ctx.today)
    fields = asdict(replace(terms, risks=tuple(dict.fromkeys(terms.risks))))
    return make(PropertyRisk, id=property_id, decision=decision, policy=ctx.policy_hash, **fields)


def propose_property(
    property_id: str,
    terms: PropertyTerms,
    ctx: Ctx,
    likely: Sequence[Likely] = (),
    not_a_duplicate: str | None = None,
) -> PropertyRisk:
    """Propose a risk at a property; it needs approval and has no end date. When existing
    property risks are ``likely`` the same home, a new one needs a recorded reason."""
    if likely and blank(not_a_duplicate):
        hint = f"review that one instead (`ucbr property review {likely[0].id} --outcome vary`)"
        from ucbr.domain.duplicates import duplicate_refusal  # fuzzy matching: only here

        raise refuse(duplicate_refusal(list(likely), "property", hint))
    prop = _proposal(property_id, terms, ctx)
    if likely:
        prop = valid(prop.model_copy(update={"not_a_duplicate": not_a_duplicate}))
    return prop


def _check_property_approver(proposed_by: str, ctx: Ctx) -> None:
    require(ctx, "property-approve")
    if proposed_by == ctx.actor.id:
        raise refuse("you proposed this property risk; the approver must be someone else")


def approve_property(prop: PropertyRisk, ctx: Ctx) -> PropertyRisk:
    """Approve a proposed property risk, or a pending variation of one."""
    if prop.decision.status == "proposed":
        _check_property_approver(prop.decision.proposed_by, ctx)
        decision = prop.decision.model_copy(
            update={"status": "approved", "approved_by": ctx.actor.id, "approved_on": ctx.today}
        )
        review_on = review_limit(ctx.today, ctx.cfg)
        return valid(prop.model_copy(update={"decision": decision, "next_review": review_on}))
    proposal = prop.proposal
    if proposal is None or proposal.decision.status != "proposed":
        raise refuse(f"property {prop.id} has nothing awaiting approval")
    if prop.decision.status != "approved":
        raise refuse(f"property {prop.id} is no longer in force; reject the variation")
    _check_property_approver(proposal.decision.proposed_by, ctx)
    decision = proposal.decision.model_copy(
        update={"status": "approved", "approved_by": ctx.actor.id, "approved_on": ctx.today}
    )
    varied = asdict(PropertyTerms.of(proposal))
    return valid(prop.model_copy(update={**varied, "decision": decision, "proposal": None}))


def reject_property(prop: PropertyRisk, reason: str, ctx: Ctx) -> PropertyRisk:
    """Reject a proposed property risk, or a pending variation, with a reason."""
    if blank(reason):
        raise refuse("a rejection needs a reason")
    rejected = {"status": "rejected", "rejected_by": ctx.actor.id, "reject_reason": reason}
    if prop.decision.status == "proposed":
        require(ctx, "property-reject")
        return valid(
            prop.model_copy(update={"decision": prop.decision.model_copy(update=rejected)})
        )
    proposal = prop.proposal
    if proposal is None or proposal.decision.status != "proposed":
        raise refuse(f"property {prop.id} has nothing awaiting approval")
    require(ctx, "property-reject")
    kept = proposal.model_copy(update={"decision": proposal.decision.model_copy(update=rejected)})
    return valid(prop.model_copy(update={"proposal": kept}))


def _variation(prop: PropertyRisk, change: PropertyChange | None, ctx: Ctx) -> PropertyRisk:
    if change is None or not (change.risks or change.guidance or change.condition):
        raise refuse("a varied property risk needs its new terms")
    if prop.proposal is not None and prop.proposal.decision.status == "proposed":
        raise refuse(f"a variation of property {prop.id} is already awaiting approval")
    return _proposal(prop.id, change.applied_to(PropertyTerms.of(prop)), ctx)


def review_property(
    prop: PropertyRisk,
    outcome: ReviewOutcome,
    reasons: str,
    ctx: Ctx,
    change: PropertyChange | None = None,
) -> PropertyRisk:
    """Review a property risk in force: continue, vary (needs approval) or lift."""
    require(ctx, "property-review")
    if prop.decision.status != "approved":
        raise refuse(f"property {prop.id} has no risk in force to review")
    if blank(reasons):
        raise refuse("a review needs its reasons")
    approved_on = prop.decision.approved_on or ctx.today
    due = prop.next_review or review_limit(approved_on, ctx.cfg)
    update: dict[str, object] = {"next_review": review_limit(ctx.today, ctx.cfg)}
    if outcome == "lift":
        ended = prop.decision.model_copy(update={"status": "lifted", "ended_on": ctx.today})
        update = {"decision": ended, "next_review": None}
    if outcome == "vary":
        update["proposal"] = _variation(prop, change, ctx)
    done = make(
        PropertyReview,
        id=ctx.new_id("R"),
        date=ctx.today,
        due=due,
        late=ctx.today > due,
        outcome=outcome,
        reasons=reasons,
        by=ctx.actor.id,
        policy=ctx.policy_hash,
    )
    return valid(prop.model_copy(update={**update, "reviews": (*prop.reviews, done)}))
