"""Records as fields: one line per field, items keyed by id, personal data masked.

A section's YAML is flattened to one entry per field (``incidents[I-7F3K2QHM].date``), so
a diff or a history shows which fields changed. Every value is masked but those known to
be safe (ids, dates, codes, flags), so a field added to the models later is masked until
someone decides otherwise. Pure: ``git diff``'s driver, ``ucbr history`` and the merge
driver all read records through it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MASK = "•••"
# A record's commitment salt (``ucbr.domain.commitment``): renewed at every write, it is no
# field anyone reads, so no diff, history or judgement of a change sees it.
SALT = "salt"
# Fields whose values are ids, dates, codes and flags: shown as they are. Every other
# value (names, contact details, narratives, premises, topics, guidance, references) is
# masked, so a field added to the models later is masked until someone decides otherwise.
SAFE_FIELDS: frozenset[str] = frozenset(
    {
        "id",
        "kind",
        "status",
        "step",
        "on_register",
        "in_force",
        "appeal_in_progress",
        "date",
        "due",
        "received",
        "recorded_on",
        "proposed_on",
        "approved_on",
        "rejected_on",
        "decided_on",
        "ended_on",
        "opened_on",
        "start",
        "until",
        "review_by",
        "review_date",
        "next_review",
        "late",
        "serious",
        "significant_change",
        "notify",
        "channel",
        "location",
        "category",
        "behaviours",
        "service",
        "scope",
        "days",
        "hours",
        "risks",
        "adjustments",
        "outcome",
        "format",
        "sha256",
        "template_sha256",
        "policy",
        "decision",
        "incidents",
        "bypass_incident",
        "variation_of",
        "varied_by",
        "copy_of",
        "about",
        "what",
        "detail",
        "reported_by",
        "proposed_by",
        "approved_by",
        "rejected_by",
        "decided_by",
        "lodged_by",
        "by",
        "recorded_by",
        "staff",
        "ucbr",
    }
)


def item_key(item: object) -> str | None:
    """How a list item is matched across versions: its id, an adjustment's kind and date, or
    a late-recorded step's item, day and officer."""
    if not isinstance(item, Mapping):
        return None
    if "id" in item:
        return str(item["id"])
    if "kind" in item and "recorded_on" in item:
        return f"{item['kind']}@{item['recorded_on']}"
    if "item" in item and "done_on" in item:  # a step recorded late: the step, its day, who
        return f"{item['item']}@{item['done_on']}@{item.get('by')}"
    return None


def flatten(data: object, prefix: str = "") -> dict[str, Any]:
    """One entry per field; lists of items keyed by id, lists of plain values kept whole; a
    record's salt left out."""
    flat: dict[str, Any] = {}
    _flatten_into(data, prefix, flat)
    return flat


def _flatten_into(data: object, prefix: str, flat: dict[str, Any]) -> None:
    if isinstance(data, Mapping):
        for key, value in data.items():
            if key == SALT and not prefix:
                continue
            _flatten_into(value, f"{prefix}.{key}" if prefix else str(key), flat)
    elif isinstance(data, list) and data and all(isinstance(i, Mapping) for i in data):
        keys = [item_key(i) for i in data]
        if None in keys or len(set(keys)) != len(keys):
            keys = [str(n) for n in range(len(data))]
        for key, item in zip(keys, data, strict=True):
            _flatten_into(item, f"{prefix}[{key}]", flat)
    else:
        flat[prefix] = data


def is_personal(path: str) -> bool:
    """Whether a field may hold personal data: anything but an id, date, code or flag."""
    words = [w for w in path.replace("[", ".[").split(".") if w and not w.startswith("[")]
    return not words or words[-1] not in SAFE_FIELDS


def mask_value(path: str, value: Any) -> Any:
    """The value, or the mask where the field may hold personal data."""
    if isinstance(value, bool) or value in (None, [], "") or not is_personal(path):
        return value
    return MASK


def masked(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Every field of a flattened record, masked where it may hold personal data."""
    return {k: mask_value(k, v) for k, v in flat.items()}


def scalar(value: Any) -> str:
    """One line of YAML for a value: JSON is a YAML flow scalar, and stays on one line."""
    return json.dumps(value, ensure_ascii=False, default=str)
