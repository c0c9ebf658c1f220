"""What makes a letter one a council can post: who it goes to and how they are greeted, who
signs it, and the form the person needs.

The addressee is the person with their full address, one line per part; the salutation
uses their title when one is recorded ("Dear Ms Quarrel"), else their full name. The
signature gives the officer's name and job title. A letter is produced in the adjusted
form the person needs where ucbr can (large print), and says so where it cannot (easy
read, an interpreter): "Any restrictions imposed will take into account your individual
circumstances".
"""

from __future__ import annotations

from pathlib import PurePath

from ucbr.domain.model import Case, LetterFormat, Person
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory
from ucbr.domain.words import ADJUSTMENT_NAMES
from ucbr.errors import Refused

ROLE_TITLES = {
    "frontline": "Customer Services Officer",
    "case_officer": "Case Officer",
    "manager": "Service Manager",
    "head_of_service": "Head of Service",
    "ig_officer": "Information Governance Officer",
    "scheduler": "",
    "auditor": "",
}


def address_lines(person: Person) -> list[str]:
    """The person's postal address, one line per comma-separated part, then the postcode."""
    lines = [part.strip() for part in (person.address or "").split(",") if part.strip()]
    if person.postcode:
        lines.append(person.postcode.upper())
    return lines


def addressee(person: Person) -> str:
    """The first line of the address block: "Ms Patricia Quarrel"."""
    return f"{person.title} {person.name}" if person.title else person.name


def salutation(person: Person) -> str:
    """ "Ms Quarrel" when a title is recorded; else the full name, which never guesses one."""
    if person.title:
        return f"{person.title} {person.name.split()[-1]}"
    return person.name


def signature(staff: StaffDirectory, staff_id: str | None, cfg: PolicyConfig) -> dict[str, str]:
    """Who signs: the officer's name and job title, else the council alone."""
    member = staff.by_id(staff_id) if staff_id else None
    if member is None:
        return {"name": cfg.council, "job_title": ""}
    return {"name": member.name, "job_title": member.job_title or ROLE_TITLES[member.role]}


# Adjustments ucbr cannot meet in the letter itself, and what the letter says instead.
CANNOT_PRODUCE = {
    "needs_easy_read": (
        "You told us you need easy-read documents. We cannot send this letter in easy read "
        "yet. Please contact us, quoting reference {reference}, and we will go through it "
        "with you in a way that suits you."
    ),
    "needs_interpreter": (
        "You told us you need an interpreter. If you would like this letter explained in "
        "your language, contact us, quoting reference {reference}, and we will arrange one."
    ),
    "no_written": (
        "You told us you cannot read letters or e-mails. We will also explain this letter "
        "to you by telephone or in person."
    ),
}


def letter_form(case: Case, fmt: str) -> dict[str, object]:
    """The form the person needs: large print where the format allows, and a sentence for
    each adjustment ucbr cannot meet in the letter itself."""
    kinds = {a.kind for a in case.adjustments}
    large_print = "needs_large_print" in kinds
    cannot = [
        text.format(reference=case.id) for kind, text in CANNOT_PRODUCE.items() if kind in kinds
    ]
    if large_print and fmt == "md":
        cannot.insert(
            0,
            "You told us you need large print. If this letter is not in large print, contact "
            f"us, quoting reference {case.id}, and we will send it again in large print.",
        )
    return {"large_print": large_print and fmt != "md", "cannot": cannot}


def unmet(case: Case, fmt: str) -> list[str]:
    """The adjustments a letter in ``fmt`` does not meet by itself, as their kinds' words."""
    kinds = {a.kind for a in case.adjustments}
    found = [ADJUSTMENT_NAMES[k] for k in CANNOT_PRODUCE if k in kinds]
    if "needs_large_print" in kinds and fmt == "md":
        found.insert(0, ADJUSTMENT_NAMES["needs_large_print"])
    return found


SUFFIXES: dict[str, LetterFormat] = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md"}


def letter_format(out: PurePath, given: LetterFormat | None) -> LetterFormat:
    """The format given, else the one the file's name ends in; refused when they disagree
    (a Markdown letter in a file named .pdf), or when there is neither."""
    named = SUFFIXES.get(out.suffix.lower())
    if given is not None and named is not None and named != given:
        raise Refused(f"--out ends in {out.suffix} but --format is {given}; give one or the other")
    chosen = given or named
    if chosen is None:
        raise Refused("name --out with .pdf, .html or .md, or give --format")
    return chosen
