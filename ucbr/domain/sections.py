"""The two sections derived from a record: the schedule and the register entry.

Their models are the contract with the tiers that read them: the scheduler tier reads
only ``Schedule`` (ids, statuses and dates), frontline staff the ``CaseEntry`` or
``PropertyEntry``. ``ucbr.domain.views`` writes them from the record on every save.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import StringConstraints

from ucbr.domain.model import AdjustmentKind, Person, Restriction, RestrictionKind, RiskKind, Step
from ucbr.domain.values import CaseId, PropertyId, ShortText, Strict, Text, Uprn


class ScheduleItem(Strict):
    """Something that needs doing by a date: no personal data, only what and when."""

    what: Literal[
        "restriction_review",
        "restriction_end",
        "property_review",
        "appeal_decision",
        "approval",
        "letter",
        "foi_refusal_notice",
    ]
    due: dt.date
    detail: ShortText | None = None  # e.g. the letter kind; never personal data


class Schedule(Strict):
    """The schedule section: readable by the scheduler tier. Ids, statuses and dates only."""

    id: Annotated[str, StringConstraints(pattern=r"^[CP]-[0-9A-HJKMNP-TV-Z]{8}$")]
    kind: Literal["case", "property"]
    status: ShortText
    on_register: bool
    next_review: dt.date | None = None
    items: tuple[ScheduleItem, ...] = ()


class RestrictionInForce(Strict):
    """A restriction in force as the register entry shows it: in plain words, and from when."""

    kind: RestrictionKind
    plain: Text  # what staff may and may not do, in plain words
    detail: Restriction
    start: dt.date
    scope: ShortText


class CaseEntry(Strict):
    """The register entry: what frontline staff see before contact."""

    id: CaseId
    on_register: bool
    person: Person | None = None
    step: Step | None = None
    restrictions: tuple[RestrictionInForce, ...] = ()
    single_point_of_contact: ShortText | None = None
    essential_services: Text | None = None
    review_date: dt.date | None = None
    appeal_in_progress: bool = False
    adjustments: tuple[AdjustmentKind, ...] = ()


class PropertyEntry(Strict):
    """What staff see of a property before a visit."""

    id: PropertyId
    in_force: bool
    address: ShortText | None = None
    postcode: ShortText | None = None
    uprn: Uprn | None = None
    risks: tuple[RiskKind, ...] = ()
    other_risk: ShortText | None = None
    guidance: Text | None = None
    review_date: dt.date | None = None
