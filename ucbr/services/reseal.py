"""Work done in a stale clone, sealed again to the tier keys in force before it is pushed.

A clone that has not yet pulled a ``staff remove`` (or ``keys rotate``) seals new work to
the old tier keys, which the leaver still holds. After ``sync`` has rebased that work onto
the server's, every section it wrote that the current tier keys cannot open is decrypted
with the keys of its day and sealed to the current ones, commit by commit, so no file is
ever pushed sealed to a retired key. The commits keep their message, author and date, and
are signed again by the officer syncing (whose work they are).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from ucbr.domain import commitment
from ucbr.domain.staff import SECTION_KEY
from ucbr.errors import Refused
from ucbr.services.audit.rings import Rings
from ucbr.storage import envelope, git, gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import Register
from ucbr.storage.vault import Identity, Keyring, decrypt, encrypt, parse_recipient

RECORD_DIRS = ("cases/", "properties/")


def _stale_sections(text: str, path: str, ring: Keyring) -> list[str]:
    env = envelope.parse(text, path)
    stale = []
    for name, armored in env.sections.items():
        if not ring.can_read(name) or decrypt(armored, ring.identities_for(name)) is None:
            stale.append(name)
    return stale


def needs_reseal(reg: Register, ring: Keyring, commits: list[Commit]) -> bool:
    """Whether any record the commits wrote is sealed to a tier key no longer in force."""
    specs = [f"{c.sha}:{p}" for c in commits for p in c.files if p.startswith(RECORD_DIRS)]
    blobs = gitlog.read_blobs(reg.root, specs)
    return any(
        _stale_sections(raw.decode(), spec.split(":", 1)[1], ring)
        for spec, raw in blobs.items()
        if raw is not None
    )


def _resealed(text: str, path: str, rings: Rings, at: Keyring, public: dict[str, str]) -> str:
    env = envelope.parse(text, path)
    sections = dict(env.sections)
    for name in _stale_sections(text, path, rings.current):
        opened: Any = None
        for ring in (at, rings.current):
            if ring.can_read(name):
                opened = decrypt(sections[name], ring.identities_for(name))
                if opened is not None:
                    break
        if opened is None:
            raise Refused(
                f"sync stopped, your clone is as it was: {path} was sealed to a tier key "
                f"retired since, and your key cannot open its {name} section to seal it again; "
                "record that work again after `git reset --hard @{u}`"
            )
        sections[name] = encrypt(opened, [parse_recipient(public[SECTION_KEY[name]])])
    return envelope.render(replace(env, sections=sections), text)


def recommitted(reg: Register, rings: Rings, commits: list[Commit]) -> dict[str, str]:
    """New messages for the commits whose ``Ucbr-Record`` trailer no longer commits to the
    record they hold: after a rebase, the merge driver's record is not the one committed to.
    A record the caller's keys cannot open is left alone (only a casework key merges)."""
    specs = [f"{c.sha}:{p}" for c in commits for p in c.files if p.startswith(RECORD_DIRS)]
    blobs = gitlog.read_blobs(reg.root, specs)
    messages: dict[str, str] = {}
    for commit in commits:
        message = git.out(reg.root, "log", "-1", "--format=%B", commit.sha) + "\n"
        for path in commit.files:
            raw = blobs.get(f"{commit.sha}:{path}")
            file_id = Path(path).stem
            made = commitment.claimed(commit.trailer_all(commitment.TRAILER), file_id)
            if raw is None or not made:
                continue
            env = envelope.parse(raw.decode(), path)
            record = rings.open(rings.at({}, commit.sha), "record", env.sections["record"])
            value = commitment.trailer_value(file_id, record) if record is not None else None
            if value is not None and value != f"{file_id}:{made[0]}":
                old = f"{commitment.TRAILER}: {file_id}:{made[0]}\n"
                message = message.replace(old, f"{commitment.TRAILER}: {value}\n")
                messages[commit.sha] = message
    return messages


def reseal(
    reg: Register,
    identities: list[Identity],
    commits: list[Commit],
    signer: git.Signer,
    made_at: str,
    messages: dict[str, str] | None = None,
) -> int:
    """Make ``commits`` again on top of their parent, each record sealed to the tier keys in
    force and each message as ``messages`` gives it (``recommitted``); returns how many files
    were sealed again. HEAD must be the last of them, and ``made_at`` the commit they were
    first made on (whose tier keys sealed them)."""
    fresh = Register(reg.root)  # the tier keys as they are now, after the pull
    current = fresh.keyring(identities)
    public: dict[str, str] = {tier: key for tier, key in fresh.public_tiers().items()}
    rings = Rings(reg.root, identities, current)
    base = commits[0].parents[0]
    texts = {
        c.sha: (messages or {}).get(c.sha)
        or git.out(reg.root, "log", "-1", "--format=%B", c.sha) + "\n"
        for c in commits
    }
    git.run(reg.root, "reset", "-q", "--hard", base)
    sealed = 0
    at = rings.at({}, made_at)
    for commit in commits:
        blobs = gitlog.read_blobs(reg.root, [f"{commit.sha}:{p}" for p in commit.files])
        for path in commit.files:
            raw = blobs.get(f"{commit.sha}:{path}")
            target = Path(reg.root) / path
            if raw is None:
                target.unlink(missing_ok=True)
                continue
            text = raw.decode()
            if path.startswith(RECORD_DIRS) and _stale_sections(text, path, current):
                text = _resealed(text, path, rings, at, public)
                sealed += 1
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        env = {
            "GIT_AUTHOR_NAME": commit.author_name,
            "GIT_AUTHOR_EMAIL": commit.author_email,
            "GIT_AUTHOR_DATE": commit.date.isoformat(),
        }
        git.commit(reg.root, commit.files, texts[commit.sha], signer, {**os.environ, **env})
    return sealed
