"""A council at work: officers of every role, each in their own clone of the register, a bare
server with the hook, and a policy clock that moves.

Each officer acts with their own key in their own clone and syncs as people do: before
working on a case someone else has changed, and at the end of the day (several at once).
The server's hook judges every push on the simulated day: its clock is moved with
libfaketime (Debian's ``faketime``), as are git's dates, so every commit is dated the day
it was made, in the machine's past.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.regkit import STAFF, Reg, Result, build, email_of, patched_env, write_key

LIBFAKETIME = next(iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))), "")
# Everyone beyond the register's first seven (tests.regkit.STAFF): two of every role.
MORE_STAFF: dict[str, tuple[str, str]] = {
    "mgr2": ("manager", "Mina Second"),
    "officer3": ("case_officer", "Ola Third"),
    "head2": ("head_of_service", "Hugo Second"),
    "ig2": ("ig_officer", "Iris Second"),
    "front2": ("frontline", "Fay Second"),
    "cron2": ("scheduler", "Cron Backup"),
}
ROSTER = {**STAFF, **MORE_STAFF}


def clock_env(day: dt.date) -> dict[str, str]:
    """The environment that moves a process's clock (and its children's) to noon on ``day``:
    what the server's hook sees as the moment a push arrives."""
    preload = os.environ.get("LD_PRELOAD", "")
    if LIBFAKETIME and LIBFAKETIME not in preload:
        preload = f"{LIBFAKETIME} {preload}".strip()
    return {"LD_PRELOAD": preload, "FAKETIME": f"@{day.isoformat()} 12:00:00"}


