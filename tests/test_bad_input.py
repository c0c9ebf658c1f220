"""Bad input gets one line on stderr, a documented exit code, and changes nothing."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.regkit import Reg, Result, copy, write_key
from ucbr.errors import INTEGRITY, REFUSED, USAGE
from ucbr.storage import envelope

pytestmark = pytest.mark.e2e

INCIDENT = {
    "--date": "2026-11-01",
    "--channel": "telephone",
    "--location": "council_premises",
    "--category": "A",
    "--behaviour": "abusive",
    "--summary": "Shouted at the officer.",
}


def incident(**changes: str) -> list[str]:
    """The options of a valid incident, with some replaced."""
    options = {**INCIDENT, **{f"--{k.replace('_', '-')}": v for k, v in changes.items()}}
    return [part for pair in options.items() for part in pair]


def hand_commit(reg: Reg, message: str) -> None:
    """Commit a hand edit with plain git, as someone editing outside ucbr would."""
    reg.git(
        "-c", "user.name=Hand Editor", "-c", "user.email=hand@council.example",
        "commit", "-qam", message,
    )  # fmt: skip


def assert_clean_failure(reg: Reg, result: Result, code: int, before: tuple[str, str]) -> None:
    """The documented code, one line on stderr, no traceback, and nothing changed."""
    assert result.code == code, (result.code, result.err)
    assert len(result.err.splitlines()) == 1, result.err
    assert result.err.startswith("ucbr: ")
    assert "Traceback" not in result.out + result.err
    assert "internal error" not in result.err
    assert reg.state() == before


@pytest.fixture(scope="module")
def shared(template_register: Reg, tmp_path_factory: pytest.TempPathFactory) -> tuple[Reg, str]:
    """One register with one case, shared by tests that must leave it unchanged anyway."""
    reg = copy(template_register, tmp_path_factory.mktemp("bad-input"))
    case_id, _ = reg.new_case()
    return reg, case_id


# Each: who runs it, the command (given an existing case id), and the documented exit code.
CASES: dict[str, tuple[str, Callable[[str], list[str]], int]] = {
    "unknown channel": (
        "officer",
        lambda c: ["add-incident", "--new", "--name", "Pat", *incident(channel="fax")],
        REFUSED,
    ),
    "unknown category": (
        "officer",
        lambda c: ["add-incident", c, *incident(category="C")],
        REFUSED,
    ),
    "unknown behaviour": (
        "officer",
        lambda c: ["add-incident", c, *incident(behaviour="rude")],
        REFUSED,
    ),
    "behaviour of the other category": (
        "officer",
        lambda c: ["add-incident", c, *incident(behaviour="repeated_contact")],
        REFUSED,
    ),
    "future incident date": (
        "officer",
        lambda c: ["add-incident", c, *incident(date="2026-11-29")],
        REFUSED,
    ),
    "malformed incident date": (
        "officer",
        lambda c: ["add-incident", c, *incident(date="yesterday")],
        REFUSED,
    ),
    "empty summary": ("officer", lambda c: ["add-incident", c, *incident(summary="")], REFUSED),
    "blank summary": ("officer", lambda c: ["add-incident", c, *incident(summary="  ")], REFUSED),
    "new case without a name": (
        "officer",
        lambda c: ["add-incident", "--new", *incident()],
        REFUSED,
    ),
    "unknown option": ("officer", lambda c: ["show", c, "--colour"], USAGE),
    "unknown command": ("officer", lambda c: ["frobnicate", c], USAGE),
    "unknown case id to show": ("officer", lambda c: ["show", "C-0000000Z"], REFUSED),
    "unknown case id to add to": (
        "officer",
        lambda c: ["add-incident", "C-0000000Z", *incident()],
        REFUSED,
    ),
    "unknown case id to escalate": (
        "officer",
        lambda c: ["escalate", "C-0000000Z", "--incident", "I-0000000Z"],
        REFUSED,
    ),
    "path as an id": ("officer", lambda c: ["show", "../../etc/passwd"], REFUSED),
    "path as a case to add to": (
        "officer",
        lambda c: ["add-incident", "../../etc/passwd", *incident()],
        REFUSED,
    ),
    "path as a case to approve": ("mgr", lambda c: ["approve", "../cases/x"], REFUSED),
    "bare prefix": ("officer", lambda c: ["show", "C-"], REFUSED),
    "short id": ("officer", lambda c: ["show", "c-123"], REFUSED),
    "id with letters Crockford leaves out": ("officer", lambda c: ["show", "C-ILOUILOU"], REFUSED),
    "property id where a case is needed": (
        "officer",
        lambda c: ["add-incident", "P-0000000Z", *incident()],
        REFUSED,
    ),
}


@pytest.mark.parametrize("label", list(CASES))
def test_bad_input_is_refused_cleanly(shared: tuple[Reg, str], label: str) -> None:
    """Each kind of bad input gets its documented exit code and one line, and changes nothing."""
    reg, case_id = shared
    who, command, code = CASES[label]
    before = reg.state()
    assert_clean_failure(reg, reg.run(who, *command(case_id)), code, before)


def test_a_property_id_given_to_a_case_command_points_to_the_property_commands(
    shared: tuple[Reg, str],
) -> None:
    """`ucbr approve P-…` names where property approval lives, and changes nothing."""
    reg, case_id = shared
    before = reg.state()
    result = reg.run("mgr", "approve", "P-0000000Z")
    assert_clean_failure(reg, result, REFUSED, before)
    assert "P-0000000Z is not a case id" in result.err and "ucbr property" in result.err
    back = reg.run("mgr", "property", "approve", case_id)
    assert_clean_failure(reg, back, REFUSED, before)
    assert f"{case_id} is not a property id" in back.err
    assert "`ucbr -h` lists the commands" in back.err


def test_a_refusal_never_echoes_personal_data(shared: tuple[Reg, str]) -> None:
    """A refused new case does not repeat the person's name or the summary in its message."""
    reg, _ = shared
    before = reg.state()
    result = reg.run(
        "officer", "add-incident", "--new", "--name", "Rowan Privateperson",
        *incident(date="2030-01-01", summary="Rowan shouted in reception."),
    )  # fmt: skip
    assert_clean_failure(reg, result, REFUSED, before)
    assert "Rowan" not in result.err


