"""The council's server as the gate, and stale clones: two clones and a bare server.

The hook is installed with `ucbr server install-hook`; honest work arrives by `ucbr sync`,
forgeries by plain `git push`. Commits are made on today's date: the hook refuses those
dated far from the moment it receives them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess

import pyrage
import pytest

from tests.regkit import INCIDENT_ARGS, Reg, email_of, hashed_policy, on_register, signed_commit
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
        # A commit dated ten days ago, after today's: ucbr will not make it (policy dates
        # never go back), and one made by hand is refused as dated.
        today, otto.today = otto.today, (dt.date.today() - dt.timedelta(days=10)).isoformat()
        held_back = otto.run("officer2", "add-incident", "--new", "--name", "Late", *INCIDENT_ARGS)
        assert held_back.code == 6 and "never go back along history" in held_back.err
        stored = next((otto.root / "cases").glob("*.yaml"))
        stored.write_text(stored.read_text() + "\n")
        otto.git("add", str(stored))
        signed_commit(
            otto, "officer2", message.replace(today, otto.today).replace(case, stored.stem)
        )
        late = push(otto, "officer2")
        assert late.returncode != 0 and "not the day it was received" in late.stderr
        assert "never go back along history" in late.stderr
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


def git_as(clone: Reg, staff_id: str, *args: str) -> None:
    """A plain git command as a member of staff (their name on any commit it makes)."""
    subprocess.run(
        ["git", *args], cwd=clone.root, capture_output=True, text=True,
        env={**os.environ, **clone.env(staff_id)}, check=True,
    )  # fmt: skip


def test_attack_a_second_history_merged_in_is_refused_and_reported(reg: Reg) -> None:
    """A case officer builds a register of their own in which "mgr" holds the officer's own
    key, and merges it into the real history (`git merge -s ours` keeps either tree) so the
    push fast-forwards. The server refuses it, and an audit of a clone that took it by hand
    reports the merge and the second founder: the real root of trust still stands."""
    reg.today = dt.date.today().isoformat()
    server, _olive, otto = server_and_clones(reg)
    reg.ok("mgr", "server", "install-hook", str(server))
    otto.ok("officer2", "list")  # the clone in use: its root of trust pinned
    fake = Reg(root=reg.root.parent / "fake", home=reg.home, keys=reg.keys, today=reg.today)
    as_mgr = {"GIT_AUTHOR_EMAIL": email_of("mgr"), "GIT_COMMITTER_EMAIL": email_of("mgr")}
    own_key = (reg.keys["officer2"].parent / "officer2.txt.pub").read_text().strip()
    for args in (
        ("init", str(fake.root), "--council", "Exampleshire District Council"),
        ("--register", str(fake.root), "staff", "add", "mgr", "--name", "Morgan Manager",
         "--email", email_of("mgr"), "--role", "manager", "--key", own_key),
    ):  # fmt: skip
        made = otto.proc("officer2", *args, env=as_mgr)
        assert made.code == 0, made.err
    for first in ("HEAD", "FETCH_HEAD"):  # the fake history first, then the real one
        otto.git("reset", "-q", "--hard", "origin/main")
        otto.git("fetch", "-q", str(fake.root), "HEAD")
        other = otto.git("rev-parse", "FETCH_HEAD").strip()
        if first == "FETCH_HEAD":
            git_as(otto, "officer2", "merge", "-q", "-s", "ours", "--allow-unrelated-histories",
                   "-m", "m", other)  # fmt: skip
        else:
            otto.git("checkout", "-q", "--detach", other)
            git_as(otto, "officer2", "merge", "-q", "-s", "ours", "--allow-unrelated-histories",
                   "-m", "m", "origin/main")  # fmt: skip
        merged = push(otto, "officer2", "origin", "HEAD:main")
        assert merged.returncode != 0 and "a merge commit" in merged.stderr
        assert reg.git("--git-dir", str(server), "rev-parse", "main").strip() == (
            otto.git("rev-parse", "origin/main").strip()
        )
        audit = otto.run("ig", "audit", "--json")
        assert audit.code == 6
        messages = [p["message"] for p in json.loads(audit.out)["problems"]]
        assert any("a merge commit" in m for m in messages)
        assert any("is not this register's root of trust" in m for m in messages)
        otto.git("config", "--unset", "ucbr.root")  # a clone that never pinned one
        unpinned = [
            p["message"] for p in json.loads(otto.run("ig", "audit", "--json").out)["problems"]
        ]
        assert any("founded more than once" in m for m in unpinned)
        otto.git("config", "ucbr.root", reg.git("config", "ucbr.root").strip())
        otto.git("checkout", "-q", "main")


def test_attack_sync_never_seals_to_keys_it_has_not_verified(reg: Reg) -> None:
    """On a server without the hook, a frontline officer pushes a hand commit that swaps the
    casework recipient for a key of their own. A case officer's `ucbr sync` judges the
    server's new commits before rebasing, sealing or pushing anything: it refuses (exit 6),
    their clone is as it was, and their work is not pushed."""
    server, olive, otto = server_and_clones(reg)
    thief = pyrage.x25519.Identity.generate()
    (olive.root / ".ucbr/recipients/casework.txt").write_text(f"{thief.to_public()}\n")
    git_as(olive, "front", "commit", "-qam", "tidy recipients")
    git_as(olive, "front", "push", "-q")
    with ucbr_on_path():
        case, _ = otto.new_case("officer")
        before = otto.state()
        synced = otto.run("officer", "sync")
    assert synced.code == 6, synced.err
    assert "cannot be trusted" in synced.err
    assert otto.state() == before
    shown = reg.git("--git-dir", str(server), "ls-tree", "-r", "--name-only", "main")
    assert f"cases/{case}.yaml" not in shown
