"""Plaintext anywhere in history: every file version ever stored, read for personal data.

A case or property file must hold nothing but age armor around ids; a recipients file
nothing but comments and age public keys; a tier-key file nothing but armor; and no other
file may hold fields shaped like personal data.
"""

from __future__ import annotations

import re
from pathlib import Path

from ucbr.domain.problems import Problem
from ucbr.errors import Refused, UcbrError
from ucbr.storage import envelope, gitlog
from ucbr.storage.store import POLICY_FILE, STAFF_FILE
from ucbr.storage.vault import ARMOR_BEGIN, ARMOR_END, parse_recipient

RECORD_DIRS = ("cases/", "properties/")
_ARMOR_BODY = re.compile(r"^[A-Za-z0-9+/=]*$")
# Keys that hold personal data in a record; seen outside an age section, they are plaintext.
_PERSONAL = re.compile(
    r"^\s*-?\s*(name|aliases|address|postcode|email|emails|phone|phones|date_of_birth"
    r"|summary|person)\s*:",
    re.MULTILINE,
)
_HEADER_LINES = frozenset(envelope.HEADER.splitlines())


def scan_plaintext(root: Path) -> list[Problem]:
    """Every file version ever stored: records sealed, keys and recipients as ucbr writes them."""
    blobs = gitlog.all_blobs(root)
    contents = gitlog.read_blobs(root, [sha for sha, _ in blobs])
    found: list[Problem] = []
    for sha, path in blobs:
        message = blob_problem(path, contents.get(sha) or b"")
        if message:
            commit = gitlog.introduced_by(root, sha)
            found.append(Problem(path, message, severity="integrity", commit=commit))
    return found


def blob_problem(path: str, data: bytes) -> str | None:
    """What is wrong with one stored file version at ``path``, or None."""
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return "is not text" if path.startswith((*RECORD_DIRS, ".ucbr/")) else None
    if path.startswith(RECORD_DIRS):
        return _record_problem(path, text)
    if path.startswith(".ucbr/recipients/"):
        return _recipients_problem(text)
    if path.startswith(".ucbr/tiers/"):
        return _armor_problem(text)
    if path in (STAFF_FILE, POLICY_FILE, ".gitattributes", ".gitignore"):
        return None
    if _PERSONAL.search(text):
        return "holds personal-data-shaped fields outside an age section"
    return None


def _record_problem(path: str, text: str) -> str | None:
    try:
        env = envelope.parse(text, path)
    except UcbrError as exc:
        return f"is not sealed: {str(exc).removeprefix(f'{path}: ')}"
    if envelope.relpath(env.id) != path:
        return "holds a file whose id is not its name"
    comments = {ln for ln in text.splitlines() if ln.lstrip().startswith("#")}
    if comments - _HEADER_LINES:
        return "holds a comment ucbr did not write"
    return None


def _recipients_problem(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if line.startswith("age1"):
                parse_recipient(line)
                continue
        except Refused:
            pass
        return "holds something other than comments and age public keys"
    return None


def _armor_problem(text: str) -> str | None:
    lines = text.strip().splitlines()
    if len(lines) < 3 or lines[0] != ARMOR_BEGIN or lines[-1] != ARMOR_END:
        return "is not an armored age file"
    if not all(_ARMOR_BODY.match(ln) for ln in lines[1:-1]):
        return "holds text outside the age armor"
    return None
