"""Every commit that writes a record commits to it (Ucbr-Record), keyed by a salt kept only
inside the sealed record, so history proves the record without holding it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.evidence_kit import older_register
from tests.regkit import Reg, patched_env
from tests.test_audit import audit, git_as, problem_lines
from tests.test_sync import incident, server_and_clones, ucbr_on_path
from ucbr.cli import main
from ucbr.domain import commitment
from ucbr.domain.fields import flatten
from ucbr.domain.staff import StaffDirectory, StaffMember
from ucbr.services.evidence import verify_bundle
from ucbr.storage.yamlio import dump_plain

DEMO = Path(__file__).resolve().parent.parent / "register"

# Records as the register stores them: ids, dates, codes and free text, nested and listed.
TEXT = st.text(min_size=1, max_size=12)
RECORDS = st.fixed_dictionaries(
    {
        "id": st.just("C-0000000A"),
        "person": st.fixed_dictionaries({"name": TEXT, "phones": st.lists(TEXT, max_size=2)}),
        "incidents": st.lists(
            st.fixed_dictionaries(
                {
                    "id": st.sampled_from(["I-0000000A", "I-0000000B", "I-0000000C"]),
                    "date": st.dates().map(str),
                    "serious": st.booleans(),
                    "summary": TEXT,
                }
            ),
            max_size=3,
            unique_by=lambda i: i["id"],
        ),
        "salt": st.binary(min_size=32, max_size=32).map(bytes.hex),
    }
)


def trailers_of(reg: Reg, rev: str = "HEAD") -> list[str]:
    body = reg.git("log", "-1", "--format=%B", rev)
    return [ln.split(": ", 1)[1] for ln in body.splitlines() if ln.startswith("Ucbr-Record: ")]


def record_of(reg: Reg, case: str) -> dict[str, Any]:
    data = json.loads(reg.ok("ig", "show", case, "--json"))["record"]
    assert isinstance(data, dict)
    return data


@given(RECORDS, st.data())
def test_a_disclosure_proves_the_revision_whatever_it_withholds(
    record: dict[str, Any], data: st.DataObject
) -> None:
    """Any choice of fields withheld gives the same commitment; any value changed does not."""
    paths = list(flatten(record))
    withheld = data.draw(st.lists(st.sampled_from(paths), unique=True)) if paths else []
    disclosed = commitment.disclose(record, dict.fromkeys(withheld, "third party"))
    assert commitment.disclosed_root(disclosed) == commitment.commitment(record)
    shown = [leaf for leaf in disclosed if len(leaf) == 3]
    if shown:
        shown[0][1] = [shown[0][1], "changed"]
        assert commitment.disclosed_root(disclosed) != commitment.commitment(record)


@given(RECORDS)
def test_the_commitment_cannot_be_found_without_the_salt(record: dict[str, Any]) -> None:
    """Knowing every field but the salt (a guessed record), the commitment cannot be made:
    neither a bare hash of the record nor the same record under another salt gives it."""
    made = commitment.commitment(record)
    guessed = dict(record, salt=commitment.new_salt())
    bare = hashlib.sha256(commitment.canonical({k: v for k, v in record.items() if k != "salt"}))
    assert made not in (commitment.commitment(guessed), bare.hexdigest())


def test_commitment_problems_name_each_way_a_commit_can_escape_it() -> None:
    """A second trailer, a deleted file's trailer, a salt removed, a change without a trailer,
    a trailer for an unsalted record and a wrong one are each reported; a re-seal is not."""
    salted: dict[str, Any] = {"id": "C-0000000A", "salt": "ab" * 32, "opened_on": "2026-01-01"}
    value = commitment.trailer_value("C-0000000A", salted)
    assert value is not None
    changed = dict(salted, opened_on="2026-01-02")

    def problems(trailers: list[str], before: Any, after: Any) -> list[str]:
        return commitment.problems(trailers, "C-0000000A", before, after)

    assert problems([value], None, salted) == []
    assert problems([], salted, salted) == []  # sealed again to new keys, unchanged
    assert problems([value, value], None, salted)[0].startswith("has 2 Ucbr-Record")
    assert "which it deleted" in problems([value], salted, None)[0]
    assert "removed the salt" in problems([], salted, {"id": "C-0000000A"})[0]
    assert "without the Ucbr-Record" in problems([], salted, changed)[0]
    assert "has no salt" in problems([value], None, {"id": "C-0000000A"})[0]
    assert "does not commit" in problems([value], salted, changed)[0]
    assert problems([], None, {"id": "C-0000000A"}) == []  # made before commitments


@pytest.mark.e2e
def test_every_record_write_commits_to_the_record_under_a_new_salt(reg: Reg) -> None:
    """Each command that writes a record carries Ucbr-Record for it, the commitment to what
    it stored, under a salt drawn again at every write; no personal data is in the message."""
    case, incident_id = reg.new_case("officer")
    first = record_of(reg, case)
    reg.ok("officer", "escalate", case, "--incident", incident_id, "--note", "Asked to stop.")
    second = record_of(reg, case)
    assert first["salt"] != second["salt"]
    for rev, record in (("HEAD~1", first), ("HEAD", second)):
        assert trailers_of(reg, rev) == [commitment.trailer_value(case, record)]
        assert "Alex" not in reg.git("log", "-1", "--format=%B", rev)


@pytest.mark.e2e
def test_history_and_diffs_never_show_the_salt(reg: Reg) -> None:
    """The salt is no field anyone reads: `ucbr history` and `git log -p` leave it out."""
    case, incident_id = reg.new_case("officer")
    reg.ok("officer", "escalate", case, "--incident", incident_id, "--note", "Asked to stop.")
    assert "salt" not in reg.ok("ig", "history", case, "--reveal")
    with ucbr_on_path(), patched_env(reg.env("ig")):
        diffs = reg.git("log", "-p", "--", f"cases/{case}.yaml")
    assert "decisions[" in diffs and "salt" not in diffs  # read through the driver


@pytest.mark.e2e
def test_the_audit_reports_a_commitment_to_another_record(reg: Reg) -> None:
    """An officer who rewrites their commit to commit to a record it did not store (say, to
    back a forged disclosure later) is caught by the audit, under their own signature."""
    case, incident_id = reg.new_case("officer")
    reg.ok("officer", "escalate", case, "--incident", incident_id, "--note", "Asked to stop.")
    message = reg.git("log", "-1", "--format=%B")
    forged = message.replace(trailers_of(reg)[0].split(":")[1], "0" * 64)
    git_as(reg, "officer", "commit", "-q", "--amend", "-m", forged)
    sha = git_as(reg, "officer", "rev-parse", "--short=7", "HEAD").strip()
    code, report = audit(reg)
    assert code == 6
    assert problem_lines(report) == [
        f"{sha} cases/{case}.yaml: the Ucbr-Record trailer does not commit to the record "
        f"of {case} it stored"
    ]


@pytest.mark.e2e
def test_a_record_merged_by_sync_is_committed_to_again(reg: Reg) -> None:
    """Two officers add incidents to one case at once: the rebased commit holds the merged
    record, so sync gives it a trailer committing to that record; the audit finds nothing."""
    _, olive, otto = server_and_clones(reg)
    with ucbr_on_path():
        shared, _ = olive.new_case("officer")
        olive.ok("officer", "sync")
        otto.ok("officer2", "sync")
        incident(olive, "officer", shared, 3)
        incident(otto, "officer2", shared, 4)
        made = trailers_of(otto)
        olive.ok("officer", "sync")
        otto.ok("officer2", "sync")
    assert trailers_of(otto) != made
    assert trailers_of(otto) == [commitment.trailer_value(shared, record_of(otto, shared))]
    audited = otto.run("ig", "audit")
    assert audited.code == 0, audited.out


@pytest.mark.e2e
def test_records_made_before_commitments_stay_readable_and_gain_one(tmp_path: Path) -> None:
    """A history whose records have no salt and whose commits carry no Ucbr-Record (brought
    in before commitments): it reads, audits and changes as before, and the first change
    commits to its record."""
    older, emails = older_register(tmp_path)
    listed = older.git("log", "--format=%B")
    assert "Ucbr-Record" not in listed
    case = next(ln.split()[-1] for ln in listed.splitlines() if ln.startswith("Ucbr-Case: C-"))
    as_officer = {"GIT_AUTHOR_EMAIL": emails["officer"], "GIT_COMMITTER_EMAIL": emails["officer"]}
    with patched_env({**older.env("officer"), **as_officer}):
        assert main(["adjustments", case, "--add", "needs_large_print"]) == 0
    assert len(trailers_of(older)) == 1 and trailers_of(older)[0].startswith(f"{case}:")
    as_head = {"GIT_AUTHOR_EMAIL": emails["head"], "GIT_COMMITTER_EMAIL": emails["head"]}
    with patched_env({**older.env("head"), **as_head}):
        assert main(["audit"]) == 0


@given(RECORDS, st.data())
def test_the_verifier_names_fields_and_proves_commitments_as_ucbr_does(
    record: dict[str, Any], data: st.DataObject
) -> None:
    """The bundle's script, which cannot import ucbr, flattens a record into the same fields
    and recomputes the same commitment from any disclosure of it."""
    assert verify_bundle.flatten(record) == list(flatten(record).items())
    paths = list(flatten(record))
    withheld = data.draw(st.lists(st.sampled_from(paths), unique=True)) if paths else []
    disclosed = commitment.disclose(record, dict.fromkeys(withheld, "third party"))
    assert verify_bundle.commitment(disclosed) == commitment.commitment(record)


PLAIN_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1
)
REAL_TEXT = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzéøABCXYZ '-.,():@&#!?/0123"),
                    min_size=1, max_size=90)  # fmt: skip


def staff_read_by_the_verifier(names: list[str], emails: list[str]) -> list[dict[str, Any]] | None:
    """A staff directory as ucbr writes it, read by the bundle's script; None if refused."""
    members = []
    for n, (name, email) in enumerate(zip(names, emails, strict=True)):
        try:
            members.append(StaffMember(
                id=f"staff{n}", name=name, email=email, role="case_officer",
                recipients=[f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{n:032d} {name}"],
                signing_key=f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{n:032d} {name}",
                job_title=name,
            ))  # fmt: skip
        except ValueError:
            return None  # not a member the staff directory can hold
    text = dump_plain(StaffDirectory(staff=members).model_dump(mode="json", exclude_none=True))
    bundle = verify_bundle.Bundle(Path("."))
    bundle.objects["blob"] = ("blob", text.encode())
    found = verify_bundle.members_of(bundle, "blob")
    assert found == [] or not bundle.failed
    expected = [m.model_dump(mode="json", exclude_none=True) for m in members]
    if bundle.failed:
        return None
    assert found == expected
    return found


@given(st.lists(st.tuples(PLAIN_TEXT, PLAIN_TEXT), min_size=1, max_size=3))
def test_the_verifier_reads_a_staff_directory_exactly_or_not_at_all(
    people: list[tuple[str, str]],
) -> None:
    """Whatever names and e-mails an administrator types, the script reads the staff
    directory exactly as ucbr does, or refuses it (the bundle then fails): it never
    misreads whose key is whose."""
    staff_read_by_the_verifier([p[0] for p in people], [p[1] for p in people])


@given(st.lists(st.tuples(REAL_TEXT, REAL_TEXT), min_size=1, max_size=3))
def test_the_verifier_reads_the_staff_directories_councils_write(
    people: list[tuple[str, str]],
) -> None:
    """Names and e-mails of letters, accents, spaces and punctuation, long enough to fold
    over lines: the script reads them all."""
    names, emails = [p[0] for p in people], [p[1] for p in people]
    read = staff_read_by_the_verifier(names, emails)
    assert read is not None or any(
        not n.strip() or not e.strip() for n, e in zip(names, emails, strict=True)
    )
