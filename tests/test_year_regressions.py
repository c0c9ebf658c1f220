"""Breaks the simulated year (tests/test_simulated_year.py) found, each held here by name."""

from __future__ import annotations

import pyrage
import pytest

from tests.regkit import Reg, on_register
from tests.test_frontline_sync import report, sections_of, server_with_hook, tier_keys_then
from tests.test_sync import server_and_clones, ucbr_on_path

pytestmark = pytest.mark.e2e


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


def test_a_removal_rebased_onto_a_new_case_names_the_case_it_seals_anew(reg: Reg) -> None:
    """A frontline officer's new case reaches the server while a manager's removal of a
    leaver is on its way: the rebased removal seals the new case to the new keys too, and
    names it in a Ucbr-Case trailer, so the server's hook takes it and the audit is clean."""
    server, fern, olive = server_with_hook(reg)
    before = reg.git("rev-parse", "HEAD").strip()
    with ucbr_on_path():
        case = report(fern)
        olive.ok("mgr", "staff", "remove", "officer2")
        fern.ok("front", "sync")
        synced = olive.run("mgr", "sync")
        assert synced.code == 0, synced.err
    message = olive.git("log", "-1", "--format=%B")
    assert message.startswith("ucbr: staff-remove officer2") and f"Ucbr-Case: {case}" in message
    pushed = reg.git("--git-dir", server, "show", f"main:cases/{case}.yaml")
    for armored in sections_of(pushed).values():
        with pytest.raises(pyrage.DecryptError):
            pyrage.decrypt(armored, tier_keys_then(olive, before, "officer2"))
    assert olive.run("ig", "audit").code == 0 and olive.run("officer", "check").code == 0
