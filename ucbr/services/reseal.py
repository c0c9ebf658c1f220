"""Work done in a stale clone, sealed again to the tier keys in force before it is pushed.

A clone that has not yet pulled a ``staff remove`` (or ``keys rotate``) seals new work to
the old tier keys, which the leaver still holds. After ``sync`` has rebased that work onto
the server's, every section it wrote to a tier whose key has changed since is decrypted
with the keys of its day and sealed to the current ones, commit by commit, so no file is
ever pushed sealed to a retired key. The commits keep their message, author and date, and
are signed again by the officer syncing (whose work they are).

Stale is told without opening anything: a section is stale when the public key of its
tier in ``.ucbr/recipients/`` at the commit the work was made on is not the one in force,
and the section is not the server's own (its ciphertext differs from the server's copy).
A section the officer's key cannot read (a frontline key never reads ``record``) is
stale only then, not because it is unreadable.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from ucbr.domain.staff import SECTION_KEY, TIERS, Tier
from ucbr.errors import Refused
from ucbr.services.audit.rings import Rings
from ucbr.storage import envelope, git, gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import Register, recipients_file
from ucbr.storage.vault import Identity, Keyring, decrypt, encrypt, parse_recipient

RECORD_DIRS = ("cases/", "properties/")


def _public_keys(root: Path, rev: str) -> dict[Tier, bytes | None]:
    specs = {tier: f"{rev}:{recipients_file(tier)}" for tier in TIERS}
    blobs = gitlog.read_blobs(root, specs.values())
    return {tier: blobs.get(spec) for tier, spec in specs.items()}


def retired_tiers(root: Path, made_at: str, now: str = "HEAD") -> frozenset[Tier]:
    """The tiers whose public key at ``made_at`` (where the work was made) is not the one at
    ``now``: work sealed to them then is sealed to a key retired since."""
    then, current = _public_keys(root, made_at), _public_keys(root, now)
    return frozenset(tier for tier in TIERS if then[tier] != current[tier])


def _theirs(text: str | None, path: str) -> dict[str, str]:
    """The sections of the server's copy of a file (none when it has no such file)."""
    return dict(envelope.parse(text, path).sections) if text is not None else {}


def _stale_sections(
    text: str, path: str, ring: Keyring, retired: frozenset[Tier], theirs: dict[str, str]
) -> list[str]:
    """The sections of ``text`` sealed by this clone to a tier key retired since."""
    if not retired:
        return []
    stale = []
    for name, armored in envelope.parse(text, path).sections.items():
        if SECTION_KEY[name] not in retired or theirs.get(name) == armored:
            continue  # its tier key is unchanged, or the section is the server's own
        if ring.can_read(name) and decrypt(armored, ring.identities_for(name)) is not None:
            continue  # already sealed to the key in force (merged on the server's side)
        stale.append(name)
    return stale


def _server_copies(reg: Register, commits: list[Commit]) -> dict[str, str | None]:
    """Each record file the commits wrote, as the server has it (the base they sit on)."""
    base = commits[0].parents[0]
    paths = sorted({p for c in commits for p in c.files if p.startswith(RECORD_DIRS)})
    blobs = gitlog.read_blobs(reg.root, [f"{base}:{p}" for p in paths])
    return {
        p: (raw.decode() if (raw := blobs.get(f"{base}:{p}")) is not None else None) for p in paths
    }


def needs_reseal(reg: Register, ring: Keyring, commits: list[Commit], made_at: str) -> bool:
    """Whether any record the commits wrote is sealed to a tier key no longer in force;
    ``made_at`` is the commit the work was first made on (whose tier keys sealed it)."""
    retired = retired_tiers(reg.root, made_at)
    if not retired:
        return False
    server = _server_copies(reg, commits)
    specs = [f"{c.sha}:{p}" for c in commits for p in c.files if p.startswith(RECORD_DIRS)]
    blobs = gitlog.read_blobs(reg.root, specs)
    for spec, raw in blobs.items():
        path = spec.split(":", 1)[1]
        if raw is not None and _stale_sections(
            raw.decode(), path, ring, retired, _theirs(server[path], path)
        ):
            return True
    return False


def _resealed(text: str, path: str, stale: list[str], at: Keyring, public: dict[str, str]) -> str:
    env = envelope.parse(text, path)
    sections = dict(env.sections)
    for name in stale:
        opened: Any = None
        if at.can_read(name):
            opened = decrypt(sections[name], at.identities_for(name))
        if opened is None:
            raise Refused(
                f"sync stopped, your clone is as it was: {path} was sealed to a tier key "
                f"retired since, and your key cannot open its {name} section to seal it "
                "again; your work stays in this clone: a casework officer holding the "
                "retired key can sync it, or record it again in a fresh clone (`ucbr clone`)"
            )
        sections[name] = encrypt(opened, [parse_recipient(public[SECTION_KEY[name]])])
    return envelope.render(replace(env, sections=sections), text)


def reseal(
    reg: Register,
    identities: list[Identity],
    commits: list[Commit],
    signer: git.Signer,
    made_at: str,
) -> int:
    """Make ``commits`` again on top of their parent, each record sealed to the tier keys in
    force; returns how many files were sealed again. HEAD must be the last of them, and
    ``made_at`` the commit they were first made on (whose tier keys sealed them)."""
    fresh = Register(reg.root)  # the tier keys as they are now, after the pull
    current = fresh.keyring(identities)
    public: dict[str, str] = {tier: key for tier, key in fresh.public_tiers().items()}
    retired = retired_tiers(reg.root, made_at)
    server = _server_copies(reg, commits)
    at = Rings(reg.root, identities, current).at({}, made_at)
    base = commits[0].parents[0]
    messages = {c.sha: git.out(reg.root, "log", "-1", "--format=%B", c.sha) + "\n" for c in commits}
    # Every stale section is opened before anything is touched: one that cannot be stops
    # the sync with the clone as it was.
    texts: dict[tuple[str, str], str | None] = {}
    sealed = 0
    for commit in commits:
        blobs = gitlog.read_blobs(reg.root, [f"{commit.sha}:{p}" for p in commit.files])
        for path in commit.files:
            raw = blobs.get(f"{commit.sha}:{path}")
            text = raw.decode() if raw is not None else None
            if text is not None and path.startswith(RECORD_DIRS):
                stale = _stale_sections(text, path, current, retired, _theirs(server[path], path))
                if stale:
                    text = _resealed(text, path, stale, at, public)
                    sealed += 1
            texts[(commit.sha, path)] = text
    git.run(reg.root, "reset", "-q", "--hard", base)
    for commit in commits:
        for path in commit.files:
            text = texts[(commit.sha, path)]
            target = Path(reg.root) / path
            if text is None:
                target.unlink(missing_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        env = {
            "GIT_AUTHOR_NAME": commit.author_name,
            "GIT_AUTHOR_EMAIL": commit.author_email,
            "GIT_AUTHOR_DATE": commit.date.isoformat(),
        }
        git.commit(reg.root, commit.files, messages[commit.sha], signer, {**os.environ, **env})
    return sealed
