"""Creating a register and managing who may read it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyrage

from ucbr.domain.expiry import as_on, in_force
from ucbr.domain.permissions import ADMINISTRATORS as STAFF_ADMIN_ROLES
from ucbr.domain.provenance import EARLIER_RECORDS
from ucbr.domain.settings import PolicyConfig, policy_hash
from ucbr.domain.staff import (
    SERVICE_ROLES,
    TIERS,
    Role,
    StaffDirectory,
    StaffMember,
    Tier,
    tiers_held,
)
from ucbr.errors import AccessDenied, Refused
from ucbr.services.session import Session
from ucbr.storage import git
from ucbr.storage.sshkeys import same_key
from ucbr.storage.store import (
    POLICY_FILE,
    POLICY_HEADER,
    STAFF_FILE,
    Register,
    recipients_file,
    tier_key_file,
)
from ucbr.storage.vault import Keyring, parse_recipient, wrap_tier_key
from ucbr.storage.yamlio import dump_plain

GITATTRIBUTES = """\
# ucbr: decrypted field-level diffs, and merges that decrypt, merge by id and re-encrypt.
cases/*.yaml diff=ucbr merge=ucbr
properties/*.yaml diff=ucbr merge=ucbr
"""
# Where a clone keeps the register's root of trust: the founding administrator's public key.
ROOT_KEY = "ucbr.root"
GITIGNORE = "# Letters and exports never belong in the register.\n*.pdf\n*.html\n.ucbr-*.tmp\n"


def install_drivers(root: Path) -> None:
    """Register the textconv and merge drivers in this clone's .git/config.

    ``cachetextconv`` is deliberately never set: it would store plaintext in git's cache.
    """
    git.run(root, "config", "diff.ucbr.textconv", "ucbr git textconv")
    git.run(root, "config", "merge.ucbr.name", "ucbr: decrypt, merge by id, re-encrypt")
    git.run(root, "config", "merge.ucbr.driver", "ucbr git merge %O %A %B")


def drivers_installed(root: Path) -> bool:
    """Whether this clone's ``.git/config`` has the diff and merge drivers."""
    proc = git.run(root, "config", "--get", "merge.ucbr.driver", check=False)
    text = git.run(root, "config", "--get", "diff.ucbr.textconv", check=False)
    return proc.returncode == 0 and text.returncode == 0


def init_register(
    path: Path,
    council: str,
    privacy_url: str | None,
    today: dt.date,
    contact: dict[str, str] | None = None,
) -> Register:
    """Create a new register in one commit: settings, an empty staff directory, tier files.

    ``contact`` holds the council's own address, e-mail and telephone for letters
    (``council_address``, ``council_email``, ``council_phone``), where given. Every
    precondition is checked before anything is written, and a failure part-way removes what
    was made, so it can simply be run again.
    """
    if (path / POLICY_FILE).exists():
        raise Refused(f"{path} is already a ucbr register")
    if path.exists() and (not path.is_dir() or any(p.name != ".git" for p in path.iterdir())):
        raise Refused(f"{path} is not empty")
    git.identity_or_refuse(path if path.exists() else path.parent)
    made = not path.exists()
    had_git = (path / ".git").exists()
    try:
        return _init(path, council, privacy_url, today, contact)
    except BaseException:
        if made:
            shutil.rmtree(path, ignore_errors=True)
        elif not had_git:
            shutil.rmtree(path / ".git", ignore_errors=True)
        raise


def _init(
    path: Path,
    council: str,
    privacy_url: str | None,
    today: dt.date,
    contact: dict[str, str] | None,
) -> Register:
    path.mkdir(parents=True, exist_ok=True)
    git.run(path, "init", "-q", "-b", "main")
    cfg = PolicyConfig(council=council)
    if privacy_url:
        cfg = cfg.model_copy(update={"privacy_notice_url": privacy_url})
    if contact:
        cfg = PolicyConfig.model_validate({**cfg.model_dump(), **contact})
    files: dict[str, str | bytes | None] = {
        POLICY_FILE: POLICY_HEADER + dump_plain(cfg.model_dump(mode="json")),
        STAFF_FILE: dump_plain({"staff": []}),
        ".gitattributes": GITATTRIBUTES,
        ".gitignore": GITIGNORE,
    }
    for tier in TIERS:
        files[recipients_file(tier)] = (
            f"# ucbr {tier} tier: public key, set when the first staff member is added\n"
        )
    reg = Register(path.resolve())
    install_drivers(reg.root)
    policy = policy_hash(str(files[POLICY_FILE]).encode())
    reg.commit_files(files, git.CommitMessage("init", "", officer="-", policy=policy, day=today))
    return reg


def tier_key_members(tier: Tier, staff: StaffDirectory) -> list[str]:
    """The keys a tier key is wrapped to: of the staff of that tier and every tier above it."""
    return [r for s in staff.holders(tier) for r in s.recipients]


def member_keys(
    reg: Register, role: Role, key: str, signing_key: str | None, *, replacing: str | None = None
) -> tuple[str, str | None]:
    """A member's key and signing key, checked: well formed, signing where the register
    requires it (an ``ssh-ed25519`` key signs itself), and no one else's (the member
    ``replacing`` their own keys aside)."""
    key = key.strip()
    parse_recipient(key)
    if key.startswith("ssh-ed25519 "):
        signing_key = signing_key or key
    if signing_key is not None:
        signing_key = signing_key.strip()
        if not signing_key.startswith("ssh-ed25519 "):
            raise Refused("a signing key is an ssh-ed25519 public key")
        parse_recipient(signing_key)
    if reg.cfg.require_signed_commits and role not in SERVICE_ROLES and signing_key is None:
        raise Refused(
            "this register requires signed commits: give an ssh-ed25519 key "
            "(it both opens the register and signs), or --signing-key"
        )
    held = [
        k for s in reg.staff.staff if s.id != replacing for k in (*s.recipients, s.signing_key) if k
    ]
    if any(same_key(mine, theirs) for mine in (key, signing_key) if mine for theirs in held):
        raise Refused("that key is already another member's; every member has a key of their own")
    return key, signing_key


def new_member(
    reg: Register,
    staff_id: str,
    name: str,
    email: str,
    role: Role,
    key: str,
    signing_key: str | None = None,
    service: str | None = None,
    job_title: str | None = None,
) -> StaffMember:
    """A member of staff as ``staff add`` would record them, checked against the directory.

    ``key`` opens their tiers: an ``ssh-ed25519`` key also signs their commits, so one key
    is both; an ``age1`` key needs a separate ``signing_key`` to make changes when the
    register requires signed commits. ``service`` is the service they work in (a manager
    approves within it; none: the whole council), ``job_title`` how letters they sign
    name their post.
    """
    directory = reg.staff
    if directory.by_id(staff_id) or directory.by_email(email):
        raise Refused(f"staff id or e-mail already in use: {staff_id}")
    if staff_id == EARLIER_RECORDS:
        raise Refused(f"the staff id {EARLIER_RECORDS} names imported records; choose another")
    key, signing_key = member_keys(reg, role, key, signing_key)
    return StaffMember(
        id=staff_id,
        name=name,
        email=email,
        role=role,
        recipients=[key],
        signing_key=signing_key,
        service=service,
        job_title=job_title,
    )


def add_staff(session: Session, member: StaffMember) -> StaffMember:
    """Add a member of staff and wrap their tiers' keys to them, in one signed commit.

    The very first member adds themselves, as an administrator: their key becomes the
    register's root of trust (``ucbr.root`` in this clone's git config).
    """
    reg = session.reg
    directory = reg.staff
    first = not directory.staff
    if not first and session.actor.role not in STAFF_ADMIN_ROLES:
        raise Refused("only a manager, head of service or IG officer may add staff")
    if first and member.role not in STAFF_ADMIN_ROLES:
        raise Refused("the first member of staff must be a manager, head of service or IG officer")
    if first and git.author_email(reg.root).lower() != member.email.lower():
        raise Refused(
            "the first member of staff adds themselves: the git author (user.email) "
            "must be their e-mail"
        )
    updated = StaffDirectory(staff=[*directory.staff, member])
    files: dict[str, str | bytes | None] = {
        STAFF_FILE: dump_plain(updated.model_dump(mode="json", exclude_none=True))
    }
    if first:
        files.update(_new_tier_keys(updated))
    else:
        files.update(_rewrap(session.ring, updated, tiers_held(member.tier)))
    message = session.message("staff-add", member.id, extra=[("Ucbr-Staff", member.id)])
    session.commit(files, message)
    if first:
        git.run(reg.root, "config", ROOT_KEY, member.signing_key or member.recipients[0])
    return member


def _new_tier_keys(directory: StaffDirectory) -> dict[str, str | bytes | None]:
    files: dict[str, str | bytes | None] = {}
    for tier in TIERS:
        identity = pyrage.x25519.Identity.generate()
        files[recipients_file(tier)] = (
            f"# ucbr {tier} tier: sections for this tier are encrypted to this key\n"
            f"{identity.to_public()}\n"
        )
        files[tier_key_file(tier)] = wrap_tier_key(
            identity, tier, tier_key_members(tier, directory)
        )
    return files


def _rewrap(
    ring: Keyring, directory: StaffDirectory, tiers: tuple[Tier, ...]
) -> dict[str, str | bytes | None]:
    files: dict[str, str | bytes | None] = {}
    for tier in tiers:
        if tier not in ring.tiers:
            raise AccessDenied(
                f"your key cannot open the {tier} tier key, so cannot grant access to it"
            )
        files[tier_key_file(tier)] = wrap_tier_key(
            ring.tiers[tier], tier, tier_key_members(tier, directory)
        )
    return files


def contact_cases(reg: Register, ring: Keyring, staff_id: str, today: dt.date) -> list[str]:
    """The cases whose restriction in force today names this member as the single point of
    contact (one past its end date no longer needs one)."""
    found = []
    for case_id in reg.ids("case"):
        current = in_force(reg.load_case(case_id, ring)[1], today)
        named = as_on(current, today).restrictions if current is not None else ()
        if any(r.staff == staff_id for r in named):
            found.append(case_id)
    return found
