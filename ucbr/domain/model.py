"""The register's data, as the council's policy names it.

One pydantic model per thing the policy talks about. The record of a case (or a
property) is the truth; the schedule and entry sections are derived from it by
``ucbr.domain.views`` into the models of ``ucbr.domain.sections``. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from pydantic import Field, StringConstraints, model_validator

from ucbr.domain.provenance import CaseImport, Earlier, RecordedLate
from ucbr.domain.values import (
    CaseId,
    IncidentId,
    ItemId,
    PolicyHash,
    PropertyId,
    Salt,
    Sha256,
    ShortText,
    StaffId,
    Strict,
    Text,
    Title,
    Uprn,
)

FORMAT_VERSION = 1

Channel = Literal["telephone", "email", "online_form", "social_media", "letter", "face_to_face"]
Location = Literal["council_premises", "community", "residents_home"]
Category = Literal["A", "B"]

# The policy's own lists: "A. Aggressive or abusive behaviour", "B. Unreasonable demands…".
BEHAVIOURS_A: tuple[str, ...] = (
    "abusive",
    "offensive",
    "discriminatory_language",
    "threatening_language",
    "threats",
    "intimidation",
    "harassment",
    "physically_aggressive",
    "inflammatory_statements",
    "unsubstantiated_allegations",
    "damage_to_council_property",
)
BEHAVIOURS_B: tuple[str, ...] = (
    "disproportionate_demands",
    "repeated_contact",
    "extensive_communications",
    "contacting_multiple_employees",
    "same_issue_after_explanation",
)
BEHAVIOURS: dict[str, tuple[str, ...]] = {"A": BEHAVIOURS_A, "B": BEHAVIOURS_B}
# "In the case of violence or serious threats, the warning stages (1 and 2) will be
# bypassed": the behaviours of the policy's list that are violence or a serious threat.
SERIOUS_BEHAVIOURS: frozenset[str] = frozenset({"physically_aggressive", "threats"})

Step = Literal[
    "verbal_warning", "informal_written_warning", "formal_written_warning", "contact_refused"
]
LADDER: tuple[Step, ...] = (
    "verbal_warning",
    "informal_written_warning",
    "formal_written_warning",
    "contact_refused",
)
# Steps whose decision manages contact, so need approval and put the case on the register.
RESTRICTING_STEPS: frozenset[str] = frozenset({"formal_written_warning", "contact_refused"})

RestrictionKind = Literal[
    "single_channel",
    "contact_times",
    "designated_email",
    "premises_ban",
    "single_point_of_contact",
    "no_further_responses",
    # "Restrictions may be as follows, but not limited to": any other, described in words.
    "other",
]
OnlyChannel = Literal["email", "letter", "telephone"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

AdjustmentKind = Literal[
    "no_email",
    "no_written",
    "needs_telephone",
    "needs_face_to_face",
    "needs_interpreter",
    "needs_large_print",
    "needs_easy_read",
    "needs_advocate",
]

RiskKind = Literal[
    "dangerous_animal",
    "violent_household_member",
    "violent_neighbours",
    "sexual_offender",
    "hazardous_substances",
    "squalor",
    "structurally_unsafe",
    "weapons",
    "mental_health",
    "substance_abuse",
    "environmental_hazard",
    # "Examples … could include, but is not limited to": any other risk, described in words.
    "other",
]
RISK_KINDS: tuple[RiskKind, ...] = get_args(RiskKind)
# Special-category or criminal-offence data: recorded only with a stated condition.
SPECIAL_CATEGORY_RISKS: frozenset[str] = frozenset(
    {"sexual_offender", "mental_health", "substance_abuse"}
)

DecisionStatus = Literal[
    "recorded",  # steps 1 and 2: a warning given, no approval needed
    "proposed",  # step 3, refusal or a variation, awaiting approval
    "approved",  # in force
    "rejected",
    "superseded",  # replaced by an approved variation
    "lifted",  # ended at review
    "overturned",  # ended on appeal
]
ReviewOutcome = Literal["continue", "vary", "lift"]
# A continuation is the decision to go on managing contact: proposed by the reviewing
# officer, in force once the relevant manager or head of service approves it. A lift, or a
# variation (whose new decision carries its own approval), is recorded at once.
ReviewStatus = Literal["recorded", "proposed", "approved", "rejected"]
AppealOutcome = Literal["upheld", "overturned", "varied"]
LetterKind = Literal[
    "verbal-warning-note",
    "informal-warning",
    "formal-warning",
    "contact-refused",
    "upcoming-review",
    "review-outcome",
    "restriction-ended",
    "appeal-acknowledgement",
    "appeal-outcome",
    "foi-refusal",
]
FoiDecisionKind = Literal["s14-1", "s14-2", "answered", "s17-6"]
LetterFormat = Literal["pdf", "html", "md"]


class Person(Strict):
    """The person a case is about, how to recognise them, and who acts for them."""

    name: ShortText
    title: Title | None = None  # "Ms", "Mr", "Dr", "Mx": the letter's salutation uses it
    aliases: tuple[ShortText, ...] = ()
    date_of_birth: dt.date | None = None
    address: ShortText | None = None
    postcode: ShortText | None = None
    emails: tuple[ShortText, ...] = ()
    phones: tuple[ShortText, ...] = ()
    # Those "representing the customer": found by name; the restrictions cover them too.
    representatives: tuple[ShortText, ...] = ()


class Incident(Strict):
    """One incident, stated factually: when, how, where, which of the policy's behaviours."""

    id: IncidentId
    date: dt.date
    channel: Channel
    location: Location
    category: Category
    behaviours: tuple[str, ...] = Field(min_length=1)
    summary: Text
    serious: bool = False  # reported as violence or a serious threat (SERIOUS_BEHAVIOURS)
    reported_by: StaffId
    recorded_on: dt.date
    by_representative: ShortText | None = None
    service: ShortText
    imported: Earlier | None = None


