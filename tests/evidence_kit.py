"""A case through the whole ladder, a review and an appeal; and the bundle's script run as
an investigator runs it: outside the project, with nothing but Python, git and ssh-keygen."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.regkit import Reg

OTHER_CUSTOMER = "Sam Otherperson"
SHARED_PHONE = "01234 111222"
REPRESENTATIVE = "Jo Bloggs (advocate)"


@dataclass(frozen=True)
class Ladder:
    """The case, the other customer's case, and the letters as they were sent."""

    case: str
    other: str
    letters: Path


def at(reg: Reg, day: str, who: str, *args: str) -> str:
    """One command as a member of staff on a given day (git's dates and the policy's)."""
    reg.today = day
    return reg.ok(who, *args)


def incident(reg: Reg, day: str, case: str, happened: str, *extra: str) -> str:
    out = at(
        reg, day, "officer", "add-incident", case, "--date", happened, "--channel", "telephone",
        "--location", "council_premises", "--category", "A", "--json", *extra,
    )  # fmt: skip
    return str(json.loads(out)["incident"])


def whole_ladder(reg: Reg, letters: Path) -> Ladder:
    """Verbal, informal with its letter, formal with a restriction approved and its letter,
    an appeal lodged and decided, a review: each on its own day in 2027."""
    letters.mkdir(parents=True, exist_ok=True)
    reg.today = "2027-02-01"
    other, _ = reg.new_case(
        "officer", "--phone", SHARED_PHONE, name=OTHER_CUSTOMER, date="2027-02-01"
    )
    reg.today = "2027-03-02"
    case, first = reg.new_case(
        "officer", "--phone", SHARED_PHONE, "--not-a-duplicate",
        f"Shares a phone with {OTHER_CUSTOMER}, who is someone else.", date="2027-03-02",
    )  # fmt: skip
    at(reg, "2027-03-02", "officer", "escalate", case, "--incident", first, "--note",
       "Told the behaviour was unacceptable.")  # fmt: skip
    second = incident(
        reg, "2027-03-10", case, "2027-03-09", "--behaviour", "abusive", "--summary",
        "Swore at the officer again.", "--by-representative", REPRESENTATIVE,
    )  # fmt: skip
    at(reg, "2027-03-10", "officer", "escalate", case, "--incident", second)
    at(reg, "2027-03-11", "officer", "letter", case, "--kind", "informal-warning", "--out",
       str(letters / "informal.md"))  # fmt: skip
    third = incident(
        reg, "2027-04-01", case, "2027-03-31", "--behaviour", "threatening_language",
        "--summary", "Threatened to come to the office.",
    )  # fmt: skip
    at(reg, "2027-04-01", "officer", "escalate", case, "--incident", third, "--only-channel",
       "email", "--considerations", "No protected characteristics known.",
       "--essential-services", "By letter to the council offices.", "--review-by",
       "2027-10-01")  # fmt: skip
    at(reg, "2027-04-02", "mgr", "approve", case)
    at(reg, "2027-04-02", "officer", "letter", case, "--kind", "formal-warning", "--out",
       str(letters / "formal.pdf"))  # fmt: skip
    at(reg, "2027-04-20", "officer", "appeal", "lodge", case, "--received", "2027-04-20")
    at(reg, "2027-04-21", "officer", "letter", case, "--kind", "appeal-acknowledgement",
       "--out", str(letters / "acknowledgement.html"))  # fmt: skip
    at(reg, "2027-05-11", "head", "appeal", "decide", case, "--outcome", "upheld", "--reasons",
       "The restriction was proportionate.")  # fmt: skip
    at(reg, "2027-05-12", "officer", "letter", case, "--kind", "appeal-outcome", "--out",
       str(letters / "appeal-outcome.md"))  # fmt: skip
    at(reg, "2027-09-25", "officer2", "review", case, "--outcome", "continue", "--reasons",
       "No evident change in behaviour.")  # fmt: skip
    at(reg, "2027-09-28", "officer2", "letter", case, "--kind", "review-outcome", "--out",
       str(letters / "review-outcome.md"))  # fmt: skip
    reg.today = "2027-11-29"
    return Ladder(case, other, letters)


def system_python() -> str:
    """The machine's own Python (never this project's virtual environment)."""
    found = shutil.which("python3", path="/usr/bin:/bin")
    return found or sys.executable


def verify_fresh(bundle: Path, where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The bundle copied to a new folder outside the project and verified there as an
    investigator would: `python3 -I -S verify.py`, an environment holding only PATH and HOME."""
    where.mkdir(parents=True, exist_ok=True)
    copy = where / "bundle"
    if not copy.exists():
        shutil.copytree(bundle, copy)
    return subprocess.run(
        [system_python(), "-I", "-S", "bundle/verify.py", "bundle", *args],
        cwd=where,
        env={"PATH": "/usr/bin:/bin", "HOME": str(where)},
        capture_output=True,
        text=True,
        check=False,
    )


def rewrite_manifest(bundle: Path) -> None:
    """What a forger would do next: list each file's new hash in manifest.json."""
    import hashlib

    manifest = json.loads((bundle / "manifest.json").read_text())
    for item in manifest["files"]:
        item["sha256"] = hashlib.sha256((bundle / item["name"]).read_bytes()).hexdigest()
    (bundle / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


def objects(bundle: Path) -> list[tuple[str, str, bytes]]:
    """The git objects of chain.objects: (id, type, content)."""
    data, pos, found = (bundle / "chain.objects").read_bytes(), 0, []
    while pos < len(data):
        end = data.index(b"\n", pos)
        oid, kind, size = data[pos:end].decode().split()
        found.append((oid, kind, data[end + 1 : end + 1 + int(size)]))
        pos = end + 2 + int(size)
    return found


def write_objects(bundle: Path, found: list[tuple[str, str, bytes]]) -> None:
    (bundle / "chain.objects").write_bytes(
        b"".join(f"{o} {k} {len(b)}\n".encode() + b + b"\n" for o, k, b in found)
    )


def older_register(tmp_path: Path) -> tuple[Reg, dict[str, str]]:
    """A small register whose records were brought in before commits committed to records
    (the benchmark generator's import carries no ``Ucbr-Record``), with a register of its
    staff's keys and the e-mail git must give for each."""
    base = tmp_path / "older"
    subprocess.run(
        [sys.executable, str(Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"),
         str(base), "--cases", "4", "--properties", "1", "--today", "2026-11-28", "--seed", "3"],
        check=True, capture_output=True,
    )  # fmt: skip
    keys = {who: base / "keys" / f"{who}.txt" for who in ("mgr", "officer", "head", "front")}
    reg = Reg(root=base / "register", home=base / "home", keys=keys, today="2026-11-28")
    return reg, {who: f"{who}@benchmark.example" for who in keys}
