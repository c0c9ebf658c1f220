"""A realistic, messy import sheet: a council's cases as its officers kept them.

    python benchmarks/import_sheet.py OUT.xlsx|OUT.csv [--rows 500] [--today 2026-11-28]

Fictional people at every stage (incidents only, verbal and informal warnings with their
letters, formal warnings with each kind of restriction, refusals of contact, reviews,
appeals, adjustments, a formal warning given straight after a serious incident), one row
per event, as a spreadsheet kept by hand looks: British dates (03/11/2026, 3/11/2026) mixed
with ISO and real date cells, trailing spaces, words in any case, blank rows, details
given on a person's first row only or repeated in other case. With ``duplicate``, one
person is entered a second time under another reference (the same telephone number).
Every date is before ``today`` and every review after it, so the cases it makes are clean.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from pathlib import Path

HEADER = [
    "Person", "Name", "Title", "Date of birth", "Address", "Postcode", "Email", "Phone",
    "Event", "Date", "Officer", "Decided by", "Letter sent", "Channel", "Location",
    "Category", "Behaviours", "Summary", "Service", "Serious", "Note", "Considerations",
    "Only channel", "Contact days", "Contact hours", "Single point of contact",
    "Premises ban", "Essential services", "Review date", "Bypass reason", "Adjustment",
    "Outcome", "Reasons", "Decided on",
]  # fmt: skip
FIRST = ["Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Terry", "Lee", "Kim", "Dana",
         "Morgan", "Jamie", "Casey", "Riley", "Avery", "Quinn", "Harper", "Rowan", "Sasha",
         "Toni"]  # fmt: skip
LAST = ["Ashdown", "Brackley", "Colwell", "Dunmore", "Ellery", "Fenwick", "Garside", "Holloway",
        "Ingram", "Jessop", "Kettering", "Lomax", "Merriman", "Norcott", "Oakley", "Pennock",
        "Quarrie", "Rudd", "Stannard", "Thackeray"]  # fmt: skip
SERVICES = ["Housing", "Council Tax", "Waste", "Planning", "Customer Services"]
OFFICERS = ["Olive Officer", "Otto Second", "Fern Frontline", "Pat Previous"]
MANAGERS = ["Morgan Manager", "Hana Head", "Max Former"]
SUMMARIES = [
    "Shouted and swore at the officer during the call.",
    "Sent the same complaint to twelve officers in one day.",
    "Threatened to come to the office and harm the officer.",
    "Posted offensive remarks about a named officer online.",
]


class Sheet:
    """Rows being written for one register's people, messily."""

    def __init__(self, today: dt.date, seed: int, spoc: str) -> None:
        self.today = today
        self.spoc = spoc  # the staff id of the single point of contact some restrictions name
        self.rng = random.Random(seed)
        self.rows: list[list[object]] = []
        self.people = 0

    def day(self, value: dt.date) -> object:
        """A date as someone typed (or a spreadsheet stored) it."""
        style = self.rng.random()
        if style < 0.5:
            return f"{value:%d/%m/%Y}"
        if style < 0.7:
            return f"{value.day}/{value.month}/{value.year} "
        if style < 0.85:
            return value.isoformat()
        return value  # a date cell

    def mess(self, word: str) -> str:
        """Words in whatever case, with stray spaces."""
        pick = self.rng.random()
        text = word.upper() if pick < 0.2 else word.title() if pick < 0.5 else word
        return text + ("  " if self.rng.random() < 0.3 else "")

    def row(self, ref: str, event: str, when: dt.date, **cells: object) -> None:
        values = {"Person": ref, "Event": self.mess(event), "Date": self.day(when), **cells}
        self.rows.append([values.get(name, "") for name in HEADER])
        if self.rng.random() < 0.03:
            self.rows.append([""] * len(HEADER))  # a blank row

    def person(self, ref: str, phone: str) -> dict[str, object]:
        index = self.people
        self.people += 1
        name = f"{FIRST[index % len(FIRST)]} {LAST[(index // len(FIRST)) % len(LAST)]}"
        if index >= len(FIRST) * len(LAST):
            name += f" {index}"
        return {
            "Name": name + (" " if self.rng.random() < 0.3 else ""),
            "Title": self.rng.choice(["Ms", "Mr", "Mx", "Dr", ""]),
            "Date of birth": self.day(dt.date(1950 + index % 50, 1 + index % 12, 1 + index % 28)),
            "Address": f"{1 + index} Example Road, Witney",
            "Postcode": self.rng.choice(["ox28 9zz", "OX28 9ZZ ", "OX28 1AB", "ox29 4qq"]),
            "Email": f"person{index}@example.com",
            "Phone": phone,
        }

    def incident(self, ref: str, when: dt.date, details: dict[str, object],
                 serious: bool = False) -> None:  # fmt: skip
        behaviour = "physically aggressive" if serious else self.rng.choice(
            ["abusive", "Abusive; threatening language", "offensive", "harassment"]
        )  # fmt: skip
        self.row(
            ref, "incident", when, **details,
            Officer=self.rng.choice(OFFICERS), Channel=self.rng.choice(
                ["Phone", "telephone", "E-mail", "face to face", "letter"]),
            Location=self.mess("council premises"), Category=self.rng.choice(["A", "a"]),
            Behaviours=behaviour, Summary=self.rng.choice(SUMMARIES),
            Service=self.rng.choice(SERVICES), Serious="yes" if serious else "",
        )  # fmt: skip


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError


