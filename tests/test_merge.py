"""The merge driver: three-way merges of records by key, and `ucbr git merge` on real files."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.regkit import Reg
from ucbr.domain.ids import CROCKFORD
from ucbr.domain.model import Adjustment, Case, Incident, Person, PropertyDecision, PropertyRisk
from ucbr.services.merge import MergeConflict, merge_case, merge_property

DAY = dt.date(2026, 11, 1)


def incident(suffix: str, day: int = 1, summary: str = "Shouted at the counter.") -> Incident:
    return Incident(
        id=f"I-{suffix:0>8}",
        date=DAY + dt.timedelta(days=day),
        channel="telephone",
        location="council_premises",
        category="A",
        behaviours=("abusive",),
        summary=summary,
        reported_by="officer",
        recorded_on=DAY + dt.timedelta(days=day),
        service="Housing",
    )


BASE = Case(
    id="C-0000000C",
    person=Person(name="Alex Example", address="1 High Street"),
    incidents=(incident("1"), incident("2", 2)),
    opened_on=DAY,
)

ids = st.text(alphabet=CROCKFORD, min_size=8, max_size=8).filter(lambda s: not s.startswith("0"))
new_incidents = st.lists(
    st.builds(incident, ids, st.integers(0, 40)), max_size=3, unique_by=lambda i: i.id
)
adjustments = st.lists(
    st.builds(
        Adjustment,
        kind=st.sampled_from(["no_email", "needs_interpreter", "needs_large_print"]),
        recorded_by=st.just("officer"),
        recorded_on=st.dates(DAY, DAY + dt.timedelta(days=9)),
    ),
    max_size=2,
    unique_by=lambda a: (a.kind, a.recorded_on),
)


@st.composite
def edited(draw: st.DrawFn, base: Case = BASE) -> Case:
    """The base case after one officer's work: new incidents, adjustments, a changed detail."""
    person = base.person
    if draw(st.booleans()):
        person = person.model_copy(update={"phones": ("01632 960001",)})
    if draw(st.booleans()):
        person = person.model_copy(update={"postcode": "AB1 2CD"})
    return base.model_copy(
        update={
            "person": person,
            "incidents": base.incidents + tuple(draw(new_incidents)),
            "adjustments": tuple(draw(adjustments)),
        }
    )


@given(edited())
def test_merging_with_an_unchanged_side_gives_the_other_side(other: Case) -> None:
    """Merging a change with an untouched copy of the base gives that change, either way round."""
    assert merge_case(BASE, BASE, other) == other
    assert merge_case(BASE, other, BASE) == other


@settings(max_examples=60)
@given(edited(), edited())
def test_merging_is_symmetric_for_changes_that_do_not_conflict(ours: Case, theirs: Case) -> None:
    """Two officers' non-conflicting work merges the same whichever side is ours."""
    shared = {i.id for i in ours.incidents} & {i.id for i in theirs.incidents} - {
        i.id for i in BASE.incidents
    }
    shared_adjustments = {(a.kind, a.recorded_on) for a in ours.adjustments} & {
        (a.kind, a.recorded_on) for a in theirs.adjustments
    }
    try:
        merged = merge_case(BASE, ours, theirs)
    except MergeConflict:
        # Only the same new item made two different ways may conflict.
        assert shared or shared_adjustments
        with pytest.raises(MergeConflict):
            merge_case(BASE, theirs, ours)
        return
    assert merged == merge_case(BASE, theirs, ours)
    assert {i.id for i in merged.incidents} == {i.id for i in ours.incidents} | {
        i.id for i in theirs.incidents
    }


def test_a_field_changed_two_ways_is_a_conflict_naming_only_the_field() -> None:
    """The same field changed two ways is refused, naming the field but never its values."""
    ours = BASE.model_copy(
        update={"person": BASE.person.model_copy(update={"address": "2 Low Road"})}
    )
    theirs = BASE.model_copy(
        update={"person": BASE.person.model_copy(update={"address": "3 Mill Lane"})}
    )
    with pytest.raises(MergeConflict) as caught:
        merge_case(BASE, ours, theirs)
    assert str(caught.value) == "person.address was changed two ways"


def test_an_incident_edited_one_side_and_removed_the_other_conflicts() -> None:
    """An incident changed by one officer and removed by the other is a conflict."""
    changed = BASE.model_copy(
        update={"incidents": (incident("1", summary="Corrected."), BASE.incidents[1])}
    )
    removed = BASE.model_copy(update={"incidents": (BASE.incidents[1],)})
    with pytest.raises(MergeConflict, match=r"incidents\[I-00000001\]"):
        merge_case(BASE, changed, removed)


