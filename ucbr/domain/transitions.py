"""What each action may change in a record: so history proves who did what.

A commit's signature proves who made it; this proves the change is the action it claims,
made by them. The record before and after a commit is compared field by field (items
matched by id): each action may add only its own items and change only its own fields,
every ``*_by`` field it sets must name the commit's officer, and every date it stamps
must be the commit's policy date, or, for a step dated the day it was done (``Ucbr-On``),
that day; the day it was recorded (``recorded_on``) is always the policy date, and a step
recorded more than a few days after it was done records why. So an officer cannot, under
their own name, write a manager's approval into a record, restore an older revision (a
restriction gone), or backdate an approval unseen.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from typing import Any

from ucbr.domain.fields import flatten
from ucbr.domain.policy.dated import OFFLINE_DAYS as LATE_WITHOUT_REASON

# Fields that name who did something: set by a commit, they name its officer.
ACTOR_FIELDS = frozenset(
    {"reported_by", "proposed_by", "approved_by", "rejected_by", "decided_by", "lodged_by",
     "recorded_by", "by"}
)  # fmt: skip
# Fields stamped with the day something was done: set by a commit, they are its date.
STAMPED_FIELDS = frozenset(
    {"opened_on", "recorded_on", "proposed_on", "approved_on", "rejected_on", "decided_on",
     "ended_on", "done_on"}
)  # fmt: skip
# Stamped where they are new items' ``date``: the day of a review, and of a letter issued.
STAMPED_DATES = ("reviews{+}.date", "letters{+}.date")
# Actions that may be dated the day they were done (``Ucbr-On``), and so record why late.
_LATE = "recorded_late{+}*"
NO_REASON = "and no reason is recorded"
_PATH = re.compile(r"^(?P<list>[a-z_]+)\[(?P<key>[^\]]+)\](?:\.(?P<rest>.*))?$")


@dataclass(frozen=True)
class Rule:
    """What one action may do to a record.

    Patterns are ``list{+}.field`` (a field of an item the commit adds), ``list{=}.field``
    (a field of an item that was there before) or a plain field path; ``*`` matches any.
    """

    may: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    values: dict[str, frozenset[str]] = field(default_factory=dict)
    new_file: bool = False  # may create the file
    only_new_file: bool = False  # may only create it, never change one


_NO_DECISION = ("decisions{+}.approved_*", "decisions{+}.rejected_*", "decisions{+}.ended_on",
                "decisions{+}.reject_reason")  # fmt: skip
_NEW_DECISION = {"decisions{+}.status": frozenset({"recorded", "proposed"})}
CASE_RULES: dict[str, Rule] = {
    "add-incident": Rule(
        ("id", "person.*", "opened_on", "not_a_duplicate", "incidents{+}*"), new_file=True
    ),
    "escalate": Rule(("decisions{+}*", _LATE), _NO_DECISION, _NEW_DECISION),
    "approve": Rule(
        (
            "decisions{=}.status",
            "decisions{=}.approved_by",
            "decisions{=}.approved_on",
            "decisions{=}.ended_on",
            "reviews{=}.status",
            "reviews{=}.approved_by",
            "reviews{=}.approved_on",
            _LATE,
        ),
        values={
            "decisions{=}.status": frozenset({"approved", "superseded"}),
            "reviews{=}.status": frozenset({"approved"}),
        },
    ),
    "reject": Rule(
        (
            "decisions{=}.status",
            "decisions{=}.rejected_by",
            "decisions{=}.rejected_on",
            "decisions{=}.reject_reason",
            "reviews{=}.status",
            "reviews{=}.rejected_by",
            "reviews{=}.rejected_on",
            "reviews{=}.reject_reason",
        ),
        values={
            "decisions{=}.status": frozenset({"rejected"}),
            "reviews{=}.status": frozenset({"rejected"}),
        },
    ),
    "adjustment": Rule(("adjustments{+}*",)),
    "review": Rule(
        ("reviews{+}*", "decisions{+}*", "decisions{=}.status", "decisions{=}.ended_on", _LATE),
        (
            *_NO_DECISION,
            "reviews{+}.approved_*",
            "reviews{+}.rejected_*",
            "reviews{+}.reject_reason",
        ),
        {
            **_NEW_DECISION,
            "decisions{=}.status": frozenset({"lifted"}),
            "reviews{+}.status": frozenset({"recorded", "proposed"}),
        },
    ),
    "appeal-lodge": Rule(("appeals{+}*",), ("appeals{+}.outcome", "appeals{+}.decided_*")),
    "appeal-decide": Rule(
        (
            "appeals{=}.outcome",
            "appeals{=}.reasons",
            "appeals{=}.decided_by",
            "appeals{=}.decided_on",
            "decisions{+}*",
            "decisions{=}.status",
            "decisions{=}.ended_on",
            _LATE,
        ),
        _NO_DECISION,
        {**_NEW_DECISION, "decisions{=}.status": frozenset({"overturned"})},
    ),
    "letter": Rule(("letters{+}*", _LATE)),
    "foi": Rule(("foi{+}*",)),
    "import": Rule(("*",), only_new_file=True),
}
_TERMS = ("address", "postcode", "uprn", "risks", "other_risk", "guidance", "details",
          "condition", "not_notified_reason")  # fmt: skip
PROPERTY_RULES: dict[str, Rule] = {
    "property-add": Rule(
        (
            "id",
            *_TERMS,
            "policy",
            "not_a_duplicate",
            "decision.status",
            "decision.proposed_by",
            "decision.proposed_on",
        ),
        values={"decision.status": frozenset({"proposed"})},
        only_new_file=True,
    ),
    "property-approve": Rule(
        (*_TERMS, "decision.*", "proposal*", "next_review", "policy"),
        values={"decision.status": frozenset({"approved"})},
    ),
    "property-reject": Rule(
        ("decision.status", "decision.rejected_by", "decision.reject_reason", "proposal.*"),
    ),
    "property-review": Rule(
        ("reviews{+}*", "next_review", "decision.status", "decision.ended_on", "proposal*"),
        values={"decision.status": frozenset({"lifted"})},
    ),
    "import": Rule(("*",), only_new_file=True),
}
# Actions that re-seal a file without changing what it says.
RESEALING = frozenset({"staff-remove", "keys-rotate"})


def _fields(record: dict[str, Any]) -> dict[str, Any]:
    """A record's fields, one per path; an empty list is the same as none."""
    return {path: value for path, value in flatten(record).items() if value not in ([], ())}


