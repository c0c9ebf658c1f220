"""Passphrases: asked on the terminal without echo, or read from a file descriptor.

Never from the command line (``ps`` shows it) nor the environment (every child process
inherits it, and ``/proc`` shows it): a service gives it on a file descriptor
(``--passphrase-fd 3 3< /run/credentials/ucbr/passphrase``), or uses an unlocked key.
"""

from __future__ import annotations

import os
from pathlib import Path

from ucbr.errors import Refused

MINIMUM = 8  # characters of a new passphrase
_LONGEST = 4096  # bytes read from a descriptor, at most


def from_fd(fd: int) -> bytes:
    """The first line on file descriptor ``fd`` (its newline left off)."""
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= _LONGEST:
            chunk = os.read(fd, 1)
            if not chunk or chunk == b"\n":
                break
            chunks.append(chunk)
            size += 1
    except OSError:
        raise Refused(f"--passphrase-fd {fd}: cannot read that file descriptor") from None
    return b"".join(chunks).removesuffix(b"\r")


def can_ask() -> bool:
    """Whether there is a terminal to ask on."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    os.close(fd)
    return True


def ask(prompt: str) -> bytes:
    """A passphrase typed on the terminal, not echoed."""
    import getpass

    if not can_ask():
        raise Refused("no terminal to ask the passphrase on: give --passphrase-fd N")
    return getpass.getpass(prompt).encode()


def to_unlock(key_file: Path, fd: int | None) -> bytes:
    """The passphrase of a locked key: from ``fd``, else asked on the terminal."""
    if fd is not None:
        return from_fd(fd)
    if not can_ask():
        raise Refused(
            f"{key_file} is locked with a passphrase and there is no terminal to ask it on: "
            "give --passphrase-fd N, or use an unlocked key for a service account"
        )
    return ask(f"Passphrase for {key_file}: ")


def new(key_file: Path, fd: int | None) -> bytes:
    """A new passphrase: from ``fd``, else typed twice on the terminal; at least
    ``MINIMUM`` characters."""
    if fd is not None:
        chosen = from_fd(fd)
    else:
        chosen = ask(f"New passphrase for {key_file}: ")
        if ask("The same passphrase again: ") != chosen:
            raise Refused("the two passphrases differ; nothing was written")
    if len(chosen.decode(errors="replace")) < MINIMUM:
        raise Refused(f"a passphrase needs at least {MINIMUM} characters; nothing was written")
    return chosen
