"""Each record invariant, end to end: a record breaking it is refused on write, flagged by
`check` (a rule about the record as it stands) and reported by `ucbr audit`.

The broken records are the breakers' (``tests/invariant_breakers.py``): a sound record from
the policy with one rule broken. The write path is ``casework.save``, which every command
that writes a record goes through; `check` and the audit read what an insider committed by
hand, signed with their own key.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from tests.invariant_breakers import ACTORS, BREAKERS
from tests.regkit import Reg, copy, patched_env
from tests.trust.test_attacks import forge, trailers
from ucbr.domain import invariants
from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.views import sections_of
from ucbr.errors import Refused
from ucbr.services import casework
from ucbr.services.session import Session
from ucbr.storage.envelope import relpath
from ucbr.storage.store import Register
from ucbr.storage.vault import load_identity_file

pytestmark = pytest.mark.e2e

# The breakers' staff, as the test register names them.
STAFF_IDS = {
    "manager": "mgr",
    "manager2": "head",
    "head": "head",
    "head2": "head",
    "front": "front",
}


def remapped(record: Case | PropertyRisk) -> Case | PropertyRisk:
    """A breaker's record with its staff named as the test register names them."""
    text = record.model_dump_json()
    for theirs, ours in STAFF_IDS.items():
        text = text.replace(f'"{theirs}"', f'"{ours}"')
    return type(record).model_validate_json(text)


def broken_record(name: str) -> tuple[Case | PropertyRisk, str, str]:
    """The record breaking invariant ``name``, the action that writes it, and who does."""
    _before, after, action = BREAKERS[name]()
    return remapped(after), action, STAFF_IDS[ACTORS.get(name, "manager")]


# Rules about a change (who made it, by which action): `check` judges records as they stand.
CHANGE_RULES = frozenset(
    inv.name
    for inv in (*invariants.CASE, *invariants.PROPERTY)
    if inv.name.startswith(("import-", "only-imports", "frontline-creates"))
)


@pytest.fixture(scope="module")
def broken(template_register: Reg, tmp_path_factory: pytest.TempPathFactory) -> Reg:
    """A register holding one broken record per invariant, each committed by hand as the
    action its breaker names, by its actor, signed with their own key."""
    reg = copy(template_register, tmp_path_factory.mktemp("broken") / "r")
    groups: dict[tuple[str, str], list[Case | PropertyRisk]] = defaultdict(list)
    for name in BREAKERS:
        after, action, who = broken_record(name)
        groups[(action, who)].append(after)
    for (action, who), records in groups.items():
        with patched_env(reg.env(who)):
            register = Register.open(reg.root)
            files = {
                relpath(r.id): register.render(r.id, sections_of(r, register.cfg), None)
                for r in records
            }
        forge(reg, who, trailers(reg, action, who, *(r.id for r in records)), files)
    return reg


def _session(reg: Reg, who: str) -> Session:
    register = Register.open(reg.root)
    actor = register.staff.by_id(who)
    assert actor is not None
    ring = register.keyring(load_identity_file(reg.keys[who]))
    return Session(register, ring, actor, dt.date.fromisoformat(reg.today))


@pytest.mark.parametrize("name", sorted(BREAKERS))
def test_a_record_breaking_an_invariant_is_refused_on_write(
    template_register: Reg, tmp_path: Path, name: str
) -> None:
    """The write path judges the record it is about to commit: a break refuses the command,
    naming the invariant, and nothing is written."""
    reg = copy(template_register, tmp_path / "r")
    after, action, who = broken_record(name)
    before = reg.state()
    with patched_env(reg.env(who)), pytest.raises(Refused, match=rf"\[{name}\]"):
        casework.save(_session(reg, who), after, None, action)  # type: ignore[arg-type]
    assert reg.state() == before


def test_check_flags_every_rule_a_record_breaks_as_it_stands(broken: Reg) -> None:
    """`check` runs the same registry on every record: each broken record's rule is named
    (exit 5 or 6), but for the rules about who made a change, which only history shows."""
    checked = broken.run("ig", "check")
    assert checked.code in (5, 6)
    missing = [n for n in BREAKERS if n not in CHANGE_RULES and f"[{n}]" not in checked.out]
    assert missing == [], checked.out


def test_the_audit_reports_every_invariant_a_commit_broke(broken: Reg) -> None:
    """`ucbr audit` judges each commit against its parent with the same registry: every
    invariant the hand-made commits broke is reported, naming commit and file (exit 6)."""
    audited = broken.run("ig", "audit")
    assert audited.code == 6
    missing = [n for n in BREAKERS if f"[{n}]" not in audited.out]
    assert missing == [], audited.out
