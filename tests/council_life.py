"""A year of a council's life on the register, and what must hold after every day of it.

People behave as their story says (incidents, appeals); the council answers as its policy
does: warnings up the ladder, proposals approved the same day by a manager who sends the
letter, appeals decided by a head of service with no part in the decision, and every
morning whatever the scheduler's `review-due` lists (reviews, letters owed when
restrictions end). A leaver is removed while a case officer holds unsynced work, and a
frontline officer's lost key is replaced. After each day, ``Life.check`` holds the
register to its promises (see ``test_simulated_year``).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.council import Council
from ucbr.domain import expiry
from ucbr.domain.model import Case, Restriction
from ucbr.domain.sections import CaseEntry
from ucbr.storage.scan import entry_of_file
from ucbr.storage.store import Register
from ucbr.storage.vault import load_identity_file

PLANS = ("warned", "until", "appeal", "refused", "varied")
FIRST = ("Alex", "Blair", "Casey", "Devon", "Emery", "Frankie", "Gale", "Harper", "Indy")
LAST = ("Archer", "Brook", "Carver", "Dale", "Ellis", "Fenwick", "Grove", "Hale", "Irving")
ESSENTIAL = ("--considerations", "No protected characteristics known.",
             "--essential-services", "By letter to the council offices.")  # fmt: skip


@dataclass
class Person:
    """Someone whose behaviour brings them to the register, and what the council recorded."""

    name: str
    plan: str
    officer: str
    case: str = ""
    incidents: list[str] = field(default_factory=list)
    made: set[str] = field(default_factory=set)  # every item id recorded: nothing may be lost
    reviews: int = 0


@dataclass
class Life:
    """The council, the people, what is planned for which day, and what the morning job said."""

    council: Council
    rng: random.Random
    people: list[Person] = field(default_factory=list)
    agenda: dict[dt.date, list[Callable[[], None]]] = field(default_factory=dict)
    due: list[dict[str, object]] = field(default_factory=list)  # the last evening's review-due
    out: Path = Path()
    letters: int = 0

    # --- planning ------------------------------------------------------------------------

    def plan(self, day: dt.date, step: Callable[[], None]) -> None:
        """Something to happen on ``day``."""
        self.agenda.setdefault(day, []).append(step)

    def next_day(self, after: dt.date) -> dt.date | None:
        """The next day anything happens: a planned step, or an item the morning job lists."""
        days = [d for d in self.agenda if d > after]
        days += [dt.date.fromisoformat(str(i["due"])) for i in self.due]
        later = [d for d in days if d > after]
        return min(later) if later else None

    def by_case(self, case_id: str) -> Person:
        return next(p for p in self.people if p.case == case_id)

    # --- what officers do ------------------------------------------------------------------

    def report(self, person: Person, who: str, *extra: str) -> None:
        """An incident, on a new case (by frontline, at reception) or the person's case."""
        day = self.council.day.isoformat()
        args = ["--date", day, "--channel", "face_to_face", "--location", "council_premises",
                "--category", "A", "--behaviour", "abusive",
                "--summary", "Shouted at staff and would not stop.", *extra]  # fmt: skip
        if person.case:
            made = self.council.act_json(who, person.case, "add-incident", person.case, *args)
        else:
            made = self.council.act_json(who, "new", "add-incident", "--new", "--name",
                                         person.name, *args)  # fmt: skip
            person.case = str(made["case"])
            self.council.dirty[who].add(person.case)
        person.incidents.append(str(made["incident"]))
        person.made.add(str(made["incident"]))

    def escalate(self, person: Person, *terms: str, on: dt.date | None = None) -> str:
        """The person's officer takes a step relying on the latest incident."""
        dated = ("--on", on.isoformat()) if on else ()
        latest = person.incidents[-1]
        made = self.council.act_json(person.officer, person.case, "escalate", person.case,
                                     "--incident", latest, *terms, *dated)  # fmt: skip
        person.made.add(str(made["decision"]))
        return str(made["status"])

    def letter(self, person: Person, who: str, kind: str) -> None:
        """A letter to the person, recorded in the case."""
        self.letters += 1
        out = self.out / f"{self.letters}-{kind}.md"
        made = self.council.act_json(who, person.case, "letter", person.case, "--kind", kind,
                                     "--out", str(out))  # fmt: skip
        person.made.add(str(made["letter"]))

    def approve(self, person: Person, who: str, kind: str | None) -> None:
        """A manager or head of service approves the proposal, and sends its letter."""
        self.council.act(who, person.case, "approve", person.case)
        if kind is not None:
            self.letter(person, who, kind)

    def review(self, person: Person) -> None:
        """The morning job listed the review: continue it (approved by a manager the same
        day), or lift it on the second one for someone whose behaviour has changed."""
        person.reviews += 1
        lift = person.plan == "appeal" and person.reviews >= 2
        outcome = ("--outcome", "lift", "--significant-change") if lift else (
            "--outcome", "continue")  # fmt: skip
        why = ("--reasons", "Reviewed with the service.")
        made = self.council.act_json(person.officer, person.case, "review", person.case,
                                     *outcome, *why)  # fmt: skip
        person.made.add(str(made["review"]))
        if lift:
            self.letter(person, person.officer, "restriction-ended")
        else:  # a continuation is the relevant manager's to approve; they send the outcome
            self.approve(person, "mgr", "review-outcome")

    def morning(self) -> None:
        """The morning job runs (the scheduler's key, in a clone at the server's tip), and
        whatever it lists as due today is done today."""
        listed = self.council.at_tip().run("cron", "review-due", "--within", "0", "--json")
        for item in json.loads(listed.out)["items"]:
            what, case_id = str(item["what"]), str(item["id"])
            if what == "restriction review":
                self.review(self.by_case(case_id))
            elif what == "letter to send":
                person = self.by_case(case_id)
                self.letter(person, person.officer, str(item["detail"]))
            elif what == "property review":
                why = ("--reasons", "Risk unchanged.")
                self.council.act("officer", case_id, "property", "review", case_id,
                                 "--outcome", "continue", *why)  # fmt: skip
            else:
                raise AssertionError(f"{self.council.day}: the council let {what} fall due")

    # --- the evening's promises ------------------------------------------------------------

    def evening(self, at_once: bool) -> dict[str, object]:
        """Everyone sends the day's work (``at_once``, or one by one); the morning job's
        list for the days ahead is then taken with the scheduler's key from a clone level
        with the server."""
        self.council.end_of_day(at_once)
        result = self.council.at_tip().run("cron", "review-due", "--within", "400", "--json")
        listed = json.loads(result.out)
        self.due = list(listed["items"])
        return dict(listed)

    def told(self, case: Case) -> tuple[Restriction, ...]:
        """The restrictions the person's letters last told them of (none before a restricting
        letter, after a lift, an overturn or the letter that they ended)."""
        decisions = {d.id: d for d in case.decisions}
        variation = {d.varied_by: d for d in case.decisions if d.varied_by}
        terms: tuple[Restriction, ...] = ()
        for letter in case.letters:
            if letter.copy_of or letter.about is None:
                continue
            if letter.kind in ("formal-warning", "contact-refused"):
                terms = decisions[letter.about].restrictions
            elif letter.kind == "restriction-ended":
                terms = ()
            elif letter.kind == "review-outcome":
                review = next(r for r in case.reviews if r.id == letter.about)
                told = variation.get(review.id) if review.outcome == "vary" else None
                told = told or decisions[review.decision]
                terms = () if review.outcome == "lift" else told.restrictions
            elif letter.kind == "appeal-outcome":
                appeal = next(a for a in case.appeals if a.id == letter.about)
                told = variation.get(appeal.id) if appeal.outcome == "varied" else None
                told = told or decisions[appeal.decision]
                terms = () if appeal.outcome == "overturned" else told.restrictions
        return tuple(r for r in terms if expiry.in_force_on(r, self.council.day))

    def frontline_sees(self, reg: Register, case_id: str) -> tuple[Restriction, ...]:
        """What a frontline officer's key shows of the entry today."""
        ring = reg.keyring(load_identity_file(self.council.clones["front"].keys["front"]))
        entry = entry_of_file(reg, ring, case_id)
        assert isinstance(entry, CaseEntry)
        return tuple(r.detail for r in expiry.entry_on(entry, self.council.day).restrictions)

    def records(self) -> tuple[Register, dict[str, Case]]:
        """Every person's record, read with the IG officer's key from their clone."""
        clone = self.council.at_tip()
        reg = Register.open(clone.root)
        ring = reg.keyring(load_identity_file(clone.keys["ig"]))
        return reg, {p.case: reg.load_case(p.case, ring)[1] for p in self.people if p.case}

    def people_told_what_frontline_sees(self) -> list[str]:
        """Each person with no letter owed was last told exactly what the entry shows today,
        and every item the council recorded is still in their record (nothing lost)."""
        broken = []
        reg, cases = self.records()
        for case_id, case in cases.items():
            person = self.by_case(case_id)
            held = {i.id for i in case.incidents} | {d.id for d in case.decisions}
            held |= {r.id for r in case.reviews} | {a.id for a in case.appeals}
            held |= {letter.id for letter in case.letters}
            if person.made - held:
                broken.append(f"{case_id}: lost {sorted(person.made - held)}")
            if expiry.letters_owed_on(case, self.council.day):
                continue  # not told yet: the letter is on its way
            told, sees = self.told(case), self.frontline_sees(reg, case_id)
            if told != sees:
                broken.append(f"{case_id}: told {told}, frontline sees {sees}")
        return broken


def new_people(rng: random.Random, count: int) -> list[Person]:
    """``count`` people, each with a story of their own and a case officer."""
    names = rng.sample([f"{f} {s}" for f in FIRST for s in LAST], count)
    officers = ("officer", "officer2", "officer3")
    return [
        Person(name, PLANS[n % len(PLANS)], officers[n % len(officers)])
        for n, name in enumerate(names)
    ]
