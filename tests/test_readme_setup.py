"""The README's "A register from scratch", pasted line by line into a shell, works.

It runs in an empty home (its own git configuration, no key yet), with the installed
`ucbr` on the path. Two things change: Olive's public key, which the README shows as a
placeholder (she makes it on her own machine), is a real one; and Morgan's key, which the
README locks with a passphrase typed at the terminal, is made unlocked, with no terminal.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.regkit import write_key

pytestmark = pytest.mark.e2e
README = Path(__file__).resolve().parent.parent / "README.md"


def setup_block() -> str:
    section = README.read_text().split("## A register from scratch", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def test_the_from_scratch_section_runs_as_pasted(tmp_path: Path) -> None:
    """Every line exits 0; the result is a register with both members, auditing clean."""
    home = tmp_path / "home"
    home.mkdir()
    olive = write_key(tmp_path / "olive.key")
    script = setup_block().replace('"ssh-ed25519 AAAA… olive"', f'"{olive}"')
    # Morgan's key is locked with a passphrase typed twice at a terminal; pasted here, with
    # no terminal, it is made unlocked (tests/test_locked_keys.py drives the prompts).
    assert "ucbr keys new --out ~/.config/ucbr/identity.key --name" in script
    script = script.replace("ucbr keys new --out", "ucbr keys new --no-passphrase --out")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("UCBR_", "GIT_"))},
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    register = tmp_path / "register"
    staff = (register / ".ucbr" / "staff.yaml").read_text()
    assert "id: morgan" in staff and "id: olive" in staff
    audited = subprocess.run(["ucbr", "audit"], cwd=register, env=env, capture_output=True,
                             text=True, check=False)  # fmt: skip
    assert audited.returncode == 0, audited.stdout + audited.stderr
