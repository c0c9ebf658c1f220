"""One person's rows made into a case, by replaying each event through the policy itself.

Each event runs the transition a command would have run, on the day the sheet gives: an
incident is recorded, a warning or restriction given (a restriction then approved), an
adjustment recorded, a review held, an appeal lodged and decided. So an imported case is
one the register could have made: every rule of the ladder, the terms, the review interval,
adjustments and appeals is checked, with the policy's own words. A refusal becomes a
problem at the row that caused it.

Nobody in ucbr signed those events, so the case says so (``ucbr.domain.provenance``): the
actor fields name ``EARLIER_RECORDS``, every item keeps its row and the names the sheet
gives, and every approval and appeal decision is the importer's attestation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ucbr.domain import policy
from ucbr.domain.duplicates import Likely
from ucbr.domain.importing.columns import NAMES
from ucbr.domain.importing.rows import Event, PersonRows, SheetProblem
from ucbr.domain.model import LADDER, Case, LetterIssued, LetterKind, Person
from ucbr.domain.policy.approval import approve as approve_decision
from ucbr.domain.policy.ladder import highest_given, is_serious
from ucbr.domain.policy.terms import EscalationRequest
from ucbr.domain.provenance import EARLIER_RECORDS, CaseImport, Earlier
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import Role, StaffDirectory, StaffMember
from ucbr.domain.views import GIVEN_STATUSES
from ucbr.errors import Refused

# Who the replay acts as: the earlier records propose and report; approvals and appeal
# decisions are made under stand-in ids, then given to the importer, who attests them.
_APPROVER = "earlier-approver"
_APPEAL_DECIDER = "earlier-appeal-decider"
ATTESTED = frozenset({_APPROVER, _APPEAL_DECIDER})
# Options the policy's refusals name, as the sheet's columns.
_OPTION_COLUMNS = {
    "--bypass-reason": "bypass reason", "--review-by": "review date",
    "--bypass": "an earlier incident whose behaviours are physically aggressive or threats",
    "--considerations": "considerations", "--essential-services": "essential services",
    "--scope-reason": "scope reason", "--spoc": "single point of contact", "--justify": "justify",
    "--note": "note", "--only-channel": "only channel", "--contact-days": "contact days",
}  # fmt: skip
_LETTERS: dict[str, LetterKind] = {
    "verbal_warning": "verbal-warning-note",
    "informal_written_warning": "informal-warning",
    "formal_written_warning": "formal-warning",
    "contact_refused": "contact-refused",
}


@dataclass(frozen=True)
class Importing:
    """What every case of one import shares: the register's policy and staff, who imports,
    on which day, from which file, and how new item ids are made."""

    cfg: PolicyConfig
    policy_hash: str
    staff: StaffDirectory
    importer: StaffMember
    today: dt.date
    source_sha256: str
    new_id: Callable[[str], str]

    def ctx(self, staff_id: str, role: Role, day: dt.date) -> policy.Ctx:
        """The policy's context for one event: who (a stand-in), on the event's day."""
        actor = StaffMember.model_construct(
            id=staff_id, name=staff_id, email="-", role=role, recipients=["-"]
        )
        return policy.Ctx(day, self.cfg, self.policy_hash, actor, self.new_id, self.staff)


def build_case(
    found: PersonRows, case_id: str, how: Importing, likely: list[Likely]
) -> tuple[Case | None, list[SheetProblem]]:
    """The case one person's rows make, or the problems (at their rows) that stop it."""
    assert found.person is not None
    if likely and not found.details.get("not a duplicate"):
        named = ", ".join(x.line() for x in likely)
        return None, [
            SheetProblem(found.first_row, "person", f"likely the same person as {named}, "
                         "already on the register: leave their rows out, or say why this is "
                         "someone else in the not a duplicate column")
        ]  # fmt: skip
    if not found.events:
        return None, [SheetProblem(found.first_row, "event", "this person has no event")]
    replay = _Replay(found, how)
    try:
        first = found.events[0]
        case = policy.open_case(case_id, found.person, how.ctx(EARLIER_RECORDS, "case_officer",
                                first.date))  # fmt: skip
        if likely:
            case = case.model_copy(update={"not_a_duplicate": found.details["not a duplicate"]})
        for event in found.events:
            replay.row = event.row
            case = replay.apply(case, event)
    except Refused as exc:
        return None, [SheetProblem(replay.row, _column(str(exc)), _why(str(exc)))]
    return _attested(case, found, how, replay.rows), []


