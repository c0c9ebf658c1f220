"""Trust derived, not assumed: every commit judged before ucbr acts on what it wrote, and
history that only moves forward.

``verify`` judges each commit this clone has not yet verified *with the caller's keys*,
exactly as ``ucbr audit`` does (``ucbr.services.audit.judging``): trailers, paths, the
author's role and key at the parent, the signature, the dates against this machine's
clock, what it changed of who may read the register, the records it changed (as far as
the caller's key opens them), and plaintext in what it stored. What was verified is
remembered per tier (``.git/ucbr/state.json``, never tracked): a scheduler's morning job
never stands for a caseworker, whose key judges the records too. Starting from scratch,
it also checks the first administrator against the register's root of trust
(``ucbr.root`` in this clone's git config, or ``UCBR_ROOT``), and pins the founding
commit with it only once the whole history has been found sound.

History only moves forward. Two commits are remembered for each tier: the last one
verified here (``verified``, which may hold this clone's own unpushed work) and the last
of the server's history verified (``server``). The server's history (what ``sync``
fetches, and the clone's upstream branch) must descend from every tier's ``server``
commit and from the founding commit; the clone's own HEAD may differ from them only by
its author's own commits (work not yet pushed, or set aside). Anything else stops with
exit 6 naming both commits: a rewritten history is accepted only by cloning again after
the council re-roots it with the root key (docs/trust.md, re-rooting).

``check_new_commit`` judges a commit ucbr has just made; ``Session.commit`` undoes any
commit it finds a problem with, so ucbr never leaves behind a commit the audit would
report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ucbr.domain.problems import Problem
from ucbr.errors import IntegrityError
from ucbr.services import clock
from ucbr.services.audit.judging import judge as judge_commits
from ucbr.services.audit.paths import in_model
from ucbr.services.audit.plaintext import blob_problem
from ucbr.services.audit.rings import Rings
from ucbr.services.audit.root import advance, founder, founder_problems, founding, key_of, pin
from ucbr.services.audit.root import root_key as pinned_root
from ucbr.services.audit.timeline import latest_policy_date
from ucbr.storage import git, gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.localstate import read_state, update_state
from ucbr.storage.store import Register
from ucbr.storage.vault import Identity, Keyring

STATE_KEY = "trust"
REROOTING = "docs/trust.md#re-rooting"


@dataclass(frozen=True)
class Anchors:
    """What one tier has verified in this clone: its last commit, and the server's."""

    verified: str | None = None
    server: str | None = None


def tier_of(ring: Keyring) -> str:
    """The name a keyring's verifications are remembered under: its highest tier."""
    return ring.highest or "none"


def _trust_state(root: Path) -> dict[str, dict[str, str]]:
    state = read_state(root).get(STATE_KEY)
    if not isinstance(state, dict):
        return {}
    return {
        tier: {k: v for k, v in facts.items() if isinstance(v, str)}
        for tier, facts in state.items()
        if isinstance(facts, dict)
    }


def anchors(root: Path, tier: str) -> Anchors:
    """What ``tier`` has verified in this clone."""
    facts = _trust_state(root).get(tier, {})
    return Anchors(facts.get("verified"), facts.get("server"))


def servers(root: Path) -> list[str]:
    """Every tier's last verified commit of the server's history."""
    return sorted({f["server"] for f in _trust_state(root).values() if "server" in f})


def remember(root: Path, tier: str, verified: str | None = None, server: str | None = None) -> None:
    """Note what ``tier`` has verified (atomically; the file holds commit ids only)."""
    state = _trust_state(root)
    facts = state.setdefault(tier, {})
    if verified is not None:
        facts["verified"] = verified
    if server is not None:
        facts["server"] = server
    update_state(root, **{STATE_KEY: state, "verified": None})


def verified(root: Path, tier: str = "casework") -> str | None:
    """The last commit ``tier`` verified in this clone, if any."""
    return anchors(root, tier).verified


