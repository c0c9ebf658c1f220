"""Field-level views of a register file, for `git diff`, `git log -p` and `ucbr history`.

A section's YAML is flattened to one line per field (``incidents[I-7F3K2QHM].date``), so
a diff shows which fields changed. Personal data is masked unless asked for. Plaintext
is only ever printed, never written: git is never told to cache it (``cachetextconv``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ucbr import envelope
from ucbr.config import SECTIONS
from ucbr.errors import UcbrError
from ucbr.vault import Keyring
from ucbr.yamlio import load_strict

MASK = "•••"
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
    """How a list item is matched across versions: its id, or an adjustment's kind and date."""
    if not isinstance(item, Mapping):
        return None
    if "id" in item:
        return str(item["id"])
    if "kind" in item and "recorded_on" in item:
        return f"{item['kind']}@{item['recorded_on']}"
    return None


def flatten(data: object, prefix: str = "") -> dict[str, Any]:
    """One entry per field; lists of items keyed by id, lists of plain values kept whole."""
    if isinstance(data, Mapping):
        flat: dict[str, Any] = {}
        for key, value in data.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(data, list) and data and all(isinstance(i, Mapping) for i in data):
        keys = [item_key(i) for i in data]
        if None in keys or len(set(keys)) != len(keys):
            keys = [str(n) for n in range(len(data))]
        flat = {}
        for key, item in zip(keys, data, strict=True):
            flat.update(flatten(item, f"{prefix}[{key}]"))
        return flat
    return {prefix: data}


def is_personal(path: str) -> bool:
    """Whether a field may hold personal data: anything but an id, date, code or flag."""
    words = [w for w in path.replace("[", ".[").split(".") if w and not w.startswith("[")]
    return not words or words[-1] not in SAFE_FIELDS


def mask_value(path: str, value: Any) -> Any:
    if isinstance(value, bool) or value in (None, [], "") or not is_personal(path):
        return value
    return MASK


def masked(flat: Mapping[str, Any]) -> dict[str, Any]:
    return {k: mask_value(k, v) for k, v in flat.items()}


def scalar(value: Any) -> str:
    """One line of YAML for a value: JSON is a YAML flow scalar, and stays on one line."""
    return json.dumps(value, ensure_ascii=False, default=str)


def open_sections(env: envelope.Envelope, ring: Keyring | None) -> dict[str, Any]:
    """The parsed plaintext of each section ``ring`` opens; unreadable ones are left out."""
    found: dict[str, Any] = {}
    for name in SECTIONS:
        if ring is None or not ring.can_read(name):
            continue
        try:
            found[name] = load_strict(ring.open(name, env.sections[name]), name)
        except UcbrError:
            continue
    return found


def render(text: str, where: str, ring: Keyring | None, reveal: bool = False) -> str:
    """The stable, field-level YAML that `git diff` compares."""
    try:
        env = envelope.parse(text, where)
    except UcbrError as exc:
        # Show what git would show without the driver, said plainly: it is already in the repo.
        return f"# not a ucbr file: {exc}\n{text}"
    lines = [f"kind: {env.kind}", f"id: {env.id}"]
    readable = open_sections(env, ring)
    for name in SECTIONS:
        if name not in readable:
            continue
        flat = flatten(readable[name])
        lines.append(f"{name}:")
        shown = flat if reveal else masked(flat)
        lines.extend(f"  {path}: {scalar(value)}" for path, value in shown.items())
    hidden = [n for n in SECTIONS if n not in readable]
    if hidden:
        lines.append(f"# not readable with your key: {', '.join(hidden)}")
    return "\n".join(lines) + "\n"