class _Replay:
    """Applies a person's events in order, remembering which row made which item."""

    def __init__(self, found: PersonRows, how: Importing) -> None:
        self.found = found
        self.how = how
        self.row = found.first_row
        self.rows: dict[str, Event] = {}  # item id (or adjustment kind) -> its row

    def ctx(self, day: dt.date, who: str = EARLIER_RECORDS) -> policy.Ctx:
        role: Role = "case_officer" if who == EARLIER_RECORDS else "head_of_service"
        return self.how.ctx(who, role, day)

    def apply(self, case: Case, event: Event) -> Case:
        if event.kind == "incident":
            request = policy.IncidentRequest(date=event.date, **event.details)
            case, incident = policy.record_incident(case, request, self.ctx(event.date))
            self.rows[incident.id] = event
            return case
        if event.kind == "adjustment":
            details = event.details
            case = policy.add_adjustment(
                case, details["adjustment"], details["note"], self.ctx(event.date)
            )
            self.rows[details["adjustment"]] = event
            return case
        if event.kind == "review":
            return self._review(case, event)
        if event.kind == "appeal":
            return self._appeal(case, event)
        return self._decision(case, event)

    def _decision(self, case: Case, event: Event) -> Case:
        step = event.details["step"]
        terms = event.details["terms"]
        incidents = _not_yet_relied_on(case, event.date)
        bypass = None
        if LADDER.index(step) > highest_given(case) + 1:
            serious = [i.id for i in case.incidents if i.id in incidents and is_serious(i)]
            bypass = serious[-1] if serious else None
        request = EscalationRequest(
            to=step, incidents=incidents, considerations=terms.considerations, note=terms.note,
            restrictions=terms.restrictions, essential_services=terms.essential_services,
            scope=terms.scope, scope_reason=terms.scope_reason, review_by=terms.review_by,
            bypass=bypass, bypass_reason=terms.bypass_reason if bypass else None,
            justification=terms.justification,
        )  # fmt: skip
        case, decision = policy.escalate(case, request, self.ctx(event.date))
        if decision.status == "proposed":
            case, decision = approve_decision(case, self.ctx(event.date, _APPROVER))
        self.rows[decision.id] = event
        return self._letter(case, event, _LETTERS[step], decision.id)

    def _review(self, case: Case, event: Event) -> Case:
        details = event.details
        lifting = details["outcome"] == "lift"
        request = policy.ReviewRequest(
            outcome=details["outcome"], reasons=details["reasons"], significant_change=lifting,
            next_review=details["next_review"], justification=details["justification"],
        )  # fmt: skip
        case, review = policy.review(case, request, self.ctx(event.date))
        if review.status == "proposed":  # a continuation, approved as the decision was
            case, _ = policy.approve(case, self.ctx(event.date, _APPROVER))
        self.rows[review.id] = event
        if lifting:
            return self._letter(case, event, "restriction-ended", review.decision)
        return self._letter(case, event, "review-outcome", review.id)

    def _appeal(self, case: Case, event: Event) -> Case:
        details = event.details
        ctx = self.ctx(event.date)
        case, appeal = policy.lodge_appeal(case, event.date, details["late_reason"], ctx)
        self.rows[appeal.id] = event
        if details["outcome"] is None:
            return self._letter(case, event, "appeal-acknowledgement", appeal.id)
        case, appeal = policy.decide_appeal(
            case, details["outcome"], details["reasons"],
            self.ctx(details["decided_on"], _APPEAL_DECIDER),
        )  # fmt: skip
        return self._letter(case, event, "appeal-outcome", appeal.id)

    def _letter(self, case: Case, event: Event, kind: LetterKind, about: str) -> Case:
        if event.letter_sent is None:
            return case
        letter = LetterIssued(
            id=self.how.new_id("L"), kind=kind, date=event.letter_sent, about=about,
            by=EARLIER_RECORDS, policy=self.how.policy_hash,
            imported=Earlier(row=event.row, officer=event.officer),
        )  # fmt: skip
        return policy.record_letter(case, letter)


def _not_yet_relied_on(case: Case, day: dt.date) -> tuple[str, ...]:
    """The incidents up to ``day`` that no decision given so far relied on: what a new
    step on the ladder answers."""
    answered = {i for d in case.decisions if d.status in GIVEN_STATUSES for i in d.incidents}
    fresh = tuple(i.id for i in case.incidents if i.date <= day and i.id not in answered)
    return fresh or tuple(i.id for i in case.incidents if i.date <= day)[-1:]


def _attested(case: Case, found: PersonRows, how: Importing, rows: dict[str, Event]) -> Case:
    """The replayed case marked as imported: each item with its row and the names the sheet
    gives; approvals and appeal decisions the importer's."""
    me = how.importer.id

    def mark(item: Any, key: str) -> Any:
        event = rows.get(key)
        update: dict[str, Any] = {}
        if event is not None:
            update["imported"] = Earlier(
                row=event.row, officer=event.officer, approver=event.decided_by
            )
        for name in ("approved_by", "rejected_by", "decided_by"):
            if getattr(item, name, None) in ATTESTED:
                update[name] = me
        return item.model_copy(update=update)

    return Case.model_validate(
        case.model_copy(
            update={
                "incidents": tuple(mark(i, i.id) for i in case.incidents),
                "decisions": tuple(mark(d, d.id) for d in case.decisions),
                "reviews": tuple(mark(r, r.id) for r in case.reviews),
                "appeals": tuple(mark(a, a.id) for a in case.appeals),
                "adjustments": tuple(mark(a, a.kind) for a in case.adjustments),
                "imported": CaseImport(
                    by=me, on=how.today, source_sha256=how.source_sha256,
                    reference=found.reference,
                ),
            }
        ).model_dump()
    )  # fmt: skip


_OPTION = re.compile(r"\(?(--[a-z-]+)\)?")


def _column(message: str) -> str | None:
    """The column a policy refusal is about, from the first option it names that is one."""
    named = (_OPTION_COLUMNS.get(found.group(1)) for found in _OPTION.finditer(message))
    return next((name for name in named if name in NAMES), None)


def _why(message: str) -> str:
    """A policy refusal in the sheet's words: its options named as columns."""
    text = message.removeprefix("refused: ")
    return _OPTION.sub(lambda m: f"({_OPTION_COLUMNS.get(m.group(1), m.group(1))})", text)


def sheet_people(found: list[PersonRows]) -> list[tuple[int, Person]]:
    """Each person of the sheet, by their first row, for the duplicate check."""
    return [(p.first_row, p.person) for p in found if p.person is not None]
