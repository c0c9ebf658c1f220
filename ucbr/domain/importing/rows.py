"""The shapes a sheet is read into: a problem at a row and column, a row being read, an
event, and one person's rows. Nothing here echoes what a cell holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError

from ucbr.domain.importing import columns as col
from ucbr.domain.model import Person, Restriction

T = TypeVar("T")
Cells = Mapping[str, col.Cell]
# Events of the same day replay in this order: the incident before the warning it led to.
ORDER = {"incident": 0, "adjustment": 1, "review": 3, "appeal": 4}


@dataclass(frozen=True)
class SheetProblem:
    """What is wrong at one row (and column): never what the cell holds."""

    row: int
    column: str | None
    why: str

    def line(self) -> str:
        """``row 14, date: is not a date; …``."""
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.why}"


@dataclass(frozen=True)
class Terms:
    """A warning's or a restriction's terms, as the row gives them."""

    note: str | None
    considerations: str | None
    restrictions: tuple[Restriction, ...]
    essential_services: str | None
    scope: str | None
    scope_reason: str | None
    review_by: dt.date | None
    bypass_reason: str | None
    justification: str | None


@dataclass(frozen=True)
class Event:
    """One row: what happened to the person, when, and what the row says of it."""

    row: int
    kind: str  # "incident", a step of the ladder, "adjustment", "review" or "appeal"
    date: dt.date
    officer: str | None
    decided_by: str | None
    letter_sent: dt.date | None
    details: dict[str, Any] = field(default_factory=dict)

    def order(self) -> tuple[dt.date, int, int]:
        """When it replays: by date, then incident before decision before review."""
        return (self.date, ORDER.get(self.kind, 2), self.row)


@dataclass
class PersonRows:
    """One person of the sheet: their reference, details, events and first row."""

    reference: str
    first_row: int
    details: dict[str, Any] = field(default_factory=dict)
    seen_on: dict[str, int] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    person: Person | None = None
    broken: bool = False  # a row of theirs has a problem: no case is built for them


class Row:
    """One row's cells, read column by column; each problem is kept, not raised."""

    def __init__(self, number: int, cells: Cells, problems: list[SheetProblem]) -> None:
        self.number = number
        self.cells = cells
        self.problems = problems

    def raw(self, name: str) -> col.Cell:
        """The cell under a column, as the sheet holds it."""
        return self.cells.get(name)

    def has(self, name: str) -> bool:
        """Whether the cell under a column is filled."""
        return col.text(self.raw(name)) != ""

    def read(self, name: str, parse: Callable[[col.Cell], T], needed: str = "") -> T | None:
        """The cell read by ``parse``; None (and a problem) when it cannot be, or when it is
        blank and ``needed`` says why it must not be."""
        if not self.has(name):
            if needed:
                self.problem(name, f"is blank; {needed}")
            return None
        try:
            return parse(self.raw(name))
        except (col.CellProblem, ValidationError) as exc:
            self.problem(name, str(exc) if isinstance(exc, col.CellProblem) else "is not valid")
            return None

    def words(self, name: str, needed: str = "") -> str | None:
        """The cell's text, or None when blank."""
        return self.read(name, col.text, needed)

    def problem(self, column: str | None, why: str) -> None:
        """Note a problem at this row."""
        self.problems.append(SheetProblem(self.number, column, why))
