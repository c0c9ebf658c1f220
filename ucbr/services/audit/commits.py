"""Judging one commit: its trailers, its author and their role, its signature, and what it
changed of who can read which tier.

Each commit is judged by the staff directory and policy in force when it was made (at its
parent), so a member's role is the one they held when they acted.
"""

from __future__ import annotations

import base64
import hashlib
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ucbr.domain.permissions import ADMINISTRATORS, CASEWORK, WHO_MAY, is_action
from ucbr.domain.problems import Problem
from ucbr.domain.staff import TIERS, Role, StaffMember
from ucbr.services.audit.snapshots import Snapshots, parent_of
from ucbr.storage import gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import STAFF_FILE, recipients_file, tier_key_file

RECORD_DIRS = ("cases/", "properties/")
REGISTER_PATHS = (*RECORD_DIRS, ".ucbr/", ".gitattributes")
ACCESS_PATHS = (STAFF_FILE, ".ucbr/recipients/", ".ucbr/tiers/")
NO_TRAILERS = "(no trailers)"
_ACTION = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_OFFICER = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
_FILE_ID = re.compile(r"^[CP]-[0-9A-HJKMNP-TV-Z]{8}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_.,:@+-]{1,80}$")
_SUBJECT = re.compile(r"^ucbr: ([a-z][a-z0-9-]*)( [A-Za-z0-9_.@-]+)?$")

Signature = tuple[str, str, str]  # git's %G? status, the signer (%GS), the key (%GK)


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


def where(commit: Commit) -> str:
    """The register file a commit's problems are reported against."""
    return next(
        (f for f in commit.files if f.startswith(REGISTER_PATHS)),
        commit.files[0] if commit.files else "-",
    )


def check_commit(
    commit: Commit, snaps: Snapshots, sig: Signature | None
) -> tuple[list[Problem], bool]:
    """The problems of one commit, and whether its signature verified."""
    register_files = [f for f in commit.files if f.startswith(REGISTER_PATHS)]
    found: list[Problem] = []

    def problem(path: str, message: str) -> None:
        found.append(Problem(path, message, severity="integrity", commit=commit.short))

    if commit.is_merge:
        if register_files:
            problem(
                register_files[0],
                "a merge commit changed register files; "
                "`ucbr sync` rebases, so it was made by hand",
            )
        return found, False
    if not commit.trailers:
        if register_files:
            problem(register_files[0], "changed by hand: the commit has no ucbr trailers")
    else:
        for message in trailer_problems(commit, snaps):
            problem(where(commit), message)
    member, messages = author_problems(commit, snaps)
    for message in messages:
        problem(where(commit), message)
    verified, unsigned = _signature(commit, snaps, member, sig)
    if unsigned:
        problem(where(commit), unsigned)
    return found, verified


def trailer_problems(commit: Commit, snaps: Snapshots) -> list[str]:
    """Trailers present, once each, well-formed, and naming every file the commit changed."""
    problems = [
        f"has {n} {key} trailers; exactly one is needed"
        for key in ("Ucbr-Action", "Ucbr-Officer", "Ucbr-Policy")
        if (n := len(commit.trailer_all(key))) != 1
    ]
    action, officer = commit.action or "", commit.officer or ""
    policy = commit.trailer("Ucbr-Policy") or ""
    if action and not _ACTION.match(action):
        problems.append("Ucbr-Action is malformed")
    elif action and not is_action(action):
        problems.append(f"Ucbr-Action {action} is not an action ucbr takes")
    if officer and not (_OFFICER.match(officer) or (officer == "-" and action == "init")):
        problems.append("Ucbr-Officer is not a staff id")
    if action == "init" and (commit.parents or officer != "-"):
        problems.append("an init commit must be the first, with officer -")
    parent = parent_of(commit)
    if policy and policy not in (snaps.policy_hash(commit.sha), snaps.policy_hash(parent)):
        problems.append("Ucbr-Policy is not the hash of .ucbr/policy.yaml")
    match = _SUBJECT.match(commit.subject)
    if match is None or match.group(1) != action:
        problems.append("the subject is not `ucbr: ACTION ID`")
    for key, value in commit.trailers:
        if key == "Ucbr-Case" and not _FILE_ID.match(value):
            problems.append("a Ucbr-Case trailer is not a case or property id")
        elif not _TOKEN.match(value):
            problems.append(f"the {key} trailer holds more than an id")
    named = set(commit.trailer_all("Ucbr-Case"))
    for path in commit.files:
        if path.startswith(RECORD_DIRS) and Path(path).stem not in named:
            problems.append(f"changed {path}, which no Ucbr-Case trailer names")
    return problems


