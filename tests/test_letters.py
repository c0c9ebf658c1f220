"""Letters say what the ombudsman expects, from the case's own facts, and nothing else."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from tests.letter_fixtures import (
    APPEAL,
    CASE_FOR,
    CFG,
    COUNCIL,
    DECIDED_APPEAL,
    ESSENTIAL,
    FOI,
    FORMAL,
    INFORMAL,
    PERSON,
    POLICY,
    PRIVACY,
    PROPOSED_FORMAL,
    PROPOSED_REFUSED,
    REVIEW,
    SPOC_NAME,
    STAFF,
    SUMMARIES,
    TODAY,
    VERBAL,
    case,
)
from ucbr.domain.letters import LetterRefused, refuse_property_letter
from ucbr.domain.model import Case, LetterKind, Person
from ucbr.domain.words import long_date
from ucbr.services.letters import LetterTemplateError, RenderedLetter, render_letter

# Every letter carries these (the FOI refusal adds its own route in place of the appeal).
EVERY_LETTER = (
    COUNCIL,
    "Our reference: C-7F3K2QHM",
    "Date: 3 March 2026",
    "Alex Example 1 Demo Street Witney OX28 9ZZ",
    "Dear Alex Example,",
    "Reaching essential services",
    "needs large print",
    PRIVACY,
    "Please quote it when you contact us.",
)
BEHAVIOUR = (
    "5 January 2026, by telephone: aggressive or abusive behaviour (abusive, threatening language)",
)
BOTH_INCIDENTS = (
    *BEHAVIOUR,
    "20 January 2026, face to face at council premises: aggressive or abusive behaviour "
    "(physically aggressive)",
)
LGSCO = ("Local Government and Social Care Ombudsman (LGSCO)", "www.lgo.org.uk")
APPEAL_ROUTE = ("one month", "An officer who was not involved in the original decision")
# The fixture's restrictions allow e-mail only, to one address: the appeal goes there.
EMAIL_ROUTE = ("E-mail your appeal to ucb-contact@example.gov.uk, quoting reference C-7F3K2QHM.",)
COMPLAINT_ROUTE = (
    "so there is no appeal against it",
    "you can complain to us through our complaints procedure, quoting reference C-7F3K2QHM",
)
RESTRICTIONS = (
    "Please contact us only by e-mail.",
    "Please contact us only on Tuesdays and Thursdays, 10:00 to 12:00.",
    "Please send e-mails only to ucb-contact@example.gov.uk.",
    "You must not enter Elmfield reception until 31 July 2026.",
    f"All your contact with us goes to {SPOC_NAME}, your single point of contact: e-mail "
    f"{SPOC_NAME} at ucb-contact@example.gov.uk.",
    "These restrictions cover your contact with every council service. They apply from "
    "25 February 2026",
    ESSENTIAL,
)

REQUIRED: dict[str, tuple[str, ...]] = {
    "verbal-warning-note": (
        *BEHAVIOUR,
        *COMPLAINT_ROUTE,
        *LGSCO,
        "the verbal warning we gave you on 6 January 2026",
        "Asked to stop shouting.",
        "Please stop this behaviour.",
    ),
    "informal-warning": (
        *BOTH_INCIDENTS,
        *COMPLAINT_ROUTE,
        *LGSCO,
        "Informal written warning",
        "places no restrictions on how you contact us",
    ),
    "formal-warning": (
        *BOTH_INCIDENTS,
        *RESTRICTIONS,
        *APPEAL_ROUTE,
        *EMAIL_ROUTE,
        *LGSCO,
        "Formal written warning",
        "We gave you a verbal warning on 6 January 2026 and an informal written warning on "
        "1 February 2026. The behaviour continued after them.",
        "What happens next If the behaviour continues after this letter, we may refuse further "
        "contact and further responses",
        "We will review them by 25 August 2026",
        "within one month of the decision on 25 February 2026, that is by 25 March 2026",
        "The restrictions stay in place until the appeal is decided.",
    ),
    "contact-refused": (
        *BOTH_INCIDENTS,
        *RESTRICTIONS,
        *APPEAL_ROUTE,
        *EMAIL_ROUTE,
        *LGSCO,
        "we will refuse further contact and further responses",
        "We will not reply further about bin collections.",
        "We gave you a verbal warning on 6 January 2026, an informal written warning on "
        "1 February 2026 and a formal written warning on 25 February 2026.",
        "We will review them by 25 August 2026",
    ),
    "upcoming-review": (
        *BOTH_INCIDENTS,
        *RESTRICTIONS,
        *APPEAL_ROUTE,
        *LGSCO,
        "We will review the restrictions on how you contact us by 25 August 2026.",
    ),
    "review-outcome": (
        *BOTH_INCIDENTS,
        *RESTRICTIONS,
        *APPEAL_ROUTE,
        *LGSCO,
        "We reviewed the restrictions on how you contact us on 1 March 2026.",
        "The restrictions stay in place",
        f"Our reasons: {REVIEW.reasons}",
        "We will review them by 1 September 2026",
    ),
    "restriction-ended": (
        *BOTH_INCIDENTS,
        *LGSCO,
        "in place since 25 February 2026, ended on 1 March 2026",
        "You can now contact us in the usual ways",
    ),
    "appeal-acknowledgement": (
        *BOTH_INCIDENTS,
        *RESTRICTIONS,
        *LGSCO,
        "We received your appeal on 27 February 2026.",
        "An officer who was not involved in the original decision will consider it",
        "our register notes that your appeal is in progress",
    ),
    "appeal-outcome": (
        *BOTH_INCIDENTS,
        *RESTRICTIONS,
        *LGSCO,
        "decided it on 2 March 2026",
        "Your appeal has not succeeded.",
        f"Our reasons: {DECIDED_APPEAL.reasons}",
        "This is the end of our appeal process.",
    ),
    "foi-refusal": (
        "section 14(1) of the Freedom of Information Act 2000",
        "we consider it vexatious",
        f"Our reasons: {FOI.reasons}",
        "internal review",
        "within 40 working days",
        "Information Commissioner's Office (ICO)",
        "www.ico.org.uk",
        "FOI-2026-0042",
        "Essential services stay open by letter to the council offices.",
    ),
}
# The policy version is recorded with the letter, never printed in it: it means nothing to
# the reader.
NEVER = (*SUMMARIES, "spoc1", "manager1", "officer1", "head1", POLICY, "policy version")


def render(kind: LetterKind, fmt: str = "md", **kwargs: object) -> RenderedLetter:
    letter_case = kwargs.pop("case", None) or CASE_FOR[kind]()
    return render_letter(letter_case, kind, fmt, CFG, POLICY, STAFF, TODAY, **kwargs)  # type: ignore[arg-type]


def plain(text: str) -> str:
    """Text with any HTML tags dropped (inline spans without a space), entities decoded and
    whitespace collapsed."""
    inline = re.sub(r"</?span[^>]*>", "", text)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def assert_required_parts(text: str, kind: str) -> None:
    for part in (*EVERY_LETTER, *REQUIRED[kind]):
        assert " ".join(part.split()) in text, part
    for secret in NEVER:
        assert secret not in text, secret


def test_every_kind_has_golden_content() -> None:
    """Each letter kind the model names has a golden-content entry below."""
    assert set(REQUIRED) == set(get_args(LetterKind))


@pytest.mark.parametrize("kind", sorted(REQUIRED))
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_letter_golden_content(kind: LetterKind, fmt: str) -> None:
    """Each letter states every required part, and no internal narrative or staff id."""
    letter = render(kind, fmt)
    text = letter.content.decode()
    assert_required_parts(plain(text) if fmt == "html" else " ".join(text.split()), kind)


@pytest.mark.parametrize("kind", sorted(REQUIRED))
def test_every_letter_points_to_the_privacy_notice(kind: LetterKind) -> None:
    """Every letter gives the council's privacy notice, from its own settings.

    Policy: "A Privacy Notice is available on our website" and "Our privacy notice is a
    statement that transparently tells individuals what personal data the Council collects"
    """
    own = CFG.model_copy(update={"privacy_notice_url": "https://council.example/privacy/ucbr"})
    letter = render_letter(CASE_FOR[kind](), kind, "md", own, POLICY, STAFF, TODAY)
    assert "Our privacy notice explains how we use your information: " in letter.content.decode()
    assert "https://council.example/privacy/ucbr" in letter.content.decode()


def test_letter_records_what_it_is_about() -> None:
    """The rendered letter names its kind, format, subject and the hashes of its output."""
    letter = render("review-outcome")
    assert (letter.kind, letter.format, letter.about) == ("review-outcome", "md", REVIEW.id)
    assert letter.sha256 == hashlib.sha256(letter.content).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", letter.template_sha256)


def test_template_hash_depends_on_templates_not_data() -> None:
    """Two people's letters share the template hash; a different kind has its own."""
    other = case(person=Person(name="Bo Other"), decisions=(FORMAL,))
    first, second = render("formal-warning"), render("formal-warning", case=other)
    assert first.template_sha256 == second.template_sha256
    assert first.sha256 != second.sha256
    assert render("upcoming-review").template_sha256 != first.template_sha256


