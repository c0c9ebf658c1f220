"""Who can read which tier: what each commit changed of it, and whether it was allowed to.

Only the staff commands change the staff directory, the tier keys and their public halves,
and each only as it says: ``staff-add`` adds the one member its ``Ucbr-Staff`` trailer
names, ``staff-remove`` removes that member, ``keys-rotate`` changes only that member's
keys. Every tier key a commit writes must be sealed to exactly the staff entitled to it
(counted stanza by stanza, and named where the key is an SSH key), so no key can be wrapped
to a stranger, however the directory was edited.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ucbr.domain.staff import TIERS, StaffDirectory, Tier
from ucbr.services.audit.snapshots import Snapshots, parent_of
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import STAFF_FILE, recipients_file, tier_key_file
from ucbr.storage.vault import stanza_for, stanzas

NO_TRAILERS = "(no trailers)"
ACCESS_PATHS = (STAFF_FILE, ".ucbr/recipients/", ".ucbr/tiers/")


@dataclass(frozen=True)
class AccessChange:
    """A change to who can read which tier, and who made it."""

    commit: str
    date: str
    officer: str
    action: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    tier_keys: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()


def directory_problems(commit: Commit, snaps: Snapshots) -> list[str]:
    """The staff directory and tier keys changed only as the commit's action says."""
    if not any(path.startswith(ACCESS_PATHS) for path in commit.files):
        return []
    before, after = snaps.staff(parent_of(commit)), snaps.staff(commit.sha)
    named = commit.trailer("Ucbr-Staff")
    problems = _member_problems(commit.action or "", named, before, after)
    for tier in TIERS:
        if tier_key_file(tier) in commit.files:
            problems.extend(_wrap_problems(tier, snaps.raw(commit.sha, tier_key_file(tier)), after))
    return problems


def _member_problems(
    action: str, named: str | None, before: StaffDirectory, after: StaffDirectory
) -> list[str]:
    others_before = [m for m in before.staff if m.id != named]
    others_after = [m for m in after.staff if m.id != named]
    if action == "init":
        return [] if not after.staff else ["an init commit must start with no staff"]
    if action not in ("staff-add", "staff-remove", "keys-rotate") or named is None:
        return [f"a {action or 'commit'} changed who can read the register"]
    if others_before != others_after:
        return [f"a {action} of {named} changed other members of staff"]
    was, now = before.by_id(named), after.by_id(named)
    if action == "staff-add" and not (was is None and now is not None):
        return [f"a staff-add did not add {named}"]
    if action == "staff-remove" and not (was is not None and now is None):
        return [f"a staff-remove did not remove {named}"]
    if action == "keys-rotate" and (
        was is None or now is None or was.model_copy(update={"recipients": now.recipients,
        "signing_key": now.signing_key}) != now
    ):  # fmt: skip
        return [f"a keys-rotate of {named} changed more than their keys"]
    return []


def _wrap_problems(tier: Tier, wrapped: bytes | None, directory: StaffDirectory) -> list[str]:
    """A tier key sealed to exactly its holders: no one more, no one less."""
    found = stanzas(wrapped.decode(errors="replace")) if wrapped else None
    expected = [stanza_for(key) for member in directory.holders(tier) for key in member.recipients]
    if found is None or Counter(found) != Counter(expected):
        return [f"the {tier} tier key is not sealed to exactly the staff who hold that tier"]
    return []


def access_change(commit: Commit, snaps: Snapshots) -> AccessChange | None:
    """What a commit changed of who can read which tier; None if it changed nothing of it."""
    if not any(f.startswith(ACCESS_PATHS) for f in commit.files):
        return None
    old, new = snaps.staff(parent_of(commit)), snaps.staff(commit.sha)
    changed: list[str] = []
    for member in new.staff:
        was = old.by_id(member.id)
        if was is not None and was.role != member.role:
            changed.append(
                f"{member.id}: {_words(was.role)} -> {_words(member.role)} ({member.tier} tier)"
            )
        elif was is not None and was.recipients != member.recipients:
            changed.append(f"{member.id}: new key")
    return AccessChange(
        commit=commit.short,
        date=commit.date.date().isoformat(),
        officer=commit.officer or NO_TRAILERS,
        action=commit.action or NO_TRAILERS,
        added=tuple(
            f"{m.id} ({_words(m.role)}, {m.tier} tier)" for m in new.staff if not old.by_id(m.id)
        ),
        removed=tuple(
            f"{m.id} ({_words(m.role)}, {m.tier} tier)" for m in old.staff if not new.by_id(m.id)
        ),
        changed=tuple(changed),
        tier_keys=tuple(t for t in TIERS if tier_key_file(t) in commit.files),
        recipients=tuple(t for t in TIERS if recipients_file(t) in commit.files),
    )


def _words(role: str) -> str:
    """A role in plain words: ``case officer``."""
    return role.replace("_", " ")
