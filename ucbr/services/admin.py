"""Creating a register and managing who may read it."""

from __future__ import annotations

from pathlib import Path

import pyrage

from ucbr.domain.permissions import ADMINISTRATORS as STAFF_ADMIN_ROLES
from ucbr.domain.settings import PolicyConfig, policy_hash
from ucbr.domain.staff import TIERS, Role, StaffDirectory, StaffMember, Tier, tiers_held
from ucbr.domain.views import decision_in_force
from ucbr.errors import AccessDenied, Refused
from ucbr.storage import git
from ucbr.storage.store import POLICY_FILE, STAFF_FILE, Register, recipients_file, tier_key_file
from ucbr.storage.vault import Keyring, parse_recipient, wrap_tier_key
from ucbr.storage.yamlio import dump_plain

GITATTRIBUTES = """\
# ucbr: decrypted field-level diffs, and merges that decrypt, merge by id and re-encrypt.
cases/*.yaml diff=ucbr merge=ucbr
properties/*.yaml diff=ucbr merge=ucbr
"""
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
    contact: dict[str, str] | None = None,
) -> Register:
    """Create a new register in one commit: settings, an empty staff directory, tier files.

    ``contact`` holds the council's own address, e-mail and telephone for letters
    (``council_address``, ``council_email``, ``council_phone``), where given.
    """
    if (path / POLICY_FILE).exists():
        raise Refused(f"{path} is already a ucbr register")
    if path.exists() and any(p.name != ".git" for p in path.iterdir()):
        raise Refused(f"{path} is not empty")
    path.mkdir(parents=True, exist_ok=True)
    git.run(path, "init", "-q", "-b", "main")
    cfg = PolicyConfig(council=council)
    if privacy_url:
        cfg = cfg.model_copy(update={"privacy_notice_url": privacy_url})
    if contact:
        cfg = PolicyConfig.model_validate({**cfg.model_dump(), **contact})
    files: dict[str, str] = {
        POLICY_FILE: "# The numbers the council's policy leaves to it.\n"
        "# Every decision and letter records this file's hash.\n"
        + dump_plain(cfg.model_dump(mode="json")),
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
    reg.commit_files(
        files,
        git.CommitMessage("init", "", officer="-", policy=policy_hash(files[POLICY_FILE].encode())),
    )
    return reg


def tier_key_members(tier: Tier, staff: StaffDirectory) -> list[str]:
    """Who holds a tier key: the staff of that tier and of every tier above it."""
    members = [s for s in staff.staff if tier in tiers_held(s.tier)]
    return [r for s in members for r in s.recipients]


def add_staff(
    reg: Register,
    ring: Keyring | None,
    staff_id: str,
    name: str,
    email: str,
    role: Role,
    recipient: str,
    service: str | None = None,
    job_title: str | None = None,
) -> StaffMember:
    """Add a member of staff and wrap their tiers' keys to them, in one commit.

    ``service`` is the service they work in (a manager approves within it; none: the whole
    council), ``job_title`` how letters they sign name their post.
    """
    directory = reg.staff
    first = not directory.staff
    if not first:
        actor = reg.actor()
        if actor.role not in STAFF_ADMIN_ROLES:
            raise Refused("only a manager, head of service or IG officer may add staff")
    elif role not in STAFF_ADMIN_ROLES:
        raise Refused("the first member of staff must be a manager, head of service or IG officer")
    if directory.by_id(staff_id) or directory.by_email(email):
        raise Refused(f"staff id or e-mail already in use: {staff_id}")
    parse_recipient(recipient)
    member = StaffMember(
        id=staff_id,
        name=name,
        email=email,
        role=role,
        recipients=[recipient],
        service=service,
        job_title=job_title,
    )
    updated = StaffDirectory(staff=[*directory.staff, member])
    files: dict[str, str] = {
        STAFF_FILE: dump_plain(updated.model_dump(mode="json", exclude_none=True))
    }
    if first:
        files.update(_new_tier_keys(updated))
    else:
        files.update(_rewrap(reg, ring, updated, _tiers_touched(member)))
    actor_id = staff_id if first else reg.actor().id
    reg.commit_files(
        files,
        git.CommitMessage(
            "staff-add",
            staff_id,
            officer=actor_id,
            policy=reg.policy_hash,
            extra=[("Ucbr-Staff", staff_id)],
        ),
    )
    return member


def _tiers_touched(member: StaffMember) -> tuple[Tier, ...]:
    return tiers_held(member.tier)


def _new_tier_keys(directory: StaffDirectory) -> dict[str, str]:
    files: dict[str, str] = {}
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
    reg: Register, ring: Keyring | None, directory: StaffDirectory, tiers: tuple[Tier, ...]
) -> dict[str, str]:
    files: dict[str, str] = {}
    for tier in tiers:
        if ring is None or tier not in ring.tiers:
            raise AccessDenied(
                f"your key cannot open the {tier} tier key, so cannot grant access to it"
            )
        files[tier_key_file(tier)] = wrap_tier_key(
            ring.tiers[tier], tier, tier_key_members(tier, directory)
        )
    return files


def contact_cases(reg: Register, ring: Keyring, staff_id: str) -> list[str]:
    """The cases whose restriction in force names this member as the single point of contact."""
    found = []
    for case_id in reg.ids("case"):
        current = decision_in_force(reg.load_case(case_id, ring)[1])
        if current is not None and any(r.staff == staff_id for r in current.restrictions):
            found.append(case_id)
    return found
