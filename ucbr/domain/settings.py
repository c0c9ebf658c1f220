"""The council's own settings: ``.ucbr/policy.yaml``, the numbers its policy leaves to it."""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, ConfigDict, Field

from ucbr.domain.values import ShortText


class Retention(BaseModel):
    """How many years a case is kept after its last restriction ends, by the worst behaviour."""

    model_config = ConfigDict(extra="forbid")
    verbal_abuse_years: int = 2
    threats_years: int = 3
    violence_years: int = 5
    weapons_or_animals_years: int = 10


# The privacy notice a new register points to until the council sets its own: letters are
# not issued while it does ("A Privacy Notice is available on our website").
PLACEHOLDER_PRIVACY_URL = "https://www.example.gov.uk/privacy"


class PolicyConfig(BaseModel):
    """``.ucbr/policy.yaml``: the numbers the policy leaves to the council."""

    model_config = ConfigDict(extra="forbid")
    council: ShortText
    review_interval_months: int = Field(default=6, ge=1, le=6)
    # The policy: "within one month of the decision made"; not the council's to lengthen.
    appeal_window_months: int = Field(default=1, ge=1, le=1)
    privacy_notice_url: ShortText = PLACEHOLDER_PRIVACY_URL
    essential_services: ShortText = "Essential services stay open by letter to the council offices."
    council_address: ShortText = "Council Offices"
    council_email: ShortText | None = None  # where a person limited to e-mail writes to us
    council_phone: ShortText | None = None  # where a person limited to telephone calls us
    require_signed_commits: bool = True  # new registers require them
    retention: Retention = Field(default_factory=Retention)

    @property
    def privacy_notice_set(self) -> bool:
        """Whether the council has given its own privacy notice, not the placeholder."""
        return self.privacy_notice_url != PLACEHOLDER_PRIVACY_URL

    def public_details(self) -> tuple[str, ...]:
        """The council's own published contact details: not personal data in free text."""
        found = (self.council_address, self.council_email, self.council_phone)
        return tuple(detail for detail in found if detail)


def policy_hash(raw: bytes) -> str:
    """The short hash of ``.ucbr/policy.yaml`` that every decision and letter carries."""
    return hashlib.sha256(raw).hexdigest()[:12]
