"""SSH ed25519 keys: one key per officer opens their tiers (age reads it) and signs their
commits (git's ``gpg.format=ssh``, through ``ssh-keygen``).

A staff key file is an OpenSSH private key, mode 0600, locked with a passphrase or (for a
service account) not. Its public half is in the file itself, in the clear either way, so
ucbr can tell whose key it holds without asking anything else. A locked key is unlocked
in memory only (``unlock``): its plaintext is never written anywhere.
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


def _header(private_text: str) -> tuple[bytes, bytes] | None:
    """The cipher and the public key blob of an OpenSSH private key file, or None."""
    if BEGIN not in private_text or END not in private_text:
        return None
    body = private_text.split(BEGIN, 1)[1].split(END, 1)[0]
    try:
        raw = base64.b64decode("".join(body.split()), validate=True)
        if not raw.startswith(_MAGIC):
            return None
        (cipher, _, _), pos = _strings(raw, 3, len(_MAGIC))  # cipher, kdf, kdf options
        (count,) = struct.unpack(">I", raw[pos : pos + 4])
        (blob,), _ = _strings(raw, 1, pos + 4)
        (kind,), _ = _strings(blob, 1, 0)
    except (ValueError, struct.error):
        return None
    if count != 1 or kind != KEY_TYPE.encode():
        return None
    return cipher, blob


def is_locked(private_text: str) -> bool:
    """Whether an OpenSSH ed25519 private key file is locked with a passphrase."""
    header = _header(private_text)
    return header is not None and header[0] != b"none"


def unlock(raw: bytes, passphrase: bytes) -> bytes:
    """The same key, unlocked, as OpenSSH key text held in memory; refused when the
    passphrase is wrong. Nothing is written: the result lives only as long as the caller
    keeps it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_ssh_private_key(raw, passphrase or None)
    except (ValueError, TypeError):
        raise Refused("the passphrase does not unlock your key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise Refused("your key is not an ed25519 key")
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )


def public_key_of(private_text: str) -> str | None:
    """``ssh-ed25519 AAAA…`` from an OpenSSH private key file's text, locked or not; None if
    it is not one."""
    header = _header(private_text)
    return None if header is None else f"{KEY_TYPE} {base64.b64encode(header[1]).decode()}"


def same_key(first: str, second: str) -> bool:
    """Whether two public keys are the same key, whatever their comments."""
    return first.split()[:2] == second.split()[:2]


def generate_locked(path: Path, comment: str, passphrase: bytes) -> str:
    """Create a new ed25519 key at ``path`` locked with ``passphrase`` (0600, never
    overwriting), and a ``.pub`` beside it; return the public key. The key is made and
    locked in memory: its unlocked form never touches the disk."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ucbr.storage.private import create_private_file

    if path.exists() or path.with_suffix(path.suffix + ".pub").exists():
        raise Refused(f"{path} already exists; ucbr never overwrites it")
    key = Ed25519PrivateKey.generate()
    locked = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.BestAvailableEncryption(passphrase),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    line = f"{public.decode()} {comment}".strip()
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".ucbr-key-") as tmp:
        create_private_file(Path(tmp) / "key", locked)
        (Path(tmp) / "key.pub").write_text(line + "\n")
        _place(Path(tmp), path)
    return line


def _place(made: Path, path: Path) -> None:
    """Link ``key`` and ``key.pub`` made in a private folder to ``path`` and its ``.pub``.
    A link, unlike a rename, fails rather than replace a file made meanwhile."""
    try:
        os.link(made / "key", path)
        os.link(made / "key.pub", path.with_suffix(path.suffix + ".pub"))
    except FileExistsError:
        raise Refused(f"{path} already exists; ucbr never overwrites it") from None


def generate(path: Path, comment: str) -> str:
    """Create a new unlocked ed25519 key at ``path`` (0600, never overwriting), and a
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
        _place(Path(tmp), path)
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
