"""The committed JSON Schemas are current, and a case survives encode and a strict read intact."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.regkit import Reg
from ucbr.domain.model import BEHAVIOURS, AdjustmentKind, Case, Channel, Location, OnlyChannel, Step
from ucbr.services.schemas import SCHEMAS
from ucbr.storage.files import encode
from ucbr.storage.yamlio import load_strict

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@pytest.mark.e2e
def test_committed_schemas_are_current(reg: Reg, tmp_path: Path) -> None:
    """`ucbr schema export` gives exactly the files committed in schemas/; stale ones fail."""
    out = tmp_path / "schemas"
    reg.ok("officer", "schema", "export", "--out", str(out))
    exported = {p.name: p.read_text() for p in sorted(out.glob("*.json"))}
    committed = {p.name: p.read_text() for p in sorted(SCHEMA_DIR.glob("*.json"))}
    assert sorted(exported) == sorted(committed), "run `make schemas` and commit schemas/"
    for name, text in exported.items():
        assert text == committed[name], f"schemas/{name} is stale: run `make schemas`"


def test_there_is_a_schema_for_every_section_model() -> None:
    """Each section model and each settings file has its schema file."""
    assert {f"{name}.schema.json" for name in SCHEMAS} == {
        p.name for p in SCHEMA_DIR.glob("*.json")
    }


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_each_schema_is_a_valid_json_schema(name: str) -> None:
    """Every committed schema is itself valid JSON Schema (draft 2020-12)."""
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text())
    try:
        import jsonschema  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - jsonschema is a dev dependency
        assert schema == SCHEMAS[name].model_json_schema(mode="validation")
        return
    jsonschema.Draft202012Validator.check_schema(schema)


# --- a random valid case survives encode -> strict read -> validate ---------------


def ids(prefix: str) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(CROCKFORD), min_size=8, max_size=8).map(
        lambda s: f"{prefix}-{s}"
    )


def stripped(max_size: int) -> st.SearchStrategy[str]:
    """Text as the models keep it: stripped, not empty, any character that shows as itself.

    Controls and format characters (ESC, bidirectional overrides) are refused by the models.
    """
    return (
        st.text(
            st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs")),
            min_size=1,
            max_size=max_size,
        )
        .map(str.strip)
        .filter(bool)
    )


short = stripped(40)
text = stripped(120)
staff_ids = st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,10}", fullmatch=True)
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
policy_hashes = st.from_regex(r"[0-9a-f]{12}", fullmatch=True)

persons = st.fixed_dictionaries(
    {"name": short},
    optional={
        "aliases": st.lists(short, max_size=2),
        "date_of_birth": dates,
        "address": short,
        "postcode": short,
        "emails": st.lists(short, max_size=2),
        "phones": st.lists(short, max_size=2),
    },
)


@st.composite
def incidents(draw: st.DrawFn) -> dict[str, object]:
    category = draw(st.sampled_from(["A", "B"]))
    return {
        "id": draw(ids("I")),
        "date": draw(dates),
        "channel": draw(st.sampled_from(get_args(Channel))),
        "location": draw(st.sampled_from(get_args(Location))),
        "category": category,
        "behaviours": draw(st.lists(st.sampled_from(BEHAVIOURS[category]), min_size=1, max_size=3)),
        "summary": draw(text),
        "serious": draw(st.booleans()),
        "reported_by": draw(staff_ids),
        "recorded_on": draw(dates),
        "by_representative": draw(st.none() | short),
        "service": draw(short),
    }


restrictions = st.one_of(
    st.builds(
        lambda c: {"kind": "single_channel", "channel": c}, st.sampled_from(get_args(OnlyChannel))
    ),
    st.builds(lambda e: {"kind": "designated_email", "email": e}, short),
    st.builds(
        lambda p, u: {"kind": "premises_ban", "premises": p, "until": u}, short, st.none() | dates
    ),
    st.builds(lambda t: {"kind": "no_further_responses", "topic": t}, short),
    st.builds(
        lambda d: {"kind": "contact_times", "days": d, "hours": "09:00-12:00"},
        st.lists(st.sampled_from(["mon", "tue", "wed", "thu", "fri"]), min_size=1, max_size=3),
    ),
)


@st.composite
def decisions(draw: st.DrawFn) -> dict[str, object]:
    return {
        "id": draw(ids("D")),
        "step": draw(st.sampled_from(get_args(Step))),
        "incidents": draw(st.lists(ids("I"), min_size=1, max_size=2)),
        "note": draw(st.none() | text),
        "considerations": draw(st.none() | text),
        "restrictions": draw(st.lists(restrictions, max_size=2)),
        "essential_services": draw(st.none() | text),
        "scope": draw(short),
        "review_by": draw(st.none() | dates),
        "proposed_by": draw(staff_ids),
        "proposed_on": draw(dates),
        "status": draw(st.sampled_from(["recorded", "proposed", "approved", "rejected"])),
        "policy": draw(policy_hashes),
    }


cases = st.builds(
    lambda id_, person, inc, dec, adj, opened: Case.model_validate(
        {"id": id_, "person": person, "incidents": inc, "decisions": dec, "adjustments": adj,
         "opened_on": opened}
    ),
    ids("C"),
    persons,
    st.lists(incidents(), max_size=3),
    st.lists(decisions(), max_size=2),
    st.lists(
        st.fixed_dictionaries(
            {"kind": st.sampled_from(get_args(AdjustmentKind)), "recorded_by": staff_ids,
             "recorded_on": dates},
            optional={"note": text},
        ),
        max_size=2,
    ),
    dates,
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases)
def test_a_case_round_trips_through_the_section_encoding(case: Case) -> None:
    """Any valid case, encoded as section YAML and read back strictly, is the same case."""
    plain = encode(case)
    assert Case.model_validate(load_strict(plain, "record")) == case
    assert encode(Case.model_validate(load_strict(plain, "record"))) == plain


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases)
def test_every_case_record_fits_the_committed_schema(case: Case) -> None:
    """Any valid case's record validates against schemas/case-record.schema.json."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SCHEMA_DIR / "case-record.schema.json").read_text())
    data = load_strict(encode(case), "record")
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(data)
