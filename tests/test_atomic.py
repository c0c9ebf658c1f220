"""Writes are atomic: a failure at any step leaves the working tree and HEAD as they were."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyrage
import pytest

import ucbr.storage.git
import ucbr.storage.store
from tests.regkit import Reg, write_key

pytestmark = pytest.mark.e2e

INCIDENT = (
    "--date", "2026-11-01", "--channel", "telephone", "--location", "council_premises",
    "--category", "A", "--behaviour", "abusive", "--summary", "Shouted at the officer.",
)  # fmt: skip


class Injected(OSError):
    """The failure a test injects: an OSError, as a full disk or a dead NFS mount raises."""


def leftovers(reg: Reg) -> list[Path]:
    """ucbr's temporary files anywhere in the working tree (git ignores them, so look)."""
    return [p for p in reg.root.rglob(".ucbr-*") if ".git" not in p.relative_to(reg.root).parts]


def tree_bytes(reg: Reg) -> dict[str, bytes]:
    """Every file in the working tree outside .git, byte for byte."""
    return {
        str(p.relative_to(reg.root)): p.read_bytes()
        for p in sorted(reg.root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(reg.root).parts
    }


def new_case_command() -> list[str]:
    return ["add-incident", "--new", "--name", "Alex Example", *INCIDENT]


def assert_unchanged(reg: Reg, before: tuple[str, str], files: dict[str, bytes]) -> None:
    assert reg.state() == before
    assert tree_bytes(reg) == files
    assert leftovers(reg) == []
    assert reg.git("diff", "--cached", "--name-only") == ""


def fail_then_recover(
    reg: Reg, who: str, command: list[str], inject: Callable[[], object], undo: Callable[[], object]
) -> None:
    """Run a command with a failure injected; nothing changes; without it, the command works."""
    before, files = reg.state(), tree_bytes(reg)
    inject()
    try:
        result = reg.run(who, *command)
    finally:
        undo()
    assert result.code != 0
    assert len(result.err.splitlines()) == 1, result.err
    assert "Traceback" not in result.out + result.err
    assert_unchanged(reg, before, files)
    reg.ok(who, *command)
    assert reg.git("rev-parse", "HEAD~1").strip() == before[0]


@pytest.fixture
def case_id(reg: Reg) -> str:
    return reg.new_case()[0]


def commands(case_id: str) -> dict[str, tuple[str, list[str]]]:
    return {
        "new case": ("officer", new_case_command()),
        "incident on a case": ("officer", ["add-incident", case_id, *INCIDENT]),
        "adjustment": ("officer", ["adjustments", case_id, "--add", "needs_large_print"]),
    }


COMMANDS = ["new case", "incident on a case", "adjustment"]


def test_validation_failure_changes_nothing(reg: Reg, case_id: str) -> None:
    """An incident dated in the future is refused before anything is written."""
    before, files = reg.state(), tree_bytes(reg)
    command = ["add-incident", case_id, *INCIDENT[:-2], "--summary", "x"]
    command[command.index("2026-11-01")] = "2027-01-01"
    result = reg.run("officer", *command)
    assert result.code == 1
    assert_unchanged(reg, before, files)


@pytest.mark.parametrize("label", COMMANDS)
def test_encryption_failure_changes_nothing(
    reg: Reg, case_id: str, label: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If age encryption fails, no file is written and no commit is made."""
    who, command = commands(case_id)[label]

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise pyrage.EncryptError("injected")

    real = pyrage.encrypt
    fail_then_recover(
        reg, who, command,
        lambda: monkeypatch.setattr(pyrage, "encrypt", broken),
        lambda: monkeypatch.setattr(pyrage, "encrypt", real),
    )  # fmt: skip


@pytest.mark.parametrize("label", COMMANDS)
def test_failed_rename_changes_nothing(
    reg: Reg, case_id: str, label: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the atomic rename of the new file fails, the temp file is removed and nothing changes."""
    who, command = commands(case_id)[label]
    real = os.replace

    def broken(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if str(src).endswith(".tmp"):
            raise Injected("injected: no space left on device")
        real(src, dst, *args, **kwargs)

    fail_then_recover(
        reg, who, command,
        lambda: monkeypatch.setattr(os, "replace", broken),
        lambda: monkeypatch.setattr(os, "replace", real),
    )  # fmt: skip


def test_write_failure_after_one_file_restores_the_first(
    reg: Reg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adding staff writes several files; if the second write fails, the first is put back."""
    recipient = write_key(tmp_path / "new.txt")
    command = [
        "staff", "add", "newbie", "--name", "New Starter", "--email", "new@council.example",
        "--role", "case_officer", "--recipient", recipient,
    ]  # fmt: skip
    real = ucbr.storage.store.write_file
    calls: list[Path] = []

    def second_fails(path: Path, content: str | bytes | None) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise Injected("injected: write failed")
        real(path, content)

    fail_then_recover(
        reg, "mgr", command,
        lambda: monkeypatch.setattr(ucbr.storage.store, "write_file", second_fails),
        lambda: monkeypatch.setattr(ucbr.storage.store, "write_file", real),
    )  # fmt: skip
    assert len(calls) > 2, "the first file was written, then restored"


@pytest.mark.parametrize("label", COMMANDS)
def test_commit_failure_changes_nothing(
    reg: Reg, case_id: str, label: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the commit step fails after the files are written, they are put back and unstaged."""
    who, command = commands(case_id)[label]
    real = ucbr.storage.git.commit

    def broken(root: Path, paths: Any, message: str) -> str:
        ucbr.storage.git.run(root, "add", "-A", "--", *paths)
        raise ucbr.storage.git.GitError("git commit failed: injected")

    fail_then_recover(
        reg, who, command,
        lambda: monkeypatch.setattr(ucbr.storage.git, "commit", broken),
        lambda: monkeypatch.setattr(ucbr.storage.git, "commit", real),
    )  # fmt: skip


@pytest.mark.parametrize("label", COMMANDS)
def test_failure_just_after_the_commit_undoes_it(
    reg: Reg, case_id: str, label: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If something fails after git has committed, the commit is undone along with the files."""
    who, command = commands(case_id)[label]
    real = ucbr.storage.git.commit

    def commits_then_fails(root: Path, paths: Any, message: str) -> str:
        real(root, paths, message)
        raise RuntimeError("injected after the commit")

    fail_then_recover(
        reg, who, command,
        lambda: monkeypatch.setattr(ucbr.storage.git, "commit", commits_then_fails),
        lambda: monkeypatch.setattr(ucbr.storage.git, "commit", real),
    )  # fmt: skip


def test_interrupt_just_after_the_commit_undoes_it(
    reg: Reg, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C arriving just after git has committed still leaves HEAD and the tree as before."""
    real = ucbr.storage.git.commit

    def commits_then_interrupted(root: Path, paths: Any, message: str) -> str:
        real(root, paths, message)
        raise KeyboardInterrupt

    monkeypatch.setattr(ucbr.storage.git, "commit", commits_then_interrupted)
    before, files = reg.state(), tree_bytes(reg)
    result = reg.run("officer", "add-incident", case_id, *INCIDENT)
    assert result.code != 0
    assert "Traceback" not in result.out + result.err
    assert_unchanged(reg, before, files)


def test_git_itself_failing_to_stage_changes_nothing(reg: Reg, case_id: str) -> None:
    """A stale .git/index.lock makes real git refuse; the files are put back, HEAD unchanged."""
    lock = reg.root / ".git" / "index.lock"
    fail_then_recover(
        reg, "officer", ["add-incident", case_id, *INCIDENT],
        lambda: lock.write_text(""),
        lambda: lock.unlink(),
    )  # fmt: skip


def test_git_itself_failing_to_commit_changes_nothing(reg: Reg, case_id: str) -> None:
    """When real `git commit` fails after staging (signing fails), index and tree are restored."""

    def signing_fails() -> None:
        reg.git("config", "gpg.ssh.program", "false")

    def signing_off() -> None:
        reg.git("config", "--unset", "gpg.ssh.program")

    fail_then_recover(
        reg, "officer", ["add-incident", case_id, *INCIDENT], signing_fails, signing_off
    )


def test_a_file_changed_by_hand_is_never_overwritten(reg: Reg, case_id: str) -> None:
    """An uncommitted hand edit to the case file makes ucbr refuse, keeping the edit."""
    path = reg.root / f"cases/{case_id}.yaml"
    path.write_text(path.read_text() + "# a note not yet committed\n")
    before, files = reg.state(), tree_bytes(reg)
    result = reg.run("officer", "add-incident", case_id, *INCIDENT)
    assert result.code == 1
    assert len(result.err.splitlines()) == 1
    assert_unchanged(reg, before, files)
