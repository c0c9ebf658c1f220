"""Property risks: added without notifying the owner, no end date, still reviewed.

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

import datetime as dt

from tests.policy_helpers import (
    PERSON,
    TODAY,
    case_with_warnings,
    ctx,
    incident_req,
    no_personal_data,
    proposed_property,
    refused,
    restricting_req,
)
from ucbr.domain import policy, views

# --- property risks -------------------------------------------------------------------------------


def test_property_risk_needs_guidance() -> None:
    """A property risk needs guidance for attending.

    Policy: "we are instead highlighting risks at the property and providing guidance for
    attendance."
    """
    with refused("guidance for attending"):
        proposed_property(guidance=" ")


def test_property_risk_kinds_from_policy_list() -> None:
    """Property risk kinds come from the policy's list.

    Policy: "Examples of potential property / premise risk could include".
    """
    with refused("risks"):
        proposed_property(risks=("ghosts",))
    with refused("at least one risk"):
        proposed_property(risks=())


def test_uprn_is_1_to_12_digits() -> None:
    """A UPRN is 1 to 12 digits.

    Policy: "Council representatives may be required to undertake visits to the home /
    community as part of their role".
    """
    for bad in ("", "1234567890123", "12a"):
        with refused("UPRN"):
            proposed_property(uprn=bad)
    assert proposed_property(uprn="1").uprn == "1"


def test_property_owner_not_notified_reason() -> None:
    """A property risk records why the owner is not notified.

    Policy: "Restrictions on properties can be added to the UCBR without notifying the owner of
    the property."
    """
    with refused("why the owner is not notified"):
        proposed_property(not_notified_reason=None)


def test_special_category_risk_needs_condition() -> None:
    """A special-category risk needs a stated condition.

    Policy: "The quantity of personal data added to the UCBR will be limited to what the
    Council considers necessary to meet the stated purposes of the UCBR."
    """
    with refused("mental_health is special-category data"):
        proposed_property(risks=("mental_health",))
    assert proposed_property(risks=("mental_health",), condition="Vital interests of staff.")


def test_property_risk_needs_approval() -> None:
    """A property risk needs approval by a manager who did not propose it.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    p = proposed_property()
    assert p.decision.status == "proposed" and not views.property_entry_of(p).in_force
    with refused("the role case officer may not approve"):
        policy.approve_property(p, ctx("officer2"))
    with refused("you proposed this property risk"):
        policy.approve_property(proposed_property(ctx=ctx("manager")), ctx("manager"))
    rejected = policy.reject_property(p, "Not enough evidence.", ctx("manager"))
    assert rejected.decision.status == "rejected"


def test_property_risk_has_no_end_date_but_is_reviewed() -> None:
    """A property risk has no end date but is reviewed six-monthly.

    Policy: "Restrictions on properties do not require defined timescales as they can be left on
    indefinitely if the risk continues to exist".
    """
    p = policy.approve_property(proposed_property(), ctx("manager"))
    assert p.decision.status == "approved" and p.decision.ended_on is None
    assert p.next_review == policy.add_months(TODAY, 6)
    day = TODAY + dt.timedelta(days=200)
    p = policy.review_property(p, "continue", "Dog still there.", ctx(today=day))
    assert p.reviews[-1].late and p.next_review == policy.add_months(day, 6)


def test_property_review_vary_and_lift() -> None:
    """A property review may vary (with approval) or lift the risk.

    Policy: "Restrictions on properties do not require defined timescales as they can be left on
    indefinitely if the risk continues to exist".
    """
    p = policy.approve_property(proposed_property(), ctx("manager"))
    with refused("needs its new terms"):
        policy.review_property(p, "vary", "Dog gone, weapons found.", ctx())
    p = policy.review_property(
        p, "vary", "Dog gone.", ctx(), policy.PropertyChange(risks=("weapons",))
    )
    assert p.risks == ("dangerous_animal",) and p.proposal is not None
    p = policy.approve_property(p, ctx("head"))
    assert p.risks == ("weapons",) and p.proposal is None
    with refused("reasons"):
        policy.review_property(p, "lift", " ", ctx())
    p = policy.review_property(p, "lift", "Household moved away.", ctx())
    assert p.decision.status == "lifted" and not views.property_entry_of(p).in_force


def test_refusals_name_no_personal_data() -> None:
    """A refusal line holds ids and rule names, never personal data.

    Policy: "All details on UCBR are strictly confidential."
    """
    case, incident = case_with_warnings(1)
    with refused("refused") as caught:
        policy.escalate(case, restricting_req((incident.id,)), ctx())
    no_personal_data(str(caught.value))
    with refused("a behaviour given is not in the policy's list") as caught:
        policy.record_incident(case, incident_req(behaviours=(PERSON.name,)), ctx())
    no_personal_data(str(caught.value))
    req = policy.EscalationRequest(to="verbal_warning", incidents=(PERSON.name,), note="Asked.")
    with refused("incident given is not in case") as caught:
        policy.escalate(case, req, ctx())
    no_personal_data(str(caught.value))
