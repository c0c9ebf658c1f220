"""The IG officer's reading of git: ``ucbr audit`` and ``ucbr history``.

The audit reads every commit and every file version in history: trailers, who made each
change and whether their role allowed it (by the staff directory in force when they made
it), SSH signatures, hand edits, plaintext, and every change of who can read which tier.
Problems are collected as data, each naming the commit and file; none stops the rest.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ucbr import envelope, gitlog
from ucbr.config import (
    APPROVER_ROLES,
    CASEWORK_ROLES,
    SECTIONS,
    STAFF_ADMIN_ROLES,
    TIERS,
    PolicyConfig,
    StaffDirectory,
    StaffMember,
    policy_hash,
)
from ucbr.errors import INTEGRITY, OK, NotFound, Refused, UcbrError
from ucbr.gitlog import Commit
from ucbr.ids import parse_file_id
from ucbr.retention import tombstones
from ucbr.store import POLICY_FILE, STAFF_FILE, Register, recipients_file, tier_key_file, validate
from ucbr.textconv import flatten, mask_value
from ucbr.vault import ARMOR_BEGIN, ARMOR_END, Identity, Keyring, decrypt, parse_recipient, unlock
from ucbr.yamlio import load_strict

RECORD_DIRS = ("cases/", "properties/")
REGISTER_PATHS = (*RECORD_DIRS, ".ucbr/", ".gitattributes")
ACCESS_PATHS = (STAFF_FILE, ".ucbr/recipients/", ".ucbr/tiers/")
_ACTION = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_OFFICER = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
_POLICY = re.compile(r"^[0-9a-f]{12}$")
_FILE_ID = re.compile(r"^[CP]-[0-9A-HJKMNP-TV-Z]{8}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_.,:@+-]{1,80}$")
_SUBJECT = re.compile(r"^ucbr: ([a-z][a-z0-9-]*)( [A-Za-z0-9_.@-]+)?$")
_ARMOR_BODY = re.compile(r"^[A-Za-z0-9+/=]*$")
# Keys that hold personal data in a record; seen outside an age section, they are plaintext.
_PERSONAL = re.compile(
    r"^\s*-?\s*(name|aliases|address|postcode|email|emails|phone|phones|date_of_birth|summary|person)\s*:",
    re.MULTILINE,
)
_HEADER_LINES = frozenset(envelope.HEADER.splitlines())
NO_TRAILERS = "(no trailers)"


@dataclass(frozen=True)
class Finding:
    """One problem in history: the commit (short id), the file, and what is wrong."""

    commit: str
    path: str
    message: str

    def line(self) -> str:
        return f"{self.commit} {self.path}: {self.message}"


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


@dataclass
class AuditReport:
    commits: int = 0
    by_action: Counter[str] = field(default_factory=Counter)
    officers: Counter[str] = field(default_factory=Counter)
    signatures_verified: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    problems: list[Finding] = field(default_factory=list)
    access: list[AccessChange] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return INTEGRITY if self.problems else OK

    def as_dict(self) -> dict[str, Any]:
        return {
            "commits": self.commits,
            "by_action": dict(sorted(self.by_action.items())),
            "officers": dict(sorted(self.officers.items())),
            "signatures_verified": self.signatures_verified,
            "period": {
                "from": self.first.isoformat() if self.first else None,
                "to": self.last.isoformat() if self.last else None,
            },
            "problems": [asdict(p) for p in self.problems],
            "access_changes": [asdict(a) for a in self.access],
        }


# --- the register's settings as they were at each commit ------------------------------


class Snapshots:
    """The staff directory and policy at any commit, read in one batch and parsed once."""

    def __init__(self, root: Path, shas: Iterable[str]) -> None:
        self.root = root
        wanted = list(dict.fromkeys(shas))
        specs = [f"{s}:{p}" for s in wanted for p in (STAFF_FILE, POLICY_FILE)]
        self.blobs = gitlog.read_blobs(root, specs)
        self._staff: dict[bytes, StaffDirectory] = {}
        self.broken: set[str] = set()

    def raw(self, sha: str, path: str) -> bytes | None:
        spec = f"{sha}:{path}"
        if spec not in self.blobs:
            self.blobs[spec] = gitlog.show(self.root, sha, path)
        return self.blobs[spec]

    def staff(self, sha: str | None) -> StaffDirectory:
        raw = self.raw(sha, STAFF_FILE) if sha else None
        if raw is None:
            return StaffDirectory()
        if raw not in self._staff:
            try:
                data = load_strict(raw, STAFF_FILE)
                self._staff[raw] = validate(StaffDirectory, data or {"staff": []}, STAFF_FILE)
            except UcbrError:
                self.broken.add(sha or "")
                self._staff[raw] = StaffDirectory()
        return self._staff[raw]

    def policy(self, sha: str | None) -> PolicyConfig | None:
        raw = self.raw(sha, POLICY_FILE) if sha else None
        if raw is None:
            return None
        try:
            return validate(PolicyConfig, load_strict(raw, POLICY_FILE), POLICY_FILE)
        except UcbrError:
            return None

    def policy_hash(self, sha: str | None) -> str | None:
        raw = self.raw(sha, POLICY_FILE) if sha else None
        return policy_hash(raw) if raw is not None else None

    def signing_keys(self) -> set[tuple[str, str]]:
        return {
            (m.email, m.signing_key)
            for directory in self._staff.values()
            for m in directory.staff
            if m.signing_key
        }


def _parent(c: Commit) -> str | None:
    return c.parents[0] if c.parents else None


# --- the audit ----------------------------------------------------------------------------


# Actions whose role the policy names; any other change to a record needs a casework role.
APPROVER_ACTIONS = frozenset(
    {"approve", "reject", "property-approve", "property-reject", "appeal-decide"}
)
ADMIN_ACTIONS = frozenset(
    {"staff-add", "staff-remove", "keys-rotate", "retention", "sar", "policy"}
)


def allowed_roles(action: str, touches_records: bool) -> frozenset[str] | None:
    """The roles that may take an action; None where any member of staff may."""
    if action in APPROVER_ACTIONS:
        return APPROVER_ROLES
    if action in ADMIN_ACTIONS:
        return STAFF_ADMIN_ROLES
    if touches_records:
        return CASEWORK_ROLES
    return None


def audit(reg: Register, since: str | None = None) -> AuditReport:
    commits = gitlog.log(reg.root, since)
    snaps = Snapshots(reg.root, [s for c in commits for s in (c.sha, *c.parents[:1])])
    for c in commits:  # parse every directory first: the allowed signers come from them all
        snaps.staff(c.sha)
        snaps.staff(_parent(c))
    sigs = _signatures(reg.root, snaps, commits, since)
    report = AuditReport()
    for c in commits:
        _count(report, c)
        findings, verified = _check_commit(c, snaps, sigs.get(c.sha))
        report.problems.extend(findings)
        report.signatures_verified += verified
        change = access_change(c, snaps)
        if change is not None:
            report.access.append(change)
    report.problems.extend(scan_plaintext(reg.root))
    return report


def _count(report: AuditReport, c: Commit) -> None:
    report.commits += 1
    report.by_action[c.action or NO_TRAILERS] += 1
    if c.officer:
        report.officers[c.officer] += 1
    report.first = c.date if report.first is None else min(report.first, c.date)
    report.last = c.date if report.last is None else max(report.last, c.date)


def _where(c: Commit) -> str:
    return next(
        (f for f in c.files if f.startswith(REGISTER_PATHS)), c.files[0] if c.files else "-"
    )


def _check_commit(
    c: Commit, snaps: Snapshots, sig: tuple[str, str, str] | None
) -> tuple[list[Finding], bool]:
    register_files = [f for f in c.files if f.startswith(REGISTER_PATHS)]
    if c.is_merge:
        if register_files:
            message = (
                "a merge commit changed register files; `ucbr sync` rebases, so it was made by hand"
            )
            return [Finding(c.short, register_files[0], message)], False
        return [], False
    found: list[Finding] = []
    if not c.trailers:
        if register_files:
            found.append(
                Finding(
                    c.short, register_files[0], "changed by hand: the commit has no ucbr trailers"
                )
            )
    else:
        found.extend(Finding(c.short, _where(c), m) for m in trailer_problems(c, snaps))
    member, messages = _author(c, snaps)
    found.extend(Finding(c.short, _where(c), m) for m in messages)
    verified, unsigned = _signature(c, snaps, member, sig)
    if unsigned:
        found.append(Finding(c.short, _where(c), unsigned))
    return found, verified


def trailer_problems(c: Commit, snaps: Snapshots) -> list[str]:
    """Trailers present, once each, well-formed, and naming every file the commit changed."""
    problems = [
        f"has {n} {key} trailers; exactly one is needed"
        for key in ("Ucbr-Action", "Ucbr-Officer", "Ucbr-Policy")
        if (n := len(c.trailer_all(key))) != 1
    ]
    action, officer, policy = c.action or "", c.officer or "", c.trailer("Ucbr-Policy") or ""
    if action and not _ACTION.match(action):
        problems.append("Ucbr-Action is malformed")
    if officer and not (_OFFICER.match(officer) or (officer == "-" and action == "init")):
        problems.append("Ucbr-Officer is not a staff id")
    if action == "init" and (c.parents or officer != "-"):
        problems.append("an init commit must be the first, with officer -")
    if policy and policy not in (snaps.policy_hash(c.sha), snaps.policy_hash(_parent(c))):
        problems.append("Ucbr-Policy is not the hash of .ucbr/policy.yaml")
    match = _SUBJECT.match(c.subject)
    if match is None or match.group(1) != action:
        problems.append("the subject is not `ucbr: ACTION ID`")
    for key, value in c.trailers:
        if key == "Ucbr-Case" and not _FILE_ID.match(value):
            problems.append("a Ucbr-Case trailer is not a case or property id")
        elif not _TOKEN.match(value):
            problems.append(f"the {key} trailer holds more than an id")
    named = set(c.trailer_all("Ucbr-Case"))
    for path in c.files:
        if path.startswith(RECORD_DIRS) and Path(path).stem not in named:
            problems.append(f"changed {path}, which no Ucbr-Case trailer names")
    return problems


def _author(c: Commit, snaps: Snapshots) -> tuple[StaffMember | None, list[str]]:
    """The author in the directory in force when they acted, and whether their role allowed it."""
    if c.action == "init" and not c.parents:
        return None, []
    before = snaps.staff(_parent(c))
    if not before.staff and c.action == "staff-add":
        return _first_member(c, snaps)
    member = before.by_email(c.author_email)
    if member is None:
        return None, ["the author is not in the staff directory at this commit"]
    problems: list[str] = []
    if c.officer and c.officer != member.id:
        problems.append(f"Ucbr-Officer {c.officer} is not the commit's author ({member.id})")
    touches = any(f.startswith(RECORD_DIRS) for f in c.files)
    roles = allowed_roles(c.action, touches) if c.action else (CASEWORK_ROLES if touches else None)
    if roles is not None and member.role not in roles:
        problems.append(
            f"{member.id} is a {member.role}, who may not {c.action or 'change records'}"
        )
    return member, problems


def _first_member(c: Commit, snaps: Snapshots) -> tuple[StaffMember | None, list[str]]:
    """The very first staff-add: the new member adds themselves, as an administrator."""
    after = snaps.staff(c.sha)
    member = after.by_email(c.author_email)
    if member is None or len(after.staff) != 1 or c.officer != member.id:
        return None, ["the first member of staff was not added by themselves"]
    if member.role not in STAFF_ADMIN_ROLES:
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


def _signatures(
    root: Path, snaps: Snapshots, commits: Sequence[Commit], since: str | None
) -> dict[str, tuple[str, str, str]]:
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


def _signing_key(c: Commit, snaps: Snapshots, member: StaffMember | None) -> str | None:
    """The author's key in force; a member's first key may sign the commit that records it."""
    if member is None:
        return None
    if member.signing_key:
        return member.signing_key
    after = snaps.staff(c.sha).by_id(member.id)
    return after.signing_key if after is not None else None


def _signature(
    c: Commit, snaps: Snapshots, member: StaffMember | None, sig: tuple[str, str, str] | None
) -> tuple[bool, str | None]:
    status, signer, key = sig or ("N", "", "")
    signing_key = _signing_key(c, snaps, member)
    good = (
        status == "G"
        and member is not None
        and signing_key is not None
        and signer.lower() == member.email.lower()
        and key == fingerprint(signing_key)
    )
    cfg = snaps.policy(c.sha)
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


# --- who can read which tier --------------------------------------------------------------


def access_change(c: Commit, snaps: Snapshots) -> AccessChange | None:
    if not any(f.startswith(ACCESS_PATHS) for f in c.files):
        return None
    old, new = snaps.staff(_parent(c)), snaps.staff(c.sha)
    changed: list[str] = []
    for member in new.staff:
        was = old.by_id(member.id)
        if was is not None and was.role != member.role:
            changed.append(f"{member.id}: {was.role} -> {member.role} ({member.tier} tier)")
        elif was is not None and was.recipients != member.recipients:
            changed.append(f"{member.id}: new key")
    return AccessChange(
        commit=c.short,
        date=c.date.date().isoformat(),
        officer=c.officer or NO_TRAILERS,
        action=c.action or NO_TRAILERS,
        added=tuple(f"{m.id} ({m.role}, {m.tier} tier)" for m in new.staff if not old.by_id(m.id)),
        removed=tuple(
            f"{m.id} ({m.role}, {m.tier} tier)" for m in old.staff if not new.by_id(m.id)
        ),
        changed=tuple(changed),
        tier_keys=tuple(t for t in TIERS if tier_key_file(t) in c.files),
        recipients=tuple(t for t in TIERS if recipients_file(t) in c.files),
    )


# --- plaintext anywhere in history --------------------------------------------------------


def scan_plaintext(root: Path) -> list[Finding]:
    """Every file version ever stored: records sealed, keys and recipients as ucbr writes them."""
    blobs = gitlog.all_blobs(root)
    contents = gitlog.read_blobs(root, [sha for sha, _ in blobs])
    found: list[Finding] = []
    for sha, path in blobs:
        message = blob_problem(path, contents.get(sha) or b"")
        if message:
            found.append(Finding(gitlog.introduced_by(root, sha), path, message))
    return found


def blob_problem(path: str, data: bytes) -> str | None:
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return "is not text" if path.startswith((*RECORD_DIRS, ".ucbr/")) else None
    if path.startswith(RECORD_DIRS):
        return _record_problem(path, text)
    if path.startswith(".ucbr/recipients/"):
        return _recipients_problem(text)
    if path.startswith(".ucbr/tiers/"):
        return _armor_problem(text)
    if path in (STAFF_FILE, POLICY_FILE, ".gitattributes", ".gitignore"):
        return None
    if _PERSONAL.search(text):
        return "holds personal-data-shaped fields outside an age section"
    return None


def _record_problem(path: str, text: str) -> str | None:
    try:
        env = envelope.parse(text, path)
    except UcbrError as exc:
        return f"is not sealed: {str(exc).removeprefix(f'{path}: ')}"
    if envelope.relpath(env.id) != path:
        return "holds a file whose id is not its name"
    comments = {ln for ln in text.splitlines() if ln.lstrip().startswith("#")}
    if comments - _HEADER_LINES:
        return "holds a comment ucbr did not write"
    return None


def _recipients_problem(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if line.startswith("age1"):
                parse_recipient(line)
                continue
        except Refused:
            pass
        return "holds something other than comments and age public keys"
    return None


def _armor_problem(text: str) -> str | None:
    lines = text.strip().splitlines()
    if len(lines) < 3 or lines[0] != ARMOR_BEGIN or lines[-1] != ARMOR_END:
        return "is not an armored age file"
    if not all(_ARMOR_BODY.match(ln) for ln in lines[1:-1]):
        return "holds text outside the age armor"
    return None


# --- history of one file ------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class Revision:
    """One commit in a file's life, as the caller's key lets them read it."""

    commit: str
    date: str
    officer: str
    role: str | None
    action: str
    approver: str | None
    approves: str | None
    policy: str | None
    section: str | None = None
    changes: tuple[FieldChange, ...] = ()
    unreadable: tuple[str, ...] = ()
    note: str | None = None


class _Rings:
    """The tier keys as they were at each commit, opened with the caller's own key."""

    def __init__(self, root: Path, identities: Sequence[Identity], current: Keyring) -> None:
        self.root, self.identities, self.current = root, list(identities), current
        self._cache: dict[tuple[bytes | None, ...], Keyring] = {}

    def at(self, blobs: dict[str, bytes | None], sha: str) -> Keyring:
        wrapped = tuple(blobs.get(f"{sha}:{tier_key_file(t)}") for t in TIERS)
        if wrapped not in self._cache:
            texts = {t: w.decode() for t, w in zip(TIERS, wrapped, strict=True) if w}
            try:
                self._cache[wrapped] = unlock(texts, self.identities)
            except UcbrError:
                self._cache[wrapped] = Keyring()
        return self._cache[wrapped]

    def open(self, ring: Keyring, name: str, armored: str) -> Any:
        for candidate in (ring, self.current):
            if not candidate.can_read(name):
                continue
            try:
                plain = decrypt(armored, candidate.identities_for(name))
                if plain is not None:
                    return load_strict(plain, name)
            except UcbrError:
                continue
        return None


