"""The report's plain words: what each commit did, and each restriction, from the record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from ucbr.domain.model import Restriction
from ucbr.domain.words import STEP_NAMES, describe_restriction, long_date

Data = dict[str, Any]

ACTION_WORDS = {
    "add-incident": "Incident recorded",
    "escalate": "Step on the ladder",
    "approve": "Decision approved",
    "reject": "Decision rejected",
    "adjustment": "Reasonable adjustment recorded",
    "review": "Restriction reviewed",
    "appeal-lodge": "Appeal lodged",
    "appeal-decide": "Appeal decided",
    "letter": "Letter issued",
    "foi": "FOI decision recorded",
    "sar": "Subject access disclosure",
    "evidence": "Evidence bundle produced",
    "staff-remove": "Sealed again to new keys (a member of staff left)",
    "keys-rotate": "Sealed again to new keys (a key was replaced)",
}


def items(data: Data, name: str) -> list[Data]:
    """One list of the record (a withheld list shows as none)."""
    found = data["record"].get(name, [])
    return [i for i in found if isinstance(i, dict)] if isinstance(found, list) else []


def item(data: Data, name: str, item_id: str) -> Data:
    """One item of the record by id; empty when there is none."""
    return next((i for i in items(data, name) if str(i.get("id")) == item_id), {})


def plain(value: Any) -> str:
    """A code in words: ``council_premises`` -> ``council premises``."""
    return str(value).replace("_", " ") if value is not None else ""


def on(value: Any) -> str:
    """``on 3 March 2026``, or nothing for a value that is no date."""
    try:
        return f" on {long_date(dt.date.fromisoformat(str(value)))}"
    except ValueError:
        return ""


def what(row: Data, data: Data) -> str:
    """One commit's action in words, naming the items it added or decided."""
    touched: dict[str, str] = {}
    for path in row["changed"]:
        name, _, rest = path.partition("[")
        if rest:
            touched.setdefault(name, rest.split("]", 1)[0])
    action = row["action"] or ""
    words = ACTION_WORDS.get(action, action or "a change made by hand")
    if action == "add-incident" and "incidents" in touched:
        found = item(data, "incidents", touched["incidents"])
        return f"{words}: {touched['incidents']}, of{on(found.get('date'))}"
    if action in ("escalate", "review", "appeal-decide") and "decisions" in touched:
        decision = item(data, "decisions", touched["decisions"])
        verb = "Warning given" if decision.get("status") == "recorded" else "Proposed"
        step = f"{verb}: {STEP_NAMES.get(decision.get('step', ''), '')}, {touched['decisions']}"
        if action == "escalate":
            return step
        words = f"{_outcome(data, action, touched)}. {step}"
        return words
    if action in ("review", "appeal-decide", "appeal-lodge"):
        return _outcome(data, action, touched)
    if action in ("approve", "reject") and row["approves"]:
        decision = item(data, "decisions", row["approves"])
        return f"{words}: {row['approves']}, {STEP_NAMES.get(decision.get('step', ''), '')}"
    if action == "letter" and "letters" in touched:
        letter = item(data, "letters", touched["letters"])
        return f"{words}: {touched['letters']}, {letter.get('kind', '')} ({letter.get('format')})"
    if touched:
        return f"{words}: {', '.join(touched.values())}"
    return words


def _outcome(data: Data, action: str, touched: dict[str, str]) -> str:
    if action == "review" and "reviews" in touched:
        review = item(data, "reviews", touched["reviews"])
        return f"Restriction reviewed: {touched['reviews']}, {review.get('outcome', '')}"
    appeal_id = touched.get("appeals", "")
    appeal = item(data, "appeals", appeal_id)
    if action == "appeal-lodge":
        return f"Appeal lodged: {appeal_id}, received{on(appeal.get('received'))}"
    return f"Appeal decided: {appeal_id}, {appeal.get('outcome', '')}"


def restriction_words(restriction: Data) -> str:
    """A restriction as staff read it on the register, and until when."""
    try:
        words = describe_restriction(Restriction.model_validate(restriction))
    except ValidationError:  # a field of it withheld
        words = plain(restriction.get("kind")) + " (details withheld)"
    return words + (f" Until{on(restriction['until'])}." if restriction.get("until") else "")
