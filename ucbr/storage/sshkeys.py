"""SSH ed25519 keys: one key per officer opens their tiers (age reads it) and signs their
commits (git's ``gpg.format=ssh``, through ``ssh-keygen``).

A staff key file is an unencrypted OpenSSH private key, mode 0600. Its public half is in
the file itself, so ucbr can tell whose key it holds without asking anything else.
"""

from __future__ import annotations

import base64
import os
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

from ucbr.errors import Refused

BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----"
END = "-----END OPENSSH PRIVATE KEY-----"
_MAGIC = b"openssh-key-v1\0"
KEY_TYPE = "ssh-ed25519"


def _strings(data: bytes, count: int, pos: int) -> tuple[list[bytes], int]:
    found = []
    for _ in range(count):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        found.append(data[pos + 4 : pos + 4 + size])
        pos += 4 + size
    return found, pos


def public_key_of(private_text: str) -> str | None:
    """``ssh-ed25519 AAAA…`` from an OpenSSH private key file's text; None if it is not one."""
    if BEGIN not in private_text or END not in private_text:
        return None
    body = private_text.split(BEGIN, 1)[1].split(END, 1)[0]
    try:
        raw = base64.b64decode("".join(body.split()), validate=True)
        if not raw.startswith(_MAGIC):
            return None
        _, pos = _strings(raw, 3, len(_MAGIC))  # cipher, kdf, kdf options
        (count,) = struct.unpack(">I", raw[pos : pos + 4])
        (blob,), _ = _strings(raw, 1, pos + 4)
        (kind,), _ = _strings(blob, 1, 0)
    except (ValueError, struct.error):
        return None
    if count != 1 or kind != KEY_TYPE.encode():
        return None
    return f"{KEY_TYPE} {base64.b64encode(blob).decode()}"


def same_key(first: str, second: str) -> bool:
    """Whether two public keys are the same key, whatever their comments."""
    return first.split()[:2] == second.split()[:2]


def generate(path: Path, comment: str) -> str:
    """Create a new unencrypted ed25519 key at ``path`` (0600, never overwriting), and a
    ``.pub`` beside it; return the public key."""
    if shutil.which("ssh-keygen") is None:
        raise Refused("ssh-keygen is not installed (Debian: openssh-client); it makes the keys")
    if path.exists() or path.with_suffix(path.suffix + ".pub").exists():
        raise Refused(f"{path} already exists; ucbr never overwrites it")
    # Made in a private folder beside the target, then moved: never half-written in place.
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".ucbr-key-") as tmp:
        made = Path(tmp) / "key"
        proc = subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(made)],
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            raise Refused("ssh-keygen could not make the key")
        public = (Path(tmp) / "key.pub").read_text().strip()
        try:  # a link, unlike a rename, fails rather than replace a file made meanwhile
            os.link(made, path)
            os.link(Path(tmp) / "key.pub", path.with_suffix(path.suffix + ".pub"))
        except FileExistsError:
            raise Refused(f"{path} already exists; ucbr never overwrites it") from None
    return public


def sign_statement(key_file: Path, namespace: str, message: bytes) -> str:
    """An SSH signature (``ssh-keygen -Y sign``) of ``message`` with the private key in
    ``key_file``, for ``namespace``: the armored text."""
    proc = subprocess.run(
        ["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", str(key_file)],
        input=message,
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0 or b"BEGIN SSH SIGNATURE" not in proc.stdout:
        raise Refused(f"ssh-keygen could not sign with {key_file}")
    return proc.stdout.decode()


def signed_by(public_key: str, namespace: str, message: bytes, signature: str) -> bool:
    """Whether ``signature`` is ``public_key``'s signature of ``message`` for ``namespace``."""
    if shutil.which("ssh-keygen") is None or "\n" in public_key:
        return False
    with tempfile.TemporaryDirectory(prefix="ucbr-sig-") as tmp:
        allowed, sig = Path(tmp) / "allowed", Path(tmp) / "sig"
        allowed.write_text(f'signer namespaces="{namespace}" {public_key}\n')
        sig.write_text(signature)
        proc = subprocess.run(
            ["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", "signer", "-n", namespace,
             "-s", str(sig)],
            input=message,
            capture_output=True,
            check=False,
        )  # fmt: skip
    return proc.returncode == 0
