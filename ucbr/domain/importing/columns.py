"""The columns ``ucbr import`` reads, and how each cell's text becomes a value.

A sheet is one row per event (an incident, a warning, a restriction, an adjustment, a
review, an appeal), each naming its person in the ``person`` column; the person's details
are given on any of their rows (repeated, they must agree). Headers and words are read
forgivingly: any case, spaces or underscores or hyphens, surrounding spaces ignored. Dates
are British (03/11/2026 is 3 November) or ISO (2026-11-03); a spreadsheet's own date
cells are read as dates. A problem names the row and column and says why, never the
cell's value, which may be personal.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ucbr.domain.values import check_date

Cell = str | dt.date | dt.datetime | int | float | bool | None


@dataclass(frozen=True)
class Column:
    """One column of the sheet: its header, what it holds, and an example of it."""

    name: str
    holds: str
    example: str = ""


PERSON_COLUMNS = (
    Column("person", "Required on every row: your own reference for the person (any text "
           "that is the same on all their rows, e.g. your old case number).", "UCB-0041"),
    Column("name", "Their full name (on at least one of their rows).", "Alex Example"),
    Column("title", "Ms, Mr, Mx, Dr…: letters greet them by it.", "Ms"),
    Column("other names", "Other names they use, separated by ;", "Alex Sample"),
    Column("date of birth", "A date.", "14/02/1970"),
    Column("address", "Their postal address, without the postcode.", "1 Demo Street, Witney"),
    Column("postcode", "Their postcode.", "OX28 9ZZ"),
    Column("email", "Their e-mail addresses, separated by ;", "alex@example.com"),
    Column("phone", "Their telephone numbers, separated by ;", "01993 123456"),
    Column("not a duplicate", "Why this is a new case although someone already recorded "
           "looks like the same person (same phone, e-mail, or name with postcode or date "
           "of birth).", ""),
)  # fmt: skip
EVENT_COLUMNS = (
    Column("event", "Required: incident, verbal warning, informal warning, formal warning, "
           "contact refused, adjustment, review or appeal.", "incident"),
    Column("date", "Required: the day it happened (an incident), was given or decided (a "
           "warning or restriction), was recorded (an adjustment), was held (a review) or "
           "was received (an appeal).", "02/11/2026"),
    Column("officer", "Who reported, gave or proposed it, as your records name them (kept "
           "as a name: they did not sign it in ucbr).", "Olive Officer"),
    Column("decided by", "A formal warning or refusal of contact: the manager who approved "
           "it; an appeal: who decided it (kept as a name; you attest it by importing).",
           "Morgan Manager"),
    Column("letter sent", "The day the letter for this row was sent (a warning, a "
           "restriction, a review's outcome, an appeal's acknowledgement or outcome).", ""),
)  # fmt: skip
INCIDENT_COLUMNS = (
    Column("channel", "telephone, email, online form, social media, letter or face to face.",
           "telephone"),
    Column("location", "council premises, community or residents home.", "council premises"),
    Column("category", "A (aggressive or abusive) or B (unreasonable demands).", "A"),
    Column("behaviours", "The policy's behaviours for the category, separated by ; (e.g. "
           "abusive; threats).", "abusive"),
    Column("summary", "What happened, stated factually.", "Shouted and swore at the officer."),
    Column("service", "The service that suffered the behaviour.", "Customer Services"),
    Column("serious", "yes if it was violence or a serious threat.", ""),
    Column("representative", "Who acted, if a representative did.", ""),
)  # fmt: skip
DECISION_COLUMNS = (
    Column("note", "A verbal warning: what was said; an adjustment: a note.", ""),
    Column("considerations", "Protected characteristics, exceptional circumstances and "
           "at-risk factors considered.", ""),
    Column("only channel", "Contact only by email, letter or telephone.", ""),
    Column("contact days", "Contact only on these days, e.g. mon; thu.", ""),
    Column("contact hours", "Contact only in these hours, e.g. 09:00-12:00.", ""),
    Column("designated email", "E-mails only to this council address.", ""),
    Column("premises ban", "The premises they must not enter.", ""),
    Column("ban until", "The last day of the premises ban.", ""),
    Column("single point of contact", "The staff id (in ucbr) of their single point of "
           "contact.", ""),
    Column("no further responses", "The matter the council no longer replies on.", ""),
    Column("until", "The last day the restrictions apply, if they end on a date.", ""),
    Column("scope", "The service the restrictions cover, or council-wide (default: the "
           "incidents' service).", ""),
    Column("scope reason", "Why the restrictions are council-wide.", ""),
    Column("essential services", "How the person can still reach essential services.", ""),
    Column("review date", "A restriction: its review date; a review: the next one.", ""),
    Column("bypass reason", "A formal warning given without steps 1 and 2: why the serious "
           "incident it relies on is violence or a serious threat.", ""),
    Column("justify", "Why a restriction stands although it conflicts with an adjustment.", ""),
)  # fmt: skip
OTHER_COLUMNS = (
    Column("adjustment", "An adjustment: no email, no written, needs telephone, needs face to "
           "face, needs interpreter, needs large print, needs easy read or needs advocate.", ""),
    Column("outcome", "A review: continue or lift; an appeal: upheld or overturned (blank: "
           "not yet decided).", ""),
    Column("reasons", "A review's or an appeal decision's reasons.", ""),
    Column("decided on", "The day an appeal was decided.", ""),
    Column("late reason", "Why an appeal that arrived after the deadline was accepted.", ""),
)  # fmt: skip
COLUMNS: tuple[Column, ...] = (
    *PERSON_COLUMNS,
    *EVENT_COLUMNS,
    *INCIDENT_COLUMNS,
    *DECISION_COLUMNS,
    *OTHER_COLUMNS,
)
NAMES: tuple[str, ...] = tuple(column.name for column in COLUMNS)


class CellProblem(ValueError):
    """Why a cell cannot be read, in words that never repeat what it holds."""


def words(text: str) -> str:
    """Text as a header or a word is compared: lower case, one space between words, and
    underscores and hyphens read as spaces."""
    return " ".join(re.sub(r"[_\-]", " ", text).lower().split())


def header_name(cell: Cell) -> str | None:
    """The column a header cell names, or None when it names none of ours."""
    if not isinstance(cell, str):
        return None
    found = words(cell)
    return found if found in NAMES else None


def text(cell: Cell) -> str:
    """A cell as text, surrounding spaces removed; a blank cell is ""."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, (dt.datetime, dt.date)):
        return cell.isoformat()
    return str(cell).strip()


