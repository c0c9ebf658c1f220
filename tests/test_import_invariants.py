"""What an import may claim: the import invariants, each shown holding and each shown broken,
and the audit's rule that an import names the file it read."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from pydantic import ValidationError

from tests.letter_fixtures import CFG, POLICY, STAFF
from tests.regkit import INCIDENT_ARGS, Reg, signed_commit
from ucbr.domain.importing.build import Importing, build_case
from ucbr.domain.importing.sheet import read_sheet
from ucbr.domain.invariants import CASE, Facts, judge_all, record_problems
from ucbr.domain.model import Case, LetterIssued
from ucbr.domain.provenance import EARLIER_RECORDS, Earlier

HEADER = ["person", "name", "event", "date", "channel", "location", "category", "behaviours",
          "summary", "service", "serious", "decided by", "letter sent", "only channel",
          "considerations", "essential services", "review date", "bypass reason"]  # fmt: skip
ROWS = [
    ["UCB-1", "Alex Example", "incident", "02/06/2026", "telephone", "community", "A",
     "threats", "Threatened the officer.", "Housing", "yes"],
    ["UCB-1", "", "formal warning", "10/06/2026", "", "", "", "", "", "", "", "Max Former",
     "12/06/2026", "email", "None known.", "By letter.", "01/12/2026", "Threats of harm."],
]  # fmt: skip
IMPORTER = STAFF.by_id("manager1")
SEQUENCE = itertools.count()


def imported_case() -> Case:
    """The case an import by manager1 makes of two rows: a serious incident, then a formal
    warning relying on it."""
    people, problems = read_sheet(HEADER, list(enumerate(ROWS, start=2)))
    assert problems == [] and IMPORTER is not None

    def new_id(prefix: str) -> str:
        return f"{prefix}-{next(SEQUENCE):08d}"

    how = Importing(CFG, POLICY, STAFF, IMPORTER, dt.date(2026, 11, 28), "a" * 64, new_id)
    case, problems = build_case(people[0], "C-00000001", how, [])
    assert case is not None, problems
    return case


def facts(action: str | None = "import", actor: str = "manager1") -> Facts:
    return Facts(CFG, STAFF, action, STAFF.by_id(actor))


def test_an_honest_import_keeps_every_case_invariant() -> None:
    """The import's own case breaks no invariant: four eyes hold (the importer attests, the
    earlier records proposed), and every import rule."""
    case = imported_case()
    assert record_problems(None, case, facts()) == []
    assert case.decisions[0].approved_by == "manager1"
    assert case.decisions[0].proposed_by == EARLIER_RECORDS


def test_import_names_no_officer() -> None:
    """Policy: an imported incident may not claim a member of staff reported it."""
    case = imported_case()
    incident = case.incidents[0].model_copy(update={"reported_by": "officer1"})
    forged = case.model_copy(update={"incidents": (incident,)})
    found = judge_all(CASE, None, forged, facts())
    assert any("[import-names-no-officer]" in m and "officer1" in m for m in found)


def test_import_marked() -> None:
    """A case an import brings in says who imported it, and each item keeps its row."""
    case = imported_case()
    someone_else = case.model_copy(
        update={"imported": case.imported.model_copy(update={"by": "head1"})}  # type: ignore[union-attr]
    )
    unmarked = case.model_copy(
        update={"decisions": (case.decisions[0].model_copy(update={"imported": None}),)}
    )
    assert any("[import-marked]" in m for m in judge_all(CASE, None, someone_else, facts()))
    assert any("[import-marked]" in m for m in judge_all(CASE, None, unmarked, facts()))


def test_only_imports_are_imported() -> None:
    """A letter recorded by the letter action and marked imported (so without the hashes
    of what was sent) is the letter action claiming an import's licence."""
    case = imported_case()
    letter = LetterIssued(
        id="L-00000099", kind="formal-warning", date=dt.date(2026, 11, 28),
        about=case.decisions[0].id, by="officer1", policy=POLICY,
        imported=Earlier(row=1, officer="Nobody"),
    )  # fmt: skip
    after = case.model_copy(update={"letters": (*case.letters, letter)})
    found = judge_all(CASE, case, after, facts("letter", "officer1"))
    assert any("[only-imports-are-imported]" in m for m in found)
    assert judge_all(CASE, case, case, facts("letter", "officer1")) == []


def test_a_letter_ucbr_wrote_has_its_hashes_and_an_imported_one_none() -> None:
    """A letter without its format and hashes is only an imported one, and an imported one
    has none."""
    base = {"id": "L-00000001", "kind": "formal-warning", "date": "2026-06-12",
            "by": EARLIER_RECORDS, "policy": POLICY}  # fmt: skip
    with pytest.raises(ValidationError):
        LetterIssued.model_validate(base)
    with pytest.raises(ValidationError):
        LetterIssued.model_validate(
            {**base, "format": "pdf", "sha256": "a" * 64, "template_sha256": "b" * 64,
             "imported": {"row": 3}}
        )  # fmt: skip
    assert LetterIssued.model_validate({**base, "imported": {"row": 3}}).sha256 is None


@pytest.mark.e2e
def test_the_audit_reports_an_import_that_does_not_name_its_file(reg: Reg) -> None:
    """An import commit without a Ucbr-Source trailer, and any other commit with one, are
    reported by the audit."""
    case, _ = reg.new_case("officer")
    reg.ok("officer", "add-incident", case, *INCIDENT_ARGS)
    head = reg.git("rev-parse", "HEAD").strip()
    reg.git("reset", "-q", "--soft", "HEAD~1")
    message = reg.git("log", "-1", "--format=%B", head).replace(
        "Ucbr-Officer", "Ucbr-Source: " + "a" * 64 + "\nUcbr-Officer"
    )
    signed_commit(reg, "officer", message)
    audited = reg.run("ig", "audit")
    assert audited.code == 6
    assert "only an import has a Ucbr-Source trailer" in audited.out


def test_an_import_names_the_file_it_read_once() -> None:
    """An import commit holds exactly one Ucbr-Source trailer, a SHA-256."""
    from ucbr.services.audit.commits import source_problems
    from ucbr.storage.gitlog import Commit

    def commit(*trailers: tuple[str, str]) -> Commit:
        when = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
        return Commit("0" * 40, (), "M", "m@x", when, "ucbr: import C-00000001",
                      (("Ucbr-Action", "import"), *trailers))  # fmt: skip

    assert source_problems(commit(("Ucbr-Source", "a" * 64))) == []
    for wrong in ((), (("Ucbr-Source", "abc"),), (("Ucbr-Source", "a" * 64),) * 2):
        assert source_problems(commit(*wrong)) == [
            "an import names the file it read in one Ucbr-Source trailer (its SHA-256)"
        ]
