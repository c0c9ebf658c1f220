"""A case's chronology from git: every commit on it, who made it, and each revision of its
record, disclosed field by field against the commitment its commit carries.

A row is a projection of one signed commit (its date, trailers, and its author as the
staff directory named them when they acted), so the verifier checks every row against the
commit itself. A revision is the record a commit stored, each field given with the key
that proves it, or withheld (a third party's name) with only its hash.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ucbr.domain import commitment
from ucbr.domain.fields import SALT, flatten, item_key
from ucbr.domain.transitions import RESEALING
from ucbr.errors import UcbrError
from ucbr.services.audit.rings import Rings
from ucbr.services.audit.snapshots import Snapshots, parent_of
from ucbr.storage import envelope, gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import Register
from ucbr.storage.vault import Identity, Keyring

# Fields that hold someone other than the person: withheld from every revision.
THIRD_PARTIES: dict[str, str] = {
    "by_representative": "third party",  # who reported or acted for the person
    "representatives": "third party",  # who acts for the person
    "not_a_duplicate": "another person",  # why this is not someone else's case
}
# Fields that name items: withholding one would hide which item a field belongs to.
NEVER_WITHHELD = frozenset({"id", "kind", "recorded_on"})


@dataclass
class CaseHistory:
    """Every commit to HEAD, those on the case, and the record each of them stored."""

    chain: list[Commit]
    rows: list[Commit]
    records: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    snaps: Snapshots | None = None


def read_history(
    reg: Register, identities: Sequence[Identity], ring: Keyring, case_id: str
) -> CaseHistory:
    """The chain, the case's commits (those naming it), and the record at each that changed
    its file (None where the caller's keys do not open it)."""
    chain = gitlog.log(reg.root)
    path = envelope.relpath(case_id)
    rows = [c for c in chain if case_id in c.trailer_all("Ucbr-Case") or path in c.files]
    snaps = Snapshots(reg.root, [s for c in rows for s in (c.sha, *c.parents[:1])])
    found = CaseHistory(chain, rows, snaps=snaps)
    changed = [c for c in rows if path in c.files]
    blobs = gitlog.read_blobs(reg.root, [f"{c.sha}:{path}" for c in changed])
    rings = Rings(reg.root, identities, ring)
    for commit in changed:
        raw = blobs.get(f"{commit.sha}:{path}")
        if raw is None:
            continue
        try:
            env = envelope.parse(raw.decode(), path)
            data = rings.open(rings.at({}, commit.sha), "record", env.sections["record"])
        except (UcbrError, UnicodeDecodeError):
            data = None
        found.records[commit.sha] = data if isinstance(data, dict) else None
    _carried_back(found, changed)
    return found


def _carried_back(history: CaseHistory, changed: list[Commit]) -> None:
    """A revision sealed to tier keys the caller never held is read from the re-sealing that
    followed it (``staff remove``, ``keys rotate``): the audit holds that a re-seal changes
    nothing the record says, and the verifier checks the result against the commitment."""
    following: dict[str, Any] | None = None
    for commit in reversed(changed):
        if history.records.get(commit.sha) is None:
            history.records[commit.sha] = following
        resealed = commit.action in RESEALING
        following = history.records.get(commit.sha) if resealed else None


def member_at(history: CaseHistory, commit: Commit) -> tuple[str | None, str | None]:
    """The author's name and role as the staff directory named them when they acted (the
    first member of staff: as they added themselves)."""
    assert history.snaps is not None
    before = history.snaps.staff(parent_of(commit))
    directory = before if before.staff else history.snaps.staff(commit.sha)
    member = directory.by_email(commit.author_email)
    return (member.name, member.role) if member else (None, None)


def rows_of(history: CaseHistory, case_id: str) -> list[dict[str, Any]]:
    """The chronology: one row per commit on the case, as the commit itself says."""
    rows: list[dict[str, Any]] = []
    previous: dict[str, Any] = {}
    for commit in history.rows:
        made = commitment.claimed(commit.trailer_all(commitment.TRAILER), case_id)
        name, role = member_at(history, commit)
        record = history.records.get(commit.sha)
        changed: list[str] = []
        if record is not None:
            now = flatten(record)
            changed = [p for p in now if previous.get(p) != now[p]]
            changed += [p for p in previous if p not in now]
            previous = now
        rows.append(
            {
                "commit": commit.sha,
                "date": commit.date.date().isoformat(),
                "policy_date": commit.trailer("Ucbr-Date"),
                "officer": commit.officer,
                "name": name,
                "role": role,
                "action": commit.action,
                "approves": commit.trailer("Ucbr-Approves"),
                "policy": commit.trailer("Ucbr-Policy"),
                "record": made[0] if made else None,
                "changed": changed,
            }
        )
    return rows


def withheld_paths(record: Mapping[str, Any], asked: Sequence[str]) -> dict[str, str]:
    """The fields of one revision to withhold, and why: third parties always, and those
    asked for (named as ``ucbr history`` names them)."""
    found: dict[str, str] = {}
    for path in flatten(record):
        last = path.rsplit(".", 1)[-1].split("[", 1)[0]
        if last in THIRD_PARTIES:
            found[path] = THIRD_PARTIES[last]
        elif path in asked:
            found[path] = "third party"
    return found


def unknown_asked(history: CaseHistory, asked: Sequence[str]) -> list[str]:
    """The fields asked to be withheld that no revision holds, or that name an item."""
    held = {p for r in history.records.values() if r is not None for p in flatten(r)}
    return [p for p in asked if p not in held or p.rsplit(".", 1)[-1] in NEVER_WITHHELD]


def revisions_of(
    history: CaseHistory, case_id: str, asked: Sequence[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Each record committed to, disclosed; and the commits whose record could not be read."""
    revisions: list[dict[str, Any]] = []
    unreadable: list[str] = []
    for commit in history.rows:
        if not commitment.claimed(commit.trailer_all(commitment.TRAILER), case_id):
            continue
        record = history.records.get(commit.sha)
        if record is None or SALT not in record:
            unreadable.append(commit.sha)
            continue
        leaves = commitment.disclose(record, withheld_paths(record, asked))
        revisions.append({"commit": commit.sha, "leaves": leaves})
    return revisions, unreadable


def shown(revision: Mapping[str, Any] | None, record: Mapping[str, Any]) -> dict[str, Any]:
    """A revision's record as the report shows it: the salt out, each withheld field marked."""
    if revision is None:
        return {k: v for k, v in record.items() if k != SALT}
    marks = {leaf[0]: f"[redacted: {leaf[3]}]" for leaf in revision["leaves"] if len(leaf) == 4}

    def walk(value: Any, prefix: str) -> Any:
        if prefix in marks:
            return marks[prefix]
        if isinstance(value, dict):
            return {
                k: walk(v, f"{prefix}.{k}" if prefix else k)
                for k, v in value.items()
                if not (k == SALT and not prefix)
            }
        if isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
            keys = list(_item_keys(value))
            return [walk(i, f"{prefix}[{k}]") for k, i in zip(keys, value, strict=True)]
        return value

    result = walk(dict(record), "")
    assert isinstance(result, dict)
    return result


def _item_keys(items: list[dict[str, Any]]) -> list[str]:
    """How ``flatten`` names the items of a list: by id, else by position."""
    keys = [item_key(item) for item in items]
    if None in keys or len(set(keys)) != len(keys):
        return [str(n) for n in range(len(items))]
    return [str(key) for key in keys]
