"""Taking a key out of the register: a member of staff leaving, or a lost or compromised key.

Tier keys are shared, so taking a member off the wrap of a tier key is not enough: the
key they held still opens the old tier key, and that opens every section encrypted to
it. So each tier the key could open gets a new tier key, wrapped to the remaining staff,
and every section encrypted to the old one is re-encrypted to the new, in one commit.

Git history still holds the old ciphertext, which the old key still opens. The exposure
report says which files that is, and since when.

The work can be resumed. The new tier keys and the re-encrypted files are staged under
``.git/ucbr-rotation/`` (never in the working tree, never pushed) and committed together
at the end. An interrupted run leaves the register as it was, readable by the old key
set only until the same command is run again: that run reuses the staged tier keys,
redoes any file that changed meanwhile, and commits.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import pyrage

from ucbr.domain.permissions import ADMINISTRATORS
from ucbr.domain.staff import (
    SECTION_KEY,
    SECTIONS,
    StaffDirectory,
    StaffMember,
    Tier,
    tiers_held,
)
from ucbr.errors import AccessDenied, NotFound, Refused
from ucbr.services.admin import member_keys, tier_key_members
from ucbr.services.session import Session
from ucbr.storage import envelope, git
from ucbr.storage.cache import clear_cache
from ucbr.storage.files import write_file
from ucbr.storage.sshkeys import same_key
from ucbr.storage.store import STAFF_FILE, Register, recipients_file, tier_key_file
from ucbr.storage.vault import (
    Identity,
    Keyring,
    decrypt,
    encrypt,
    parse_tier_key,
    section_recipients,
    wrap_tier_key,
)
from ucbr.storage.yamlio import dump_plain, load_strict

Action = Literal["staff-remove", "keys-rotate"]
STAGING = "ucbr-rotation"


@dataclass(frozen=True)
class KeyChange:
    """Whose key goes, what replaces it (for a rotation), and which tier keys are renewed."""

    action: Action
    staff_id: str
    recipient: str | None
    tiers: tuple[Tier, ...]
    old_recipients: tuple[str, ...]
    signing_key: str | None = None  # for a rotation: the key that signs from now on


@dataclass
class Outcome:
    """What a key change did: the files re-encrypted and its commit."""

    change: KeyChange
    files: list[str]
    commit: str | None = None
    resumed: bool = False
    staged: int = 0


# --- what is asked ---------------------------------------------------------------------------


def tiers_opened(member: StaffMember) -> tuple[Tier, ...]:
    """The tier keys a member's key opens: their tier's and every tier's below."""
    return tiers_held(member.tier)


def _check_actor(reg: Register, actor: StaffMember, staff_id: str) -> StaffMember:
    if actor.role not in ADMINISTRATORS:
        raise Refused("only a manager, head of service or IG officer may change staff keys")
    member = reg.staff.by_id(staff_id)
    if member is None:
        raise NotFound(f"no such member of staff: {staff_id}")
    if member.id == actor.id:
        raise Refused("another staff administrator must change your own key")
    return member


def removal(reg: Register, actor: StaffMember, staff_id: str) -> KeyChange:
    """A leaver: every tier they could open gets a new key."""
    member = _check_actor(reg, actor, staff_id)
    return KeyChange(
        "staff-remove", member.id, None, tiers_opened(member), tuple(member.recipients)
    )


def rotation(reg: Register, actor: StaffMember, staff_id: str, recipient: str) -> KeyChange:
    """A lost or compromised key: replaced by ``recipient``, and its tier keys renewed."""
    member = _check_actor(reg, actor, staff_id)
    if any(same_key(recipient, old) for old in member.recipients):
        raise Refused("that is the key being replaced; give the new one")
    # The lost key stops signing too: a new ssh key signs itself; a separate signing key
    # the member kept (with an age key) stays theirs.
    kept = member.signing_key if member.signing_key not in member.recipients else None
    recipient, signing = member_keys(reg, member.role, recipient, kept, replacing=member.id)
    return KeyChange(
        "keys-rotate",
        member.id,
        recipient,
        tiers_opened(member),
        tuple(member.recipients),
        signing,
    )


