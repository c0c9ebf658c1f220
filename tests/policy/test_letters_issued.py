"""Letters issued: the record that the person was told.

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

from tests.policy_helpers import (
    TODAY,
    new_id,
    refused,
    registered_case,
)
from ucbr.domain import policy
from ucbr.domain.model import LetterIssued

# --- letters --------------------------------------------------------------------------------------


def test_letter_is_about_the_case() -> None:
    """A letter recorded on a case is about one of that case's own records.

    Policy: "The UCBR will provide your personal details and the nature and duration of the
    restriction in place, together with when this is to be reviewed."
    """
    case, decision = registered_case()
    letter = LetterIssued(
        id=new_id("L"),
        kind="formal-warning",
        date=TODAY,
        about="D-ZZZZZZZZ",
        format="pdf",
        template_sha256="0" * 64,
        sha256="1" * 64,
        by="officer",
        policy="0123456789ab",
    )
    with refused("not in case"):
        policy.record_letter(case, letter)
    case = policy.record_letter(case, letter.model_copy(update={"about": decision.id}))
    assert len(case.letters) == 1
