"""The server's audit key: a read-only member of staff whose key the pre-receive hook holds,
so the server judges records in full before it takes a push.

Without a key, the hook judges everything but the records: a case officer could seal a
record to a key nobody holds and push it past the server. With ``ucbr server install-hook
--audit-key FILE``, the hook opens each pushed record with the casework tier key of its
commit, as ``ucbr audit`` does with a casework key: a record that does not open with it,
or breaks any rule, is refused at the door. The key belongs to a member of staff with
the role ``auditor`` (in the casework tier, allowed no action), so the directory lists
it and every change of who holds it is audited; the hook refuses any record change it
cannot judge, so removing that member, or rotating its key before the server has the
new one, stops record changes at the server until the hook is given the new key (or
installed again without one). ``docs/trust.md`` weighs this against a CI job.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ucbr.domain.problems import Problem
from ucbr.errors import Refused
from ucbr.services.audit.commits import RECORD_DIRS
from ucbr.services.audit.rings import Rings
from ucbr.storage import git
from ucbr.storage.gitlog import Commit
from ucbr.storage.vault import Keyring, load_identity_file

IDENTITY_CONFIG = "ucbr.identity"


def identity_path(bare: Path) -> Path | None:
    """The audit key file the hook holds, if one was installed."""
    proc = git.run(bare, "config", "--get", IDENTITY_CONFIG, check=False)
    text = proc.stdout.decode().strip()
    return Path(text) if text else None


def server_rings(bare: Path) -> Rings | None:
    """The server's keys at every commit, if it holds an audit key; refused (so the push is)
    when the key file it was given cannot be read."""
    path = identity_path(bare)
    if path is None:
        return None
    return Rings(bare, load_identity_file(path), Keyring())


def unjudged(commits: Sequence[Commit], rings: Rings) -> list[Problem]:
    """A problem for each pushed change to a record the server's key cannot judge: at that
    commit, its key does not hold the casework tier."""
    blobs: dict[str, bytes | None] = {}
    found = []
    for commit in commits:
        records = [path for path in commit.files if path.startswith(RECORD_DIRS)]
        if records and "casework" not in rings.proven(blobs, commit.sha).tiers:
            found.append(
                Problem(
                    records[0],
                    "the server's audit key does not hold the casework tier at this commit, "
                    "so it cannot judge the record: give the hook the auditor's current key",
                    severity="integrity",
                    commit=commit.short,
                )
            )
    return found


def install_identity(bare: Path, identity: Path) -> None:
    """Give the hook its audit key: a key file of a member of staff who, at the server's
    ``main``, holds the casework tier."""
    path = identity.resolve()
    rings = Rings(bare, load_identity_file(path), Keyring())
    tip = git.head(bare)
    if tip is None or "casework" not in rings.proven({}, tip).tiers:
        raise Refused(
            "that key does not open the casework tier key at the server's main: add the "
            "server as a member first (`ucbr staff add SERVER --role auditor --key age1…`), "
            "push, then install the hook with its key"
        )
    git.run(bare, "config", IDENTITY_CONFIG, str(path))
