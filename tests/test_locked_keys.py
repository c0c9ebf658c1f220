"""Keys locked with a passphrase: made, unlocked in memory, and signing through an agent."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.regkit import INCIDENT_ARGS, Reg, Result
from tests.terminal import needs_tmux, terminal
from ucbr.storage import sshkeys

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("ssh-agent") is None, reason="needs openssh-client"),
]

PASSPHRASE = "correct horse battery"
UCBR = [sys.executable, "-m", "ucbr"]


def run(
    reg: Reg, who: str, *args: str, passphrase: str | None = None, env: dict[str, str] | None = None
) -> Result:
    """ucbr as its own process with no terminal; ``passphrase`` on a file descriptor."""
    read, write = os.pipe()
    os.write(write, (passphrase or "").encode() + b"\n")
    os.close(write)
    fd = ["--passphrase-fd", str(read)] if passphrase is not None else []
    try:
        done = subprocess.run(
            [*UCBR, *fd, *args],
            capture_output=True,
            env={**os.environ, **reg.env(who), **(env or {})},
            pass_fds=(read,),
            start_new_session=True,  # no controlling terminal: nothing can be asked
            check=False,
        )
    finally:
        os.close(read)
    return Result(done.returncode, done.stdout.decode(), done.stderr.decode())


def locked_member(reg: Reg, tmp_path: Path, who: str = "lockie") -> Path:
    """A case officer whose key is locked with ``PASSPHRASE``, added by the manager."""
    key = tmp_path / f"{who}.key"
    made = run(reg, "mgr", "keys", "new", "--out", str(key), "--name", who, passphrase=PASSPHRASE)
    assert made.code == 0, made.err
    reg.ok(
        "mgr", "staff", "add", who, "--name", "Lock Key", "--email", f"{who}@council.example",
        "--role", "case_officer", "--key", made.out.strip(),
    )  # fmt: skip
    reg.keys[who] = key
    return key


def test_keys_new_locks_the_key_with_the_passphrase_given_on_a_descriptor(
    reg: Reg, tmp_path: Path
) -> None:
    """`keys new --passphrase-fd N` writes a key ssh-keygen opens only with that passphrase,
    and `--name` is its comment."""
    key = tmp_path / "olive.key"
    made = run(reg, "mgr", "keys", "new", "--out", str(key), "--name", "olive@laptop",
               passphrase=PASSPHRASE)  # fmt: skip
    assert made.code == 0, made.err
    assert made.out.strip().endswith(" olive@laptop")
    assert sshkeys.is_locked(key.read_text())
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    opened = subprocess.run(
        ["ssh-keygen", "-y", "-P", PASSPHRASE, "-f", str(key)], capture_output=True, check=False
    )
    assert opened.returncode == 0 and opened.stdout.decode().split()[:2] == made.out.split()[:2]
    wrong = subprocess.run(
        ["ssh-keygen", "-y", "-P", "wrong", "-f", str(key)], capture_output=True, check=False
    )
    assert wrong.returncode != 0


def test_keys_new_off_a_terminal_needs_a_passphrase_fd_or_no_passphrase(
    reg: Reg, tmp_path: Path
) -> None:
    """With no terminal to ask on, `keys new` refuses in one line and writes nothing, unless
    told the passphrase's descriptor or `--no-passphrase` (a service account's key)."""
    key = tmp_path / "k"
    refused = run(reg, "mgr", "keys", "new", "--out", str(key))
    assert refused.code == 1 and len(refused.err.splitlines()) == 1
    assert "--passphrase-fd" in refused.err and "--no-passphrase" in refused.err
    assert not key.exists()
    unlocked = run(reg, "mgr", "keys", "new", "--out", str(key), "--no-passphrase")
    assert unlocked.code == 0 and not sshkeys.is_locked(key.read_text())


def test_a_short_passphrase_is_refused_and_nothing_written(reg: Reg, tmp_path: Path) -> None:
    """A new passphrase under eight characters is refused; no key file is left."""
    key = tmp_path / "k"
    result = run(reg, "mgr", "keys", "new", "--out", str(key), passphrase="short")
    assert result.code == 1 and "at least 8" in result.err
    assert not key.exists() and not Path(f"{key}.pub").exists()


def test_every_keys_comment_is_its_name(reg: Reg, tmp_path: Path) -> None:
    """Five keys made with `--name` are told apart by their comments."""
    names = [f"officer{n}@laptop" for n in range(5)]
    lines = [
        run(reg, "mgr", "keys", "new", "--out", str(tmp_path / n), "--name", n,
            "--no-passphrase").out.strip()
        for n in names
    ]  # fmt: skip
    assert [line.split()[2] for line in lines] == names


def test_a_locked_key_opens_its_tiers_and_signs_with_the_passphrase_on_a_descriptor(
    reg: Reg, tmp_path: Path
) -> None:
    """A service given its locked key's passphrase on a descriptor reads and writes; the
    commit is signed with that key and the audit verifies it."""
    locked_member(reg, tmp_path)
    made = run(reg, "lockie", "add-incident", "--new", "--name", "Al Example", *INCIDENT_ARGS,
               "--json", passphrase=PASSPHRASE)  # fmt: skip
    assert made.code == 0, made.err
    case_id = json.loads(made.out)["case"]
    shown = run(reg, "lockie", "show", case_id, "--json", passphrase=PASSPHRASE)
    assert json.loads(shown.out)["record"]["person"]["name"] == "Al Example"
    audit = json.loads(reg.ok("ig", "audit", "--json"))
    assert audit["problems"] == []
    assert audit["signatures_verified"] == audit["commits"] - 1  # every commit but init
    assert "gpgsig -----BEGIN SSH SIGNATURE-----" in reg.git("cat-file", "commit", "HEAD")


def test_a_wrong_passphrase_is_one_line_and_exit_1_nothing_changed(
    reg: Reg, tmp_path: Path
) -> None:
    """A wrong passphrase is refused in one line, exit 1, with nothing changed."""
    locked_member(reg, tmp_path)
    before = reg.state()
    result = run(reg, "lockie", "add-incident", "--new", "--name", "Al Example", *INCIDENT_ARGS,
                 passphrase="not the passphrase")  # fmt: skip
    assert result.code == 1, result.err
    assert result.err == "ucbr: the passphrase does not unlock your key\n"
    assert reg.state() == before


def test_a_locked_key_off_a_terminal_without_a_descriptor_says_what_to_give(
    reg: Reg, tmp_path: Path
) -> None:
    """A locked key with no terminal and no descriptor is refused naming --passphrase-fd."""
    locked_member(reg, tmp_path)
    result = run(reg, "lockie", "list")
    assert result.code == 1 and len(result.err.splitlines()) == 1
    assert "locked with a passphrase" in result.err and "--passphrase-fd" in result.err


def test_the_unlocked_key_never_touches_the_disk(reg: Reg, tmp_path: Path) -> None:
    """After a signed write with a locked key, no file anywhere ucbr writes (the register,
    its .git, the temporary folder, home) holds the unlocked key, and no agent is left."""
    key = locked_member(reg, tmp_path)
    unlocked = sshkeys.unlock(key.read_bytes(), PASSPHRASE.encode())
    body = "".join(unlocked.decode().splitlines()[1:-1])
    temp = tmp_path / "tmp"
    temp.mkdir()
    made = run(reg, "lockie", "add-incident", "--new", "--name", "Al Example", *INCIDENT_ARGS,
               passphrase=PASSPHRASE, env={"TMPDIR": str(temp)})  # fmt: skip
    assert made.code == 0, made.err
    for folder in (reg.root, reg.home, temp):
        for path in folder.rglob("*"):
            if path.is_file():
                text = path.read_bytes().decode(errors="replace").replace("\n", "")
                assert body[:40] not in text, path
    assert list(temp.iterdir()) == [], "the agent's folder is gone"


@pytest.fixture
def officers_agent(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A real ssh-agent of the officer's own, on a socket in the test's folder."""
    socket = tmp_path / "agent.sock"
    agent = subprocess.Popen(
        ["ssh-agent", "-D", "-a", str(socket)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(400):
            if socket.exists():
                break
            subprocess.run(["sleep", "0.01"], check=False)
        yield {"SSH_AUTH_SOCK": str(socket)}
    finally:
        agent.terminate()
        agent.wait()


def test_signing_goes_through_the_officers_own_agent_when_it_holds_the_key(
    reg: Reg, tmp_path: Path, officers_agent: dict[str, str]
) -> None:
    """With the locked key in the officer's agent (`ssh-add`), ucbr signs through that agent:
    with no ssh-agent program to start one of its own, the signed commit is still made."""
    key = locked_member(reg, tmp_path)
    askpass = tmp_path / "askpass"
    askpass.write_text(f"#!/bin/sh\necho '{PASSPHRASE}'\n")
    askpass.chmod(0o700)
    added = subprocess.run(
        ["ssh-add", str(key)],
        env={**os.environ, **officers_agent, "SSH_ASKPASS": str(askpass),
             "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0"},
        capture_output=True, start_new_session=True, check=False,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    tools = tmp_path / "bin"  # git and ssh's tools, but no ssh-agent
    tools.mkdir()
    for tool in ("git", "ssh-add", "ssh-keygen", "sh"):
        found = shutil.which(tool)
        assert found is not None
        (tools / tool).symlink_to(found)
    made = run(reg, "lockie", "add-incident", "--new", "--name", "Al Example", *INCIDENT_ARGS,
               passphrase=PASSPHRASE, env={**officers_agent, "PATH": str(tools)})  # fmt: skip
    assert made.code == 0, made.err
    assert json.loads(reg.ok("ig", "audit", "--json"))["problems"] == []
    without = run(reg, "lockie", "add-incident", "--new", "--name", "Bo Example", *INCIDENT_ARGS,
                  passphrase=PASSPHRASE, env={"PATH": str(tools), "SSH_AUTH_SOCK": ""})  # fmt: skip
    assert without.code == 1 and "needs ssh-agent" in without.err


def test_a_public_half_given_as_the_identity_is_named_so(reg: Reg) -> None:
    """The `.pub` file given as the identity is called the public half, not a mode problem."""
    public = Path(f"{reg.keys['officer']}.pub")
    public.chmod(0o644)
    result = reg.run("officer", "--identity", str(public), "list")
    assert result.code == 1 and len(result.err.splitlines()) == 1
    assert "public half" in result.err and "mode" not in result.err
    assert "agent" in result.err


@needs_tmux
def test_keys_new_asks_twice_on_a_terminal_and_never_echoes(reg: Reg, tmp_path: Path) -> None:
    """On a terminal, `keys new` asks the passphrase twice without echo, then locks the key."""
    key = tmp_path / "me.key"
    with terminal([*UCBR, "keys", "new", "--out", str(key)], reg.env("mgr"), tmp_path) as term:
        term.wait_for("New passphrase")
        term.type(PASSPHRASE)
        term.wait_for("again")
        term.type(PASSPHRASE)
        assert term.exit_code() == 0
        screen = term.screen()
    assert PASSPHRASE not in screen and "ssh-ed25519 " in screen
    assert sshkeys.unlock(key.read_bytes(), PASSPHRASE.encode()).startswith(b"-----BEGIN")


@needs_tmux
def test_keys_new_refuses_two_different_passphrases(reg: Reg, tmp_path: Path) -> None:
    """Two passphrases that differ are refused in one line, exit 1, and no file is written."""
    key = tmp_path / "me.key"
    with terminal([*UCBR, "keys", "new", "--out", str(key)], reg.env("mgr"), tmp_path) as term:
        term.wait_for("New passphrase")
        term.type(PASSPHRASE)
        term.wait_for("again")
        term.type(PASSPHRASE + "x")
        assert term.exit_code() == 1
        assert "the two passphrases differ" in term.screen()
    assert not key.exists()


@needs_tmux
def test_a_locked_key_asks_once_on_the_terminal_then_signs(reg: Reg, tmp_path: Path) -> None:
    """A locked key asks its passphrase once, without echo, for a command that reads and
    signs; a wrong one is one line and exit 1; Ctrl-C at the prompt is one line and 130."""
    locked_member(reg, tmp_path)
    command = [*UCBR, "add-incident", "--new", "--name", "Al Example", *INCIDENT_ARGS]
    with terminal(command, reg.env("lockie"), tmp_path) as term:
        term.wait_for("Passphrase for")
        term.type(PASSPHRASE)
        assert term.exit_code() == 0, term.screen()
        screen = term.screen()
    assert screen.count("Passphrase for") == 1 and PASSPHRASE not in screen
    assert "recorded" in screen
    with terminal(command, reg.env("lockie"), tmp_path) as term:
        term.wait_for("Passphrase for")
        term.type("wrong wrong wrong")
        assert term.exit_code() == 1
        assert "the passphrase does not unlock your key" in term.screen()
    with terminal(command, reg.env("lockie"), tmp_path) as term:
        term.wait_for("Passphrase for")
        term.ctrl_c()
        assert term.exit_code() == 130
        screen = term.screen()
    assert "ucbr: interrupted" in screen and "Traceback" not in screen
