"""The facts each kind of letter states, gathered into the context its template renders.

Ombudsman decisions find fault where a letter did not explain the decision, give the
review date or offer a route of appeal, so every letter states the behaviour relied on,
what is asked or imposed, how long it lasts and when it is reviewed, how to appeal, the
right to go to the LGSCO, how to keep reaching essential services, the reasonable
adjustments kept and the privacy notice. A letter whose facts are not in the case yet is
refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ucbr.domain.expiry import decision_ends_on, ended_on_its_date, has_ended
from ucbr.domain.letters.form import address_lines, addressee, letter_form, salutation
from ucbr.domain.letters.parts import (
    FOI_SECTIONS,
    ICO_URL,
    LGSCO_URL,
    Context,
    Facts,
    LetterRefused,
    approved_step,
    decision_by_id,
    for_decision,
    in_force,
    latest,
    months,
    restriction_terms,
    signatory,
    variation_of,
    warning_given,
    warnings_sentence,
)
from ucbr.domain.letters.routes import NO_APPEAL_FOR_WARNINGS, appeal_route
from ucbr.domain.model import Appeal, Case, Decision, FoiRecord, LetterKind, Review
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory
from ucbr.domain.views import decided_on
from ucbr.domain.words import ADJUSTMENT_NAMES, EXPECTED, long_date

# --- the letter context, kind by kind ----------------------------------------------


def _warning_letter(facts: Facts, step: str, what: str) -> tuple[str | None, Context]:
    decision = warning_given(facts.case, step, what)
    return decision.id, {
        **for_decision(facts, decision, decision.proposed_by),
        "warning": {"date": long_date(decision.proposed_on), "note": decision.note},
        # The appeal is against being added to the register; a warning adds no one.
        "no_appeal_because": NO_APPEAL_FOR_WARNINGS,
    }


def _verbal_warning(facts: Facts) -> tuple[str | None, Context]:
    return _warning_letter(facts, "verbal_warning", "verbal warning")


def _informal_warning(facts: Facts) -> tuple[str | None, Context]:
    """Step 2: "an informal written warning letter will be sent to remind you of our
    expected behaviours": the letter restates them, for the kinds of behaviour relied on."""
    about, context = _warning_letter(facts, "informal_written_warning", "informal written warning")
    decision = warning_given(facts.case, "informal_written_warning", "informal written warning")
    relied = {i.id: i.category for i in facts.case.incidents}
    categories = sorted({relied[i] for i in decision.incidents if i in relied} or {"A", "B"})
    return about, {**context, "expected": [e for c in categories for e in EXPECTED[c]]}


NEXT_STEP = {
    "formal_written_warning": (
        "If the behaviour continues after this letter, we may refuse further contact and "
        "further responses, as our policy allows."
    ),
    "contact_refused": (
        "We will review this decision, and we will tell you if it changes. Until then, please "
        "use only the routes set out below."
    ),
}


def _restricting(facts: Facts, step: str, what: str, kind: str) -> tuple[str | None, Context]:
    decision = approved_step(facts.case, step, what, kind)
    bypassed = decision.bypass_incident is not None
    return decision.id, {
        **for_decision(facts, decision, decision.approved_by),
        "restriction": restriction_terms(facts.case, decision, facts.staff, facts.cfg),
        "appeal": appeal_route(facts, decision, tells_decision=True),
        "history": {
            "earlier": warnings_sentence(facts.case, decision),
            "bypassed": bypassed,
            "next": NEXT_STEP[step],
        },
    }


def _formal_warning(facts: Facts) -> tuple[str | None, Context]:
    return _restricting(facts, "formal_written_warning", "formal written warning", "formal-warning")


def _contact_refused(facts: Facts) -> tuple[str | None, Context]:
    return _restricting(facts, "contact_refused", "decision to refuse contact", "contact-refused")


def _upcoming_review(facts: Facts) -> tuple[str | None, Context]:
    decision = in_force(facts.case)
    if has_ended(decision, facts.today):
        raise LetterRefused(f"{facts.case.id}: decision {decision.id} ended on its end date")
    return decision.id, {
        **for_decision(facts, decision, decision.approved_by),
        "restriction": restriction_terms(facts.case, decision, facts.staff, facts.cfg, facts.today),
        "appeal": appeal_route(facts, decision, tells_decision=False),
    }


