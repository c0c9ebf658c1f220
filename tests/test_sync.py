"""`ucbr clone` and `ucbr sync`: many officers working at once against the council's server."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.regkit import Reg, patched_env

pytestmark = pytest.mark.e2e


@contextlib.contextmanager
def ucbr_on_path() -> Iterator[None]:
    """The drivers git runs call `ucbr`: this project's, from the interpreter's bin folder."""
    with patched_env({"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}):
        yield


def server_and_clones(reg: Reg) -> tuple[Path, Reg, Reg]:
    """A bare repository standing in for the council's server, and one clone per officer."""
    server = reg.root.parent / "server.git"
    reg.git("init", "-q", "--bare", "-b", "main", str(server))
    reg.git("push", "-q", str(server), "main")
    clones = []
    root = reg.keys["mgr"].with_suffix(".txt.pub").read_text().strip()  # the council publishes it
    for name in ("olive", "otto"):
        reg.ok("officer", "clone", str(server), str(reg.root.parent / name), "--root", root)
        clones.append(
            Reg(root=reg.root.parent / name, home=reg.home, keys=reg.keys, today=reg.today)
        )
    return server, clones[0], clones[1]


def incident(clone: Reg, staff_id: str, case: str, day: int) -> str:
    out = clone.ok(
        staff_id,
        "add-incident",
        case,
        "--date",
        f"2026-11-{day:02d}",
        "--channel",
        "email",
        "--location",
        "community",
        "--category",
        "B",
        "--behaviour",
        "repeated_contact",
        "--summary",
        f"Emailed {day} times.",
        "--json",
    )
    return str(json.loads(out)["incident"])


def incidents(clone: Reg, case: str) -> set[str]:
    shown = json.loads(clone.ok("officer", "show", case, "--json"))
    return {i["id"] for i in shown["record"]["incidents"]}


def test_concurrent_officers_lose_nothing(reg: Reg) -> None:
    """Two officers adding incidents to the same case and to others both keep every incident."""
    _, olive, otto = server_and_clones(reg)
    with ucbr_on_path():
        shared, first = olive.new_case("officer")
        olive.ok("officer", "sync")
        otto.ok("officer2", "sync")
        from_olive = incident(olive, "officer", shared, 3)
        olive_case, olive_first = olive.new_case("officer", name="Olive's Customer")
        from_otto = incident(otto, "officer2", shared, 4)
        otto_case, otto_first = otto.new_case("officer2", name="Otto's Customer")
        assert olive.ok("officer", "sync") == "synced: 0 changes pulled, 2 pushed\n"
        assert otto.ok("officer2", "sync") == "synced: 2 changes pulled, 2 pushed\n"
        olive.ok("officer", "sync")
    for clone in (olive, otto):
        assert incidents(clone, shared) == {first, from_olive, from_otto}
        assert incidents(clone, olive_case) == {olive_first}
        assert incidents(clone, otto_case) == {otto_first}
        assert clone.run("officer", "check").code == 0
        audited = clone.run("ig", "audit")
        assert audited.code == 0, audited.out
    assert olive.state() == otto.state()


def test_a_conflict_leaves_the_clone_as_it_was(reg: Reg) -> None:
    """Two officers taking a case's next step at once: the second sync stops, changing nothing."""
    _, olive, otto = server_and_clones(reg)
    with ucbr_on_path():
        case, first = olive.new_case("officer")
        olive.ok("officer", "sync")
        otto.ok("officer2", "sync")
        olive.ok("officer", "escalate", case, "--incident", first, "--note", "Told to stop.")
        otto.ok("officer2", "escalate", case, "--incident", first, "--note", "Asked to stop.")
        olive.ok("officer", "sync")
        before = otto.state()
        result = otto.run("officer2", "sync")
    assert result.code == 1
    assert result.err == (
        f"ucbr: sync stopped, your clone is as it was: {case}: decisions: both sides added to it;"
        " take one at a time and sync between\n"
    )
    assert otto.state() == before


def test_a_refused_push_leaves_the_clone_as_it_was(reg: Reg) -> None:
    """When the server refuses the push, sync says so, exits 1 and leaves the clone unchanged."""
    server, olive, _ = server_and_clones(reg)
    hook = server / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed for maintenance' >&2\nexit 1\n")
    hook.chmod(0o755)
    with ucbr_on_path():
        olive.new_case("officer")
        before = olive.state()
        result = olive.run("officer", "sync")
    assert result.code == 1
    assert result.err.startswith("ucbr: the server refused the push, your clone is as it was: ")
    assert olive.state() == before


def test_clone_installs_the_drivers_that_check_looks_for(reg: Reg) -> None:
    """`ucbr clone` installs the drivers; a plain `git clone` is reported by `ucbr check`."""
    _, olive, _ = server_and_clones(reg)
    assert olive.git("config", "merge.ucbr.driver").strip() == "ucbr git merge %O %A %B"
    assert olive.git("config", "diff.ucbr.textconv").strip() == "ucbr git textconv"
    olive.git("config", "--unset", "merge.ucbr.driver")
    result = olive.run("officer", "check")
    assert result.code == 5
    assert ".git/config: the ucbr diff and merge drivers are not installed" in result.out
