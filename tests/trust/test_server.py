"""The council's server as the gate, and stale clones: two clones and a bare server.

The hook is installed with `ucbr server install-hook`; honest work arrives by `ucbr sync`,
forgeries by plain `git push`. Commits are made on today's date: the hook refuses those
dated far from the moment it receives them.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pyrage
import pytest

from tests.regkit import Reg, hashed_policy, on_register, signed_commit
from tests.test_sync import server_and_clones, ucbr_on_path
from ucbr.storage.vault import load_identity_file, parse_tier_key

pytestmark = pytest.mark.e2e


def push(clone: Reg, staff_id: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A plain `git push`, as anyone with push access could make."""
    return subprocess.run(
        ["git", "push", "-q", *args], cwd=clone.root, capture_output=True, text=True,
        env={**os.environ, **clone.env(staff_id)}, check=False,
    )  # fmt: skip


def test_the_server_refuses_forgeries_and_takes_honest_work(reg: Reg) -> None:
    """With the hook installed: `ucbr sync` of honest work is taken; a forged commit, a
    backdated one, a rewrite and a deletion are each refused, and the server keeps none."""
    reg.today = dt.date.today().isoformat()
    server, olive, otto = server_and_clones(reg)
    installed = reg.ok("mgr", "server", "install-hook", str(server))
    assert "root of trust: SHA256:" in installed
    with ucbr_on_path():
        olive.new_case("officer")
        assert olive.ok("officer", "sync") == "synced: 0 changes pulled, 1 pushed\n"
        otto.ok("officer2", "sync")
        accepted = otto.git("rev-parse", "HEAD").strip()
        # A forgery: a case officer's hand-made approval, signed with their own key.
        case = otto.new_case("officer2")[0]
        text = (otto.root / f"cases/{case}.yaml").read_text()
        (otto.root / f"cases/{case}.yaml").write_text(text + "\n")
        otto.git("add", f"cases/{case}.yaml")
        message = (f"ucbr: approve {case}\n\nUcbr-Action: approve\nUcbr-Case: {case}\n"
                   f"Ucbr-Officer: officer2\nUcbr-Policy: {hashed_policy(otto)}\n"
                   f"Ucbr-Date: {otto.today}\n")  # fmt: skip
        signed_commit(otto, "officer2", message)
        forged = push(otto, "officer2")
        assert forged.returncode != 0
        assert "ucbr: refused:" in forged.stderr and "may not approve" in forged.stderr
        assert reg.git("--git-dir", str(server), "rev-parse", "main").strip() == accepted
        otto.git("reset", "-q", "--hard", "origin/main")
        # A commit dated ten days ago, made honestly but held back: refused as dated.
        otto.today = (dt.date.today() - dt.timedelta(days=10)).isoformat()
        otto.new_case("officer2", date=otto.today)
        late = push(otto, "officer2")
        assert late.returncode != 0 and "not the day it was received" in late.stderr
        otto.git("reset", "-q", "--hard", "origin/main")
        # Rewriting history that the server holds, and deleting it: refused.
        otto.git("reset", "-q", "--hard", "HEAD~1")
        assert push(otto, "officer2", "--force").returncode != 0
        assert push(otto, "officer2", "origin", ":main").returncode != 0
    assert reg.git("--git-dir", str(server), "rev-parse", "main").strip() == accepted


def _tier_key_then(reg: Reg, rev: str, staff_id: str) -> pyrage.x25519.Identity:
    """The casework tier key as it was at ``rev``, opened with ``staff_id``'s own key."""
    wrapped = reg.git("show", f"{rev}:.ucbr/tiers/casework.age")
    identities = load_identity_file(reg.keys[staff_id])
    return parse_tier_key(pyrage.decrypt(wrapped.encode(), identities))


def test_a_stale_clone_reseals_its_work_before_pushing(reg: Reg) -> None:
    """A clone that has not pulled a leaver's removal records a new case and adds to an old
    one; `ucbr sync` seals them to the new tier keys, so the leaver's key opens neither."""
    existing = on_register(reg)
    server, olive, otto = server_and_clones(reg)
    with ucbr_on_path():
        olive.ok("mgr", "staff", "remove", "officer2")
        olive.ok("mgr", "sync")
        before_removal = otto.git("rev-parse", "HEAD").strip()
        new_case, _ = otto.new_case("officer")  # sealed to the tier keys officer2 held
        otto.ok("officer", "adjustments", existing, "--add", "needs_interpreter")
        synced = otto.run("officer", "sync")
        assert synced.code == 0, synced.err
    old_key = _tier_key_then(otto, before_removal, "officer2")
    for case in (new_case, existing):
        pushed = reg.git("--git-dir", str(server), "show", f"main:cases/{case}.yaml")
        record = pushed.split("record: |\n", 1)[1]
        armored = "\n".join(line.strip() for line in record.splitlines()) + "\n"
        with pytest.raises(pyrage.DecryptError):
            pyrage.decrypt(armored.encode(), [old_key])
    assert otto.ok("officer", "show", new_case, "--json")
    assert otto.run("ig", "audit").code == 0
