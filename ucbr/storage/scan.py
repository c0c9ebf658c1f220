"""Reading one section of every file, fast: for ``list``, ``review-due`` and ``lookup``.

A scan does no YAML parse of the envelope (a string search finds the armor) and reads
the small schedule plaintext with two regular expressions when it has the shape ucbr
writes (the strict YAML loader otherwise). Decryption costs most, so a large register is
split into chunks decrypted by one worker process per core (two at most); results still
come in id order. The workers hold the tier key only in memory: it is handed to them when
they start, never written anywhere.

A file that is not sound does not stop the scan: it becomes a ``Problem`` naming the
file, and every other file is still read. What is kept of each section is up to the
caller's ``visit`` function, which runs in the workers: ``lookup`` keeps only matches.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Literal, TypeVar

import pyrage
from pydantic import BaseModel

from ucbr.domain.ids import file_path
from ucbr.domain.problems import Problem
from ucbr.domain.sections import CaseEntry, PropertyEntry, Schedule
from ucbr.domain.staff import SECTION_KEY, Tier
from ucbr.errors import AccessDenied, IntegrityError, UcbrError
from ucbr.storage import envelope
from ucbr.storage.files import validate
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring
from ucbr.storage.yamlio import load_strict

Data = dict[str, object]
Scanned = Literal["schedule", "entry"]
Entry = CaseEntry | PropertyEntry
T = TypeVar("T")
Visit = Callable[[str, BaseModel], "T | None"]

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 500
CHUNK = 200


@dataclass
class ScanResult(Generic[T]):
    """What the visitor kept of each sound file, in id order, and a problem per unsound file."""

    found: list[T] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_section(reg: Register, ring: Keyring, file_id: str, name: Scanned) -> BaseModel:
    """One section of one file, decrypted and validated; ``IntegrityError`` when unsound."""
    text = reg.read_text(file_id)
    where = file_path(file_id)
    armored = envelope.fast_section(text, name)
    if armored is None:
        armored = envelope.parse(text, where).sections[name]
    plain = ring.open(name, armored)
    data = read_schedule_plain(plain) if name == "schedule" else None
    if data is None:
        data = load_strict(plain, f"{where} ({name})")
    model: type[BaseModel] = Schedule
    if name == "entry":
        model = CaseEntry if file_id.startswith("C-") else PropertyEntry
    section = validate(model, data, f"{where} ({name})")
    if getattr(section, "id", None) != file_id:
        raise IntegrityError(f"{where}: the {name} section belongs to another file")
    return section


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


# --- the schedule plaintext ---------------------------------------------------------------
# ``dump_plain`` writes a schedule as a few ``key: value`` lines and a list of items. Reading
# exactly that shape with two regular expressions costs a fifth of a YAML parse; anything
# else (other quoting, nesting, comments, YAML 1.1 words) goes to the strict YAML loader.

_LINE = re.compile(r"(- |  )?([a-z_]+):(?: (.+))?")
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*(?: [A-Za-z0-9_.-]+)*")
_QUOTED = re.compile(r"'((?:[^']|'')*)'")
# Words YAML 1.1 reads as something other than text: leave them to the YAML loader.
_NOT_TEXT = frozenset({"yes", "no", "on", "off", "null", "true", "false"})
_NOT_READ = object()


def _scalar(raw: str) -> object:
    if raw in ("true", "false"):
        return raw == "true"
    if _PLAIN.fullmatch(raw):
        return _NOT_READ if raw.lower() in _NOT_TEXT else raw
    quoted = _QUOTED.fullmatch(raw)
    if quoted:
        return quoted.group(1).replace("''", "'")
    return _NOT_READ


def read_schedule_plain(plain: bytes) -> Data | None:
    """A schedule section's plaintext as ``dump_plain`` writes it, or None for any other shape."""
    try:
        lines = plain.decode().split("\n")
    except UnicodeDecodeError:
        return None
    if lines[-1] != "":
        return None
    top: Data = {}
    items: list[Data] | None = None
    for line in lines[:-1]:
        found = _LINE.fullmatch(line)
        if found is None:
            return None
        lead, key, raw = found.groups()
        if lead is None and key == "items" and "items" not in top:
            if raw not in (None, "[]"):
                return None
            items = []
            top["items"] = items
            continue
        value = _NOT_READ if raw is None else _scalar(raw)
        target = top if lead is None else _item(items, lead)
        if value is _NOT_READ or target is None or key in target or key in _NOT_TEXT:
            return None
        target[key] = value
    return top