# --- the facts must be there --------------------------------------------------------

REFUSALS: list[tuple[LetterKind, Case, str]] = [
    ("verbal-warning-note", case(), "C-7F3K2QHM has no verbal warning recorded"),
    (
        "informal-warning",
        case(decisions=(VERBAL,)),
        "C-7F3K2QHM has no informal written warning recorded",
    ),
    (
        "formal-warning",
        case(decisions=(VERBAL, INFORMAL, PROPOSED_FORMAL)),
        "C-7F3K2QHM has no approved formal written warning: the letter waits for approval",
    ),
    (
        "contact-refused",
        case(decisions=(FORMAL, PROPOSED_REFUSED)),
        "C-7F3K2QHM has no approved decision to refuse contact: the letter waits for approval",
    ),
    (
        "upcoming-review",
        case(decisions=(PROPOSED_FORMAL,)),
        "C-7F3K2QHM has no restriction in force",
    ),
    ("review-outcome", case(decisions=(FORMAL,)), "C-7F3K2QHM has no review recorded"),
    (
        "restriction-ended",
        case(decisions=(FORMAL,)),
        "C-7F3K2QHM has no restriction lifted or overturned",
    ),
    ("appeal-acknowledgement", case(decisions=(FORMAL,)), "C-7F3K2QHM has no appeal recorded"),
    (
        "appeal-outcome",
        case(decisions=(FORMAL,), appeals=(APPEAL,)),
        "C-7F3K2QHM has no appeal decided",
    ),
    (
        "foi-refusal",
        case(foi=(FOI.model_copy(update={"decision": "answered"}),)),
        "C-7F3K2QHM has no section 14 refusal recorded",
    ),
]


