"""Reading the schedule section of every file, fast: for ``list`` and ``review-due``.

A scan does no YAML parse of the envelope (a string search finds the armor) and reads
the small schedule plaintext with two regular expressions when it has the shape ucbr
writes (the strict YAML loader otherwise). Decryption costs most: about 0.3 ms a file, as
age tries the identity on each of the section's three recipient stanzas. So a large
register is split into chunks decrypted by one worker process per core (two at most);
results still come in id order. The workers hold the tier key only in memory: it is
handed to them when they start, never written anywhere.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyrage

from ucbr import envelope
from ucbr.config import Tier
from ucbr.errors import IntegrityError, UcbrError
from ucbr.model import Schedule
from ucbr.store import Register, validate
from ucbr.vault import Keyring
from ucbr.yamlio import load_strict

Data = dict[str, object]

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 500
CHUNK = 200


@dataclass(frozen=True)
class Scanned:
    id: str
    schedule: Schedule


def schedule_of_file(reg: Register, ring: Keyring, file_id: str) -> Schedule:
    text = reg.read_text(file_id)
    where = envelope.relpath(file_id)
    armored = envelope.fast_section(text, "schedule")
    if armored is None:
        armored = envelope.parse(text, where).sections["schedule"]
    plain = ring.open("schedule", armored)
    data = read_schedule_plain(plain)
    if data is None:
        data = load_strict(plain, f"{where} (schedule)")
    schedule = validate(Schedule, data, f"{where} (schedule)")
    if schedule.id != file_id:
        raise IntegrityError(f"{where}: the schedule section belongs to another file")
    return schedule


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


def scan(reg: Register, ring: Keyring, faults: list[str] | None = None) -> Iterator[Scanned]:
    """Every file's schedule, in id order.

    By default the scan stops at the first file that is not sound. Given a ``faults``
    list, it records each unsound file there (one line, no personal data) and goes on,
    so one damaged file cannot hide every other review that is due.
    """
    ids = reg.ids()
    workers = _workers(len(ids))
    if workers < 2:
        for file_id in ids:
            try:
                yield Scanned(file_id, schedule_of_file(reg, ring, file_id))
            except UcbrError as exc:
                if faults is None:
                    raise
                faults.append(fault_line(file_id, exc))
        return
    yield from _scan_in_parallel(reg, ring, ids, workers, faults)


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


def fault_line(file_id: str, exc: UcbrError) -> str:
    """``path: message``, the way `check` prints a problem."""
    path = envelope.relpath(file_id)
    message = str(exc)
    return message if message.startswith(path) else f"{path}: {message}"


def _scan_chunk(task: tuple[list[str], bool]) -> tuple[list[Scanned], list[tuple[str, UcbrError]]]:
    """The chunk's schedules, and the errors of its unsound files.

    Without ``keep_going`` it stops at the first unsound file.
    """
    ids, keep_going = task
    assert _worker_reg is not None and _worker_ring is not None
    done: list[Scanned] = []
    errors: list[tuple[str, UcbrError]] = []
    for file_id in ids:
        try:
            done.append(Scanned(file_id, schedule_of_file(_worker_reg, _worker_ring, file_id)))
        except UcbrError as exc:
            errors.append((file_id, exc))
            if not keep_going:
                break
    return done, errors


def _chunks(ids: list[str], size: int) -> Iterable[list[str]]:
    return (ids[i : i + size] for i in range(0, len(ids), size))


def _scan_in_parallel(
    reg: Register, ring: Keyring, ids: list[str], workers: int, faults: list[str] | None
) -> Iterator[Scanned]:
    identity = ring.identities_for("schedule")[0]
    tier = next(t for t, key in ring.tiers.items() if key is identity)
    # fork: the workers start with the modules already imported, in milliseconds.
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(str(reg.root), tier, str(identity)),
    )
    stop = threading.Event()
    try:
        keep_going = faults is not None
        results = pool.map(_scan_chunk, ((chunk, keep_going) for chunk in _chunks(ids, CHUNK)))
        # Started after the workers are forked, so no thread is running when they are.
        paths = [reg.root / envelope.relpath(file_id) for file_id in ids]
        threading.Thread(target=_prefetch, args=(paths, stop), daemon=True).start()
        for done, errors in results:
            yield from done
            if errors and faults is None:
                raise errors[0][1]
            if faults is not None:
                faults.extend(fault_line(file_id, e) for file_id, e in errors)
    finally:
        stop.set()
        # A caller that stops early, or an unsound file, leaves no work running.
        pool.shutdown(wait=True, cancel_futures=True)


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