def judge(
    root: Path, commits: Sequence[Commit], rings: Rings | None, founder_key: str | None = None
) -> list[Problem]:
    """Every problem of ``commits`` (oldest first), judged on this machine's clock: each as
    the audit judges it, and the records they changed as far as ``rings`` open them."""
    if not commits:
        return []
    before = latest_policy_date(root, commits[0].parents[0] if commits[0].parents else None)
    founder_key = founder_key or pinned_root(root)
    judged = judge_commits(root, commits, rings, clock.now(), founder_key, before)
    if judged.snaps is None:  # a file too large to read: nothing else is
        return judged.problems
    return judged.problems + _stored_problems(root, commits)


def _stored_problems(root: Path, commits: Sequence[Commit]) -> list[Problem]:
    """Plaintext in what the commits stored (the audit reads every version ever stored)."""
    specs = [f"{c.sha}:{path}" for c in commits for path in c.files if in_model(path)]
    blobs = gitlog.read_blobs(root, specs)
    found = []
    for commit in commits:
        for path in commit.files:
            raw = blobs.get(f"{commit.sha}:{path}")
            message = blob_problem(path, raw) if raw is not None else None
            if message:
                found.append(Problem(path, message, severity="integrity", commit=commit.short))
    return found


def verify(reg: Register, identities: Sequence[Identity], ring: Keyring) -> str | None:
    """Judge the commits this clone has not yet verified with these keys; refuse (exit 6)
    at the first problem. Returns a notice to show, if any."""
    head = git.head(reg.root)
    if head is None:
        return None
    return verify_to(reg, identities, ring, head)


def verify_to(
    reg: Register,
    identities: Sequence[Identity],
    ring: Keyring,
    tip: str,
    server: bool = False,
) -> str | None:
    """Judge the commits up to ``tip`` that this clone has not yet verified with these
    keys; refuse at the first problem, else remember ``tip`` as verified. ``server``:
    ``tip`` is the server's (what ``sync`` fetched), which must descend from every commit
    of the server's history this clone verified."""
    root, tier = reg.root, tier_of(ring)
    mine = anchors(root, tier)
    if tip in (mine.verified, mine.server) and not server:
        return None
    if server:
        _server_forward(root, tip, "the server's history")
    else:
        _local_forward(root, tip, mine)
    founded = founding(root)
    if founded is not None and not _descends(root, founded, tip):
        raise IntegrityError(_backwards(root, founded, tip, "the register's founding commit"))
    covered = [a for a in (mine.verified, mine.server) if a and _exists(root, a)]
    if any(_descends(root, tip, a) for a in covered):
        commits: list[Commit] = []  # already verified: an ancestor of a verified commit
    else:
        commits = gitlog.log(root, rev=[tip, *(f"^{a}" for a in covered)])
    scratch = not covered
    notice = None
    if commits:
        _refuse_problems(root, commits, Rings(root, identities, ring), scratch)
        notice = pin(root, commits) if scratch else None
        if not scratch:
            advance(root, commits)
    if server:
        remember(root, tier, server=tip)
    else:
        remember(root, tier, verified=tip, server=_upstream_within(root, tip, mine.server))
    return notice


def _refuse_problems(root: Path, commits: list[Commit], rings: Rings, scratch: bool) -> None:
    """Raise at the first problem of ``commits`` (all of history when ``scratch``)."""
    founder_key = pinned_root(root)
    problems: list[Problem] = []
    if scratch:
        problems = founder_problems(root, commits, None)
        found = founder(root, commits)
        founder_key = founder_key or (key_of(found[1]) if found else None)
    problems += judge(root, commits, rings, founder_key)
    if problems:
        first = problems[0]
        raise IntegrityError(
            f"{first.line()}; this register cannot be trusted past commit {first.commit}: "
            "`ucbr audit` lists every problem (a forged record on the server is undone by "
            f"an administrator's `ucbr revert {first.commit}`)"
        )


