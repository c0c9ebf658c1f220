"""History only moves forward, from a root of trust each clone pins: the insider's attacks
on the chain, and the signed ways forward (a revert, a root handed on, a re-root).

Real clones of a real bare server; attacks by plain git with the insider's own key, or by
whoever runs the server. Each attack ends in a refusal or an exit 6 naming the problem,
with nothing written.
"""

from __future__ import annotations

import datetime as dt
import os
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.regkit import Reg, email_of, git_env, write_key
from tests.test_sync import server_and_clones, ucbr_on_path
from tests.trust.test_attacks import approval_written_in, forge, trailers
from tests.trust.test_server import git_as, push
from ucbr.services.audit.signatures import fingerprint

pytestmark = pytest.mark.e2e


def public(reg: Reg, staff_id: str) -> str:
    """A member's public key, as the council publishes its root's."""
    return reg.keys[staff_id].with_suffix(".txt.pub").read_text().strip()


def clone_for(reg: Reg, server: Path, name: str, staff_id: str) -> Reg:
    """A clone of the server for one member of staff, pinned to the council's root."""
    reg.ok(
        staff_id, "clone", str(server), str(reg.root.parent / name), "--root", public(reg, "mgr")
    )
    return Reg(root=reg.root.parent / name, home=reg.home, keys=reg.keys, today=reg.today)


def main_of(reg: Reg, server: Path) -> str:
    return reg.git("--git-dir", str(server), "rev-parse", "main").strip()


# --- history moves forward --------------------------------------------------------------------


def test_attack_a_server_that_forks_history_below_a_verified_commit_is_refused(reg: Reg) -> None:
    """Whoever runs the server forces `main` back below a commit a clone verified, and on
    to a different history: the clone's `sync` stops (exit 6) naming both commits and the
    signed re-root that alone replaces history, its clone as it was; a plain `git pull`
    brings the fork in, and the next command stops the same way."""
    reg.today = dt.date.today().isoformat()
    server, olive, otto = server_and_clones(reg)
    with ucbr_on_path():
        otto.new_case("officer2")
        otto.ok("officer2", "sync")
        olive.ok("officer", "sync")
        verified = olive.git("rev-parse", "HEAD").strip()
        otto.git("reset", "-q", "--hard", "HEAD~1")
        otto.new_case("officer2", name="Another Person")
        assert push(otto, "officer2", "--force").returncode == 0  # a server without the hook
        forked = main_of(reg, server)
        before = olive.state()
        synced = olive.run("officer", "sync")
    assert synced.code == 6, synced.err
    assert f"history moved backwards: {forked[:7]} does not descend from {verified[:7]}" in (
        synced.err
    )
    assert "re-root signed with the council's root key" in synced.err
    assert olive.state() == before
    olive.git("pull", "-q", "--rebase")
    listed = olive.run("officer", "list")
    assert listed.code == 6 and f"does not descend from {verified[:7]}" in listed.err


def test_attack_sync_never_replays_another_officers_commit_re_signed(reg: Reg) -> None:
    """A manager's unpushed commit reaches a case officer's clone by plain git (pulled from
    the manager's clone); the server never held it. The officer's `sync` would make it
    again, signed with the officer's key: it stops (exit 6) instead, naming the commit,
    and neither the clone nor the server changes."""
    server, olive, otto = server_and_clones(reg)
    morgan = clone_for(reg, server, "morgan", "mgr")
    with ucbr_on_path():
        morgan.new_case("mgr", name="Morgan's Customer")
        managers = morgan.git("rev-parse", "--short=7", "HEAD").strip()
        olive.git("pull", "-q", "--ff-only", str(morgan.root), "main")
        assert olive.run("officer", "list").code == 0  # a sound commit, by its own author
        otto.new_case("officer2")
        otto.ok("officer2", "sync")
        on_server, before = main_of(reg, server), olive.state()
        synced = olive.run("officer", "sync")
    assert synced.code == 6 and f"{managers} is another officer's commit" in synced.err
    assert olive.state() == before and main_of(reg, server) == on_server


