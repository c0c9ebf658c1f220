"""`ucbr evidence`: a bundle for one case that an investigator verifies without the council,
with only git, ssh-keygen and Python's standard library."""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.evidence_kit import (
    OTHER_CUSTOMER,
    REPRESENTATIVE,
    Ladder,
    objects,
    rewrite_manifest,
    verify_fresh,
    whole_ladder,
    write_objects,
)
from tests.regkit import Reg, copy
from ucbr.storage.yamlio import load_strict

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Made:
    """A register whose case went through the whole ladder, and its bundle."""

    reg: Reg
    ladder: Ladder
    bundle: Path
    out: str
    head_before: str


@pytest.fixture(scope="module")
def made(template_register: Reg, tmp_path_factory: pytest.TempPathFactory) -> Made:
    base = tmp_path_factory.mktemp("evidence")
    reg = copy(template_register, base / "r")
    ladder = whole_ladder(reg, base / "sent")
    before = reg.git("rev-parse", "HEAD").strip()
    out = reg.ok("ig", "evidence", ladder.case, "--out", str(base / "bundle"), "--json")
    return Made(reg, ladder, base / "bundle", out, before)


def test_a_bundle_for_the_whole_ladder_verifies_with_git_ssh_keygen_and_python_alone(
    made: Made, tmp_path: Path
) -> None:
    """Verbal, informal and formal warnings, an approval, letters, an appeal and a review:
    `python3 -I -S verify.py` in a fresh environment outside the project proves them all."""
    done = verify_fresh(made.bundle, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "FAIL" not in done.stdout and done.stdout.rstrip().endswith(
        f"verified: {made.ladder.case}, {len(objects_of(made, 'commit'))} commits to "
        f"{json.loads(made.out)['commit'][:7]}"
    )
    lines = done.stdout.splitlines()
    after = max(n for n, line in enumerate(lines) if line.startswith("ok   "))
    actions = [line.split()[2] for line in lines[after + 1 : -1]]
    assert actions == [
        "add-incident", "escalate", "add-incident", "escalate", "letter", "add-incident",
        "escalate", "approve", "letter", "appeal-lodge", "letter", "appeal-decide", "letter",
        "review", "letter",
    ]  # fmt: skip
    assert "ok   letters: 5 of 5 in the bundle as issued" in done.stdout


def objects_of(made: Made, kind: str) -> list[str]:
    return [oid for oid, found, _ in objects(made.bundle) if found == kind]


def test_changing_one_date_in_the_report_fails_verification(made: Made, tmp_path: Path) -> None:
    """An incident's date moved by a day in report.json: the manifest the bundle's own
    commit signed no longer matches; a forger who lists the new hash is caught by the
    commitment of the officer who recorded the incident."""
    first = verify_fresh(made.bundle, tmp_path)  # copies the bundle
    assert first.returncode == 0
    copied = tmp_path / "bundle"
    report = json.loads((copied / "report.json").read_text())
    revision = report["revisions"][-1]
    leaf = next(leaf for leaf in revision["leaves"] if leaf[0].endswith("].date"))
    leaf[1] = "2027-03-01"
    report["record"]["incidents"][0]["date"] = "2027-03-01"
    (copied / "report.json").write_text(json.dumps(report, indent=1))
    changed = verify_fresh(made.bundle, tmp_path)
    assert changed.returncode == 1
    assert "FAIL report.json is not the file the manifest lists" in changed.stdout
    rewrite_manifest(copied)
    forged = verify_fresh(made.bundle, tmp_path)
    assert forged.returncode == 1
    assert "FAIL manifest.json is not the manifest the bundle's own commit signed" in forged.stdout
    assert (
        f"FAIL the record at {revision['commit'][:7]} is not the record its commit committed to"
        in forged.stdout
    )
    assert "verified" not in forged.stdout


def test_a_chronology_date_changed_is_caught_by_its_signed_commit(
    made: Made, tmp_path: Path
) -> None:
    """Even with the manifest listed again, a row's date that is not its commit's fails."""
    verify_fresh(made.bundle, tmp_path)
    copied = tmp_path / "bundle"
    report = json.loads((copied / "report.json").read_text())
    row = report["chronology"][7]
    assert row["action"] == "approve"
    row["date"] = "2027-03-30"
    (copied / "report.json").write_text(json.dumps(report, indent=1))
    rewrite_manifest(copied)
    done = verify_fresh(made.bundle, tmp_path)
    assert done.returncode == 1
    assert f"FAIL the chronology's date of {row['commit'][:7]} is not the commit's" in done.stdout


def test_dropping_one_commit_fails_verification(made: Made, tmp_path: Path) -> None:
    """One commit taken out of the chain (the approval): its child names a parent that is
    not there, so the chain is broken and the approval cannot be hidden."""
    verify_fresh(made.bundle, tmp_path)
    copied = tmp_path / "bundle"
    approval = json.loads((copied / "report.json").read_text())["chronology"][7]["commit"]
    write_objects(copied, [o for o in objects(copied) if o[0] != approval])
    done = verify_fresh(made.bundle, tmp_path)
    assert done.returncode == 1
    assert f"FAIL commit {approval[:7]}, parent of " in done.stdout
    assert "is missing: the chain is broken" in done.stdout
    assert "FAIL the chain has 2 ends, not one: a commit was dropped or added" in done.stdout


def test_a_changed_commit_or_staff_key_fails_verification(made: Made, tmp_path: Path) -> None:
    """A byte changed in any object of the chain (here the staff directory, to list a
    forger's key) no longer has the id its commits name."""
    verify_fresh(made.bundle, tmp_path)
    copied = tmp_path / "bundle"
    found = objects(copied)
    staff = next(n for n, o in enumerate(found) if b"role: case_officer" in o[2])
    oid, kind, body = found[staff]
    found[staff] = (oid, kind, body.replace(b"role: case_officer", b"role: head_of_service", 1))
    write_objects(copied, found)
    done = verify_fresh(made.bundle, tmp_path)
    assert done.returncode == 1
    assert f"FAIL object {oid[:7]} is not what its id names: it was changed" in done.stdout


def test_the_root_key_is_checked_against_the_one_the_council_publishes(
    made: Made, tmp_path: Path
) -> None:
    """`--root` with the register's root key passes; with any other key it fails."""
    root = json.loads((made.bundle / "report.json").read_text())["verification"]["root"]
    assert verify_fresh(made.bundle, tmp_path, "--root", root).returncode == 0
    other = "SHA256:" + "A" * 43
    done = verify_fresh(made.bundle, tmp_path, "--root", other)
    assert done.returncode == 1 and f"the register's root key is {root}, not {other}" in done.stdout


def test_git_itself_verifies_each_commit_of_the_exported_chain(made: Made, tmp_path: Path) -> None:
    """`--export DIR` gives a git repository of the chain and the keys it lists: `git log`
    reads the chronology and `git verify-commit` checks each signature, without ucbr."""
    verify_fresh(made.bundle, tmp_path, "--export", str(tmp_path / "git"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    repo = tmp_path / "git" / "chain.git"
    tip = json.loads(made.out)["commit"]
    log = subprocess.run(
        ["git", "--git-dir", str(repo), "log", "--format=%h %s", tip],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert f"{tip[:7]} ucbr: evidence {made.ladder.case}" in log.splitlines()[0]
    signers = tmp_path / "git" / "allowed_signers"
    for row in json.loads((made.bundle / "report.json").read_text())["chronology"]:
        checked = subprocess.run(
            ["git", "--git-dir", str(repo), "-c", f"gpg.ssh.allowedSignersFile={signers}",
             "verify-commit", row["commit"]],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert checked.returncode == 0, checked.stderr
        assert f'Good "git" signature for {row["officer"]}@council.example' in checked.stderr


def test_the_bundle_is_a_disclosure_the_audit_lists(made: Made) -> None:
    """Its own commit (Ucbr-Action: evidence, Ucbr-Manifest: the manifest's hash) records it
    in .ucbr/disclosures.yaml, ends the chain, and the audit counts it and finds nothing."""
    reg, case = made.reg, made.ladder.case
    commit = json.loads(made.out)["commit"]
    assert reg.git("rev-parse", "HEAD~1").strip() == made.head_before
    manifest = hashlib.sha256((made.bundle / "manifest.json").read_bytes()).hexdigest()
    message = reg.git("log", "-1", "--format=%B", commit)
    assert "Ucbr-Action: evidence" in message and f"Ucbr-Case: {case}" in message
    assert f"Ucbr-Manifest: {manifest}" in message
    entry = load_strict((reg.root / ".ucbr" / "disclosures.yaml").read_text())["disclosures"][-1]
    assert entry == {
        "id": case,
        "date": "2027-11-29",
        "by": "ig",
        "kind": "evidence",
        "withheld": [
            f"incidents[{row}].by_representative" for row in incident_with_representative(made)
        ]
        + ["not_a_duplicate", "person.representatives"],
        "manifest_sha256": manifest,
    }
    audited = reg.run("ig", "audit")
    assert audited.code == 0, audited.out
    assert "evidence 1" in audited.out


def incident_with_representative(made: Made) -> list[str]:
    record = json.loads((made.bundle / "report.json").read_text())["record"]
    return [i["id"] for i in record["incidents"] if "by_representative" in i]


def test_third_parties_and_other_customers_never_appear(made: Made) -> None:
    """A representative's name and the other customer a not-a-duplicate reason names are
    withheld, field by field, and still proven; no file of the bundle (the chain included)
    holds anything of the other customer's case but its random id, nor any record's salt."""
    texts = {p.name: p.read_bytes() for p in made.bundle.rglob("*") if p.is_file()}
    pdf = subprocess.run(
        ["pdftotext", str(made.bundle / "report.pdf"), "-"], capture_output=True, check=True
    ).stdout
    for secret in (REPRESENTATIVE, OTHER_CUSTOMER, "Shares a phone"):
        assert not any(secret.encode() in body for body in [*texts.values(), pdf]), secret
    report = json.loads(texts["report.json"])
    withheld = {leaf[0]: leaf[3] for leaf in report["revisions"][-1]["leaves"] if len(leaf) == 4}
    assert withheld == {
        f"incidents[{incident_with_representative(made)[0]}].by_representative": "third party",
        "not_a_duplicate": "another person",
        "person.representatives": "third party",
    }
    assert report["record"]["not_a_duplicate"] == "[redacted: another person]"
    salt = json.loads(made.reg.ok("ig", "show", made.ladder.case, "--json"))["record"]["salt"]
    assert not any(salt.encode() in body for body in texts.values())  # keys only, never it
    assert b"[redacted: third party]" in pdf.replace(b"\n", b" ")


def test_the_pdf_reads_as_a_report_an_investigator_would_accept(made: Made, tmp_path: Path) -> None:
    """Headings, a chronology of who did what and when, the policy version, page numbers and
    "Confidential" on every page; drawn as pictures (pdftoppm) page by page."""
    pdf = made.bundle / "report.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    pages = text.split("\f")[:-1]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "CONFIDENTIAL" in page and f"Page {number} of {len(pages)}" in page
    for heading in ("1. Chronology", "2. Incidents", "3. Decisions",
                    "4. Restrictions in force over time", "5. Reviews", "6. Appeals",
                    "8. Letters issued", "9. Policy versions in force",
                    "10. Findings of ucbr check", "11. Redactions",
                    "12. How to verify this bundle"):  # fmt: skip
        assert heading in text, heading
    policy = json.loads((made.bundle / "report.json").read_text())["policies"][0]["hash"]
    assert f"Evidence bundle: case {made.ladder.case}" in text and policy in text
    assert "Morgan Manager" in text and "Decision approved" in text and "Appeal decided" in text
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == len(pages)


def test_the_letters_are_the_letters_as_issued(made: Made) -> None:
    """Each letter made again from its day's record, policy, staff and templates is byte for
    byte the file sent (Markdown, HTML and PDF alike), so its hash is the one recorded."""
    sent = {hashlib.sha256(p.read_bytes()).hexdigest() for p in made.ladder.letters.iterdir()}
    held = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (made.bundle / "letters").iterdir()}
    assert held == sent and len(held) == 5
    assert {p.suffix for p in (made.bundle / "letters").iterdir()} == {".md", ".pdf", ".html"}
