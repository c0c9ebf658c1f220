"""How long the register keeps a case: the rule for its worst behaviour, and when its
period runs out.

The period depends on the worst behaviour recorded (``.ucbr/policy.yaml`` ``retention``):
violence or a serious threat, threats, or else verbal abuse and unreasonable demands.
It runs from the day the last restriction ended, or from the last incident when the case
was never restricted (and never from before the last incident). A case on the register,
with an appeal pending or a proposal awaiting approval is never deleted. Property risks
are reviewed, never deleted: their period only says when to look again.

Pure: ``ucbr retention`` applies it, and the audit re-derives it for every deletion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from ucbr.domain import expiry, views
from ucbr.domain.dates import add_months
from ucbr.domain.model import RESTRICTING_STEPS, Case, PropertyRisk
from ucbr.domain.settings import PolicyConfig

Rule = Literal["verbal_abuse", "threats", "violence", "weapons_or_animals"]

VIOLENCE_BEHAVIOURS: frozenset[str] = frozenset(
    {"physically_aggressive", "damage_to_council_property"}
)
THREAT_BEHAVIOURS: frozenset[str] = frozenset({"threats", "threatening_language", "intimidation"})
WEAPON_OR_ANIMAL_RISKS: frozenset[str] = frozenset({"weapons", "dangerous_animal"})


@dataclass(frozen=True)
class Verdict:
    """One file's retention: the rule, when the period runs from and to, and what is due."""

    id: str
    rule: Rule
    years: int
    counted_from: dt.date
    expires_on: dt.date
    held: str | None  # why it is kept whatever the date
    action: Literal["delete", "review"]

    def past(self, today: dt.date) -> bool:
        """Whether the file is due for its action on ``today``."""
        return self.held is None and today >= self.expires_on

    def as_dict(self) -> dict[str, Any]:
        """The verdict as JSON data."""
        return {
            "id": self.id,
            "rule": self.rule,
            "years": self.years,
            "counted_from": self.counted_from.isoformat(),
            "expires_on": self.expires_on.isoformat(),
            "action": self.action,
        }


def years_for(rule: Rule, cfg: PolicyConfig) -> int:
    """The years the council keeps a file under ``rule``."""
    years = cfg.retention
    return {
        "verbal_abuse": years.verbal_abuse_years,
        "threats": years.threats_years,
        "violence": years.violence_years,
        "weapons_or_animals": years.weapons_or_animals_years,
    }[rule]


def case_rule(case: Case) -> Rule:
    """The rule for the worst behaviour recorded on the case."""
    behaviours = {b for i in case.incidents for b in i.behaviours}
    if any(i.serious for i in case.incidents) or behaviours & VIOLENCE_BEHAVIOURS:
        return "violence"
    if behaviours & THREAT_BEHAVIOURS:
        return "threats"
    return "verbal_abuse"


def counted_from(case: Case) -> dt.date:
    """When the last restriction ended, or the last incident if that is later or none ended."""
    last_incident = max((i.date for i in case.incidents), default=case.opened_on)
    ends = [
        d.ended_on or expiry.decision_ends_on(d)
        for d in case.decisions
        if d.step in RESTRICTING_STEPS and d.approved_on is not None
    ]
    return max([last_incident, *(day for day in ends if day is not None)])


def held_because(case: Case) -> str | None:
    """Why a case is kept whatever the date, or None."""
    current = views.decision_in_force(case)
    # A decision that ends on its date is counted from that end, however far off it is.
    if views.on_register(case) and current and expiry.decision_ends_on(current) is None:
        return "on the register"
    if views.pending_appeal(case) is not None:
        return "appeal pending"
    if views.pending_proposal(case) is not None:
        return "proposal awaiting approval"
    return None


def case_verdict(case: Case, cfg: PolicyConfig) -> Verdict:
    """When a case is past retention, and by which rule."""
    rule = case_rule(case)
    years = years_for(rule, cfg)
    start = counted_from(case)
    return Verdict(
        case.id, rule, years, start, add_months(start, 12 * years), held_because(case), "delete"
    )


def property_verdict(prop: PropertyRisk, cfg: PolicyConfig) -> Verdict:
    """Property risks are reviewed, never expired: the period only says when to look again."""
    rule: Rule = "weapons_or_animals" if set(prop.risks) & WEAPON_OR_ANIMAL_RISKS else "violence"
    years = years_for(rule, cfg)
    decision = prop.decision
    dates = [
        decision.proposed_on,
        decision.approved_on,
        decision.ended_on,
        *(r.date for r in prop.reviews),
    ]
    start = max(day for day in dates if day is not None)
    return Verdict(prop.id, rule, years, start, add_months(start, 12 * years), None, "review")
