"""The envelope's fast paths give exactly what reading it line by line gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ucbr.errors import IntegrityError
from ucbr.storage import envelope
from ucbr.storage.vault import ARMOR_BEGIN, ARMOR_END

pads = st.sampled_from(["", " ", "    ", "     ", "\t", "  \t"])
body = st.text(alphabet="ABCxyz019+/= ", min_size=0, max_size=12)
lines = st.lists(st.tuples(pads, body, pads), min_size=0, max_size=5)


def slow_section(block: str) -> str:
    return "\n".join(line.strip() for line in block.splitlines()) + "\n"


def slow_armored(value: str) -> str | None:
    stripped = value.strip().splitlines()
    if len(stripped) < 3 or stripped[0] != ARMOR_BEGIN or stripped[-1] != ARMOR_END:
        return None
    if not all(envelope._ARMOR_BODY.match(line) for line in stripped[1:-1]):
        return None
    return value.strip() + "\n"


@given(pads, lines, pads, st.sampled_from(["\n", "\n\n", "\r\n"]))
def test_fast_section_reads_a_block_as_line_by_line(
    lead: str, rows: list[tuple[str, str, str]], trail: str, end: str
) -> None:
    """Whatever the indentation and spaces, the armor found is the lines, each stripped."""
    inner = "".join(f"{a}{b}{c}\n" for a, b, c in rows)
    block = f"{ARMOR_BEGIN}\n{inner}{lead}{ARMOR_END}"
    text = f"ucbr: 1\nsections:\n  schedule: |\n    {block}{trail}{end}"
    assert envelope.fast_section(text, "schedule") == slow_section(block)


@given(pads, lines, pads)
def test_armor_checked_fast_is_armor_checked_line_by_line(
    lead: str, rows: list[tuple[str, str, str]], trail: str
) -> None:
    """A section's armor is accepted, and returned, exactly when the line-by-line check does."""
    value = f"{lead}{ARMOR_BEGIN}\n" + "".join(f"{a}{b}{c}\n" for a, b, c in rows)
    value += f"{ARMOR_END}{trail}\n"
    expected = slow_armored(value)
    if expected is None:
        with pytest.raises(IntegrityError):
            envelope._armored(value, "schedule", "x")
    else:
        assert envelope._armored(value, "schedule", "x") == expected


def slow_dearmor(armored: str) -> bytes | None:
    import base64

    found = armored.strip().split("\n")
    if len(found) < 3 or found[0] != ARMOR_BEGIN or found[-1] != ARMOR_END:
        return None
    body = found[1:-1]
    if any(len(line) != 64 for line in body[:-1]) or not 0 < len(body[-1]) <= 64:
        return None
    joined = "".join(body).encode()
    try:
        raw = base64.b64decode(joined, validate=True)
    except ValueError:
        return None
    return raw if base64.b64encode(raw) == joined else None


@given(
    st.binary(max_size=300),
    st.sampled_from([64, 64, 63, 65, 4]),
    st.sampled_from(["", "\n", "\n\n", " "]),
    st.integers(0, 3),
)
def test_armor_decoded_fast_is_armor_decoded_line_by_line(
    raw: bytes, width: int, end: str, damage: int
) -> None:
    """dearmor accepts exactly the canonical armor the line-by-line reading accepts."""
    import base64

    from ucbr.storage.vault import dearmor

    encoded = base64.b64encode(raw).decode()
    rows = [encoded[i : i + width] for i in range(0, len(encoded), width)] or [""]
    if damage == 1:
        rows.insert(len(rows) // 2, "")
    elif damage == 2 and rows[-1]:
        rows[-1] = rows[-1][:-1]
    elif damage == 3:
        rows[0] = " " + rows[0]
    armored = "\n".join([ARMOR_BEGIN, *rows, ARMOR_END]) + end
    assert dearmor(armored) == slow_dearmor(armored)
