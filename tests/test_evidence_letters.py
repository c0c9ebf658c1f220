"""Letters as issued: made again from the day they were issued and compared byte for byte."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.evidence_kit import verify_fresh
from tests.regkit import INCIDENT_ARGS, Reg
from ucbr.services import letters
from ucbr.services.letters import html_to_pdf


def test_a_pdf_is_the_same_bytes_whenever_it_is_made() -> None:
    """The same HTML gives the same PDF a second later, and whatever SOURCE_DATE_EPOCH the
    caller's shell holds: fonts are not stamped with the moment they were embedded."""
    html = "<p>Dear Ms Example, this letter is about your contact with us.</p>"
    first = html_to_pdf(html)
    time.sleep(1.1)
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    try:
        again = html_to_pdf(html)
        assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    assert first == again


def informal_letter(reg: Reg, sent: Path) -> str:
    """A case with an informal written warning, its letter sent as Markdown; the case id."""
    case, first = reg.new_case("officer")
    reg.ok("officer", "escalate", case, "--incident", first, "--note", "Asked to stop.")
    again = [reg.today if arg == "2026-11-01" else arg for arg in INCIDENT_ARGS]
    second = json.loads(reg.ok("officer", "add-incident", case, *again, "--json"))
    reg.ok("officer", "escalate", case, "--incident", second["incident"])
    sent.mkdir()
    reg.ok("officer", "letter", case, "--kind", "informal-warning", "--out", str(sent / "l.md"))
    return case


def worded(template: str, sentence: str) -> str:
    """A letter template with one more sentence at the start of its body."""
    return template.replace("{% block body %}\n", "{% block body %}\n" + sentence + "\n\n", 1)


def letter_entry(bundle: Path) -> dict[str, Any]:
    letters = json.loads((bundle / "report.json").read_text())["letters"]
    assert len(letters) == 1
    return dict(letters[0])


@pytest.mark.e2e
def test_a_letter_from_templates_changed_since_is_said_not_to_be_the_letter_issued(
    reg: Reg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When ucbr's own template has changed since the letter was issued, the letter made
    again is included under another name, and the report says why it is not the same; the
    bundle still verifies, since it claims no more."""
    case = informal_letter(reg, tmp_path / "sent")
    changed = tmp_path / "templates"
    shutil.copytree(letters.TEMPLATES, changed)
    template = changed / "informal-warning.md.j2"
    template.write_text(worded(template.read_text(), "A sentence added since."))
    monkeypatch.setattr(letters, "TEMPLATES", changed)
    reg.ok("ig", "evidence", case, "--out", str(tmp_path / "bundle"))
    entry = letter_entry(tmp_path / "bundle")
    assert entry["identical"] is False and entry["file"].endswith(".regenerated.md")
    assert "the letter templates changed since" in entry["why"]
    assert "A sentence added since." in (tmp_path / "bundle" / entry["file"]).read_text()
    assert verify_fresh(tmp_path / "bundle", tmp_path / "investigator").returncode == 0


@pytest.mark.e2e
def test_the_councils_copy_as_sent_stands_in_for_a_letter_that_cannot_be_made_again(
    reg: Reg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--letters DIR`: the council's own copy whose SHA-256 is the one recorded is the
    letter as issued, and the verifier proves it so."""
    case = informal_letter(reg, tmp_path / "sent")
    changed = tmp_path / "templates"
    shutil.copytree(letters.TEMPLATES, changed)
    (changed / "informal-warning.md.j2").write_text("Something else entirely.\n")
    monkeypatch.setattr(letters, "TEMPLATES", changed)
    (tmp_path / "sent" / "unrelated.txt").write_text("not a letter")
    reg.ok("ig", "evidence", case, "--out", str(tmp_path / "bundle"), "--letters",
           str(tmp_path / "sent"))  # fmt: skip
    entry = letter_entry(tmp_path / "bundle")
    assert entry["identical"] is True and "the council's copy as sent" in entry["why"]
    held = (tmp_path / "bundle" / entry["file"]).read_bytes()
    assert held == (tmp_path / "sent" / "l.md").read_bytes()
    done = verify_fresh(tmp_path / "bundle", tmp_path / "investigator")
    assert done.returncode == 0 and "ok   letters: 1 of 1 in the bundle as issued" in done.stdout


@pytest.mark.e2e
def test_a_councils_template_is_the_one_committed_when_the_letter_was_issued(
    reg: Reg, tmp_path: Path
) -> None:
    """The council's own template, changed again after the letter was issued, is read as
    it was committed then: the letter made again is byte for byte the one sent."""
    source = (letters.TEMPLATES / "informal-warning.md.j2").read_text()
    (tmp_path / "v1.j2").write_text(worded(source, "Our first wording."))
    (tmp_path / "v2.j2").write_text(worded(source, "Our second wording."))
    reg.ok(
        "mgr", "settings", "template", "informal-warning.md.j2", "--from", str(tmp_path / "v1.j2")
    )
    case = informal_letter(reg, tmp_path / "sent")
    reg.ok(
        "mgr", "settings", "template", "informal-warning.md.j2", "--from", str(tmp_path / "v2.j2")
    )
    reg.ok("ig", "evidence", case, "--out", str(tmp_path / "bundle"))
    entry = letter_entry(tmp_path / "bundle")
    assert entry["identical"] is True and entry["file"] == f"letters/{entry['id']}.md"
    assert "Our first wording." in (tmp_path / "bundle" / entry["file"]).read_text()
