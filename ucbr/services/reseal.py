"""Work done in a stale clone, sealed again to the tier keys in force before it is pushed.

A clone that has not yet pulled a ``staff remove`` (or ``keys rotate``) seals new work to
the old tier keys, which the leaver still holds; and a ``staff remove`` made in a clone
while a colleague's work on the same file reached the server first is merged (by the
driver) under the keys that colleague's commit had, the old ones. After ``sync`` has
rebased the work onto the server's, every section a commit of it wrote must be sealed to
the tier keys of that very commit: one that is not is decrypted with the keys of its day
and sealed to them, commit by commit, so no file is ever pushed sealed to a retired key.
The commits keep their message, author and date, and are signed again by the officer
syncing (whose work they are).

Nothing is opened when no tier key changed between the work's base, the server's tip and
the rebased commits: the common case costs three reads of the recipients. A section of a
tier the officer cannot read (a frontline key never reads ``record``) is stale only when
its tier's public key in ``.ucbr/recipients/`` changed since the commit the work was made
on and the section is not the server's own (its ciphertext differs from the server's
copy): never merely because it is unreadable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ucbr.domain import commitment
from ucbr.domain.staff import SECTION_KEY, TIERS, Tier
from ucbr.errors import Refused
from ucbr.services import outbox
from ucbr.services.audit.rings import Rings
from ucbr.services.audit.rules import public_key
from ucbr.storage import envelope, git, gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import Register, recipients_file
from ucbr.storage.vault import Identity, Keyring, decrypt, encrypt, parse_recipient

RECORD_DIRS = ("cases/", "properties/")
Keys = dict[Tier, bytes | None]


def keys_at(root: Path, revs: list[str]) -> dict[str, Keys]:
    """Each tier's public key (the recipients file) at each of ``revs``, read at once."""
    specs = [f"{rev}:{recipients_file(tier)}" for rev in revs for tier in TIERS]
    blobs = gitlog.read_blobs(root, specs)
    return {rev: {t: blobs.get(f"{rev}:{recipients_file(t)}") for t in TIERS} for rev in revs}


@dataclass
class _Work:
    """The rebased commits, the keys each must be sealed to, and the keys to open them."""

    reg: Register
    commits: list[Commit]
    made_at: str
    rings: Rings
    keys: dict[str, Keys]  # commit -> its tier public keys
    made: Keys  # the keys at the commit the work was made on
    server: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> its sections

    @classmethod
    def of(cls, reg: Register, identities: list[Identity], commits: list[Commit],
           made_at: str, ring: Keyring) -> _Work:  # fmt: skip
        revs = [made_at, commits[0].parents[0], *(c.sha for c in commits)]
        keys = keys_at(reg.root, revs)
        made = keys.pop(made_at) if made_at not in revs[1:] else keys[made_at]
        return cls(reg, commits, made_at, Rings(reg.root, identities, ring), keys, made)

    def theirs(self, path: str) -> dict[str, str]:
        """The sections of the server's copy of a record (none when it has no such file)."""
        if path not in self.server:
            base = self.commits[0].parents[0]
            raw = gitlog.read_blobs(self.reg.root, [f"{base}:{path}"]).get(f"{base}:{path}")
            self.server[path] = dict(envelope.parse(raw.decode(), path).sections) if raw else {}
        return self.server[path]

    def unchanged(self) -> bool:
        """No tier key changed anywhere the work passed: nothing can be stale."""
        return all(keys == self.made for keys in self.keys.values())

    def stale(self, commit: Commit, text: str, path: str) -> list[str]:
        """The sections of ``text`` (written by ``commit``) not sealed to its tier keys."""
        keys, held = self.keys[commit.sha], self.rings.at({}, commit.sha)
        found = []
        for name, armored in envelope.parse(text, path).sections.items():
            tier = SECTION_KEY[name]
            if held.can_read(name):
                if decrypt(armored, held.identities_for(name)) is None:
                    found.append(name)
            elif keys[tier] != self.made[tier] and self.theirs(path).get(name) != armored:
                found.append(name)  # sealed here to a key since retired (told unopened)
        return found

    def resealed(self, commit: Commit, text: str, path: str, stale: list[str]) -> str:
        """``text`` with each stale section opened with the keys of its day and sealed to
        the tier keys of ``commit``."""
        env = envelope.parse(text, path)
        sections = dict(env.sections)
        candidates = [self.rings.at({}, rev) for rev in (self.made_at, commit.parents[0])]
        for name in stale:
            opened: Any = None
            for ring in candidates:
                if opened is None and ring.can_read(name):
                    opened = decrypt(sections[name], ring.identities_for(name))
            if opened is None:  # sealed by this officer to a tier they cannot read
                opened = outbox.find(self.reg.root, sections[name], self.rings.identities)
            if opened is None:
                raise Refused(
                    f"sync stopped, your clone is as it was: {path} was sealed to a tier key "
                    f"retired since, and your key cannot open its {name} section to seal it "
                    "again; your work stays in this clone: a casework officer holding the "
                    "retired key can sync it, or record it again in a fresh clone (`ucbr clone`)"
                )
            public = public_key(self.keys[commit.sha][SECTION_KEY[name]])
            if public is None:
                raise Refused(f"sync stopped, your clone is as it was: no {name} tier key")
            recipient = parse_recipient(public)
            sections[name] = encrypt(opened, [recipient])
        return envelope.render(replace(env, sections=sections), text)

    def paths(self, commit: Commit) -> list[str]:
        """The files to judge at ``commit``: those it wrote; and, when it changes a tier key
        (a removal or a rotation), every record, each of which it must seal anew. A record
        the server changed meanwhile is merged during the rebase into the server's version,
        still sealed to the old keys, and so drops out of the commit unnoticed otherwise."""
        if self.keys[commit.sha] == self.keys[commit.parents[0]]:
            return list(commit.files)
        listed = git.out(self.reg.root, "ls-tree", "-r", "--name-only", commit.sha, "--",
                         *RECORD_DIRS)  # fmt: skip
        return sorted({*commit.files, *listed.splitlines()})

    def texts(self, commit: Commit) -> dict[str, str | None]:
        """Each file to judge at ``commit``, as the commit has it (None: it deleted it)."""
        paths = self.paths(commit)
        blobs = gitlog.read_blobs(self.reg.root, [f"{commit.sha}:{p}" for p in paths])
        return {
            path: raw.decode() if (raw := blobs.get(f"{commit.sha}:{path}")) is not None else None
            for path in paths
        }