def _item(items: list[Data] | None, lead: str) -> Data | None:
    """The item a ``- key`` line starts or an indented ``key`` line continues."""
    if items is None:
        return None
    if lead == "- ":
        items.append({})
    return items[-1] if items else None


# --- the scan -------------------------------------------------------------------------------


def keep(file_id: str, section: BaseModel) -> BaseModel:
    """The default visitor: keep every section as it is."""
    del file_id
    return section


def problem_of(file_id: str, exc: UcbrError) -> Problem:
    """An unsound file as a problem: ``path: message``, the way `check` prints one."""
    path = file_path(file_id)
    message = str(exc).removeprefix(f"{path}: ").removeprefix(f"{path} ")
    return Problem(path, message, id=file_id, severity="integrity")


def _visit_all(
    reg: Register, ring: Keyring, ids: Iterable[str], name: Scanned, visit: Visit[T]
) -> ScanResult[T]:
    result: ScanResult[T] = ScanResult()
    for file_id in ids:
        try:
            kept = visit(file_id, read_section(reg, ring, file_id, name))
        except UcbrError as exc:
            result.problems.append(problem_of(file_id, exc))
            continue
        if kept is not None:
            result.found.append(kept)
    return result


def scan(reg: Register, ring: Keyring, name: Scanned, visit: Visit[T]) -> ScanResult[T]:
    """One section of every file, as ``visit`` keeps it; each unsound file a problem."""
    if not ring.can_read(name):
        raise AccessDenied(f"your key cannot read {name} sections")
    ids = reg.ids()
    workers = _workers(len(ids))
    if workers < 2:
        result = _visit_all(reg, ring, ids, name, visit)
    else:
        result = _scan_in_parallel(reg, ring, ids, name, visit, workers)
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


def _workers(files: int) -> int:
    if files < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(cores or 1, 2)


# --- the worker processes ---------------------------------------------------------------

_worker_reg: Register | None = None
_worker_ring: Keyring | None = None


def _start_worker(root: str, tier: Tier, identity: str) -> None:
    global _worker_reg, _worker_ring
    _worker_reg = Register(Path(root))
    _worker_ring = Keyring({tier: pyrage.x25519.Identity.from_str(identity)})


def _scan_chunk(task: tuple[list[str], Scanned, Visit[T]]) -> ScanResult[T]:
    ids, name, visit = task
    assert _worker_reg is not None and _worker_ring is not None
    return _visit_all(_worker_reg, _worker_ring, ids, name, visit)


def _chunks(ids: list[str], size: int) -> Iterable[list[str]]:
    return (ids[i : i + size] for i in range(0, len(ids), size))


def _scan_in_parallel(
    reg: Register, ring: Keyring, ids: list[str], name: Scanned, visit: Visit[T], workers: int
) -> ScanResult[T]:
    tier = SECTION_KEY[name]
    identity = ring.identities_for(name)[0]
    # fork: the workers start with the modules already imported, in milliseconds.
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(str(reg.root), tier, str(identity)),
    )
    stop = threading.Event()
    result: ScanResult[T] = ScanResult()
    try:
        tasks = ((chunk, name, visit) for chunk in _chunks(ids, CHUNK))
        results = pool.map(_scan_chunk, tasks)
        # Started after the workers are forked, so no thread is running when they are.
        paths = [reg.root / file_path(file_id) for file_id in ids]
        threading.Thread(target=_prefetch, args=(paths, stop), daemon=True).start()
        for part in results:
            result.found.extend(part.found)
            result.problems.extend(part.problems)
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
    return result


def _prefetch(paths: list[Path], stop: threading.Event) -> None:
    """Ask the kernel to start reading every file now, so that reads from a cold disk
    overlap decryption instead of waiting one file at a time."""
    if not hasattr(os, "posix_fadvise"):
        return
    for path in paths:
        if stop.is_set():
            return
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue  # the worker reading it reports the problem
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        finally:
            os.close(fd)
