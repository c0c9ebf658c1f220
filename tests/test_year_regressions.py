"""Breaks the simulated year (tests/test_simulated_year.py) found, each held here by name."""

from __future__ import annotations

import pyrage
import pytest

from tests.regkit import Reg, on_register
from tests.test_sync import server_and_clones, ucbr_on_path
from ucbr.storage.vault import load_identity_file, parse_tier_key

pytestmark = pytest.mark.e2e


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


def test_a_removal_synced_after_a_colleagues_change_to_the_same_file_seals_it_anew(
    reg: Reg,
) -> None:
    """A manager removes a leaver while a case officer's change to a case is on its way: the
    officer's change reaches the server first, so the removal is rebased onto it and the
    case merged. Every section of the merged file is sealed to the new tier keys, which the
    leaver never held: `check` is clean and the leaver's old keys open nothing pushed."""
    case = on_register(reg)
    server, olive, otto = server_and_clones(reg)
    before = reg.git("rev-parse", "HEAD").strip()
    with ucbr_on_path():
        otto.ok("officer2", "adjustments", case, "--add", "needs_large_print")
        olive.ok("mgr", "staff", "remove", "ig")
        otto.ok("officer2", "sync")
        synced = olive.run("mgr", "sync")
        assert synced.code == 0, synced.err
    assert olive.run("officer", "check").code == 0
    old = tier_keys_then(olive, before, "ig")
    pushed = reg.git("--git-dir", str(server), "show", f"main:cases/{case}.yaml")
    for armored in sections_of(pushed).values():
        with pytest.raises(pyrage.DecryptError):
            pyrage.decrypt(armored, old)
    assert olive.run("head", "audit").code == 0
