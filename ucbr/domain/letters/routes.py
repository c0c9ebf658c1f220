"""The route a letter offers: an appeal, the complaints procedure, or the end of the appeal.

"You have the right to appeal the decision to be added to the UCBR, including an external
review by the LGSCO, within one month of the decision made". Only a decision that
restricts contact can be appealed (``policy.appeals.appealable``); a warning's letter gives
the complaints route instead, and a decision made or upheld on appeal says the appeal
process is over. The appeal goes by a channel the person may use: a person restricted to
e-mail is told where to e-mail it, not to write.
"""

from __future__ import annotations

from ucbr.domain.letters.parts import Context, Facts, LetterRefused, latest, months
from ucbr.domain.model import Decision
from ucbr.domain.policy.appeals import appeal_deadline, appealable
from ucbr.domain.views import decided_on, decided_on_appeal
from ucbr.domain.words import day_names, hours_words, long_date

NO_APPEAL_FOR_WARNINGS = (
    "A warning does not restrict how you contact us or add you to our register, so there is "
    "no appeal against it."
)


def how_to_send(facts: Facts, decision: Decision) -> str:
    """How to send an appeal, by a channel the restrictions leave the person."""
    by_kind = {r.kind: r for r in decision.restrictions}
    reference = f"quoting reference {facts.case.id}"
    channel = by_kind["single_channel"].channel if "single_channel" in by_kind else None
    designated = by_kind.get("designated_email")
    if channel == "email":
        address = designated.email if designated else facts.cfg.council_email
        if not address:
            raise LetterRefused(
                f"{facts.case.id} may contact us only by e-mail, so the appeal route needs the "
                "council's e-mail address: set council_email in .ucbr/policy.yaml"
            )
        return f"E-mail your appeal to {address}, {reference}."
    if channel == "telephone":
        if not facts.cfg.council_phone:
            raise LetterRefused(
                f"{facts.case.id} may contact us only by telephone, so the appeal route needs "
                "the council's telephone number: set council_phone in .ucbr/policy.yaml"
            )
        times = by_kind.get("contact_times")
        when = (
            f" on {day_names(times.days)}, {hours_words(times.hours)}"
            if times is not None and times.hours
            else ""
        )
        return f"Telephone us on {facts.cfg.council_phone}{when} to appeal, {reference}."
    return f"Write to us at {facts.cfg.council_address}, {reference}."


def appeal_route(facts: Facts, decision: Decision, *, tells_decision: bool) -> Context:
    """The appeal route of a decision to restrict, the appeal in progress, or its end."""
    if not appealable(decision):
        raise LetterRefused(f"decision {decision.id} ({decision.step}) cannot be appealed")
    decided = decided_on_appeal(facts.case, decision)
    deadline, extended = appeal_deadline(
        facts.case, decision, facts.cfg, facts.today, tells_decision=tells_decision
    )
    pending = latest(facts.case.appeals, lambda a: a.decision == decision.id and a.outcome is None)
    return {
        "window": months(facts.cfg.appeal_window_months),
        "decision_date": long_date(decided_on(decision)),
        "deadline": long_date(deadline),
        "open": decided is None and facts.today <= deadline,
        "extended_to": (
            long_date(extended)
            if decided is None and extended and facts.today <= extended
            else None
        ),
        "closed_on": long_date(extended or deadline),
        "pending": long_date(pending.received) if pending else None,
        "decided_on": (
            long_date(decided.decided_on) if decided is not None and decided.decided_on else None
        ),
        "how": how_to_send(facts, decision),
    }