@pytest.mark.parametrize(("kind", "facts", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_letter_refused_without_its_facts(kind: LetterKind, facts: Case, reason: str) -> None:
    """A letter whose facts are not in the case yet is refused with one line, no personal data."""
    with pytest.raises(LetterRefused) as refused:
        render(kind, case=facts)
    assert str(refused.value) == reason
    assert PERSON.name not in str(refused.value)


def test_review_outcome_not_sent_when_review_says_not_to_notify() -> None:
    """Policy: "Where it is appropriate, we will notify you"; a review marked not to is not sent."""
    quiet = REVIEW.model_copy(update={"notify": False, "no_notify_reason": "Risk of violence."})
    with pytest.raises(LetterRefused, match="R-00000001 is recorded as not to be notified"):
        render("review-outcome", case=case(decisions=(FORMAL,), reviews=(quiet,)))


def test_varied_review_waits_for_the_approved_variation() -> None:
    """A review that varies a restriction has no letter until the new restrictions are approved."""
    vary = REVIEW.model_copy(update={"outcome": "vary"})
    with pytest.raises(LetterRefused, match="the variation of D-00000003 after review"):
        render("review-outcome", case=case(decisions=(FORMAL,), reviews=(vary,)))


def test_letter_uses_the_latest_matching_decision() -> None:
    """Where several decisions match, the letter speaks of the last one in the record."""
    later = FORMAL.model_copy(update={"id": "D-00000009", "approved_on": dt.date(2026, 3, 1)})
    letter = render("formal-warning", case=case(decisions=(FORMAL, later)))
    assert letter.about == "D-00000009"
    assert "They apply from 1 March 2026" in letter.content.decode()


def test_single_point_of_contact_must_be_in_the_staff_directory() -> None:
    """A single point of contact missing from the staff directory cannot be named: refused."""
    absent = FORMAL.model_copy(
        update={"restrictions": (FORMAL.restrictions[-1].model_copy(update={"staff": "gone1"}),)}
    )
    with pytest.raises(LetterRefused, match="single point of contact gone1 is not in the staff"):
        render("formal-warning", case=case(decisions=(absent,)))


def test_review_date_is_the_registers_own() -> None:
    """A letter states the review date the register holds, and never invents one.

    Policy: "All restrictions will be reviewed on a six-monthly basis". One rule gives the
    date (``views.review_date``); a decision with none recorded cannot be put in a letter.
    """
    letter = render("formal-warning")
    assert f"We will review them by {long_date(FORMAL.review_by)}" in letter.content.decode()
    undated = FORMAL.model_copy(update={"review_by": None})
    with pytest.raises(LetterRefused, match="has no review date recorded"):
        render("formal-warning", case=case(decisions=(undated,)))


def test_late_letter_gives_a_fresh_appeal_window() -> None:
    """A decision letter sent after the appeal window gives a month to appeal from the letter."""
    text = render_letter(
        CASE_FOR["formal-warning"](),
        "formal-warning",
        "md",
        CFG,
        POLICY,
        STAFF,
        dt.date(2026, 4, 1),
    ).content.decode()
    assert "we will accept your appeal if it reaches us by 1 May 2026" in text


def test_reminder_after_the_window_says_it_has_ended() -> None:
    """A notice of review sent after the appeal window says it ended, and how to appeal late."""
    text = render_letter(
        CASE_FOR["upcoming-review"](),
        "upcoming-review",
        "md",
        CFG,
        POLICY,
        STAFF,
        dt.date(2026, 6, 1),
    ).content.decode()
    assert "ended on 25 March 2026. If you have good reasons for appealing late" in text


def test_appeal_outcome_names_lgsco() -> None:
    """Policy: "You have the right to appeal ..., including an external review by the LGSCO"."""
    for outcome in ("upheld", "overturned"):
        decided = DECIDED_APPEAL.model_copy(update={"outcome": outcome})
        letter = render("appeal-outcome", case=case(decisions=(FORMAL,), appeals=(decided,)))
        assert "Local Government and Social Care Ombudsman (LGSCO)" in letter.content.decode()


def test_appeal_entry_and_restrictions_remain_until_outcome() -> None:
    """Policy: "The UCBR entry and restrictions remain in place until the outcome of the appeal"."""
    text = render("appeal-acknowledgement").content.decode()
    assert "Until the appeal is decided, the decision and any restrictions stay in place" in text


def test_property_risk_owner_not_notified() -> None:
    """Policy: "Restrictions on properties can be added to the UCBR without notifying the owner"."""
    with pytest.raises(LetterRefused, match=r"^property risks get no letter to the owner$"):
        refuse_property_letter()


def test_unknown_kind_or_format_is_refused() -> None:
    """A kind or format of letter the register does not know is refused, not guessed at."""
    with pytest.raises(LetterRefused, match="no letter of kind thank-you"):
        render("thank-you", case=case())  # type: ignore[arg-type]
    with pytest.raises(LetterRefused, match="no letter format docx"):
        render("formal-warning", "docx")


# --- templates: data is never code -----------------------------------------------------


def named(name: str) -> Case:
    return case(person=Person(name=name), decisions=(VERBAL, INFORMAL, FORMAL))


def test_template_code_in_data_stays_literal() -> None:
    """A person named {{ 7*7 }} appears as written: data is never evaluated as a template."""
    for fmt in ("md", "html"):
        text = render("formal-warning", fmt, case=named("{{ 7*7 }} {% raw %}")).content.decode()
        assert "Dear {{ 7*7 }} {% raw %}," in text
        assert "49" not in text


def test_markup_in_data_is_escaped_in_html() -> None:
    """A person named <script> is escaped in HTML and appears literally in markdown."""
    evil = "<script>alert(1)</script>"
    page = render("formal-warning", "html", case=named(evil)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
    assert f"Dear {evil}," in render("formal-warning", case=named(evil)).content.decode()


NAMES = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s != "")


@settings(max_examples=40, deadline=None)
@given(name=NAMES)
def test_any_name_round_trips_into_the_letter(name: str) -> None:
    """Whatever a name holds, markdown shows it as written and HTML shows it escaped."""
    letter_case = named(name)
    assert f"Dear {name}," in render("formal-warning", case=letter_case).content.decode()
    page = render("formal-warning", "html", case=letter_case).content.decode()
    assert f"Dear {html.escape(name, quote=False)}," in page.replace("&#39;", "'").replace(
        "&#34;", '"'
    )


def write(name: str, source: str) -> dict[str, str]:
    """A council's committed override: the template's name and its source."""
    return {name: source}


def test_council_override_takes_precedence() -> None:
    """A template of the same name in the register's .ucbr/templates replaces the default."""
    source = "Letter for {{ reference }} from {{ council }}\n"
    overrides = write("formal-warning.md.j2", source)
    letter = render("formal-warning", overrides=overrides)
    assert letter.content.decode() == f"Letter for C-7F3K2QHM from {COUNCIL}\n"
    expected = hashlib.sha256(f"formal-warning.md.j2\0{source}\0".encode()).hexdigest()
    assert letter.template_sha256 == expected


def test_override_of_a_shared_part_keeps_the_rest() -> None:
    """Overriding one shared part changes that part only, and changes the template hash."""
    overrides = write("_access.md.j2", "Ring the contact centre.\n")
    letter = render("formal-warning", overrides=overrides)
    text = letter.content.decode()
    assert "Ring the contact centre." in text
    assert "Reaching essential services" not in text
    assert "Formal written warning" in text
    assert letter.template_sha256 != render("formal-warning").template_sha256


def test_missing_variable_names_template_and_variable() -> None:
    """A template using a variable the letter does not have fails in one line naming both."""
    overrides = write(
        "formal-warning.md.j2",
        '{% extends "_layout.md.j2" %}{% block body %}{{ shoe_size }}{% endblock %}',
    )
    with pytest.raises(LetterTemplateError) as error:
        render("formal-warning", overrides=overrides)
    assert str(error.value) == "template formal-warning.md.j2: 'shoe_size' is undefined"


def test_missing_variable_in_an_included_part_names_that_part() -> None:
    """When the missing variable is in an included part, the error names the part."""
    overrides = write("_access.html.j2", "<p>{{ person.shoe_size }}</p>")
    with pytest.raises(LetterTemplateError) as error:
        render("formal-warning", "html", overrides=overrides)
    expected = "template _access.html.j2: 'dict object' has no attribute 'shoe_size'"
    assert str(error.value) == expected


def test_sandbox_refuses_unsafe_template_code() -> None:
    """A council template cannot reach Python internals or change the letter's data."""
    for source in ("{{ reference.__class__.__mro__ }}", "{{ incidents.append(1) }}"):
        overrides = write("formal-warning.md.j2", source)
        with pytest.raises(
            LetterTemplateError, match=r"^template formal-warning\.md\.j2: .*unsafe"
        ):
            render("formal-warning", overrides=overrides)


def test_template_syntax_error_is_one_line() -> None:
    """A broken council template fails with its name and line number."""
    overrides = write("formal-warning.md.j2", "line one\n{% if %}\n")
    with pytest.raises(LetterTemplateError, match=r"^template formal-warning\.md\.j2 line 2: "):
        render("formal-warning", overrides=overrides)


# --- PDF, read back with real PDF readers ---------------------------------------------


def joined(text: str) -> str:
    """Text read out of a PDF, whitespace collapsed and words broken at a line end (after a
    hyphen or a slash: an e-mail address or a long address in large print) joined again."""
    return " ".join(re.sub(r"(?<=[-/])\n", "", text).split())


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return joined("\n".join(page.extract_text() for page in reader.pages))


def test_formal_warning_pdf_has_every_required_part() -> None:
    """The formal warning PDF, read back with pypdf, states every required part."""
    letter = render("formal-warning", "pdf")
    assert letter.content.startswith(b"%PDF-")
    assert letter.sha256 == hashlib.sha256(letter.content).hexdigest()
    assert_required_parts(pdf_text(letter.content), "formal-warning")


def test_markup_in_data_is_literal_in_pdf() -> None:
    """A person named <script> appears literally in the PDF text."""
    letter = render("formal-warning", "pdf", case=named("<script>alert(1)</script>"))
    assert "Dear <script>alert(1)</script>," in pdf_text(letter.content)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_appeal_outcome_pdf_read_by_pdftotext(tmp_path: Path) -> None:
    """The appeal outcome PDF, read back with poppler's pdftotext, states every required part
    (pdftotext drops the hyphen of a word broken at a line end, so hyphens are ignored)."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(render("appeal-outcome", "pdf").content)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    text = joined(out.stdout).replace("-", "")
    for part in (*EVERY_LETTER, *REQUIRED["appeal-outcome"]):
        assert " ".join(part.split()).replace("-", "") in text, part