def _review_facts(facts: Facts, review: Review, reviewed: Decision) -> Context:
    if review.outcome == "lift":
        return {"restriction": None, "appeal": None}
    now = (
        variation_of(facts.case, reviewed, f"review {review.id}")
        if review.outcome == "vary"
        else reviewed
    )
    restriction = restriction_terms(facts.case, now, facts.staff, facts.cfg)
    if review.next_review is not None:
        restriction["review_date"] = long_date(review.next_review)
    # A review that continues a restriction is not a new decision: the window stays the
    # decision's. A variation is a new decision, and this letter tells of it.
    appeal = appeal_route(facts, now, tells_decision=review.outcome == "vary")
    return {"restriction": restriction, "appeal": appeal}


def _review_outcome(facts: Facts) -> tuple[str | None, Context]:
    review = latest(facts.case.reviews, lambda r: True)
    if review is None:
        raise LetterRefused(f"{facts.case.id} has no review recorded")
    if not review.notify:
        raise LetterRefused(
            f"{facts.case.id}: review {review.id} is recorded as not to be notified"
        )
    reviewed = decision_by_id(facts.case, review.decision)
    return review.id, {
        **for_decision(facts, reviewed, review.by),
        **_review_facts(facts, review, reviewed),
        "review": {
            "date": long_date(review.date),
            "outcome": review.outcome,
            "reasons": review.reasons,
        },
    }


def _ended_on(case: Case, decision: Decision) -> dt.date:
    if decision.ended_on is not None:
        return decision.ended_on
    review = latest(case.reviews, lambda r: r.decision == decision.id and r.outcome == "lift")
    appeal = latest(case.appeals, lambda a: a.decision == decision.id and a.outcome == "overturned")
    ended = review.date if review else appeal.decided_on if appeal else None
    if ended is None:
        raise LetterRefused(f"{case.id}: decision {decision.id} has no end date recorded")
    return ended


def _ended_by(case: Case, decision: Decision) -> str | None:
    """The officer who ended the restriction: the reviewer who lifted it, or the appeal's."""
    if decision.status == "overturned":
        appeal = latest(
            case.appeals, lambda a: a.decision == decision.id and a.outcome == "overturned"
        )
        return appeal.decided_by if appeal else None
    review = latest(case.reviews, lambda r: r.decision == decision.id and r.outcome == "lift")
    return review.by if review else None


def _on_its_end_date(decision: Decision) -> Context:
    """A decision that ended on its date: its last day, and since when it applied."""
    ends = decision_ends_on(decision)
    assert ends is not None
    return {
        "date": long_date(ends - dt.timedelta(days=1)),
        "how": "the end date set when they were put in place",
        "started": long_date(decided_on(decision)),
    }


def _restriction_ended(facts: Facts) -> tuple[str | None, Context]:
    expired = ended_on_its_date(facts.case, facts.today)
    if expired is not None:
        return expired.id, {
            **for_decision(facts, expired, None),
            "ended": _on_its_end_date(expired),
        }
    decision = latest(
        facts.case.decisions, lambda decision: decision.status in ("lifted", "overturned")
    )
    if decision is None:
        raise LetterRefused(f"{facts.case.id} has no restriction lifted or overturned")
    return decision.id, {
        **for_decision(facts, decision, _ended_by(facts.case, decision)),
        "ended": {
            "date": long_date(_ended_on(facts.case, decision)),
            "how": "on appeal" if decision.status == "overturned" else "at review",
            "started": long_date(decided_on(decision)),
        },
    }


def _appeal_facts(appeal: Appeal) -> Context:
    return {
        "received": long_date(appeal.received),
        "outcome": appeal.outcome,
        "reasons": appeal.reasons,
        "decided_on": long_date(appeal.decided_on) if appeal.decided_on else None,
    }


def _appeal_acknowledgement(facts: Facts) -> tuple[str | None, Context]:
    appeal = latest(facts.case.appeals, lambda appeal: True)
    if appeal is None:
        raise LetterRefused(f"{facts.case.id} has no appeal recorded")
    decision = decision_by_id(facts.case, appeal.decision)
    return appeal.id, {
        **for_decision(facts, decision, appeal.lodged_by),
        "restriction": restriction_terms(facts.case, decision, facts.staff, facts.cfg)
        if decision.restrictions
        else None,
        "appeal_record": _appeal_facts(appeal),
    }


