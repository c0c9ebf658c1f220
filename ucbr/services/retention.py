"""How long the register keeps a case, and deleting what is past it.

The period depends on the worst behaviour recorded (``.ucbr/policy.yaml`` ``retention``):
violence or a serious threat, threats, or else verbal abuse and unreasonable demands.
It runs from the day the last restriction ended, or from the last incident when the case
was never restricted (and never from before the last incident). A case on the register,
with an appeal pending or a proposal awaiting approval is never deleted.

Property risks are reviewed, never deleted automatically: a property whose record has not
changed within its period (weapons or dangerous animals: their own period; any other risk:
the violence period) is listed for review, not expiry.

Deletion removes the case file in one commit and adds a tombstone to
``.ucbr/tombstones.yaml``: the id, the date, the rule applied and who applied it. The
ciphertext stays in git history; purging it is a history rewrite (see the README).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from ucbr.domain import expiry, views
from ucbr.domain.dates import add_months
from ucbr.domain.model import RESTRICTING_STEPS, Case, PropertyRisk
from ucbr.domain.permissions import ADMINISTRATORS as STAFF_ADMIN_ROLES
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffMember
from ucbr.errors import Refused
from ucbr.services.clock import real_today
from ucbr.services.session import Session
from ucbr.storage.envelope import relpath
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring
from ucbr.storage.yamlio import dump_plain, load_strict

Rule = Literal["verbal_abuse", "threats", "violence", "weapons_or_animals"]
TOMBSTONES = ".ucbr/tombstones.yaml"
TOMBSTONE_HEADER = (
    "# Cases deleted at the end of their retention period: ids, dates, rules; no personal data.\n"
)

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


# --- the register -------------------------------------------------------------------------------


def past_retention(reg: Register, ring: Keyring, today: dt.date) -> list[Verdict]:
    """Every case past its period (to delete) and property past it (to review), by id."""
    found: list[Verdict] = []
    for case_id in reg.ids("case"):
        found.append(case_verdict(reg.load_case(case_id, ring)[1], reg.cfg))
    for prop_id in reg.ids("property"):
        found.append(property_verdict(reg.load_property(prop_id, ring)[1], reg.cfg))
    return [v for v in found if v.past(today)]


def tombstones(reg: Register) -> list[dict[str, Any]]:
    """The tombstones of cases deleted at the end of their retention."""
    path = reg.root / TOMBSTONES
    if not path.exists():
        return []
    data = load_strict(path.read_bytes(), TOMBSTONES) or {}
    entries = data.get("tombstones") if isinstance(data, dict) else None
    return list(entries or [])


def tombstone(verdict: Verdict, by: StaffMember, today: dt.date) -> dict[str, Any]:
    """The tombstone of one deleted case: id, date, rule and who applied it."""
    return {
        "id": verdict.id,
        "deleted_on": today.isoformat(),
        "rule": verdict.rule,
        "years": verdict.years,
        "by": by.id,
    }


def apply(session: Session, past: list[Verdict]) -> str | None:
    """Delete the expired cases in one commit, with a tombstone each; None if there are none.

    Deletion cannot be undone, so it is refused when the policy clock is ahead of the
    machine's own date (``UCBR_TODAY`` moved forward).
    """
    reg, actor, today = session.reg, session.actor, session.today
    if actor.role not in STAFF_ADMIN_ROLES:
        raise Refused("only an IG officer, manager or head of service may delete expired cases")
    if today > real_today():
        raise Refused(
            "the policy clock is ahead of today's date; retention deletes only on the real date"
        )
    expired = [v for v in past if v.action == "delete" and v.past(today)]
    if not expired:
        return None
    with reg.locked():
        kept = tombstones(reg) + [tombstone(v, actor, today) for v in expired]
        files: dict[str, str | bytes | None] = {relpath(v.id): None for v in expired}
        files[TOMBSTONES] = TOMBSTONE_HEADER + dump_plain({"tombstones": kept})
        return session.commit(files, session.message("retention", "", ids=[v.id for v in expired]))
