"""Work over many files in up to two worker processes; the results come back in order.

Decryption costs most, so a large job is split into chunks handed to one worker process
per core (two at most). The workers are forked from the command's own process, so they
start in milliseconds with the modules already imported and the caller's reader (its tier
keys and caches) already in memory: the keys are never written anywhere or sent through a
pipe. Each chunk's result comes back with what it learnt for the caches.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from ucbr.storage.reader import CacheUpdates, SectionReader

J = TypeVar("J")
R = TypeVar("R")
Work = Callable[[SectionReader, list[J]], R]

# Below this much work (a decryption counts 1), starting worker processes costs more than
# it saves.
PARALLEL_FROM = 500
CHUNK = 200

_reader: SectionReader | None = None  # in a worker: the parent's reader, inherited by fork


def worker_count(weight: int) -> int:
    """How many processes to use for ``weight`` units of work: 1, or up to 2."""
    if weight < PARALLEL_FROM:
        return 1
    import multiprocessing  # only when there is enough work to share

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(cores or 1, 2)


def run_chunks(
    reader: SectionReader,
    jobs: Sequence[J],
    work: Work[J, R],
    weight: int,
    prefetch: Sequence[str | Path] = (),
) -> list[R]:
    """``work`` over ``jobs`` in chunks, in order; ``reader.updates`` gathers every chunk's."""
    workers = worker_count(weight)
    if workers < 2:
        return [work(reader, list(jobs))]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor  # slow to import: only when needed

    global _reader
    _reader = reader
    # fork: the workers start with the modules imported and the reader in memory.
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_ctrl_c
    )
    stop = threading.Event()
    results: list[R] = []
    try:
        chunks = (list(jobs[i : i + CHUNK]) for i in range(0, len(jobs), CHUNK))
        done = pool.map(_run_chunk, ((work, chunk) for chunk in chunks))
        # Started after the workers are forked, so no thread is running when they are.
        threading.Thread(target=_prefetch, args=(prefetch, stop), daemon=True).start()
        for result, updates in done:
            results.append(result)
            reader.updates.merge(updates)
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        _reader = None
    return results


def _ignore_ctrl_c() -> None:
    """A worker leaves Ctrl-C to the command, which stops it (the terminal sends it to all)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_chunk(task: tuple[Work[J, R], list[J]]) -> tuple[R, CacheUpdates]:
    work, chunk = task
    assert _reader is not None
    _reader.updates = CacheUpdates()
    return work(_reader, chunk), _reader.updates


def _prefetch(paths: Sequence[str | Path], stop: threading.Event) -> None:
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
