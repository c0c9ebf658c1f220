"""A frontline officer's report reaches the council's server: `sync` seals again only work
sealed to a retired tier key, and never advises a command that loses work."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pyrage
import pytest

from tests.regkit import Reg
from tests.test_sync import ucbr_on_path
from ucbr.storage.vault import dearmor, load_identity_file, parse_tier_key


def pyrage_armor(text: str) -> bytes:
    """Armored age text as the bytes pyrage decrypts."""
    raw = dearmor(text)
    assert raw is not None
    return raw


pytestmark = pytest.mark.e2e

REPORT = (
    "--channel", "face_to_face", "--location", "council_premises", "--category", "A",
    "--behaviour", "abusive", "--summary", "Shouted at the reception desk.",
)  # fmt: skip


def tier_keys_then(reg: Reg, rev: str, staff_id: str) -> list[pyrage.x25519.Identity]:
    """Every tier key ``staff_id`` held at ``rev``, opened with their own key."""
    identities = load_identity_file(reg.keys[staff_id])
    return [
        parse_tier_key(pyrage.decrypt(reg.git("show", f"{rev}:.ucbr/tiers/{tier}.age").encode(),
                                      identities))
        for tier in ("scheduler", "frontline", "casework")
    ]  # fmt: skip


def sections_of(text: str) -> dict[str, bytes]:
    """Each armored section of a register file, as age reads it."""
    found: dict[str, bytes] = {}
    for name in ("schedule", "entry", "record"):
        block = text.split(f"{name}: |\n", 1)[1]
        lines = []
        for line in block.splitlines():
            lines.append(line.strip())
            if "END AGE ENCRYPTED FILE" in line:
                break
        found[name] = ("\n".join(lines) + "\n").encode()
    return found


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
        reg.ok(
            staff_id, "clone", str(server), str(reg.root.parent / folder), "--root", reg.root_key()
        )
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


def test_frontline_work_behind_a_leaver_is_sealed_again_and_reaches_the_server(
    reg: Reg,
) -> None:
    """After a leaver's removal on the server, a frontline officer's unsynced report holds a
    record sealed to the retired casework key, which their key cannot open: sync seals it
    again from what their clone kept for them (sealed to their own key), and the server gets
    it sealed to the new casework key, which a case officer opens and the leaver's does not."""
    server, fern, olive = server_with_hook(reg)
    before = reg.git("rev-parse", "HEAD").strip()
    with ucbr_on_path():
        olive.ok("mgr", "staff", "remove", "officer2")
        olive.ok("mgr", "sync")
        case = report(fern)
        synced = fern.run("front", "sync")
        assert synced.code == 0, synced.err
        olive.ok("officer", "sync")
    record = json.loads(olive.ok("officer", "show", case, "--json"))["record"]
    assert record["incidents"][0]["reported_by"] == "front"
    pushed = reg.git("--git-dir", server, "show", f"main:cases/{case}.yaml")
    old = tier_keys_then(reg, before, "officer2")
    for armored in sections_of(pushed).values():
        with pytest.raises(pyrage.DecryptError):
            pyrage.decrypt(armored, old)
    assert olive.run("ig", "audit").code == 0


def test_what_a_frontline_officer_sealed_is_kept_only_sealed_to_them(reg: Reg) -> None:
    """The copy a frontline officer's clone keeps of the record they wrote is age armor
    sealed to their own key, private (0600), outside the working tree, and never tracked."""
    _, fern, _ = server_with_hook(reg)
    with ucbr_on_path():
        report(fern, name="Kit Private")
    kept = list((fern.root / ".git" / "ucbr" / "outbox").iterdir())
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o777 == 0o600
    text = kept[0].read_text()
    assert text.startswith("-----BEGIN AGE ENCRYPTED FILE-----") and "Kit" not in text
    plain = pyrage.decrypt(pyrage_armor(text), load_identity_file(fern.keys["front"]))
    assert b"Kit Private" in plain
    assert fern.git("status", "--porcelain", "--ignored") == ""


def test_the_kept_copy_goes_once_it_is_sent(reg: Reg) -> None:
    """Once sync has pushed the report, the copy kept to seal it again is deleted: what was
    sent is on the server, sealed to the tier that reads it."""
    _, fern, _ = server_with_hook(reg)
    with ucbr_on_path():
        report(fern, name="Kit Private")
        assert list((fern.root / ".git" / "ucbr" / "outbox").iterdir())
        fern.ok("front", "sync")
    assert list((fern.root / ".git" / "ucbr" / "outbox").iterdir()) == []


def test_without_the_kept_copy_sync_stops_and_advises_nothing_lossy(reg: Reg) -> None:
    """A frontline report sealed to a retired key whose kept copy is gone (a clone's local
    state deleted): sync stops with the clone as it was, and its advice loses nothing."""
    _, fern, olive = server_with_hook(reg)
    with ucbr_on_path():
        olive.ok("mgr", "staff", "remove", "officer2")
        olive.ok("mgr", "sync")
        report(fern)
        shutil.rmtree(fern.root / ".git" / "ucbr" / "outbox")
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
