"""Minimisation: special-category and criminal-offence data only with a stated condition."""

from __future__ import annotations

import json

import pytest

from tests.policy_helpers import ctx
from tests.regkit import Reg
from tests.test_retention import prop, put
from ucbr.domain import policy
from ucbr.domain.model import SPECIAL_CATEGORY_RISKS
from ucbr.errors import Refused


def _propose(risk: str, condition: str | None) -> object:
    terms = policy.PropertyTerms(
        address="2 Demo Lane",
        postcode="OX28 9ZZ",
        risks=(risk,),  # type: ignore[arg-type]  # the test passes the policy's own codes
        guidance="Visit in pairs.",
        condition=condition,
        not_notified_reason="Notifying would put staff at risk.",
    )
    return policy.propose_property("P-00000042", terms, ctx("officer"))


def test_special_category_risks_are_named() -> None:
    """Mental health, sexual-offender status and substance abuse are the special categories held."""
    assert {"mental_health", "sexual_offender", "substance_abuse"} == SPECIAL_CATEGORY_RISKS


@pytest.mark.parametrize("risk", sorted(SPECIAL_CATEGORY_RISKS))
def test_special_category_risk_needs_condition(risk: str) -> None:
    """ "The quantity of personal data added to the UCBR will be limited to what the Council
    considers necessary": each special-category risk is refused without a stated condition."""
    with pytest.raises(Refused, match="needs a stated condition"):
        _propose(risk, None)
    with pytest.raises(Refused, match="needs a stated condition"):
        _propose(risk, "   ")
    assert _propose(risk, "DPA 2018 Sch 1 para 10: protecting staff.")


def test_ordinary_risk_needs_no_condition() -> None:
    """A dangerous animal is not special-category data, so no condition is asked for."""
    assert _propose("dangerous_animal", None)


def test_check_flags_special_category_held_without_condition(reg: Reg) -> None:
    """`ucbr check` reports a special-category risk held with no condition (say, from an import)."""
    held = prop(5, ["sexual_offender"], "2026-11-01")
    put(reg, held, prop(6, ["mental_health"], "2026-11-01", condition="Vital interests."))
    result = reg.run("mgr", "check", "--json")
    problems = json.loads(result.out)["problems"]
    messages = [p["message"] for p in problems if "special-category" in p["message"]]
    assert result.code == 5
    assert messages == [
        f"{held.id}: special-category risk sexual_offender recorded without a stated condition "
        "[special-category-condition]"
    ]
