"""`ucbr server init`: the council's server repository, ready for the founder's first push."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.regkit import Reg, write_key
from tests.test_readme_setup import environment, shell

pytestmark = pytest.mark.e2e
FOUNDING = """
git config --global user.name "Morgan Manager"
git config --global user.email morgan@council.example
ucbr keys new --no-passphrase --out ~/.config/ucbr/identity.key
ucbr init ./register --council "Exampleshire District Council"
cd register
ucbr staff add morgan --name "Morgan Manager" --email morgan@council.example --role manager \\
     --key "$(cat ~/.config/ucbr/identity.key.pub)"
"""


def founded(tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    """A register founded today by its first manager: its folder, the manager's shell
    environment, and their public key file."""
    env = environment(tmp_path / "home")
    done = shell(FOUNDING, tmp_path, env)
    assert done.returncode == 0, done.stderr
    return tmp_path / "register", env, tmp_path / "home" / ".config" / "ucbr" / "identity.key.pub"


def test_the_first_push_into_a_new_server_is_judged_and_taken(tmp_path: Path) -> None:
    """A bare repository with the hook and the founder's key pinned takes the founding
    register's whole history in its first push, and `ucbr sync` works from then on."""
    register, env, key = founded(tmp_path)
    server = tmp_path / "council.git"
    made = shell(f"ucbr server init {server} --root {key}", register, env)
    assert "hook installed" in made.stdout and "root of trust: SHA256:" in made.stdout
    assert (server / "hooks" / "pre-receive").exists()
    pushed = shell(f"git remote add origin {server} && git push -q -u origin main", register, env)
    assert pushed.returncode == 0, pushed.stderr
    assert shell("ucbr sync", register, env).stdout == "synced: 0 changes pulled, 0 pushed\n"


def test_attack_a_register_founded_by_another_key_is_refused_at_the_first_push(
    tmp_path: Path,
) -> None:
    """A server pinned to the council's root refuses a first push whose founder is someone
    else: the history founded by the wrong key never lands."""
    register, env, _ = founded(tmp_path)
    server = tmp_path / "council.git"
    stranger = write_key(tmp_path / "stranger.key")
    assert shell(f'ucbr server init {server} --root "{stranger}"', register, env).returncode == 0
    pushed = shell(f"git push -q {server} main", register, env)
    assert pushed.returncode != 0
    assert "not this register's root of trust" in pushed.stderr
    assert subprocess.run(["git", "ls-remote", str(server)], capture_output=True,
                          text=True, check=True).stdout == ""  # fmt: skip


def test_server_init_refuses_a_bad_root_or_a_used_folder_and_leaves_nothing(
    reg: Reg, tmp_path: Path
) -> None:
    """A root that is not an ssh-ed25519 public key, or a folder already in use, is refused
    with nothing created or changed."""
    server = tmp_path / "new.git"
    for bad in ("ssh-ed25519 not-base64!", "age1qqqq", str(reg.keys["mgr"])):
        refused = reg.run("mgr", "server", "init", str(server), "--root", bad)
        assert refused.code == 1 and "--root must be" in refused.err
        assert not server.exists()
    used = tmp_path / "used"
    used.mkdir()
    (used / "keep.txt").write_text("mine")
    refused = reg.run("mgr", "server", "init", str(used), "--root", f"{reg.keys['mgr']}.pub")
    assert refused.code == 1 and "is not an empty folder" in refused.err
    assert [p.name for p in used.iterdir()] == ["keep.txt"]
