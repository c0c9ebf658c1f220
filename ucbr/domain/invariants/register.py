"""The invariants of the register's own files: the staff directory, the tier keys sealed
to it, the council's settings, and which files a commit may delete.

The directory, the settings and the public tier keys are plain text, so the keyless
server's hook judges those rules as fully as the audit does; whether a deleted case was
past its retention needs its record, so a casework key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ucbr.domain.invariants.base import Facts, Invariant
from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.retention import case_verdict
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory, StaffMember, Tier, tiers_held

ONE_KEY_ONE_MEMBER = (
    "Every member of staff has a key of their own: no key, to open tiers or to sign, is "
    "listed for two members."
)
NO_OWN_KEY = (
    "Nobody changes their own key or adds a key of their own: another administrator rotates "
    "it, so a stolen key cannot be swapped for the thief's by its holder."
)
LEAVER_LOSES_ACCESS = (
    "A member who leaves, or whose key is lost, loses the tiers they held: every tier key "
    "their key opened is renewed in the same commit."
)
SIGNING_STAYS_ON = (
    "Once commits must be signed, they stay signed: no commit turns require_signed_commits "
    "off (a register that must stop is founded again, by the root of trust)."
)
RETENTION_WHEN_DUE = (
    "A case is deleted only at the end of its retention period, and never while it is on the "
    "register, an appeal is pending or a proposal awaits approval; property risks are "
    "reviewed, never deleted."
)


@dataclass(frozen=True)
class Access:
    """Who can read the register at one commit: the staff directory and each tier's public
    key (the key every section of that tier is sealed to)."""

    staff: StaffDirectory
    public: Mapping[Tier, str | None]


@dataclass(frozen=True)
class Removal:
    """A case or property file a commit deletes: its record as it stood (None where the key
    judging it cannot open it), and the policy day of the commit."""

    file_id: str
    record: Case | PropertyRisk | None
    day: dt.date


def key_id(key: str) -> str:
    """A public key as compared between members: its type and body, without its comment."""
    words = key.split()
    return " ".join(words[:2]) if key.startswith("ssh-") else key.strip().lower()


def _keys_of(member: StaffMember) -> set[str]:
    return {key_id(k) for k in (*member.recipients, member.signing_key) if k}


def _one_key_one_member(
    before: StaffDirectory | None, staff: StaffDirectory, facts: Facts
) -> Iterator[str]:
    del before, facts
    holder: dict[str, str] = {}
    for member in staff.staff:
        for key in sorted(_keys_of(member)):
            if key in holder and holder[key] != member.id:
                yield f"{member.id} holds a key that is {holder[key]}'s"
            holder.setdefault(key, member.id)


def _no_own_key(
    before: StaffDirectory | None, staff: StaffDirectory, facts: Facts
) -> Iterator[str]:
    actor = facts.actor
    if before is None or actor is None or not before.staff:
        return  # the founding member adds themselves
    mine = _keys_of(actor)
    for member in staff.staff:
        was = before.by_id(member.id)
        if was is not None and _keys_of(was) == _keys_of(member):
            continue
        if member.id == actor.id:
            yield f"{actor.id} changed their own key"
        elif _keys_of(member) & mine:
            yield f"{actor.id} gave {member.id} a key of their own"


def _leaver_loses_access(before: Access | None, now: Access, facts: Facts) -> Iterator[str]:
    if before is None or facts.action not in ("staff-remove", "keys-rotate"):
        return
    for member in before.staff.staff:
        after = now.staff.by_id(member.id)
        if after is not None and _keys_of(after) == _keys_of(member):
            continue
        kept = [t for t in tiers_held(member.tier) if now.public.get(t) == before.public.get(t)]
        if kept:
            yield (
                f"a {facts.action} of {member.id} kept the {', '.join(kept)} tier key(s) "
                "their key opens: it still reads what is sealed after"
            )


def _signing_stays_on(
    before: PolicyConfig | None, cfg: PolicyConfig, facts: Facts
) -> Iterator[str]:
    del facts
    if before is not None and before.require_signed_commits and not cfg.require_signed_commits:
        yield "require_signed_commits was turned off"


def _retention_when_due(before: Removal | None, removal: Removal, facts: Facts) -> Iterator[str]:
    del before
    if facts.action != "retention" or removal.record is None or facts.cfg is None:
        return
    if isinstance(removal.record, PropertyRisk):
        yield f"deleted {removal.file_id}: property risks are reviewed, never deleted"
        return
    verdict = case_verdict(removal.record, facts.cfg)
    if verdict.held is not None:
        yield f"deleted {removal.file_id}, which is kept whatever the date: {verdict.held}"
    elif not verdict.past(removal.day):
        yield f"deleted {removal.file_id} before its retention ends on {verdict.expires_on}"


STAFF: tuple[Invariant[StaffDirectory], ...] = (
    Invariant("one-key-one-member", ONE_KEY_ONE_MEMBER, "staff", _one_key_one_member, False),
    Invariant("no-own-key", NO_OWN_KEY, "staff", _no_own_key, False),
)
ACCESS: tuple[Invariant[Access], ...] = (
    Invariant("leaver-loses-access", LEAVER_LOSES_ACCESS, "staff", _leaver_loses_access, False),
)
SETTINGS: tuple[Invariant[PolicyConfig], ...] = (
    Invariant("signing-stays-on", SIGNING_STAYS_ON, "settings", _signing_stays_on, False),
)
REMOVALS: tuple[Invariant[Removal], ...] = (
    Invariant("retention-when-due", RETENTION_WHEN_DUE, "register", _retention_when_due),
)
