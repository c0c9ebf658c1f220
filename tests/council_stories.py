"""What each person does over the year, and how the council answers, day by day.

Each story is planned from the person's first day (``start``) in steps of ``G`` days; the
reviews, and the letters owed when restrictions end, are not planned: the council does
them when the morning job lists them (``Life.morning``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tests.council_life import ESSENTIAL, Life, Person

G = 14  # the council's rhythm: a fortnight between one step of a story and the next
SERIOUS = ("--behaviour", "physically_aggressive")
BYPASS = ("--to", "formal_written_warning", "--bypass-reason", "Pushed a chair at staff.")


def then(*steps: Callable[[], object]) -> Callable[[], None]:
    """One planned step that takes these, in order."""

    def step() -> None:
        for each in steps:
            each()

    return step


def days(start: dt.date, n: float) -> dt.date:
    """``n`` fortnights after ``start``."""
    return start + dt.timedelta(days=round(n * G))


def begin(life: Life, person: Person, start: dt.date, reporter: str) -> None:
    """Plan the person's story from ``start``; ``reporter`` meets them first, at reception."""
    STORIES[person.plan](life, person, start, reporter)


def _warned(life: Life, p: Person, s: dt.date, reporter: str) -> None:
    """Step 1 given on the telephone and recorded the next day, dated the day it was given;
    step 2 and its letter a fortnight later, when the behaviour continues."""
    life.plan(s, lambda: life.report(p, reporter))
    life.plan(s + dt.timedelta(days=1),
              then(lambda: life.escalate(p, "--note", "Told to stop.", on=s)))  # fmt: skip

    def informal() -> None:
        life.report(p, p.officer)
        life.escalate(p)
        life.letter(p, p.officer, "informal-warning")

    life.plan(days(s, 1), informal)


def _formal(life: Life, p: Person, *terms: str) -> None:
    """A formal written warning proposed, approved the same day by a manager, who sends it."""
    life.escalate(p, *terms, *ESSENTIAL)
    life.approve(p, "mgr", "formal-warning")


def _until(life: Life, p: Person, s: dt.date, reporter: str) -> None:
    """Up the ladder to a formal warning that ends on a date: reviewed once, then ended."""
    life.plan(s, then(lambda: life.report(p, reporter),
                      lambda: life.escalate(p, "--note", "Asked to stop.")))  # fmt: skip

    def informal() -> None:
        life.report(p, p.officer)
        life.escalate(p)
        life.letter(p, p.officer, "informal-warning")

    def formal() -> None:
        life.report(p, p.officer)
        ends, review = days(s, 7).isoformat(), days(s, 5).isoformat()
        _formal(life, p, "--to", "formal_written_warning", "--only-channel", "email",
                "--until", ends, "--review-by", review)  # fmt: skip

    life.plan(days(s, 1), informal)
    life.plan(days(s, 2), formal)


def _serious(life: Life, p: Person, *terms: str) -> None:
    """Violence: steps 1 and 2 bypassed, relying on the incident reported."""
    _formal(life, p, *BYPASS, "--bypass", p.incidents[-1], *terms)


def _appeal(life: Life, p: Person, s: dt.date, reporter: str) -> None:
    """A premises ban for a while and letters only; appealed and upheld; reviewed, then
    lifted at the second review when things have changed."""
    terms = ("--premises-ban", "the Civic Centre", "--ban-until", days(s, 3).isoformat(),
             "--only-channel", "letter", "--review-by", days(s, 4).isoformat())  # fmt: skip
    life.plan(s, then(lambda: life.report(p, reporter, *SERIOUS),
                      lambda: _serious(life, p, *terms)))  # fmt: skip
    life.plan(days(s, 1), lambda: _lodge(life, p))
    life.plan(days(s, 2), lambda: _decide(life, p, "upheld"))


def _lodge(life: Life, p: Person) -> None:
    received = life.council.day.isoformat()
    made = life.council.act_json(p.officer, p.case, "appeal", "lodge", p.case,
                                 "--received", received)  # fmt: skip
    p.made.add(str(made["appeal"]))
    life.letter(p, p.officer, "appeal-acknowledgement")


