"""age encryption: staff keys, tier keys and sections.

Each access tier (scheduler, frontline, casework) has one age key of its own. Its
public half is ``.ucbr/recipients/<tier>.txt``; its secret half is
``.ucbr/tiers/<tier>.age``, encrypted to the staff of that tier and of every tier above
it (frontline staff hold the scheduler key, casework staff all three). Each section is
encrypted to the one tier key of the lowest tier allowed to read it, so it carries a
single stanza however many staff there are: a scan of ten thousand schedules costs ten
thousand one-stanza decryptions, and a new member of staff reads the register without a
single case file being rewritten. A member's own key opens their tier keys; a tier key
opens the sections. Plaintext is only ever held in memory.
"""

from __future__ import annotations

import base64
import hashlib
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias, Union

import pyrage

from ucbr.domain.staff import SECTION_KEY, TIERS, Tier
from ucbr.errors import AccessDenied, IntegrityError, Refused
from ucbr.storage.agefile import ARMOR_BEGIN as ARMOR_BEGIN
from ucbr.storage.agefile import ARMOR_END as ARMOR_END
from ucbr.storage.agefile import dearmor, header_stanzas, section_problem, tier_key_problem
from ucbr.storage.private import create_private_file
from ucbr.storage.sshkeys import is_locked, public_key_of

# pyrage ships no type stubs, so its classes are Any to mypy; Union keeps the alias valid.
Identity: TypeAlias = Union[pyrage.x25519.Identity, pyrage.ssh.Identity]  # noqa: UP007
Recipient: TypeAlias = Union[pyrage.x25519.Recipient, pyrage.ssh.Recipient]  # noqa: UP007
# The start of an age identity line (bech32 "AGE-SECRET-KEY-" then "1" and the key).
SECRET_KEY_PREFIX = "AGE-SECRET-KEY-"


def parse_recipient(text: str) -> Recipient:
    """An age (``age1…``) or SSH ed25519 (``ssh-ed25519 …``) recipient."""
    text = text.strip()
    try:
        if text.startswith("age1"):
            return pyrage.x25519.Recipient.from_str(text)
        if text.startswith("ssh-ed25519 "):
            return pyrage.ssh.Recipient.from_str(text)
    except pyrage.RecipientError:
        pass
    raise Refused("not an age or ssh-ed25519 recipient")


def parse_identities(raw: bytes) -> list[Identity]:
    """The age or SSH identities in an identity file's bytes."""
    text = raw.decode(errors="replace")
    if "-----BEGIN OPENSSH PRIVATE KEY-----" in text:
        if is_locked(text):
            raise Refused("the SSH identity file is locked with a passphrase; unlock it first")
        try:
            return [pyrage.ssh.Identity.from_buffer(raw)]
        except pyrage.IdentityError:
            raise Refused("the SSH identity file is not an ed25519 key") from None
    found: list[Identity] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(SECRET_KEY_PREFIX):
            try:
                found.append(pyrage.x25519.Identity.from_str(line))
            except pyrage.IdentityError:
                raise Refused("the identity file holds a malformed age key") from None
    if not found:
        raise Refused("the identity file holds no age or SSH identity")
    return found


def public_keys(raw: bytes) -> list[str]:
    """The public keys of the identities in an identity file: ``age1…`` or ``ssh-ed25519 …``."""
    text = raw.decode(errors="replace")
    ssh = public_key_of(text)
    if ssh is not None:
        return [ssh]
    found = []
    for line in text.splitlines():
        if line.strip().startswith(SECRET_KEY_PREFIX):
            try:
                found.append(str(pyrage.x25519.Identity.from_str(line.strip()).to_public()))
            except pyrage.IdentityError:
                continue
    return found


def load_identity_file(path: Path) -> list[Identity]:
    """Read an unlocked staff identity, refusing one that others on the machine could read."""
    return parse_identities(read_identity_file(path))


def read_identity_file(path: Path) -> bytes:
    """A staff identity file's bytes, refusing the public half of a key, and a private key
    that others on the machine could read."""
    try:
        st = path.stat()
        head = path.read_bytes()[:4096]
    except FileNotFoundError:
        raise Refused(f"identity file not found: {path}") from None
    words = head.decode(errors="replace").split()
    if words[:1] in (["ssh-ed25519"], ["ssh-rsa"], ["ecdsa-sha2-nistp256"]) or (
        words[:1] and words[0].startswith("age1") and len(words) == 1
    ):
        raise Refused(
            f"{path} is the public half of a key; give the private key file (without .pub). "
            "An ssh agent cannot stand in for it: it signs, but cannot open age-encrypted tiers"
        )
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        mode = stat.S_IMODE(st.st_mode)
        raise Refused(f"identity file {path} is mode {mode:o}; it must be 0600 (chmod 600 it)")
    return path.read_bytes()


def new_identity_file(path: Path, comment: str = "") -> str:
    """Create a new age identity with mode 0600, never overwriting; return its recipient."""
    identity = pyrage.x25519.Identity.generate()
    recipient = str(identity.to_public())
    header = f"# {comment}\n" if comment else ""
    body = f"{header}# public key: {recipient}\n{identity}\n"
    create_private_file(path, body.encode())
    return recipient


def encrypt(plaintext: bytes, recipients: Sequence[Recipient]) -> str:
    """Encrypt to ``recipients``, armored."""
    if not recipients:
        raise Refused("no recipients to encrypt to")
    armored: bytes = pyrage.encrypt(plaintext, list(recipients), armored=True)
    return armored.decode()


