"""The tier keys as they were at any commit, opened with the caller's own key.

A section written before a key rotation is sealed to the tier key of its day; reading
history (``history``, the audit of records, a merge of old work) needs that key, which
the caller's own key opens if they held the tier then.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ucbr.domain.staff import TIERS
from ucbr.errors import UcbrError
from ucbr.storage import gitlog
from ucbr.storage.plainyaml import read_plain
from ucbr.storage.store import recipients_file, tier_key_file
from ucbr.storage.vault import Identity, Keyring, decrypt_section, unlock
from ucbr.storage.yamlio import load_strict


class Rings:
    """The caller's keyring at each commit, read once per distinct set of tier keys."""

    def __init__(self, root: Path, identities: Sequence[Identity], current: Keyring) -> None:
        self.root, self.identities, self.current = root, list(identities), current
        self._cache: dict[tuple[bytes | None, ...], Keyring] = {}
        self._proven: dict[tuple[bytes | None, ...], Keyring] = {}

    def at(self, blobs: dict[str, bytes | None], sha: str) -> Keyring:
        """The tier keys of commit ``sha`` that the caller opens (``blobs`` may hold them)."""
        specs = [f"{sha}:{tier_key_file(t)}" for t in TIERS]
        missing = [spec for spec in specs if spec not in blobs]
        if missing:
            blobs.update(gitlog.read_blobs(self.root, missing))
        wrapped = tuple(blobs.get(spec) for spec in specs)
        if wrapped not in self._cache:
            texts = {t: w.decode() for t, w in zip(TIERS, wrapped, strict=True) if w}
            try:
                self._cache[wrapped] = unlock(texts, self.identities)
            except UcbrError:
                self._cache[wrapped] = Keyring()
        return self._cache[wrapped]

    def proven(self, blobs: dict[str, bytes | None], sha: str) -> Keyring:
        """The tier keys in force at ``sha`` that the caller holds: each one its own key
        opens at ``sha``, and each current one whose public half ``sha`` names.

        A section of a tier sealed at ``sha`` must open with this key: a holder of a tier
        can open everything sealed while they held it, and anything else fails closed.
        """
        ring = self.at(blobs, sha)
        specs = [f"{sha}:{f(t)}" for f in (tier_key_file, recipients_file) for t in TIERS]
        missing = [spec for spec in specs if spec not in blobs]
        if missing:
            blobs.update(gitlog.read_blobs(self.root, missing))
        files = tuple(blobs.get(spec) for spec in specs)
        if files not in self._proven:
            found = Keyring(dict(ring.tiers))
            for tier, raw in zip(TIERS, files[len(TIERS) :], strict=True):
                held = self.current.tiers.get(tier)
                if tier in found.tiers or held is None or raw is None:
                    continue
                if str(held.to_public()) in raw.decode(errors="replace").split():
                    found.tiers[tier] = held
            self._proven[files] = found
        return self._proven[files]

    def open(self, ring: Keyring, name: str, armored: str) -> Any:
        """A section's data, opened with ``ring`` or the current keys; None if neither does."""
        for candidate in (ring, self.current):
            if not candidate.can_read(name):
                continue
            try:
                plain = decrypt_section(armored, candidate.identities_for(name))
                if plain is not None:
                    return self.read(plain, name)
            except UcbrError:
                continue
        return None

    @staticmethod
    def read(plain: bytes, name: str) -> Any:
        """A section's data from its plaintext: the YAML ucbr writes, anything else strictly."""
        fast = read_plain(plain)
        return fast if fast is not None else load_strict(plain, name)
