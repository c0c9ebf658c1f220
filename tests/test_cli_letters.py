"""`ucbr letter` and `ucbr foi record`, end to end: real files, real git, a real PDF reader."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.regkit import Reg, email_of
from tests.test_cli_policy import (
    continued,
    last_commit,
    on_register,
    proposed,
    refused,
    shown,
    warned,
)
from ucbr.storage.envelope import relpath

pytestmark = pytest.mark.e2e

COUNCIL = "Exampleshire District Council"
PRIVACY_URL = "https://www.exampleshire.gov.uk/privacy"
NAME = "Winifred Lettersworth"


def issue(reg: Reg, case_id: str, kind: str, out: Path, fmt: str = "md") -> str:
    return reg.ok("officer", "letter", case_id, "--kind", kind, "--format", fmt, "--out", str(out))


def letters_of(reg: Reg, case_id: str, setup: bool = False) -> list[dict[str, object]]:
    """The letters recorded on a case; without ``setup``, not the informal-warning letter
    that reaching step 3 needed."""
    found: list[dict[str, object]] = shown(reg, case_id)["record"]["letters"]
    return found if setup else [x for x in found if x["kind"] != "informal-warning"]


def flat(text: str) -> str:
    """Text with every run of white space made one space, as a PDF reader breaks lines."""
    return " ".join(text.split())


def test_formal_warning_pdf_holds_what_the_letter_must_say(reg: Reg, tmp_path: Path) -> None:
    """A formal-warning PDF is a private file holding the council, reference, review date,
    appeal route, the LGSCO and the privacy notice, and its SHA-256 is recorded in the case.

    Policy: "You have the right to appeal the decision to be added to the UCBR, including an
    external review by the LGSCO, within one month of the decision made."
    """
    case_id, _ = on_register(reg, "--only-channel", "email", "--spoc", "officer2", name=NAME)
    out = tmp_path / "formal-warning.pdf"
    issue(reg, case_id, "formal-warning", out, "pdf")

    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    content = out.read_bytes()
    assert content.startswith(b"%PDF-")
    text = flat("\n".join(page.extract_text() for page in PdfReader(out).pages))
    for part in (
        COUNCIL,
        case_id,
        NAME,
        "1 May 2027",
        "Local Government and Social Care Ombudsman",
        "LGSCO",
        "appeal",
        "by 29 December 2026",  # 28 December 2026 is a bank holiday
        PRIVACY_URL,
        "contact us only by e-mail",
        "Otto Second",
    ):
        assert part in text, part

    [issued] = letters_of(reg, case_id)
    assert issued["kind"] == "formal-warning" and issued["format"] == "pdf"
    assert issued["sha256"] == hashlib.sha256(content).hexdigest()


def test_issuing_records_letter_and_commits(reg: Reg, tmp_path: Path) -> None:
    """Issuing a letter records it in the case and makes a letter commit; the letter itself is
    never committed.

    Policy: "All details on UCBR are strictly confidential."
    """
    case_id, _ = on_register(reg, name=NAME)
    decision = shown(reg, case_id)["record"]["decisions"][-1]["id"]
    out = tmp_path / "fw.md"
    said = issue(reg, case_id, "formal-warning", out)
    content = out.read_bytes()
    assert str(out) in said and stat.S_IMODE(out.stat().st_mode) == 0o600

    [issued] = letters_of(reg, case_id)
    assert issued["kind"] == "formal-warning"
    assert (issued["about"], issued["date"], issued["by"]) == (decision, reg.today, "officer")
    assert issued["sha256"] == hashlib.sha256(content).hexdigest()
    assert len(str(issued["template_sha256"])) == 64

    message, files = last_commit(reg)
    assert message.splitlines()[0] == email_of("officer")
    assert "Ucbr-Action: letter" in message and f"Ucbr-Case: {case_id}" in message
    assert files == [relpath(case_id)]
    assert reg.git("status", "--porcelain", "--untracked-files=all") == ""
    history = reg.git("log", "-p", "--all", "--no-textconv")
    assert NAME not in history and "Dear" not in history


def test_letter_never_written_inside_register(reg: Reg, tmp_path: Path) -> None:
    """A letter aimed inside the register's working tree, directly or through a link, is
    refused and no file is written.

    Policy: "All details on UCBR are strictly confidential."
    """
    case_id, _ = on_register(reg, name=NAME)
    inside = reg.root / "fw.md"
    message = refused(
        reg,
        "officer",
        "letter",
        case_id,
        "--kind",
        "formal-warning",
        "--format",
        "md",
        "--out",
        str(inside),
    )
    assert "working tree" in message
    assert not inside.exists()
    link = tmp_path / "link"
    link.symlink_to(reg.root)
    refused(
        reg,
        "officer",
        "letter",
        case_id,
        "--kind",
        "formal-warning",
        "--format",
        "md",
        "--out",
        str(link / "fw.md"),
    )
    assert not inside.exists()
    assert letters_of(reg, case_id) == []


def test_existing_out_file_not_overwritten(reg: Reg, tmp_path: Path) -> None:
    """An existing output file is left alone and the letter is refused.

    Policy: "All details on UCBR are strictly confidential."
    """
    case_id, _ = on_register(reg, name=NAME)
    out = tmp_path / "fw.md"
    out.write_text("keep me\n")
    message = refused(
        reg,
        "officer",
        "letter",
        case_id,
        "--kind",
        "formal-warning",
        "--format",
        "md",
        "--out",
        str(out),
    )
    assert "already exists" in message
    assert out.read_text() == "keep me\n"


def test_formal_warning_waits_for_approval(reg: Reg, tmp_path: Path) -> None:
    """A formal-warning letter before the decision is approved is refused with one line.

    Policy: "The decision to manage a person's contact in an alternative way with a Council
    service must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case_id, _ = proposed(reg, name=NAME)
    out = tmp_path / "fw.md"
    message = refused(
        reg,
        "officer",
        "letter",
        case_id,
        "--kind",
        "formal-warning",
        "--format",
        "md",
        "--out",
        str(out),
    )
    assert "approv" in message and NAME not in message
    assert not out.exists()