def test_attack_clone_without_root_off_a_terminal_is_refused(reg: Reg) -> None:
    """`ucbr clone` without `--root`, as cron or a script would run it, clones nothing;
    `--root` takes the `SHA256:` fingerprint `staff add` printed (the key is pinned), and
    a fingerprint that is not the founder's leaves nothing behind."""
    server, _, _ = server_and_clones(reg)
    target = reg.root.parent / "plain"
    refused = reg.proc("ig", "clone", str(server), str(target))
    assert refused.code == 1 and "give --root" in refused.err and not target.exists()
    reg.ok("ig", "clone", str(server), str(target), "--root", fingerprint(public(reg, "mgr")))
    assert reg.git("-C", str(target), "config", "ucbr.root").strip() == public(reg, "mgr")
    other = reg.root.parent / "other"
    wrong = reg.run(
        "ig", "clone", str(server), str(other), "--root", fingerprint(public(reg, "ig"))
    )
    assert wrong.code == 6 and "not the root of trust given" in wrong.err and not other.exists()


def _clone_on_a_terminal(reg: Reg, server: Path, target: Path, answer: str) -> tuple[int, str]:
    """`ucbr clone` without `--root` at a terminal (a pseudo-terminal), answering the
    question it asks; its exit code and everything it showed."""
    leader, follower = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ucbr", "clone", str(server), str(target)],
        stdin=follower, stdout=follower, stderr=follower,
        env={**os.environ, **reg.env("ig")}, close_fds=True,
    )  # fmt: skip
    os.close(follower)
    shown, answered = b"", False
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the command ended
            break
        shown += chunk
        if not answered and b"publishes?" in shown:
            os.write(leader, answer.encode() + b"\n")
            answered = True
    os.close(leader)
    return proc.wait(timeout=60), shown.decode(errors="replace")


def test_clone_on_a_terminal_shows_the_founders_fingerprint_and_asks(reg: Reg) -> None:
    """At a terminal, `ucbr clone` without `--root` shows the founder and their key's
    fingerprint and asks: "no" clones nothing; "yes" pins that key."""
    server, _, _ = server_and_clones(reg)
    target = reg.root.parent / "asked"
    code, shown = _clone_on_a_terminal(reg, server, target, "n")
    assert code == 1 and fingerprint(public(reg, "mgr")) in shown and "mgr's key" in shown
    assert not target.exists()
    code, shown = _clone_on_a_terminal(reg, server, target, "y")
    assert code == 0, shown
    assert reg.git("-C", str(target), "config", "ucbr.root").strip() == public(reg, "mgr")


def test_attack_a_failed_first_verification_pins_nothing(reg: Reg) -> None:
    """A plain `git clone` of a server holding a hand-made commit: the first command stops
    (exit 6), and pins neither a root of trust nor a founding commit."""
    server, olive, _ = server_and_clones(reg)
    sha = forge(olive, "officer", "tidy\n", {".ucbr/recipients/casework.txt": "# tidied\n"})
    assert push(olive, "officer").returncode == 0  # a server without the hook
    fresh = Reg(root=reg.root.parent / "fresh", home=reg.home, keys=reg.keys, today=reg.today)
    reg.git("clone", "-q", str(server), str(fresh.root))
    listed = fresh.run("officer", "list")
    assert listed.code == 6 and sha in listed.err
    for key in ("ucbr.root", "ucbr.founding"):
        env = {**os.environ, **git_env(reg.home)}
        found = subprocess.run(["git", "-C", str(fresh.root), "config", "--get", key],
                               capture_output=True, env=env)  # fmt: skip
        assert found.returncode == 1, key


# --- a forged record on the server: the way forward -------------------------------------------


def _forged_approval(clone: Reg) -> str:
    """A case officer's escalation with the decision written in as approved by the manager:
    every check that needs no key passes. Pushed by plain git; returns its whole id."""
    case, text = approval_written_in(clone)
    clone.git("reset", "-q", "--hard", "HEAD~1")
    forge(
        clone, "officer", trailers(clone, "escalate", "officer", case), {f"cases/{case}.yaml": text}
    )
    assert push(clone, "officer").returncode == 0
    return clone.git("rev-parse", "HEAD").strip()