def history(
    reg: Register,
    identities: Sequence[Identity],
    ring: Keyring,
    file_id: str,
    reveal: bool = False,
) -> list[Revision]:
    """Every commit that changed one case or property, oldest first, with its field changes.

    Personal data is masked unless ``reveal``; a case deleted under the retention rules
    shows only its tombstone, so history is no way back to data past retention.
    """
    file_id = parse_file_id(file_id)
    if any(t.get("id") == file_id for t in tombstones(reg)):
        raise Refused(f"{file_id} was deleted under the retention rules; see .ucbr/tombstones.yaml")
    path = envelope.relpath(file_id)
    commits = gitlog.log(reg.root, paths=[path])
    if not commits:
        raise NotFound(f"no history for {file_id}")
    specs = [f"{c.sha}:{p}" for c in commits for p in (path, *(tier_key_file(t) for t in TIERS))]
    blobs = gitlog.read_blobs(reg.root, specs)
    snaps = Snapshots(reg.root, [c.sha for c in commits])
    rings = _Rings(reg.root, identities, ring)
    revisions: list[Revision] = []
    previous: tuple[envelope.Envelope, dict[str, Any]] | None = None
    for c in commits:
        raw = blobs.get(f"{c.sha}:{path}")
        if raw is None:
            revisions.append(_revision(c, snaps, note="the file was removed"))
            previous = None
            continue
        try:
            env = envelope.parse(raw.decode(errors="replace"), path)
        except UcbrError:
            revisions.append(_revision(c, snaps, note="not a sealed ucbr file (edited by hand)"))
            continue
        at = rings.at(blobs, c.sha)
        plain = {n: d for n in SECTIONS if (d := rings.open(at, n, env.sections[n])) is not None}
        revisions.append(_changes(c, snaps, env, plain, previous, reveal))
        previous = (env, plain)
    return revisions


