"""One function per command that changes the register: load, apply the policy, save, commit.

Each is the library behind a CLI command. They raise ``UcbrError``s and return values;
they never print.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from ucbr import foi, git, gitlog, policy
from ucbr.config import StaffMember
from ucbr.envelope import relpath
from ucbr.errors import Refused
from ucbr.ids import new_id, parse_file_id
from ucbr.model import (
    AdjustmentKind,
    Appeal,
    AppealOutcome,
    Case,
    Decision,
    FoiDecisionKind,
    FoiRecord,
    LetterFormat,
    LetterIssued,
    LetterKind,
    Person,
    PropertyRisk,
    Review,
    ReviewOutcome,
)
from ucbr.private import create_private_file, outside_register
from ucbr.store import Loaded, Register, case_sections, property_sections
from ucbr.vault import Keyring


def ids_in(model: BaseModel) -> set[str]:
    """Every ``id`` inside a record: incidents, decisions, reviews, appeals, letters, FOI."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("id"), str):
                found.add(value["id"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(model.model_dump(mode="json"))
    return found


def _claim(item_id: str, taken: set[str]) -> str:
    taken.add(item_id)
    return item_id


T = TypeVar("T")


@dataclass
class Session:
    """Who is acting, with which keys, on which register, on which day."""

    reg: Register
    ring: Keyring
    actor: StaffMember
    today: dt.date

    def ctx(self, within: BaseModel | None = None) -> policy.Ctx:
        """The policy's context; new item ids are checked against those already in ``within``."""
        taken = ids_in(within) if within is not None else set()
        return policy.Ctx(
            today=self.today,
            cfg=self.reg.cfg,
            policy_hash=self.reg.policy_hash,
            actor=self.actor,
            new_id=lambda prefix: _claim(new_id(prefix, taken.__contains__), taken),
        )

    def message(self, action: str, file_id: str, approves: str | None = None) -> git.CommitMessage:
        return git.CommitMessage(
            action, file_id, officer=self.actor.id, policy=self.reg.policy_hash, approves=approves
        )


def save_case(
    s: Session, case: Case, previous: Loaded | None, action: str, approves: str | None = None
) -> str:
    text = s.reg.render(case.id, case_sections(case, s.reg.cfg), previous)
    return s.reg.commit_files({relpath(case.id): text}, s.message(action, case.id, approves))


def save_property(
    s: Session,
    prop: PropertyRisk,
    previous: Loaded | None,
    action: str,
    approves: str | None = None,
) -> str:
    text = s.reg.render(prop.id, property_sections(prop), previous)
    return s.reg.commit_files({relpath(prop.id): text}, s.message(action, prop.id, approves))


def new_file_id(reg: Register, prefix: str) -> str:
    return new_id(prefix, reg.exists)


def add_incident(
    s: Session, case_id: str | None, person: Person | None, req: policy.IncidentRequest
) -> tuple[str, str]:
    with s.reg.locked():
        if case_id is None:
            if person is None:
                raise Refused("a new case needs --name")
            previous = None
            case = policy.open_case(new_file_id(s.reg, "C"), person, s.ctx())
        else:
            previous, case = s.reg.load_case(case_id, s.ring)
        case, incident = policy.record_incident(case, req, s.ctx(case))
        save_case(s, case, previous, "add-incident")
    return case.id, incident.id


def change_case(
    s: Session,
    case_id: str,
    action: str,
    change: Callable[[Case, policy.Ctx], tuple[Case, T]],
    approves: Callable[[T], str] | None = None,
) -> T:
    """Load a case, apply one policy transition, save it in one commit; return what it made."""
    with s.reg.locked():
        previous, case = s.reg.load_case(case_id, s.ring)
        case, made = change(case, s.ctx(case))
        save_case(s, case, previous, action, approves(made) if approves else None)
    return made


def change_property(
    s: Session,
    property_id: str,
    action: str,
    change: Callable[[PropertyRisk, policy.Ctx], PropertyRisk],
    approves: bool = False,
) -> PropertyRisk:
    """Load a property, apply one transition, save it in one commit."""
    with s.reg.locked():
        previous, prop = s.reg.load_property(property_id, s.ring)
        prop = change(prop, s.ctx(prop))
        save_property(s, prop, previous, action, prop.id if approves else None)
    return prop


def escalate(s: Session, case_id: str, req: policy.EscalationRequest) -> Decision:
    return change_case(s, case_id, "escalate", lambda c, ctx: policy.escalate(c, req, ctx))


def approve(s: Session, case_id: str) -> Decision:
    return change_case(s, case_id, "approve", policy.approve, approves=lambda d: d.id)


def reject(s: Session, case_id: str, reason: str) -> Decision:
    return change_case(s, case_id, "reject", lambda c, ctx: policy.reject(c, reason, ctx))


def add_adjustment(s: Session, case_id: str, kind: AdjustmentKind, note: str | None) -> Case:
    def change(case: Case, ctx: policy.Ctx) -> tuple[Case, Case]:
        case = policy.add_adjustment(case, kind, note, ctx)
        return case, case

    return change_case(s, case_id, "adjustment", change)


def review(s: Session, case_id: str, req: policy.ReviewRequest) -> Review:
    return change_case(s, case_id, "review", lambda c, ctx: policy.review(c, req, ctx))


def lodge_appeal(s: Session, case_id: str, received: dt.date, late_reason: str | None) -> Appeal:
    return change_case(
        s,
        case_id,
        "appeal-lodge",
        lambda c, ctx: policy.lodge_appeal(c, received, late_reason, ctx),
    )


def involved_in_history(reg: Register, file_id: str) -> frozenset[str]:
    """Officers whose commits proposed, approved or rejected a decision on this file.

    The appeal rule is checked against the record and, independently, against the
    history's own trailers, so a record edited to hide an officer does not hide them.
    """
    involved: set[str] = set()
    for c in gitlog.log(reg.root, paths=[relpath(file_id)]):
        if c.action in {"escalate", "approve", "reject", "add-incident", "review"}:
            involved.update(o for o in [c.officer] if o)
            member = reg.staff.by_email(c.author_email)
            if member is not None:
                involved.add(member.id)
    return frozenset(involved)


def decide_appeal(
    s: Session,
    case_id: str,
    outcome: AppealOutcome,
    reasons: str,
    variation: policy.EscalationRequest | None,
) -> Appeal:
    involved = involved_in_history(s.reg, parse_file_id(case_id))
    return change_case(
        s,
        case_id,
        "appeal-decide",
        lambda c, ctx: policy.decide_appeal(c, outcome, reasons, ctx, involved, variation),
    )


def add_property(s: Session, fields: dict[str, Any]) -> PropertyRisk:
    with s.reg.locked():
        prop = policy.propose_property(new_file_id(s.reg, "P"), ctx=s.ctx(), **fields)
        save_property(s, prop, None, "property-add")
    return prop


def approve_property(s: Session, property_id: str) -> PropertyRisk:
    return change_property(s, property_id, "property-approve", policy.approve_property, True)


def reject_property(s: Session, property_id: str, reason: str) -> PropertyRisk:
    return change_property(
        s, property_id, "property-reject", lambda p, ctx: policy.reject_property(p, reason, ctx)
    )


def review_property(
    s: Session,
    property_id: str,
    outcome: ReviewOutcome,
    reasons: str,
    variation: dict[str, Any] | None,
) -> PropertyRisk:
    return change_property(
        s,
        property_id,
        "property-review",
        lambda p, ctx: policy.review_property(p, outcome, reasons, ctx, variation),
    )


def record_foi(
    s: Session,
    case_id: str,
    request_ref: str,
    received: dt.date,
    decision: FoiDecisionKind,
    reasons: str,
) -> FoiRecord:
    return change_case(
        s,
        case_id,
        "foi",
        lambda c, ctx: foi.record_foi(c, request_ref, received, decision, reasons, ctx),
    )


def issue_letter(
    s: Session, case_id: str, kind: LetterKind, fmt: LetterFormat, out: Path
) -> LetterIssued:
    """Render a letter to ``out`` (0600, outside the register) and record that it was issued."""
    from ucbr import letters  # Jinja and the PDF engine load only when a letter is written

    target = outside_register(s.reg.root, out)
    if target.suffix.lower() in {".pdf", ".html", ".md"} and target.suffix.lower() != f".{fmt}":
        raise Refused(f"--out ends in {target.suffix} but --format is {fmt}")
    if case_id.upper().startswith("P-"):
        letters.render_property_letter()
    with s.reg.locked():
        previous, case = s.reg.load_case(case_id, s.ring)
        overrides = s.reg.root / ".ucbr" / "templates"
        rendered = letters.render_letter(
            case,
            kind,
            fmt,
            s.reg.cfg,
            s.reg.policy_hash,
            s.reg.staff,
            s.today,
            overrides if overrides.is_dir() else None,
        )
        issued = LetterIssued(
            id=s.ctx(case).new_id("L"),
            kind=kind,
            date=s.today,
            about=rendered.about,
            format=fmt,
            template_sha256=rendered.template_sha256,
            sha256=rendered.sha256,
            by=s.actor.id,
            policy=s.reg.policy_hash,
        )
        case = policy.record_letter(case, issued)
        create_private_file(target, rendered.content)
        try:
            save_case(s, case, previous, "letter")
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    return issued