def test_attack_a_forged_record_on_the_server_is_undone_by_a_signed_revert(reg: Reg) -> None:
    """A forged approval reaches a server that holds no key. Every casework clone's `sync`
    stops (exit 6) naming it and the way forward; a case officer may not revert it; a
    manager's `ucbr revert` undoes it in a signed commit that the hook takes, and every
    clone syncs again; the audit lists the forgery as reverted and exits 0."""
    reg.today = dt.date.today().isoformat()
    server, olive, otto = server_and_clones(reg)
    morgan = clone_for(reg, server, "morgan", "mgr")
    with ucbr_on_path():
        olive.new_case("officer")
        olive.ok("officer", "sync")
        otto.ok("officer2", "sync")
        forged = _forged_approval(otto)
        reg.ok("mgr", "server", "install-hook", str(server))  # too late for the forgery
        before = olive.state()
        stuck = olive.run("officer", "sync")
        assert stuck.code == 6 and forged[:7] in stuck.err
        assert "approved_by" in otto.run("officer2", "audit").out  # the forgery, among others
        assert f"`ucbr revert {forged[:7]}`" in stuck.err and olive.state() == before
        assert olive.run("officer", "revert", forged[:7]).code == 1
        assert olive.state() == before
        reverted = morgan.run("mgr", "revert", forged[:7], "--json")
        assert reverted.code == 0, reverted.err
        assert morgan.ok("mgr", "sync") == "synced: 0 changes pulled, 1 pushed\n"
        assert olive.run("officer", "sync").code == 0
    audited = olive.run("ig", "audit")
    assert audited.code == 0, audited.out
    revert = main_of(reg, server)
    assert f"reverted: {forged[:7]} by {revert[:7]}: " in audited.out


def test_attack_a_revert_of_honest_work_is_refused_and_reported(reg: Reg) -> None:
    """A manager who would "revert" an honest approval (to erase a restriction) is refused
    by `ucbr revert`, with nothing written; made by hand, signed, with the trailers of a
    revert, it is reported by the audit: honest work stands."""
    from tests.regkit import on_register

    case = on_register(reg)
    path = f"cases/{case}.yaml"
    approval = reg.git("log", "-1", "--format=%H", "--", path).strip()
    before = reg.state()
    refused = reg.run("mgr", "revert", approval)
    assert refused.code == 6 and "in which nothing is wrong: honest work stands" in refused.err
    assert reg.state() == before
    message = trailers(reg, "revert", "mgr", case) + f"Ucbr-Reverts: {approval}\n"
    message = message.replace(f"ucbr: revert {case}", f"ucbr: revert {approval[:7]}")
    sha = forge(reg, "mgr", message, {path: reg.git("show", f"{approval}~1:{path}")})
    audited = reg.run("ig", "audit")
    assert audited.code == 6
    assert f"{sha} {path}: it reverts {approval[:7]}, in which nothing is wrong" in audited.out


# --- the root of trust handed on --------------------------------------------------------------


def test_the_root_of_trust_is_handed_on_by_the_old_key_and_accepted_by_the_new(
    reg: Reg, tmp_path: Path
) -> None:
    """The founder's key hands the root to a new key, which signs its acceptance: the hook
    takes it, a clone that verifies it pins the new key, and a new clone given the new
    key's fingerprint verifies the whole history."""
    reg.today = dt.date.today().isoformat()
    server, olive, _ = server_and_clones(reg)
    reg.ok("mgr", "server", "install-hook", str(server))
    new_key = tmp_path / "root-2027.key"
    new_public = write_key(new_key)
    handed = reg.run("mgr", "root", "rotate", "--new-key", str(new_key))
    assert handed.code == 0 and fingerprint(new_public) in handed.out, handed.err
    env = {**os.environ, **reg.env("mgr")}
    pushed = subprocess.run(["git", "push", "-q", str(server), "main"], cwd=reg.root,
                            env=env, capture_output=True, text=True)  # fmt: skip
    assert pushed.returncode == 0, pushed.stderr
    with ucbr_on_path():
        olive.ok("officer", "sync")
    assert olive.git("config", "ucbr.root").split()[:2] == new_public.split()[:2]
    fresh = reg.root.parent / "fresh"
    reg.ok("ig", "clone", str(server), str(fresh), "--root", fingerprint(new_public))
    audited = reg.run("ig", "--register", str(fresh), "audit")
    assert audited.code == 0, audited.out


