"""Plaintext anywhere in history: every file version ever stored, read for personal data.

A case or property file must hold nothing but age armor around ids; a recipients file
nothing but comments and age public keys; a tier-key file nothing but armor; and no other
file may hold fields shaped like personal data.
"""

from __future__ import annotations

import re
from pathlib import Path

from ucbr.domain.problems import Problem
from ucbr.errors import Refused
from ucbr.storage import gitlog
from ucbr.storage.sealed import file_problem
from ucbr.storage.store import POLICY_FILE, STAFF_FILE
from ucbr.storage.vault import parse_recipient

RECORD_DIRS = ("cases/", "properties/")
# Keys that hold personal data in a record; seen outside an age section, they are plaintext.
_PERSONAL = re.compile(
    r"^\s*-?\s*(name|aliases|address|postcode|email|emails|phone|phones|date_of_birth"
    r"|summary|person)\s*:",
    re.MULTILINE,
)


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
    problem = file_problem(path, data)
    if problem is not None or path.startswith((*RECORD_DIRS, ".ucbr/tiers/")):
        return problem
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return "is not text" if path.startswith(".ucbr/") else None
    if path.startswith(".ucbr/recipients/"):
        return _recipients_problem(text)
    if path in (STAFF_FILE, POLICY_FILE, ".gitattributes", ".gitignore"):
        return None
    if _PERSONAL.search(text):
        return "holds personal-data-shaped fields outside an age section"
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
