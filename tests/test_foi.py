"""FOI section 14 decisions on a case and their refusal notices."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from ucbr.domain.foi import foi_refusal_due, record_foi
from ucbr.domain.model import Case, Decision, DecisionStatus, LetterIssued, Person, Step
from ucbr.domain.staff import StaffMember
from ucbr.errors import Refused

D = dt.date
TODAY = D(2026, 3, 20)
HASH = "0123456789ab"
OFFICER = StaffMember(
    id="ig.officer",
    name="Information Officer",
    email="ig@example.gov.uk",
    role="ig_officer",
    recipients=["age1example"],
)


def _counter() -> Callable[[str], str]:
    numbers = itertools.count(1)
    return lambda prefix: f"{prefix}-{next(numbers):08d}"


@dataclass(frozen=True)
class Ctx:
    today: dt.date = TODAY
    actor: StaffMember = field(default_factory=lambda: OFFICER)
    policy_hash: str = HASH
    new_id: Callable[[str], str] = field(default_factory=_counter)


def warning(step: Step = "verbal_warning", status: DecisionStatus = "recorded") -> Decision:
    return Decision(
        id="D-00000001",
        step=step,
        incidents=("I-00000001",),
        note="Told that further abuse would lead to restrictions.",
        scope="housing",
        proposed_by="case.officer",
        proposed_on=D(2026, 1, 5),
        status=status,
        policy=HASH,
    )


def a_case(*decisions: Decision) -> Case:
    return Case(
        id="C-0000000A",
        person=Person(name="John Smith"),
        decisions=decisions,
        opened_on=D(2026, 1, 1),
    )


def refusal_letter(about: str) -> LetterIssued:
    return LetterIssued(
        id="L-00000001",
        kind="foi-refusal",
        date=TODAY,
        about=about,
        format="pdf",
        template_sha256="0" * 64,
        sha256="1" * 64,
        by="ig.officer",
        policy=HASH,
    )


REASONS = "Twelfth request on the same closed complaint; burden outweighs any remaining value."


def test_foi_decision_is_recorded_with_its_due_date() -> None:
    """Recording an s14(1) decision adds it to the case with who, when and under which policy."""
    case, record = record_foi(a_case(), "FOI-2026-041", D(2026, 3, 20), "s14-1", REASONS, Ctx())
    assert case.foi == (record,)
    assert (record.id, record.decision, record.by, record.policy) == (
        "F-00000001",
        "s14-1",
        "ig.officer",
        HASH,
    )


def test_refusal_notice_due_in_20_working_days() -> None:
    """The refusal notice is due on the 20th working day after receipt, skipping Easter.

    DOMAIN.md: "Refusal notice within 20 working days".

    Received Friday 20 March 2026; Good Friday 3 April and Easter Monday 6 April are
    bank holidays, so the twentieth working day is Tuesday 21 April.
    """
    ctx = Ctx(today=D(2026, 3, 25))
    _, record = record_foi(a_case(), "FOI-2026-041", D(2026, 3, 20), "s14-2", REASONS, ctx)
    assert record.due == D(2026, 4, 21)


def test_received_not_in_the_future() -> None:
    """A request cannot have been received after today."""
    with pytest.raises(Refused, match="received after today"):
        record_foi(a_case(), "FOI-1", TODAY + dt.timedelta(days=1), "s14-1", REASONS, Ctx())


@pytest.mark.parametrize("reasons", ["", "   \n"])
def test_reasons_required(reasons: str) -> None:
    """Reasons are required, for the balance the ICO asks for.

    DOMAIN.md: vexatious means "weighing value and purpose against impact, in context
    and history" (Dransfield).
    """
    with pytest.raises(Refused, match="reasons are required"):
        record_foi(a_case(), "FOI-1", TODAY, "s14-1", reasons, Ctx())


def test_request_reference_required() -> None:
    """An FOI decision must say which request it is about."""
    with pytest.raises(Refused, match="reference"):
        record_foi(a_case(), " ", TODAY, "s14-1", REASONS, Ctx())


def test_s17_6_needs_earlier_s14_and_warning() -> None:
    """s17(6) is accepted after an earlier s14 decision and a warning.

    DOMAIN.md: "s17(6) (no further notices) only after an earlier s14 notice and a
    warning, with reasons recorded."
    """
    case, _ = record_foi(a_case(warning()), "FOI-1", D(2026, 2, 2), "s14-1", REASONS, Ctx())
    case, record = record_foi(case, "FOI-2", D(2026, 3, 2), "s17-6", REASONS, Ctx())
    assert record.decision == "s17-6"
    assert len(case.foi) == 2


def test_s17_6_refused_without_earlier_s14() -> None:
    """s17(6) is refused when no earlier s14 decision is recorded, and the refusal says so."""
    with pytest.raises(Refused, match="earlier s14") as refused:
        record_foi(a_case(warning()), "FOI-2", TODAY, "s17-6", REASONS, Ctx())
    assert "warning" not in str(refused.value)


def test_s17_6_refused_without_warning() -> None:
    """s17(6) is refused when no warning was given, and the refusal names the warning."""
    case, _ = record_foi(a_case(), "FOI-1", D(2026, 2, 2), "s14-2", REASONS, Ctx())
    with pytest.raises(Refused, match="a warning given") as refused:
        record_foi(case, "FOI-2", TODAY, "s17-6", REASONS, Ctx())
    assert "s14" not in str(refused.value)


def test_s17_6_refusal_names_both_when_both_missing() -> None:
    """With neither an s14 decision nor a warning, the refusal names both, in one line."""
    with pytest.raises(Refused) as refused:
        record_foi(a_case(), "FOI-2", TODAY, "s17-6", REASONS, Ctx())
    message = str(refused.value)
    assert "earlier s14" in message and "a warning given" in message and "\n" not in message
    assert "John" not in message


def test_s17_6_an_answered_request_is_not_an_s14_notice() -> None:
    """Only s14(1) or s14(2) decisions count as the earlier notice, not an answered request."""
    case, _ = record_foi(a_case(warning()), "FOI-1", D(2026, 2, 2), "answered", REASONS, Ctx())
    with pytest.raises(Refused, match="earlier s14"):
        record_foi(case, "FOI-2", TODAY, "s17-6", REASONS, Ctx())


def test_s17_6_the_s14_decision_must_be_on_an_earlier_request() -> None:
    """The same request, or one received later, is not an earlier s14 notice."""
    case, _ = record_foi(a_case(warning()), "FOI-2", TODAY, "s14-1", REASONS, Ctx())
    with pytest.raises(Refused, match="earlier s14"):
        record_foi(case, "FOI-2", TODAY, "s17-6", REASONS, Ctx())
    with pytest.raises(Refused, match="earlier s14"):
        record_foi(case, "FOI-3", TODAY - dt.timedelta(days=7), "s17-6", REASONS, Ctx())


@pytest.mark.parametrize(
    ("step", "status", "counts"),
    [
        ("verbal_warning", "recorded", True),
        ("informal_written_warning", "recorded", True),
        ("formal_written_warning", "approved", True),
        ("formal_written_warning", "superseded", True),
        ("formal_written_warning", "lifted", True),
        ("formal_written_warning", "proposed", False),
        ("formal_written_warning", "rejected", False),
        ("formal_written_warning", "overturned", False),
        ("contact_refused", "approved", False),
    ],
)
def test_s17_6_what_counts_as_a_warning(step: Step, status: DecisionStatus, counts: bool) -> None:
    """A warning counts once given; not while proposed, nor once rejected or overturned."""
    case, _ = record_foi(
        a_case(warning(step, status)), "FOI-1", D(2026, 2, 2), "s14-1", REASONS, Ctx()
    )
    if counts:
        record_foi(case, "FOI-2", TODAY, "s17-6", REASONS, Ctx())
    else:
        with pytest.raises(Refused, match="a warning given"):
            record_foi(case, "FOI-2", TODAY, "s17-6", REASONS, Ctx())


def test_refusal_is_one_line_without_personal_data() -> None:
    """A refused FOI decision says why in one line that names no one and quotes no reasons."""
    person = Person(
        name="John Smith",
        aliases=("Johnny Smith",),
        address="1 Demo Street",
        postcode="OX28 9ZZ",
        emails=("john@example.com",),
        phones=("01993 123456",),
    )
    case = a_case().model_copy(update={"person": person})
    with pytest.raises(Refused, match="a warning given") as caught:
        record_foi(case, "FOI-2", TODAY, "s17-6", REASONS, Ctx())
    message = str(caught.value)
    assert "\n" not in message and case.id in message
    private = [person.name, person.address, person.postcode, *person.aliases]
    for value in [*private, *person.emails, *person.phones, REASONS]:
        assert value is not None and value not in message


def test_foi_refusal_due_lists_s14_decisions_without_a_notice() -> None:
    """Each s14 decision whose refusal notice is not yet issued is listed with its due date.

    DOMAIN.md: "Refusal notice within 20 working days"; s17(6) and answered requests
    need no refusal notice.
    """
    ctx = Ctx()
    case, first = record_foi(a_case(warning()), "FOI-1", D(2026, 2, 2), "s14-1", REASONS, ctx)
    case, _ = record_foi(case, "FOI-2", D(2026, 2, 9), "answered", REASONS, ctx)
    case, third = record_foi(case, "FOI-3", D(2026, 3, 2), "s14-2", REASONS, ctx)
    case, _ = record_foi(case, "FOI-4", D(2026, 3, 9), "s17-6", REASONS, ctx)
    assert foi_refusal_due(case) == [(first.id, first.due), (third.id, third.due)]
    issued = case.model_copy(update={"letters": (refusal_letter(first.id),)})
    assert foi_refusal_due(issued) == [(third.id, third.due)]


def test_foi_refusal_due_ignores_letters_of_other_kinds_or_about_other_records() -> None:
    """Only an foi-refusal letter about that very record discharges the notice."""
    case, record = record_foi(a_case(), "FOI-1", D(2026, 2, 2), "s14-1", REASONS, Ctx())
    other = refusal_letter("F-99999999")
    wrong_kind = refusal_letter(record.id).model_copy(update={"kind": "review-outcome"})
    case = case.model_copy(update={"letters": (other, wrong_kind)})
    assert foi_refusal_due(case) == [(record.id, record.due)]
