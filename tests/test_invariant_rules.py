"""Each invariant of the register's own files, of imports and of what frontline can judge,
as a pure rule: what breaks it, what does not, and that only the change is blamed."""

from __future__ import annotations

import datetime as dt

from tests.policy_helpers import (
    CFG,
    STAFF,
    TODAY,
    ctx,
    proposed_case,
    proposed_property,
    registered_case,
    staff,
)
from ucbr.domain import policy
from ucbr.domain.invariants import (
    ACCESS,
    CASE,
    PROPERTY,
    PUBLISHED,
    REMOVALS,
    SETTINGS,
    Access,
    Facts,
    Published,
    Removal,
    every,
    introduced,
    record_problems,
)
from ucbr.domain.invariants import STAFF as STAFF_RULES
from ucbr.domain.staff import StaffDirectory
from ucbr.domain.views import sections_of

PUBLIC = {"scheduler": "age1s", "frontline": "age1f", "casework": "age1c"}


def facts(action: str | None = None, actor: str | None = None) -> Facts:
    return Facts(CFG, STAFF, action, staff(actor) if actor else None)


def keyed(directory: StaffDirectory, staff_id: str, key: str) -> StaffDirectory:
    """The directory with one member's key replaced."""
    return StaffDirectory(
        staff=[m.model_copy(update={"recipients": [key]}) if m.id == staff_id else m
               for m in directory.staff]
    )  # fmt: skip


def test_every_invariant_is_named_once_with_its_rule() -> None:
    """Names are unique across every registry, kebab-case, and each keeps a sentence."""
    names = [inv.name for inv in every()]
    assert len(names) == len(set(names))
    assert all(inv.rule.endswith(".") and inv.name == inv.name.lower() for inv in every())


def test_one_key_one_member() -> None:
    """A key listed for two members is named, once; the directory as it was is not blamed."""
    distinct = StaffDirectory(
        staff=[m.model_copy(update={"recipients": [f"age1{m.id}"]}) for m in STAFF.staff]
    )
    shared = keyed(distinct, "officer2", "age1manager")
    assert introduced(STAFF_RULES, None, distinct, facts()) == []
    assert introduced(STAFF_RULES, distinct, shared, facts("staff-add", "head")) == [
        "manager holds a key that is officer2's [one-key-one-member]"
    ]
    assert introduced(STAFF_RULES, shared, shared, facts("staff-add", "head")) == []


def test_no_own_key() -> None:
    """An administrator may rotate another's key, never their own, nor give theirs away."""
    base = StaffDirectory(
        staff=[m.model_copy(update={"recipients": [f"age1{m.id}"]}) for m in STAFF.staff]
    )
    mgr = base.by_id("manager")
    assert mgr is not None
    as_mgr = Facts(CFG, base, "keys-rotate", mgr)
    assert introduced(STAFF_RULES, base, keyed(base, "officer", "age1new"), as_mgr) == []
    assert "manager changed their own key [no-own-key]" in introduced(
        STAFF_RULES, base, keyed(base, "manager", "age1new"), as_mgr
    )
    given = introduced(STAFF_RULES, base, keyed(base, "officer", "age1manager"), as_mgr)
    assert "manager gave officer a key of their own [no-own-key]" in given


def test_leaver_loses_access() -> None:
    """A removal renews every tier key the leaver held; a frontline leaver, only theirs."""
    leaver = StaffDirectory(staff=[m for m in STAFF.staff if m.id != "officer2"])
    before = Access(STAFF, PUBLIC)
    kept = Access(leaver, PUBLIC)
    renewed = Access(leaver, {t: f"{k}2" for t, k in PUBLIC.items()})
    removal = facts("staff-remove", "manager")
    assert introduced(ACCESS, before, renewed, removal) == []
    [message] = introduced(ACCESS, before, kept, removal)
    assert "officer2 kept the scheduler, frontline, casework tier key(s)" in message
    no_front = Access(StaffDirectory(staff=[m for m in STAFF.staff if m.id != "front"]),
                      {**PUBLIC, "scheduler": "age1s2", "frontline": "age1f2"})  # fmt: skip
    assert introduced(ACCESS, before, no_front, removal) == []


def test_signing_stays_on() -> None:
    """Turning signed commits off is a problem; turning them on, or leaving them, is not."""
    off = CFG.model_copy(update={"require_signed_commits": False})
    assert introduced(SETTINGS, CFG, off, facts("settings", "manager")) == [
        "require_signed_commits was turned off [signing-stays-on]"
    ]
    assert introduced(SETTINGS, off, CFG, facts("settings", "manager")) == []