def _hand_rotation(reg: Reg, signer: str, new_key: Path, accepting_key: Path) -> str:
    """A `root-rotate` made by hand: `.ucbr/root.yaml` naming ``new_key``, its acceptance
    signed with ``accepting_key``, the commit signed with ``signer``'s own key."""
    from ucbr.services.audit.statements import NAMESPACE, Statement, acceptance
    from ucbr.storage.sshkeys import public_key_of, sign_statement

    key = public_key_of(new_key.read_text())
    assert key is not None
    head = reg.git("rev-parse", "HEAD").strip()
    accepted = sign_statement(accepting_key, NAMESPACE, acceptance(head, key))
    text = Statement(key, accepted).render()
    return forge(reg, signer, trailers(reg, "root-rotate", signer), {".ucbr/root.yaml": text})


def test_attack_a_root_handed_on_without_both_keys_is_refused(reg: Reg, tmp_path: Path) -> None:
    """A rotation whose new key did not sign its acceptance (the old root's holder naming a
    key they hold no part of), and one signed by an administrator who does not hold the
    root: the hook refuses both, naming why."""
    reg.today = dt.date.today().isoformat()
    server, olive, _ = server_and_clones(reg)
    reg.ok("mgr", "server", "install-hook", str(server))
    theirs = tmp_path / "theirs.key"
    write_key(theirs)
    sha = _hand_rotation(olive, "mgr", theirs, olive.keys["mgr"])
    pushed = push(olive, "mgr")
    assert pushed.returncode != 0 and f"{sha} .ucbr/root.yaml: the new root key did not sign" in (
        pushed.stderr
    )
    olive.git("reset", "-q", "--hard", "origin/main")
    sha = _hand_rotation(olive, "head", theirs, theirs)
    pushed = push(olive, "head")
    assert pushed.returncode != 0 and "not signed with the root key in force" in pushed.stderr
    assert olive.run("ig", "audit").code == 6


# --- re-rooting after a purge ------------------------------------------------------------------


def test_a_purged_history_is_re_rooted_and_old_clones_stop_naming_both_commits(reg: Reg) -> None:
    """A case purged from history (`git filter-branch`, which drops every signature): the
    root's `ucbr root re-root` stands for the rewritten history, a new clone verifies it
    and the audit is clean; a clone of the old history stops (exit 6), naming both
    commits and the re-root, and is cloned again."""
    reg.today = dt.date.today().isoformat()
    server, olive, _ = server_and_clones(reg)
    with ucbr_on_path():
        purged, _ = olive.new_case("officer", name="Purged Person")
        olive.new_case("officer", name="Kept Person")
        olive.ok("officer", "sync")
    old_tip = main_of(reg, server)
    purge = clone_for(reg, server, "purge", "mgr")
    subprocess.run(
        ["git", "filter-branch", "-f", "--prune-empty", "--index-filter",
         f"git rm -q --cached --ignore-unmatch cases/{purged}.yaml", "HEAD"],
        cwd=purge.root, capture_output=True, check=True,
        env={**os.environ, **git_env(reg.home), "FILTER_BRANCH_SQUELCH_WARNING": "1"},
    )  # fmt: skip
    rerooted = purge.run("mgr", "root", "re-root", "--replaces", old_tip)
    assert rerooted.code == 0, rerooted.err
    new_server = reg.root.parent / "server-new.git"
    reg.git("init", "-q", "--bare", "-b", "main", str(new_server))
    git_as(purge, "mgr", "push", "-q", str(new_server), "main")
    reg.ok("mgr", "server", "install-hook", str(new_server))
    shutil.rmtree(server)
    new_server.rename(server)  # the council's server now holds the purged history
    with ucbr_on_path():
        before = olive.state()
        synced = olive.run("officer", "sync")
    assert synced.code == 6 and "history moved backwards" in synced.err
    new_tip = main_of(reg, server)
    assert f"{new_tip[:7]} does not descend from {old_tip[:7]}" in synced.err
    assert f"re-rooted at {new_tip[:7]}" in synced.err and olive.state() == before
    again = clone_for(reg, server, "again", "officer")
    assert again.run("officer", "list").code == 0
    audited = again.run("ig", "audit")
    assert audited.code == 0, audited.out
    assert not (again.root / f"cases/{purged}.yaml").exists()
    assert email_of("mgr") not in audited.out
