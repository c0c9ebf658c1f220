"""The ``git diff`` driver: a register file as the decrypted fields the caller's key opens.

Plaintext is only ever printed, never written: git is never told to cache it
(``cachetextconv``).
"""

from __future__ import annotations

from typing import Any

from ucbr.domain.fields import flatten, masked, scalar
from ucbr.domain.staff import SECTIONS
from ucbr.errors import UcbrError
from ucbr.storage import envelope
from ucbr.storage.vault import Keyring
from ucbr.storage.yamlio import load_strict


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
