"""One file of the register as stored, judged from its bytes alone, with no key.

``file_problem`` is what every reader of raw bytes shares: the audit's scan of every file
version, each verification, ``check``, and the server's hook, which calls it on each blob
a push brings. A file over the size bound is refused before it is parsed; a case or
property file must be the envelope ucbr writes around three sections, each a well-formed
age file sealed to exactly one key; a tier key a well-formed age file sealed only to
staff keys.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from ucbr.errors import UcbrError
from ucbr.storage import envelope
from ucbr.storage.agefile import section_problem, tier_key_problem, too_large

RECORD_DIRS = ("cases/", "properties/")
_HEADER_LINES = frozenset(envelope.HEADER.splitlines())
TIER_KEYS = ".ucbr/tiers/"


def file_problem(path: str, raw: bytes) -> str | None:
    """What is wrong with the bytes ``raw`` stored at ``path`` (a path in the register),
    judged without a key; None when nothing is."""
    problem = too_large(len(raw))
    if problem is not None:
        return problem
    if not path.startswith((*RECORD_DIRS, TIER_KEYS)):
        return None
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        return "is not text"
    if path.startswith(TIER_KEYS):
        return tier_key_problem(text)
    return sections_problem(path, text)


def sections_problem(path: str, text: str) -> str | None:
    """What is wrong with a case or property file: its envelope, its name, a comment ucbr
    did not write, or any of its sections."""
    try:
        env = envelope.parse_fast(text, path, PurePosixPath(path).stem)
    except UcbrError as exc:
        return f"is not sealed: {str(exc).removeprefix(f'{path}: ')}"
    if envelope.relpath(env.id) != path:
        return "holds a file whose id is not its name"
    if _stray_comment(text):
        return "holds a comment ucbr did not write"
    for name, armored in env.sections.items():
        problem = section_problem(armored)
        if problem is not None:
            return f"its {name} section {problem}"
    return None


def _stray_comment(text: str) -> bool:
    """Whether the file holds a comment other than ucbr's header (armor holds no ``#``)."""
    if text.startswith(envelope.HEADER) and text.find("#", len(envelope.HEADER)) < 0:
        return False
    comments = {ln for ln in text.splitlines() if ln.lstrip().startswith("#")}
    return bool(comments - _HEADER_LINES)
