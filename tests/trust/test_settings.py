"""`ucbr settings`: the council's details and templates, changed by an administrator in one
signed, audited commit; and `ucbr clone --root`, which pins the council's root of trust."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.regkit import Reg, on_register
from tests.test_sync import server_and_clones

pytestmark = pytest.mark.e2e


def test_an_administrator_sets_the_council_address_in_one_audited_commit(reg: Reg) -> None:
    """The address letters print is set by a manager; the audit finds the commit sound."""
    before = int(reg.git("rev-list", "--count", "HEAD"))
    reg.ok("mgr", "settings", "set", "council_address", "Council Offices, 1 High Street, Witney")
    assert int(reg.git("rev-list", "--count", "HEAD")) == before + 1
    assert "Ucbr-Action: settings" in reg.git("log", "-1", "--format=%B")
    shown = reg.ok("ig", "settings", "show", "--json")
    assert '"council_address": "Council Offices, 1 High Street, Witney"' in shown
    assert reg.run("ig", "audit").code == 0


@pytest.mark.parametrize(
    ("who", "key", "value", "reason"),
    [
        ("officer", "council_address", "Elsewhere", "only a manager"),
        ("mgr", "review_interval_months", "7", "review_interval_months"),
        ("mgr", "no_such_setting", "1", "no setting"),
    ],
)
def test_a_setting_refused_changes_nothing(
    reg: Reg, who: str, key: str, value: str, reason: str
) -> None:
    """A case officer, a review interval over six months, an unknown setting: refused."""
    before = reg.state()
    result = reg.run(who, "settings", "set", key, value)
    assert result.code == 1 and reason in result.err
    assert reg.state() == before


def test_a_council_template_is_used_by_letters(reg: Reg, tmp_path: Path) -> None:
    """A template set with `settings template` is the one the letter uses; a link is refused."""
    case = on_register(reg)
    source = tmp_path / "formal-warning.md.j2"
    source.write_text("Our own letter for {{ reference }}.\n")
    reg.ok("mgr", "settings", "template", "formal-warning.md.j2", "--from", str(source))
    out = tmp_path / "letter.md"
    reg.ok("officer", "letter", case, "--kind", "formal-warning", "--format", "md",
           "--out", str(out))  # fmt: skip
    assert out.read_text() == f"Our own letter for {case}.\n"
    link = tmp_path / "link.j2"
    os.symlink(reg.keys["officer"], link)
    refused = reg.run("mgr", "settings", "template", "_access.md.j2", "--from", str(link))
    assert refused.code == 1 and "not a plain file" in refused.err
    assert reg.run("ig", "audit").code == 0


def test_clone_pins_the_root_given_and_refuses_another(reg: Reg) -> None:
    """`ucbr clone --root` pins the council's key; a register founded by another key is
    refused, and nothing of it is left behind."""
    server, _, _ = server_and_clones(reg)
    right = reg.keys["mgr"].with_suffix(".txt.pub").read_text().strip()
    wrong = reg.keys["officer"].with_suffix(".txt.pub").read_text().strip()
    target = reg.root.parent / "pinned"
    reg.ok("ig", "clone", str(server), str(target), "--root", right)
    assert reg.git("-C", str(target), "config", "ucbr.root").strip() == right
    refused = reg.run("ig", "clone", str(server), str(reg.root.parent / "other"), "--root", wrong)
    assert refused.code == 6 and "root of trust" in refused.err
    assert not (reg.root.parent / "other").exists()
