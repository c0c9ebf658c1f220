"""No personal data outside the encrypted sections: not in commits, paths, blobs or git files."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.regkit import Reg, copy, git_env

pytestmark = pytest.mark.e2e

# Fictional people with every kind of personal detail ucbr takes.
PEOPLE: list[dict[str, Any]] = [
    {
        "name": "Zoë O'Brien-Quiller",
        "alias": "Zed Quiller",
        "dob": "1971-04-13",
        "address": "17 Kestrel Wharf, Lower Pemberly",
        "postcode": "ZX9 4QP",
        "email": "zoe.quiller@mailbox.example",
        "phone": "07700 900461",
        "summary": "Threatened to slash tyres in the Kestrel car park.",
    },
    {
        "name": "Barnaby Thistlewood",
        "alias": "Barney Thistle",
        "dob": "1958-09-30",
        "address": "Flat 2, 88 Gorsemoor Terrace, Upper Ditchling",
        "postcode": "ZY1 7RT",
        "email": "b.thistlewood@post.example",
        "phone": "+44 1632 960 512",
        "summary": "Sent ninety messages about the Gorsemoor bin dispute.",
    },
    {
        "name": "Parveen Okonkwo-Hale",
        "alias": "Pav Hale",
        "dob": "1990-01-21",
        "address": "3 Wrenfield Close, Marsh Tottering",
        "postcode": "ZW3 3LL",
        "email": "parveen.hale@inbox.example",
        "phone": "01632 960877",
        "summary": "Called the Wrenfield office officers liars and cheats.",
    },
    {
        "name": "Desmond Fairweather-Lark",
        "alias": "Des Lark",
        "dob": "1949-12-02",
        "address": "The Old Granary, Puddleby Lane, Fenwick St Agnes",
        "postcode": "ZV8 2NN",
        "email": "deslark@oldgranary.example",
        "phone": "07700 900733",
        "summary": "Blocked the Puddleby depot gates with a tractor.",
    },
]
PROPERTY = {"address": "44 Nettlebed Row, Quillhampton", "postcode": "ZU4 6HB",
            "guidance": "Two Rottweilers loose in the Nettlebed yard."}  # fmt: skip
RESTRICTION = (
    "--considerations", "No protected characteristics known.",
    "--essential-services", "By letter to the council offices.", "--review-by", "2027-05-01",
)  # fmt: skip


def needles() -> list[str]:
    """Every personal detail, and the obvious variants a leak might take."""
    found: list[str] = []
    for person in PEOPLE:
        found += [person[k] for k in ("name", "alias", "address", "postcode", "email", "phone")]
        found += [person["summary"], person["dob"]]
        found.append(person["phone"].replace(" ", ""))
        found.append(person["postcode"].replace(" ", ""))
        found += person["name"].replace("-", " ").split()  # surnames and first names alone
        found.append(person["address"].split(",")[0])
    found += [PROPERTY["address"], PROPERTY["postcode"], PROPERTY["guidance"], "Nettlebed"]
    return sorted({n for n in found if len(n) >= 4})


def incident_args(person: dict[str, Any], date: str, category: str = "A") -> list[str]:
    behaviour = "threats" if category == "A" else "repeated_contact"
    return [
        "--date", date, "--channel", "telephone", "--location", "council_premises",
        "--category", category, "--behaviour", behaviour, "--summary", person["summary"],
    ]  # fmt: skip


def add_person(reg: Reg, person: dict[str, Any], date: str) -> tuple[str, str]:
    out = reg.ok(
        "officer", "add-incident", "--new", "--name", person["name"], "--alias", person["alias"],
        "--dob", person["dob"], "--address", person["address"], "--postcode", person["postcode"],
        "--email", person["email"], "--phone", person["phone"],
        *incident_args(person, date), "--json",
    )  # fmt: skip
    data = json.loads(out)
    return data["case"], data["incident"]


def to_formal_warning(
    reg: Reg, case_id: str, incident: str, person: dict[str, Any], *restriction: str
) -> None:
    """Verbal, informal and a formal warning proposed, the behaviour going on between them."""
    reg.ok("officer", "escalate", case_id, "--incident", incident, "--note", "Asked to stop.")
    again = (case_id, *incident_args(person, reg.today), "--json")
    step2 = json.loads(reg.ok("officer", "add-incident", *again))["incident"]
    reg.ok("officer", "escalate", case_id, "--incident", step2)
    reg.send("officer", case_id, "informal-warning")
    step3 = json.loads(reg.ok("officer", "add-incident", *again))["incident"]
    reg.ok("officer", "escalate", case_id, "--incident", step3, *restriction, *RESTRICTION)


@pytest.fixture(scope="module")
def busy(template_register: Reg, tmp_path_factory: pytest.TempPathFactory) -> Reg:
    """A register where four people go through incidents, escalations, approvals and appeals."""
    base = tmp_path_factory.mktemp("busy")
    reg = copy(template_register, base / "r")
    zoe, barnaby, parveen, desmond = PEOPLE
    zoe_case, zoe_incident = add_person(reg, zoe, "2026-10-01")
    reg.ok("officer", "add-incident", zoe_case, *incident_args(zoe, "2026-10-20", "B"))
    to_formal_warning(reg, zoe_case, zoe_incident, zoe, "--only-channel", "email")
    reg.ok("mgr", "approve", zoe_case)
    reg.ok("officer", "letter", zoe_case, "--kind", "formal-warning", "--out",
           str(base / "letter.pdf"))  # fmt: skip
    reg.ok("officer", "appeal", "lodge", zoe_case, "--received", "2026-11-28")
    reg.ok("head", "appeal", "decide", zoe_case, "--outcome", "upheld", "--reasons",
           "The threats continued after the warning.")  # fmt: skip

    barnaby_case, barnaby_incident = add_person(reg, barnaby, "2026-10-05")
    to_formal_warning(reg, barnaby_case, barnaby_incident, barnaby, "--contact-days", "mon,thu",
                      "--contact-hours", "09:00-12:00")  # fmt: skip
    reg.ok("mgr", "reject", barnaby_case, "--reason", "Contact times would not help here.")

    parveen_case, parveen_incident = add_person(reg, parveen, "2026-10-09")
    reg.ok("officer", "adjustments", parveen_case, "--add", "needs_interpreter")
    to_formal_warning(reg, parveen_case, parveen_incident, parveen, "--only-channel", "letter",
                      "--justify", "Letters translated; calls interpreted.")  # fmt: skip
    reg.ok("head", "approve", parveen_case)

    desmond_case, desmond_incident = add_person(reg, desmond, "2026-11-02")
    reg.ok("officer", "escalate", desmond_case, "--incident", desmond_incident, "--note",
           "Told the gates must stay clear.")  # fmt: skip

    out = reg.ok(
        "officer", "property", "add", "--address", PROPERTY["address"],
        "--postcode", PROPERTY["postcode"], "--risk", "dangerous_animal",
        "--guidance", PROPERTY["guidance"], "--not-notified-reason", "Risk to staff only.",
    )  # fmt: skip
    reg.ok("mgr", "property", "approve", out.split(":")[0].strip())
    return reg


def git_bytes(reg: Reg, *args: str) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=reg.root, capture_output=True, check=True,
        env={**os.environ, **git_env(reg.home)},
    ).stdout  # fmt: skip


BASE64_LINE = re.compile(r"^\s*[a-z0-9+/=]{40,}\s*$")
BASE64_ONLY = re.compile(r"^[A-Za-z0-9+/]+$")


def leaks(haystack: bytes) -> list[str]:
    """The needles found. A short word could turn up by chance inside age's base64 armor, so
    short base64-like needles are searched with armor lines left out; the rest everywhere."""
    text = haystack.decode("utf-8", errors="replace").lower()
    prose = "\n".join(line for line in text.splitlines() if not BASE64_LINE.match(line))
    found = []
    for needle in needles():
        chance = BASE64_ONLY.match(needle) and len(needle) < 10
        if needle.lower() in (prose if chance else text):
            found.append(needle)
    return found


def every_object(reg: Reg) -> bytes:
    """The content of every object git holds, reachable or not: commits, trees, blobs."""
    return git_bytes(reg, "cat-file", "--batch-all-objects", "--batch")


def test_the_busy_register_really_holds_the_people(busy: Reg) -> None:
    """The data is in the register (so the searches below could find a leak): show decrypts it."""
    rows = json.loads(busy.ok("officer", "list", "--json"))
    assert len([r for r in rows if r["kind"] == "case"]) == len(PEOPLE)
    names = set()
    for row in rows:
        if row["kind"] == "case":
            names.add(json.loads(busy.ok("officer", "show", row["id"], "--json"))["record"][
                "person"]["name"])  # fmt: skip
    assert names == {p["name"] for p in PEOPLE}


def test_the_search_finds_what_is_in_plain_text(busy: Reg) -> None:
    """The object search sees plain text: it finds staff names, which the directory holds."""
    assert b"Olive Officer" in every_object(busy)


def test_no_personal_data_in_commit_messages_or_paths(busy: Reg) -> None:
    """No name, alias, e-mail, phone, address, postcode or summary in any commit message or path."""
    log = git_bytes(busy, "log", "--all", "--name-only", "--format=%an%n%ae%n%B")
    assert leaks(log) == []
    assert int(git_bytes(busy, "rev-list", "--count", "--all")) > 25


def test_no_personal_data_in_any_git_object(busy: Reg) -> None:
    """No personal detail appears in any blob, tree or commit that git holds."""
    assert leaks(every_object(busy)) == []


def test_no_personal_data_in_git_files_or_the_working_tree(busy: Reg) -> None:
    """Nor in .git's own files (config, logs, index, COMMIT_EDITMSG) or the checked-out files."""
    objects = busy.root / ".git" / "objects"
    for path in sorted(busy.root.rglob("*")):
        if path.is_file() and objects not in path.parents:
            assert leaks(path.read_bytes()) == [], path


