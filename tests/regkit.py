"""Real registers for end-to-end tests: real git, real age keys, in temporary folders."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyrage

from ucbr.cli import main
from ucbr.storage.sshkeys import generate

# id -> (role, name)
STAFF: dict[str, tuple[str, str]] = {
    "mgr": ("manager", "Morgan Manager"),
    "officer": ("case_officer", "Olive Officer"),
    "officer2": ("case_officer", "Otto Second"),
    "head": ("head_of_service", "Hana Head"),
    "ig": ("ig_officer", "Ivan Governance"),
    "front": ("frontline", "Fern Frontline"),
    "cron": ("scheduler", "Cron Service"),
}


def email_of(staff_id: str) -> str:
    return f"{staff_id}@council.example"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@contextlib.contextmanager
def patched_env(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def git_env(home: Path) -> dict[str, str]:
    """An isolated git: no system or user config, nothing of the machine's."""
    return {
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "XDG_CONFIG_HOME": str(home / "xdg"),
    }


def actor_env(staff_id: str) -> dict[str, str]:
    name = STAFF.get(staff_id, ("", staff_id))[1]
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email_of(staff_id),
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email_of(staff_id),
    }


@contextlib.contextmanager
def machine_on(day: str) -> Iterator[None]:
    """The machine's clock, as the audit and every verification read it, never before noon
    (UTC) on ``day``: as if the test ran on the register's day or later, whatever the
    machine's date. A commit dated after that moment (beyond a small skew) is still one
    dated after the machine's clock."""
    from ucbr.services import clock

    real = clock.now
    noon = dt.datetime.fromisoformat(f"{day}T12:00:00+00:00")
    clock.now = lambda: max(real(), noon)  # type: ignore[assignment]
    try:
        yield
    finally:
        clock.now = real  # type: ignore[assignment]


# A day in the machine's past, 150 days before today: a register made then (``past_reg``)
# lets a test move the policy clock on for months without a commit dated in the future.
PAST = dt.date.today() - dt.timedelta(days=150)


def commit_moment(day: str) -> str:
    """When git dates a commit made on the policy day ``day``: noon, or, on the machine's own
    day, a minute ago (a commit is never dated in the machine's future)."""
    now = dt.datetime.now(dt.UTC)
    if day == now.date().isoformat():
        return (now - dt.timedelta(minutes=1)).replace(microsecond=0).isoformat()
    return f"{day}T12:00:00+00:00"


