"""A real terminal for tests: tmux runs a command, keys are typed, the screen is read."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@dataclass
class Terminal:
    """One tmux session on a server of its own, running one command."""

    server: str
    done: Path

    def tmux(self, *args: str) -> str:
        proc = subprocess.run(
            ["tmux", "-L", self.server, *args], capture_output=True, text=True, check=False
        )
        return proc.stdout

    def screen(self) -> str:
        """What the terminal shows now."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "main")

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """The screen once ``text`` is on it (or the command has ended)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen or self.done.exists():
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared:\n{self.screen()}")

    def type(self, text: str, enter: bool = True) -> None:
        """Type ``text`` (and Enter) as a person would."""
        self.tmux("send-keys", "-t", "main", "-l", text)
        if enter:
            self.tmux("send-keys", "-t", "main", "Enter")

    def ctrl_c(self) -> None:
        self.tmux("send-keys", "-t", "main", "C-c")

    def exit_code(self, timeout: float = 60) -> int:
        """The command's exit code, once it has ended."""
        deadline = time.monotonic() + timeout
        while not self.done.exists() or not self.done.read_text().strip():
            if time.monotonic() > deadline:
                raise AssertionError(f"the command never ended:\n{self.screen()}")
            time.sleep(0.05)
        return int(self.done.read_text())


@contextmanager
def terminal(
    command: list[str], env: dict[str, str], tmp: Path, width: int = 100
) -> Iterator[Terminal]:
    """``command`` running in a real terminal ``width`` columns wide, with ``env``."""
    server = f"ucbr-test-{uuid.uuid4().hex[:10]}"
    done = tmp / f"{server}.exit"
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    # The shell traps Ctrl-C (a trap, unlike ignoring it, is not inherited) to report the code.
    script = f"trap : INT; env -i {assignments} {shlex.join(command)}"
    script += f"; echo $? > {shlex.quote(str(done))}; sleep 60"
    session = ["new-session", "-d", "-s", "main", "-x", str(width), "-y", "50"]
    subprocess.run(
        ["tmux", "-L", server, "-f", os.devnull, *session, "sh", "-c", script], check=True
    )
    try:
        yield Terminal(server, done)
    finally:
        subprocess.run(["tmux", "-L", server, "kill-server"], capture_output=True, check=False)
