"""The council's Unreasonable Customer Behaviour Policy, as pure transitions.

One module per concept the policy names: ``incidents``, the ``ladder`` of warnings and
its ``restrictions``, reasonable ``adjustments``, ``approval``, ``reviews``, ``appeals``,
``properties`` and ``letters``. Each public function takes a record and a ``Ctx`` and
returns the new record, or raises ``Refused`` with one line naming what is wrong. Who may
take each action is ``ucbr.domain.permissions``; what the record implies (the decision in
force, the next review, the letters owed) is ``ucbr.domain.views``.
"""

from __future__ import annotations

from ucbr.domain.dates import add_months
from ucbr.domain.foi import record_foi
from ucbr.domain.policy.adjustments import add_adjustment, check_adjustments
from ucbr.domain.policy.appeals import appeal_deadline, decide_appeal, lodge_appeal
from ucbr.domain.policy.approval import who_may_approve
from ucbr.domain.policy.base import Ctx, step_label
from ucbr.domain.policy.continuation import approve, reject
from ucbr.domain.policy.incidents import IncidentRequest, open_case, record_incident
from ucbr.domain.policy.ladder import escalate
from ucbr.domain.policy.letters import record_letter
from ucbr.domain.policy.properties import (
    PropertyChange,
    PropertyTerms,
    approve_property,
    propose_property,
    reject_property,
    review_property,
)
from ucbr.domain.policy.restrictions import check_restriction
from ucbr.domain.policy.reviews import ReviewRequest, review
from ucbr.domain.policy.terms import EscalationRequest
from ucbr.domain.words import COUNCIL_WIDE

__all__ = [
    "COUNCIL_WIDE",
    "Ctx",
    "EscalationRequest",
    "IncidentRequest",
    "PropertyChange",
    "PropertyTerms",
    "ReviewRequest",
    "add_adjustment",
    "add_months",
    "appeal_deadline",
    "approve",
    "approve_property",
    "check_adjustments",
    "check_restriction",
    "decide_appeal",
    "escalate",
    "lodge_appeal",
    "open_case",
    "propose_property",
    "record_foi",
    "record_incident",
    "record_letter",
    "reject",
    "reject_property",
    "review",
    "review_property",
    "step_label",
    "who_may_approve",
]
