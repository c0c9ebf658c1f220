"""Subject access: everything held, as JSON and PDF with a manifest, redacted, and recorded."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import stat
from pathlib import Path

import pytest

from tests.regkit import Reg
from tests.test_retention import appeal, case, incident, put, restricted
from ucbr.domain.model import Case, Restriction
from ucbr.domain.staff import StaffDirectory, StaffMember
from ucbr.services import sar
from ucbr.storage.yamlio import load_strict

STAFF = StaffDirectory(
    staff=[
        StaffMember(
            id="officer2",
            name="Otto Second",
            email="otto@council.example",
            role="case_officer",
            recipients=["age1demo"],
        ),
        StaffMember(
            id="mgr",
            name="Morgan Manager",
            email="mgr@council.example",
            role="manager",
            recipients=["age1demo"],
        ),
    ]
)
SPOC = Restriction(kind="single_point_of_contact", staff="officer2")


def full_case() -> Case:
    """A case with every kind of thing the register holds, naming staff and a representative."""
    first = incident(1, "2026-05-01", summary="Shouted at Otto Second in reception.")
    second = incident(2, "2026-06-01", ("threats",), by_representative="Jo Bloggs (advocate)")
    decision = restricted(1, first.id, "2026-06-10", restrictions=[SPOC])
    return case(
        7, [first, second], [decision], appeals=[appeal(1, decision.id, "2026-06-20", "upheld")]
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_sar_redacts_staff_and_third_parties_by_default() -> None:
    """Staff names, ids and representatives become "[redacted: …]"; the person's own data stays."""
    history = [("2026-05-01", "add-incident", "officer2")]
    data = sar.subject_data(
        full_case(), "Demo DC", history, STAFF, dt.date(2026, 7, 1), redact=True
    )
    text = json.dumps(data)
    for hidden in ("Otto", "officer2", "Jo Bloggs", '"mgr"'):
        assert hidden not in text
    assert data["incidents"][1]["by_representative"] == sar.THIRD_PARTY_MARK
    assert data["incidents"][0]["summary"] == f"Shouted at {sar.STAFF_MARK} in reception."
    assert data["decisions"][0]["approved_by"] == sar.STAFF_MARK
    assert data["history"] == [
        {
            "date": "2026-05-01",
            "action": "add-incident",
            "officer_role": "case_officer",
            "officer": sar.STAFF_MARK,
        }
    ]
    assert data["person"]["name"] == "Alex Example"
    assert {
        "entry",
        "incidents",
        "decisions",
        "reviews",
        "appeals",
        "letters",
        "adjustments",
    } <= set(data)


def test_sar_without_redaction_keeps_everything() -> None:
    """With redaction off the staff ids, names and representatives are disclosed as held."""
    data = sar.subject_data(full_case(), "Demo DC", [], STAFF, dt.date(2026, 7, 1), redact=False)
    text = json.dumps(data)
    assert "officer2" in text and "Otto Second" in text and "Jo Bloggs" in text


def test_sar_export_files_are_private_and_hashed(reg: Reg, tmp_path: Path) -> None:
    """The export is JSON, PDF and a manifest of SHA-256s; folder 0700, files 0600; recorded."""
    c = full_case()
    put(reg, c)
    out = tmp_path / "sar-out"
    reg.ok("ig", "sar", c.id, "--out", str(out))
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{c.id}.json", f"{c.id}.pdf", "manifest.json"])
    assert mode(out) == 0o700 and all(mode(p) == 0o600 for p in out.iterdir())
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["files"]:
        assert hashlib.sha256((out / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    data = json.loads((out / f"{c.id}.json").read_text())
    assert data["redacted"] is True and data["person"]["name"] == "Alex Example"
    assert [h["action"] for h in data["history"]] == ["import"]
    from pypdf import PdfReader

    pdf_text = "".join(page.extract_text() for page in PdfReader(out / f"{c.id}.pdf").pages)
    assert "Alex Example" in pdf_text and "Incidents" in pdf_text and "Otto" not in pdf_text
    message = reg.git("log", "-1", "--format=%B")
    assert "Ucbr-Action: sar" in message and "Ucbr-Redacted: yes" in message
    assert f"Ucbr-Case: {c.id}" in message
    record = load_strict((reg.root / sar.DISCLOSURES).read_text())["disclosures"]
    assert record == [
        {
            "id": c.id,
            "date": "2026-11-28",
            "by": "ig",
            "redacted": True,
            "manifest_sha256": hashlib.sha256((out / "manifest.json").read_bytes()).hexdigest(),
        }
    ]
    assert reg.git("status", "--porcelain") == ""


def test_sar_no_redact_is_recorded(
    reg: Reg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--no-redact` is written into the disclosure record and the commit's trailer."""
    monkeypatch.setattr(sar, "render_pdf", lambda data: b"%PDF-1.7 stand-in\n")
    c = full_case()
    put(reg, c)
    reg.ok("ig", "sar", c.id, "--out", str(tmp_path / "x"), "--no-redact")
    assert "officer2" in (tmp_path / "x" / f"{c.id}.json").read_text()
    assert "Ucbr-Redacted: no" in reg.git("log", "-1", "--format=%B")
    assert (
        load_strict((reg.root / sar.DISCLOSURES).read_text())["disclosures"][0]["redacted"] is False
    )


@pytest.mark.parametrize("where", ["inside", "not empty"])
def test_sar_refuses_an_unsafe_folder(reg: Reg, tmp_path: Path, where: str) -> None:
    """Exports never go inside the register's working tree, nor into a folder already in use."""
    c = full_case()
    put(reg, c)
    out = reg.root / "exports" if where == "inside" else tmp_path / "used"
    if where == "not empty":
        out.mkdir()
        (out / "old.txt").write_text("x")
    before = reg.state()
    result = reg.run("ig", "sar", c.id, "--out", str(out))
    assert result.code == 1 and "Alex" not in result.err
    assert reg.state() == before
    assert where != "inside" or not out.exists()


def test_sar_refused_for_case_officer(reg: Reg, tmp_path: Path) -> None:
    """Only an IG officer, manager or head of service answers a subject access request."""
    c = full_case()
    put(reg, c)
    before = reg.state()
    result = reg.run("officer", "sar", c.id, "--out", str(tmp_path / "x"))
    assert result.code == 1 and "subject access" in result.err
    assert reg.state() == before and not (tmp_path / "x").exists()


def test_failed_record_leaves_no_export(
    reg: Reg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the disclosure cannot be recorded, the files written for it are removed again."""
    monkeypatch.setattr(sar, "render_pdf", lambda data: b"%PDF-1.7 stand-in\n")
    c = full_case()
    put(reg, c)
    (reg.root / sar.DISCLOSURES).write_text("hand edit\n")
    result = reg.run("ig", "sar", c.id, "--out", str(tmp_path / "x"))
    assert result.code == 1 and "changes not made by ucbr" in result.err
    assert not (tmp_path / "x").exists()
