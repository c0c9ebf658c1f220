"""``ucbr show`` for a person to read: the entry in plain words, then the record by heading.

Every field a key can read is shown, in the order the record holds it; what is empty or at
its default is left out, restrictions are described in words, and long text is wrapped
under its label. ``ucbr show --json`` gives the full sections as data.
"""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from ucbr.cli.entries import entry_lines
from ucbr.domain.model import Incident, Justification, Restriction
from ucbr.domain.sections import CaseEntry, PropertyEntry, Schedule
from ucbr.domain.words import RISK_NAMES, STEP_NAMES, describe_restriction
from ucbr.services.clock import today

INDENT = "  "
# Fields every item carries that a reader does not need: its id heads the item, and the
# policy version and letter hashes are for the audit (``--json`` has them).
_QUIET = frozenset({"id", "policy", "template_sha256", "sha256"})
# The fields that head an item, after its id, in this order when present.
_HEADLINE = ("step", "kind", "outcome", "decision", "status", "scope", "date", "received")


def show_lines(file_id: str, sections: dict[str, BaseModel], hidden: list[str]) -> list[str]:
    """The whole of what a key can read of one file, as lines of text."""
    lines: list[str] = []
    for name in ("entry", "schedule", "record"):
        section = sections.get(name)
        if section is None:
            continue
        lines.extend(_SECTION_WRITERS[name](file_id, section))
        lines.append("")
    if hidden:
        lines.append(f"(your key cannot read: {', '.join(hidden)})")
    return lines


def _entry(file_id: str, entry: BaseModel) -> Iterator[str]:
    assert isinstance(entry, (CaseEntry, PropertyEntry))
    yield _heading(f"{file_id}: what staff see before contact")
    yield from (line.removeprefix(INDENT) for line in entry_lines(entry, today()))


def _schedule(file_id: str, schedule: BaseModel) -> Iterator[str]:
    assert isinstance(schedule, Schedule)
    yield _heading(f"{file_id}: what is due")
    yield f"A {schedule.kind}, status: {_words(schedule.status)}"
    if schedule.next_review is not None:
        yield f"Next review: {schedule.next_review.isoformat()}"
    for item in schedule.items:
        detail = f" ({item.detail})" if item.detail else ""
        yield f"{INDENT}- {_words(item.what)}{detail} by {item.due.isoformat()}"


def _record(file_id: str, record: BaseModel) -> Iterator[str]:
    yield _heading(f"{file_id}: the record")
    items: list[tuple[str, tuple[BaseModel, ...]]] = []
    for name, value in _fields(record):
        if name in _QUIET:
            continue
        if isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
            if isinstance(value[0], (Restriction, Justification)):
                yield from _labelled(_words(name), _value(value, name), "")
            else:
                items.append((name, value))
        elif isinstance(value, BaseModel):
            yield f"{_words(name).capitalize()}:"
            yield from _block(value, INDENT)
        else:
            yield from _labelled(_words(name).capitalize(), _value(value, name), "")
    for name, found in items:
        yield ""
        yield f"{_words(name).capitalize()} ({len(found)})"
        for item in found:
            yield from _item(item)


def _item(item: BaseModel) -> Iterator[str]:
    """One incident, decision, review…: a headline, who acted when, then the rest."""
    head, used = _headline(item)
    yield INDENT + "  ".join(part for part in head if part)
    yield from _block(item, INDENT * 2, skip=used)


def _headline(item: BaseModel) -> tuple[list[str], set[str]]:
    head = [str(getattr(item, "id", "") or "")]
    used = set(_QUIET)
    if isinstance(item, Incident):
        head += [
            item.date.isoformat(),
            f"{item.category}: {', '.join(item.behaviours)}",
            f"({_words(item.channel)}, {_words(item.location)})",
            "SERIOUS" if item.serious else "",
        ]
        return head, used | {"date", "category", "behaviours", "channel", "location", "serious"}
    for name in _HEADLINE:
        value = getattr(item, name, None)
        if isinstance(value, (str, dt.date)) and value:
            head.append(_value(value, name))
            used.add(name)
    return head, used


def _who_when(item: BaseModel) -> tuple[list[str], set[str]]:
    """``proposed_by``/``proposed_on`` and the like as "proposed officer1 on 2026-11-02"."""
    fields = type(item).model_fields
    phrases: list[str] = []
    used: set[str] = set()
    for name in fields:
        who = getattr(item, name)
        if not name.endswith("by") or not isinstance(who, str) or name.endswith("varied_by"):
            continue
        verb = name.removesuffix("by").removesuffix("_")
        when = getattr(item, _WHEN.get(name, f"{verb}_on"), None)
        used |= {name, _WHEN.get(name, f"{verb}_on")}
        on = f" on {when.isoformat()}" if isinstance(when, dt.date) else ""
        phrases.append(f"{_words(verb)} by {who}{on}".strip())
    return phrases, used


# An actor field whose date has a name of its own.
_WHEN = {"reported_by": "recorded_on"}


def _block(
    model: BaseModel, indent: str, skip: frozenset[str] | set[str] = _QUIET
) -> Iterator[str]:
    """Each field as ``label: value``; who acted when, on one line at the end."""
    who, by_whom = _who_when(model)
    for name, value in _fields(model):
        if name in skip or name in by_whom:
            continue
        if isinstance(value, BaseModel) and not isinstance(value, (Restriction, Justification)):
            yield f"{indent}{_words(name)}:"
            yield from _block(value, indent + INDENT)
        else:
            yield from _labelled(_words(name), _value(value, name), indent)
    if who:
        yield from _labelled("", "; ".join(who), indent)


def _fields(model: BaseModel) -> Iterator[tuple[str, Any]]:
    """Each field with a value worth showing: not empty, not a default flag."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None or value == () or value == "":
            continue
        if isinstance(value, bool) and value == info.default:
            continue
        yield name, value


def _value(value: Any, name: str = "") -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Restriction):
        return describe_restriction(value)
    if isinstance(value, Justification):
        return f"{_words(value.adjustment)}: {value.reason}"
    if isinstance(value, tuple):
        parts = [_value(v, name) for v in value]
        if value and isinstance(value[0], (Restriction, Justification)):
            return "\n".join(f"- {part}" for part in parts)
        return ", ".join(parts)
    if name == "step" and isinstance(value, str):
        return STEP_NAMES.get(value, value)
    if name == "risks" and isinstance(value, str):
        return RISK_NAMES.get(value, value)
    return str(value)


def _labelled(label: str, text: str, indent: str) -> Iterator[str]:
    """``label: text``, wrapped to the terminal; long or many-line text goes under the label."""
    width = max(40, shutil.get_terminal_size().columns) - len(indent)
    one_line = f"{label}: {text}" if label else text
    if "\n" not in text and len(one_line) <= width:
        yield indent + one_line
        return
    yield f"{indent}{label}:"
    for paragraph in text.splitlines():
        yield from _wrapped(paragraph, indent + INDENT)


def _wrapped(paragraph: str, indent: str) -> Iterator[str]:
    """A paragraph wrapped to the terminal; a "- " bullet's later lines under its text."""
    width = max(40, shutil.get_terminal_size().columns) - len(indent)
    hang = "  " if paragraph.startswith("- ") else ""
    lines = textwrap.wrap(paragraph, width, subsequent_indent=hang) or [""]
    yield from (indent + line for line in lines)


def _heading(text: str) -> str:
    return f"{text}\n{'=' * len(text)}"


def _words(code: str) -> str:
    return code.replace("_", " ")


_SECTION_WRITERS = {"entry": _entry, "schedule": _schedule, "record": _record}
