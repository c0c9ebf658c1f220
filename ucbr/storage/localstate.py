"""This clone's own state, in ``.git/ucbr/``: never in the working tree, never pushed.

One folder holds everything ucbr remembers about a clone between commands::

    .git/ucbr/                 0700
        state.json             0600  facts that are not secret (see ``read_state``)
        cache/                 0700
            scheduler.age      0600  decrypted schedule sections, sealed to the scheduler tier key
            frontline.age      0600  decrypted register entries, sealed to the frontline tier key
            casework.age       0600  decrypted records, sealed to the casework tier key
        outbox/                0700  what an officer sealed to a tier they cannot read,
            <sha256>.age       0600  sealed to their own key (``ucbr.services.outbox``)

``state.json`` is one JSON object, ``{"format": 1, ...}``; each kind of fact has its own
top-level key, written with ``update_state`` and read with ``read_state``. Nothing secret
and no personal data goes in it (commit ids, dates, counts): it is plain text. The
cache files are described in ``ucbr.storage.cache``.

Everything here is a convenience that can be rebuilt: a missing, damaged or unsafe file
(a symlink, someone else's, readable by others) is ignored, never trusted and never an
error. Files are written whole to a temporary file and renamed over the old one.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

LOCAL = "ucbr"
STATE = "state.json"
CACHE = "cache"
FORMAT = 1


def git_dir(root: Path) -> Path | None:
    """The clone's ``.git`` folder, or None when it is not a folder (a symlink, a file)."""
    path = root / ".git"
    try:
        return path if stat.S_ISDIR(path.lstat().st_mode) else None
    except OSError:
        return None


def local_dir(root: Path, *parts: str, create: bool = False) -> Path | None:
    """``.git/ucbr`` (or a folder below it), private to its owner; None when unsafe.

    With ``create``, missing folders are made with mode 0700. A folder that is a symlink,
    belongs to someone else or is open to others is not used.
    """
    git = git_dir(root)
    if git is None:
        return None
    path = git
    for part in (LOCAL, *parts):
        path = path / part
        if create:
            try:
                path.mkdir(mode=0o700)
            except FileExistsError:
                pass
            except OSError:
                return None
        _tighten(path)
        if not _safe_dir(path):
            return None
    return path


def _tighten(path: Path) -> None:
    """A folder of ours that others may enter is made private (0700); nothing else changes."""
    try:
        info = path.lstat()
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and info.st_mode & 0o077:
            os.chmod(path, 0o700, follow_symlinks=False)
    except (OSError, NotImplementedError):
        pass


def _safe_dir(path: Path) -> bool:
    """A real folder (not a symlink), ours, that nobody else may enter."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def read_private(path: Path) -> bytes | None:
    """A file's bytes, if it is a regular file of ours that only we can read; else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None
        return fh.read()


def write_private(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data``, mode 0600, atomically; False when it cannot."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        return False
    except BaseException:  # Ctrl-C while writing: no half-written file left behind
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def read_state(root: Path) -> dict[str, Any]:
    """``state.json`` as a dict (empty when there is none, or it is damaged or unsafe)."""
    folder = local_dir(root)
    raw = read_private(folder / STATE) if folder else None
    try:
        state = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        return {}
    return state


def update_state(root: Path, **facts: Any) -> bool:
    """Set top-level keys of ``state.json`` (None removes one); False when it cannot."""
    folder = local_dir(root, create=True)
    if folder is None:
        return False
    state = read_state(root)
    state["format"] = FORMAT
    for key, value in facts.items():
        if value is None:
            state.pop(key, None)
        else:
            state[key] = value
    text = json.dumps(state, indent=2, sort_keys=True) + "\n"
    return write_private(folder / STATE, text.encode())