def test_retention_when_due() -> None:
    """A deletion by retention is judged by the record: on the register, never; before the
    period ends, never; after it, yes. A property risk is never deleted."""
    case, _ = registered_case()
    gone = facts("retention", "ig")
    [held] = introduced(REMOVALS, None, Removal(case.id, case, TODAY), gone)
    assert "kept whatever the date: on the register" in held
    quiet = case.model_copy(update={"decisions": ()})
    later = max(i.date for i in case.incidents) + dt.timedelta(days=365 * 6)
    assert introduced(REMOVALS, None, Removal(case.id, quiet, later), gone) == []
    [early] = introduced(REMOVALS, None, Removal(case.id, quiet, TODAY), gone)
    assert "before its retention ends" in early
    prop = proposed_property()
    assert "never deleted" in introduced(REMOVALS, None, Removal(prop.id, prop, later), gone)[0]


def test_an_import_attests_only_its_importer() -> None:
    """An imported decision approved by anyone but the importer is a claim nobody made;
    approved by the importer, it is their attestation; only imports are judged."""
    case, _ = registered_case()  # approved by "manager"

    def attests(action: str, who: str) -> list[str]:
        found = record_problems(None, case, facts(action, who))
        return [m for m in found if m.endswith("[import-attests-only-its-importer]")]

    assert attests("import", "head") == [
        f"the import records decision {case.decisions[-1].id} as decided by manager, not by "
        "its importer [import-attests-only-its-importer]"
    ]
    assert attests("import", "manager") == []
    assert attests("add-incident", "head") == []
    prop = policy.approve_property(proposed_property(), ctx("manager"))
    assert (
        "[import-attests-only-its-importer-property]"
        in record_problems(None, prop, facts("import", "head"))[0]
    )


def test_frontline_creates_nothing_on_the_register() -> None:
    """A new case on the register, or property risk in force, made by frontline is named;
    the same made by a casework officer is not (other rules judge it)."""
    case, _ = registered_case()
    assert (
        "front, whose key cannot read records, put someone on the register"
        in (record_problems(None, case, facts("add-incident", "front"))[0])
    )
    assert not [
        m for m in record_problems(None, case, facts("import", "manager"))
        if "frontline" in m
    ]  # fmt: skip
    prop = policy.approve_property(proposed_property(), ctx("manager"))
    assert [m for m in record_problems(None, prop, facts("add-incident", "front"))
            if "[frontline-creates-no-property-risk]" in m]  # fmt: skip
    assert not next(c for c in CASE if c.name.startswith("frontline")).messages(
        None, proposed_case()[0], facts("add-incident", "front")
    )
    assert [p.name for p in PROPERTY if p.name.startswith("frontline")]


def _published(record: object) -> Published:
    sections = sections_of(record, CFG)  # type: ignore[arg-type]
    return Published(sections["schedule"], sections["entry"])  # type: ignore[arg-type]


def test_what_frontline_can_judge_of_an_entry() -> None:
    """Sections that disagree, an entry put on the register by anything but an approval or
    an import, taken off by anything but a decision, or changed with its record unchanged."""
    proposed, _ = proposed_case()
    registered, _ = policy.approve(proposed, ctx("manager"))
    off, on = _published(proposed), _published(registered)
    assert introduced(PUBLISHED, off, on, facts("approve", "manager")) == []
    assert introduced(PUBLISHED, off, on, facts("review", "officer")) == [
        "a review put it on the register, which only an approval does [entry-changes-by-its-action]"
    ]
    assert introduced(PUBLISHED, on, off, facts("letter", "officer")) == [
        "a letter took it off the register, which no letter does [entry-changes-by-its-action]"
    ]
    unchanged_record = Published(off.schedule, off.entry, record_changed=False)
    assert (
        "[entry-follows-record]"
        in introduced(PUBLISHED, on, unchanged_record, facts("review", "officer"))[-1]
    )
    torn = Published(off.schedule, on.entry)
    assert introduced(PUBLISHED, None, torn, facts())[0].endswith("[sections-agree]")
    assert introduced(PUBLISHED, None, on, facts("add-incident", "front")) == [
        "a add-incident created a new file and put someone on the register "
        "[entry-changes-by-its-action]"
    ]
