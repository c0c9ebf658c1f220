"""How long the register keeps a case, and deleting what is past it.

The rules (``ucbr.domain.retention``): the period depends on the worst behaviour recorded
(``.ucbr/policy.yaml`` ``retention``), and runs from the day the last restriction ended,
or from the last incident. A case on the register, with an appeal pending or a proposal
awaiting approval is never deleted.

Property risks are reviewed, never deleted automatically: a property whose record has not
changed within its period (weapons or dangerous animals: their own period; any other risk:
the violence period) is listed for review, not expiry.

Deletion removes the case file in one commit and adds a tombstone to
``.ucbr/tombstones.yaml``: the id, the date, the rule applied and who applied it. The
ciphertext stays in git history; purging it is a history rewrite (see the README).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ucbr.domain.permissions import ADMINISTRATORS as STAFF_ADMIN_ROLES
from ucbr.domain.retention import (
    THREAT_BEHAVIOURS,
    VIOLENCE_BEHAVIOURS,
    WEAPON_OR_ANIMAL_RISKS,
    Rule,
    Verdict,
    case_rule,
    case_verdict,
    counted_from,
    held_because,
    property_verdict,
    years_for,
)
from ucbr.domain.staff import StaffMember
from ucbr.errors import Refused
from ucbr.services.clock import real_today
from ucbr.services.session import Session
from ucbr.storage.envelope import relpath
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring
from ucbr.storage.yamlio import dump_plain, load_strict

__all__ = [
    "THREAT_BEHAVIOURS",
    "TOMBSTONES",
    "VIOLENCE_BEHAVIOURS",
    "WEAPON_OR_ANIMAL_RISKS",
    "Rule",
    "Verdict",
    "apply",
    "case_rule",
    "case_verdict",
    "counted_from",
    "held_because",
    "past_retention",
    "property_verdict",
    "tombstone",
    "tombstones",
    "years_for",
]
TOMBSTONES = ".ucbr/tombstones.yaml"
TOMBSTONE_HEADER = (
    "# Cases deleted at the end of their retention period: ids, dates, rules; no personal data.\n"
)

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
