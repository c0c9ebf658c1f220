"""Reading the register's history from git: commits, their trailers, and files as they were.

Nothing here decrypts or judges; ``ucbr.audit`` does both. Every call goes through
``ucbr.git.run``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ucbr.storage import git

_FIELD = "\x1f"
_RECORD = "\x1e"
_TRAILER = re.compile(r"^(Ucbr-[A-Za-z]+):[ \t]*(.*)$")
_NO_QUOTING = ("-c", "core.quotePath=false")


@dataclass(frozen=True)
class Commit:
    """One commit as the audit reads it. ``files`` are the paths it changed (first parent)."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    date: dt.datetime
    subject: str
    trailers: tuple[tuple[str, str], ...]
    files: tuple[str, ...] = ()
    committed: dt.datetime | None = None  # the committer's date; ``date`` is the author's
    links: tuple[str, ...] = ()  # paths it made links (or other repositories), never files

    @property
    def short(self) -> str:
        """The commit's short id."""
        return self.sha[:7]

    @cached_property
    def _first_trailers(self) -> dict[str, str]:
        first: dict[str, str] = {}
        for key, value in self.trailers:
            first.setdefault(key, value)
        return first

    def trailer(self, key: str) -> str | None:
        """The first trailer with this key (an import names thousands of cases: looked up
        in a table, not read through)."""
        return self._first_trailers.get(key)

    def trailer_all(self, key: str) -> list[str]:
        """Every trailer with this key."""
        return [v for k, v in self.trailers if k == key]

    @property
    def action(self) -> str | None:
        """The ``Ucbr-Action`` trailer."""
        return self.trailer("Ucbr-Action")

    @property
    def officer(self) -> str | None:
        """The ``Ucbr-Officer`` trailer."""
        return self.trailer("Ucbr-Officer")

    @property
    def is_merge(self) -> bool:
        """Whether the commit has more than one parent."""
        return len(self.parents) > 1


def parse_trailers(message: str) -> tuple[tuple[str, str], ...]:
    """Every ``Ucbr-…: value`` line of a commit message, in order."""
    found = (_TRAILER.match(line.rstrip()) for line in message.splitlines())
    return tuple((m.group(1), m.group(2).strip()) for m in found if m)


def _log_args(
    since: str | None, paths: Sequence[str], rev: str = "HEAD", limit: int | None = None
) -> list[str]:
    args = [rev] if limit is not None else ["--reverse", rev]
    if limit is not None:
        args.append(f"--max-count={limit}")
    if since:
        # A bare date means the start of that day; git alone would take it as this time of day.
        start = f"{since}T00:00:00" if len(since) == 10 else since
        args.append(f"--since={start}")
    if paths:
        args.extend(["--", *paths])
    return args


def log(
    root: Path,
    since: str | None = None,
    paths: Sequence[str] = (),
    rev: str = "HEAD",
    limit: int | None = None,
) -> list[Commit]:
    """The commits reachable from ``rev`` (a commit or a range ``A..B``), oldest first (newest
    first with ``limit``), with the files each changed. An empty repository has no HEAD,
    but a server's hook reads the commits of the first push to it by their ids."""
    if rev == "HEAD" and git.head(root) is None:
        return []
    fmt = _FIELD.join(["%H", "%P", "%an", "%ae", "%aI", "%cI", "%B"]) + _RECORD
    args = _log_args(since, paths, rev, limit)
    raw = git.run(root, "log", f"--format={fmt}", *args).stdout.decode()
    changed = _changed_files(root, args)
    commits: list[Commit] = []
    for record in raw.split(_RECORD):
        record = record.lstrip("\n")
        if not record:
            continue
        sha, parents, name, email, date, committed, body = record.split(_FIELD, 6)
        commits.append(
            Commit(
                sha=sha,
                parents=tuple(parents.split()),
                author_name=name,
                author_email=email,
                date=dt.datetime.fromisoformat(date),
                subject=body.split("\n", 1)[0],
                trailers=parse_trailers(body),
                files=changed.get(sha, ((), ()))[0],
                links=changed.get(sha, ((), ()))[1],
                committed=dt.datetime.fromisoformat(committed),
            )
        )
    return commits


