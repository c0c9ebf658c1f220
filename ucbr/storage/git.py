"""Every git call goes through here."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ucbr.domain.permissions import Action
from ucbr.errors import Refused, UcbrError

TRAILER_KEYS = (
    "Ucbr-Action",
    "Ucbr-Case",
    "Ucbr-Officer",
    "Ucbr-Policy",
    "Ucbr-Date",
    "Ucbr-Approves",
    "Ucbr-Staff",
    "Ucbr-Source",  # an import: the SHA-256 of the file it read
    "Ucbr-Record",
    "Ucbr-Manifest",
    "Ucbr-On",
)


class GitError(UcbrError):
    """A git command failed. The message carries git's first line, never file contents."""


def run(
    root: Path,
    *args: str,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run git in ``root``; a failure is a one-line ``GitError`` (``check``)."""
    full_env = dict(os.environ)
    full_env.setdefault("GIT_TERMINAL_PROMPT", "0")
    if env:
        full_env.update(env)
    try:
        proc = subprocess.run(
            ["git", *args], cwd=root, input=input, capture_output=True, env=full_env, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if check and proc.returncode != 0:
        first = (proc.stderr or proc.stdout).decode(errors="replace").strip().splitlines()
        reason = first[0] if first else f"exit {proc.returncode}"
        raise GitError(f"git {args[0]} failed: {reason}")
    return proc


def out(root: Path, *args: str) -> str:
    """Git's standard output, stripped."""
    return run(root, *args).stdout.decode().strip()


def head(root: Path) -> str | None:
    """The commit HEAD points to; None in an empty repository."""
    proc = run(root, "rev-parse", "--verify", "-q", "HEAD", check=False)
    return proc.stdout.decode().strip() or None


def author_email(root: Path) -> str:
    """The acting officer: the git author that the next commit will carry."""
    return identity_or_refuse(root)


def identity_or_refuse(folder: Path) -> str:
    """The e-mail of the git identity commits made in ``folder`` will carry; refused (before
    anything is written) when git has none."""
    proc = run(folder, "var", "GIT_AUTHOR_IDENT", check=False)
    ident = proc.stdout.decode().strip()
    email = ident.split("<", 1)[1].split(">", 1)[0].strip() if "<" in ident else ""
    if proc.returncode != 0 or not email:
        raise Refused(
            'no git identity is set: run `git config --global user.name "Your Name"` and '
            "`git config --global user.email you@council.example` first"
        )
    return email


def unknown_author(root: Path, email: str) -> str:
    """Why an author not in the staff directory is refused: who git says they are, and
    where git found that."""
    return (
        f"the git author {email} ({author_email_origin(root)}) is not in the staff "
        "directory (.ucbr/staff.yaml): set git's user.email to the address you were added "
        "with, or ask an administrator to add you"
    )


def author_email_origin(root: Path) -> str:
    """Where git took the author's e-mail from, in words, in git's own order: the
    ``GIT_AUTHOR_EMAIL`` variable, ``user.email`` in a config file, the ``EMAIL`` variable,
    else the user and host names."""
    if os.environ.get("GIT_AUTHOR_EMAIL"):
        return "from the GIT_AUTHOR_EMAIL environment variable"
    proc = run(root, "config", "--show-origin", "--show-scope", "user.email", check=False)
    words = proc.stdout.decode(errors="replace").split("\t")
    if proc.returncode == 0 and len(words) >= 2:
        scope, origin = words[0], words[1].removeprefix("file:")
        return f"user.email in {origin}, git's {scope} config"
    if os.environ.get("EMAIL"):
        return "from the EMAIL environment variable"
    return "made up by git from your user and host names"


@dataclass(frozen=True)
class CommitMessage:
    """A ucbr commit message: the subject and the ``Ucbr-*`` trailers, never personal data.

    ``day`` is the policy's date the command ran under (``Ucbr-Date``): the audit reports a
    commit whose policy date is not the day it was made, so the clock cannot be moved
    unseen.
    """

    action: Action
    subject_id: str
    officer: str
    policy: str
    day: dt.date
    ids: Sequence[str] = ()
    approves: str | None = None
    extra: Sequence[tuple[str, str]] = ()

    def text(self) -> str:
        """The message as git takes it."""
        lines = [f"ucbr: {self.action} {self.subject_id}".rstrip(), ""]
        lines.append(f"Ucbr-Action: {self.action}")
        for case_id in self.ids or (
            [self.subject_id] if self.subject_id[:2] in ("C-", "P-") else []
        ):
            lines.append(f"Ucbr-Case: {case_id}")
        lines.append(f"Ucbr-Officer: {self.officer}")
        lines.append(f"Ucbr-Policy: {self.policy}")
        lines.append(f"Ucbr-Date: {self.day.isoformat()}")
        if self.approves:
            lines.append(f"Ucbr-Approves: {self.approves}")
        lines.extend(f"{key}: {value}" for key, value in self.extra)
        return "\n".join(lines) + "\n"


def dirty_paths(root: Path, paths: Sequence[str]) -> list[str]:
    """Those of ``paths`` with changes (or files) git does not have committed."""
    if not paths:
        return []
    proc = run(root, "status", "--porcelain", "--untracked-files=all", "--", *paths)
    return [line[3:] for line in proc.stdout.decode().splitlines() if line.strip()]


@dataclass(frozen=True)
class Signer:
    """How ucbr signs the commits it makes for an officer.

    With ``key_file``, the officer's own SSH key file signs (``gpg.format=ssh``): the key
    that opens their tiers is the key that signs; with ``agent`` too, the ssh agent at that
    socket, which holds the key, signs with it (a locked key: see ``ucbr.storage.agent``).
    Without a key file, git's own signing settings
    (``user.signingkey``) are used. ``sign=False`` makes an unsigned commit, for a register
    that requires none and an officer who has no signing key.
    """

    key_file: Path | None = None
    sign: bool = True
    agent: str | None = None

    def options(self) -> list[str]:
        """The git options (before the subcommand) that sign, or do not sign, a commit."""
        if not self.sign:
            return ["-c", "commit.gpgsign=false"]
        if self.key_file is None:
            return ["-c", "commit.gpgsign=true"]
        return [
            "-c",
            "gpg.format=ssh",
            "-c",
            f"user.signingkey={self.key_file}",
            "-c",
            "commit.gpgsign=true",
        ]

    def environment(self) -> dict[str, str]:
        """What git's environment needs to sign: the agent's socket, if one signs."""
        return {"SSH_AUTH_SOCK": self.agent} if self.agent else {}


UNSIGNED = Signer(sign=False)


def commit(
    root: Path,
    paths: Sequence[str],
    message: str,
    signer: Signer = UNSIGNED,
    env: Mapping[str, str] | None = None,
) -> str:
    """Stage exactly ``paths`` (added, changed or deleted) and commit only them."""
    run(root, "add", "-A", "--", *paths)
    run(
        root,
        *signer.options(),
        "commit",
        "-q",
        "--no-verify",
        "-F",
        "-",
        "--",
        *paths,
        input=message.encode(),
        env={**(env or {}), **signer.environment()},
    )
    sha = head(root)
    assert sha is not None
    return sha


def unstage(root: Path, paths: Sequence[str]) -> None:
    """Take ``paths`` out of the index again."""
    if head(root) is None:
        run(root, "rm", "-q", "--cached", "--ignore-unmatch", "-r", "--", *paths, check=False)
    else:
        run(root, "reset", "-q", "HEAD", "--", *paths, check=False)
