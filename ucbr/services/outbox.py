"""What an officer sealed to a tier their own key cannot open, kept for them until it is sent.

A frontline officer's report writes a record that only casework keys open. If a leaver's
removal reaches the server before the report does, ``sync`` must seal that record again to
the new casework key, which needs what it says. So whenever ucbr seals a section to a tier
the acting officer's key does not open, it keeps the same plaintext sealed to the officer's
own key in ``.git/ucbr/outbox/`` (never in the working tree, never pushed; 0600 in a 0700
folder), named by the SHA-256 of the section it sealed. ``sync`` opens it with their key to
seal the section again (``ucbr.services.reseal``). Every entry goes once ``sync`` has pushed
the clone's work, and any once it is older than ``KEEP_DAYS``: work left unsynced longer
than the audit's offline window cannot be pushed anyway. Nothing the officer did not write
themselves is ever kept: only what they sealed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel

from ucbr.domain.staff import SECTIONS, StaffMember
from ucbr.errors import UcbrError
from ucbr.services.clock import now
from ucbr.storage import envelope
from ucbr.storage.files import encode
from ucbr.storage.localstate import local_dir, read_private, write_private
from ucbr.storage.vault import Identity, Keyring, decrypt, encrypt, parse_recipient

OUTBOX = "outbox"
KEEP_DAYS = 7


def _name(armored: str) -> str:
    return hashlib.sha256(armored.encode()).hexdigest() + ".age"


def keep(
    root: Path,
    text: str,
    sections: Mapping[str, BaseModel],
    ring: Keyring,
    actor: StaffMember,
) -> int:
    """Keep, sealed to ``actor``'s own keys, each section of the rendered file ``text`` that
    ``ring`` (their tier keys) cannot open; returns how many were kept. Best effort: a clone
    whose local folder is unsafe keeps nothing (sync then says it cannot seal it again)."""
    unread = [name for name in SECTIONS if not ring.can_read(name)]
    if not unread or not actor.recipients:
        return 0
    folder = local_dir(root, OUTBOX, create=True)
    if folder is None:
        return 0
    prune(folder)
    try:
        recipients = [parse_recipient(key) for key in actor.recipients]
    except UcbrError:
        return 0
    env = envelope.parse(text, "the file being written")
    kept = 0
    for name in unread:
        sealed = encrypt(encode(sections[name]), recipients)
        kept += write_private(folder / _name(env.sections[name]), sealed.encode())
    return kept


def find(root: Path, armored: str, identities: Sequence[Identity]) -> bytes | None:
    """What the section ``armored`` says, from this officer's outbox; None if not kept."""
    folder = local_dir(root, OUTBOX)
    raw = read_private(folder / _name(armored)) if folder is not None else None
    if raw is None:
        return None
    try:
        return decrypt(raw.decode(), identities)
    except (UcbrError, UnicodeDecodeError):
        return None


def prune(folder: Path) -> None:
    """Delete the entries older than ``KEEP_DAYS``."""
    _delete(folder, (now() - dt.timedelta(days=KEEP_DAYS)).timestamp())


def _delete(folder: Path, before: float) -> None:
    """Delete the entries last written before ``before`` (a timestamp); never a link."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < before:
                os.unlink(entry.path)
        except OSError:
            continue


def clear(root: Path) -> None:
    """Delete every entry, once this clone's work has all reached the server."""
    folder = local_dir(root, OUTBOX)
    if folder is not None:
        _delete(folder, float("inf"))
