"""Letters as issued: each made again from the record, settings, staff and templates of the
day it was issued, and compared byte for byte with the hash recorded then.

A letter is rendered from the record as it stood before the commit that recorded it, with
the policy, staff directory and council templates at that commit's parent, on the letter's
own date. Templates a council committed are read from that commit; the packaged defaults
are this version's, so a letter made from defaults that have changed since cannot come out
the same, and the report says so. A copy of the letter as sent, from the council's own
files, is as good: its SHA-256 is the one recorded when it was issued.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ucbr.domain.model import Case, LetterFormat, LetterIssued
from ucbr.errors import Refused, UcbrError
from ucbr.services import letters
from ucbr.services.audit.snapshots import parent_of
from ucbr.services.evidence.chronology import CaseHistory
from ucbr.storage.store import Register

# A council's own copy of a letter larger than this is not a letter ucbr wrote.
LARGEST_COPY = 20 * 1024 * 1024


@dataclass(frozen=True)
class Reissued:
    """One letter: the bytes to include (None: none could be made), whether they are the
    letter as issued, and why not."""

    letter: LetterIssued
    content: bytes | None
    identical: bool
    why: str

    @property
    def file(self) -> str | None:
        """Its name in the bundle: ``letters/L-….pdf`` as issued, else ``….regenerated.pdf``."""
        if self.content is None:
            return None
        made = "" if self.identical else ".regenerated"
        return f"letters/{self.letter.id}{made}.{self.letter.format}"


def copies_in(folder: Path | None) -> dict[str, bytes]:
    """The council's copies of letters as sent, by SHA-256: plain files only, never a link."""
    if folder is None:
        return {}
    if not folder.is_dir():
        raise Refused(f"{folder} is not a folder of letters")
    found: dict[str, bytes] = {}
    for entry in os.scandir(folder):
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISREG(info.st_mode) and info.st_size <= LARGEST_COPY:
            content = Path(entry.path).read_bytes()
            found[hashlib.sha256(content).hexdigest()] = content
    return found


def reissue_all(
    reg: Register, history: CaseHistory, case: Case, copies: Mapping[str, bytes]
) -> list[Reissued]:
    """Every letter the case records, made again (or found among ``copies``)."""
    return [_reissue(reg, history, letter, copies) for letter in case.letters]


def _reissue(
    reg: Register, history: CaseHistory, letter: LetterIssued, copies: Mapping[str, bytes]
) -> Reissued:
    if letter.sha256 is None or letter.format is None:
        why = "brought in from the council's earlier records: no copy of it was kept"
        return Reissued(letter, None, False, why)
    made = _render(reg, history, letter, letter.format)
    if not isinstance(made, str) and hashlib.sha256(made[0]).hexdigest() == letter.sha256:
        return Reissued(letter, made[0], True, "made again byte for byte: the letter as issued")
    if letter.sha256 in copies:
        why = "the council's copy as sent, whose SHA-256 is the one recorded when it was issued"
        return Reissued(letter, copies[letter.sha256], True, why)
    if isinstance(made, str):
        return Reissued(letter, None, False, made)
    return Reissued(letter, made[0], False, _difference(letter, made[1]))


def _difference(letter: LetterIssued, template_sha256: str) -> str:
    """Why a letter made again from the same facts is not the letter issued."""
    if template_sha256 != letter.template_sha256:
        return (
            "made again, not the same: it was made from other templates than those this "
            "version of ucbr and the register hold (the letter templates changed since)"
        )
    if letter.format == "pdf":
        return (
            "made again from the same templates, not the same bytes: a PDF also depends on "
            "the PDF engine and fonts that made it, and before ucbr fixed the date its fonts "
            "carry, on the moment it was made"
        )
    return (
        "made again from the same templates, not the same text: what ucbr puts in letters "
        "has changed since it was issued"
    )


def _render(
    reg: Register, history: CaseHistory, letter: LetterIssued, fmt: LetterFormat
) -> tuple[bytes, str] | str:
    """The letter made again and the hash of the templates it used, or why it could not be."""
    found = _issued_at(history, letter.id)
    if found is None:
        return "could not be made again: the record as it was then does not open with your key"
    commit_sha, before = found
    snaps = history.snaps
    assert snaps is not None
    parent = parent_of(next(c for c in history.rows if c.sha == commit_sha))
    cfg, policy_hash = snaps.policy(parent), snaps.policy_hash(parent)
    if parent is None or cfg is None or policy_hash is None:
        return "could not be made again: the register's settings of the day cannot be read"
    try:
        case = Case.model_validate(before)
        rendered = letters.render_letter(
            case, letter.kind, fmt, cfg, policy_hash, snaps.staff(parent),
            letter.date, reg.committed_templates(parent),
        )  # fmt: skip
    except ValidationError:
        return "could not be made again: the record of the day is not one this ucbr reads"
    except UcbrError as exc:
        return f"could not be made again: {exc}"
    return rendered.content, rendered.template_sha256


def _issued_at(history: CaseHistory, letter_id: str) -> tuple[str, dict[str, Any]] | None:
    """The commit that recorded the letter, and the record just before it."""
    before: dict[str, Any] | None = None
    for commit in history.rows:
        if commit.sha not in history.records:
            continue
        record = history.records[commit.sha]
        if record is not None and any(i.get("id") == letter_id for i in record.get("letters", [])):
            return (commit.sha, before) if before is not None else None
        before = record
    return None
