"""`ucbr show` is read by a person: sections by heading, restrictions in words, nothing lost."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.regkit import Reg
from tests.test_cli_policy import on_register
from tests.test_cli_reviews import add_property
from ucbr.domain.model import Restriction
from ucbr.domain.words import describe_restriction

pytestmark = pytest.mark.e2e

ITEM_ID = re.compile(r"\b[CPIDRALF]-[0-9A-Z]{8}\b")
# Free text an officer typed: shown as typed (wrapped), never dropped.
FREE_TEXT = ("summary", "note", "considerations", "essential_services", "reasons", "guidance")


def flat(text: str) -> str:
    return " ".join(text.split())


def leaves(data: Any, key: str = "") -> list[tuple[str, Any]]:
    """Every (key, value) at the leaves of JSON data."""
    if isinstance(data, dict):
        return [pair for k, v in data.items() for pair in leaves(v, k)]
    if isinstance(data, list):
        return [pair for v in data for pair in leaves(v, key)]
    return [(key, data)]


def assert_nothing_lost(text: str, data: dict[str, Any]) -> None:
    """Every id, date and typed text of the JSON is in the words shown."""
    for key, value in leaves(data):
        if not isinstance(value, str):
            continue
        if key in FREE_TEXT or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            assert flat(value) in flat(text), (key, value)
        for found in ITEM_ID.findall(value):
            assert found in text, (key, found)


def test_an_officers_show_is_sections_in_words(reg: Reg, tmp_path: Path) -> None:
    """The entry as staff see it, what is due, then the record by heading: restrictions in
    words, every id, date and typed text present, and none of the raw YAML's empty lists."""
    case_id, _ = on_register(
        reg, "--only-channel", "email", "--contact-days", "mon,thu",
        "--contact-hours", "09:00-12:00", name="Winifred Showme",
    )  # fmt: skip
    reg.ok(
        "officer", "letter", case_id, "--kind", "formal-warning", "--out", str(tmp_path / "f.md")
    )
    text = reg.ok("officer", "show", case_id)
    data = json.loads(reg.ok("officer", "show", case_id, "--json"))

    headings = [f"{case_id}: what staff see before contact", f"{case_id}: what is due"]
    assert all(h in text for h in [*headings, f"{case_id}: the record"])
    assert "ON THE REGISTER" in text and "Mondays and Thursdays" in text
    for decision in data["record"]["decisions"]:
        for restriction in decision.get("restrictions", []):
            assert flat(describe_restriction(Restriction(**restriction))) in flat(text)
    assert "formal written warning with restrictions (step 3)" in text
    assert "approved by mgr on 2026-11-28" in text
    assert_nothing_lost(text, data)
    for raw in ("restrictions: []", "appeals: []", "on_register:", "template_sha256"):
        assert raw not in text


def test_a_property_show_is_in_words(reg: Reg) -> None:
    """A property risk: the risk and guidance in words, its decision and who proposed it."""
    property_id = add_property(reg)
    text = reg.ok("officer", "show", property_id)
    assert "dangerous animal" in text and "Attend in pairs; phone ahead." in text
    assert "proposed by officer on 2026-11-28" in text
    assert_nothing_lost(text, json.loads(reg.ok("officer", "show", property_id, "--json")))
