"""``ucbr import``: a council's earlier records, from a CSV or XLSX sheet, onto the register.

Everything is checked before anything is written: every cell, every person (against the
register and against the rest of the sheet, as ``add-incident`` does), and every case
their rows make, replayed through the policy (``ucbr.domain.importing.build``) and judged
by the record invariants as an import. Only a sheet without a single problem is imported.
Each case is then one signed commit of the ``import`` action, naming its officer and the
file's SHA-256 (``Ucbr-Source``); the commits are judged together as the audit would judge
them, and all of them undone if one is unsound or the import is interrupted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ucbr.domain.duplicates import likely_people
from ucbr.domain.faults import case_problems
from ucbr.domain.ids import file_path, new_id
from ucbr.domain.importing.build import Importing, build_case
from ucbr.domain.importing.rows import SheetProblem
from ucbr.domain.importing.sheet import read_sheet
from ucbr.domain.importing.twice import twice_in_sheet
from ucbr.domain.invariants import Facts, record_problems
from ucbr.domain.model import Case
from ucbr.domain.permissions import may, refusal
from ucbr.domain.views import sections_of
from ucbr.errors import IntegrityError, Refused
from ucbr.services.audit.rings import Rings
from ucbr.services.chain import anchors, remember, tier_of
from ucbr.services.duplicates import recorded_people
from ucbr.services.session import Session
from ucbr.services.trust import judge
from ucbr.storage import git, gitlog
from ucbr.storage.sheets import read_sheet_file

SOURCE_TRAILER = "Ucbr-Source"


@dataclass
class ImportPlan:
    """What a sheet would import: its hash, the cases its rows make (with each person's
    first row), the problems that stop it, and what ``check`` will list once it is in."""

    source_sha256: str
    rows: int
    cases: list[tuple[int, Case]] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    commits: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many of each thing the cases hold."""
        cases = [case for _, case in self.cases]
        return {
            "cases": len(cases),
            "incidents": sum(len(c.incidents) for c in cases),
            "decisions": sum(len(c.decisions) for c in cases),
            "reviews": sum(len(c.reviews) for c in cases),
            "appeals": sum(len(c.appeals) for c in cases),
            "adjustments": sum(len(c.adjustments) for c in cases),
            "letters": sum(len(c.letters) for c in cases),
        }


def plan_import(session: Session, path: Path) -> ImportPlan:
    """Read and check the whole sheet; write nothing."""
    actor = session.actor
    if not may(actor.role, "import"):
        raise Refused(refusal(actor.role, "import"))
    raw, header, rows = read_sheet_file(path)
    plan = ImportPlan(hashlib.sha256(raw).hexdigest(), len(rows))
    people, plan.problems = read_sheet(header, rows)
    plan.problems += twice_in_sheet(people)
    reg = session.reg
    taken: set[str] = set(reg.ids())

    def claim(prefix: str) -> str:
        item_id = new_id(prefix, taken.__contains__)
        taken.add(item_id)
        return item_id

    how = Importing(reg.cfg, reg.policy_hash, reg.staff, actor, session.today,
                    plan.source_sha256, claim)  # fmt: skip
    existing = list(recorded_people(reg, session.ring)) if people else []
    facts = Facts(reg.cfg, reg.staff, "import", actor)
    for found in people:
        if found.person is None or found.broken:
            continue
        likely = likely_people(found.person, existing)
        case, problems = build_case(found, claim("C"), how, likely)
        plan.problems += problems
        if case is None:
            continue
        broken = record_problems(None, case, facts)
        plan.problems += [SheetProblem(found.first_row, None, message) for message in broken]
        plan.cases.append((found.first_row, case))
        plan.warnings += [
            f"row {found.first_row}: {p.message}"
            for p in case_problems(case, reg.cfg, session.today, reg.staff)
        ]
    plan.problems.sort(key=lambda p: p.row)
    return plan


def run_import(session: Session, path: Path, dry_run: bool = False) -> ImportPlan:
    """Import the sheet, one signed commit per case, unless it has a single problem (then,
    as with ``dry_run``, nothing is written)."""
    reg = session.reg
    with reg.locked():
        plan = plan_import(session, path)
        if plan.problems or dry_run or not plan.cases:
            return plan
        before = git.head(reg.root)
        assert before is not None  # a register has its init commit
        try:
            for _, case in plan.cases:
                plan.commits.append(_commit(session, case, plan.source_sha256))
            _judge(session, before)
        except BaseException:
            git.run(reg.root, "reset", "-q", "--keep", before)
            reg.made.clear()
            plan.commits.clear()
            raise
    return plan


def _commit(session: Session, case: Case, source: str) -> str:
    reg = session.reg
    text = reg.render(case.id, sections_of(case, reg.cfg), None)
    message = session.message("import", case.id, extra=[(SOURCE_TRAILER, source)])
    return reg.commit_files({file_path(case.id): text}, message, session.signer)


def _judge(session: Session, before: str) -> None:
    """The import's commits, judged together as the audit judges each; the first problem
    undoes them all."""
    root = session.reg.root
    commits = gitlog.log(root, rev=f"{before}..HEAD")
    problems = judge(root, commits, Rings(root, [], session.ring))
    if problems:
        raise IntegrityError(f"the import was undone: {problems[0].line()}")
    tier = tier_of(session.ring)
    if before in (anchors(root, tier).verified, anchors(root, tier).server):
        remember(root, tier, verified=commits[-1].sha)