class Restriction(Strict):
    """One restriction on contact, with only the details its kind takes."""

    kind: RestrictionKind
    channel: OnlyChannel | None = None
    days: tuple[Weekday, ...] = ()
    hours: Annotated[str, StringConstraints(pattern=r"^\d\d:\d\d-\d\d:\d\d$")] | None = None
    email: ShortText | None = None
    premises: ShortText | None = None
    staff: StaffId | None = None
    topic: ShortText | None = None
    description: Text | None = None  # an "other" restriction, in the words staff and letters use
    until: dt.date | None = None  # the last day it applies; None: until lifted or varied


class Justification(Strict):
    """Why a restriction stands although it conflicts with a reasonable adjustment."""

    adjustment: AdjustmentKind
    reason: Text


class Decision(Strict):
    """A step on the ladder, or a variation of one: what it relies on, its terms, who decided."""

    id: ItemId
    step: Step
    variation_of: ItemId | None = None
    incidents: tuple[IncidentId, ...] = Field(min_length=1)
    bypass_incident: IncidentId | None = None
    bypass_reason: Text | None = None  # why the deciding officer relies on it as serious
    varied_by: ItemId | None = None  # the review or appeal whose outcome this variation is
    note: Text | None = None  # the file note of a verbal warning: what was said
    considerations: Text | None = None
    restrictions: tuple[Restriction, ...] = ()
    justifications: tuple[Justification, ...] = ()
    essential_services: Text | None = None
    scope: ShortText
    scope_reason: Text | None = None
    review_by: dt.date | None = None
    proposed_by: StaffId
    proposed_on: dt.date
    status: DecisionStatus
    approved_by: StaffId | None = None
    approved_on: dt.date | None = None
    rejected_by: StaffId | None = None
    rejected_on: dt.date | None = None
    reject_reason: Text | None = None
    ended_on: dt.date | None = None
    policy: PolicyHash
    imported: Earlier | None = None


class Review(Strict):
    """A review of the restriction in force: its outcome, reasons and the next review."""

    id: ItemId
    decision: ItemId
    date: dt.date
    due: dt.date
    late: bool
    outcome: ReviewOutcome
    reasons: Text
    significant_change: bool = False
    next_review: dt.date | None = None
    notify: bool = True
    no_notify_reason: Text | None = None
    justifications: tuple[Justification, ...] = ()
    by: StaffId
    status: ReviewStatus = "recorded"
    approved_by: StaffId | None = None
    approved_on: dt.date | None = None
    rejected_by: StaffId | None = None
    rejected_on: dt.date | None = None
    reject_reason: Text | None = None
    policy: PolicyHash
    imported: Earlier | None = None


