"""The council's git server as the gate: a pre-receive hook that refuses any push holding a
commit the audit would report.

``install_hook`` puts the hook into a bare repository (plain git over SSH, a self-hosted
GitLab or Gitea all run such hooks) and sets it to refuse rewritten or deleted history.
``check_push`` is the hook: for every commit the push brings, it applies the audit's
checks that need no key (trailers, the author's role and key at the parent, the
signature, the policy date, what the commit may change, links and plaintext), checks
the first administrator against the root of trust pinned in the server's git config, and
refuses commits whose date is far from the moment they are received. Without a key,
records are judged by the officers' clones (``ucbr.services.trust``) and ``ucbr audit``;
given an auditor's key, the hook judges them too (``ucbr.services.serverkey``).
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
from ucbr.services.audit.root import ROOT_CONFIG, founder, founder_problems, key_of, root_key
from ucbr.services.clock import now
from ucbr.services.serverkey import IDENTITY_CONFIG, install_identity, server_rings, unjudged
from ucbr.services.trust import judge
from ucbr.storage import git, gitlog

ZERO = "0" * 40
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
    key = given or _founder_key(bare)
    if key is None:
        raise Refused("give --root: the founding administrator's public key (ssh-ed25519 …)")
    if git.head(bare) is not None and founder_problems(bare, gitlog.log(bare), key):
        raise Refused("the repository's first administrator is not the root of trust given")
    if identity is not None:
        install_identity(bare, identity)
    else:
        git.run(bare, "config", "--unset-all", IDENTITY_CONFIG, check=False)
    git.run(bare, "config", ROOT_CONFIG, key)
    git.run(bare, "config", "receive.denyNonFastForwards", "true")
    git.run(bare, "config", "receive.denyDeletes", "true")
    hook = bare / "hooks" / "pre-receive"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(HOOK.format(python=sys.executable))
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return key


def _founder_key(bare: Path) -> str | None:
    """The first administrator's key in the repository's history, if it has one."""
    if git.head(bare) is None:
        return None
    found = founder(bare, gitlog.log(bare))
    return key_of(found[1]) if found is not None else root_key(bare)


def check_push(bare: Path, updates: Iterable[str]) -> list[Problem]:
    """The problems of a push (git's ``old new ref`` lines); empty when it may be taken."""
    problems: list[Problem] = []
    received = now()
    rings = server_rings(bare)
    for line in updates:
        _old, new, ref = line.split()
        if new == ZERO:
            problems.append(Problem(ref, "deleting a branch is refused", severity="integrity"))
            continue
        span = [new, "--not", "--all"]
        shas = git.out(bare, "rev-list", "--reverse", *span).split()
        if not shas:
            continue
        commits = [gitlog.log(bare, rev=sha, limit=1)[0] for sha in shas]
        problems.extend(judge(bare, commits, rings))
        problems.extend(unjudged(commits, rings) if rings is not None else [])
        problems.extend(_date_problems(commits, received))
        # A founding commit may arrive only with the first push, and must be the root's.
        problems.extend(founder_problems(bare, commits, None))
    return problems


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
