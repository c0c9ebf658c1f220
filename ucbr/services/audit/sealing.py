"""How a record's sections are sealed, as far as anyone can see without a key: the server's
hook judges it for every record a push brings.

Each section of a case or property file is an age file in canonical armor (as age writes
it), sealed to exactly one recipient: the tier key of the lowest tier that reads it, an
X25519 key. A section with a second stanza is readable by someone besides its tier, and
one that is not well-formed armor is readable by no one: both are refused at the door.
Which key the one stanza is for cannot be seen without a key; the holders' clones and the
audit judge that.
"""

from __future__ import annotations

from ucbr.errors import UcbrError
from ucbr.services.audit.paths import kind_of
from ucbr.storage import envelope
from ucbr.storage.vault import dearmor, stanzas


def sealing_problem(path: str, raw: bytes) -> str | None:
    """What is wrong with how a stored record file's sections are sealed, or None (a file
    that is not a sealed record at all is reported by the plaintext check)."""
    if kind_of(path) != "records":
        return None
    try:
        env = envelope.parse(raw.decode(), path)
    except (UcbrError, UnicodeDecodeError):
        return None
    for name, armored in env.sections.items():
        if dearmor(armored) is None:
            return f"its {name} section is not an age file in well-formed armor"
        found = stanzas(armored) or []
        if found != ["X25519"]:
            return (
                f"its {name} section is sealed to {len(found)} recipients: a section is "
                "sealed to its tier key alone"
            )
    return None