def directory_after(directory: StaffDirectory, change: KeyChange) -> StaffDirectory:
    """The staff directory once the change is made."""
    if change.action == "staff-remove":
        return StaffDirectory(staff=[s for s in directory.staff if s.id != change.staff_id])
    assert change.recipient is not None
    return StaffDirectory(
        staff=[
            s.model_copy(
                update={"recipients": [change.recipient], "signing_key": change.signing_key}
            )
            if s.id == change.staff_id
            else s
            for s in directory.staff
        ]
    )


# --- the staging area -------------------------------------------------------------------------


def staging_dir(reg: Register) -> Path:
    """Where an interrupted key change waits: inside ``.git``, never pushed."""
    return reg.root / ".git" / STAGING


def _change_text(change: KeyChange, public: Mapping[Tier, str]) -> str:
    return dump_plain(
        {
            "action": change.action,
            "staff": change.staff_id,
            "recipient": change.recipient,
            "tiers": list(change.tiers),
            "public": dict(public),
        }
    )


def _pending(reg: Register, stage: Path) -> bool:
    """Whether a change is staged and not yet committed (a crash just after the commit
    leaves a staging area whose tier keys are already the register's)."""
    path = stage / "change.yaml"
    if not path.exists():
        return False
    staged = load_strict(path.read_text(), "the staged key change") or {}
    public = staged.get("public") or {}
    return not (public and all(reg.public_tier(t) == key for t, key in public.items()))


def _same_change(stage: Path, change: KeyChange) -> None:
    staged = load_strict((stage / "change.yaml").read_text(), "the staged key change") or {}
    if staged.get("action") != change.action or staged.get("staff") != change.staff_id:
        raise Refused(
            f"an interrupted {staged.get('action')} for {staged.get('staff')} is staged; "
            "run that command again to finish it first"
        )
    if staged.get("recipient") != change.recipient:
        raise Refused(
            "an interrupted key rotation is staged with another recipient; finish it first"
        )


def _new_tier_keys(stage: Path, change: KeyChange, members: StaffDirectory) -> None:
    public: dict[Tier, str] = {}
    for tier in change.tiers:
        identity = pyrage.x25519.Identity.generate()
        wrapped = wrap_tier_key(identity, tier, tier_key_members(tier, members))
        write_file(stage / "tiers" / f"{tier}.next.age", wrapped)
        public[tier] = str(identity.to_public())
    # The change file last: its presence says the tier keys are complete.
    write_file(stage / "change.yaml", _change_text(change, public))


def _staged_tier_keys(
    stage: Path, change: KeyChange, identities: Sequence[Identity]
) -> dict[Tier, pyrage.x25519.Identity]:
    """The new tier keys, opened with the actor's own key (they are wrapped to staff keys)."""
    found: dict[Tier, pyrage.x25519.Identity] = {}
    for tier in change.tiers:
        plain = decrypt((stage / "tiers" / f"{tier}.next.age").read_text(), identities)
        if plain is None:
            raise AccessDenied(
                "your key cannot open the tier keys staged by the interrupted change"
            )
        found[tier] = parse_tier_key(plain)
    return found


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _staged_file(stage: Path, file_id: str, source: str) -> str | None:
    """The staged re-encryption of ``source``, if one was made from this very text."""
    done, src = stage / "files" / f"{file_id}.yaml", stage / "files" / f"{file_id}.src"
    if done.exists() and src.exists() and src.read_text().strip() == _sha(source):
        return done.read_text()
    return None


def _stage_file(stage: Path, file_id: str, source: str, text: str) -> None:
    write_file(stage / "files" / f"{file_id}.yaml", text)
    write_file(stage / "files" / f"{file_id}.src", _sha(source) + "\n")


# --- re-encryption -------------------------------------------------------------------------------


def sections_touched(tiers: Iterable[Tier]) -> tuple[str, ...]:
    """The sections sealed to any of these tier keys."""
    wanted = set(tiers)
    return tuple(s for s in SECTIONS if SECTION_KEY[s] in wanted)


