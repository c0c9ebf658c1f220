"""One broken record per invariant: a sound record from the policy, with one rule broken.

Each breaker returns (before, after, action): the record as it was, as a hand-made change
left it, and the action that change claims; ``ACTORS`` names who makes it, where that is
not the manager. ``tests/test_invariants.py`` shows each is
refused on write, flagged by ``check`` and reported by the audit; a new invariant with no
breaker here fails that test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tests.policy_helpers import (
    LETTER_ONLY,
    TODAY,
    continued,
    ctx,
    proposed_property,
    registered_case,
)
from ucbr.domain import policy
from ucbr.domain.model import Adjustment, Appeal, Case, PropertyRisk, Restriction, Review
from ucbr.domain.provenance import EARLIER_RECORDS

Record = Case | PropertyRisk
Broken = tuple[Record | None, Record, str]


def _in_force(**update: Any) -> Case:
    """A registered case whose decision in force is changed as ``update`` says."""
    case, decision = registered_case()
    changed = decision.model_copy(update=update)
    decisions = tuple(changed if d.id == decision.id else d for d in case.decisions)
    return case.model_copy(update={"decisions": decisions})


def _four_eyes() -> Broken:
    return registered_case()[0], _in_force(approved_by="officer"), "approve"


def _relevant_approver() -> Broken:
    return registered_case()[0], _in_force(approved_by="officer2"), "approve"


def _ladder() -> Broken:
    case, decision = registered_case()
    # The formal warning alone, its warnings gone: step 3 with no step 2 and no bypass.
    alone = case.model_copy(update={"decisions": (decision,), "letters": ()})
    return None, alone, "add-incident"


def _terms() -> Broken:
    return registered_case()[0], _in_force(considerations=None), "escalate"


def _spoc() -> Broken:
    spoc = Restriction(kind="single_point_of_contact", staff="cron")
    return registered_case()[0], _in_force(restrictions=(LETTER_ONLY, spoc)), "escalate"


def _six_monthly() -> Broken:
    return registered_case()[0], _in_force(review_by=TODAY + dt.timedelta(days=300)), "escalate"


def _removed() -> Broken:
    case, decision = registered_case()
    lift = Review(
        id="R-0000000R", decision=decision.id, date=TODAY, due=TODAY, late=False,
        outcome="lift", reasons="Seems calmer.", significant_change=False, by="officer",
        policy=decision.policy,
    )  # fmt: skip
    lifted = decision.model_copy(update={"status": "lifted", "ended_on": TODAY})
    after = case.model_copy(
        update={"decisions": (*case.decisions[:-1], lifted), "reviews": (lift,)}
    )
    return case, after, "review"


def _adjustments() -> Broken:
    case, _ = registered_case()
    early = Adjustment(
        kind="no_written", recorded_by="officer", recorded_on=TODAY - dt.timedelta(days=1)
    )
    return None, case.model_copy(update={"adjustments": (early,)}), "add-incident"


def _appeal() -> Broken:
    case, decision = registered_case()
    appeal = Appeal(
        id="A-0000000A", decision=decision.id, received=TODAY, lodged_by="officer",
        outcome="upheld", reasons="Proportionate.", decided_by="manager", decided_on=TODAY,
        policy=decision.policy,
    )  # fmt: skip
    return case, case.model_copy(update={"appeals": (appeal,)}), "appeal-decide"


def _one_at_a_time() -> Broken:
    case, decision = registered_case()
    twin = decision.model_copy(update={"id": "D-0000000T"})
    return case, case.model_copy(update={"decisions": (*case.decisions, twin)}), "approve"


def _import_names() -> Broken:
    case, _ = registered_case()
    return None, case, "import"


def _import_marked() -> Broken:
    case, _ = registered_case()

    def unnamed(item: Any) -> Any:
        fields = {
            f: EARLIER_RECORDS
            for f in ("reported_by", "proposed_by", "recorded_by", "lodged_by", "by")
            if getattr(item, f, None)
        }
        return item.model_copy(update=fields)

    after = case.model_copy(
        update={name: tuple(unnamed(i) for i in getattr(case, name))
                for name in ("incidents", "decisions", "reviews", "appeals", "adjustments",
                             "letters")}
    )  # fmt: skip
    return None, after, "import"


def _only_imports() -> Broken:
    from ucbr.domain.provenance import Earlier

    case, _ = registered_case()
    case, incident = continued(case)
    marked = tuple(
        i.model_copy(update={"imported": Earlier(row=2)}) if i.id == incident else i
        for i in case.incidents
    )
    return registered_case()[0], case.model_copy(update={"incidents": marked}), "add-incident"


def _import_attests() -> Broken:
    case, _ = registered_case()  # approved by the manager, imported by another
    return None, case, "import"


def _import_attests_property() -> Broken:
    return None, policy.approve_property(proposed_property(), ctx("manager")), "import"


def _frontline_case() -> Broken:
    return None, registered_case()[0], "add-incident"


def _frontline_property() -> Broken:
    return None, policy.approve_property(proposed_property(), ctx("manager")), "property-add"


def _property_four_eyes() -> Broken:
    prop = policy.approve_property(proposed_property(), ctx("manager"))
    forged = prop.model_copy(
        update={"decision": prop.decision.model_copy(update={"approved_by": "officer"})}
    )
    return None, forged, "property-add"


def _property_approver() -> Broken:
    prop = policy.approve_property(proposed_property(), ctx("manager"))
    decision = prop.decision.model_copy(update={"approved_by": "officer2"})
    return None, prop.model_copy(update={"decision": decision}), "property-approve"


def _special_category() -> Broken:
    prop = proposed_property(risks=("mental_health",), condition="Vital interests of staff.")
    return None, prop.model_copy(update={"condition": None}), "property-add"


def _property_reviewed() -> Broken:
    prop = policy.approve_property(proposed_property(), ctx("manager"))
    return None, prop.model_copy(update={"next_review": None}), "property-approve"


BREAKERS: dict[str, Callable[[], Broken]] = {
    "four-eyes": _four_eyes,
    "relevant-approver": _relevant_approver,
    "ladder-followed": _ladder,
    "decision-terms": _terms,
    "single-point-of-contact-is-staff": _spoc,
    "reviewed-six-monthly": _six_monthly,
    "removed-only-on-change": _removed,
    "adjustments-bind": _adjustments,
    "appeal-in-time-and-uninvolved": _appeal,
    "one-at-a-time": _one_at_a_time,
    "import-names-no-officer": _import_names,
    "import-marked": _import_marked,
    "only-imports-are-imported": _only_imports,
    "import-attests-only-its-importer": _import_attests,
    "import-attests-only-its-importer-property": _import_attests_property,
    "frontline-creates-off-register": _frontline_case,
    "frontline-creates-no-property-risk": _frontline_property,
    "property-four-eyes": _property_four_eyes,
    "property-approver": _property_approver,
    "special-category-condition": _special_category,
    "property-reviewed": _property_reviewed,
}
# Who makes the breaking change, where it is not the manager.
ACTORS: dict[str, str] = {
    "import-attests-only-its-importer": "head",
    "import-attests-only-its-importer-property": "head",
    "frontline-creates-off-register": "front",
    "frontline-creates-no-property-risk": "front",
}