# --- keys ---------------------------------------------------------------------------


def test_a_key_not_in_the_register_is_refused(shared: tuple[Reg, str], tmp_path: Path) -> None:
    """A valid age key that is no staff member's opens nothing: refused, exit 1."""
    reg, case_id = shared
    stranger = tmp_path / "stranger.txt"
    write_key(stranger)
    before = reg.state()
    for command in (["show", case_id], ["list"], ["add-incident", case_id, *incident()]):
        result = reg.run("officer", "--identity", str(stranger), *command)
        assert_clean_failure(reg, result, REFUSED, before)


def test_a_missing_key_file_is_refused(shared: tuple[Reg, str], tmp_path: Path) -> None:
    """An identity file that does not exist is refused in one line, exit 1."""
    reg, case_id = shared
    before = reg.state()
    result = reg.run("officer", "--identity", str(tmp_path / "nowhere.txt"), "show", case_id)
    assert_clean_failure(reg, result, REFUSED, before)
    assert "nowhere.txt" in result.err


def test_a_key_file_with_no_key_in_it_is_refused(shared: tuple[Reg, str], tmp_path: Path) -> None:
    """An identity file holding no age or SSH key is refused in one line, exit 1."""
    reg, case_id = shared
    junk = tmp_path / "junk.txt"
    junk.write_text("AGE-SECRET-KEY-1NOTAKEY\n")
    junk.chmod(0o600)
    before = reg.state()
    result = reg.run("officer", "--identity", str(junk), "show", case_id)
    assert_clean_failure(reg, result, REFUSED, before)


# --- damaged files ----------------------------------------------------------------


def flip_armor(text: str, section: str) -> str:
    """Change one base64 character in the middle of one section's armor."""
    lines = text.splitlines()
    start = lines.index(f"  {section}: |")
    index = start + 4  # inside the body, past the age header line
    line = lines[index]
    middle = len(line) // 2
    lines[index] = line[:middle] + ("B" if line[middle] == "A" else "A") + line[middle + 1 :]
    return "\n".join(lines) + "\n"


def damage(reg: Reg, case_id: str, edit: Callable[[str], str], message: str) -> None:
    path = reg.root / envelope.relpath(case_id)
    path.write_text(edit(path.read_text()))
    hand_commit(reg, message)


BILLION_LAUGHS = """\
ucbr: 1
kind: case
id: {id}
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
sections: *g
"""

