"""The first page of every kind of letter, as a PDF reader sees it, kept as golden text.

Each PDF was looked at as a picture (``pdftoppm -png -r 60``) when its golden text was
written: letterhead on one line, the address a part to a line, no heading left at the foot
of a page, the signature with a space to sign. A change to a template or a letter's facts
shows here as a diff to read. Rewrite them with ``UCBR_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.letter_fixtures import CASE_FOR, CFG, POLICY, STAFF, TODAY
from ucbr.domain.model import LetterKind
from ucbr.services.letters import render_letter

GOLDEN = Path(__file__).resolve().parent / "golden" / "letters"


def first_page(kind: LetterKind) -> str:
    """Page one of the kind's PDF, for a person with no adjustments, as its lines of text."""
    case = CASE_FOR[kind]().model_copy(update={"adjustments": ()})
    pdf = render_letter(case, kind, "pdf", CFG, POLICY, STAFF, TODAY).content
    reader = PdfReader(io.BytesIO(pdf))
    lines = [" ".join(line.split()) for line in reader.pages[0].extract_text().splitlines()]
    return "\n".join(line for line in lines if line) + "\n"


@pytest.mark.parametrize("kind", sorted(CASE_FOR))
def test_first_page_of_each_letter_is_as_approved(kind: LetterKind) -> None:
    """The first page of each letter kind reads as the golden text approved for it."""
    path = GOLDEN / f"{kind}.txt"
    text = first_page(kind)
    if os.environ.get("UCBR_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", sorted(CASE_FOR))
def test_no_page_ends_on_a_heading(kind: LetterKind) -> None:
    """No page of any letter ends with a section heading left alone at its foot."""
    case = CASE_FOR[kind]()
    pdf = render_letter(case, kind, "pdf", CFG, POLICY, STAFF, TODAY).content
    headings = {
        "How to appeal", "How long this lasts", "What happens next", "Your information",
        "Reaching essential services", "Reasonable adjustments we keep", "If you are unhappy",
        "What we are asking of you", "The behaviour we rely on", "Our decision",
    }  # fmt: skip
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        body = [line for line in lines if not line.startswith("Our reference")]
        assert body and body[-1] not in headings, body[-3:]