def test_incidents_added_on_both_sides_are_kept_in_date_order() -> None:
    """New incidents from both sides are all kept, after the base's, in the order they happened."""
    ours = BASE.model_copy(update={"incidents": (*BASE.incidents, incident("9", 20))})
    theirs = BASE.model_copy(update={"incidents": (*BASE.incidents, incident("5", 10))})
    merged = merge_case(BASE, ours, theirs)
    assert [i.id for i in merged.incidents] == [
        "I-00000001",
        "I-00000002",
        "I-00000005",
        "I-00000009",
    ]


def test_properties_merge_three_way_by_field() -> None:
    """Two officers changing different fields of a property risk both keep their change."""
    base = PropertyRisk(
        id="P-0000000P",
        address="4 Elm Close",
        postcode="AB1 2CD",
        risks=("dangerous_animal",),
        guidance="Ask for the dog to be secured.",
        not_notified_reason="Would put staff at risk.",
        decision=PropertyDecision(status="proposed", proposed_by="officer", proposed_on=DAY),
        policy="0123456789ab",
    )
    ours = base.model_copy(update={"guidance": "Visit in pairs."})
    theirs = base.model_copy(update={"uprn": "100012345678"})
    merged = merge_property(base, ours, theirs)
    assert merged.guidance == "Visit in pairs." and merged.uprn == "100012345678"
    with pytest.raises(MergeConflict, match=r"^guidance was changed two ways$"):
        merge_property(base, ours, base.model_copy(update={"guidance": "Do not visit."}))


# --- the driver on real files ---------------------------------------------------------------


def three_versions(
    reg: Reg, tmp: Path, theirs_args: list[str], ours_args: list[str]
) -> tuple[str, list[Path]]:
    """Base, ours and theirs of one case file, made by ucbr commands from the same base."""
    case, _ = reg.new_case()
    path = reg.root / "cases" / f"{case}.yaml"
    versions = [tmp / "base.yaml", tmp / "ours.yaml", tmp / "theirs.yaml"]
    shutil.copy(path, versions[0])
    for target, args in ((versions[2], theirs_args), (versions[1], ours_args)):
        reg.ok("officer", *[a.replace("CASE", case) for a in args])
        shutil.copy(path, target)
        reg.git("reset", "-q", "--hard", "HEAD~1")
    return case, versions


INCIDENT = [
    "add-incident",
    "CASE",
    "--date",
    "2026-11-0{}",
    "--channel",
    "email",
    "--location",
    "community",
    "--category",
    "B",
    "--behaviour",
    "repeated_contact",
    "--summary",
    "Emailed often.",
]


@pytest.mark.e2e
def test_merge_driver_merges_reencrypts_and_keeps_unchanged_ciphertext(
    reg: Reg, tmp_path: Path
) -> None:
    """`ucbr git merge O A B` writes both sides' incidents into A; unchanged sections stay."""
    theirs = [a.format(5) for a in INCIDENT]
    ours = [a.format(6) for a in INCIDENT]
    case, (base, ours_file, theirs_file) = three_versions(reg, tmp_path, theirs, ours)
    before = ours_file.read_text()
    result = reg.run("officer", "git", "merge", str(base), str(ours_file), str(theirs_file))
    assert result.code == 0, result.err
    merged = ours_file.read_text()
    assert "Emailed" not in merged and "<<<<<<<" not in merged
    shutil.copy(ours_file, reg.root / "cases" / f"{case}.yaml")
    shown = json.loads(reg.ok("officer", "show", case, "--json"))
    assert sorted(i["date"] for i in shown["record"]["incidents"]) == [
        "2026-11-01",
        "2026-11-05",
        "2026-11-06",
    ]
    # The schedule block (the header and first section) is unchanged, ciphertext and all.
    assert merged.split("  entry: |")[0] == before.split("  entry: |")[0]
    assert reg.ok("officer", "check") == ""


@pytest.mark.e2e
def test_merge_driver_conflict_leaves_ours_untouched(reg: Reg, tmp_path: Path) -> None:
    """A real conflict exits non-zero with one line, leaving A as ours: no markers, no plaintext."""
    escalate = ["escalate", "CASE", "--incident", "{}", "--note", "Told to stop."]
    case, _ = reg.new_case()
    incident_id = json.loads(reg.ok("officer", "show", case, "--json"))["record"]["incidents"][0][
        "id"
    ]
    path = reg.root / "cases" / f"{case}.yaml"
    base, ours_file, theirs_file = tmp_path / "o", tmp_path / "a", tmp_path / "b"
    shutil.copy(path, base)
    for target in (theirs_file, ours_file):
        reg.ok("officer", *[a.replace("CASE", case).format(incident_id) for a in escalate])
        shutil.copy(path, target)
        reg.git("reset", "-q", "--hard", "HEAD~1")
    before = ours_file.read_bytes()
    result = reg.run("officer", "git", "merge", str(base), str(ours_file), str(theirs_file))
    assert result.code == 1
    assert (
        result.err
        == f"ucbr: {case}: decisions: both sides added to it; take one at a time and sync between\n"
    )
    assert ours_file.read_bytes() == before
