"""Installed as a server would install it: a built wheel, non-editable, in a fresh
environment outside the project, used on a register elsewhere.

The wheel is built from the project (`pip wheel`); the fresh environment gets only that
wheel. Its dependencies, already downloaded for the project, are lent to it on the path,
so the test needs no network and finds anything the wheel itself leaves out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from ucbr.domain.letters import KINDS

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "register"
DAY = "2026-11-28"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `ucbr` command of a fresh environment holding only the built wheel."""
    base = tmp_path_factory.mktemp("install")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(base / "dist"), str(ROOT)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = (base / "dist").glob("ucbr-*.whl")
    fresh = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True)
    lib = next((fresh / "lib").glob("python3.*")) / "site-packages"
    # Dependencies come from the project's environment, but never ucbr itself from there.
    (lib / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(fresh / "bin" / "python"), "install",
         "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
    )  # fmt: skip
    return fresh / "bin" / "ucbr"


def run(ucbr: Path, cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ucbr), *args], cwd=cwd, env=env, capture_output=True, text=True)


def as_staff(env: dict[str, str], who: str) -> dict[str, str]:
    """The environment of one demo member of staff: their git identity and their key."""
    email = f"demo-{who}@demo.invalid"
    keys = Path(env["UCBR_IDENTITY_FILE"]).parent
    return {**env, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_EMAIL": email,
            "UCBR_IDENTITY_FILE": str(keys / f"demo-{who}.txt")}  # fmt: skip


def every_stage(ucbr: Path, work: Path, env: dict[str, str]) -> None:
    """Take the demo's cases the last steps: a review, a lifting, an appeal decided, an FOI
    refusal, so that every kind of letter has a case to be about."""
    rows = json.loads(run(ucbr, work, env, "list", "--json").stdout)
    on = [r["id"] for r in rows if r["status"] == "on_register"]
    appealed = [r["id"] for r in rows if r["status"] == "appeal_pending"]

    def refused(case: str) -> bool:
        shown = json.loads(run(ucbr, work, env, "show", case, "--json").stdout)
        return bool(shown["entry"].get("step") == "contact_refused")

    # Kept: the refusal of contact, whose letter is wanted too.
    on = [c for c in on if not refused(c)]
    steps = [
        ("officer", "review", on[0], "--outcome", "continue", "--reasons", "No change."),
        ("head", "approve", on[0]),  # continuing is a decision: a head of service approves it
        ("officer", "review", on[1], "--outcome", "lift", "--significant-change",
         "--reasons", "Calm for months."),
        ("officer", "foi", "record", on[0], "--request-ref", "FOI-1", "--received",
         "2026-11-20", "--decision", "s14-1", "--reasons", "The same request, a tenth time."),
    ]  # fmt: skip
    for who, *args in steps:
        done = run(ucbr, work, as_staff(env, who), *args)
        assert done.returncode == 0, (args, done.stderr)
    for who in ("head", "manager"):
        decided = run(ucbr, work, as_staff(env, who), "appeal", "decide", appealed[0],
                      "--outcome", "upheld", "--reasons", "The decision stands.")  # fmt: skip
        if decided.returncode == 0:
            return
    raise AssertionError(decided.stderr)


def test_the_wheel_carries_its_templates_and_schemas(installed: Path) -> None:
    """The installed package holds every letter template and JSON Schema, and runs from its
    own copy, not the project's."""
    python = installed.parent / "python"
    where = subprocess.run(
        [str(python), "-c", "import ucbr, importlib.resources as r; print(ucbr.__file__); "
         "print(len(list(r.files('ucbr').joinpath('templates').iterdir()))); "
         "print(len(list(r.files('ucbr').joinpath('schemas').iterdir())))"],
        cwd="/", capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert not where[0].startswith(str(ROOT)), where[0]
    assert int(where[1]) >= 2 * len(KINDS) and int(where[2]) >= 7


def test_every_letter_renders_from_an_installed_ucbr(installed: Path, tmp_path: Path) -> None:
    """From outside the project, every kind of letter renders as Markdown and as PDF for a
    case of the demo register (cloned from its history)."""
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "gitconfig").write_text("")
    keys = work / "keys"
    shutil.copytree(DEMO / "demo-keys", keys)
    for key in keys.glob("*.txt"):
        key.chmod(0o600)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("UCBR_")},
        "HOME": str(work), "GIT_CONFIG_GLOBAL": str(work / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Olive Demo", "GIT_AUTHOR_EMAIL": "demo-officer@demo.invalid",
        "GIT_COMMITTER_NAME": "Olive Demo", "GIT_COMMITTER_EMAIL": "demo-officer@demo.invalid",
        "GIT_AUTHOR_DATE": f"{DAY}T12:00:00Z", "GIT_COMMITTER_DATE": f"{DAY}T12:00:00Z",
        "UCBR_TODAY": DAY, "UCBR_IDENTITY_FILE": str(keys / "demo-officer.txt"),
        "PATH": f"{installed.parent}{os.pathsep}{os.environ['PATH']}",
    }  # fmt: skip
    root = (DEMO / "demo-keys" / "demo-manager.txt.pub").read_text().strip()
    cloned = run(
        installed, work, env, "clone", str(DEMO / "history.bundle"), "register", "--root", root
    )
    assert cloned.returncode == 0, cloned.stderr
    env["UCBR_REGISTER"] = str(work / "register")
    every_stage(installed, work, env)
    listed = run(installed, work, env, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    cases = [row.split('"')[3] for row in listed.stdout.split("\n") if '"id": "C-' in row]
    missing = []
    for kind in KINDS:
        made = False
        for case in cases:
            out = work / "letters" / f"{kind}-{case}"
            out.parent.mkdir(exist_ok=True)
            md = run(installed, work, env, "letter", case, "--kind", kind, "--format", "md",
                     "--out", f"{out}.md")  # fmt: skip
            if md.returncode != 0:
                assert "Traceback" not in md.stderr and "template" not in md.stderr, md.stderr
                continue
            pdf = run(installed, work, env, "letter", case, "--kind", kind, "--format", "pdf",
                      "--out", f"{out}.pdf")  # fmt: skip
            assert pdf.returncode == 0, pdf.stderr
            assert Path(f"{out}.pdf").read_bytes().startswith(b"%PDF")
            made = True
            break
        if not made:
            missing.append(kind)
    assert missing == []