@dataclass
class Reg:
    """A register in a temporary folder, and the keys of its staff."""

    root: Path
    home: Path
    keys: dict[str, Path] = field(default_factory=dict)
    today: str = "2026-11-28"

    def env(self, staff_id: str) -> dict[str, str]:
        """The environment of one member of staff on the register's day: their git identity,
        their key, and the policy clock and git's dates both set to ``today`` (the audit
        reports a commit whose policy date is not the day it was committed)."""
        moment = commit_moment(self.today)
        env = {
            **git_env(self.home),
            **actor_env(staff_id),
            "UCBR_TODAY": self.today,
            "GIT_AUTHOR_DATE": moment,
            "GIT_COMMITTER_DATE": moment,
        }
        env["UCBR_REGISTER"] = str(self.root)
        if staff_id in self.keys:
            env["UCBR_IDENTITY_FILE"] = str(self.keys[staff_id])
        return env

    def run(self, staff_id: str, *args: str) -> Result:
        """Run one ucbr command in-process as the given member of staff."""
        out, err = io.StringIO(), io.StringIO()
        with (
            patched_env(self.env(staff_id)),
            machine_on(self.today),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            code = main(list(args))
        return Result(code, out.getvalue(), err.getvalue())

    def proc(
        self,
        staff_id: str,
        *args: str,
        stdin: bytes | None = None,
        env: dict[str, str] | None = None,
    ) -> Result:
        """Run one ucbr command as its own process, as cron or a shell would; ``env`` changes
        what the member's environment would be (as they could themselves)."""
        completed = subprocess.run(
            [sys.executable, "-m", "ucbr", *args],
            input=stdin,
            capture_output=True,
            env={**os.environ, **self.env(staff_id), **(env or {})},
            check=False,
        )
        return Result(
            completed.returncode,
            completed.stdout.decode(errors="replace"),
            completed.stderr.decode(errors="replace"),
        )

    def ok(self, staff_id: str, *args: str) -> str:
        result = self.run(staff_id, *args)
        assert result.code == 0, f"{args}: exit {result.code}: {result.err}"
        return result.out

    def send(self, staff_id: str, case_id: str, kind: str) -> str:
        """Issue a letter as ``staff_id`` (markdown, outside the register); returns its path."""
        folder = self.home / "letters"
        folder.mkdir(exist_ok=True)
        out = folder / f"{case_id}-{kind}-{len(list(folder.iterdir()))}.md"
        self.ok(staff_id, "letter", case_id, "--kind", kind, "--out", str(out))
        return str(out)

    def after(self, days: int) -> str:
        """The day ``days`` after the register's day, as a command takes it."""
        return (dt.date.fromisoformat(self.today) + dt.timedelta(days=days)).isoformat()

    def root_key(self) -> str:
        """The public key of the register's root (the founding manager), as the council
        publishes it for `ucbr clone --root`."""
        return self.keys["mgr"].with_suffix(".txt.pub").read_text().strip()

    def git(self, *args: str) -> str:
        proc = subprocess.run(
            ["git", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, **git_env(self.home)},
            check=True,
        )
        return proc.stdout

    def state(self) -> tuple[str, str]:
        """HEAD and `git status --porcelain`: what a failed command must leave unchanged."""
        head = self.git("rev-parse", "HEAD").strip()
        return head, self.git("status", "--porcelain", "--untracked-files=all")

    def new_case(
        self,
        staff_id: str = "officer",
        *extra: str,
        name: str = "Alex Example",
        date: str = "2026-11-01",
    ) -> tuple[str, str]:
        import json

        out = self.ok(
            staff_id,
            "add-incident",
            "--new",
            "--name",
            name,
            "--date",
            date,
            "--channel",
            "telephone",
            "--location",
            "council_premises",
            "--category",
            "A",
            "--behaviour",
            "abusive",
            "--summary",
            "Shouted and swore at the officer.",
            "--json",
            # A serious incident is one of the policy's behaviours of violence or threats.
            *(("--behaviour", "physically_aggressive") if "--serious" in extra else ()),
            *extra,
        )
        data = json.loads(out)
        return data["case"], data["incident"]


INCIDENT_ARGS = (
    "--date", "2026-11-01", "--channel", "telephone", "--location", "community",
    "--category", "A", "--behaviour", "abusive", "--summary", "Shouted at the officer.",
)  # fmt: skip


def hashed_policy(reg: Reg) -> str:
    """The Ucbr-Policy trailer a commit made now would carry."""
    from ucbr.domain.settings import policy_hash

    return policy_hash((reg.root / ".ucbr" / "policy.yaml").read_bytes())


def signed_commit(
    reg: Reg, staff_id: str, message: str, *args: str, author: str | None = None
) -> str:
    """Commit what is staged with plain git (not ucbr), signed with ``staff_id``'s own key and
    authored by them (or as ``author``): what an insider with push access could do by hand.
    Returns the short commit id."""
    key = reg.keys[staff_id]
    env = {**os.environ, **reg.env(staff_id)}
    if author is not None:
        env.update({"GIT_AUTHOR_EMAIL": email_of(author), "GIT_COMMITTER_EMAIL": email_of(author)})
    subprocess.run(
        ["git", "-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "commit", "-q", "-S",
         "--no-verify", "-F", "-", *args],
        cwd=reg.root, input=message, text=True, check=True, env=env,
    )  # fmt: skip
    return reg.git("rev-parse", "--short=7", "HEAD").strip()


def on_register(reg: Reg, officer: str = "officer", approver: str = "mgr") -> str:
    """A case with a formal written warning in force (a serious incident bypasses steps 1-2)."""
    case, incident = reg.new_case(officer, "--serious")
    reg.ok(
        officer, "escalate", case, "--incident", incident, "--to", "formal_written_warning",
        "--bypass", incident, "--bypass-reason", "Threatened the officer with harm.",
        "--only-channel", "letter", "--considerations", "None known.",
        "--essential-services", "By letter to the council offices.", "--review-by", reg.after(48),
    )  # fmt: skip
    reg.ok(approver, "approve", case)
    return case


def write_key(path: Path) -> str:
    """A throwaway ssh-ed25519 staff key (it opens tiers and signs); returns its public key."""
    return generate(path, "throwaway test key")


def write_age_key(path: Path) -> str:
    """A throwaway age identity (opens tiers, cannot sign); returns its recipient."""
    identity = pyrage.x25519.Identity.generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(f"# throwaway test key\n{identity}\n")
    return str(identity.to_public())


def build(base: Path, today: str = Reg.today) -> Reg:
    """A register with one member of staff in each role, made on ``today``."""
    home = base / "home"
    home.mkdir(parents=True)
    (home / "gitconfig").write_text("")
    reg = Reg(root=base / "register", home=home, today=today)
    keys = base / "keys"
    keys.mkdir()
    with patched_env(reg.env("mgr")):
        init = ["init", str(reg.root), "--council", "Exampleshire District Council"]
        contact = ["--council-email", "contact@council.example", "--council-phone", "01234 567890",
                   "--privacy-url", "https://www.exampleshire.gov.uk/privacy"]  # fmt: skip
        assert main([*init, *contact]) == 0
    for staff_id, (role, name) in STAFF.items():
        recipient = write_key(keys / f"{staff_id}.txt")
        reg.keys[staff_id] = keys / f"{staff_id}.txt"
        reg.ok(
            "mgr",
            "staff",
            "add",
            staff_id,
            "--name",
            name,
            "--email",
            email_of(staff_id),
            "--role",
            role,
            "--key",
            recipient,
        )
    return reg


def copy(template: Reg, base: Path) -> Reg:
    """A fresh copy of a built register (building one per test would be slow)."""
    shutil.copytree(template.root.parent, base, dirs_exist_ok=True, symlinks=True)
    keys = {k: base / "keys" / p.name for k, p in template.keys.items()}
    return Reg(root=base / "register", home=base / "home", keys=keys, today=template.today)


def python() -> str:
    return sys.executable
