"""What a well-formed age file is, read without a key: its armor, its header and its stanzas.

Every sealed thing in a register is an armored age file (age-encryption.org/v1): each
section of a case or property file, sealed to exactly one tier key, and each tier key,
sealed to the staff who hold it. A reader refuses anything else before decrypting, so a
file that is not what ucbr writes (a second recipient, a recipient of a kind ucbr never
uses, a header cut short, a payload too short to hold a single chunk) is an integrity
problem, never a section that "your key cannot open".

An X25519 stanza does not name its recipient, so which tier key a section is sealed to
is only proven by opening it: see ``docs/trust.md``. age's "grease" stanzas (a type
ending ``-grease``, which no key opens and every reader skips) are not recipients.

No register file may be larger than ``MAX_FILE_BYTES``: every reader, ``check``, the
audit and the server's hook refuse a larger one before parsing it.
"""

from __future__ import annotations

import base64
import re

ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = "-----END AGE ENCRYPTED FILE-----"
# The largest file a register holds: four mebibytes. A case file of the largest records the
# policy's fields allow (hundreds of incidents at 4,000 characters each) is well under it.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_FILE_WORDS = "4 MiB"
# The header, as age's format defines it: the version line; stanzas, each "-> " and its
# arguments (visible ASCII) then a body of base64 lines, every one of 64 columns but the
# last, which is shorter (and may be empty); then the MAC line.
_HEADER = re.compile(
    rb"age-encryption\.org/v1\n"
    rb"((?:-> [\x21-\x7e]+(?: [\x21-\x7e]+)*\n(?:[A-Za-z0-9+/]{64}\n)*[A-Za-z0-9+/]{0,63}\n)*)"
    rb"--- [A-Za-z0-9+/]{43}\n"
)
_STANZA_TYPE = re.compile(rb"^-> ([\x21-\x7e]+)", re.MULTILINE)
# A payload is a 16-byte nonce and at least one chunk, which carries a 16-byte tag.
_SHORTEST_PAYLOAD = 32
SECTION_STANZA = "X25519"
TIER_KEY_STANZAS = frozenset({"X25519", "ssh-ed25519"})


def dearmor(armored: str) -> bytes | None:
    """The binary age file inside canonical armor (as age writes it), or None.

    pyrage reads armor itself, but a fifth slower than this; anything not in canonical
    form (64-column lines, exact padding) is not an age file as ucbr or age writes it.
    """
    text = armored.strip()
    head, tail = len(ARMOR_BEGIN) + 1, len(ARMOR_END) + 1
    if not (text.startswith(ARMOR_BEGIN + "\n") and text.endswith("\n" + ARMOR_END)):
        return None
    body = text[head:-tail]
    joined = body.replace("\n", "")
    # Canonical: a newline after every 64 characters, and after none of the others.
    if not joined or body.count("\n") != (len(joined) - 1) // 64 or body[64::65].strip("\n"):
        return None
    try:
        raw = base64.b64decode(joined, validate=True)
    except ValueError:
        return None
    return raw if base64.b64encode(raw) == joined.encode() else None


def header_stanzas(raw: bytes) -> list[str] | None:
    """The type of each recipient stanza of a binary age file (grease left out), in order;
    None when the file is not a well-formed age file."""
    header = _HEADER.match(raw)
    if header is None or len(raw) - header.end() < _SHORTEST_PAYLOAD:
        return None
    kinds = (kind.decode() for kind in _STANZA_TYPE.findall(header.group(1)))
    return [kind for kind in kinds if not kind.endswith("-grease")]


def section_problem(armored: str) -> str | None:
    """What keeps an armored section from being one ucbr reads, or None: it must be a
    well-formed age file sealed to exactly one X25519 key (a tier key)."""
    raw = dearmor(armored)
    if raw is None:
        return "is not in age's armor"
    kinds = header_stanzas(raw)
    if kinds is None:
        return "is not a well-formed age file"
    if kinds != [SECTION_STANZA]:
        return f"is sealed to {len(kinds)} keys; a section is sealed to exactly its one tier key"
    return None


def tier_key_problem(armored: str) -> str | None:
    """What keeps an armored tier key from being one ucbr reads, or None: a well-formed age
    file sealed only to staff keys (age X25519 or ssh-ed25519)."""
    raw = dearmor(armored)
    if raw is None:
        return "is not in age's armor"
    kinds = header_stanzas(raw)
    if kinds is None:
        return "is not a well-formed age file"
    if not kinds or any(kind not in TIER_KEY_STANZAS for kind in kinds):
        return "is sealed to a kind of key that no member of staff holds"
    return None


def too_large(size: int) -> str | None:
    """The refusal of a file of ``size`` bytes, or None when it is within the bound."""
    if size > MAX_FILE_BYTES:
        return f"is larger than a register file may be ({MAX_FILE_WORDS})"
    return None