@dataclass
class Council:
    """The register's server, every officer's clone, and the day."""

    base: Path
    server: Path
    clones: dict[str, Reg]
    day: dt.date
    root: str = ""  # the root's public key, as the council publishes it for `ucbr clone`
    dirty: dict[str, set[str]] = field(default_factory=dict)  # unsynced: officer -> files
    seen: dict[str, str] = field(default_factory=dict)  # officer -> server tip when last synced
    log: list[str] = field(default_factory=list)  # what happened, for a failing invariant
    raced: int = 0  # syncs that lost the race to push, and synced again
    together: int = 0  # days on which several officers synced at once

    # --- founding ---------------------------------------------------------------------------

    @classmethod
    def found(cls, base: Path, day: dt.date) -> Council:
        """A register with two of every role, pushed to a bare server with the hook installed,
        and a clone for each member of staff made with `ucbr clone`."""
        reg = build(base, day.isoformat())
        reg.today = day.isoformat()
        for staff_id, (role, name) in MORE_STAFF.items():
            key = write_key(base / "keys" / f"{staff_id}.txt")
            reg.keys[staff_id] = base / "keys" / f"{staff_id}.txt"
            reg.ok("mgr", "staff", "add", staff_id, "--name", name, "--email", email_of(staff_id),
                   "--role", role, "--key", key)  # fmt: skip
        server = base / "server.git"
        reg.git("init", "-q", "--bare", "-b", "main", str(server))
        reg.git("push", "-q", str(server), "main")
        with patched_env(clock_env(day)):
            reg.ok("mgr", "server", "install-hook", str(server))
        clones = {}
        for staff_id in ROSTER:
            folder = base / "clones" / staff_id
            reg.ok(staff_id, "clone", str(server), str(folder), "--root", reg.root_key())
            clones[staff_id] = Reg(folder, reg.home, reg.keys, reg.today)
        council = cls(base, server, clones, day, reg.root_key())
        tip = council.tip()
        council.seen = dict.fromkeys(clones, tip)
        return council

    # --- the day ---------------------------------------------------------------------------

    def tip(self) -> str:
        """The server's main branch."""
        return subprocess.run(
            ["git", "--git-dir", str(self.server), "rev-parse", "main"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip

    def move_to(self, day: dt.date) -> None:
        """The policy clock (and git's dates) on ``day`` for everyone."""
        self.day = day
        for clone in self.clones.values():
            clone.today = day.isoformat()

    def run(self, staff_id: str, *args: str) -> Result:
        """One command in the officer's own clone, on the day."""
        return self.clones[staff_id].run(staff_id, *args)

    def ok(self, staff_id: str, *args: str, subject: str = "*") -> str:
        """One command that must succeed; a commit it makes is unsynced work on ``subject``."""
        before = self.clones[staff_id].git("rev-parse", "HEAD").strip()
        result = self.run(staff_id, *args)
        self.log.append(f"{self.day} {staff_id}: {' '.join(args[:3])} -> {result.code}")
        assert result.code == 0, f"{self.day} {staff_id} {args}: exit {result.code}: {result.err}"
        if self.clones[staff_id].git("rev-parse", "HEAD").strip() != before:
            self.dirty.setdefault(staff_id, set()).add(subject)
        return result.out

    def ready(self, staff_id: str, subject: str = "*", others_first: bool = True) -> None:
        """Before an officer works on ``subject``: anyone holding unsynced work on it sends
        it (unless not ``others_first``), and the officer's clone takes what the server has."""
        for other, touched in list(self.dirty.items()):
            if other == staff_id or not others_first:
                continue
            if subject in touched or "*" in touched or subject == "*":
                self.sync(other)
        if self.seen.get(staff_id) != self.tip():
            self.sync(staff_id)

    def act(self, staff_id: str, subject: str, *args: str, others_first: bool = True) -> str:
        """An officer's command on ``subject`` (a case or property id, or ``*`` for the whole
        register), their clone up to date first."""
        self.ready(staff_id, subject, others_first)
        return self.ok(staff_id, *args, subject=subject)

    def act_json(self, staff_id: str, subject: str, *args: str) -> dict[str, object]:
        """``act`` with --json: the ids the command made."""
        data = json.loads(self.act(staff_id, subject, *args, "--json"))
        assert isinstance(data, dict)
        return data

    # --- syncing ---------------------------------------------------------------------------

    def sync(self, staff_id: str) -> Result:
        """`ucbr sync` in the officer's clone, the server's clock on the day; must succeed."""
        with patched_env(clock_env(self.day)):
            result = self.clones[staff_id].run(staff_id, "sync")
        self.log.append(f"{self.day} {staff_id}: sync -> {result.code} {result.err.strip()}")
        assert result.code == 0, f"{self.day} {staff_id} sync: {result.err}"
        self._synced(staff_id)
        return result

    def _synced(self, staff_id: str) -> None:
        self.dirty.pop(staff_id, None)
        self.seen[staff_id] = self.tip()

    def sync_together(self, staff_ids: list[str]) -> list[str]:
        """Several officers sync at once, each its own process; one that loses the race to
        push is left as it was, and syncs again. Returns who had to sync again."""

        def one(staff_id: str) -> subprocess.CompletedProcess[str]:
            clone = self.clones[staff_id]
            env = {**os.environ, **clone.env(staff_id), **clock_env(self.day)}
            return subprocess.run([sys.executable, "-m", "ucbr", "sync"], capture_output=True,
                                  text=True, env=env, check=False)  # fmt: skip

        with ThreadPoolExecutor(max_workers=len(staff_ids) or 1) as pool:
            done = dict(zip(staff_ids, pool.map(one, staff_ids), strict=True))
        again = []
        for staff_id, proc in done.items():
            self.log.append(f"{self.day} {staff_id}: sync together -> {proc.returncode}")
            if proc.returncode == 0:
                self._synced(staff_id)
                continue
            assert "your clone is as it was" in proc.stderr, proc.stderr
            again.append(staff_id)
        for staff_id in again:
            self.sync(staff_id)
        self.together += 1
        self.raced += len(again)
        return again

    def end_of_day(self, at_once: bool = True) -> list[str]:
        """Everyone with unsynced work syncs: at once (each its own process), or one by one.
        Returns who had to sync again, having lost the race to push."""
        dirty = sorted(self.dirty)
        if at_once and len(dirty) > 1:
            return self.sync_together(dirty)
        for staff_id in dirty:
            self.sync(staff_id)
        return []

    def at_tip(self, prefer: str = "ig") -> Reg:
        """A clone level with the server (``prefer``'s, else anyone's that is, else
        ``prefer``'s once synced): where the day's checks read the register."""
        tip = self.tip()
        if self.seen.get(prefer) != tip:
            others = [s for s, seen in self.seen.items() if seen == tip and s in self.clones]
            if others:
                return self.clones[others[0]]
            self.sync(prefer)
        return self.clones[prefer]

    def everyone_syncs(self) -> None:
        """Every clone takes the server's work."""
        self.end_of_day()
        for staff_id in [s for s in self.clones if self.seen.get(s) != self.tip()]:
            self.sync(staff_id)

    # --- keys ------------------------------------------------------------------------------

    def leave(self, staff_id: str) -> None:
        """A leaver's clone is no longer the council's (they can no longer sync it)."""
        self.clones.pop(staff_id, None)
        self.seen.pop(staff_id, None)
        self.dirty.pop(staff_id, None)

    def new_key(self, staff_id: str) -> tuple[Path, str]:
        """A replacement key for a member of staff who lost theirs: its file and public half."""
        path = self.base / "keys" / f"{staff_id}-{self.day.isoformat()}.txt"
        return path, write_key(path)

    def use_key(self, staff_id: str, path: Path) -> None:
        """From now on the member acts with the key in ``path``, from a fresh clone (their
        old one, on the lost laptop, is gone; one made before the change opens nothing with
        the new key)."""
        clone = self.clones[staff_id]
        clone.keys[staff_id] = path
        folder = self.base / "clones" / f"{staff_id}-{self.day.isoformat()}"
        clone.run(staff_id, "clone", str(self.server), str(folder), "--root", self.root)
        self.clones[staff_id] = Reg(folder, clone.home, clone.keys, clone.today)
        self.seen[staff_id] = self.tip()


@contextlib.contextmanager
def drivers_on_path() -> Iterator[None]:
    """The merge driver git runs during a sync is `ucbr`: this project's."""
    with patched_env({"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}):
        yield
