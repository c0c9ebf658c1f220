"""A refusal points the reader somewhere they can go: a command their key may run, or the
people who can act, or, when there are none, whom to add."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.regkit import Reg
from ucbr.domain.permissions import WHO_MAY

PACKAGE = Path(__file__).resolve().parent.parent / "ucbr"
ANY_KEY = frozenset({"frontline", "case_officer", "manager", "head_of_service", "ig_officer",
                     "scheduler"})  # fmt: skip
CASEWORK = frozenset({"case_officer", "manager", "head_of_service", "ig_officer"})
# Who may run each command a message names (beyond the actions, the commands any key runs).
RUNS = {
    "add-incident": WHO_MAY["add-incident"], "review": WHO_MAY["review"],
    "approve": WHO_MAY["approve"], "property review": WHO_MAY["property-review"],
    "staff add": WHO_MAY["staff-add"], "server init": ANY_KEY, "clone": ANY_KEY,
    "init": ANY_KEY, "sync": ANY_KEY, "audit": ANY_KEY, "lookup": ANY_KEY, "show": ANY_KEY,
    "keys new": ANY_KEY, "property": ANY_KEY, "server": ANY_KEY, "import": WHO_MAY["import"],
    "letter": WHO_MAY["letter"], "history": WHO_MAY["evidence"], "revert": WHO_MAY["revert"],
    "keys": WHO_MAY["keys-rotate"], "staff": WHO_MAY["staff-remove"],
}  # fmt: skip
# Every message that names a command, by module and command: who reads it. A new message
# naming a command is added here, once someone has checked its reader may run it.
READERS = {
    ("services/sync.py", "server init"): ANY_KEY,
    ("services/sync.py", "clone"): ANY_KEY,
    ("services/reseal.py", "clone"): ANY_KEY,  # a fresh clone, to record the work again
    ("services/upstream.py", "sync"): ANY_KEY,  # every key syncs its own clone
    ("services/trust.py", "audit"): ANY_KEY,
    ("services/checks.py", "clone"): ANY_KEY,
    ("services/checks.py", "init"): ANY_KEY,
    ("storage/store.py", "staff add"): WHO_MAY["staff-add"],  # the founder, before any staff
    ("storage/store.py", "property"): ANY_KEY,
    ("storage/envelope.py", "audit"): ANY_KEY,
    ("services/audit/commits.py", "sync"): ANY_KEY,  # says what sync does, in the audit
    ("services/server.py", "server"): ANY_KEY,  # the hook's own comment
    ("domain/importing/sheet.py", "import"): WHO_MAY["import"],
    ("cli/register.py", "keys new"): ANY_KEY,
    ("cli/register.py", "staff add"): WHO_MAY["staff-add"],  # the founder
    ("cli/appeals.py", "approve"): WHO_MAY["appeal-decide"],  # told who else approves
    ("cli/lookup.py", "lookup"): ANY_KEY,
    ("cli/lookup.py", "show"): ANY_KEY,
    ("cli/staff.py", "audit"): WHO_MAY["staff-add"],
    ("cli/staff.py", "review"): WHO_MAY["review"],  # others are told to ask
    ("cli/cases.py", "review"): WHO_MAY["adjustment"],
    ("cli/server.py", "clone"): ANY_KEY,
    ("domain/policy/properties.py", "property review"): WHO_MAY["property-add"],
    ("domain/policy/approval.py", "staff add"): WHO_MAY["approve"],
    ("domain/policy/continuation.py", "staff add"): WHO_MAY["approve"],
    ("services/serverkey.py", "staff add"): WHO_MAY["staff-add"],  # whoever runs the server
    ("cli/trust.py", "keys new"): ANY_KEY,
    ("cli/trust.py", "sync"): ANY_KEY,
    ("services/revert.py", "audit"): WHO_MAY["revert"],
    ("services/revert.py", "keys"): WHO_MAY["revert"],
    ("services/revert.py", "staff"): WHO_MAY["revert"],
    ("services/trust.py", "revert"): WHO_MAY["revert"],  # it says: "an administrator's"
    ("cli/data.py", "history"): WHO_MAY["evidence"],  # evidence's help: the same readers
    ("services/evidence/__init__.py", "history"): WHO_MAY["evidence"],
    ("domain/policy/ladder.py", "letter"): WHO_MAY["escalate"],  # step 3 waits for it
    ("domain/policy/appeals.py", "staff add"): WHO_MAY["appeal-decide"],
    ("domain/policy/incidents.py", "add-incident"): CASEWORK,  # frontline are told to ask
}
_COMMAND = re.compile(r"`ucbr ((?:[a-z][a-z-]*)(?: (?:init|add|review|new))?)")


def named_commands() -> set[tuple[str, str]]:
    """(module, command) for every backticked `ucbr …` in a string that is not a docstring."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
            and node.body and isinstance(node.body[0], ast.Expr)
        }  # fmt: skip
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in docstrings:
                    continue
                for command in _COMMAND.findall(node.value):
                    found.add((str(path.relative_to(PACKAGE)), command))
    return found