def author_problems(commit: Commit, snaps: Snapshots) -> tuple[StaffMember | None, list[str]]:
    """The author in the directory in force when they acted, and whether their role allowed it."""
    if commit.action == "init" and not commit.parents:
        return None, []
    before = snaps.staff(parent_of(commit))
    if not before.staff and commit.action == "staff-add":
        return _first_member(commit, snaps)
    member = before.by_email(commit.author_email)
    if member is None:
        return None, ["the author is not in the staff directory at this commit"]
    problems: list[str] = []
    if commit.officer and commit.officer != member.id:
        problems.append(f"Ucbr-Officer {commit.officer} is not the commit's author ({member.id})")
    touches = any(f.startswith(RECORD_DIRS) for f in commit.files)
    action = commit.action
    roles: frozenset[Role] | None = CASEWORK if touches else None
    if action is not None and is_action(action):
        roles = WHO_MAY[action]
    if roles is not None and member.role not in roles:
        problems.append(f"{member.id} is a {member.role}, who may not {action or 'change records'}")
    return member, problems


def _first_member(commit: Commit, snaps: Snapshots) -> tuple[StaffMember | None, list[str]]:
    """The very first staff-add: the new member adds themselves, as an administrator."""
    after = snaps.staff(commit.sha)
    member = after.by_email(commit.author_email)
    if member is None or len(after.staff) != 1 or commit.officer != member.id:
        return None, ["the first member of staff was not added by themselves"]
    if member.role not in ADMINISTRATORS:
        return member, [
            "the first member of staff must be a manager, head of service or IG officer"
        ]
    return member, []


def fingerprint(signing_key: str) -> str:
    """An SSH public key's SHA256 fingerprint, as git's %GK prints it."""
    try:
        blob = base64.b64decode(signing_key.split()[1], validate=True)
    except (IndexError, ValueError):
        return ""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def signatures(
    root: Path, snaps: Snapshots, commits: Sequence[Commit], since: str | None
) -> dict[str, Signature]:
    """Each commit's signature as git verifies it against every signing key ever listed."""
    keys = snaps.signing_keys()
    required = any((cfg := snaps.policy(c.sha)) and cfg.require_signed_commits for c in commits)
    if not keys and not required:
        return {}
    with tempfile.TemporaryDirectory(prefix="ucbr-signers-") as tmp:
        allowed = Path(tmp) / "allowed_signers"
        allowed.write_text(
            "".join(f'{email} namespaces="git" {key}\n' for email, key in sorted(keys))
        )
        return gitlog.signatures(root, allowed, since)


def _signing_key(commit: Commit, snaps: Snapshots, member: StaffMember | None) -> str | None:
    """The author's key in force; a member's first key may sign the commit that records it."""
    if member is None:
        return None
    if member.signing_key:
        return member.signing_key
    after = snaps.staff(commit.sha).by_id(member.id)
    return after.signing_key if after is not None else None


def _signature(
    commit: Commit, snaps: Snapshots, member: StaffMember | None, sig: Signature | None
) -> tuple[bool, str | None]:
    status, signer, key = sig or ("N", "", "")
    signing_key = _signing_key(commit, snaps, member)
    good = (
        status == "G"
        and member is not None
        and signing_key is not None
        and signer.lower() == member.email.lower()
        and key == fingerprint(signing_key)
    )
    cfg = snaps.policy(commit.sha)
    if good or cfg is None or not cfg.require_signed_commits:
        return good, None
    if status == "N":
        return False, "the commit is not signed, and .ucbr/policy.yaml requires signed commits"
    if status in ("G", "U"):
        return (
            False,
            "the commit is signed, but not with the author's signing key in the staff directory",
        )
    return False, "the commit's signature does not verify"


def access_change(commit: Commit, snaps: Snapshots) -> AccessChange | None:
    """What a commit changed of who can read which tier; None if it changed nothing of it."""
    if not any(f.startswith(ACCESS_PATHS) for f in commit.files):
        return None
    old, new = snaps.staff(parent_of(commit)), snaps.staff(commit.sha)
    changed: list[str] = []
    for member in new.staff:
        was = old.by_id(member.id)
        if was is not None and was.role != member.role:
            changed.append(f"{member.id}: {was.role} -> {member.role} ({member.tier} tier)")
        elif was is not None and was.recipients != member.recipients:
            changed.append(f"{member.id}: new key")
    return AccessChange(
        commit=commit.short,
        date=commit.date.date().isoformat(),
        officer=commit.officer or NO_TRAILERS,
        action=commit.action or NO_TRAILERS,
        added=tuple(f"{m.id} ({m.role}, {m.tier} tier)" for m in new.staff if not old.by_id(m.id)),
        removed=tuple(
            f"{m.id} ({m.role}, {m.tier} tier)" for m in old.staff if not new.by_id(m.id)
        ),
        changed=tuple(changed),
        tier_keys=tuple(t for t in TIERS if tier_key_file(t) in commit.files),
        recipients=tuple(t for t in TIERS if recipients_file(t) in commit.files),
    )