def test_every_commit_carries_the_trailers(busy: Reg) -> None:
    """Every ucbr commit carries Ucbr-Action, Ucbr-Officer and Ucbr-Policy; case commits a case."""
    log = git_bytes(busy, "log", "--format=%B%x00").decode()
    messages = [m.strip() for m in log.split("\x00") if m.strip()]
    for message in messages:
        for key in ("Ucbr-Action: ", "Ucbr-Officer: ", "Ucbr-Policy: "):
            assert key in message, message
        if "Ucbr-Action: staff-add" not in message and "Ucbr-Action: init" not in message:
            assert "Ucbr-Case: " in message, message
    approvals = [m for m in messages if "Ucbr-Action: approve" in m]
    assert len(approvals) == 2
    assert all("Ucbr-Approves: D-" in m for m in approvals)


def test_letters_are_written_outside_the_register(busy: Reg) -> None:
    """The letter PDF is outside the working tree and nothing but ucbr's files are tracked."""
    tracked = git_bytes(busy, "ls-files").decode().split()
    assert all(
        p.startswith((".ucbr/", "cases/", "properties/")) or p in {".gitattributes", ".gitignore"}
        for p in tracked
    ), tracked
    assert not any(Path(p).suffix in {".pdf", ".html", ".md"} for p in tracked)
