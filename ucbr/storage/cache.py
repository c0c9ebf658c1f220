"""A local cache of decrypted sections, so that a repeated scan decrypts only what changed.

What is cached: for each case or property file, what one section's plaintext says (the
data its YAML holds, as JSON), keyed by the git blob id of the whole file: the SHA-1 of
``blob <size>\\0<content>``. A file's blob id is taken from git's index when git reports
the file unchanged since it was staged (``git ls-files -s``, ``git diff-files``);
otherwise it is computed from the bytes read. A file whose content changes gets a new id,
so an entry is never served for content other than the content it was decrypted from,
and the cache is never trusted over the file. Each entry is still validated against the
models and checked to belong to its file, exactly as if it had just been decrypted.

Where, and sealed to what: one file per tier in ``.git/ucbr/cache/`` (never in the working
tree, never committed): ``scheduler.age`` (schedules), ``frontline.age`` (register
entries), ``casework.age`` (records). Each is an age file encrypted to that tier's own
public key, so at rest it is readable only by those who can already read that tier of the
register, and carries a MAC keyed by the tier's secret key, so that nobody holding only the
public key can forge one. Mode 0600 in a 0700 folder, written to a temporary file and
renamed. A cache that is missing, damaged, truncated, a symlink, for another tier, or
sealed to a tier key that has since been rotated is ignored and rebuilt, never an error.
Entries for files no longer in the register are dropped at the next write.
``ucbr cache clear`` deletes it all.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import subprocess
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyrage

from ucbr.domain.staff import Tier
from ucbr.storage import git
from ucbr.storage.localstate import CACHE, git_dir, local_dir, read_private, write_private

FORMAT = 1
_MAC_PERSON = b"ucbr-cache-mac-1"  # blake2b personalisation: 16 bytes
_BLOB_ID = 40  # hex digits of a SHA-1


def blob_id(content: bytes) -> str:
    """The id git gives a file with this content."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def json_faithful(data: Any) -> bool:
    """Whether ``data`` survives a JSON round trip unchanged (str keys; no floats or dates)."""
    if isinstance(data, dict):
        return all(isinstance(k, str) and json_faithful(v) for k, v in data.items())
    if isinstance(data, list):
        return all(json_faithful(v) for v in data)
    return data is None or isinstance(data, (str, bool, int))