def restrictions(rng: random.Random, spoc: str) -> dict[str, object]:
    """One of the kinds of restriction, with the terms every restriction needs."""
    kind = rng.randrange(4)
    terms: dict[str, object] = {
        "Considerations": "No protected characteristics or at-risk factors are known.",
        "Essential services": "By letter to the council offices.",
    }
    if kind == 0:
        terms["Only channel"] = rng.choice(["email", "Letter", "e-mail"])
    elif kind == 1:
        terms.update({"Contact days": "mon; thu", "Contact hours": "09:00-12:00"})
    elif kind == 2:
        terms["Single point of contact"] = spoc
    else:
        terms.update({"Premises ban": "Council Offices reception", "Only channel": "letter"})
    return terms


def person_rows(sheet: Sheet, ref: str, phone: str) -> None:
    """One person's history: how far up the ladder they went, at random."""
    rng, today = sheet.rng, sheet.today
    details = sheet.person(ref, phone)
    again = {"Name": str(details["Name"]).lower()} if rng.random() < 0.3 else {}
    stage = rng.random()
    formal = today - dt.timedelta(days=rng.randrange(40, 170))
    if stage < 0.15:  # incidents only
        sheet.incident(ref, formal, details)
        sheet.incident(ref, formal + dt.timedelta(days=7), again)
        return
    if stage < 0.25:  # serious: a formal warning at once, bypassing steps 1 and 2
        sheet.incident(ref, formal - dt.timedelta(days=1), details, serious=True)
        formal_warning(sheet, ref, formal, "Threatened the officer with harm.")
        return
    sheet.incident(ref, formal - dt.timedelta(days=60), details)
    sheet.row(ref, "verbal warning", formal - dt.timedelta(days=59), **again,
              Officer=rng.choice(OFFICERS),
              Note="Told the behaviour was unacceptable.")  # fmt: skip
    if stage < 0.35:
        return
    sheet.incident(ref, formal - dt.timedelta(days=40), {})
    sheet.row(ref, "Informal written warning", formal - dt.timedelta(days=39),
              Officer=rng.choice(OFFICERS),
              **{"Letter sent": sheet.day(formal - dt.timedelta(days=37))})  # fmt: skip
    if stage < 0.45:
        return
    sheet.incident(ref, formal - dt.timedelta(days=5), {})
    formal_warning(sheet, ref, formal, "")
    later(sheet, ref, formal)


