"""`ucbr history` and the textconv driver: git history read field by field."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.regkit import Reg, git_env, write_key

pytestmark = pytest.mark.e2e


def serious_case_approved(reg: Reg) -> tuple[str, str]:
    """A case whose formal written warning was proposed by officer and approved by mgr."""
    case, incident = reg.new_case("officer", "--serious")
    reg.ok(
        "officer",
        "escalate",
        case,
        "--incident",
        incident,
        "--to",
        "formal_written_warning",
        "--bypass",
        incident,
        "--bypass-reason",
        "Pushed a chair at staff.",
        "--considerations",
        "None known.",
        "--only-channel",
        "email",
        "--essential-services",
        "By letter to the council offices.",
        "--scope",
        "Housing",
        "--review-by",
        "2027-03-01",
    )
    reg.ok("mgr", "approve", case)
    return case, incident


def history(reg: Reg, staff_id: str, case: str) -> list[dict[str, Any]]:
    data = json.loads(reg.ok(staff_id, "history", case, "--json"))
    assert isinstance(data, list)
    return data


def test_history_gives_date_officer_role_action_approver_and_policy(reg: Reg) -> None:
    """Each change names its date, officer and role, action, approver and policy hash."""
    case, _ = serious_case_approved(reg)
    revisions = history(reg, "ig", case)
    assert [r["action"] for r in revisions] == ["add-incident", "escalate", "approve"]
    assert [(r["officer"], r["role"]) for r in revisions] == [
        ("officer", "case_officer"),
        ("officer", "case_officer"),
        ("mgr", "manager"),
    ]
    approval = revisions[2]
    assert approval["approver"] == "mgr" and str(approval["approves"]).startswith("D-")
    assert revisions[0]["approver"] is None
    assert {r["policy"] for r in revisions} == {
        reg.git("log", "-1", "--format=%(trailers:key=Ucbr-Policy,valueonly)").strip()
    }
    assert revisions[0]["date"] == reg.git("log", "-1", "--format=%as").strip()


def test_history_shows_what_changed_field_by_field(reg: Reg) -> None:
    """An approval shows the decision's status, approver and date changing, and nothing else."""
    case, _ = serious_case_approved(reg)
    approval = history(reg, "ig", case)[2]
    decision = approval["approves"]
    changes = {c["field"]: (c["old"], c["new"]) for c in approval["changes"]}
    assert approval["section"] == "record"
    assert changes == {
        f"decisions[{decision}].status": ("proposed", "approved"),
        f"decisions[{decision}].approved_by": (None, "mgr"),
        f"decisions[{decision}].approved_on": (None, "2026-11-28"),
    }


def test_history_without_the_casework_key_names_sections_only(reg: Reg) -> None:
    """A frontline key sees entry fields change, and only the names of sections it cannot read."""
    case, _ = serious_case_approved(reg)
    revisions = history(reg, "front", case)
    escalation, approval = revisions[1], revisions[2]
    assert escalation["section"] == "entry" and escalation["changes"] == []
    assert escalation["unreadable"] == ["record"]
    fields = {c["field"] for c in approval["changes"]}
    assert "on_register" in fields and "person.name" in fields
    assert "incidents" not in json.dumps(approval)


def test_history_text_is_a_readable_timeline(reg: Reg) -> None:
    """The text timeline has one line per change, then its fields indented beneath."""
    case, _ = serious_case_approved(reg)
    out = reg.ok("ig", "history", case)
    first = out.splitlines()[0]
    assert first.startswith("2026-") and "add-incident  by officer (case officer)  policy " in first
    assert 'record.person.name: (none) -> "•••"' in out
    assert "Alex Example" not in out
    assert "approve, approves D-" in out
    revealed = reg.ok("ig", "history", case, "--reveal")
    assert 'record.person.name: (none) -> "Alex Example"' in revealed


def test_history_of_an_unknown_id_is_refused(reg: Reg) -> None:
    """A case that has no history is refused with exit 1 and one line."""
    result = reg.run("ig", "history", "C-00000000")
    assert result.code == 1 and result.err.strip() == "ucbr: no history for C-00000000"


def test_textconv_masks_personal_data_unless_revealed(reg: Reg) -> None:
    """`ucbr git textconv` shows fields one a line, personal data masked unless --reveal."""
    case, incident = reg.new_case()
    path = str(reg.root / "cases" / f"{case}.yaml")
    masked = reg.ok("officer", "git", "textconv", path)
    assert f'  incidents[{incident}].summary: "•••"' in masked
    assert '  person.name: "•••"' in masked
    assert f'  incidents[{incident}].channel: "telephone"' in masked
    assert "Alex" not in masked and "Shouted" not in masked
    revealed = reg.ok("officer", "git", "textconv", path, "--reveal")
    assert '  person.name: "Alex Example"' in revealed


def test_textconv_shows_only_the_ids_without_a_key(reg: Reg) -> None:
    """Without a key, textconv prints only the kind and id; a frontline key adds its sections."""
    case, _ = reg.new_case()
    path = str(reg.root / "cases" / f"{case}.yaml")
    reg.keys.pop("cron")
    nothing = reg.ok("cron", "git", "textconv", path)
    assert (
        nothing
        == f"kind: case\nid: {case}\n# not readable with your key: schedule, entry, record\n"
    )
    front = reg.ok("front", "git", "textconv", path)
    assert "entry:" in front and "record:" not in front


def test_git_log_shows_decrypted_field_diffs_and_never_caches_them(reg: Reg) -> None:
    """`git log -p` uses the installed driver for a field-level diff; cachetextconv is never set."""
    case, _ = reg.new_case()
    reg.ok("officer", "adjustments", case, "--add", "needs_interpreter")
    env = {**os.environ, **reg.env("officer"), **git_env(reg.home)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    log = subprocess.run(
        ["git", "log", "-p", "-1"],
        cwd=reg.root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert '+  adjustments[needs_interpreter@2026-11-28].kind: "needs_interpreter"' in log
    assert "BEGIN AGE" not in log
    cached = subprocess.run(
        ["git", "config", "--get", "diff.ucbr.cachetextconv"], cwd=reg.root, env=env, check=False
    )
    assert cached.returncode == 1


def test_history_reads_revisions_sealed_with_tier_keys_since_rotated(reg: Reg) -> None:
    """After `keys rotate` renews the tier keys, old revisions open with the keys of their day."""
    case, incident = reg.new_case()
    new_key = reg.root.parent / "keys" / "officer-new.txt"
    recipient = write_key(new_key)
    reg.ok("mgr", "keys", "rotate", "officer", "--recipient", recipient)
    revisions = history(reg, "ig", case)
    assert [r["action"] for r in revisions] == ["add-incident", "keys-rotate"]
    first = {c["field"]: c["new"] for c in revisions[0]["changes"]}
    assert first[f"incidents[{incident}].summary"] == "•••"
    revealed = json.loads(reg.ok("ig", "history", case, "--json", "--reveal"))[0]["changes"]
    summaries = {c["field"]: c["new"] for c in revealed}
    assert summaries[f"incidents[{incident}].summary"] == "Shouted and swore at the officer."
    assert revisions[1]["changes"] == [] and revisions[1]["unreadable"] == []
    audited = reg.run("ig", "audit")
    assert audited.code == 0, audited.out
