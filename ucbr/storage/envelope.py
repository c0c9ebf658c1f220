"""The on-disk shape of a case or property file: plain YAML around three age sections.

```yaml
ucbr: 1
kind: case
id: C-7F3K2QHM
sections:
  schedule: |
    -----BEGIN AGE ENCRYPTED FILE-----
  entry: |
  record: |
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ucbr.domain.model import FORMAT_VERSION
from ucbr.domain.staff import SECTIONS
from ucbr.errors import IntegrityError
from ucbr.storage.agefile import ARMOR_BEGIN, ARMOR_END, section_problem, too_large
from ucbr.storage.yamlio import load_strict, rt_dump, rt_load

HEADER = (
    "# ucbr register file. Personal data lives only inside the age sections below.\n"
    "# Edit with ucbr, not by hand: hand edits are reported by `ucbr audit`.\n"
)
_KIND_DIRS = {"case": "cases", "property": "properties"}
_ARMOR_BODY = re.compile(r"^[A-Za-z0-9+/=]*$")
# A block of armor as ucbr indents it: armor characters, dashes, spaces and newlines only.
_SIMPLE_BLOCK = re.compile(r"[A-Za-z0-9+/= \n-]*")
_ARMOR_LINES = re.compile(r"[A-Za-z0-9+/=\n]+")


@dataclass(frozen=True)
class Envelope:
    """A file's kind, id and the armored text of its three sections."""

    kind: str
    id: str
    sections: dict[str, str]


def kind_of(file_id: str) -> str:
    """ "case" or "property", from the id."""
    return "case" if file_id.startswith("C-") else "property"


def relpath(file_id: str) -> str:
    """Where the file with this id lives in the register."""
    return f"{_KIND_DIRS[kind_of(file_id)]}/{file_id}.yaml"


def _armored(value: object, name: str, where: str) -> str:
    if isinstance(value, str) and _plain_armor(value):
        return value
    if not isinstance(value, str):
        raise IntegrityError(f"{where}: section {name} is not text")
    lines = value.strip().splitlines()
    if len(lines) < 3 or lines[0] != ARMOR_BEGIN or lines[-1] != ARMOR_END:
        raise IntegrityError(f"{where}: section {name} is not an armored age file")
    if not all(_ARMOR_BODY.match(line) for line in lines[1:-1]):
        raise IntegrityError(f"{where}: section {name} holds text outside the age armor")
    return value.strip() + "\n"


def parse(text: str, where: str) -> Envelope:
    """Check a file's envelope strictly: the right keys, nothing but ciphertext in it, and
    each section a well-formed age file sealed to exactly one key."""
    _bounded(text, where)
    data = load_strict(text, where)
    if not isinstance(data, dict) or set(data) != {"ucbr", "kind", "id", "sections"}:
        raise IntegrityError(f"{where}: expected exactly the keys ucbr, kind, id, sections")
    if data["ucbr"] != FORMAT_VERSION:
        raise IntegrityError(f"{where}: unknown file format version")
    if data["kind"] not in _KIND_DIRS:
        raise IntegrityError(f"{where}: unknown kind")
    sections = data["sections"]
    if not isinstance(sections, dict) or set(sections) != set(SECTIONS):
        raise IntegrityError(f"{where}: expected the sections schedule, entry and record")
    file_id = str(data["id"])
    armored: dict[str, str] = {name: _armored(sections[name], name, where) for name in SECTIONS}
    for name, armor in armored.items():
        problem = section_problem(armor)
        if problem is not None:
            raise IntegrityError(f"{where}: section {name} {problem}")
    return Envelope(kind=str(data["kind"]), id=file_id, sections=armored)


