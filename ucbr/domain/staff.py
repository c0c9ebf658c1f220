"""Staff, their roles, and the three access tiers.

The staff directory (``.ucbr/staff.yaml``) holds no customer data: staff names and work
e-mails are the council's directory, kept in plain text so git history shows who had
which role.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ucbr.domain.values import ShortText, StaffId

Role = Literal[
    "frontline", "case_officer", "manager", "head_of_service", "ig_officer", "scheduler", "auditor"
]
ROLES: tuple[Role, ...] = (
    "frontline",
    "case_officer",
    "manager",
    "head_of_service",
    "ig_officer",
    "scheduler",
    "auditor",
)
# Service accounts, not people: the morning job ("scheduler") and the server's audit key
# ("auditor", which reads records to judge every push and may take no action at all).
SERVICE_ROLES: frozenset[Role] = frozenset({"scheduler", "auditor"})
Tier = Literal["scheduler", "frontline", "casework"]
TIERS: tuple[Tier, ...] = ("scheduler", "frontline", "casework")

Section = Literal["schedule", "entry", "record"]
SECTIONS: tuple[Section, ...] = ("schedule", "entry", "record")
# The one tier key each section is encrypted to: the lowest tier allowed to read it. Tier
# keys are handed upwards (frontline staff hold the scheduler key too, casework staff all
# three), so each section carries a single recipient stanza and decrypts in one step.
SECTION_KEY: dict[str, Tier] = {"schedule": "scheduler", "entry": "frontline", "record": "casework"}


def tiers_held(tier: Tier) -> tuple[Tier, ...]:
    """The tier keys a member of a tier holds: their own and every tier below it."""
    return TIERS[: TIERS.index(tier) + 1]


def tier_of(role: Role) -> Tier:
    """The role decides the tier: scheduler and frontline are their own, the rest casework
    (an auditor reads whole records, as the audit must, but takes no action)."""
    if role == "scheduler":
        return "scheduler"
    if role == "frontline":
        return "frontline"
    return "casework"


class StaffMember(BaseModel):
    """One member of staff: who they are, their role, and the keys that identify them."""

    model_config = ConfigDict(extra="forbid")
    id: StaffId
    name: ShortText
    email: ShortText
    role: Role
    recipients: list[ShortText] = Field(min_length=1)
    signing_key: ShortText | None = None
    service: ShortText | None = None  # the service they work in; none: the whole council
    job_title: ShortText | None = None  # as a letter they sign gives it

    @property
    def tier(self) -> Tier:
        """The access tier the member's role gives."""
        return tier_of(self.role)


class StaffDirectory(BaseModel):
    """``.ucbr/staff.yaml``: every member of staff, in the order they were added."""

    model_config = ConfigDict(extra="forbid")
    staff: list[StaffMember] = Field(default_factory=list)

    def by_id(self, staff_id: str) -> StaffMember | None:
        """The member with this staff id, if any."""
        return next((s for s in self.staff if s.id == staff_id), None)

    def by_email(self, email: str) -> StaffMember | None:
        """The member with this work e-mail (any case), if any."""
        wanted = email.strip().lower()
        return next((s for s in self.staff if s.email.lower() == wanted), None)

    def in_tier(self, tier: Tier) -> list[StaffMember]:
        """The members whose role gives exactly this tier."""
        return [s for s in self.staff if s.tier == tier]

    def holders(self, tier: Tier) -> list[StaffMember]:
        """Who holds a tier key: the staff of that tier and of every tier above it."""
        return [s for s in self.staff if tier in tiers_held(s.tier)]