def _empty(value: Any) -> bool:
    return value is None or value == []


def _revision(c: Commit, snaps: Snapshots, **extra: Any) -> Revision:
    officer = c.officer or NO_TRAILERS
    member = snaps.staff(c.sha).by_id(officer)
    approving = bool(c.trailer("Ucbr-Approves")) or "approve" in (c.action or "").split("-")
    return Revision(
        commit=c.short,
        date=c.date.date().isoformat(),
        officer=officer,
        role=member.role if member else None,
        action=c.action or "(hand edit)",
        approver=officer if approving else None,
        approves=c.trailer("Ucbr-Approves"),
        policy=c.trailer("Ucbr-Policy"),
        **extra,
    )


def _changes(
    c: Commit,
    snaps: Snapshots,
    env: envelope.Envelope,
    plain: dict[str, Any],
    previous: tuple[envelope.Envelope, dict[str, Any]] | None,
    reveal: bool,
) -> Revision:
    old_env, old_plain = previous if previous else (None, {})
    changed = [n for n in SECTIONS if old_env is None or old_env.sections[n] != env.sections[n]]
    section = next((n for n in ("record", "entry", "schedule") if n in plain), None)
    changes: list[FieldChange] = []
    if section is not None and section in changed:
        before, after = flatten(old_plain.get(section, {})), flatten(plain[section])
        for name in [*after, *(k for k in before if k not in after)]:
            old, new = before.get(name), after.get(name)
            if old != new and not (_empty(old) and _empty(new)):
                if not reveal:
                    old, new = mask_value(name, old), mask_value(name, new)
                changes.append(FieldChange(name, old, new))
    unreadable = tuple(n for n in changed if n not in plain)
    return _revision(c, snaps, section=section, changes=tuple(changes), unreadable=unreadable)
