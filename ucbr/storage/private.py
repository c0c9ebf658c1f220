"""Files ucbr writes for people, not for git: letters, exports, reports and keys.

They are created new (never overwriting), readable by their owner only (0600), and
never inside the register's working tree, where a careless `git add` would publish them.
"""

from __future__ import annotations

import os
from pathlib import Path

from ucbr.errors import Refused


def outside_register(root: Path, out: Path) -> Path:
    """The resolved path, refused when it lies inside the register's working tree."""
    target = out.expanduser().resolve()
    if target == root or root in target.parents:
        raise Refused("refusing to write inside the register's working tree; choose another place")
    return target


def create_private_file(path: Path, content: bytes) -> None:
    """Create a new file readable by its owner only (0600), never overwriting."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise Refused(f"{path} already exists; ucbr never overwrites it") from None
    except OSError as exc:
        raise Refused(f"cannot create {path}: {exc.strerror}") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