def decrypt(armored: str, identities: Sequence[Identity]) -> bytes | None:
    """The plaintext, or None when none of ``identities`` is a recipient."""
    try:
        plain: bytes = pyrage.decrypt(dearmor(armored) or armored.encode(), list(identities))
    except pyrage.DecryptError as exc:
        if "No matching keys" in str(exc):
            return None
        raise IntegrityError("a section is corrupted and will not decrypt") from None
    return plain


def decrypt_section(
    armored: str, identities: Sequence[Identity], where: str = "a section"
) -> bytes | None:
    """A section's plaintext, or None when none of ``identities`` is its recipient; an
    ``IntegrityError`` when it is not a well-formed age file sealed to exactly one key."""
    raw = dearmor(armored)
    kinds = header_stanzas(raw) if raw is not None else None
    if kinds != ["X25519"]:
        raise IntegrityError(f"{where} {section_problem(armored) or 'is not a sealed section'}")
    try:
        plain: bytes = pyrage.decrypt(raw, list(identities))
    except pyrage.DecryptError as exc:
        if "No matching keys" in str(exc):
            return None
        raise IntegrityError(f"{where} is corrupted and will not decrypt") from None
    return plain


def stanzas(armored: str) -> list[str] | None:
    """The recipient stanzas of an armored age file (grease left out), each as ``X25519``
    or ``ssh-ed25519 TAG``; None when it is not an age file.

    An ssh-ed25519 stanza names its recipient by a tag (``ssh_tag``); an X25519 stanza
    names no one, so only their number can be checked.
    """
    raw = dearmor(armored)
    if raw is None:
        body = "".join(
            line.strip()
            for line in armored.strip().splitlines()
            if line.strip() and not line.startswith("-----")
        )
        try:
            raw = base64.b64decode(body, validate=True)
        except ValueError:
            return None
    found = []
    for line in raw.split(b"\n---", 1)[0].split(b"\n"):
        words = line.decode(errors="replace").split()
        if words[:2] == ["->", "X25519"]:
            found.append("X25519")
        elif words[:2] == ["->", "ssh-ed25519"] and len(words) > 2:
            found.append(f"ssh-ed25519 {words[2]}")
    return found


def stanza_count(armored: str) -> int:
    """How many recipient stanzas (not grease) an armored age file carries, for ``check``."""
    found = stanzas(armored)
    return -1 if found is None else len(found)


def stanza_for(recipient: str) -> str:
    """The stanza a file sealed to ``recipient`` carries for it (see ``stanzas``)."""
    if not recipient.startswith("ssh-ed25519 "):
        return "X25519"
    blob = base64.b64decode(recipient.split()[1])
    tag = base64.b64encode(hashlib.sha256(blob).digest()[:4]).decode().rstrip("=")
    return f"ssh-ed25519 {tag}"


@dataclass
class Keyring:
    """The tier keys the caller's own key opens, strongest tier first."""

    tiers: dict[Tier, pyrage.x25519.Identity] = field(default_factory=dict)

    def can_read(self, section: str) -> bool:
        """Whether these keys open ``section``."""
        return SECTION_KEY[section] in self.tiers

    def identities_for(self, section: str) -> list[Identity]:
        """The tier key that opens ``section``."""
        tier = SECTION_KEY[section]
        if tier not in self.tiers:
            raise AccessDenied(f"your key cannot read {section} sections")
        return [self.tiers[tier]]

    def open(self, section: str, armored: str) -> bytes:
        """Decrypt a section; an ``IntegrityError`` when it is not sealed to its tier key."""
        plain = decrypt_section(armored, self.identities_for(section), f"a {section} section")
        if plain is None:
            raise IntegrityError(f"a {section} section is not encrypted to its tier keys")
        return plain

    @property
    def highest(self) -> Tier | None:
        """The highest tier these keys open."""
        for tier in reversed(TIERS):
            if tier in self.tiers:
                return tier
        return None


def unlock(wrapped: Mapping[Tier, str], identities: Sequence[Identity]) -> Keyring:
    """Open every tier key the staff identity is a recipient of."""
    ring = Keyring()
    for tier in TIERS:
        armored = wrapped.get(tier)
        if not armored:
            continue
        problem = tier_key_problem(armored)
        if problem is not None:
            raise IntegrityError(f"the {tier} tier key {problem}")
        plain = decrypt(armored, identities)
        if plain is not None:
            ring.tiers[tier] = parse_tier_key(plain)
    return ring


def parse_tier_key(plain: bytes) -> pyrage.x25519.Identity:
    """The tier key in a decrypted tier-key file."""
    for line in plain.decode().splitlines():
        if line.startswith(SECRET_KEY_PREFIX):
            return pyrage.x25519.Identity.from_str(line.strip())
    raise IntegrityError("a tier key file holds no key")


def tier_key_text(identity: pyrage.x25519.Identity, tier: Tier) -> bytes:
    """A tier key as its file holds it, before wrapping."""
    return f"# ucbr {tier} tier key\n{identity}\n".encode()


def wrap_tier_key(identity: pyrage.x25519.Identity, tier: Tier, members: Iterable[str]) -> str:
    """A tier key sealed to the public keys of those who hold it."""
    recipients = [parse_recipient(r) for r in members]
    return encrypt(tier_key_text(identity, tier), recipients)


def section_recipients(section: str, public: Mapping[Tier, str]) -> list[Recipient]:
    """The one recipient a section is sealed to: its tier's public key."""
    return [parse_recipient(public[SECTION_KEY[section]])]
