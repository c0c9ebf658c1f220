"""Random ids: a kind letter and eight Crockford base32 characters, never derived from data."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from ucbr.errors import Refused

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ID = re.compile(r"^[CPIDRALF]-[0-9A-HJKMNP-TV-Z]{8}$")
KINDS = {"C": "case", "P": "property"}
FOLDERS = {"C": "cases", "P": "properties"}


def random_id(prefix: str) -> str:
    """A new id with 40 random bits, e.g. ``C-7F3K2QHM``."""
    return f"{prefix}-" + "".join(secrets.choice(CROCKFORD) for _ in range(8))


def new_id(prefix: str, taken: Callable[[str], bool]) -> str:
    """A random id that ``taken`` says is free; collisions are retried, not assumed away."""
    for _ in range(100):
        candidate = random_id(prefix)
        if not taken(candidate):
            return candidate
    raise Refused(f"could not find a free {prefix}- id")  # pragma: no cover - 2**40 ids


def parse_file_id(text: str) -> str:
    """A case or property id given on the command line, checked before it names any path."""
    candidate = text.strip().upper()
    if not _ID.fullmatch(candidate) or candidate[0] not in KINDS:
        raise Refused("not a case or property id (C- or P- and 8 characters, like C-7F3K2QHM)")
    return candidate


def file_path(file_id: str) -> str:
    """Where a case or property file lives in the register: ``cases/C-7F3K2QHM.yaml``."""
    return f"{FOLDERS[file_id[0]]}/{file_id}.yaml"


def is_id(text: str, prefix: str) -> bool:
    """Whether ``text`` is an id of the kind ``prefix`` (``C``, ``P``, ``I``, ``D``…)."""
    return bool(_ID.fullmatch(text)) and text.startswith(prefix + "-")
