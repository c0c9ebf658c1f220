"""The audit transcript of docs/auditing.md, made by running it: `--write` puts it there.

    python scripts/audit_transcript.py          # exit 1 (and a diff) if docs/auditing.md differs
    python scripts/audit_transcript.py --write  # rewrite the block in docs/auditing.md

The demo register's history (register/history.bundle) is served from a bare repository
standing in for the council's git server, cloned, and read with the demo IG officer's key.
Folders are shown as /tmp/demo-b whatever they really are, so the output is the same on
every machine; git's dates are fixed, so the tampering commit's id is too.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "auditing.md"
SHOWN = "/tmp/demo-b"
# The demo council's published root of trust: its founding manager's key, by fingerprint.
ROOT_FINGERPRINT = "SHA256:" + base64.b64encode(
    hashlib.sha256(
        base64.b64decode((ROOT / "register/demo-keys/demo-manager.txt.pub").read_text().split()[1])
    ).digest()
).decode().rstrip("=")
BEGIN = "```console\n$ ucbr clone"
DAY = "2026-11-28"


def _run(work: Path, command: str, env: dict[str, str]) -> str:
    """One command, as a shell would run it in the clone; its output and exit code."""
    proc = subprocess.run(
        ["bash", "-c", command], cwd=work / "register", capture_output=True, text=True, env=env
    )
    out = (proc.stdout + proc.stderr).replace(str(work), SHOWN)
    return f"{out}(exit {proc.returncode})\n"


def transcript() -> str:
    """The console block, made now."""
    work = Path(tempfile.mkdtemp(prefix="ucbr-transcript-"))
    try:
        return _transcript(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _transcript(work: Path) -> str:
    keys = work / "keys"
    shutil.copytree(ROOT / "register" / "demo-keys", keys)
    for key in keys.glob("*.txt"):
        key.chmod(0o600)
    (work / "home").mkdir()
    (work / "home" / "gitconfig").write_text("")
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(work / "home"),
        "GIT_CONFIG_GLOBAL": str(work / "home" / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ivan Demo (IG officer)",
        "GIT_AUTHOR_EMAIL": "demo-ig@demo.invalid",
        "GIT_COMMITTER_NAME": "Ivan Demo (IG officer)",
        "GIT_COMMITTER_EMAIL": "demo-ig@demo.invalid",
        "GIT_AUTHOR_DATE": f"{DAY}T12:00:00Z",
        "GIT_COMMITTER_DATE": f"{DAY}T12:00:00Z",
        "UCBR_TODAY": DAY,
        "UCBR_IDENTITY_FILE": str(keys / "demo-ig.txt"),
        "COLUMNS": "200",
    }
    env.pop("UCBR_REGISTER", None)
    subprocess.run(["git", "clone", "-q", "--bare", str(ROOT / "register" / "history.bundle"),
                    str(work / "council.git")], check=True, env=env)  # fmt: skip
    subprocess.run(["ucbr", "clone", str(work / "council.git"), str(work / "register"),
                    "--root", ROOT_FINGERPRINT],
                   check=True, env=env, capture_output=True)  # fmt: skip
    log = subprocess.run(
        ["git", "log", "--format=%h %s", "--reverse"], cwd=work / "register", env=env,
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    approval = next(line for line in log if " ucbr: approve C-" in line)
    sha, case = approval.split()[0], approval.split()[-1]
    steps = [
        f"ucbr clone {SHOWN}/council.git register --root {ROOT_FINGERPRINT}",
        "ucbr audit",
        "ucbr audit --since 2026-11-01 --json",
        f"ucbr history {case}",
        f"UCBR_IDENTITY_FILE=~/keys/demo-frontline.txt ucbr history {case}    # a frontline key",
        f"git log -p -1 {sha} -- cases/{case}.yaml    # the textconv driver at work",
        "echo age1… > .ucbr/recipients/casework.txt      # someone swaps the casework key by hand",
        'git commit -qam "update key"                     # as an author who is not staff',
        "ucbr check",
        "ucbr audit",
        "ucbr list",
    ]
    blocks = [
        f"$ {steps[0]}\ncloned the register into {SHOWN}/register; drivers installed\n(exit 0)\n"
    ]
    for step in steps[1:]:
        command = step.split("    #")[0].strip()
        command = command.replace("~/keys/", f"{keys}/").replace(
            "echo age1…", "echo age1" + "x" * 58
        )
        if command.startswith("git commit"):
            command = command.replace(
                "git commit", "GIT_AUTHOR_EMAIL=someone@else.invalid git commit"
            )
        blocks.append(f"$ {step}\n{_run(work, command, env)}")
    return "```console\n" + "\n".join(blocks) + "```\n"


def main() -> int:
    text = DOC.read_text()
    start = text.index(BEGIN)
    end = text.index("```\n", text.index("\n", start) + 1) + 4
    made = transcript()
    if "--write" in sys.argv:
        DOC.write_text(text[:start] + made + text[end:])
        return 0
    if text[start:end] == made:
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        text[start:end].splitlines(True), made.splitlines(True), "docs/auditing.md", "made now"
    ))  # fmt: skip
    return 1


if __name__ == "__main__":
    sys.exit(main())
