"""Judging one commit: its trailers, its author and their role, its signature, its date,
and what it changed.

Each commit is judged by the staff directory and policy in force when it was made (at its
parent), so a member's role, key and duty to sign are the ones they had when they acted.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ucbr.domain.permissions import ADMINISTRATORS, CASEWORK, WHO_MAY, is_action
from ucbr.domain.policy.dated import OFFLINE_DAYS
from ucbr.domain.problems import Problem
from ucbr.domain.staff import Role, StaffMember
from ucbr.services.audit.access import (
    NO_TRAILERS,
    AccessChange,
    access_change,
    directory_problems,
)
from ucbr.services.audit.paths import path_problems, shown
from ucbr.services.audit.rules import register_problems
from ucbr.services.audit.signatures import Signature, signature_problem, signatures
from ucbr.services.audit.snapshots import Snapshots, parent_of
from ucbr.services.audit.statements import ROOT_ACTIONS, signed_by_root, statement_problems
from ucbr.services.audit.stepdates import step_date_problems, trailer_date
from ucbr.storage.gitlog import Commit

__all__ = ["NO_TRAILERS", "AccessChange", "access_change", "check_commit", "signatures"]

RECORD_DIRS = ("cases/", "properties/")
REGISTER_PATHS = (*RECORD_DIRS, ".ucbr/", ".gitattributes")
# A commit's policy date is the day it was committed, give or take a day (time zones); or,
# for work done offline and rebased by `ucbr sync` later, up to a few days before it.
CLOCK_AHEAD = dt.timedelta(days=1)
CLOCK_OFFLINE = dt.timedelta(days=OFFLINE_DAYS)
_ACTION = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_OFFICER = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
_FILE_ID = re.compile(r"^[CP]-[0-9A-HJKMNP-TV-Z]{8}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_.,:@+-]{1,80}$")
_SUBJECT = re.compile(r"^ucbr: ([a-z][a-z0-9-]*)( [A-Za-z0-9_.@-]+)?$")


def where(commit: Commit) -> str:
    """The register file a commit's problems are reported against."""
    return next(
        (f for f in commit.files if f.startswith(REGISTER_PATHS)),
        shown(commit.files[0]) if commit.files else "-",
    )


def check_commit(
    commit: Commit,
    snaps: Snapshots,
    sig: Signature | None,
    *,
    root: str | None = None,
    attested: bool = False,
) -> tuple[list[Problem], bool]:
    """The problems of one commit, and whether its signature verified.

    A statement of the root (``root-rotate``, ``re-root``) is signed with ``root``, the
    root key in force, not the author's own key. A commit a sound ``re-root`` stands for
    (``attested``: a purge of history dropped its signature) is not held to its signature.
    """
    register_files = [f for f in commit.files if f.startswith(REGISTER_PATHS)]
    found: list[Problem] = []

    def problem(path: str, message: str) -> None:
        found.append(Problem(path, message, severity="integrity", commit=commit.short))

    if commit.is_merge:
        # ucbr never merges (`ucbr sync` rebases), and a merge can join a second history,
        # with a founder of its own, whose commits each look sound from their own parent.
        problem(
            register_files[0] if register_files else "-",
            "a merge commit: `ucbr sync` rebases, so it was made by hand, and it may join "
            "another history",
        )
        return found, False
    if not commit.trailers:
        # Every commit is an action: one without trailers was made by hand, whatever it changed.
        problem(where(commit), "changed by hand: the commit has no ucbr trailers")
        for message in path_problems(commit, model_only=True):
            problem(where(commit), message)
    else:
        messages = [
            *(f"stored {path} as a link; a register holds only files" for path in commit.links),
            *trailer_problems(commit, snaps),
            *clock_problems(commit),
            *step_date_problems(commit),
            *path_problems(commit),
            *directory_problems(commit, snaps),
            *register_problems(commit, snaps),
        ]
        for message in messages:
            problem(where(commit), message)
    member, messages = author_problems(commit, snaps)
    for message in messages:
        problem(where(commit), message)
    if commit.action in ROOT_ACTIONS:
        for message in statement_problems(commit, snaps, sig, root):
            problem(where(commit), message)
        return found, signed_by_root(sig, root)
    verified, unsigned = signature_problem(commit, snaps, member, sig)
    if unsigned and not attested:
        problem(where(commit), unsigned)
    return found, verified


def trailer_problems(commit: Commit, snaps: Snapshots) -> list[str]:
    """Trailers present, once each, well-formed, and naming every file the commit changed."""
    problems = [
        f"has {n} {key} trailers; exactly one is needed"
        for key in ("Ucbr-Action", "Ucbr-Officer", "Ucbr-Policy", "Ucbr-Date")
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
    problems.extend(source_problems(commit))
    named = set(commit.trailer_all("Ucbr-Case"))
    for path in commit.files:
        if path.startswith(RECORD_DIRS) and Path(path).stem not in named:
            problems.append(f"changed {path}, which no Ucbr-Case trailer names")
    return problems


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def source_problems(commit: Commit) -> list[str]:
    """An import names the file it read, by its SHA-256, in one ``Ucbr-Source`` trailer; no
    other action does."""
    sources = commit.trailer_all("Ucbr-Source")
    if commit.action != "import":
        return ["only an import has a Ucbr-Source trailer"] if sources else []
    if len(sources) != 1 or not _SHA256.match(sources[0]):
        return ["an import names the file it read in one Ucbr-Source trailer (its SHA-256)"]
    return []


def policy_date(commit: Commit) -> dt.date | None:
    """The policy's date the command ran under (``Ucbr-Date``), if well formed."""
    return trailer_date(commit, "Ucbr-Date")


def clock_problems(commit: Commit) -> list[str]:
    """The policy date is the day the commit was made, by both its dates (the committer's,
    and the author's that `history` shows): the clock was not moved."""
    day = policy_date(commit)
    if day is None:
        return ["Ucbr-Date is not a date"] if commit.trailer("Ucbr-Date") else []
    dates = [("committed", commit.committed or commit.date), ("authored", commit.date)]
    return [
        f"its policy date (Ucbr-Date {day}) is {abs((day - made).days)} days from the day "
        f"it was {what} ({made}): the clock was moved"
        for what, when in dates
        if (made := when.date()) and (day - made > CLOCK_AHEAD or made - day > CLOCK_OFFLINE)
    ][:1]


def author_problems(commit: Commit, snaps: Snapshots) -> tuple[StaffMember | None, list[str]]:
    """The author in the directory in force when they acted, and whether their role allowed it."""
    if commit.action == "init" and not commit.parents:
        return None, []
    parent = parent_of(commit)
    before = snaps.staff(parent)
    if not before.staff and commit.action == "staff-add":
        return _first_member(commit, snaps)
    member = before.by_email(commit.author_email)
    if member is None:
        return None, ["the author is not in the staff directory at this commit"]
    problems: list[str] = []
    if commit.officer and commit.officer != member.id:
        problems.append(f"Ucbr-Officer {commit.officer} is not the commit's author ({member.id})")
    records = [f for f in commit.files if f.startswith(RECORD_DIRS)]
    action = commit.action
    roles: frozenset[Role] | None = CASEWORK if records else None
    if action is not None and is_action(action):
        roles = WHO_MAY[action]
    role = member.role.replace("_", " ")
    if roles is not None and member.role not in roles:
        problems.append(f"{member.id} is a {role}, who may not {action or 'change records'}")
    elif member.tier != "casework" and any(snaps.exists(parent, f) for f in records):
        # Their key cannot read records, so ucbr never lets them change one.
        problems.append(f"{member.id} is a {role}, whose key cannot read records it changed")
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
