"""Letters as issued: made again from the day they were issued and compared byte for byte."""

from __future__ import annotations

import os
import time

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
