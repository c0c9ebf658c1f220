"""The register's own settings: ``.ucbr/policy.yaml`` and ``.ucbr/staff.yaml``.

Neither file holds personal data about customers. Staff names and work e-mails are
the council's directory, kept in plain text so git history shows who had which role.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ucbr.model import ShortText, StaffId

Role = Literal["frontline", "case_officer", "manager", "head_of_service", "ig_officer", "scheduler"]
Tier = Literal["scheduler", "frontline", "casework"]
TIERS: tuple[Tier, ...] = ("scheduler", "frontline", "casework")

SECTIONS: tuple[str, ...] = ("schedule", "entry", "record")
# The one tier key each section is encrypted to: the lowest tier allowed to read it. Tier
# keys are handed upwards (frontline staff hold the scheduler key too, casework staff all
# three), so each section carries a single recipient stanza and decrypts in one step.
SECTION_KEY: dict[str, Tier] = {"schedule": "scheduler", "entry": "frontline", "record": "casework"}


def tiers_held(tier: Tier) -> tuple[Tier, ...]:
    """The tier keys a member of a tier holds: their own and every tier below it."""
    return TIERS[: TIERS.index(tier) + 1]


APPROVER_ROLES: frozenset[str] = frozenset({"manager", "head_of_service"})
STAFF_ADMIN_ROLES: frozenset[str] = frozenset({"manager", "head_of_service", "ig_officer"})
CASEWORK_ROLES: frozenset[str] = frozenset(
    {"case_officer", "manager", "head_of_service", "ig_officer"}
)


def tier_of(role: Role) -> Tier:
    """The role decides the tier: scheduler and frontline are their own, the rest casework."""
    if role == "scheduler":
        return "scheduler"
    if role == "frontline":
        return "frontline"
    return "casework"


class Retention(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verbal_abuse_years: int = 2
    threats_years: int = 3
    violence_years: int = 5
    weapons_or_animals_years: int = 10


class PolicyConfig(BaseModel):
    """``.ucbr/policy.yaml``: the numbers the policy leaves to the council."""

    model_config = ConfigDict(extra="forbid")
    council: ShortText
    review_interval_months: int = Field(default=6, ge=1, le=6)
    appeal_window_months: int = Field(default=1, ge=1, le=12)
    privacy_notice_url: ShortText = "https://www.example.gov.uk/privacy"
    essential_services: ShortText = "Essential services stay open by letter to the council offices."
    council_address: ShortText = "Council Offices"
    require_signed_commits: bool = False
    retention: Retention = Field(default_factory=Retention)


class StaffMember(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: StaffId
    name: ShortText
    email: ShortText
    role: Role
    recipients: list[ShortText] = Field(min_length=1)
    signing_key: ShortText | None = None

    @property
    def tier(self) -> Tier:
        return tier_of(self.role)


class StaffDirectory(BaseModel):
    model_config = ConfigDict(extra="forbid")
    staff: list[StaffMember] = Field(default_factory=list)

    def by_id(self, staff_id: str) -> StaffMember | None:
        return next((s for s in self.staff if s.id == staff_id), None)

    def by_email(self, email: str) -> StaffMember | None:
        wanted = email.strip().lower()
        return next((s for s in self.staff if s.email.lower() == wanted), None)

    def in_tier(self, tier: Tier) -> list[StaffMember]:
        return [s for s in self.staff if s.tier == tier]


def policy_hash(raw: bytes) -> str:
    """The short hash of ``.ucbr/policy.yaml`` that every decision and letter carries."""
    return hashlib.sha256(raw).hexdigest()[:12]
