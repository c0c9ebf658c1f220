"""Reading one section of every file, fast: for ``list``, ``review-due`` and ``lookup``.

A scan asks git which files are unchanged since they were staged and takes their section
from the tier's local cache (``ucbr.storage.cache``); every other file is read, decrypted
and added to the cache. Decryption costs most, so when there is much of it the files are
split between two worker processes (``ucbr.storage.workers``); results still come in id
order. A scan does no YAML parse of the envelope (a string search finds the armor), and
reads the plaintext with the fast reader (``ucbr.storage.plainyaml``) when it has the
shape ucbr writes.

A file that is not sound does not stop the scan: it becomes a ``Problem`` naming the
file, and every other file is still read. What is kept of each section is up to the
caller's ``visit`` function, which runs in the workers: ``lookup`` keeps only matches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel

from ucbr.domain.ids import file_path
from ucbr.domain.problems import Problem
from ucbr.domain.sections import CaseEntry, PropertyEntry, Schedule
from ucbr.domain.staff import SECTION_KEY
from ucbr.errors import AccessDenied, UcbrError
from ucbr.storage import cache as section_cache
from ucbr.storage.reader import SectionReader
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring
from ucbr.storage.workers import run_chunks

Scanned = Literal["schedule", "entry"]
Entry = CaseEntry | PropertyEntry
T = TypeVar("T")
Visit = Callable[[str, BaseModel], "T | None"]
# A cached section costs a fiftieth of a decryption or less to read and validate: below
# thousands of them, handing them to worker processes costs more than it saves.
CACHED_WEIGHT = 50


@dataclass
class ScanResult(Generic[T]):
    """What the visitor kept of each sound file, in id order, and a problem per unsound file."""

    found: list[T] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_section(reg: Register, ring: Keyring, file_id: str, name: Scanned) -> BaseModel:
    """One section of one file, decrypted and validated; ``IntegrityError`` when unsound."""
    return SectionReader(reg, ring).open(file_id, name)


def schedule_of_file(reg: Register, ring: Keyring, file_id: str) -> Schedule:
    """One file's schedule section."""
    schedule = read_section(reg, ring, file_id, "schedule")
    assert isinstance(schedule, Schedule)
    return schedule


def entry_of_file(reg: Register, ring: Keyring, file_id: str) -> Entry:
    """One file's register entry."""
    entry = read_section(reg, ring, file_id, "entry")
    assert isinstance(entry, (CaseEntry, PropertyEntry))
    return entry


def keep(file_id: str, section: BaseModel) -> BaseModel:
    """The default visitor: keep every section as it is."""
    del file_id
    return section


def problem_of(file_id: str, exc: UcbrError) -> Problem:
    """An unsound file as a problem: ``path: message``, the way `check` prints one."""
    path = file_path(file_id)
    message = str(exc).removeprefix(f"{path}: ").removeprefix(f"{path} ")
    return Problem(path, message, id=file_id, severity="integrity")


def scan(reg: Register, ring: Keyring, name: Scanned, visit: Visit[T]) -> ScanResult[T]:
    """One section of every file, as ``visit`` keeps it; each unsound file a problem."""
    if not ring.can_read(name):
        raise AccessDenied(f"your key cannot read {name} sections")
    tier = SECTION_KEY[name]
    caches = {}
    if section_cache.environment_allows():
        caches = section_cache.caches_for(reg.root, {tier: ring.tiers[tier]})
    reader = SectionReader(reg, ring, caches)
    cached = caches[tier] if caches else None
    known = section_cache.indexed_blobs(reg.root) if cached else {}
    jobs: list[tuple[str, str | None]] = []  # (file id, blob id when cached)
    unread: list[str] = []
    present = reader.updates.present.setdefault(tier, set())
    root = str(reg.root)
    for file_id in reg.ids():
        path = file_path(file_id)
        blob = known.get(path)
        if blob is not None and cached is not None and blob in cached:
            present.add(blob)
        else:
            blob = None
            unread.append(f"{root}/{path}")
        jobs.append((file_id, blob))
    weight = len(unread) + (len(jobs) - len(unread)) // CACHED_WEIGHT
    parts = run_chunks(reader, jobs, partial(_visit_all, name=name, visit=visit), weight, unread)
    result: ScanResult[T] = ScanResult()
    for part in parts:
        result.found.extend(part.found)
        result.problems.extend(part.problems)
    reader.updates.save(caches)
    result.problems.extend(stray_problems(reg))
    return result


def stray_problems(reg: Register) -> list[Problem]:
    """A problem for each file in ``cases/`` or ``properties/`` that is not a register file."""
    return [
        Problem(
            path,
            "is not a register file (a case or property id and .yaml); not read",
            severity="integrity",
        )
        for path in reg.strays()
    ]


def _visit_all(
    reader: SectionReader, jobs: list[tuple[str, str | None]], name: Scanned, visit: Visit[T]
) -> ScanResult[T]:
    result: ScanResult[T] = ScanResult()
    for file_id, blob in jobs:
        try:
            kept = visit(file_id, reader.open(file_id, name, reader.cached(name, blob)))
        except UcbrError as exc:
            result.problems.append(problem_of(file_id, exc))
            continue
        if kept is not None:
            result.found.append(kept)
    return result
