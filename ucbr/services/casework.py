"""One function per command that changes the register: load, apply the policy, save, commit.

Each is the library behind a CLI command. They raise ``UcbrError``s and return values;
they never print.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ucbr.domain import commitment, invariants, policy
from ucbr.domain.ids import file_path, new_id, parse_file_id
from ucbr.domain.letters import refuse_property_letter
from ucbr.domain.model import (
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
from ucbr.domain.permissions import Action
from ucbr.domain.policy import dated
from ucbr.domain.views import pending_proposal, sections_of
from ucbr.errors import Refused
from ucbr.services import outbox
from ucbr.services.involved import involved_in_history
from ucbr.services.session import Session
from ucbr.storage.private import create_private_file, outside_register
from ucbr.storage.store import Loaded, Register

T = TypeVar("T")


def save(
    session: Session,
    record: Case | PropertyRisk,
    previous: Loaded | None,
    action: Action,
    approves: str | None = None,
) -> str:
    """Seal a record's three sections and commit the file: one action, one commit, which
    commits to the record under a new salt (``ucbr.domain.commitment``).

    The record is judged first by every invariant (``ucbr.domain.invariants``), as the
    audit will judge the commit: whatever the change breaks that was not already broken
    refuses the command, and nothing is written."""
    reg = session.reg
    before = None
    if previous is not None and "record" in previous.plain:
        before = reg.section(previous, "record", type(record))
    facts = invariants.Facts(reg.cfg, reg.staff, action, session.actor)
    broken = invariants.record_problems(before, record, facts)
    if broken:
        names = sorted({m.rsplit("[", 1)[-1].rstrip("]") for m in broken[1:]})
        also = f" (it breaks {', '.join(f'[{n}]' for n in names)} too)" if names else ""
        raise Refused(f"refused: {record.id}: {broken[0]}{also}")
    record = record.model_copy(update={"salt": commitment.new_salt()})
    sections = sections_of(record, reg.cfg)
    text = reg.render(record.id, sections, previous)
    committed = commitment.trailer_value(
        record.id, record.model_dump(mode="json", exclude_none=True)
    )
    extra = [(commitment.TRAILER, committed)] if committed else []
    message = session.message(action, record.id, approves=approves, extra=extra)
    sha = session.commit({file_path(record.id): text}, message)
    # What the officer's own key cannot open, kept for them until it is synced.
    outbox.keep(reg.root, text, sections, session.ring, session.actor)
    return sha


def new_file_id(reg: Register, prefix: str) -> str:
    """A random case (``C``) or property (``P``) id not yet in the register."""
    return new_id(prefix, reg.exists)


def add_incident(
    session: Session,
    case_id: str | None,
    person: Person | None,
    req: policy.IncidentRequest,
    not_a_duplicate: str | None = None,
) -> tuple[str, str]:
    """Record an incident on a case, or on a new case for ``person``; returns both ids. A new
    case for someone likely already recorded needs ``not_a_duplicate``."""
    from ucbr.services.duplicates import people_like

    with session.reg.locked():
        if case_id is None:
            if person is None:
                raise Refused("a new case needs --name")
            previous = None
            likely = people_like(session.reg, session.ring, person)
            case = policy.open_case(
                new_file_id(session.reg, "C"), person, session.ctx(), likely, not_a_duplicate
            )
        else:
            previous, case = session.reg.load_case(case_id, session.ring)
        case, incident = policy.record_incident(case, req, session.ctx(case))
        save(session, case, previous, "add-incident")
    return case.id, incident.id


def change_case(
    session: Session,
    case_id: str,
    action: Action,
    change: Callable[[Case, policy.Ctx], tuple[Case, T]],
    approves: Callable[[T], str] | None = None,
    item: Callable[[T], str] | None = None,
) -> T:
    """Load a case, apply one policy transition, save it in one commit; return what it made.
    ``item`` names the decision, review or appeal the step made or changed, for a step dated
    the day it was done (``session.on``)."""
    with session.reg.locked():
        previous, case = session.reg.load_case(case_id, session.ring)
        case, made = change(case, session.ctx(case))
        if session.on is not None:
            assert item is not None, f"{action} takes no --on"
            case = dated_step(session, case, action, item(made))
        save(session, case, previous, action, approves(made) if approves else None)
    return made


def dated_step(session: Session, case: Case, action: str, item_id: str) -> Case:
    """A step dated the day it was done: refused before what it relies on; when recorded
    more than a few days later, the reason is recorded in the case."""
    on, today, reason = session.done_on, session.today, session.late_reason or ""
    dated.check_relied_on(case, action, item_id, on)
    if dated.needs_reason(on, today):
        case = dated.record_late(case, item_id, on, today, reason, session.actor.id)
    return case


def _made_id(made: Decision | Review) -> str:
    """The id of the decision or review a step made or changed."""
    return made.id


def change_property(
    session: Session,
    property_id: str,
    action: Action,
    change: Callable[[PropertyRisk, policy.Ctx], PropertyRisk],
    approves: bool = False,
) -> PropertyRisk:
    """Load a property, apply one transition, save it in one commit."""
    with session.reg.locked():
        previous, prop = session.reg.load_property(property_id, session.ring)
        prop = change(prop, session.ctx(prop))
        save(session, prop, previous, action, prop.id if approves else None)
    return prop


def escalate(session: Session, case_id: str, req: policy.EscalationRequest) -> Decision:
    """Give the next step on the ladder, or propose a restriction."""
    return change_case(
        session, case_id, "escalate", lambda c, x: policy.escalate(c, req, x), item=_made_id
    )


def approve(session: Session, case_id: str) -> Decision | Review:
    """Approve what awaits approval on a case (a proposal, or a continuation at review), in
    the approver's own commit."""
    involved = involved_in_history(session.reg, parse_file_id(case_id))
    return change_case(
        session,
        case_id,
        "approve",
        lambda case, ctx: policy.approve(case, ctx, involved),
        approves=_made_id,
        item=_made_id,
    )