def _where(path: str, before: dict[str, Any]) -> str:
    """``decisions[D-1].status`` -> ``decisions{=}.status`` or ``decisions{+}.status``."""
    found = _PATH.match(path)
    if found is None:
        return path
    prefix = f"{found['list']}[{found['key']}]"
    known = any(key == prefix or key.startswith(prefix + ".") for key in before)
    rest = found["rest"]
    mark = "{=}" if known else "{+}"
    return f"{found['list']}{mark}" + (f".{rest}" if rest else "")


def transition_problems(
    action: str,
    officer: str,
    day: dt.date,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    kind: str,
    on: dt.date | None = None,
) -> list[str]:
    """Whether a commit's change to one record is the action it claims, by its officer.

    ``before`` and ``after`` are the record's data at the commit's parent and at the
    commit (None where the file does not exist); ``kind`` is "case" or "property"; ``on``
    is the day the step was done (``Ucbr-On``), when the commit carries one.
    """
    if before == after:
        return []
    if action in RESEALING:
        return [f"a {action} changed what the record says, not only who can read it"]
    if after is None:
        return [] if action == "retention" and kind == "case" else [f"a {action} deleted it"]
    rule = (CASE_RULES if kind == "case" else PROPERTY_RULES).get(action)
    if rule is None:
        return [f"a {action} does not change a {kind} record"]
    if before is None and not (rule.new_file or rule.only_new_file):
        return [f"a {action} cannot create a {kind} record"]
    if before is not None and rule.only_new_file:
        return [f"a {action} may only create a {kind} record, not change one"]
    if rule.may == ("*",) and not rule.must_not and not rule.values:
        return []  # every field may be set, to any value, by anyone (an import)
    old, new = _fields(before or {}), _fields(after)
    problems: list[str] = []
    added_late = False
    for path in sorted(set(old) | set(new)):
        if old.get(path) == new.get(path):
            continue
        where = _where(path, old)
        if path not in new:
            if not _may(rule, where):
                problems.append(f"removed {path}, which no {action} removes")
            continue
        added_late = added_late or where == "recorded_late{+}.reason"
        problems.extend(_field_problems(rule, action, officer, (day, on), path, where, new))
    if on is not None and (day - on).days > LATE_WITHOUT_REASON and not added_late:
        problems.append(
            f"the step was done on {on}, {(day - on).days} days before it was recorded, {NO_REASON}"
        )
    return problems[:3]


def _may(rule: Rule, where: str) -> bool:
    """Whether the rule lets its action change (or clear) the field at ``where``."""
    allowed = any(fnmatch(where, pattern) for pattern in rule.may)
    return allowed and not any(fnmatch(where, pattern) for pattern in rule.must_not)


def _field_problems(
    rule: Rule,
    action: str,
    officer: str,
    days: tuple[dt.date, dt.date | None],
    path: str,
    where: str,
    new: dict[str, Any],
) -> list[str]:
    value = new[path]
    name = path.rsplit(".", 1)[-1]
    if not _may(rule, where):
        return [f"changed {path}, which a {action} does not change"]
    allowed = next((v for pattern, v in rule.values.items() if fnmatch(where, pattern)), None)
    if allowed is not None and value not in allowed:
        return [f"set {path} to {value}, which a {action} does not"]
    if name in ACTOR_FIELDS and rule.may != ("*",) and value != officer:
        return [f"{path} names {value}, but the commit is by {officer}"]
    stamped = name in STAMPED_FIELDS or where in STAMPED_DATES
    if stamped and rule.may != ("*",):
        day, on = days
        # The day it was recorded is the commit's; the day it was done, the step's own.
        due = day if name == "recorded_on" or on is None else on
        if str(value) != due.isoformat():
            made = f"the commit was made on {day}" if due == day else f"the step was done on {on}"
            return [f"{path} is {value}, but {made}"]
    return []