def parse_fast(text: str, where: str, file_id: str) -> Envelope:
    """``parse``, without a YAML parse when the file is exactly what ``render`` writes for it.

    A file equal to the rendering of its own sections has the right keys, version, kind
    and id by construction; only the armor lines remain to be checked (each section's age
    file is checked by whoever decrypts it, and by ``sealed.file_problem``). Any other
    file is parsed strictly.
    """
    _bounded(text, where)
    sections: dict[str, str] = {}
    for name in SECTIONS:
        armored = fast_section(text, name)
        if armored is None:
            return parse(text, where)
        sections[name] = armored
    env = Envelope(kind_of(file_id), file_id, sections)
    if _canonical(env) != text:
        return parse(text, where)
    for section, armor in sections.items():
        _armored(armor, section, where)
    return env


def _bounded(text: str, where: str) -> None:
    """Refuse a file over the size bound before reading it (armor is ASCII: a character a
    byte, so a text within the bound in characters and made of armor is within it in bytes)."""
    problem = too_large(len(text))
    if problem is not None:
        raise IntegrityError(f"{where}: {problem}")


def fast_section(text: str, name: str) -> str | None:
    """One section's armor without a YAML parse, for scans over thousands of files.

    Returns None when the file is not in the shape ucbr writes; the caller then falls
    back to ``parse``, which says what is wrong.
    """
    start = text.find(f"\n  {name}: |\n")
    if start < 0:
        return None
    begin = text.find(ARMOR_BEGIN, start)
    end = text.find(ARMOR_END, begin)
    if begin < 0 or end < 0:
        return None
    block = text[begin : end + len(ARMOR_END)]
    if _SIMPLE_BLOCK.fullmatch(block):  # spaces and newlines only, indented as ucbr does
        armor = block.replace("\n    ", "\n")
        if "\n " not in armor and " \n" not in armor:
            return armor + "\n"
    return "\n".join(line.strip() for line in block.splitlines()) + "\n"


def _plain_armor(armor: str) -> bool:
    """Whether ``armor`` is already exactly what ``_armored`` returns for a sound section."""
    head, tail = len(ARMOR_BEGIN) + 1, len(ARMOR_END) + 2
    return (
        armor.startswith(ARMOR_BEGIN + "\n")
        and armor.endswith("\n" + ARMOR_END + "\n")
        and len(armor) > head + tail
        and _ARMOR_LINES.fullmatch(armor, head, len(armor) - tail + 1) is not None
        and "\n\n" not in armor
    )


def render(env: Envelope, previous: str | None = None) -> str:
    """The file text; an existing file keeps its comments and key order (round trip).

    A previous file exactly as ucbr writes it needs no round trip: it has no comments or
    order of its own to keep, and ruamel.yaml would write what ``_canonical`` writes.
    """
    if previous is not None and not _is_canonical(previous, env.kind, env.id):
        from ruamel.yaml.scalarstring import LiteralScalarString  # slow to import: only here

        data = rt_load(previous)
        for name in SECTIONS:
            data["sections"][name] = LiteralScalarString(env.sections[name])
        return rt_dump(data)
    return _canonical(env)


def _canonical(env: Envelope) -> str:
    lines = [HEADER.rstrip("\n"), f"ucbr: {FORMAT_VERSION}", f"kind: {env.kind}", f"id: {env.id}"]
    lines.append("sections:")
    for name in SECTIONS:
        lines.append(f"  {name}: |")
        armor = env.sections[name].strip()
        if _SIMPLE_BLOCK.fullmatch(armor):  # newlines only: indent every line in one pass
            lines.append("    " + armor.replace("\n", "\n    "))
        else:
            lines.extend(f"    {line}" for line in armor.splitlines())
    return "\n".join(lines) + "\n"


def _is_canonical(text: str, kind: str, file_id: str) -> bool:
    """Whether ``text`` is exactly what ``_canonical`` writes for its own sections."""
    sections = {name: fast_section(text, name) for name in SECTIONS}
    found: dict[str, str] = {name: armor for name, armor in sections.items() if armor}
    if len(found) != len(SECTIONS):
        return False
    return _canonical(Envelope(kind, file_id, found)) == text
