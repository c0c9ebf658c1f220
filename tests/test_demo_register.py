"""The demo register in register/ is valid, complete and clearly fictional."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.regkit import Result, git_env, patched_env
from ucbr.cli import main

pytestmark = pytest.mark.e2e

DEMO = Path(__file__).resolve().parent.parent / "register"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of the demo register's history, with its keys copied at mode 0600."""
    base = tmp_path_factory.mktemp("demo")
    (base / "home").mkdir()
    (base / "home" / "gitconfig").write_text("")
    with patched_env(git_env(base / "home")):
        root = (DEMO / "demo-keys" / "demo-manager.txt.pub").read_text().strip()
        clone = ["clone", str(DEMO / "history.bundle"), str(base / "register"), "--root", root]
        assert main(clone) == 0
    keys = base / "keys"
    keys.mkdir()
    for key in (DEMO / "demo-keys").glob("demo-*.txt"):
        shutil.copy(key, keys / key.name)
        (keys / key.name).chmod(0o600)
    return base


def run(base: Path, who: str, *args: str) -> Result:
    import contextlib
    import io

    env = {
        **git_env(base / "home"),
        "UCBR_REGISTER": str(base / "register"),
        "UCBR_IDENTITY_FILE": str(base / "keys" / f"{who}.txt"),
        "UCBR_TODAY": "2026-11-28",
        "GIT_AUTHOR_EMAIL": f"{who}@demo.invalid",
        "GIT_AUTHOR_NAME": who,
    }
    out, err = io.StringIO(), io.StringIO()
    with patched_env(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Result(code, out.getvalue(), err.getvalue())


def test_demo_snapshot_matches_its_history(demo: Path) -> None:
    """The browsable files in register/ are exactly the files at the tip of its history."""
    for path in (demo / "register").rglob("*.yaml"):
        if ".git" in path.parts:
            continue
        rel = path.relative_to(demo / "register")
        assert (DEMO / rel).read_text() == path.read_text(), rel


def test_demo_keys_say_demo_only() -> None:
    """Every demo key says DEMO ONLY, loudly: in its public half (an SSH private key file
    holds nothing else readable) and in the folder's README."""
    keys = sorted((DEMO / "demo-keys").glob("demo-*.txt"))
    assert len(keys) == 7
    for key in keys:
        assert "DEMO ONLY" in key.with_suffix(".txt.pub").read_text()
    assert "DEMO ONLY" in (DEMO / "demo-keys" / "README.txt").read_text()


def test_demo_covers_every_stage(demo: Path) -> None:
    """Eight people at every stage and three properties, one with an approval pending."""
    rows = json.loads(run(demo, "demo-officer", "list", "--json").out)
    statuses = sorted(r["status"] for r in rows if r["kind"] == "case")
    assert len(statuses) == 8
    for stage in ("incident_only", "verbal_warning", "informal_written_warning", "appeal_pending"):
        assert stage in statuses, statuses
    assert sum(r["kind"] == "property" for r in rows) == 3


def test_demo_check_finds_only_the_overdue_reviews(demo: Path) -> None:
    """`check` on the demo finds the two overdue reviews it was built with, and nothing else."""
    result = run(demo, "demo-officer", "check", "--json")
    assert result.code == 5, result.err
    problems = json.loads(result.out)["problems"]
    assert [p["integrity"] for p in problems] == [False, False]
    assert all("overdue" in p["message"] for p in problems)


def test_demo_review_due_shows_overdue_appeal_and_approval(demo: Path) -> None:
    """The morning job on the demo shows an overdue review, a pending appeal and an approval."""
    result = run(demo, "demo-scheduler", "review-due", "--within", "30", "--json")
    assert result.code == 4, result.err
    whats = {item["what"] for item in json.loads(result.out)["items"]}
    assert {"restriction review", "appeal awaiting a decision", "approval pending"} <= whats
    assert {"property review"} <= whats


def test_demo_history_audits_clean(demo: Path) -> None:
    """The demo register's real history passes the IG officer's audit."""
    result = run(demo, "demo-ig", "audit")
    assert result.code == 0, result.out + result.err
