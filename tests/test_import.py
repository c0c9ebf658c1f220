"""`ucbr import`: a council's existing cases, from the sheet its officers kept, onto the register.

Real registers, real XLSX and CSV files, real signed commits; the sheets are fictional.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from benchmarks.import_sheet import HEADER, sheet_rows, write
from tests.regkit import Reg
from ucbr.domain.importing import columns
from ucbr.domain.model import Case
from ucbr.domain.provenance import EARLIER_RECORDS
from ucbr.domain.views import letters_owed
from ucbr.storage.store import Register
from ucbr.storage.vault import load_identity_file

pytestmark = pytest.mark.e2e
TODAY = dt.date(2026, 11, 28)


def sheet(path: Path, rows: list[dict[str, object]], header: list[str] = HEADER) -> Path:
    """A sheet with ``header`` and one row per mapping (missing cells blank)."""
    write(path, header, [[row.get(name, "") for name in header] for row in rows])
    return path


def record(reg: Reg, staff_id: str, case_id: str) -> Case:
    """A case's record, read with a member's own key."""
    r = Register.open(reg.root)
    ring = r.keyring(load_identity_file(reg.keys[staff_id]))
    return r.load_case(case_id, ring)[1]


INCIDENT = {
    "Person": "UCB-1", "Name": "Alex Example", "Phone": "01993 123456", "Event": "incident",
    "Date": "02/06/2026", "Officer": "Pat Previous", "Channel": "telephone",
    "Location": "council premises", "Category": "A", "Behaviours": "abusive",
    "Summary": "Shouted at the officer.", "Service": "Housing",
}  # fmt: skip
FORMAL = {
    "Person": "UCB-1", "Event": "formal warning", "Date": "10/06/2026", "Officer": "Pat Previous",
    "Decided by": "Max Former", "Letter sent": "12/06/2026", "Only channel": "email",
    "Considerations": "None known.", "Essential services": "By letter.",
    "Review date": "01/12/2026", "Bypass reason": "Threatened to hurt the officer.",
}  # fmt: skip
SERIOUS = {**INCIDENT, "Behaviours": "physically aggressive", "Serious": "yes"}
APPEAL = {
    "Person": "UCB-1", "Event": "appeal", "Date": "20/06/2026", "Outcome": "upheld",
    "Decided on": "01/07/2026", "Decided by": "Hana Former", "Reasons": "Proportionate.",
    "Letter sent": "02/07/2026",
}  # fmt: skip


def test_the_500_row_sheet_imports_once_its_duplicate_is_resolved(reg: Reg, tmp_path: Path) -> None:
    """A messy 500-row XLSX (UK dates, stray spaces, any case, blank rows) with one person
    entered twice is refused at that row with nothing written; with their rows under one
    reference it imports, one signed import commit per case naming the officer and the
    file's SHA-256, and `check` and `audit` are clean afterwards."""
    header, rows = sheet_rows(500, TODAY)
    messy = tmp_path / "cases.xlsx"
    write(messy, header, rows)
    before = reg.state()
    refused = reg.run("mgr", "import", str(messy))
    assert refused.code == 1
    problems = [ln for ln in refused.err.splitlines() if ln.startswith("ucbr: row ")]
    assert len(problems) == 1 and "likely the same person as the one on row 2" in problems[0]
    assert reg.state() == before
    person = header.index("Person")
    for row in rows:
        if row[person] == "ucb-dup-1":
            row[person] = "UCB-0001"
    fixed = tmp_path / "cases-fixed.xlsx"
    write(fixed, header, rows)
    people = {str(row[person]).strip().lower() for row in rows if row[person]}
    done = json.loads(reg.ok("mgr", "import", str(fixed), "--json"))
    assert done["imported"] and done["counts"]["cases"] == len(people) > 90
    assert done["warnings"] == []
    source = hashlib.sha256(fixed.read_bytes()).hexdigest()
    log = reg.git("log", f"{before[0]}..HEAD", "--format=%B%x00").split("\0")
    messages = [m for m in log if m.strip()]
    assert len(messages) == len(done["commits"]) == len(people)
    for message in messages:
        assert "Ucbr-Action: import" in message and "Ucbr-Officer: mgr" in message
        assert f"Ucbr-Source: {source}" in message and message.count("Ucbr-Case:") == 1
    assert reg.run("mgr", "check").code == 0
    audited = reg.run("ig", "audit")
    assert audited.code == 0, audited.out
    assert f"import by mgr: {len(people)} cases from the file with sha256 {source}" in audited.out