def _appeal_outcome(facts: Facts) -> tuple[str | None, Context]:
    appeal = latest(facts.case.appeals, lambda appeal: appeal.outcome is not None)
    if appeal is None:
        raise LetterRefused(f"{facts.case.id} has no appeal decided")
    decision = decision_by_id(facts.case, appeal.decision)
    now = (
        variation_of(facts.case, decision, f"appeal {appeal.id}")
        if appeal.outcome == "varied"
        else decision
    )
    keeps = appeal.outcome != "overturned" and bool(now.restrictions)
    # The letter states the terms now in force: the variation's, when the appeal varied them.
    return appeal.id, {
        **for_decision(facts, now, appeal.decided_by),
        "restriction": restriction_terms(facts.case, now, facts.staff, facts.cfg)
        if keeps
        else None,
        "appeal_record": _appeal_facts(appeal),
    }


def _foi_refusal(facts: Facts) -> tuple[str | None, Context]:
    record: FoiRecord | None = latest(facts.case.foi, lambda r: r.decision in FOI_SECTIONS)
    if record is None:
        raise LetterRefused(f"{facts.case.id} has no section 14 refusal recorded")
    section, meaning = FOI_SECTIONS[record.decision]
    return record.id, {
        "signatory": signatory(facts.staff, record.by, facts.cfg),
        "essential_services": facts.cfg.essential_services,
        "foi": {
            "request_ref": record.request_ref,
            "received": long_date(record.received),
            "section": section,
            "meaning": meaning,
            "reasons": record.reasons,
        },
    }


_KINDS: dict[str, tuple[str, Callable[[Facts], tuple[str | None, Context]]]] = {
    "verbal-warning-note": ("Note of a verbal warning", _verbal_warning),
    "informal-warning": ("Informal written warning", _informal_warning),
    "formal-warning": ("Formal written warning: restrictions on contact", _formal_warning),
    "contact-refused": ("Notice that further contact is refused", _contact_refused),
    "upcoming-review": ("Notice of an upcoming review of your restrictions", _upcoming_review),
    "review-outcome": ("The outcome of the review of your restrictions", _review_outcome),
    "restriction-ended": ("Your restrictions have ended", _restriction_ended),
    "appeal-acknowledgement": ("We have received your appeal", _appeal_acknowledgement),
    "appeal-outcome": ("The outcome of your appeal", _appeal_outcome),
    "foi-refusal": ("Refusal of your request for information", _foi_refusal),
}


def _common(
    case: Case, kind: str, cfg: PolicyConfig, policy_hash: str, today: dt.date, fmt: str
) -> Context:
    person = case.person
    return {
        "kind": kind,
        "title": _KINDS[kind][0],
        "council": cfg.council,
        "council_address": cfg.council_address,
        "reference": case.id,
        "date": long_date(today),
        "iso_date": today.isoformat(),
        "person": {
            "name": addressee(person),
            "address_lines": address_lines(person),
            "salutation": salutation(person),
        },
        "form": letter_form(case, fmt),
        "council_email": cfg.council_email,
        "council_phone": cfg.council_phone,
        "adjustments": [ADJUSTMENT_NAMES[a.kind] for a in case.adjustments],
        "privacy_url": cfg.privacy_notice_url,
        "policy_hash": policy_hash,
        "lgsco_url": LGSCO_URL,
        "ico_url": ICO_URL,
        "appeal_window": months(cfg.appeal_window_months),
        # Letters with no appeal route or no restriction leave these empty; kinds fill them.
        "appeal": None,
        "restriction": None,
        "history": None,
        "no_appeal_because": None,
    }


KINDS: tuple[str, ...] = tuple(_KINDS)


def title_of(kind: str) -> str:
    """The heading a letter of ``kind`` carries."""
    return _KINDS[kind][0]


def letter_facts(
    case: Case,
    kind: LetterKind,
    cfg: PolicyConfig,
    policy_hash: str,
    staff: StaffDirectory,
    today: dt.date,
    fmt: str = "pdf",
) -> tuple[str | None, Context]:
    """What the record it concerns is (a decision, review, appeal or FOI id), and the letter's
    context for ``fmt``; refused when the case does not hold the facts the letter needs yet."""
    if kind not in _KINDS:
        raise LetterRefused(f"there is no letter of kind {kind}")
    about, facts = _KINDS[kind][1](Facts(case, cfg, staff, today))
    return about, {**_common(case, kind, cfg, policy_hash, today, fmt), **facts}


def refuse_property_letter() -> None:
    """The policy: restrictions on properties are added "without notifying the owner"."""
    raise LetterRefused("property risks get no letter to the owner")