def _decide(life: Life, p: Person, outcome: str, *terms: str) -> None:
    """A head of service with no part in the decision decides the appeal; a variation is
    approved at once by another (the outcome letter then states the new terms)."""
    life.council.act("head2", p.case, "appeal", "decide", p.case, "--outcome", outcome,
                     "--reasons", "Considered afresh.", *terms)  # fmt: skip
    if outcome == "varied":
        life.approve(p, "head", None)
    life.letter(p, "head2", "appeal-outcome")


def _refused(life: Life, p: Person, s: dt.date, reporter: str) -> None:
    """Restrictions, then, when the behaviour continues after the letter, contact refused."""
    terms = ("--only-channel", "email", "--contact-days", "mon,thu", "--contact-hours",
             "09:00-12:00", "--review-by", days(s, 5).isoformat())  # fmt: skip
    life.plan(s, then(lambda: life.report(p, reporter, *SERIOUS),
                      lambda: _serious(life, p, *terms)))  # fmt: skip

    def refuse() -> None:
        life.report(p, p.officer)
        life.escalate(p, "--to", "contact_refused", "--no-further-responses",
                      "the 2019 parking fine", "--only-channel", "email",
                      "--review-by", days(s, 5).isoformat(), *ESSENTIAL)  # fmt: skip
        life.approve(p, "mgr", "contact-refused")

    life.plan(days(s, 1), refuse)


def _varied(life: Life, p: Person, s: dt.date, reporter: str) -> None:
    """Restricted to e-mail; on appeal varied to letters, approved by an uninvolved head."""
    terms = ("--only-channel", "email", "--review-by", days(s, 6).isoformat())
    life.plan(s, then(lambda: life.report(p, reporter, *SERIOUS),
                      lambda: _serious(life, p, *terms)))  # fmt: skip
    life.plan(days(s, 1), lambda: _lodge(life, p))
    life.plan(days(s, 2), lambda: _decide(life, p, "varied", "--only-channel", "letter"))


def _reported(life: Life, p: Person, s: dt.date, reporter: str) -> None:
    """An incident reported at reception, and nothing more (yet)."""
    life.plan(s, lambda: life.report(p, reporter))


STORIES = {
    "reported": _reported,
    "warned": _warned,
    "until": _until,
    "appeal": _appeal,
    "refused": _refused,
    "varied": _varied,
}


def property_risk(life: Life, day: dt.date) -> None:
    """A dangerous dog at an address: proposed, approved, then reviewed when due."""

    def add() -> None:
        made = life.council.act_json(
            "officer", "*", "property", "add", "--address", "3 Demo Cottages", "--postcode",
            "OX18 9ZZ", "--risk", "dangerous_animal", "--guidance", "Phone ahead.",
            "--not-notified-reason", "A risk to staff, not a restriction",
        )  # fmt: skip
        prop = str(made["property"])
        life.council.act("mgr", prop, "property", "approve", prop)

    life.plan(day, add)


def leaver(life: Life, day: dt.date, arrives: Person) -> None:
    """A case officer leaves while a colleague and a frontline officer (reporting someone
    new, ``arrives``) hold unsynced work: the manager removes them at once (the others'
    work is sealed again to the new keys when it syncs), and their people pass to a
    colleague."""
    begin(life, arrives, day, "front")

    def remove() -> None:
        holder = next((p for p in life.people if p.case and p.officer == "officer2"), None)
        if holder is not None:
            life.council.act("officer2", holder.case, "adjustments", holder.case,
                             "--add", "needs_large_print")  # fmt: skip
        life.council.act("mgr", "*", "staff", "remove", "officer3", others_first=False)
        life.council.leave("officer3")
        for person in life.people:
            if person.officer == "officer3":
                person.officer = "officer2"

    life.plan(day, remove)


def lost_key(life: Life, day: dt.date, then: Person, start: dt.date) -> None:
    """A frontline officer loses their laptop: a manager replaces their key; with the new
    one they report someone new a fortnight later."""

    def rotate() -> None:
        path, public = life.council.new_key("front2")
        life.council.act("mgr", "*", "keys", "rotate", "front2", "--recipient", public)
        life.council.sync("mgr")
        life.council.use_key("front2", path)
        begin(life, then, start, "front2")

    life.plan(day, rotate)