def _changed_files(
    root: Path, args: Sequence[str]
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Per commit: the paths it changed, and those it made links (mode 120000) or folders
    of another repository (160000), which a register never holds."""
    proc = git.run(
        root,
        *_NO_QUOTING,
        "log",
        "--no-renames",
        "--diff-merges=first-parent",
        "--raw",
        "--no-abbrev",
        f"--format={_RECORD}%H",
        *args,
    )
    found: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for block in proc.stdout.decode().split(_RECORD):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        if not lines:
            continue
        paths, odd = [], []
        for line in lines[1:]:
            info, _, path = line.partition("\t")
            paths.append(path)
            if info.split()[1:2] in (["120000"], ["160000"]):
                odd.append(path)
        found[lines[0]] = (tuple(paths), tuple(odd))
    return found


def read_blobs(root: Path, specs: Iterable[str]) -> dict[str, bytes | None]:
    """Objects by name (``REV:path`` or a blob id); None for those that do not exist."""
    wanted = list(dict.fromkeys(specs))
    if not wanted:
        return {}
    names = _object_names(root, wanted)
    asked = "\n".join(names[spec] for spec in wanted) + "\n"
    data = git.run(root, "cat-file", "--batch", input=asked.encode()).stdout
    found: dict[str, bytes | None] = {}
    pos = 0
    for spec in wanted:
        end = data.index(b"\n", pos)
        # "<name> <type> <size>", or "<spec> missing" (a spec may hold spaces).
        header = data[pos:end].decode(errors="replace").rsplit(" ", 2)
        pos = end + 1
        if len(header) != 3 or not header[2].isdigit():
            found[spec] = None
            continue
        size = int(header[2])
        found[spec] = data[pos : pos + size] if header[1] == "blob" else None
        pos += size + 1
    return found


# Above this many paths of one commit, its tree is listed once: git finds ``REV:path`` by
# reading the folder's tree from the start, so 10,000 of them in one folder take minutes.
LIST_TREE_FROM = 64


def _object_names(root: Path, specs: list[str]) -> dict[str, str]:
    """What to ask ``cat-file`` for each spec: the blob id where one commit's tree was
    listed for many of its paths, else the spec itself (git resolves it, or says missing)."""
    names = {spec: spec for spec in specs}
    by_rev: dict[str, list[str]] = {}
    for spec in specs:
        rev, colon, path = spec.partition(":")
        if colon and rev and path:
            by_rev.setdefault(rev, []).append(spec)
    for rev, group in by_rev.items():
        if len(group) < LIST_TREE_FROM:
            continue
        proc = git.run(root, "ls-tree", "-r", "-z", rev, check=False)
        if proc.returncode != 0:
            continue  # not a commit here: cat-file says each path is missing
        listed = proc.stdout.decode(errors="surrogateescape")
        blobs: dict[str, str] = {}
        for entry in listed.split("\0"):
            info, _, path = entry.partition("\t")
            parts = info.split()
            if len(parts) == 3 and parts[1] == "blob":
                blobs[path] = parts[2]
        for spec in group:
            names[spec] = blobs.get(spec.partition(":")[2], spec)
    return names


def show(root: Path, rev: str, path: str) -> bytes | None:
    """A file as it was at ``rev`` (``git show REV:path``), or None where it did not exist."""
    return read_blobs(root, [f"{rev}:{path}"])[f"{rev}:{path}"]


def all_blobs(root: Path) -> list[tuple[str, str]]:
    """Every file version anywhere in history, as (blob id, a path it was stored at)."""
    if git.head(root) is None:
        return []
    listed = git.run(root, *_NO_QUOTING, "rev-list", "--objects", "--all").stdout.decode()
    named = [ln.split(" ", 1) for ln in listed.splitlines() if " " in ln]
    if not named:
        return []
    check = git.run(
        root,
        "cat-file",
        "--batch-check=%(objectname) %(objecttype)",
        input=("\n".join(sha for sha, _ in named) + "\n").encode(),
    ).stdout.decode()
    blobs = {ln.split()[0] for ln in check.splitlines() if ln.endswith(" blob")}
    return [(sha, path) for sha, path in named if sha in blobs]


def introduced_by(root: Path, blob: str) -> str:
    """The short id of the first commit that stored ``blob``."""
    proc = git.run(root, "log", "--all", "--reverse", "--format=%h", f"--find-object={blob}")
    lines = proc.stdout.decode().split()
    return lines[0] if lines else blob[:7]


def signatures(
    root: Path, allowed_signers: Path, since: str | None, rev: str = "HEAD"
) -> dict[str, tuple[str, str, str]]:
    """Each commit's signature as git verifies it: (status %G?, signer %GS, key %GK)."""
    if rev == "HEAD" and git.head(root) is None:
        return {}
    fmt = _FIELD.join(["%H", "%G?", "%GS", "%GK"]) + _RECORD
    proc = git.run(
        root,
        "-c",
        "gpg.format=ssh",
        "-c",
        f"gpg.ssh.allowedSignersFile={allowed_signers}",
        "log",
        f"--format={fmt}",
        *_log_args(since, (), rev),
    )
    found: dict[str, tuple[str, str, str]] = {}
    for record in proc.stdout.decode().split(_RECORD):
        record = record.strip("\n")
        if record:
            sha, status, signer, key = record.split(_FIELD, 3)
            found[sha] = (status, signer, key)
    return found
