"""Staff keys: new identities are private and never overwritten; SSH ed25519 keys work too."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pyrage
import pytest

from tests.regkit import Reg
from ucbr.storage.sshkeys import public_key_of

pytestmark = pytest.mark.e2e

SSH_KEYGEN = shutil.which("ssh-keygen")
needs_ssh_keygen = pytest.mark.skipif(
    SSH_KEYGEN is None, reason="ssh-keygen is not installed (Debian: openssh-client)"
)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_keys_new_creates_a_private_ssh_key_that_opens_and_signs(reg: Reg, tmp_path: Path) -> None:
    """`ucbr keys new` writes an ssh-ed25519 key, mode 0600, and prints its public half."""
    path = tmp_path / "me.key"
    result = reg.run("officer", "keys", "new", "--no-passphrase", "--out", str(path))
    assert result.code == 0, result.err
    public = result.out.strip()
    assert result.out.count("\n") == 1
    assert public.startswith("ssh-ed25519 ")
    assert mode_of(path) == 0o600
    assert public_key_of(path.read_text()) == " ".join(public.split()[:2])
    sealed = pyrage.encrypt(b"tier key", [pyrage.ssh.Recipient.from_str(public)])
    assert pyrage.decrypt(sealed, [pyrage.ssh.Identity.from_buffer(path.read_bytes())]) == (
        b"tier key"
    )


def test_keys_new_age_creates_a_private_age_identity(reg: Reg, tmp_path: Path) -> None:
    """`ucbr keys new --age` (for a service account) writes an age identity, mode 0600."""
    path = tmp_path / "cron.txt"
    recipient = reg.ok("officer", "keys", "new", "--age", "--out", str(path)).strip()
    assert recipient.startswith("age1")
    assert mode_of(path) == 0o600
    secret = next(ln for ln in path.read_text().splitlines() if ln.startswith("AGE-SECRET-KEY-1"))
    assert str(pyrage.x25519.Identity.from_str(secret).to_public()) == recipient


def test_keys_new_gives_a_different_key_each_time(reg: Reg, tmp_path: Path) -> None:
    """Two new identities have different recipients."""
    first = reg.ok(
        "officer", "keys", "new", "--no-passphrase", "--out", str(tmp_path / "a.txt")
    ).strip()
    second = reg.ok(
        "officer", "keys", "new", "--no-passphrase", "--out", str(tmp_path / "b.txt")
    ).strip()
    assert first != second


def test_keys_new_never_overwrites(reg: Reg, tmp_path: Path) -> None:
    """`ucbr keys new` onto an existing file is refused, exit 1, and the file is untouched."""
    path = tmp_path / "precious.txt"
    path.write_text("AGE-SECRET-KEY-1 someone's only copy\n")
    path.chmod(0o600)
    result = reg.run("officer", "keys", "new", "--no-passphrase", "--out", str(path))
    assert result.code == 1
    assert result.out == ""
    assert len(result.err.splitlines()) == 1
    assert path.read_text() == "AGE-SECRET-KEY-1 someone's only copy\n"
    assert mode_of(path) == 0o600


def test_keys_new_into_a_missing_folder_makes_it_private(reg: Reg, tmp_path: Path) -> None:
    """`ucbr keys new` into a folder that does not exist makes it, mode 0700."""
    folder = tmp_path / "config" / "ucbr"
    reg.ok("officer", "keys", "new", "--no-passphrase", "--out", str(folder / "identity.key"))
    assert mode_of(folder) == 0o700 and mode_of(folder / "identity.key") == 0o600


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_an_identity_others_can_read_is_refused(reg: Reg, mode: int) -> None:
    """An identity file looser than 0600 is refused with one line that says to chmod it."""
    case_id, _ = reg.new_case()
    before = reg.state()
    reg.keys["officer"].chmod(mode)
    try:
        result = reg.run("officer", "show", case_id)
    finally:
        reg.keys["officer"].chmod(0o600)
    assert result.code == 1
    assert result.out == ""
    assert len(result.err.splitlines()) == 1
    assert "chmod" in result.err
    assert "0600" in result.err
    assert reg.state() == before


def ssh_key(folder: Path, name: str, passphrase: str = "") -> tuple[Path, str]:
    """An OpenSSH ed25519 key pair made by ssh-keygen: (private key file, public key line)."""
    assert SSH_KEYGEN is not None
    path = folder / name
    subprocess.run(
        [
            SSH_KEYGEN,
            "-q",
            "-t",
            "ed25519",
            "-N",
            passphrase,
            "-C",
            f"{name}@laptop",
            "-f",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return path, (folder / f"{name}.pub").read_text().strip()


@needs_ssh_keygen
def test_an_ssh_ed25519_key_is_a_recipient_and_an_identity(reg: Reg, tmp_path: Path) -> None:
    """A member whose key is ssh-ed25519 is added with it and reads cases with the private key."""
    case_id, _ = reg.new_case(name="Alex Example")
    private, public = ssh_key(tmp_path, "sam")
    assert mode_of(private) == 0o600
    reg.ok(
        "mgr", "staff", "add", "sam", "--name", "Sam Shell", "--email", "sam@council.example",
        "--role", "case_officer", "--recipient", public,
    )  # fmt: skip
    reg.keys["sam"] = private
    shown = json.loads(reg.ok("sam", "show", case_id, "--json"))
    assert shown["record"]["person"]["name"] == "Alex Example"
    bea = [
        "add-incident", "--new", "--name", "Bea Example", "--date", "2026-11-02",
        "--channel", "email", "--location", "community", "--category", "B",
        "--behaviour", "repeated_contact", "--summary", "Forty e-mails in a day.", "--json",
    ]  # fmt: skip
    new_case = json.loads(reg.ok("sam", *bea))["case"]
    record = json.loads(reg.ok("officer", "show", new_case, "--json"))["record"]
    assert record["person"]["name"] == "Bea Example"


@needs_ssh_keygen
def test_an_ssh_key_locked_by_ssh_keygen_opens_with_its_passphrase(
    reg: Reg, tmp_path: Path
) -> None:
    """A key ssh-keygen locked with a passphrase opens the register given that passphrase
    (here on a descriptor); a wrong one is refused in one line, not a crash."""
    case_id, _ = reg.new_case(name="Alex Example")
    private, public = ssh_key(tmp_path, "locked", passphrase="correct horse")
    reg.ok(
        "mgr", "staff", "add", "locked", "--name", "Lock Smith", "--email",
        "locked@council.example", "--role", "case_officer", "--key", public,
    )  # fmt: skip
    reg.keys["locked"] = private
    for passphrase, code in (("correct horse", 0), ("wrong horse", 1)):
        read, write = os.pipe()
        os.write(write, f"{passphrase}\n".encode())
        os.close(write)
        result = reg.run("locked", "--passphrase-fd", str(read), "show", case_id, "--json")
        os.close(read)
        assert result.code == code, result.err
        assert "Traceback" not in result.err
    assert result.err == "ucbr: the passphrase does not unlock your key\n"


@pytest.mark.parametrize(
    "recipient",
    ["age1notakey", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 rsa@laptop", "", "Olive Officer"],
)
def test_staff_add_refuses_a_recipient_that_is_not_a_key(reg: Reg, recipient: str) -> None:
    """A recipient that is not an age1 or ssh-ed25519 public key is refused, nothing changed."""
    before = reg.state()
    result = reg.run(
        "mgr", "staff", "add", "newbie", "--name", "New Starter", "--email",
        "newbie@council.example", "--role", "case_officer", "--recipient", recipient,
    )  # fmt: skip
    assert result.code == 1
    assert len(result.err.splitlines()) == 1
    assert reg.state() == before