class Appeal(Strict):
    """An appeal against a decision: when it arrived, and how it was decided."""

    id: ItemId
    decision: ItemId
    received: dt.date
    late_reason: Text | None = None
    lodged_by: StaffId
    outcome: AppealOutcome | None = None
    reasons: Text | None = None
    decided_by: StaffId | None = None
    decided_on: dt.date | None = None
    policy: PolicyHash
    imported: Earlier | None = None


class Adjustment(Strict):
    """A reasonable adjustment the person needs."""

    kind: AdjustmentKind
    note: Text | None = None
    recorded_by: StaffId
    recorded_on: dt.date
    imported: Earlier | None = None


class LetterIssued(Strict):
    """A letter issued to the person: its kind, what it concerns, and hashes of what was sent.

    A letter ucbr wrote has its format and both hashes; a letter the council's earlier
    records say was sent (``imported``) has none: ucbr never saw it.
    """

    id: ItemId
    kind: LetterKind
    date: dt.date
    about: ItemId | None = None  # the decision, review, appeal or FOI record it concerns
    format: LetterFormat | None = None
    copy_of: ItemId | None = None  # the same letter issued again, in another format
    template_sha256: Sha256 | None = None
    sha256: Sha256 | None = None
    by: StaffId
    policy: PolicyHash
    imported: Earlier | None = None

    @model_validator(mode="after")
    def _written_or_imported(self) -> LetterIssued:
        written = (self.format, self.template_sha256, self.sha256)
        if self.imported is None and None in written:
            raise ValueError("a letter ucbr wrote records its format and both hashes")
        if self.imported is not None and written != (None, None, None):
            raise ValueError("an imported letter has no format or hashes: ucbr never saw it")
        return self


class FoiRecord(Strict):
    """An FOI section 14 decision on a request, with its refusal-notice deadline."""

    id: ItemId
    request_ref: ShortText
    received: dt.date
    decision: FoiDecisionKind
    reasons: Text
    due: dt.date
    by: StaffId
    policy: PolicyHash


class Case(Strict):
    """The record section of a case file: everything the council holds on one person."""

    id: CaseId
    person: Person
    incidents: tuple[Incident, ...] = ()
    decisions: tuple[Decision, ...] = ()
    reviews: tuple[Review, ...] = ()
    appeals: tuple[Appeal, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    letters: tuple[LetterIssued, ...] = ()
    foi: tuple[FoiRecord, ...] = ()
    recorded_late: tuple[RecordedLate, ...] = ()
    opened_on: dt.date
    # Why this is a new case although an existing one looked like the same person.
    not_a_duplicate: Text | None = None
    imported: CaseImport | None = None
    # The key of the commitment its commit carries; new at every write (none before it was).
    salt: Salt | None = None


class PropertyDecision(Strict):
    """The decision on a property risk: proposed, approved, rejected or lifted."""

    status: Literal["proposed", "approved", "rejected", "lifted"]
    proposed_by: StaffId
    proposed_on: dt.date
    approved_by: StaffId | None = None
    approved_on: dt.date | None = None
    rejected_by: StaffId | None = None
    reject_reason: Text | None = None
    ended_on: dt.date | None = None


class PropertyReview(Strict):
    """A review of a property risk."""

    id: ItemId
    date: dt.date
    due: dt.date
    late: bool
    outcome: ReviewOutcome
    reasons: Text
    by: StaffId
    policy: PolicyHash


class PropertyRisk(Strict):
    """The record section of a property file. There is no end date: risks are reviewed."""

    id: PropertyId
    address: ShortText
    postcode: ShortText
    uprn: Uprn | None = None
    risks: tuple[RiskKind, ...] = Field(min_length=1)
    other_risk: ShortText | None = None  # what an "other" risk is, in words staff read
    guidance: Text
    details: Text | None = None
    condition: Text | None = None  # the lawful condition for special-category data
    not_notified_reason: Text
    decision: PropertyDecision
    proposal: PropertyRisk | None = None  # a variation awaiting approval
    next_review: dt.date | None = None
    reviews: tuple[PropertyReview, ...] = ()
    # Why this is a new property risk although an existing one looked like the same home.
    not_a_duplicate: Text | None = None
    policy: PolicyHash
    # The key of the commitment its commit carries; new at every write (none before it was).
    salt: Salt | None = None