def _naming(message: str, path: str) -> str:
    """``message`` with a ``Ucbr-Case`` trailer naming the record at ``path``."""
    return message.rstrip("\n") + f"\nUcbr-Case: {Path(path).stem}\n"


def needs_reseal(
    reg: Register, ring: Keyring, commits: list[Commit], made_at: str, identities: list[Identity]
) -> bool:
    """Whether any record the commits wrote is not sealed to the tier keys of its commit;
    ``made_at`` is the commit the work was first made on (whose tier keys sealed it), and
    ``identities`` the officer's own keys, which open the tier keys of each commit."""
    work = _Work.of(reg, identities, commits, made_at, ring)
    if work.unchanged():
        return False
    for commit in commits:
        for path, text in work.texts(commit).items():
            if text is not None and path.startswith(RECORD_DIRS) and work.stale(commit, text, path):
                return True
    return False


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
    recommit: dict[str, str] | None = None,
) -> int:
    """Make ``commits`` again on top of their parent, each record sealed to the tier keys of
    its commit and each message as ``recommit`` gives it (``recommitted``); returns how many
    files were sealed again. HEAD must be the last of them, and ``made_at`` the commit they
    were first made on (whose tier keys sealed them)."""
    work = _Work.of(reg, identities, commits, made_at, Register(reg.root).keyring(identities))
    base = commits[0].parents[0]
    messages = {
        c.sha: (recommit or {}).get(c.sha)
        or git.out(reg.root, "log", "-1", "--format=%B", c.sha) + "\n"
        for c in commits
    }
    # Every stale section is opened before anything is touched: one that cannot be stops
    # the sync with the clone as it was.
    texts: dict[str, dict[str, str | None]] = {}
    sealed = 0
    for commit in commits:
        texts[commit.sha] = {}
        for path, text in work.texts(commit).items():
            stale = work.stale(commit, text, path) if text and path.startswith(RECORD_DIRS) else []
            if text is not None and stale:
                text = work.resealed(commit, text, path, stale)
                sealed += 1
                if path not in commit.files:  # a record the commit now seals anew: named
                    messages[commit.sha] = _naming(messages[commit.sha], path)
            elif path not in commit.files:
                continue
            texts[commit.sha][path] = text
    git.run(reg.root, "reset", "-q", "--hard", base)
    for commit in commits:
        for path, text in texts[commit.sha].items():
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
        paths = sorted({*commit.files, *texts[commit.sha]})
        git.commit(reg.root, paths, messages[commit.sha], signer, {**os.environ, **env})
    return sealed