def test_every_command_a_message_names_is_one_its_reader_may_run() -> None:
    """Each backticked command in a message is one every reader of that message may run."""
    named = named_commands()
    unreviewed = sorted(named - set(READERS))
    assert unreviewed == [], f"messages naming commands no one has checked: {unreviewed}"
    for (module, command), readers in READERS.items():
        assert readers <= RUNS[command], (module, command, sorted(readers - RUNS[command]))


@pytest.mark.e2e
def test_frontline_told_a_person_is_recorded_is_told_whom_to_ask(reg: Reg) -> None:
    """A frontline reporter cannot add an incident to an existing case (their key cannot read
    it), so the refusal names the case officers to ask, and no command they cannot run."""
    case, incident = reg.new_case("officer", "--serious", "--phone", "01993 123456")
    reg.ok("officer", "escalate", case, "--incident", incident, "--to", "formal_written_warning",
           "--bypass", incident, "--bypass-reason", "Threatened harm.", "--only-channel",
           "letter", "--considerations", "None known.", "--essential-services", "By letter.",
           "--review-by", "2027-01-15")  # fmt: skip
    reg.ok("mgr", "approve", case)
    result = reg.run(
        "front", "add-incident", "--new", "--name", "Someone Else", "--phone", "01993 123456",
        "--date", "2026-11-20", "--channel", "telephone", "--location", "community",
        "--category", "A", "--behaviour", "abusive", "--summary", "Shouted.",
    )  # fmt: skip
    assert result.code == 1
    assert f"likely the same person as {case} (same phone)" in result.err
    assert "ask a case officer (officer, officer2) to add the incident to that case" in result.err
    assert "`ucbr add-incident" not in result.err


@pytest.mark.e2e
def test_an_appeal_refusal_names_who_may_decide_it(reg: Reg) -> None:
    """The manager who approved the decision may not decide its appeal; the refusal names
    the uninvolved head of service who may."""
    from tests.regkit import on_register

    case = on_register(reg)
    reg.ok("officer", "appeal", "lodge", case, "--received", "2026-11-28")
    result = reg.run("mgr", "appeal", "decide", case, "--outcome", "upheld", "--reasons", "Fair.")
    assert result.code == 1
    assert result.err.rstrip().endswith("needs an officer not involved; it may be decided by one "
                                        "of: head")  # fmt: skip


@pytest.mark.e2e
def test_an_appeal_no_one_may_decide_says_whom_to_add(reg: Reg) -> None:
    """When every manager and head of service had a part in the decision, the refusal says
    no one may decide the appeal, and whom to add."""
    from tests.regkit import on_register

    case = on_register(reg, officer="mgr", approver="head")
    reg.ok("officer", "appeal", "lodge", case, "--received", "2026-11-28")
    result = reg.run("head", "appeal", "decide", case, "--outcome", "upheld", "--reasons", "Fair.")
    assert result.code == 1
    assert "no one in the staff directory may decide it" in result.err
    assert "add a head of service or a manager of another service (`ucbr staff add`)" in result.err