def reencrypt(
    text: str, file_id: str, ring: Keyring, public: Mapping[Tier, str], tiers: Iterable[Tier]
) -> str:
    """The file with every section a renewed tier reads encrypted again to the new tier set."""
    env = envelope.parse(text, envelope.relpath(file_id))
    sections = dict(env.sections)
    for name in sections_touched(tiers):
        sections[name] = encrypt(
            ring.open(name, env.sections[name]), section_recipients(name, public)
        )
    return envelope.render(replace(env, sections=sections), text)


def _public_after(
    reg: Register, new_keys: Mapping[Tier, pyrage.x25519.Identity]
) -> dict[Tier, str]:
    public = reg.public_tiers()
    public.update({tier: str(key.to_public()) for tier, key in new_keys.items()})
    return public


def apply(
    session: Session,
    identities: Sequence[Identity],
    change: KeyChange,
    advance: Callable[[], None] = lambda: None,
) -> Outcome:
    """Renew the tier keys, re-encrypt every file and commit once; resume a staged run."""
    reg, ring = session.reg, session.ring
    missing = [t for t in change.tiers if t not in ring.tiers]
    if missing:
        raise AccessDenied(f"your key cannot open the {missing[0]} tier key")
    with reg.locked():
        stage = staging_dir(reg)
        resumed = _pending(reg, stage)
        if resumed:
            _same_change(stage, change)
        else:
            shutil.rmtree(stage, ignore_errors=True)
            stage.mkdir(mode=0o700, parents=True)
            _new_tier_keys(stage, change, directory_after(reg.staff, change))
        new_keys = _staged_tier_keys(stage, change, identities)
        outcome = Outcome(change, reg.ids(), resumed=resumed)
        files = _reencrypt_all(reg, ring, stage, change, new_keys, outcome, advance)
        files.update(_key_files(reg, change, new_keys))
        outcome.commit = session.commit(files, _message(session, change, outcome.files))
        shutil.rmtree(stage, ignore_errors=True)
    clear_cache(reg.root)  # sealed to the retired tier keys: not kept a moment longer
    return outcome


def _reencrypt_all(
    reg: Register,
    ring: Keyring,
    stage: Path,
    change: KeyChange,
    new_keys: Mapping[Tier, pyrage.x25519.Identity],
    outcome: Outcome,
    advance: Callable[[], None],
) -> dict[str, str | bytes | None]:
    public = _public_after(reg, new_keys)
    files: dict[str, str | bytes | None] = {}
    for file_id in outcome.files:
        source = reg.read_text(file_id)
        text = _staged_file(stage, file_id, source)
        if text is None:
            text = reencrypt(source, file_id, ring, public, change.tiers)
            _stage_file(stage, file_id, source, text)
        else:
            outcome.staged += 1
        files[envelope.relpath(file_id)] = text
        advance()
    return files


def _key_files(
    reg: Register, change: KeyChange, new_keys: Mapping[Tier, pyrage.x25519.Identity]
) -> dict[str, str | bytes | None]:
    # Wrapped to the directory as it is now, in case staff were added since the run began.
    members = directory_after(reg.staff, change)
    files: dict[str, str | bytes | None] = {
        STAFF_FILE: dump_plain(members.model_dump(mode="json", exclude_none=True))
    }
    for tier, key in new_keys.items():
        note = f"# ucbr {tier} tier: sections for this tier are encrypted to this key"
        files[recipients_file(tier)] = f"{note}\n{key.to_public()}\n"
        files[tier_key_file(tier)] = wrap_tier_key(key, tier, tier_key_members(tier, members))
    return files


def _message(session: Session, change: KeyChange, ids: list[str]) -> git.CommitMessage:
    return session.message(
        change.action,
        change.staff_id,
        ids=ids,
        extra=[("Ucbr-Staff", change.staff_id), ("Ucbr-Tiers", ",".join(change.tiers))],
    )


def preview(reg: Register, change: KeyChange) -> Outcome:
    """What ``apply`` would do, writing nothing: the files, and how many are staged already."""
    stage = staging_dir(reg)
    outcome = Outcome(change, reg.ids(), resumed=_pending(reg, stage))
    if outcome.resumed:
        _same_change(stage, change)
        outcome.staged = sum(
            1 for i in outcome.files if _staged_file(stage, i, reg.read_text(i)) is not None
        )
    return outcome
