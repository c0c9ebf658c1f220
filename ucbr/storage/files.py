"""Files in the register's working tree, and the plaintext of sections.

A file is replaced atomically (a temporary file, synced, then renamed), so a reader never
sees half of one; section plaintext is validated against its model, and a model's error
names fields, never the values that failed.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ucbr.domain.explain import plain_errors
from ucbr.errors import IntegrityError, NotFound
from ucbr.storage.agefile import MAX_FILE_BYTES, too_large
from ucbr.storage.yamlio import dump_plain

M = TypeVar("M", bound=BaseModel)


def readable_errors(exc: ValidationError, what: str) -> str:
    """A pydantic error as one line, naming fields but never echoing their values."""
    return f"{what}: {plain_errors(exc)}"


def validate(model: type[M], data: Any, what: str) -> M:
    """Validate data against a model; an ``IntegrityError`` naming fields, never values."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise IntegrityError(readable_errors(exc, what)) from None


def encode(model: BaseModel) -> bytes:
    """A section's plaintext, as ucbr writes it."""
    return dump_plain(model.model_dump(mode="json", exclude_none=True)).encode()


def read_register_file(path: Path | str, where: str, file_id: str) -> bytes:
    """A case or property file's bytes, never through a link: ``NotFound`` when there is no
    such file, ``IntegrityError`` when it is a link, a folder, larger than a register file
    may be, or cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise NotFound(f"no such case or property: {file_id}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IntegrityError(f"{where}: is a link, not a register file") from None
        reason = (exc.strerror or "unreadable").lower()
        raise IntegrityError(f"{where}: cannot be read ({reason})") from None
    with os.fdopen(fd, "rb") as fh:
        try:
            raw = fh.read(MAX_FILE_BYTES + 1)
        except IsADirectoryError:
            raise IntegrityError(f"{where}: is not a file") from None
    problem = too_large(len(raw))
    if problem is not None:
        raise IntegrityError(f"{where}: {problem}")
    return raw


def register_text(raw: bytes, where: str) -> str:
    """A register file's text; ``IntegrityError`` when it is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise IntegrityError(f"{where}: is not UTF-8 text") from None


def read_or_none(path: Path) -> bytes | None:
    """A file's bytes, or None when there is no such file."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write_file(path: Path, content: str | bytes | None) -> None:
    """Replace a file atomically (temp file and rename), or delete it for None."""
    if content is None:
        path.unlink(missing_ok=True)
        return
    data = content.encode() if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ucbr-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
