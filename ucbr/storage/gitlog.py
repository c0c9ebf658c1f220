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

from ucbr.errors import IntegrityError
from ucbr.storage import git
from ucbr.storage.agefile import MAX_FILE_BYTES as MAX_FILE_BYTES
from ucbr.storage.agefile import too_large

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

    @cached_property
    def _trailers_by_key(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for key, value in self.trailers:
            found.setdefault(key, []).append(value)
        return {key: tuple(values) for key, values in found.items()}

    def trailer_all(self, key: str) -> list[str]:
        """Every trailer with this key (looked up in a table, as ``trailer`` is)."""
        return list(self._trailers_by_key.get(key, ()))

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
    since: str | None,
    paths: Sequence[str],
    rev: str | Sequence[str] = "HEAD",
    limit: int | None = None,
) -> list[str]:
    revs = [rev] if isinstance(rev, str) else list(rev)
    args = revs if limit is not None else ["--reverse", *revs]
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
    rev: str | Sequence[str] = "HEAD",
    limit: int | None = None,
) -> list[Commit]:
    """The commits reachable from ``rev`` (a commit, a range ``A..B``, or revisions such as
    ``[tip, "^A"]``), oldest first (newest first with ``limit``), with the files each
    changed. An empty repository has no HEAD, but a server's hook reads the commits of
    the first push to it by their ids."""
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
    of another repository (160000), which a register never holds.

    Paths are read NUL-separated (``-z``), exactly as stored: git would otherwise quote a
    path holding a tab, a quote or an escape, and the quoted form is not the path. Bytes
    that are not UTF-8 are kept as surrogates, so no path can pass for another.
    """
    proc = git.run(
        root,
        "log",
        "--no-renames",
        "--diff-merges=first-parent",
        "--raw",
        "-z",
        "--no-abbrev",
        f"--format={_RECORD}%H",
        *args,
    )
    found: dict[str, tuple[list[str], list[str]]] = {}
    paths: list[str] = []
    odd: list[str] = []
    tokens = proc.stdout.split(b"\0")
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip(b"\n")
        index += 1
        if token.startswith(_RECORD.encode()):
            paths, odd = [], []
            found[token[1:].decode()] = (paths, odd)
        elif token.startswith(b":") and index < len(tokens):
            path = tokens[index].decode(errors="surrogateescape")
            index += 1
            paths.append(path)
            if token.split()[1:2] in ([b"120000"], [b"160000"]):
                odd.append(path)
    return {sha: (tuple(p), tuple(o)) for sha, (p, o) in found.items()}


# The largest file a register holds, in bytes (4 MiB): a case file of the largest records
# the policy's fields allow is well under it. Anything larger is refused by the hook, and
# reported by the audit and every verification, before a byte of it is read.


def _readable(spec: str) -> bool:
    """Whether ``spec`` can be asked of ``cat-file`` (one line, no NUL)."""
    return "\n" not in spec and "\0" not in spec and not _has_surrogates(spec)


def _has_surrogates(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def object_sizes(root: Path, specs: Iterable[str]) -> dict[str, tuple[str, int] | None]:
    """Each object's id and size (``REV:path`` or an id), from its header alone; None for
    those that do not exist or are not blobs. Nothing of the content is read."""
    wanted = [spec for spec in dict.fromkeys(specs) if _readable(spec)]
    found: dict[str, tuple[str, int] | None] = {spec: None for spec in wanted}
    listed = _listed(root, wanted)
    found.update(listed)
    rest = [spec for spec in wanted if spec not in listed]
    if not rest:
        return found
    out = git.run(
        root,
        "cat-file",
        "--batch-check=%(objectname) %(objecttype) %(objectsize)",
        input=("\n".join(rest) + "\n").encode(),
    ).stdout.decode(errors="replace")
    for spec, line in zip(rest, out.splitlines(), strict=False):
        parts = line.rsplit(" ", 2)
        if len(parts) == 3 and parts[1] == "blob" and parts[2].isdigit():
            found[spec] = (parts[0], int(parts[2]))
    return found


def read_blobs(root: Path, specs: Iterable[str]) -> dict[str, bytes | None]:
    """Objects by name (``REV:path`` or a blob id); None for those that do not exist.

    Each size is checked from the object's header first: a blob over ``MAX_FILE_BYTES``
    is never read, and refused (exit 6) naming it.
    """
    wanted = list(dict.fromkeys(specs))
    if not wanted:
        return {}
    sizes = object_sizes(root, wanted)
    found: dict[str, bytes | None] = {spec: None for spec in wanted}
    for spec, known in sizes.items():
        if known is not None and known[1] > MAX_FILE_BYTES:
            raise IntegrityError(oversized(spec, known[1]))
    ids = {spec: known[0] for spec, known in sizes.items() if known is not None}
    unique = list(dict.fromkeys(ids.values()))
    if not unique:
        return found
    data = git.run(root, "cat-file", "--batch", input=("\n".join(unique) + "\n").encode()).stdout
    contents: dict[str, bytes] = {}
    pos = 0
    for blob in unique:
        end = data.index(b"\n", pos)
        size = int(data[pos:end].rsplit(b" ", 1)[1])
        pos = end + 1
        contents[blob] = data[pos : pos + size]
        pos += size + 1
    for spec, blob in ids.items():
        found[spec] = contents[blob]
    return found


def escaped(path: str) -> str:
    """A path as a message may print it: anything but printable ASCII escaped (``\\x09``),
    a byte that is not UTF-8 as the byte it was."""
    return "".join(_escaped_char(c) for c in path)


def _escaped_char(char: str) -> str:
    if char.isascii() and char.isprintable() and char != "\\":
        return char
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, kept as a surrogate
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def oversized(spec: str, size: int) -> str:
    """The refusal of a file too large for a register, naming it (``REV:path``)."""
    rev, colon, path = spec.partition(":")
    where = f"{escaped(path)} at {rev[:7]}" if colon else f"object {spec[:7]}"
    return f"{where} {too_large(size) or 'is too large'} ({size} bytes)"


# Above this many paths of one commit, its tree is listed once: git finds ``REV:path`` by
# reading the folder's tree from the start, so 10,000 of them in one folder take minutes.
LIST_TREE_FROM = 64


def _listed(root: Path, specs: list[str]) -> dict[str, tuple[str, int] | None]:
    """The blob id and size of each spec of a commit asked for many of its paths, from one
    listing of its tree (``ls-tree -r -l``); None for a path it does not hold."""
    found: dict[str, tuple[str, int] | None] = {}
    by_rev: dict[str, list[str]] = {}
    for spec in specs:
        rev, colon, path = spec.partition(":")
        if colon and rev and path:
            by_rev.setdefault(rev, []).append(spec)
    for rev, group in by_rev.items():
        if len(group) < LIST_TREE_FROM:
            continue
        proc = git.run(root, "ls-tree", "-r", "-l", "-z", rev, check=False)
        if proc.returncode != 0:
            continue  # not a commit here: cat-file says each path is missing
        blobs: dict[str, tuple[str, int]] = {}
        for entry in proc.stdout.decode(errors="surrogateescape").split("\0"):
            info, _, path = entry.partition("\t")
            parts = info.split()
            if len(parts) == 4 and parts[1] == "blob" and parts[3].isdigit():
                blobs[path] = (parts[2], int(parts[3]))
        for spec in group:
            found[spec] = blobs.get(spec.partition(":")[2])
    return found


def show(root: Path, rev: str, path: str) -> bytes | None:
    """A file as it was at ``rev`` (``git show REV:path``), or None where it did not exist."""
    return read_blobs(root, [f"{rev}:{path}"])[f"{rev}:{path}"]


def all_blobs(root: Path) -> list[tuple[str, str]]:
    """Every file version anywhere in history, as (blob id, a path it was stored at); a
    blob over ``MAX_FILE_BYTES`` is left out (the commit that stored it is reported)."""
    if git.head(root) is None:
        return []
    listed = git.run(root, *_NO_QUOTING, "rev-list", "--objects", "--all").stdout.decode()
    named = [ln.split(" ", 1) for ln in listed.splitlines() if " " in ln]
    if not named:
        return []
    check = git.run(
        root,
        "cat-file",
        "--batch-check=%(objectname) %(objecttype) %(objectsize)",
        input=("\n".join(sha for sha, _ in named) + "\n").encode(),
    ).stdout.decode()
    blobs = {
        parts[0]
        for ln in check.splitlines()
        if len(parts := ln.split()) == 3 and parts[1] == "blob" and int(parts[2]) <= MAX_FILE_BYTES
    }
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