def test_warning_letters_follow_the_ladder(reg: Reg, tmp_path: Path) -> None:
    """The verbal-warning note and the informal-warning letter exist once their step is given,
    and the informal warning is refused before it.

    Policy: "Following a verbal warning, if the behaviour continues to be unacceptable, an
    informal written warning letter will be sent to remind you of our expected behaviours."
    """
    case_id, incident_id = reg.new_case(name=NAME)
    refused(
        reg,
        "officer",
        "letter",
        case_id,
        "--kind",
        "verbal-warning-note",
        "--format",
        "md",
        "--out",
        str(tmp_path / "v.md"),
    )
    reg.ok("officer", "escalate", case_id, "--incident", incident_id, "--note", "Asked to stop.")
    note = tmp_path / "v.md"
    issue(reg, case_id, "verbal-warning-note", note)
    assert "Asked to stop." in note.read_text()
    refused(
        reg,
        "officer",
        "letter",
        case_id,
        "--kind",
        "informal-warning",
        "--format",
        "md",
        "--out",
        str(tmp_path / "i.md"),
    )
    reg.ok("officer", "escalate", case_id, "--incident", continued(reg, case_id))
    issue(reg, case_id, "informal-warning", tmp_path / "i.md")
    assert [letter["kind"] for letter in letters_of(reg, case_id, setup=True)] == [
        "verbal-warning-note",
        "informal-warning",
    ]