_UK = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def date(cell: Cell) -> dt.date:
    """A date: a spreadsheet date, day/month/year (03/11/2026 is 3 November), or ISO."""
    if isinstance(cell, dt.datetime):
        return check_date(cell.date())
    if isinstance(cell, dt.date):
        return check_date(cell)
    raw = text(cell)
    iso, uk = _ISO.match(raw), _UK.match(raw)
    if uk is not None and len(uk.group(3)) != 4:
        raise CellProblem("has a two-figure year; write the year in full, e.g. 03/11/2026")
    parts = (iso.group(1), iso.group(2), iso.group(3)) if iso else None
    if uk is not None:
        parts = (uk.group(3), uk.group(2), uk.group(1))
    if parts is None:
        raise CellProblem("is not a date; write it as 03/11/2026 (day first) or 2026-11-03")
    try:
        return check_date(dt.date(int(parts[0]), int(parts[1]), int(parts[2])))
    except ValueError:
        raise CellProblem("is not a day of the calendar (day first: 03/11/2026)") from None


def choice(cell: Cell, allowed: tuple[str, ...], synonyms: dict[str, str] | None = None) -> str:
    """One of ``allowed`` (codes like ``face_to_face``), however it is spelled."""
    wanted = words(text(cell))
    for code in allowed:
        if words(code) == wanted:
            return code
    if synonyms and wanted in synonyms:
        return synonyms[wanted]
    raise CellProblem(f"must be one of: {', '.join(words(code) for code in allowed)}")


def yes(cell: Cell) -> bool:
    """Yes or no: yes, y, true, x or 1 is yes; no, n, false, 0 or blank is no."""
    value = words(text(cell))
    if value in ("yes", "y", "true", "x", "1"):
        return True
    if value in ("no", "n", "false", "0", ""):
        return False
    raise CellProblem("must be yes or no")


def items(cell: Cell, also_commas: bool = False) -> tuple[str, ...]:
    """A list separated by ``;`` (and ``,`` where a value never holds one)."""
    raw = text(cell)
    parts = re.split(r"[;,]" if also_commas else r";", raw)
    return tuple(part.strip() for part in parts if part.strip())


def phone(cell: Cell) -> str:
    """A telephone number; one a spreadsheet stored as a number gets its leading 0 back."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        digits = str(int(cell))
        return "0" + digits if len(digits) == 10 else digits
    return text(cell)
