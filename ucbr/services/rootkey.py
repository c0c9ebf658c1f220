"""Statements of the root of trust, made: ``ucbr root rotate`` and ``ucbr root re-root``.

Both are one commit that changes only ``.ucbr/root.yaml``, authored by an administrator
and signed with the root key in force (the identity file given with ``--root-key``; the
caller's own key when they hold the root). ``rotate`` hands the root to a new key, whose
private half signs its acceptance (``--new-key``): the register's published root is then
the new key's fingerprint, and every clone that verifies the commit pins it. ``re-root``
follows a purge of history: it names the last commit of the history it replaces, and
from it on the root stands for every commit below, whose signatures the purge dropped.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ucbr.domain.permissions import ADMINISTRATORS, Action, refusal
from ucbr.errors import Refused
from ucbr.services.audit.paths import ROOT_FILE
from ucbr.services.audit.root import FOUNDING_CONFIG, founder, key_of, matches, root_key
from ucbr.services.audit.snapshots import Snapshots
from ucbr.services.audit.statements import NAMESPACE, Statement, acceptance, statement_at
from ucbr.services.session import Session
from ucbr.storage import git, gitlog
from ucbr.storage.localstate import update_state
from ucbr.storage.sshkeys import public_key_of, sign_statement


def root_in_force(session: Session) -> str:
    """The root key in force at HEAD: the last statement's, else the founder's."""
    root = session.reg.root
    head = git.head(root)
    stated = statement_at(Snapshots(root, [head] if head else []), head)
    if stated is not None:
        return stated.key
    found = founder(root, gitlog.log(root))
    if found is None:
        raise Refused("this register has no staff yet, so no root of trust")
    pinned = root_key(root)
    if pinned is not None and not matches(pinned, key_of(found[1])):
        raise Refused("this clone's pinned root of trust is not the founder's key")
    return key_of(found[1])


def _root_signer(session: Session, root_identity: Path | None, current: str) -> git.Signer:
    """The signer of a statement: the identity file that holds the root key in force."""
    path = root_identity or session.signer.key_file
    text = path.read_text(errors="replace") if path is not None and path.is_file() else ""
    public = public_key_of(text)
    if path is None or public is None or not matches(current, public):
        raise Refused(
            "a statement of the root is signed with the root key in force: give its identity "
            "file with --root-key"
        )
    return git.Signer(key_file=path.resolve())


def _check_actor(session: Session, action: Action) -> None:
    if session.actor.role not in ADMINISTRATORS:
        raise Refused(refusal(session.actor.role, action))


def rotate(session: Session, new_identity: Path, root_identity: Path | None) -> str:
    """Hand the root of trust to the key in ``new_identity``; returns the new key."""
    _check_actor(session, "root-rotate")
    current = root_in_force(session)
    text = new_identity.read_text(errors="replace") if new_identity.is_file() else ""
    new_key = public_key_of(text)
    if new_key is None:
        raise Refused(f"{new_identity} is not an ssh-ed25519 identity file (ucbr keys new)")
    if matches(current, new_key):
        raise Refused("that key is already the root of trust")
    signer = _root_signer(session, root_identity, current)
    head = git.head(session.reg.root) or ""
    accepted = sign_statement(new_identity, NAMESPACE, acceptance(head, new_key))
    previous = statement_at(Snapshots(session.reg.root, [head]), head)
    statement = Statement(new_key, accepted, previous.rerooted if previous else ())
    message = session.message("root-rotate", "")
    session.reg.commit_files(
        {ROOT_FILE: statement.render()}, message, signer,
        lambda sha: session.check(session.reg, session.ring, sha),
    )  # fmt: skip
    return new_key


def reroot(session: Session, replaces: str, root_identity: Path | None, today: dt.date) -> str:
    """Record that this history replaces the one whose last commit was ``replaces``."""
    _check_actor(session, "re-root")
    if len(replaces) != 40 or not all(c in "0123456789abcdef" for c in replaces):
        raise Refused(
            "--replaces takes the whole id (40 hex digits) of the old history's last commit"
        )
    current = root_in_force(session)
    signer = _root_signer(session, root_identity, current)
    head = git.head(session.reg.root) or ""
    previous = statement_at(Snapshots(session.reg.root, [head]), head)
    earlier = previous.rerooted if previous else ()
    key = " ".join(current.split()[:2])  # the key alone, without its comment
    statement = Statement(
        key, previous.accepted if previous else None, (*earlier, (replaces, today.isoformat()))
    )
    message = session.message("re-root", "")
    made = session.reg.commit_files(
        {ROOT_FILE: statement.render()}, message, signer,
        lambda sha: session.check(session.reg, session.ring, sha),
    )  # fmt: skip
    # This clone now holds the new history: what it verified of the old one no longer
    # applies, and its next command verifies the new one from its first commit.
    update_state(session.reg.root, trust=None, verified=None)
    git.run(session.reg.root, "config", "--unset", FOUNDING_CONFIG, check=False)
    return made
