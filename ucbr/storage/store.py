"""A register on disk: its settings, staff and files, and the one way to change them:
``Register.commit_files`` writes, stages and commits, or puts everything back as it was.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from ucbr.domain.ids import is_id, parse_file_id
from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.problems import Problem
from ucbr.domain.sections import CaseEntry, PropertyEntry, Schedule
from ucbr.domain.settings import PolicyConfig, policy_hash
from ucbr.domain.staff import SECTIONS, TIERS, StaffDirectory, StaffMember, Tier
from ucbr.errors import AccessDenied, IntegrityError, Refused
from ucbr.storage import envelope, git, gitlog, journal
from ucbr.storage.files import (
    encode,
    read_or_none,
    read_register_file,
    register_text,
    validate,
    write_file,
)
from ucbr.storage.nearest import with_nearest
from ucbr.storage.vault import Keyring, encrypt, section_recipients, unlock
from ucbr.storage.yamlio import load_strict

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", Case, PropertyRisk)

POLICY_FILE = ".ucbr/policy.yaml"
POLICY_HEADER = (
    "# The numbers the council's policy leaves to it.\n"
    "# Every decision and letter records this file's hash.\n"
)
TEMPLATES_DIR = ".ucbr/templates"
# A council's letter template: formal-warning.html.j2, or a part such as _layout.md.j2.
TEMPLATE_NAME = re.compile(r"^_?[a-z][a-z-]*\.(md|html)\.j2$")
STAFF_FILE = ".ucbr/staff.yaml"


def recipients_file(tier: Tier) -> str:
    """Where a tier's public key lives."""
    return f".ucbr/recipients/{tier}.txt"


def tier_key_file(tier: Tier) -> str:
    """Where a tier's secret key lives, wrapped to the staff who hold it."""
    return f".ucbr/tiers/{tier}.age"


@dataclass(frozen=True)
class Loaded:
    """One file as read: its envelope text, and the plaintext of each section we could open."""

    id: str
    text: str
    env: envelope.Envelope
    plain: dict[str, bytes]