def test_check_flags_restriction_without_formal_warning_letter(reg: Reg, tmp_path: Path) -> None:
    """`ucbr check` flags a restriction in force with no formal-warning letter, and stops once
    it is issued.

    Policy: "a formal written warning letter will be issued to ask that you cease the
    unacceptable behaviour and / or communication and will advise you of the action we will
    take to address this."
    """
    case_id, _ = on_register(reg, name=NAME)
    assert reg.run("officer", "check").code == 0
    reg.today = "2026-12-10"
    result = reg.run("officer", "check")
    assert result.code == 5
    assert f"{case_id}: decision" in result.out and "no formal-warning letter" in result.out
    assert NAME not in result.out
    issue(reg, case_id, "formal-warning", tmp_path / "fw.md")
    assert reg.run("officer", "check").code == 0


def test_property_risk_gets_no_letter(reg: Reg, tmp_path: Path) -> None:
    """A letter for a property risk is refused: the owner is not notified.

    Policy: "Restrictions on properties can be added to the UCBR without notifying the owner
    of the property."
    """
    out = reg.ok(
        "officer",
        "property",
        "add",
        "--address",
        "5 Hazard Way, Witney",
        "--postcode",
        "OX28 5HW",
        "--risk",
        "hazardous_substances",
        "--guidance",
        "Do not enter the garage.",
        "--not-notified-reason",
        "Risk to staff only.",
    )
    prop = out.split(":")[0]
    reg.ok("mgr", "property", "approve", prop)
    target = tmp_path / "owner.md"
    message = refused(
        reg,
        "officer",
        "letter",
        prop,
        "--kind",
        "formal-warning",
        "--format",
        "md",
        "--out",
        str(target),
    )
    assert "no letter to the owner" in message
    assert not target.exists()


def test_data_cannot_become_template_code(reg: Reg, tmp_path: Path) -> None:
    """A name that looks like template code or HTML appears literally in the letter.

    Policy: "All details on UCBR are strictly confidential."
    """
    odd = "{{ 7*7 }} <script>x</script>"
    case_id, _ = on_register(reg, name=odd)
    md, html = tmp_path / "fw.md", tmp_path / "fw.html"
    issue(reg, case_id, "formal-warning", md)
    assert f"Dear {odd}," in md.read_text()
    issue(reg, case_id, "formal-warning", html, "html")
    page = html.read_text()
    assert "Dear {{ 7*7 }} &lt;script&gt;x&lt;/script&gt;," in page
    assert "<script>" not in page and "Dear 49" not in page


# --- FOI section 14 ---------------------------------------------------------------------------

REASONS = "Forty requests on one matter in a month; burden outweighs value, given the history."


def foi(reg: Reg, case_id: str, ref: str, received: str, decision: str) -> tuple[str, ...]:
    return (
        "foi",
        "record",
        case_id,
        "--request-ref",
        ref,
        "--received",
        received,
        "--decision",
        decision,
        "--reasons",
        REASONS,
    )


def test_foi_refusal_due_in_20_working_days(reg: Reg) -> None:
    """A section 14 refusal notice is due 20 working days after receipt, skipping weekends and
    bank holidays.

    Policy: "The Council may apply the principles of the Freedom of Information Act 2000
    Section 14 vexatious or repeated requests to enquiries where it can be shown they meet
    the same thresholds as detailed in the Information Commissioner's Office (ICO's) guidance."
    """
    case_id, _ = reg.new_case(name=NAME)
    reg.today = "2026-12-20"
    out = reg.ok("officer", *foi(reg, case_id, "FOI-2026-0142", "2026-12-14", "s14-1"))
    # 25 and 28 December 2026 and 1 January 2027 are bank holidays in England.
    assert "refusal notice due by 2027-01-14" in out
    [record] = shown(reg, case_id)["record"]["foi"]
    assert (record["decision"], record["due"]) == ("s14-1", "2027-01-14")