def test_every_problem_is_named_by_row_and_column_never_by_its_value(
    reg: Reg, tmp_path: Path
) -> None:
    """Each bad cell is one line naming its row and column and why; what the cell holds
    (it may be personal) is never repeated; nothing is written."""
    bad = sheet(tmp_path / "bad.csv", [
        {**INCIDENT, "Date": "Zebedee Quux"},
        {**INCIDENT, "Person": "UCB-2", "Channel": "Zebedee Quux", "Date": "11/03/26",
         "Phone": "01993 100002"},
        {},
        {**INCIDENT, "Person": "UCB-3", "Behaviours": "Zebedee Quux", "Phone": "01993 100003"},
        {**INCIDENT, "Person": "UCB-4", "Event": "Zebedee Quux", "Phone": "01993 100004"},
        {**INCIDENT, "Person": "UCB-5", "Phone": "Zebedee Quux", "Date": "31/02/2026"},
    ])  # fmt: skip
    before = reg.state()
    result = reg.run("mgr", "import", str(bad))
    assert result.code == 1
    assert "Zebedee" not in result.err + result.out
    lines = result.err.splitlines()
    for expected in (
        "ucbr: row 2, date: is not a date; write it as 03/11/2026 (day first) or 2026-11-03",
        "ucbr: row 3, channel: must be one of: telephone, email, online form, social media, "
        "letter, face to face",
        "ucbr: row 3, date: has a two-figure year; write the year in full, e.g. 03/11/2026",
        "ucbr: row 5, behaviours: for category A, each must be one of: abusive, offensive, ",
        "ucbr: row 6, event: must be one of: incident, verbal warning, ",
        "ucbr: row 7, date: is not a day of the calendar (day first: 03/11/2026)",
        "ucbr: row 7, phone: is not a telephone number",
    ):
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    assert lines[-1] == "ucbr: refused: 7 problems in the sheet; nothing was imported"
    assert reg.state() == before


def test_dry_run_checks_everything_and_writes_nothing(reg: Reg, tmp_path: Path) -> None:
    """--dry-run says what would be imported, and changes nothing."""
    path = sheet(tmp_path / "one.xlsx", [INCIDENT])
    before = reg.state()
    out = reg.ok("mgr", "import", str(path), "--dry-run")
    assert out.startswith("would import 1 cases, 1 incidents from 1 rows")
    assert reg.state() == before


def test_the_template_holds_every_documented_column(reg: Reg, tmp_path: Path) -> None:
    """`--template` writes an empty XLSX or CSV whose header is every column, which imports
    as nothing; it never overwrites a file."""
    for name in ("template.xlsx", "template.csv"):
        path = tmp_path / name
        reg.ok("mgr", "import", "--template", str(path))
        assert path.stat().st_mode & 0o777 == 0o600
        from ucbr.storage.sheets import read_sheet_file

        _, header, rows = read_sheet_file(path)
        assert header == list(columns.NAMES) and rows == []
        assert reg.ok("mgr", "import", str(path), "--dry-run").startswith("would import nothing")
        again = reg.run("mgr", "import", "--template", str(path))
        assert again.code == 1 and "never overwrites" in again.err
    documented = (Path(__file__).parent.parent / "docs" / "import.md").read_text()
    assert all(f"| `{name}` |" in documented for name in columns.NAMES)


def test_only_administrators_import(reg: Reg, tmp_path: Path) -> None:
    """A case officer's import is refused, naming who may; nothing is read into the register."""
    path = sheet(tmp_path / "one.csv", [INCIDENT])
    result = reg.run("officer", "import", str(path))
    assert result.code == 1
    assert "the role case officer may not import records" in result.err


