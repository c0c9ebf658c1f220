"""The council's git server, founded: a bare repository ready for the founder's first push.

``ucbr server init`` makes the bare repository the register will live in, with the
pre-receive hook installed (``ucbr.services.server.install_hook``) and the founder's key
pinned as its root of trust, so the very first push is judged as every later one is. The
founder then adds it as their register's ``origin`` and pushes; every other officer starts
with ``ucbr clone``.
"""

from __future__ import annotations

import base64
import binascii
import shutil
from pathlib import Path

from ucbr.errors import Refused
from ucbr.services.server import install_hook
from ucbr.storage import git

_ED25519 = b"\0\0\0\x0bssh-ed25519"  # how an ssh-ed25519 public key's blob begins


def root_key_from(given: str) -> str:
    """The founder's public key, given as the key itself or as the file that holds it."""
    text = given.strip()
    candidate = Path(text).expanduser()
    if not text.startswith("ssh-") and candidate.is_file():
        text = candidate.read_text(errors="replace").strip()
    parts = text.split()
    try:
        valid = len(parts) >= 2 and parts[0] == "ssh-ed25519"
        valid = valid and base64.b64decode(parts[1], validate=True).startswith(
            b"\0\0\0\x0bssh-ed25519"
        )
    except (binascii.Error, ValueError):
        valid = False
    if not valid:
        raise Refused(
            "--root must be the founding administrator's public key (ssh-ed25519 …) or the "
            ".pub file holding it"
        )
    return " ".join(parts[:2])


def init_server(path: Path, root: str) -> str:
    """A new, empty bare repository at ``path`` with the hook installed and ``root`` (the
    founding administrator's key) pinned; returns the key. Refused, leaving nothing
    behind, when ``path`` is a file or a folder that is not empty."""
    key = root_key_from(root)
    path = path.expanduser().absolute()
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise Refused(f"{path} already exists and is not an empty folder")
    made = not path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
        git.run(path, "init", "-q", "--bare", "-b", "main")
        return install_hook(path, key)
    except BaseException:
        if made:
            shutil.rmtree(path, ignore_errors=True)
        else:
            for child in path.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