DAMAGE: dict[str, Callable[[str, str], str]] = {
    "corrupted record armor": lambda text, _id: flip_armor(text, "record"),
    "corrupted entry armor": lambda text, _id: flip_armor(text, "entry"),
    "billion laughs": lambda _text, case_id: BILLION_LAUGHS.format(id=case_id),
    "duplicate key": lambda text, _id: text.replace("kind: case\n", "kind: case\nkind: case\n"),
    "duplicate section": lambda text, _id: text.replace(
        "sections:\n", "sections:\n  record: |\n    x\n"
    ),
    "personal data beside the sections": lambda text, _id: text + "name: Alex Example\n",
    "text that is not YAML": lambda _text, _id: "ucbr: [1\n",
    "id that is not the file name": lambda text, case_id: text.replace(
        f"id: {case_id}", "id: C-0000000Z"
    ),
    "armor with text inside": lambda text, _id: text.replace(
        "-----END AGE ENCRYPTED FILE-----", "Alex Example\n    -----END AGE ENCRYPTED FILE-----", 1
    ),
}


@pytest.mark.parametrize("label", list(DAMAGE))
def test_a_damaged_case_file_is_an_integrity_error(reg: Reg, label: str) -> None:
    """A damaged or hostile case file is reported in one line with exit 6, and nothing changes."""
    case_id, _ = reg.new_case()
    damage(reg, case_id, lambda text: DAMAGE[label](text, case_id), f"hand edit: {label}")
    before = reg.state()
    assert_clean_failure(reg, reg.run("officer", "show", case_id), INTEGRITY, before)
    result = reg.run("officer", "add-incident", case_id, *incident())
    assert_clean_failure(reg, result, INTEGRITY, before)


def test_a_section_encrypted_to_a_stranger_is_an_integrity_error(reg: Reg, tmp_path: Path) -> None:
    """A record section re-encrypted to a key outside the register is exit 6, not a crash."""
    import pyrage

    case_id, _ = reg.new_case()
    path = reg.root / envelope.relpath(case_id)
    env = envelope.parse(path.read_text(), "case")
    stranger = pyrage.x25519.Identity.generate().to_public()
    foreign = pyrage.encrypt(b"id: x\n", [stranger], armored=True).decode()
    path.write_text(
        envelope.render(envelope.Envelope("case", case_id, {**env.sections, "record": foreign}))
    )
    hand_commit(reg, "hand edit: foreign record")
    before = reg.state()
    assert_clean_failure(reg, reg.run("officer", "show", case_id), INTEGRITY, before)


def test_a_record_swapped_in_from_another_case_is_an_integrity_error(reg: Reg) -> None:
    """A record section copied from another case file is exit 6 on show and on update."""
    first, _ = reg.new_case(name="Person One")
    second, _ = reg.new_case(name="Person Two")
    one = envelope.parse((reg.root / envelope.relpath(first)).read_text(), "one")
    path = reg.root / envelope.relpath(second)
    two = envelope.parse(path.read_text(), "two")
    swapped = {**two.sections, "record": one.sections["record"]}
    path.write_text(envelope.render(envelope.Envelope("case", second, swapped)))
    hand_commit(reg, "hand edit: swap record")
    before = reg.state()
    first_text = (reg.root / envelope.relpath(first)).read_bytes()
    assert_clean_failure(reg, reg.run("officer", "show", second), INTEGRITY, before)
    assert_clean_failure(
        reg, reg.run("officer", "add-incident", second, *incident()), INTEGRITY, before
    )
    assert (reg.root / envelope.relpath(first)).read_bytes() == first_text


def test_a_damaged_policy_file_is_an_integrity_error(reg: Reg) -> None:
    """A policy file with duplicate keys is refused with exit 6 before any command runs."""
    path = reg.root / ".ucbr/policy.yaml"
    path.write_text(path.read_text() + "review_interval_months: 12\n")
    hand_commit(reg, "hand edit: policy")
    before = reg.state()
    result = reg.run("officer", "add-incident", "--new", "--name", "Pat", *incident())
    assert_clean_failure(reg, result, INTEGRITY, before)


def test_an_unreadable_case_file_is_refused_cleanly(reg: Reg) -> None:
    """A case path that is a folder, not a file, gets one line and no traceback."""
    case_id, _ = reg.new_case()
    path = reg.root / envelope.relpath(case_id)
    text = path.read_text()
    os.remove(path)
    path.mkdir()
    try:
        result = reg.run("officer", "show", case_id)
        assert result.code in (REFUSED, INTEGRITY)
        assert len(result.err.splitlines()) == 1
        assert "Traceback" not in result.out + result.err
    finally:
        path.rmdir()
        path.write_text(text)