def test_an_imported_decision_is_the_importers_attestation(reg: Reg, tmp_path: Path) -> None:
    """An imported approval or appeal decision names the importer (who signed the import),
    keeping the earlier records' names as data; nobody on the staff is named as having
    reported or proposed anything; letters already sent are recorded, without hashes, and
    not owed."""
    path = sheet(tmp_path / "one.xlsx", [SERIOUS, FORMAL, APPEAL])
    done = json.loads(reg.ok("ig", "import", str(path), "--json"))
    case = record(reg, "ig", done["cases"][0]["case"])
    decision = case.decisions[0]
    assert decision.approved_by == "ig" and decision.proposed_by == EARLIER_RECORDS
    assert decision.imported is not None and decision.imported.approver == "Max Former"
    assert decision.imported.officer == "Pat Previous" and decision.imported.row == 3
    assert decision.approved_on == dt.date(2026, 6, 10)
    assert case.incidents[0].reported_by == EARLIER_RECORDS
    appeal = case.appeals[0]
    assert appeal.decided_by == "ig" and appeal.imported is not None
    assert appeal.imported.approver == "Hana Former"
    assert [(x.kind, x.sha256, x.date) for x in case.letters] == [
        ("formal-warning", None, dt.date(2026, 6, 12)),
        ("appeal-outcome", None, dt.date(2026, 7, 2)),
    ]
    assert letters_owed(case) == []
    assert case.imported is not None and case.imported.by == "ig"
    assert case.imported.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert reg.run("ig", "check").code == 0 and reg.run("ig", "audit").code == 0


def test_a_person_already_on_the_register_is_flagged(reg: Reg, tmp_path: Path) -> None:
    """A person who looks already recorded (the same phone) is a problem at their row,
    unless the sheet says why they are someone else."""
    reg.new_case("officer", "--phone", "01993 123456")
    before = reg.state()
    flagged = reg.run("mgr", "import", str(sheet(tmp_path / "a.csv", [INCIDENT])))
    assert flagged.code == 1 and reg.state() == before
    assert "ucbr: row 2, person: likely the same person as C-" in flagged.err
    assert "(same phone), already on the register" in flagged.err
    reason = {**INCIDENT, "Not a duplicate": "A different person at the same number."}
    path = sheet(tmp_path / "b.csv", [reason], [*HEADER, "Not a duplicate"])
    done = json.loads(reg.ok("mgr", "import", str(path), "--json"))
    assert record(reg, "mgr", done["cases"][0]["case"]).not_a_duplicate


def test_an_imported_case_keeps_the_ladder(reg: Reg, tmp_path: Path) -> None:
    """A formal warning with no warnings before it and no serious incident is refused at
    its row, in the policy's own words: imported cases are ones the register could make."""
    path = sheet(tmp_path / "skip.xlsx", [INCIDENT, {**FORMAL, "Bypass reason": ""}])
    result = reg.run("mgr", "import", str(path))
    assert result.code == 1
    assert (
        "ucbr: row 3, bypass reason: step 1 (verbal_warning) has not been given; steps 1 and 2 "
        "are bypassed only in the case of violence or serious threats: name the incident you "
        "rely on (an earlier incident whose behaviours are physically aggressive or threats) "
        "and why (bypass reason)\n"
    ) in result.err


def test_an_interrupted_import_leaves_the_register_as_it_was(
    reg: Reg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C after some cases are committed undoes every commit of the import."""
    header, rows = sheet_rows(40, TODAY, duplicate=False)
    path = tmp_path / "forty.csv"
    write(path, header, rows)
    before = reg.state()
    original = Register.commit_files
    calls = []

    def interrupted(self: Register, *args: object, **kwargs: object) -> str:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Register, "commit_files", interrupted)
    result = reg.run("mgr", "import", str(path))
    assert result.code != 0 and len(calls) == 3
    assert reg.state() == before


def test_uk_dates_are_day_first() -> None:
    """03/11/2026 is 3 November; ISO dates and spreadsheet dates are read as they are; a
    month-first date is not a day of the calendar; a two-figure year is refused."""
    assert columns.date("03/11/2026") == dt.date(2026, 11, 3)
    assert columns.date(" 3/11/2026 ") == dt.date(2026, 11, 3)
    assert columns.date("2026-11-03") == dt.date(2026, 11, 3)
    assert columns.date(dt.datetime(2026, 11, 3, 0, 0)) == dt.date(2026, 11, 3)
    for wrong in ("12/25/2026", "3/11/26", "next Tuesday"):
        with pytest.raises(columns.CellProblem):
            columns.date(wrong)


def test_staff_add_refuses_the_id_imported_records_name(reg: Reg, tmp_path: Path) -> None:
    """No member of staff can take the id imported items name as their actor."""
    from tests.regkit import write_key

    key = write_key(tmp_path / "k.key")
    result = reg.run(
        "mgr", "staff", "add", EARLIER_RECORDS, "--name", "X", "--email", "x@council.example",
        "--role", "case_officer", "--key", key,
    )  # fmt: skip
    assert result.code == 1 and "names imported records" in result.err
