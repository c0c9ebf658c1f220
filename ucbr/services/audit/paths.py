"""Every path a register holds, and which action may change which: nothing else is in it.

A register is a closed set of files: case and property records, the settings, the staff
directory, the tier keys and their public halves, the council's letter templates, the
tombstones, the disclosures, the root of trust, ``.gitattributes`` and ``.gitignore``.
Each action changes only its own kinds of file. Any other path (a CI workflow,
``.gitmodules``, ``.mailmap``, a file whose name git would quote) is outside the model
and refused by the audit, every verification and the server's hook, whatever the
commit's trailers say.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ucbr.domain.problems import Problem
from ucbr.domain.staff import TIERS
from ucbr.storage import gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import (
    POLICY_FILE,
    STAFF_FILE,
    TEMPLATE_NAME,
    TEMPLATES_DIR,
    recipients_file,
    tier_key_file,
)

ROOT_FILE = ".ucbr/root.yaml"
TOMBSTONES = ".ucbr/tombstones.yaml"
DISCLOSURES = ".ucbr/disclosures.yaml"
_RECORD = re.compile(r"(cases/C|properties/P)-[0-9A-HJKMNP-TV-Z]{8}\.yaml")

# The kinds of file, each a set of exact paths or a pattern.
KINDS: dict[str, frozenset[str]] = {
    "policy": frozenset({POLICY_FILE}),
    "staff": frozenset({STAFF_FILE}),
    "public keys": frozenset(recipients_file(t) for t in TIERS),
    "tier keys": frozenset(tier_key_file(t) for t in TIERS),
    "git settings": frozenset({".gitattributes", ".gitignore"}),
    "tombstones": frozenset({TOMBSTONES}),
    "disclosures": frozenset({DISCLOSURES}),
    "root": frozenset({ROOT_FILE}),
}
_ACCESS = ("staff", "public keys", "tier keys")
_RECORDS = ("records",)
# What each action may change. An action not listed changes records only.
MAY_CHANGE: dict[str, tuple[str, ...]] = {
    "init": ("policy", "staff", "public keys", "git settings"),
    "staff-add": _ACCESS,
    "staff-remove": (*_ACCESS, *_RECORDS),
    "keys-rotate": (*_ACCESS, *_RECORDS),
    "settings": ("policy", "templates"),
    "retention": (*_RECORDS, "tombstones"),
    "sar": ("disclosures",),
    "evidence": ("disclosures",),
    "import": _RECORDS,
    "root-rotate": ("root",),
    "re-root": ("root",),
}


def kind_of(path: str) -> str | None:
    """The kind of register file ``path`` is; None when it is not one."""
    if _RECORD.fullmatch(path):
        return "records"
    folder, _, name = path.rpartition("/")
    if folder == TEMPLATES_DIR and TEMPLATE_NAME.fullmatch(name):
        return "templates"
    return next((kind for kind, paths in KINDS.items() if path in paths), None)


def in_model(path: str) -> bool:
    """Whether ``path`` is a file a register may hold."""
    return kind_of(path) is not None


def shown(path: str) -> str:
    """A path as a problem may print it: anything but plain printable text escaped."""
    return gitlog.escaped(path)


def path_problems(commit: Commit, model_only: bool = False) -> list[str]:
    """Each path the commit changed that is not a register file, or (unless
    ``model_only``) that its action does not change (a ``revert`` changes what the commit
    it reverts changed)."""
    action = "revert" if model_only else commit.action or ""
    allowed = MAY_CHANGE.get(action, _RECORDS)
    problems = []
    for path in commit.files:
        kind = kind_of(path)
        if kind is None:
            problems.append(f"changed {shown(path)}, which is not a file a register holds")
        elif action != "revert" and kind not in allowed:
            problems.append(f"changed {path}, which a {action or 'commit'} does not change")
    return problems


def size_problems(root: Path, commits: Sequence[Commit]) -> list[Problem]:
    """Every file the commits stored that is larger than a register file may be, found from
    git's object headers alone: none of it is read."""
    specs = {f"{c.sha}:{path}": c for c in commits for path in c.files}
    found = []
    for spec, known in gitlog.object_sizes(root, specs).items():
        if known is not None and known[1] > gitlog.MAX_FILE_BYTES:
            commit = specs[spec]
            path = shown(spec.split(":", 1)[1])
            found.append(
                Problem(path, gitlog.oversized(spec, known[1]), severity="integrity",
                        commit=commit.short)
            )  # fmt: skip
    return found