def _server_forward(root: Path, tip: str, what: str) -> None:
    """The server's history descends from every commit of it this clone verified."""
    for anchor in servers(root):
        if not _descends(root, anchor, tip):
            raise IntegrityError(_backwards(root, anchor, tip, f"the last commit of {what}"))


def _local_forward(root: Path, tip: str, mine: Anchors) -> None:
    """HEAD moves forward from what was verified, or differs only by its author's own work;
    and the upstream branch, the server's history, moves only forward."""
    upstream = _upstream(root)
    if upstream is not None and upstream != tip:
        _server_forward(root, upstream, "the server's history")
    known = servers(root)
    base = mine.verified if mine.verified and _exists(root, mine.verified) else None
    anchors_here = [a for a in (base, *known) if a]
    if not anchors_here:
        return
    if (base is not None and _descends(root, base, tip)) or (
        known and all(_descends(root, a, tip) for a in known)
    ):
        return
    own = _author_email(root)
    new = gitlog.log(root, rev=[tip, *(f"^{a}" for a in anchors_here)])
    foreign = [c for c in new if own is None or c.author_email.lower() != own.lower()]
    if foreign:
        raise IntegrityError(_backwards(root, anchors_here[-1], tip, "what this clone verified"))


def _backwards(root: Path, anchor: str, tip: str, what: str) -> str:
    """The refusal of a history that does not descend from ``anchor``, naming both."""
    rerooted = (
        git.run(
            root,
            "log",
            "-1",
            "--format=%h",
            "-E",
            "--grep=^Ucbr-Action: re-root$",
            tip,
            check=False,
        )
        .stdout.decode()
        .strip()
    )
    head = (
        f"history moved backwards: {tip[:7]} does not descend from {anchor[:7]}, {what}"
        if not what.startswith("the register's founding")
        else f"{tip[:7]} does not descend from {anchor[:7]}, {what}: another history"
    )
    if rerooted:
        return (
            f"{head}; the new history was re-rooted at {rerooted}: once the council confirms "
            f"it, delete this clone and clone it again ({REROOTING})"
        )
    return (
        f"{head}; only a re-root signed with the council's root key replaces history "
        f"({REROOTING}): tell the IG officer"
    )


def _upstream(root: Path) -> str | None:
    proc = git.run(root, "rev-parse", "--verify", "-q", "@{u}^{commit}", check=False)
    return proc.stdout.decode().strip() or None


def _upstream_within(root: Path, tip: str, known: str | None) -> str | None:
    """The upstream branch when ``tip`` holds it (and it moved forward): verified with it."""
    upstream = _upstream(root)
    if upstream is None or upstream == known or not _descends(root, upstream, tip):
        return None
    return upstream if known is None or _descends(root, known, upstream) else None


def _author_email(root: Path) -> str | None:
    ident = git.run(root, "var", "GIT_AUTHOR_IDENT", check=False).stdout.decode()
    return ident.split("<", 1)[1].split(">", 1)[0].strip() or None if "<" in ident else None


def _exists(root: Path, sha: str) -> bool:
    return git.run(root, "cat-file", "-e", f"{sha}^{{commit}}", check=False).returncode == 0


def _descends(root: Path, older: str, newer: str) -> bool:
    """Whether ``newer`` is ``older`` or descends from it."""
    if older == newer:
        return True
    return git.run(root, "merge-base", "--is-ancestor", older, newer, check=False).returncode == 0


def check_new_commit(reg: Register, ring: Keyring, sha: str) -> list[Problem]:
    """The problems of the one commit ``sha`` (just made by ucbr), as the audit would
    report them; when the commit is sound and its parent was verified, it is verified."""
    commits = gitlog.log(reg.root, rev=sha, limit=1)
    problems = judge(reg.root, commits, Rings(reg.root, [], ring))
    parent = commits[0].parents[0] if commits[0].parents else None
    tier = tier_of(ring)
    mine = anchors(reg.root, tier)
    if not problems and (parent is None or parent in (mine.verified, mine.server)):
        remember(reg.root, tier, verified=sha)
    return problems