def formal_warning(sheet: Sheet, ref: str, formal: dt.date, bypass: str) -> None:
    rng = sheet.rng
    if rng.random() < 0.2:
        sheet.row(ref, "adjustment", formal - dt.timedelta(days=2), Adjustment="needs large print",
                  Officer=rng.choice(OFFICERS))  # fmt: skip
    sheet.row(
        ref, "formal warning", formal, **restrictions(rng, sheet.spoc),
        Officer=rng.choice(OFFICERS), **{"Decided by": rng.choice(MANAGERS),
        "Review date": sheet.day(add_months(formal, 6) - dt.timedelta(days=7)),
        "Letter sent": sheet.day(formal + dt.timedelta(days=2)), "Bypass reason": bypass},
    )  # fmt: skip


def later(sheet: Sheet, ref: str, formal: dt.date) -> None:
    """What came after a formal warning: a review, an appeal, or refusal of contact."""
    rng, today = sheet.rng, sheet.today
    what = rng.random()
    if what < 0.3 and formal + dt.timedelta(days=40) < today:
        held = formal + dt.timedelta(days=rng.randrange(30, (today - formal).days - 5))
        sheet.row(ref, "review", held, Outcome=rng.choice(["continue", "Continue "]),
                  Reasons="No evident change.", Officer=rng.choice(OFFICERS),
                  **{"Review date": sheet.day(add_months(held, 6) - dt.timedelta(days=7)),
                     "Letter sent": sheet.day(held + dt.timedelta(days=1))})  # fmt: skip
    elif what < 0.45 and formal + dt.timedelta(days=20) < today:
        sheet.row(ref, "appeal", formal + dt.timedelta(days=7), Outcome="upheld",
                  Reasons="The restrictions are proportionate.",
                  **{"Decided on": sheet.day(formal + dt.timedelta(days=14)),
                     "Decided by": rng.choice(MANAGERS),
                     "Letter sent": sheet.day(formal + dt.timedelta(days=15))})  # fmt: skip
    elif what < 0.6 and formal + dt.timedelta(days=20) < today:
        refused = formal + dt.timedelta(days=12)
        sheet.incident(ref, formal + dt.timedelta(days=10), {})
        sheet.row(
            ref, "contact refused", refused, **restrictions(rng, sheet.spoc),
            Officer=rng.choice(OFFICERS), **{"Decided by": rng.choice(MANAGERS),
            "Review date": sheet.day(add_months(refused, 6) - dt.timedelta(days=7)),
            "Letter sent": sheet.day(refused + dt.timedelta(days=2))},
        )  # fmt: skip


def sheet_rows(
    rows: int = 500,
    today: dt.date = dt.date(2026, 11, 28),
    seed: int = 7,
    duplicate: bool = True,
    spoc: str = "officer",
) -> tuple[list[str], list[list[object]]]:
    """The header and about ``rows`` rows (at least), with one person entered twice; ``spoc``
    is a case officer of the register, named as some people's single point of contact."""
    sheet = Sheet(today, seed, spoc)
    number = 0
    while len(sheet.rows) < rows:
        number += 1
        person_rows(sheet, f"UCB-{number:04d}", f"01993 {100000 + number:06d}")
        if duplicate and number == 20:  # the first person again, under another reference
            sheet.incident("ucb-dup-1", today - dt.timedelta(days=3), {
                "Name": "alex ashdown", "Phone": "01993 100001"})  # fmt: skip
    return HEADER, sheet.rows


def write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """The sheet as CSV or XLSX, by the file's name."""
    if path.suffix.lower() == ".csv":
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows([
                [cell.strftime("%d/%m/%Y") if isinstance(cell, dt.date) else cell for cell in row]
                for row in rows
            ])  # fmt: skip
        return
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--today", default="2026-11-28")
    parser.add_argument("--no-duplicate", action="store_true")
    parser.add_argument("--spoc", default="officer", help="a case officer's staff id")
    args = parser.parse_args(argv)
    today = dt.date.fromisoformat(args.today)
    header, rows = sheet_rows(args.rows, today, duplicate=not args.no_duplicate, spoc=args.spoc)
    write(args.out, header, rows)
    print(f"{len(rows)} rows written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