def test_foi_refusal_notice_is_in_review_due(reg: Reg, tmp_path: Path) -> None:
    """review-due lists a section 14 refusal notice until it is issued.

    Policy: "The Council may apply the principles of the Freedom of Information Act 2000
    Section 14 vexatious or repeated requests."
    """
    case_id, _ = reg.new_case(name=NAME)
    reg.today = "2026-12-20"
    reg.ok("officer", *foi(reg, case_id, "FOI-2026-0142", "2026-12-14", "s14-1"))
    result = reg.run("cron", "review-due", "--within", "30", "--json")
    items = [(i["id"], i["what"], i["due"]) for i in json.loads(result.out)["items"]]
    assert items == [(case_id, "FOI refusal notice", "2027-01-14")]
    assert result.code == 3
    issue(reg, case_id, "foi-refusal", tmp_path / "foi.md")
    assert reg.run("cron", "review-due", "--within", "30").code == 0


def test_s17_6_needs_earlier_s14_and_warning(reg: Reg) -> None:
    """s17(6), no further refusal notices, is refused without an earlier s14 decision and a
    warning, naming both; with them it is recorded.

    Policy: "Further information on Section 14 can be found on the ICO's website."
    """
    case_id, incident_id = reg.new_case(name=NAME)
    reg.today = "2026-12-20"
    message = refused(reg, "officer", *foi(reg, case_id, "FOI-2", "2026-12-18", "s17-6"))
    assert "earlier s14" in message and "warning" in message
    reg.ok("officer", *foi(reg, case_id, "FOI-1", "2026-12-14", "s14-1"))
    message = refused(reg, "officer", *foi(reg, case_id, "FOI-2", "2026-12-18", "s17-6"))
    assert "warning" in message and "earlier s14" not in message
    reg.ok("officer", "escalate", case_id, "--incident", incident_id, "--note", "Asked to stop.")
    reg.ok("officer", *foi(reg, case_id, "FOI-2", "2026-12-18", "s17-6"))
    assert [r["decision"] for r in shown(reg, case_id)["record"]["foi"]] == ["s14-1", "s17-6"]


def test_foi_refusal_letter_gives_ico_route(reg: Reg, tmp_path: Path) -> None:
    """The s14 refusal notice cites the section and gives the internal review and the ICO.

    Policy: "Further information on Section 14 can be found on the ICO's website."
    """
    case_id, _ = warned(reg, name=NAME)
    reg.today = "2026-12-20"
    reg.ok("officer", *foi(reg, case_id, "FOI-2026-0142", "2026-12-14", "s14-1"))
    out = tmp_path / "foi.md"
    issue(reg, case_id, "foi-refusal", out)
    text = flat(out.read_text())
    assert "FOI-2026-0142" in text and "internal review" in text
    assert "Information Commissioner's Office (ICO)" in text
    assert letters_of(reg, case_id)[-1]["kind"] == "foi-refusal"


def test_the_format_follows_the_name_of_the_file(reg: Reg, tmp_path: Path) -> None:
    """`--out x.md` writes Markdown without --format; a name and a format that disagree, or a
    name with neither, are refused and record nothing."""
    case_id, _ = on_register(reg, name=NAME)
    markdown = tmp_path / "fw.md"
    reg.ok("officer", "letter", case_id, "--kind", "formal-warning", "--out", str(markdown))
    assert not markdown.read_bytes().startswith(b"%PDF-") and NAME in markdown.read_text()
    both = refused(
        reg, "officer", "letter", case_id, "--kind", "formal-warning",
        "--format", "pdf", "--out", str(tmp_path / "fw2.md"),
    )  # fmt: skip
    assert "--out ends in .md but --format is pdf" in both
    neither = refused(
        reg, "officer", "letter", case_id, "--kind", "formal-warning",
        "--out", str(tmp_path / "fw.txt"),
    )  # fmt: skip
    assert ".pdf, .html or .md" in neither
    assert not (tmp_path / "fw2.md").exists() and not (tmp_path / "fw.txt").exists()
    assert len(letters_of(reg, case_id)) == 1
