"""The README's "A register from scratch", pasted line by line into a shell, works.

The founder's two blocks run in one shell in an empty home (its own git configuration, no
key yet), with the installed `ucbr` on the path; the second officer's block runs in a home
of her own, her key where `ucbr keys new` would have put it. What the README shows as
placeholders is filled in, as the people would: the public keys Olive and Hana made on
their own machines, the founder's key they are given to pin, the council's 500-row sheet
at ~/cases.xlsx, and the server's folder, which the README gives as /srv/ucbr. The
founder's key, which the README locks with a passphrase typed at the terminal, is made
unlocked here, with no terminal (tests/test_locked_keys.py drives the prompts).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.import_sheet import sheet_rows, write
from tests.regkit import write_key

pytestmark = pytest.mark.e2e
README = Path(__file__).resolve().parent.parent / "README.md"


def setup_blocks() -> list[str]:
    """The shell blocks of the section, in order: the founder's two, then the officer's."""
    section = README.read_text().split("## A register from scratch", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def environment(home: Path) -> dict[str, str]:
    """A person's shell: their own home and git configuration, `ucbr` on the path."""
    home.mkdir(parents=True, exist_ok=True)
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("UCBR_", "GIT_"))},
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }


def shell(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip


def test_the_from_scratch_section_runs_as_pasted(tmp_path: Path) -> None:
    """Every line exits 0: the founder's register holds the staff and the imported cases,
    the server's first push passes its hook, and the second officer's first clone and sync
    verify the whole history; the audit is clean in both clones."""
    founder, second, hana = setup_blocks()[:2], setup_blocks()[2], tmp_path / "hana.key"
    morgan, olive = environment(tmp_path / "morgan"), environment(tmp_path / "olive")
    olive_key = Path(olive["HOME"]) / ".config" / "ucbr" / "identity.key"
    olive_key.parent.mkdir(parents=True)
    header, rows = sheet_rows(500, dt.date.today(), duplicate=False, spoc="olive")
    write(Path(morgan["HOME"]) / "cases.xlsx", header, rows)
    server = tmp_path / "srv"
    assert "ucbr keys new --out ~/.config/ucbr/identity.key --name" in founder[0]
    script = (
        "\n".join(founder)
        .replace("ucbr keys new --out", "ucbr keys new --no-passphrase --out")
        .replace('"ssh-ed25519 AAAA… olive"', f'"{write_key(olive_key)}"')
        .replace('"ssh-ed25519 AAAA… hana"', f'"{write_key(hana)}"')
        .replace("/srv/ucbr", str(server))
    )
    done = shell(script, tmp_path, morgan)
    assert done.returncode == 0, done.stdout + done.stderr
    register = tmp_path / "register"
    staff = (register / ".ucbr" / "staff.yaml").read_text()
    assert all(f"id: {who}" in staff for who in ("morgan", "olive", "hana"))
    assert (
        "imported " in done.stdout and (server / "council.git" / "hooks" / "pre-receive").exists()
    )
    cases = len(list((register / "cases").glob("C-*.yaml")))
    assert cases > 90
    root = (Path(morgan["HOME"]) / ".config" / "ucbr" / "identity.key.pub").read_text().strip()
    joined = second.replace('"ssh-ed25519 AAAA… morgan"', f'"{root}"').replace(
        "/srv/ucbr", str(server)
    )
    synced = shell(joined, tmp_path, olive)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert "synced: 0 changes pulled, 0 pushed" in synced.stdout
    clone = Path(olive["HOME"]) / "register"
    assert len(list((clone / "cases").glob("C-*.yaml"))) == cases
    for where, env in ((register, morgan), (clone, olive)):
        audited = subprocess.run(["ucbr", "audit"], cwd=where, env=env, capture_output=True,
                                 text=True, check=False)  # fmt: skip
        assert audited.returncode == 0, audited.stdout + audited.stderr
        assert f"import by morgan: {cases} cases from the file with sha256 " in audited.stdout


def test_sync_in_the_founding_register_says_how_to_reach_the_server(tmp_path: Path) -> None:
    """`ucbr sync` before the first push says how to make the server and push to it."""
    founder = setup_blocks()[0].split("ucbr staff add olive")[0]
    founder = founder.replace("ucbr keys new --out", "ucbr keys new --no-passphrase --out")
    env = environment(tmp_path / "morgan")
    done = shell(founder + "\nucbr sync", tmp_path, env)
    assert done.returncode == 1
    assert "`ucbr server init BARE_REPO --root KEY`" in done.stderr
    assert "`git push -u origin main`" in done.stderr
