"""The values every record is made of: text, ids and dates, each checked as it is read.

Text holds no control characters (ESC, bidirectional overrides) that would change what a
terminal or a letter shows; a line holds no line break; every date is from 1900 to 2199;
and an unknown key in a record is an error, never silently kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Annotated, Any, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, model_validator

# Characters that change what a terminal or a letter shows rather than being shown: C0 and
# C1 controls (ESC starts a terminal escape sequence that can hide the lines after it) and
# the bidirectional marks and overrides that reorder text on screen.
_HIDDEN_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_HIDDEN_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Dates outside these are typing mistakes, and far-future ones overflow date arithmetic.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)


def _no_hidden_characters(value: str) -> str:
    if _HIDDEN_IN_TEXT.search(value):
        raise ValueError("holds a control character; type plain text")
    return value


def _one_plain_line(value: str) -> str:
    if _HIDDEN_IN_LINE.search(value):
        raise ValueError("holds a line break or a control character; type one plain line")
    return value


def check_date(day: dt.date) -> dt.date:
    """A date the register can hold: from 1900 to 2199."""
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"must be a date from {EARLIEST.year} to {LATEST.year}")
    return day


def typed_date(value: str, what: str) -> dt.date:
    """A date typed as YYYY-MM-DD, from 1900 to 2199; a ``ValueError`` naming ``what``, never
    the value, otherwise."""
    try:
        return check_date(dt.date.fromisoformat(value))
    except ValueError:
        raise ValueError(
            f"{what} must be a date, YYYY-MM-DD, from {EARLIEST.year} to {LATEST.year}"
        ) from None


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
    AfterValidator(_no_hidden_characters),
]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_one_plain_line),
]
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20),
    AfterValidator(_one_plain_line),
]
StaffId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,39}$")]
CaseId = Annotated[str, StringConstraints(pattern=r"^C-[0-9A-HJKMNP-TV-Z]{8}$")]
PropertyId = Annotated[str, StringConstraints(pattern=r"^P-[0-9A-HJKMNP-TV-Z]{8}$")]
IncidentId = Annotated[str, StringConstraints(pattern=r"^I-[0-9A-HJKMNP-TV-Z]{8}$")]
ItemId = Annotated[str, StringConstraints(pattern=r"^[DRALF]-[0-9A-HJKMNP-TV-Z]{8}$")]
Uprn = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,12}$")]
PolicyHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
# 32 random bytes as hex: the key of a record's commitment (``ucbr.domain.commitment``).
Salt = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Strict(BaseModel):
    """Unknown keys are an error: a typo in a register file must not pass silently.

    Every date, wherever it is, is one the register can hold (``check_date``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="after")
    def _dates_in_range(self) -> Any:
        # Once per record, over the fields that can hold a date (found once per model).
        for name in _date_fields(type(self)):
            value = getattr(self, name)
            for day in value if isinstance(value, tuple) else (value,):
                if isinstance(day, dt.date) and not EARLIEST <= day <= LATEST:
                    raise ValueError(f"{name} must be a date from {EARLIEST.year} to {LATEST.year}")
        return self


@functools.cache
def _date_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model whose type can hold a date."""
    return tuple(name for name, info in model.model_fields.items() if _holds_date(info.annotation))


def _holds_date(annotation: Any) -> bool:
    if annotation is dt.date:
        return True
    return any(_holds_date(arg) for arg in get_args(annotation))
