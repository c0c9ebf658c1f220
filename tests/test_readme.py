"""The README's morning job, run as documented: the crontab line and the CI scripts, word for
word but for the paths, against a clone of a real register with the scheduler key alone."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.regkit import Reg, git_env
from tests.test_cli_policy import on_register

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parent.parent / "README.md"
NAME = "Cressida Cronmail"


def fenced(lang: str) -> list[str]:
    """The README's code blocks in one language."""
    return re.findall(rf"^```{lang}\n(.*?)^```", README.read_text(), flags=re.S | re.M)


def crontab_command() -> str:
    [block] = fenced("crontab")
    [line] = [x for x in block.splitlines() if x.strip() and not x.startswith("#")]
    return line.split(None, 5)[5]


def ci_jobs() -> tuple[dict[str, Any], dict[str, Any]]:
    """The GitHub Actions workflow and the GitLab CI job of the morning-job section."""
    jobs = [yaml.safe_load(block) for block in fenced("yaml") if "review-due" in block]
    [github] = [job for job in jobs if "jobs" in job]
    [gitlab] = [job for job in jobs if "jobs" not in job]
    return github, gitlab


def without_install(lines: list[str]) -> str:
    """The script minus `pip install ucbr`: ucbr is already installed here."""
    return "\n".join(x for x in lines if not x.strip().startswith("pip install"))


class Server:
    """A clone of the register, kept up to date by `git pull`, as a cron host would hold it."""

    def __init__(self, reg: Reg, tmp_path: Path) -> None:
        self.reg = reg
        self.clone = tmp_path / "srv" / "register"
        self.clone.parent.mkdir(parents=True)
        self.key = tmp_path / "etc" / "scheduler.key"
        self.key.parent.mkdir()
        self.key.write_bytes(reg.keys["cron"].read_bytes())
        self.key.chmod(0o600)
        self.git("clone", "-q", str(reg.root), str(self.clone))

    def env(self, **extra: str) -> dict[str, str]:
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        return {"PATH": path, **git_env(self.reg.home), "UCBR_TODAY": self.reg.today, **extra}

    def git(self, *args: str) -> None:
        subprocess.run(["git", *args], env=self.env(), check=True, capture_output=True)

    def sh(self, script: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=self.clone,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    def cron(self) -> subprocess.CompletedProcess[str]:
        command = crontab_command()
        assert "/srv/ucbr/register" in command and "/etc/ucbr/scheduler.key" in command
        command = command.replace("/srv/ucbr/register", str(self.clone))
        return self.sh(command.replace("/etc/ucbr/scheduler.key", str(self.key)))


@pytest.fixture
def server(reg: Reg, tmp_path: Path) -> Server:
    return Server(reg, tmp_path)


def test_readme_crontab_line_is_silent_when_nothing_due(server: Server) -> None:
    """The documented crontab line prints nothing and exits 0 when nothing is due, so cron
    sends no mail.

    Policy: "All restrictions will be reviewed on a six-monthly basis or sooner if there are
    reasonable grounds to do so."
    """
    done = server.cron()
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_readme_crontab_line_reports_overdue_review(server: Server) -> None:
    """The documented crontab line pulls the latest register and reports an overdue review
    with exit 4, without a name.

    Policy: "All restrictions will be reviewed on a six-monthly basis."
    """
    case_id, _ = on_register(server.reg, name=NAME)
    server.reg.today = "2027-05-10"
    done = server.cron()
    assert done.returncode == 4, done.stderr
    assert f"{case_id}\trestriction review\t2027-05-01\t9 days overdue" in done.stdout
    assert NAME not in done.stdout + done.stderr


def test_readme_github_actions_job_runs(server: Server, tmp_path: Path) -> None:
    """The documented GitHub Actions step, given the scheduler key as its secret, fails the
    job (exit 4) on an overdue review and names no one.

    Policy: "All restrictions will be reviewed on a six-monthly basis."
    """
    github, _ = ci_jobs()
    steps = github["jobs"]["review-due"]["steps"]
    [step] = [s for s in steps if "review-due" in s.get("run", "")]
    assert step["env"]["UCBR_SCHEDULER_KEY"] == "${{ secrets.UCBR_SCHEDULER_KEY }}"
    case_id, _ = on_register(server.reg, name=NAME)
    server.git("-C", str(server.clone), "pull", "-q")
    server.reg.today = "2027-05-10"
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    secret = server.key.read_text()
    done = server.sh(step["run"], UCBR_SCHEDULER_KEY=secret, RUNNER_TEMP=str(runner_temp))
    assert done.returncode == 4, done.stderr
    assert case_id in done.stdout and NAME not in done.stdout + done.stderr
    assert (runner_temp / "scheduler.key").stat().st_mode & 0o077 == 0


def test_readme_gitlab_ci_job_runs(server: Server, tmp_path: Path) -> None:
    """The documented GitLab CI script, given the scheduler key as a file variable, exits 3
    when a review is due within its window.

    Policy: "All restrictions will be reviewed on a six-monthly basis."
    """
    _, gitlab = ci_jobs()
    script = without_install(gitlab["review-due"]["script"])
    case_id, _ = on_register(server.reg, name=NAME)
    server.reg.ok(
        "officer",
        "letter",
        case_id,
        "--kind",
        "formal-warning",
        "--format",
        "md",
        "--out",
        str(tmp_path / "fw.md"),
    )
    server.git("-C", str(server.clone), "pull", "-q")
    server.reg.today = "2027-04-20"
    done = server.sh(script, UCBR_SCHEDULER_KEY=str(server.key))
    assert done.returncode == 3, done.stderr
    assert f"{case_id}\trestriction review\t2027-05-01\t11 days left" in done.stdout
    assert NAME not in done.stdout + done.stderr