def reject(session: Session, case_id: str, reason: str) -> Decision | Review:
    """Reject what awaits approval on a case, with a reason."""
    return change_case(
        session, case_id, "reject", lambda case, ctx: policy.reject(case, reason, ctx)
    )


def add_adjustment(session: Session, case_id: str, kind: AdjustmentKind, note: str | None) -> Case:
    """Record a reasonable adjustment on a case."""

    def change(case: Case, ctx: policy.Ctx) -> tuple[Case, Case]:
        case = policy.add_adjustment(case, kind, note, ctx)
        return case, case

    return change_case(session, case_id, "adjustment", change)


def review(session: Session, case_id: str, req: policy.ReviewRequest) -> Review:
    """Review the restriction in force on a case."""
    return change_case(
        session, case_id, "review", lambda c, x: policy.review(c, req, x), item=_made_id
    )


def lodge_appeal(
    session: Session, case_id: str, received: dt.date, late_reason: str | None
) -> Appeal:
    """Record an appeal against the decision in force."""
    return change_case(
        session,
        case_id,
        "appeal-lodge",
        lambda case, ctx: policy.lodge_appeal(case, received, late_reason, ctx),
    )


@dataclass(frozen=True)
class AppealDecided:
    """An appeal decided, and for a variation the proposal and who may approve it."""

    appeal: Appeal
    variation: Decision | None = None
    approvers: str | None = None


def decide_appeal(
    session: Session,
    case_id: str,
    outcome: AppealOutcome,
    reasons: str,
    variation: policy.EscalationRequest | None,
) -> AppealDecided:
    """Decide the pending appeal, as an officer not involved in the decision."""
    involved = involved_in_history(session.reg, parse_file_id(case_id))

    def change(case: Case, ctx: policy.Ctx) -> tuple[Case, AppealDecided]:
        case, appeal = policy.decide_appeal(case, outcome, reasons, ctx, involved, variation)
        proposal = pending_proposal(case)
        if outcome != "varied" or proposal is None:
            return case, AppealDecided(appeal)
        # The decider proposed it, so is not an approver; git history does not yet show it.
        who = policy.who_may_approve(case, proposal, ctx.staff, involved)
        return case, AppealDecided(appeal, proposal, who)

    return change_case(
        session, case_id, "appeal-decide", change, item=lambda decided: decided.appeal.id
    )


