"""Incidents: what is recorded, by whom, before any decision can rest on it.

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

import datetime as dt

from tests.policy_helpers import (
    TODAY,
    make_case,
    make_incident,
    refused,
)

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
