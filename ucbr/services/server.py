"""The council's git server as the gate: a pre-receive hook that refuses any push holding a
commit the audit would report, or anything outside the register's model.

``install_hook`` puts the hook into a bare repository (plain git over SSH, a self-hosted
GitLab or Gitea all run such hooks) and sets it to refuse rewritten or deleted history.
``check_push`` is the hook. It takes only ``main``, only pointing at a commit that
descends from what ``main`` held and from the founding commit pinned in the server's git
config; and for every commit the push brings it applies every check of the audit that
needs no key (``ucbr.services.audit.judging``): file sizes from git's object headers
before anything is read, paths, trailers, the author's role and key at the parent, the
signature, statements of the root, dates against the moment of receipt and along
history, what the commit may change, links and plaintext. Without a key, records are
judged by the officers' clones (``ucbr.services.trust``) and ``ucbr audit``; given an
auditor's key, the hook judges them too (``ucbr.services.serverkey``).
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from ucbr.domain.problems import Problem
from ucbr.errors import Refused
from ucbr.services import clock
from ucbr.services.audit.paths import size_problems
from ucbr.services.audit.root import (
    founder,
    founder_problems,
    founding,
    key_of,
    pin_root,
    root_chain,
    root_key,
)
from ucbr.services.serverkey import IDENTITY_CONFIG, install_identity, server_rings, unjudged
from ucbr.services.trust import judge
from ucbr.storage import git, gitlog

ZERO = "0" * 40
MAIN = "refs/heads/main"
# A pushed commit made more than this far from the moment it arrives is refused: its date
# (and so the policy date it must agree with) is not to be trusted.
RECEIVE_TOLERANCE = dt.timedelta(days=1)
HOOK = """#!/bin/sh
# Installed by `ucbr server install-hook`: refuses any push the ucbr audit would report.
exec {python} -m ucbr server check-push
"""


def install_hook(bare: Path, given: str | None, identity: Path | None = None) -> str:
    """Install the pre-receive hook into the bare repository ``bare``; returns the root of
    trust it will hold pushes to (given, or the first administrator already in it). With
    ``identity``, the audit key of an auditor, the hook judges records in full; without
    one, it judges everything but records (``ucbr.services.serverkey``)."""
    bare = bare.resolve()
    if git.run(bare, "rev-parse", "--is-bare-repository", check=False).stdout.strip() != b"true":
        raise Refused(f"{bare} is not a bare git repository (the council's server copy)")
    commits = gitlog.log(bare) if git.head(bare) is not None else []
    key = given or _founder_key(bare)
    if key is None:
        raise Refused("give --root: the founding administrator's public key (ssh-ed25519 …)")
    if commits and founder_problems(bare, commits, key):
        raise Refused("the repository's first administrator is not the root of trust given")
    if identity is not None:
        install_identity(bare, identity)
    else:
        git.run(bare, "config", "--unset-all", IDENTITY_CONFIG, check=False)
    found = founder(bare, commits)
    chain = root_chain(bare, commits)
    pin_root(bare, chain[-1] if chain else key, found[0].sha if found is not None else None)
    git.run(bare, "config", "receive.denyNonFastForwards", "true")
    git.run(bare, "config", "receive.denyDeletes", "true")
    hook = bare / "hooks" / "pre-receive"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(HOOK.format(python=sys.executable))
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return chain[-1] if chain else key


def _founder_key(bare: Path) -> str | None:
    """The first administrator's key in the repository's history, if it has one."""
    if git.head(bare) is None:
        return None
    found = founder(bare, gitlog.log(bare))
    return key_of(found[1]) if found is not None else root_key(bare)


def check_push(bare: Path, updates: Iterable[str]) -> list[Problem]:
    """The problems of a push (git's ``old new ref`` lines); empty when it may be taken."""
    problems: list[Problem] = []
    received = clock.now()
    rings = server_rings(bare)
    for line in updates:
        parts = line.split()
        if len(parts) != 3:
            problems.append(Problem("-", "a ref update the hook cannot read", severity="integrity"))
            continue
        old, new, ref = parts
        refused = _ref_problem(bare, old, new, ref)
        if refused is not None:
            problems.append(Problem(ref, refused, severity="integrity"))
            continue
        commits = gitlog.log(bare, rev=[new, "--not", "--all"])
        oversized = size_problems(bare, commits)
        if oversized:  # refused from git's object headers: nothing of it is read
            problems.extend(oversized)
            continue
        problems.extend(judge(bare, commits, rings))
        problems.extend(unjudged(commits, rings) if rings is not None else [])
        problems.extend(_date_problems(commits, received))
        # A founding commit may arrive only with the first push, and must be the root's.
        problems.extend(founder_problems(bare, commits, None))
    return problems


def _ref_problem(bare: Path, old: str, new: str, ref: str) -> str | None:
    """Why an update of ``ref`` from ``old`` to ``new`` is refused outright, if it is: a
    register is one branch, ``main``, of commits, whose history only moves forward."""
    if ref != MAIN:
        return f"only {MAIN} is pushed to a register: no other branch, tag or ref"
    if new == ZERO:
        return "deleting a branch is refused"
    kind = git.run(bare, "cat-file", "-t", new, check=False).stdout.decode().strip()
    if kind != "commit":
        return f"{MAIN} must point at a commit, not a {kind or 'missing object'}"
    if old != ZERO and not _descends(bare, old, new):
        return f"{new[:7]} does not descend from {old[:7]}: history is never rewritten"
    founded = founding(bare)
    if founded is not None and not _descends(bare, founded, new):
        return f"{new[:7]} does not descend from the register's founding commit {founded[:7]}"
    return None


def _descends(bare: Path, older: str, newer: str) -> bool:
    proc = git.run(bare, "merge-base", "--is-ancestor", older, newer, check=False)
    return older == newer or proc.returncode == 0


def _date_problems(commits: list[gitlog.Commit], received: dt.datetime) -> list[Problem]:
    found = []
    for commit in commits:
        made = commit.committed or commit.date
        if abs(received - made) > RECEIVE_TOLERANCE:
            found.append(
                Problem(
                    commit.files[0] if commit.files else "-",
                    f"it is dated {made.date()}, not the day it was received ({received.date()})",
                    severity="integrity",
                    commit=commit.short,
                )
            )
    return found


def hook_root() -> Path:
    """The bare repository a hook runs in (git gives it as the working directory)."""
    return Path(os.environ.get("GIT_DIR") or ".").resolve()
