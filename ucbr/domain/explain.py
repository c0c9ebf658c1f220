"""A validation error in plain words: which field, and what it should hold.

Pydantic's own messages ("String should match pattern '^C-[0-9A-HJKMNP-TV-Z]{8}$'",
"days.0: Input should be 'mon', 'tue'…") are written for programmers. An officer is told
the field by name and the form it takes, and never the value they typed: it may be a
name, and errors are logged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

# Every pattern the models use, and the form it describes.
FORMS = {
    r"^[a-z0-9][a-z0-9_.-]{0,39}$": "a staff id: lower-case letters, digits, '.', '_' or '-'",
    r"^C-[0-9A-HJKMNP-TV-Z]{8}$": "a case id such as C-7K2M9QXD",
    r"^P-[0-9A-HJKMNP-TV-Z]{8}$": "a property id such as P-7K2M9QXD",
    r"^[CP]-[0-9A-HJKMNP-TV-Z]{8}$": "a case or property id such as C-7K2M9QXD",
    r"^I-[0-9A-HJKMNP-TV-Z]{8}$": "an incident id such as I-7K2M9QXD",
    r"^[DRALF]-[0-9A-HJKMNP-TV-Z]{8}$": "an item id such as R-7K2M9QXD",
    r"^[0-9]{1,12}$": "a UPRN: up to 12 digits",
    r"^[0-9a-f]{12}$": "12 hexadecimal digits",
    r"^[0-9a-f]{64}$": "64 hexadecimal digits",
    r"^\d\d:\d\d-\d\d:\d\d$": "HH:MM-HH:MM, such as 09:30-12:00",
}


def plain_errors(exc: ValidationError) -> str:
    """The first error as 'field: what it must be', and how many more there are."""
    details = exc.errors()
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return f"{plain_error(details[0])}{more}"


def plain_error(detail: Mapping[str, Any]) -> str:
    """One pydantic error: the field named in words, then the problem in words."""
    return f"{field_name(detail.get('loc', ()))}: {_problem(detail)}"


def field_name(loc: Sequence[str | int]) -> str:
    """``("restrictions", 0, "days", 1)`` as "restrictions (item 1) days (item 2)": the keys
    as a settings command or a ``--from`` file spells them."""
    words: list[str] = []
    for part in loc:
        if isinstance(part, int):
            words.append(f"(item {part + 1})")
        elif not _is_internal(part):
            words.append(part)
    return " ".join(words) or "the record"


def _is_internal(part: str) -> bool:
    """Pydantic's names for a branch of a union or a validator step, not a field."""
    return part.startswith(("function-", "union[", "tagged-union[")) or part in (
        "str",
        "int",
        "date",
        "list",
        "tuple",
        "lax-or-strict",
        "json-or-python",
    )


def _problem(detail: Mapping[str, Any]) -> str:
    kind = str(detail.get("type", ""))
    ctx: Mapping[str, Any] = detail.get("ctx") or {}
    if kind == "literal_error":
        return f"must be one of {_choices(str(ctx.get('expected', '')))}"
    if kind == "enum":
        return f"must be one of {_choices(str(ctx.get('expected', '')))}"
    if kind == "string_pattern_mismatch":
        return f"must be {FORMS.get(str(ctx.get('pattern', '')), 'in the expected form')}"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field the register knows"
    if kind == "string_too_short":
        return "cannot be empty"
    if kind in ("string_too_long", "too_long"):
        unit = "characters" if kind == "string_too_long" else "items"
        return f"is too long: at most {ctx.get('max_length')} {unit}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind.startswith(("date_", "datetime_")):
        return "must be a date, YYYY-MM-DD"
    if kind.startswith("int_"):
        return "must be a whole number"
    if kind.startswith("bool_"):
        return "must be yes or no"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _bound(kind, ctx)
    if kind == "value_error":
        return str(ctx.get("error", detail.get("msg", "is not valid")))
    if kind in ("string_type", "list_type", "tuple_type", "dict_type", "model_type"):
        return f"must be {_KIND_WORDS[kind]}"
    return "is not valid"


_KIND_WORDS = {
    "string_type": "text",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a set of named fields",
    "model_type": "a set of named fields",
}


def _bound(kind: str, ctx: Mapping[str, Any]) -> str:
    words = {
        "greater_than": ("more than", "gt"),
        "greater_than_equal": ("at least", "ge"),
        "less_than": ("less than", "lt"),
        "less_than_equal": ("at most", "le"),
    }
    phrase, key = words[kind]
    return f"must be {phrase} {ctx.get(key)}"


def _choices(expected: str) -> str:
    """Pydantic's "'mon', 'tue' or 'wed'" as "mon, tue, wed"."""
    names = [part.strip().strip("'\"") for part in expected.replace(" or ", ", ").split(",")]
    return ", ".join(name for name in names if name)
