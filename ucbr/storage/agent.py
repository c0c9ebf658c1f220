"""Signing through an ssh agent: the officer's own, or one ucbr starts for one command.

git signs with ``ssh-keygen -Y sign``, which signs through the agent at ``SSH_AUTH_SOCK``
when the agent holds the key. With a locked key, ucbr asks the passphrase once, to open
the officer's tiers, and signs through their own agent if it holds the key; otherwise it
starts an agent of its own for the command, hands it the unlocked key through a pipe,
and stops it at the end, so ``ssh-keygen`` never asks for the passphrase again and the
unlocked key never touches the disk.

An agent cannot open age files: age reads an ssh-ed25519 stanza with X25519, which the
agent protocol does not offer. The key itself (unlocked in memory) opens the tiers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from ucbr.errors import Refused
from ucbr.storage.sshkeys import same_key

# How long the key stays in an agent ucbr started, should ucbr itself be killed.
KEY_LIFETIME = 600


def holding(public_key: str) -> str | None:
    """The socket of the officer's own agent (``SSH_AUTH_SOCK``), if it holds the key."""
    socket = os.environ.get("SSH_AUTH_SOCK")
    if not socket or shutil.which("ssh-add") is None:
        return None
    try:
        listed = subprocess.run(
            ["ssh-add", "-L"], capture_output=True, stdin=subprocess.DEVNULL, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = listed.stdout.decode(errors="replace").splitlines()
    if listed.returncode == 0 and any(same_key(line, public_key) for line in lines if line):
        return socket
    return None


class PrivateAgent:
    """An ssh agent for one command, on a socket in a private folder, holding one key.

    The agent watches a shell that waits on a pipe from ucbr: when ucbr ends, however it
    ends, the pipe closes, the shell exits and the agent follows it (``ssh-agent COMMAND``).
    """

    def __init__(self, unlocked: bytes) -> None:
        if shutil.which("ssh-agent") is None or shutil.which("ssh-add") is None:
            raise Refused("signing with a locked key needs ssh-agent (Debian: openssh-client)")
        self.folder = Path(tempfile.mkdtemp(prefix="ucbr-agent-"))  # 0700
        self.socket = str(self.folder / "agent")
        self._watch = subprocess.Popen(
            ["ssh-agent", "-a", self.socket, "sh", "-c", "read _"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._wait_for_socket()
            added = subprocess.run(
                ["ssh-add", "-q", "-t", str(KEY_LIFETIME), "-"],
                input=unlocked,
                capture_output=True,
                env={**os.environ, "SSH_AUTH_SOCK": self.socket},
                timeout=30,
            )
            if added.returncode != 0:
                raise Refused("ssh-agent would not take your key for signing")
        except BaseException:
            self.stop()
            raise

    def _wait_for_socket(self) -> None:
        deadline = time.monotonic() + 10
        while not Path(self.socket).exists():
            if self._watch.poll() is not None or time.monotonic() > deadline:
                raise Refused("ssh-agent did not start; ucbr signs through it with a locked key")
            time.sleep(0.005)

    def stop(self) -> None:
        """Stop the agent (the key goes with it) and remove its folder."""
        if self._watch.stdin is not None:
            self._watch.stdin.close()
        try:
            self._watch.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._watch.kill()
        subprocess.run(
            ["ssh-add", "-D", "-q"],
            capture_output=True,
            env={**os.environ, "SSH_AUTH_SOCK": self.socket},
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)
