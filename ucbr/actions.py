"""One function per command that changes the register: load, apply the policy, save, commit.

Each is the library behind a CLI command. They raise ``UcbrError``s and return values;
they never print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ucbr import git, policy
from ucbr.config import StaffMember
from ucbr.envelope import relpath
from ucbr.errors import Refused
from ucbr.ids import new_id
from ucbr.model import AdjustmentKind, Case, Decision, Person, PropertyRisk
from ucbr.store import Loaded, Register, case_sections, property_sections
from ucbr.vault import Keyring


@dataclass
class Session:
    """Who is acting, with which keys, on which register, on which day."""

    reg: Register
    ring: Keyring
    actor: StaffMember
    today: dt.date

    def ctx(self) -> policy.Ctx:
        return policy.Ctx(
            today=self.today,
            cfg=self.reg.cfg,
            policy_hash=self.reg.policy_hash,
            actor=self.actor,
            new_id=lambda prefix: new_id(prefix, lambda _candidate: False),
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
    s: Session, prop: PropertyRisk, previous: Loaded | None, action: str, approves: str | None = None
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
        case, incident = policy.record_incident(case, req, s.ctx())
        save_case(s, case, previous, "add-incident")
    return case.id, incident.id


def escalate(s: Session, case_id: str, req: policy.EscalationRequest) -> Decision:
    with s.reg.locked():
        previous, case = s.reg.load_case(case_id, s.ring)
        case, decision = policy.escalate(case, req, s.ctx())
        save_case(s, case, previous, "escalate")
    return decision


def approve(s: Session, case_id: str) -> Decision:
    with s.reg.locked():
        previous, case = s.reg.load_case(case_id, s.ring)
        case, decision = policy.approve(case, s.ctx())
        save_case(s, case, previous, "approve", approves=decision.id)
    return decision


def reject(s: Session, case_id: str, reason: str) -> Decision:
    with s.reg.locked():
        previous, case = s.reg.load_case(case_id, s.ring)
        case, decision = policy.reject(case, reason, s.ctx())
        save_case(s, case, previous, "reject")
    return decision


def add_adjustment(s: Session, case_id: str, kind: AdjustmentKind, note: str | None) -> Case:
    with s.reg.locked():
        previous, case = s.reg.load_case(case_id, s.ring)
        case = policy.add_adjustment(case, kind, note, s.ctx())
        save_case(s, case, previous, "adjustment")
    return case