def to_payload(data: Any) -> bytes:
    """A section's data as one line of JSON."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class SectionCache:
    """One tier's cache: blob id -> the section's data as JSON."""

    def __init__(self, root: Path, tier: Tier, identity: pyrage.x25519.Identity) -> None:
        self.root = root
        self.tier = tier
        self.identity = identity
        self.recipient = str(identity.to_public())
        # blob id -> the stored line, ``<blob id> <json>``: kept whole, sliced when read, so
        # that a large cache is held in memory once.
        self.lines: dict[str, bytes] = {}
        self._mac_key = hashlib.blake2b(
            str(identity).encode(), digest_size=32, person=_MAC_PERSON
        ).digest()

    @classmethod
    def open(cls, root: Path, tier: Tier, identity: pyrage.x25519.Identity) -> SectionCache:
        """The tier's cache as stored, or an empty one when there is none that can be trusted."""
        cache = cls(root, tier, identity)
        folder = local_dir(root, CACHE)
        path = folder / f"{tier}.age" if folder else None
        sealed = read_private(path) if path else None
        if sealed:
            cache.lines = cache._unseal(sealed)
        if path and sealed is not None and not cache.lines:
            path.unlink(missing_ok=True)  # damaged, or sealed to a retired key: gone
        return cache

    def __len__(self) -> int:
        return len(self.lines)

    def __contains__(self, blob: object) -> bool:
        return blob in self.lines

    def get(self, blob: str | None) -> bytes | None:
        """The cached data of the file with this blob id, as JSON, or None."""
        line = self.lines.get(blob) if blob else None
        return line[_BLOB_ID + 1 :] if line is not None else None

    def save(self, added: dict[str, bytes], present: Iterable[str]) -> None:
        """Keep the entries of the files still ``present``, move in ``added``; write if changed.

        ``added`` is emptied as its entries move in, so a large cache is not held twice.
        """
        keep = {blob: self.lines[blob] for blob in present if blob in self.lines}
        changed = bool(added) or keep.keys() != self.lines.keys()
        while added:
            blob, data = added.popitem()
            keep[blob] = b"%s %s" % (blob.encode(), data)
        self.lines = keep
        if not changed:
            return
        folder = local_dir(self.root, CACHE, create=True)
        if folder is not None:
            write_private(folder / f"{self.tier}.age", self._seal())

    # --- the file ----------------------------------------------------------------------
    # The plaintext is: a header line (format, tier, recipient), a line with the MAC of
    # what follows, then one line per entry, ``<blob id> <json>``.

    def _header(self) -> bytes:
        fields = {"format": FORMAT, "tier": self.tier, "recipient": self.recipient}
        return json.dumps(fields, sort_keys=True).encode()

    def _mac(self) -> hashlib.blake2b:
        mac = hashlib.blake2b(key=self._mac_key, digest_size=32)
        mac.update(self._header() + b"\n")
        return mac

    def _seal(self) -> bytes:
        mac = self._mac()
        for line in self.lines.values():
            mac.update(line)
            mac.update(b"\n")
        plain = b"\n".join([self._header(), mac.hexdigest().encode(), *self.lines.values(), b""])
        sealed: bytes = pyrage.encrypt(plain, [self.identity.to_public()])
        return sealed

    def _unseal(self, sealed: bytes) -> dict[str, bytes]:
        try:
            plain: bytes = pyrage.decrypt(sealed, [self.identity])
        except pyrage.DecryptError:  # another key, or damage: no cache
            return {}
        del sealed
        first = plain.find(b"\n")
        second = plain.find(b"\n", first + 1)
        if first < 0 or second < 0 or plain[:first] != self._header():
            return {}
        mac = self._mac()
        mac.update(memoryview(plain)[second + 1 :])
        if not hmac.compare_digest(plain[first + 1 : second], mac.hexdigest().encode()):
            return {}
        lines = plain.split(b"\n")
        del plain
        if lines.pop() != b"":
            return {}
        found = {line[:_BLOB_ID].decode("ascii", "replace"): line for line in lines[2:]}
        if any(len(line) <= _BLOB_ID + 1 or line[_BLOB_ID] != 32 for line in lines[2:]):
            return {}
        return found


_INDEXED = re.compile(rb"100644 ([0-9a-f]{40}) 0\t([^\0]*)\0")


def indexed_blobs(root: Path) -> dict[str, str]:
    """Each case and property file git's index records, unchanged since: path -> blob id.

    Files changed in the working tree since they were staged, not staged at all, in a
    merge conflict, or not plain files are left out: their ids are computed when read.
    """
    folders = ("--", "cases", "properties")
    changed: list[subprocess.CompletedProcess[bytes]] = []

    def diff_files() -> None:
        with contextlib.suppress(git.GitError):
            changed.append(git.run(root, "diff-files", "--name-only", "-z", *folders, check=False))

    # Two git commands at once: diff-files (which looks at every file) is the slow one.
    worker = threading.Thread(target=diff_files)
    worker.start()
    try:
        listed = git.run(root, "ls-files", "-s", "-z", *folders, check=False)
    except git.GitError:  # no git: every file is read and hashed instead
        return {}
    finally:
        worker.join()
    if listed.returncode or not changed or changed[0].returncode:
        return {}
    stale = set(changed[0].stdout.split(b"\0"))
    return {
        path.decode(errors="replace"): blob.decode()
        for blob, path in _INDEXED.findall(listed.stdout)
        if path not in stale
    }


def clear_cache(root: Path) -> int:
    """Delete this clone's cache files; how many were removed."""
    git_folder = git_dir(root)
    if git_folder is None:
        return 0
    folder = git_folder / "ucbr" / CACHE
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        folder.unlink()
        return 1
    if not folder.is_dir():
        return 0
    removed = 0
    for entry in folder.iterdir():
        if entry.is_symlink() or entry.is_file():
            entry.unlink()
            removed += 1
    return removed


def caches_for(
    root: Path, tiers: Mapping[Tier, pyrage.x25519.Identity]
) -> dict[Tier, SectionCache]:
    """The caches of every tier whose key is held."""
    return {tier: SectionCache.open(root, tier, identity) for tier, identity in tiers.items()}


def environment_allows() -> bool:
    """False when ``UCBR_NO_CACHE`` is set: every section is decrypted, nothing is written."""
    return not os.environ.get("UCBR_NO_CACHE")
