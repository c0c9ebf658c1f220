"""What every letter carries however it is laid out: "Private and confidential" above the
address, the address to e-mail when contact is by e-mail only, and a case reference that
never breaks across lines."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.letter_fixtures import CASE_FOR, CFG, POLICY, STAFF, TODAY
from ucbr.domain.model import LetterKind, Restriction
from ucbr.services.letters import render_letter, unbroken

# A reference whose first character after the hyphen is a letter: a line may break there.
BREAKABLE = "C-ZTQVYBKM"


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("kind", sorted(CASE_FOR))
def test_every_letter_is_marked_private_and_confidential(kind: LetterKind) -> None:
    """Each kind of letter, in every format, says "Private and confidential" above the
    person's name."""
    case = CASE_FOR[kind]()
    for fmt in ("md", "html", "pdf"):
        content = render_letter(case, kind, fmt, CFG, POLICY, STAFF, TODAY).content  # type: ignore[arg-type]
        text = pdf_text(content) if fmt == "pdf" else content.decode()
        assert "Private and confidential" in text
        assert text.index("Private and confidential") < text.index(case.person.name)


def test_an_email_only_restriction_names_the_address_to_write_to() -> None:
    """Contact only by e-mail says where: the council's e-mail from its settings, unless the
    decision designates an address (which it names instead)."""
    case = CASE_FOR["formal-warning"]().model_copy(update={"adjustments": ()})
    decision = case.decisions[-1]
    only_email = (Restriction(kind="single_channel", channel="email"),)
    plain = case.model_copy(
        update={"decisions": (*case.decisions[:-1],
                              decision.model_copy(update={"restrictions": only_email}))}
    )  # fmt: skip
    cfg = CFG.model_copy(update={"council_email": "ucbr@example.gov.uk"})
    text = render_letter(plain, "formal-warning", "md", cfg, POLICY, STAFF, TODAY).content.decode()
    assert "Please contact us only by e-mail, at ucbr@example.gov.uk." in text
    designated = render_letter(case, "formal-warning", "md", cfg, POLICY, STAFF, TODAY)
    words = designated.content.decode()
    assert "Please contact us only by e-mail. We will not respond" in words
    assert "Please send e-mails only to ucb-contact@example.gov.uk." in words


@pytest.mark.parametrize("kind", sorted(CASE_FOR))
def test_the_case_reference_never_breaks_across_lines(kind: LetterKind) -> None:
    """In every letter, in normal and in large print, the reference is whole on its line
    wherever it falls, even where a line could break after its hyphen."""
    for large in (True, False):
        case = CASE_FOR[kind]().model_copy(update={"id": BREAKABLE})
        if not large:
            case = case.model_copy(update={"adjustments": ()})
        text = pdf_text(render_letter(case, kind, "pdf", CFG, POLICY, STAFF, TODAY).content)
        assert re.search(r"C-\s*\n", text) is None, kind
        assert BREAKABLE in text


def test_the_reference_is_kept_whole_only_in_the_body_text() -> None:
    """The reference is wrapped where it is text in the body, never inside a tag or the head."""
    html = (f'<html><head><title>{BREAKABLE}</title></head><body class="x">'
            f'<p data-ref="{BREAKABLE}">quoting {BREAKABLE}.</p></body></html>')  # fmt: skip
    kept = unbroken(html, BREAKABLE)
    assert f"<title>{BREAKABLE}</title>" in kept and f'data-ref="{BREAKABLE}"' in kept
    assert f'quoting <span style="white-space: nowrap">{BREAKABLE}</span>.' in kept