class Register:
    """A register on disk: its settings, staff, tier keys and files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.recovered: str | None = None  # what opening it did about an interrupted change
        self.made: list[str] = []  # the commits this process made, oldest first
        self._writing = 0  # how deep this process is inside ``locked``

    @classmethod
    def open(cls, root: Path) -> Register:
        """The register at ``root``; refused when it is not one."""
        root = root.resolve()
        if not (root / POLICY_FILE).is_file():
            raise Refused(f"not a ucbr register (no {POLICY_FILE}): {root}")
        reg = cls(root)
        reg.recovered = journal.recover(root)
        return reg

    # --- settings and staff -----------------------------------------------------
    # Read from the last commit, never the working tree: the commit is what the audit and
    # ``ucbr.services.trust`` verify, and a file edited in place cannot change who ucbr
    # seals to, wraps keys for, or takes for staff.

    @cached_property
    def _committed(self) -> dict[str, bytes | None]:
        paths = [POLICY_FILE, STAFF_FILE]
        paths += [f(tier) for tier in TIERS for f in (recipients_file, tier_key_file)]
        if git.head(self.root) is None:
            return {path: read_or_none(self.root / path) for path in paths}
        blobs = gitlog.read_blobs(self.root, [f"HEAD:{path}" for path in paths])
        return {path: blobs[f"HEAD:{path}"] for path in paths}

    def committed(self, path: str) -> bytes | None:
        """A settings file as the last commit has it; None where it has none."""
        return self._committed[path]

    @cached_property
    def policy_raw(self) -> bytes:
        """The bytes of ``.ucbr/policy.yaml``."""
        raw = self.committed(POLICY_FILE)
        if raw is None:
            raise IntegrityError(f"{POLICY_FILE} is not committed")
        return raw

    @cached_property
    def cfg(self) -> PolicyConfig:
        """The council's settings."""
        return validate(PolicyConfig, load_strict(self.policy_raw, POLICY_FILE), POLICY_FILE)

    @cached_property
    def policy_hash(self) -> str:
        """The hash every decision and commit carries."""
        return policy_hash(self.policy_raw)

    @cached_property
    def staff(self) -> StaffDirectory:
        """The staff directory."""
        raw = self.committed(STAFF_FILE)
        data = load_strict(raw, STAFF_FILE) if raw is not None else None
        return validate(StaffDirectory, data or {"staff": []}, STAFF_FILE)

    def public_tier(self, tier: Tier) -> str | None:
        """A tier's public key, or None before the first member of staff."""
        raw = self.committed(recipients_file(tier))
        if raw is None:
            return None
        lines = [ln.strip() for ln in raw.decode(errors="replace").splitlines()]
        keys = [ln for ln in lines if ln and not ln.startswith("#")]
        return keys[0] if keys else None

    def public_tiers(self) -> dict[Tier, str]:
        """Every tier's public key; refused before the first member of staff."""
        found = {t: self.public_tier(t) for t in TIERS}
        missing = [t for t, key in found.items() if key is None]
        if missing:
            raise Refused(
                "this register has no staff yet: add the first member with `ucbr staff add`"
            )
        return {t: key for t, key in found.items() if key is not None}

    def wrapped_tiers(self) -> dict[Tier, str]:
        """The armored tier keys, wrapped to their holders."""
        found: dict[Tier, str] = {}
        for tier in TIERS:
            raw = self.committed(tier_key_file(tier))
            if raw is not None:
                found[tier] = raw.decode(errors="replace")
        return found

    def uncommitted_settings(self) -> list[str]:
        """Settings files whose working copy differs from the commit (ucbr ignores them)."""
        return [
            path
            for path, committed in self._committed.items()
            if committed is not None and read_or_none(self.root / path) != committed
        ]

    def keyring(self, identities: list[Any]) -> Keyring:
        """The tier keys ``identities`` open."""
        return unlock(self.wrapped_tiers(), identities)

    def actor(self) -> StaffMember:
        """The acting officer: the git author, looked up in the staff directory."""
        email = git.author_email(self.root)
        member = self.staff.by_email(email)
        if member is None:
            raise Refused(git.unknown_author(self.root, email))
        return member

    def committed_templates(self, rev: str = "HEAD") -> dict[str, str]:
        """The council's letter templates as committed at HEAD (or ``rev``): name -> source.

        Read from git, not the working tree: an uncommitted edit is not used, and a link
        (say, to a private key) is refused rather than followed.
        """
        listed = git.run(self.root, "ls-tree", "-z", rev, "--", f"{TEMPLATES_DIR}/").stdout
        entries = [item.decode(errors="replace") for item in listed.split(b"\0") if item]
        blobs: dict[str, str] = {}
        for entry in entries:
            info, path = entry.split("\t", 1)
            mode, kind, sha = info.split()
            name = path.removeprefix(f"{TEMPLATES_DIR}/")
            if kind != "blob" or mode not in ("100644", "100755") or "/" in name:
                raise IntegrityError(f"{path}: is not a plain file; templates must be files")
            blobs[name] = sha
        contents = gitlog.read_blobs(self.root, blobs.values())
        try:
            return {name: (contents[sha] or b"").decode() for name, sha in blobs.items()}
        except UnicodeDecodeError:
            raise IntegrityError(f"{TEMPLATES_DIR}: a template is not UTF-8 text") from None

    # --- files ------------------------------------------------------------------

    def path_of(self, file_id: str) -> Path:
        """The path of the file with this id."""
        return self.root / envelope.relpath(parse_file_id(file_id))

    def exists(self, file_id: str) -> bool:
        """Whether a file with this id exists."""
        return self.path_of(file_id).exists()

    def ids(self, kind: str | None = None) -> list[str]:
        """The ids of every case and property file (or those of one kind), sorted."""
        found: list[str] = []
        for folder in _folders(kind):
            base = self.root / folder
            if not base.is_dir():
                continue
            # scandir, not glob: the same names, a tenth of the time on 10,000 files.
            with os.scandir(base) as entries:
                stems = [e.name[:-5] for e in entries if e.name.endswith(".yaml")]
            found.extend(sorted(stem for stem in stems if is_id(stem, _PREFIX[folder])))
        return found

    def strays(self) -> list[str]:
        """Anything in ``cases/`` or ``properties/`` that is not a register file: reported,
        never read, so one stray file cannot stop a command for everyone."""
        found: list[str] = []
        for folder in _folders(None):
            base = self.root / folder
            if not base.is_dir():
                continue
            # scandir: the file type comes with the name, without a stat of each file.
            with os.scandir(base) as entries:
                for entry in entries:
                    name = entry.name
                    named_right = name.endswith(".yaml") and is_id(name[:-5], _PREFIX[folder])
                    if not named_right or not entry.is_file(follow_symlinks=False):
                        found.append(f"{folder}/{name}")
        return sorted(found)

    def read_text(self, file_id: str) -> str:
        """A file's text; ``NotFound`` when there is no such file (naming the ids nearest
        the one typed), ``IntegrityError`` when it is a link or not UTF-8 text."""
        typed = file_id
        try:
            file_id = parse_file_id(file_id)
            where = envelope.relpath(file_id)
            raw = read_register_file(self.path_of(file_id), where, file_id)
        except Refused as exc:
            raise with_nearest(exc, typed, self.ids) from None
        return register_text(raw, where)

    def load(self, file_id: str, ring: Keyring, sections: tuple[str, ...] = SECTIONS) -> Loaded:
        """A file's envelope, and the plaintext of each section ``ring`` opens."""
        text = self.read_text(file_id)  # first: a typo is answered with the nearest ids
        file_id = parse_file_id(file_id)
        where = envelope.relpath(file_id)
        env = envelope.parse(text, where)
        if env.id != file_id:
            raise IntegrityError(f"{where}: the id inside the file is not its name")
        plain = {s: ring.open(s, env.sections[s]) for s in sections if ring.can_read(s)}
        return Loaded(file_id, text, env, plain)

    def section(self, loaded: Loaded, name: str, model: type[M]) -> M:
        """One opened section, validated, and checked to be this file's."""
        if name not in loaded.plain:
            raise AccessDenied(f"your key cannot read the {name} section of {loaded.id}")
        where = f"{envelope.relpath(loaded.id)} ({name})"
        section = validate(model, load_strict(loaded.plain[name], where), where)
        if getattr(section, "id", loaded.id) != loaded.id:
            raise IntegrityError(f"{where}: the section belongs to another file")
        return section

    def load_record(self, file_id: str, ring: Keyring, model: type[R]) -> tuple[Loaded, R]:
        """A file and its record, of the kind ``model`` names; needs a casework key."""
        kind = "case" if model is Case else "property"
        if not file_id.upper().startswith(kind[0].upper() + "-"):
            given = parse_file_id(file_id)
            where = (
                "a property's commands are under `ucbr property` (see `ucbr property --help`)"
                if kind == "case"
                else "it is a case: `ucbr -h` lists the commands that take one"
            )
            raise Refused(f"{given} is not a {kind} id; {where}")
        loaded = self.load(file_id, ring)
        if "record" not in loaded.plain:
            raise AccessDenied(
                f"your key cannot read the record of {loaded.id}; a casework key is needed"
            )
        return loaded, self.section(loaded, "record", model)

    def load_case(self, file_id: str, ring: Keyring) -> tuple[Loaded, Case]:
        """A case file and its record; needs a casework key."""
        return self.load_record(file_id, ring, Case)

    def load_property(self, file_id: str, ring: Keyring) -> tuple[Loaded, PropertyRisk]:
        """A property file and its record; needs a casework key."""
        return self.load_record(file_id, ring, PropertyRisk)

    # --- writing ----------------------------------------------------------------

    def render(
        self, file_id: str, sections: Mapping[str, BaseModel], previous: Loaded | None
    ) -> str:
        """Encrypt each section that changed; keep the old ciphertext of the rest."""
        public = self.public_tiers()
        armored: dict[str, str] = {}
        for name in SECTIONS:
            plain = encode(sections[name])
            if previous is not None and previous.plain.get(name) == plain:
                armored[name] = previous.env.sections[name]
            else:
                armored[name] = encrypt(plain, section_recipients(name, public))
        env = envelope.Envelope(envelope.kind_of(file_id), file_id, armored)
        return envelope.render(env, previous.text if previous else None)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One ucbr writer at a time in a clone. Re-entrant: a command holds it from reading
        a record to committing it, and ``commit_files`` holds it whoever calls."""
        if self._writing:
            self._writing += 1
            try:
                yield
            finally:
                self._writing -= 1
            return
        with journal.writer_lock(self.root):
            self._writing = 1
            try:
                yield
            finally:
                self._writing = 0

    def commit_files(
        self,
        files: Mapping[str, str | bytes | None],
        message: git.CommitMessage,
        signer: git.Signer = git.UNSIGNED,
        check: Callable[[str], list[Problem]] | None = None,
    ) -> str:
        """Write ``files`` (None deletes) and commit them, or leave everything as it was.

        ``check`` judges the new commit as the audit would; a commit it finds a problem
        with is undone and the first problem raised. A crash part-way leaves a marker that
        the next command acts on (``ucbr.storage.journal``).
        """
        with self.locked():
            return self._commit_files(files, message, signer, check)

    def _commit_files(
        self,
        files: Mapping[str, str | bytes | None],
        message: git.CommitMessage,
        signer: git.Signer,
        check: Callable[[str], list[Problem]] | None,
    ) -> str:
        paths = sorted(files)
        dirty = git.dirty_paths(self.root, paths)
        if dirty:
            raise Refused(f"{dirty[0]} has changes not made by ucbr; commit or discard them first")
        backups = {p: read_or_none(self.root / p) for p in paths}
        head_before = git.head(self.root)
        with journal.pending(self.root, paths, head_before, message.action):
            try:
                for rel, content in files.items():
                    write_file(self.root / rel, content)
                sha = git.commit(self.root, paths, message.text(), signer)
                problems = check(sha) if check is not None else []
                if problems:
                    raise IntegrityError(f"the commit was undone: {problems[0].message}")
                self.made.append(sha)
                return sha
            except BaseException:
                if git.head(self.root) != head_before:
                    if head_before is None:
                        git.run(self.root, "update-ref", "-d", "HEAD")
                    else:
                        git.run(self.root, "reset", "-q", "--soft", head_before)
                git.unstage(self.root, paths)
                for rel, old in backups.items():
                    write_file(self.root / rel, old)
                raise


SECTION_MODELS: dict[str, dict[str, type[BaseModel]]] = {
    "case": {"schedule": Schedule, "entry": CaseEntry, "record": Case},
    "property": {"schedule": Schedule, "entry": PropertyEntry, "record": PropertyRisk},
}


_PREFIX = {"cases": "C", "properties": "P"}


def _folders(kind: str | None) -> list[str]:
    return {"case": ["cases"], "property": ["properties"]}.get(kind or "", list(_PREFIX))
