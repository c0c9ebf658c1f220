"""``ucbr check``: every problem in the register, collected as data, not stopped at the first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import BaseModel

from ucbr import envelope, views
from ucbr.admin import drivers_installed
from ucbr.config import TIERS
from ucbr.errors import INTEGRITY, PROBLEMS, UcbrError
from ucbr.model import Case, PropertyRisk, Schedule
from ucbr.store import (
    SECTION_MODELS,
    Loaded,
    Register,
    case_sections,
    encode,
    property_sections,
    recipients_file,
)
from ucbr.vault import Keyring, stanza_count


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    integrity: bool = False

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "message": self.message, "integrity": self.integrity}


@dataclass
class Report:
    files: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return INTEGRITY if any(p.integrity for p in self.problems) else PROBLEMS

    def add(self, path: str, message: str, integrity: bool = False) -> None:
        self.problems.append(Problem(path, message, integrity))


def check_register(reg: Register, ring: Keyring, today: dt.date) -> Report:
    report = Report()
    _check_setup(reg, ring, report)
    for file_id in reg.ids():
        report.files += 1
        _check_file(reg, ring, file_id, today, report)
    return report


def _check_setup(reg: Register, ring: Keyring, report: Report) -> None:
    if not drivers_installed(reg.root):
        report.add(
            ".git/config",
            "the ucbr diff and merge drivers are not installed; run `ucbr clone` or `ucbr init`",
        )
    for tier in TIERS:
        public = reg.public_tier(tier)
        held = ring.tiers.get(tier)
        if public is not None and held is not None and str(held.to_public()) != public:
            report.add(
                recipients_file(tier),
                f"the {tier} recipient is not the {tier} tier key",
                integrity=True,
            )


def _check_file(reg: Register, ring: Keyring, file_id: str, today: dt.date, report: Report) -> None:
    path = envelope.relpath(file_id)
    try:
        loaded = reg.load(file_id, ring)
    except UcbrError as exc:
        report.add(path, str(exc).removeprefix(f"{path}: "), integrity=True)
        return
    for name, armored in loaded.env.sections.items():
        expected = 1
        if stanza_count(armored) != expected:
            report.add(
                path,
                f"the {name} section is not encrypted to exactly its {expected} tier key(s)",
                integrity=True,
            )
    kind = envelope.kind_of(file_id)
    sections: dict[str, BaseModel] = {}
    for name in loaded.plain:
        try:
            sections[name] = reg.section(loaded, name, SECTION_MODELS[kind][name])
        except UcbrError as exc:
            report.add(path, str(exc).removeprefix(f"{path} "), integrity=True)
    for name, section in sections.items():
        if getattr(section, "id", file_id) != file_id:
            report.add(path, f"the {name} section belongs to another file", integrity=True)
            return
    record = sections.get("record")
    if record is not None:
        _check_agreement(loaded, record, reg, report, path)
        _check_policy(record, reg, today, report, path)
    elif isinstance(schedule := sections.get("schedule"), Schedule):
        _check_schedule(schedule, today, report, path)


def _check_schedule(schedule: Schedule, today: dt.date, report: Report, path: str) -> None:
    """What a key that cannot read records can still see: reviews gone past their date."""
    for item in schedule.items:
        if item.what in ("restriction_review", "property_review") and item.due < today:
            what = item.what.replace("_", " ")
            report.add(path, f"{schedule.id}: {what} overdue since {item.due.isoformat()}")


def _check_agreement(
    loaded: Loaded, record: BaseModel, reg: Register, report: Report, path: str
) -> None:
    derived = (
        case_sections(record, reg.cfg)
        if isinstance(record, Case)
        else property_sections(record)
        if isinstance(record, PropertyRisk)
        else {}
    )
    for name in ("schedule", "entry"):
        if name in loaded.plain and name in derived and encode(derived[name]) != loaded.plain[name]:
            report.add(path, f"the {name} section does not agree with the record", integrity=True)


def _check_policy(
    record: BaseModel, reg: Register, today: dt.date, report: Report, path: str
) -> None:
    if isinstance(record, Case):
        found = views.case_problems(record, reg.cfg, today)
    elif isinstance(record, PropertyRisk):
        found = views.property_problems(record, reg.cfg, today)
    else:  # pragma: no cover
        found = []
    for message in found:
        report.add(path, message)
    if isinstance(record, Case):
        _check_contacts(record, reg, report, path)


def _check_contacts(case: Case, reg: Register, report: Report, path: str) -> None:
    """A single point of contact who has left would leave frontline staff chasing no one."""
    current = views.decision_in_force(case)
    for r in current.restrictions if current else ():
        if r.staff is not None and reg.staff.by_id(r.staff) is None:
            report.add(path, f"{case.id}: the single point of contact {r.staff} is not staff")
