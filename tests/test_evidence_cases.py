"""`ucbr evidence` refused, withholding what it is asked to, and proving what it can of a
history it cannot wholly read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.evidence_kit import older_register, verify_fresh
from tests.regkit import Reg, email_of, patched_env, write_key
from ucbr.cli import main
from ucbr.services import evidence

pytestmark = pytest.mark.e2e

DEMO = Path(__file__).resolve().parent.parent / "register"


def warned(reg: Reg) -> tuple[str, str]:
    """A case with a verbal warning; its case and incident ids."""
    case, incident = reg.new_case("officer")
    reg.ok("officer", "escalate", case, "--incident", incident, "--note", "Asked to stop.")
    return case, incident


@pytest.mark.parametrize("who", ["front", "cron"])
def test_only_a_key_that_reads_records_makes_a_bundle(reg: Reg, tmp_path: Path, who: str) -> None:
    """A frontline or scheduler key is refused in one line (exit 1); nothing is written."""
    case, _ = warned(reg)
    before = reg.state()
    result = reg.run(who, "evidence", case, "--out", str(tmp_path / "bundle"))
    assert result.code == 1 and result.err.count("\n") == 1, result.err
    assert reg.state() == before and not (tmp_path / "bundle").exists()


def test_a_bundle_goes_only_to_a_new_folder_outside_the_register(reg: Reg, tmp_path: Path) -> None:
    """Inside the working tree (where `git add` could sweep it into history) or into a
    folder already holding files, the bundle is refused and nothing changes."""
    case, _ = warned(reg)
    before = reg.state()
    inside = reg.run("ig", "evidence", case, "--out", str(reg.root / "bundle"))
    assert inside.code == 1 and "inside the register's working tree" in inside.err
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("kept")
    used = reg.run("ig", "evidence", case, "--out", str(tmp_path / "used"))
    assert used.code == 1 and "not empty" in used.err
    assert reg.state() == before and not (reg.root / "bundle").exists()
    assert [p.name for p in (tmp_path / "used").iterdir()] == ["notes.txt"]


def test_a_field_withheld_must_be_one_the_record_holds(reg: Reg, tmp_path: Path) -> None:
    """`--redact` names a field as `ucbr history` does; one the record never held, or one
    that names an item, is refused; a summary withheld is withheld from every revision and
    the bundle still verifies."""
    case, incident = warned(reg)
    before = reg.state()
    for field in ("incidents[I-0000000A].summary", f"incidents[{incident}].id"):
        refused = reg.run("ig", "evidence", case, "--out", str(tmp_path / "x"), "--redact", field)
        assert refused.code == 1 and "--redact" in refused.err
    assert reg.state() == before
    field = f"incidents[{incident}].summary"
    reg.ok("ig", "evidence", case, "--out", str(tmp_path / "bundle"), "--redact", field)
    report = json.loads((tmp_path / "bundle" / "report.json").read_text())
    for revision in report["revisions"]:
        assert [field, None] == next(leaf[:2] for leaf in revision["leaves"] if leaf[0] == field)
    assert "Shouted and swore" not in (tmp_path / "bundle" / "report.json").read_text()
    assert verify_fresh(tmp_path / "bundle", tmp_path / "investigator").returncode == 0


def test_a_bundle_that_does_not_verify_is_not_kept(
    reg: Reg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundle's own script is run on it before its commit is kept: when it fails, the
    commit is undone, the folder removed, and no disclosure is recorded (exit 6)."""
    case, _ = warned(reg)
    failing = b"import sys\nprint('FAIL the chain is broken')\nsys.exit(1)\n"
    monkeypatch.setattr(evidence, "script_source", lambda: failing)
    before = reg.state()
    result = reg.run("ig", "evidence", case, "--out", str(tmp_path / "bundle"))
    assert result.code == 6 and "the chain is broken" in result.err
    assert reg.state() == before and not (tmp_path / "bundle").exists()


def test_revisions_sealed_before_the_makers_time_are_proven_where_they_can_be(
    reg: Reg, tmp_path: Path
) -> None:
    """An IG officer who joined after a key rotation cannot open revisions sealed to the
    retired tier keys: the one the rotation sealed again is read from it and proven; the
    one before is listed as not proven (exit 3), and nothing fails."""
    case, _ = warned(reg)
    reg.ok("mgr", "staff", "remove", "officer2")
    key = write_key(tmp_path / "ig2.txt")
    reg.keys["ig2"] = tmp_path / "ig2.txt"
    reg.ok("mgr", "staff", "add", "ig2", "--name", "Iris Newcomer", "--email",
           email_of("ig2"), "--role", "ig_officer", "--key", key)  # fmt: skip
    reg.ok("ig2", "evidence", case, "--out", str(tmp_path / "bundle"))
    report = json.loads((tmp_path / "bundle" / "report.json").read_text())
    first, second = (row["commit"] for row in report["chronology"][:2])
    assert report["unreadable"] == [first]
    assert [r["commit"] for r in report["revisions"]] == [second]
    done = verify_fresh(tmp_path / "bundle", tmp_path / "investigator")
    assert done.returncode == 3, done.stdout
    assert "FAIL" not in done.stdout
    assert f"not proven: {first[:7]}, a record its maker could not read" in done.stdout
    assert done.stdout.splitlines()[-1].startswith(f"proven in part: {case}, ")


def test_a_history_older_than_record_commitments_is_proven_but_for_its_records(
    tmp_path: Path,
) -> None:
    """A history made before commits committed to records: its chain, signatures, staff
    keys and chronology are proven; each change to the record is listed as not proven
    (exit 3); no check fails."""
    older, emails = older_register(tmp_path)
    log = older.git("log", "--format=%B", "--", "cases/")
    case = next(ln.split()[-1] for ln in log.splitlines() if ln.startswith("Ucbr-Case: C-"))
    as_head = {"GIT_AUTHOR_EMAIL": emails["head"], "GIT_COMMITTER_EMAIL": emails["head"]}
    with patched_env({**older.env("head"), **as_head}):
        assert main(["evidence", case, "--out", str(tmp_path / "bundle")]) == 0
    done = verify_fresh(tmp_path / "bundle", tmp_path / "investigator")
    assert done.returncode == 3, done.stdout
    assert "FAIL" not in done.stdout and "made before records were committed to" in done.stdout
