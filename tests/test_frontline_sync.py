"""A frontline officer's report reaches the council's server: `sync` seals again only work
sealed to a retired tier key, and never advises a command that loses work."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.regkit import Reg
from tests.test_sync import ucbr_on_path

pytestmark = pytest.mark.e2e

REPORT = (
    "--channel", "face_to_face", "--location", "council_premises", "--category", "A",
    "--behaviour", "abusive", "--summary", "Shouted at the reception desk.",
)  # fmt: skip


def server_with_hook(reg: Reg) -> tuple[str, Reg, Reg]:
    """A bare server holding the register with the hook installed; a frontline officer's clone
    and a case officer's, each made with `ucbr clone` and the officer's own key."""
    reg.today = dt.date.today().isoformat()
    server = reg.root.parent / "server.git"
    reg.git("init", "-q", "--bare", "-b", "main", str(server))
    reg.git("push", "-q", str(server), "main")
    reg.ok("mgr", "server", "install-hook", str(server))
    clones = []
    for staff_id, folder in (("front", "fern"), ("officer", "olive")):
        reg.ok(staff_id, "clone", str(server), str(reg.root.parent / folder))
        clones.append(Reg(reg.root.parent / folder, reg.home, reg.keys, reg.today))
    return str(server), clones[0], clones[1]


def report(clone: Reg, name: str = "Pat Reception") -> str:
    """A frontline officer's `add-incident --new`: returns the new case's id."""
    out = clone.ok(
        "front", "add-incident", "--new", "--name", name, "--date", clone.today, *REPORT, "--json"
    )
    return str(json.loads(out)["case"])


def test_a_frontline_report_reaches_the_server_with_the_hook(reg: Reg) -> None:
    """A frontline officer reports an incident on a new case at reception and syncs: the
    server's hook takes it, and a case officer's clone then reads the whole record."""
    server, fern, olive = server_with_hook(reg)
    with ucbr_on_path():
        case = report(fern)
        synced = fern.run("front", "sync")
        assert synced.code == 0, synced.err
        assert synced.out == "synced: 0 changes pulled, 1 pushed\n"
        assert olive.ok("officer", "sync") == "synced: 1 changes pulled, 0 pushed\n"
    on_server = reg.git("--git-dir", server, "log", "-1", "--format=%s", "main").strip()
    assert on_server == f"ucbr: add-incident {case}"
    record = json.loads(olive.ok("officer", "show", case, "--json"))["record"]
    assert record["incidents"][0]["reported_by"] == "front"
    assert olive.run("ig", "audit").code == 0
    assert fern.state() == (reg.git("--git-dir", server, "rev-parse", "main").strip(), "")


def test_frontline_work_behind_a_leaver_is_kept_and_no_lossy_command_is_advised(
    reg: Reg,
) -> None:
    """After a leaver's removal on the server, a frontline officer's unsynced report holds a
    record sealed to the retired casework key, which their key cannot open: `sync` stops
    with the clone as it was, and its advice loses nothing (no `reset --hard`)."""
    _, fern, olive = server_with_hook(reg)
    with ucbr_on_path():
        olive.ok("mgr", "staff", "remove", "officer2")
        olive.ok("mgr", "sync")
        report(fern)
        before = fern.state()
        result = fern.run("front", "sync")
    assert result.code == 1
    assert "sealed to a tier key retired since" in result.err
    assert "your work stays in this clone" in result.err
    assert "reset" not in result.err and "@{u}" not in result.err
    assert fern.state() == before


def test_an_unchanged_tier_key_is_never_stale(reg: Reg) -> None:
    """Stale means sealed to a retired tier key: with no key retired, a frontline officer's
    work (whose record their key cannot read) is pushed as it was made, byte for byte."""
    server, fern, _ = server_with_hook(reg)
    with ucbr_on_path():
        case = report(fern)
        made = fern.git("show", f"HEAD:cases/{case}.yaml")
        assert fern.run("front", "sync").code == 0
    assert reg.git("--git-dir", server, "show", f"main:cases/{case}.yaml") == made
