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
# Fields that say who a person is or what they did, in their own or an officer's words.
PERSONAL_FIELDS: frozenset[str] = frozenset(
    {
        "person",
        "name",
        "aliases",
        "date_of_birth",
        "address",
        "postcode",
        "email",
        "emails",
        "phone",
        "phones",
        "summary",
        "note",
        "details",
        "reasons",
        "reject_reason",
        "late_reason",
        "no_notify_reason",
        "not_notified_reason",
        "considerations",
        "condition",
        "scope_reason",
        "by_representative",
        "plain",
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
    words = path.replace("[", ".[").split(".")
    return any(w in PERSONAL_FIELDS for w in words if not w.startswith("["))


def masked(flat: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (MASK if is_personal(k) and v not in (None, [], "") else v) for k, v in flat.items()}


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
