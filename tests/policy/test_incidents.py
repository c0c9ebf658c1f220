"""Incidents: what is recorded, by whom, before any decision can rest on it.

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest

from tests.policy_helpers import (
    TODAY,
    ctx,
    make_case,
    make_incident,
    refused,
    warn,
)
from ucbr.domain import policy
from ucbr.domain.letters.parts import incidents_relied_on
from ucbr.domain.model import BEHAVIOURS, Case, Channel, Decision, Location

# --- incidents ----------------------------------------------------------------------------------


def test_incident_date_not_in_future() -> None:
    """An incident cannot be dated in the future.

    DOMAIN (ICO): "A marker rests on a specific incident, accurately recorded."
    """
    with refused("in the future"):
        make_incident(make_case(), date=TODAY + dt.timedelta(days=1))


def test_incident_behaviours_from_category_list() -> None:
    """Behaviours come from the policy's own list for the category.

    Policy: "A. Aggressive or abusive behaviour. This includes the following behaviours".
    """
    with refused("'repeated_contact' is not in the policy's list for category A"):
        make_incident(make_case(), category="A", behaviours=("repeated_contact",))
    _case, incident = make_incident(make_case(), category="B", behaviours=("repeated_contact",))
    assert incident.behaviours == ("repeated_contact",)
    with refused("at least one behaviour"):
        make_incident(make_case(), behaviours=())


def test_a_refused_behaviour_lists_the_categorys_behaviours() -> None:
    """The refusal lists what the category accepts, so the officer can retype it."""
    with refused("category B: one of disproportionate_demands, repeated_contact") as caught:
        make_incident(make_case(), category="B", behaviours=("abusive",))
    assert all(name in str(caught.value) for name in BEHAVIOURS["B"])


def test_incident_needs_summary() -> None:
    """An incident needs a factual summary.

    DOMAIN (ICO): "A marker rests on a specific incident, accurately recorded."
    """
    with refused("factual summary"):
        make_incident(make_case(), summary="   ")


def test_incident_reporter_is_actor() -> None:
    """The reporter of an incident is the officer recording it, on the day they record it.

    Policy: "This Policy covers all employees undertaking work on behalf of the Council."
    """
    case, incident = make_incident(make_case(), actor="front")
    assert incident.reported_by == "front"
    assert incident.recorded_on == TODAY
    assert case.incidents == (incident,)


def test_scheduler_cannot_report_incident() -> None:
    """A scheduler service account cannot report an incident.

    Policy: "This Policy covers all employees undertaking work on behalf of the Council."
    """
    with refused("the role scheduler may not report an incident"):
        make_incident(make_case(), actor="cron")


@pytest.mark.parametrize("channel", get_args(Channel))
@pytest.mark.parametrize("location", get_args(Location))
def test_every_channel_and_place_of_contact_is_covered(channel: str, location: str) -> None:
    """An incident may come by any channel, at any place: telephone, writing, e-mail, online
    forms, social media, face to face at council premises, in the community or at home.

    Policy: "For the avoidance of doubt this procedure covers all methods of contact,
    including face to face, email, telephone, letter and via social media."
    """
    _, incident = make_incident(make_case(), channel=channel, location=location)
    assert (incident.channel, incident.location) == (channel, location)


def test_behaviour_by_a_representative_is_recorded_as_theirs() -> None:
    """Behaviour by someone acting for the person is recorded as such, and the letter says
    so ("by someone acting for you"), never naming them.

    Policy: "those individuals representing the customer such as family members, advocates"
    """
    _, incident = make_incident(make_case(), by_representative="Her son")
    assert incident.by_representative == "Her son"
    case, _ = make_incident(make_case(), by_representative="Her son")
    [told] = incidents_relied_on(case, case_decision(case))
    assert told["by_representative"] is True


def case_decision(case: Case) -> Decision:
    """A verbal warning on the case's first incident."""
    return warn(case, "verbal_warning", case.incidents[0].id).decisions[-1]


def test_every_service_is_covered_and_named() -> None:
    """An incident names the service that suffered it, whoever delivers it; a restriction
    covers that service unless it is made council-wide.

    Policy: "all services provided by the Council whether delivered directly by us or by
    contractors or other third parties on our behalf"
    """
    with refused("the service that suffered the behaviour"):
        make_incident(make_case(), service=" ")
    _, incident = make_incident(make_case(), service="Waste (contractor)")
    assert incident.service == "Waste (contractor)"


def test_unreasonable_demands_are_category_b() -> None:
    """Repeated contact, re-sent communications and contacting many employees are the
    policy's category B, not A.

    Policy: "This may involve an individual making repeated contact with us, re-sending
    extensive communications, contacting multiple employees repeatedly"
    """
    for behaviour in (
        "repeated_contact",
        "extensive_communications",
        "contacting_multiple_employees",
    ):
        _, incident = make_incident(make_case(), category="B", behaviours=(behaviour,))
        assert incident.category == "B"
        with refused("not in the policy's list for category A"):
            make_incident(make_case(), category="A", behaviours=(behaviour,))


def test_a_decision_rests_on_behaviour_recorded_first() -> None:
    """No warning or restriction without a recorded incident to rest on.

    Policy: "This Policy may be applied when it is agreed that behaviour and / or
    communication meeting the description given in this Policy has been displayed."
    """
    case = make_case()
    with refused("at least one recorded incident"):
        policy.escalate(case, policy.EscalationRequest(to="verbal_warning", note="x"), ctx())