def add_property(
    session: Session, terms: policy.PropertyTerms, not_a_duplicate: str | None = None
) -> PropertyRisk:
    """Propose a property risk, in a new file; one likely already recorded needs a reason."""
    from ucbr.services.duplicates import properties_like

    with session.reg.locked():
        likely = properties_like(
            session.reg, session.ring, terms.address, terms.postcode, terms.uprn
        )
        prop = policy.propose_property(
            new_file_id(session.reg, "P"), terms, session.ctx(), likely, not_a_duplicate
        )
        save(session, prop, None, "property-add")
    return prop


def approve_property(session: Session, property_id: str) -> PropertyRisk:
    """Approve a proposed property risk or its variation."""
    return change_property(session, property_id, "property-approve", policy.approve_property, True)


def reject_property(session: Session, property_id: str, reason: str) -> PropertyRisk:
    """Reject a proposed property risk or its variation."""
    return change_property(
        session,
        property_id,
        "property-reject",
        lambda prop, ctx: policy.reject_property(prop, reason, ctx),
    )


def review_property(
    session: Session,
    property_id: str,
    outcome: ReviewOutcome,
    reasons: str,
    variation: policy.PropertyChange | None,
) -> PropertyRisk:
    """Review a property risk in force."""
    return change_property(
        session,
        property_id,
        "property-review",
        lambda prop, ctx: policy.review_property(prop, outcome, reasons, ctx, variation),
    )


def record_foi(
    session: Session,
    case_id: str,
    request_ref: str,
    received: dt.date,
    decision: FoiDecisionKind,
    reasons: str,
) -> FoiRecord:
    """Record an FOI section 14 decision on a case."""
    return change_case(
        session,
        case_id,
        "foi",
        lambda case, ctx: policy.record_foi(case, request_ref, received, decision, reasons, ctx),
    )


@dataclass(frozen=True)
class LetterWritten:
    """A letter written to a file: its record (none for a preview), and the adjustments the
    person needs that this letter does not meet by itself."""

    issued: LetterIssued | None
    unmet: list[str]


def issue_letter(
    session: Session,
    case_id: str,
    kind: LetterKind,
    fmt: LetterFormat | None,
    out: Path,
    preview: bool = False,
) -> LetterWritten:
    """Render a letter to ``out`` (0600, outside the register) and record that it was issued;
    a preview is rendered the same way and recorded nowhere."""
    from ucbr.domain.letters.form import letter_format, unmet
    from ucbr.services import letters  # Jinja and the PDF engine load only for a letter

    target = outside_register(session.reg.root, out)
    fmt = letter_format(target, fmt)
    if case_id.upper().startswith("P-"):
        refuse_property_letter()
    if not preview and not session.reg.cfg.privacy_notice_set:
        raise Refused(
            "letters point the person to the council's privacy notice, and none is set: ask a "
            "manager, head of service or IG officer to set privacy_notice_url; --preview shows "
            "a letter meanwhile"
        )
    with session.reg.locked():
        previous, case = session.reg.load_case(case_id, session.ring)
        rendered = letters.render_letter(
            case,
            kind,
            fmt,
            session.reg.cfg,
            session.reg.policy_hash,
            session.reg.staff,
            session.done_on,
            session.reg.committed_templates(),
        )
        if preview:
            create_private_file(target, rendered.content)
            return LetterWritten(None, unmet(case, fmt))
        issued = LetterIssued(
            id=session.ctx(case).new_id("L"),
            kind=kind,
            date=session.done_on,
            about=rendered.about,
            format=fmt,
            template_sha256=rendered.template_sha256,
            sha256=rendered.sha256,
            by=session.actor.id,
            policy=session.reg.policy_hash,
        )
        case = policy.record_letter(case, issued)
        if session.on is not None:
            case = dated_step(session, case, "letter", issued.id)
        create_private_file(target, rendered.content)
        try:
            save(session, case, previous, "letter")
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    return LetterWritten(case.letters[-1], unmet(case, fmt))
