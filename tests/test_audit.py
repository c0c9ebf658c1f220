"""`ucbr audit` and the tampering that `check` and `audit` must catch."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pyrage
import pytest

from tests.regkit import Reg

pytestmark = pytest.mark.e2e


def git_as(reg: Reg, staff_id: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in the register as a member of staff, as a hand edit would: with their own
    key signing what they commit (so only what the test breaks is reported)."""
    full = {**os.environ, **reg.env(staff_id), **(env or {})}
    signing = []
    if staff_id in reg.keys:
        key = reg.keys[staff_id]
        signing = [
            "-c",
            "gpg.format=ssh",
            "-c",
            f"user.signingkey={key}",
            "-c",
            "commit.gpgsign=true",
        ]
    proc = subprocess.run(
        ["git", *signing, *args], cwd=reg.root, capture_output=True, text=True, env=full, check=True
    )
    return proc.stdout


def hand_commit(reg: Reg, staff_id: str, message: str, *paths: str) -> str:
    """Commit ``paths`` with plain git, not ucbr; return the short commit id."""
    git_as(reg, staff_id, "add", "--", *paths)
    git_as(reg, staff_id, "commit", "-q", "-m", message, "--", *paths)
    return git_as(reg, staff_id, "rev-parse", "--short=7", "HEAD").strip()


def sections_of(path: Path) -> dict[str, str]:
    """The armored sections of a register file, by name (in the layout ucbr writes)."""
    found: dict[str, str] = {}
    for name, body in re.findall(r"^  (\w+): \|\n((?:    .*\n)+)", path.read_text(), re.M):
        found[name] = body
    return found


def replace_section(path: Path, name: str, body: str) -> None:
    old = sections_of(path)[name]
    path.write_text(path.read_text().replace(old, body))


def audit(reg: Reg, *args: str) -> tuple[int, dict[str, object]]:
    result = reg.run("ig", "audit", "--json", *args)
    return result.code, json.loads(result.out)


def problem_lines(report: dict[str, object]) -> list[str]:
    problems = report["problems"]
    assert isinstance(problems, list)
    return [f"{p['commit']} {p['path']}: {p['message']}" for p in problems]


def test_clean_history_audits_with_a_summary(reg: Reg) -> None:
    """A history made only by ucbr exits 0 with commits by action, officers and the period."""
    reg.new_case()
    result = reg.run("ig", "audit")
    assert result.code == 0, result.out
    assert "by action: add-incident 1, init 1, staff-add 7" in result.out
    assert "officers: - 1, mgr 7, officer 1" in result.out
    code, report = audit(reg)
    assert code == 0
    assert report["commits"] == 9
    assert report["signatures_verified"] == report["commits"] - 1  # every commit but init
    period = report["period"]
    assert isinstance(period, dict) and period["from"] and period["to"]
    assert report["problems"] == []


def test_audit_lists_every_access_change(reg: Reg) -> None:
    """Every change to the staff directory says who was given access to which tier, and by whom."""
    _, report = audit(reg)
    changes = report["access_changes"]
    assert isinstance(changes, list)
    added = {a for c in changes for a in c["added"]}
    assert "front (frontline, frontline tier)" in added
    assert "officer2 (case officer, casework tier)" in added
    front = next(c for c in changes if "front (frontline, frontline tier)" in c["added"])
    assert front["officer"] == "mgr" and front["tier_keys"] == ["scheduler", "frontline"]


def test_audit_since_reads_only_later_commits(reg: Reg) -> None:
    """`--since` limits the commits read to those made from that date."""
    code, report = audit(reg, "--since", "2099-12-31")
    assert code == 0 and report["commits"] == 0


def test_case_section_edited_by_hand(reg: Reg) -> None:
    """A case section edited by hand is caught by check (naming the file) and audit (the commit)."""
    case, _ = reg.new_case()
    path = reg.root / "cases" / f"{case}.yaml"
    body = sections_of(path)["record"]
    lines = body.splitlines(keepends=True)
    line = lines[3]
    lines[3] = line[:10] + ("A" if line[10] != "A" else "B") + line[11:]
    replace_section(path, "record", "".join(lines))
    sha = hand_commit(reg, "officer", "fix a typo", f"cases/{case}.yaml")
    checked = reg.run("officer", "check")
    assert checked.code == 6 and f"cases/{case}.yaml" in checked.out
    code, report = audit(reg)
    assert code == 6
    assert (
        f"{sha} cases/{case}.yaml: changed by hand: the commit has no ucbr trailers"
        in problem_lines(report)
    )


def test_section_swapped_from_another_case(reg: Reg) -> None:
    """A record section copied in from another case is caught by check and by audit."""
    case_a, _ = reg.new_case(name="Ann Example")
    case_b, _ = reg.new_case(name="Ben Example")
    path_a = reg.root / "cases" / f"{case_a}.yaml"
    replace_section(path_a, "record", sections_of(reg.root / "cases" / f"{case_b}.yaml")["record"])
    # Forged trailers: only the check, which decrypts, can see the swap itself.
    message = (
        f"ucbr: add-incident {case_a}\n\nUcbr-Action: add-incident\nUcbr-Case: {case_a}\n"
        f"Ucbr-Officer: officer\nUcbr-Policy: {policy_hash(reg)}\nUcbr-Date: {reg.today}\n"
    )
    hand_commit(reg, "officer", message, f"cases/{case_a}.yaml")
    checked = reg.run("officer", "check")
    assert checked.code == 6
    assert checked.out.startswith(f"cases/{case_a}.yaml: ")
    assert "belongs to another file" in checked.out
    # Done without forged trailers, the audit names the commit.
    replace_section(path_a, "entry", sections_of(reg.root / "cases" / f"{case_b}.yaml")["entry"])
    sha = hand_commit(reg, "officer", "swap", f"cases/{case_a}.yaml")
    code, report = audit(reg)
    assert code == 6 and any(
        line.startswith(f"{sha} cases/{case_a}.yaml") for line in problem_lines(report)
    )


def policy_hash(reg: Reg) -> str:
    from ucbr.domain.settings import policy_hash as hash_of

    return hash_of((reg.root / ".ucbr" / "policy.yaml").read_bytes())


def test_commit_by_someone_not_in_the_staff_directory(reg: Reg) -> None:
    """A commit whose author is not in the staff directory at that commit is caught by audit."""
    case, _ = reg.new_case()
    outsider = {"GIT_AUTHOR_NAME": "Mallory", "GIT_AUTHOR_EMAIL": "mallory@elsewhere.example"}
    git_as(reg, "officer", "commit", "-q", "--amend", "--no-edit", "--reset-author", env=outsider)
    sha = git_as(reg, "officer", "rev-parse", "--short=7", "HEAD").strip()
    code, report = audit(reg)
    assert code == 6
    assert problem_lines(report) == [
        f"{sha} cases/{case}.yaml: the author is not in the staff directory at this commit",
        f"{sha} cases/{case}.yaml: the commit is signed, but not with the author's signing key"
        " in the staff directory",
    ]
    assert "mallory" not in json.dumps(report).lower()


def test_recipients_file_changed_outside_ucbr(reg: Reg) -> None:
    """A recipients file changed by hand is caught by check (the file) and audit (the commit)."""
    path = reg.root / ".ucbr" / "recipients" / "casework.txt"
    path.write_text(f"# casework\n{pyrage.x25519.Identity.generate().to_public()}\n")
    sha = hand_commit(reg, "mgr", "rotate", ".ucbr/recipients/casework.txt")
    checked = reg.run("officer", "check")
    assert checked.code == 6
    assert (
        ".ucbr/recipients/casework.txt: the casework recipient is not the casework tier key"
        in checked.out
    )
    code, report = audit(reg)
    assert code == 6
    assert (
        f"{sha} .ucbr/recipients/casework.txt: changed by hand: the commit has no ucbr trailers"
        in problem_lines(report)
    )
    changes = report["access_changes"]
    assert isinstance(changes, list) and changes[-1]["recipients"] == ["casework"]


def test_unsigned_commit_when_signing_is_required(reg: Reg) -> None:
    """New registers require signed commits: an unsigned one is caught, signed ones verified."""
    case, _ = reg.new_case("officer")
    reg.ok("officer2", "adjustments", case, "--add", "needs_interpreter")
    git_as(reg, "officer2", "commit", "-q", "--amend", "--no-edit", "--no-gpg-sign")
    sha = git_as(reg, "officer2", "rev-parse", "--short=7", "HEAD").strip()
    code, report = audit(reg)
    assert code == 6
    assert problem_lines(report) == [
        f"{sha} cases/{case}.yaml: the commit is not signed,"
        " and .ucbr/policy.yaml requires signed commits"
    ]
    commits = report["commits"]
    assert isinstance(commits, int) and report["signatures_verified"] == commits - 2  # init too


def test_only_a_manager_or_head_of_service_approves(reg: Reg) -> None:
    """Audit: "only a manager or head of service approves" — a case officer's approval is caught."""
    case, _ = reg.new_case()
    message = (
        f"ucbr: approve {case}\n\nUcbr-Action: approve\nUcbr-Case: {case}\n"
        f"Ucbr-Officer: officer\nUcbr-Policy: {policy_hash(reg)}\nUcbr-Date: {reg.today}\n"
        "Ucbr-Approves: D-0000000A\n"
    )
    git_as(reg, "officer", "commit", "-q", "--amend", "-m", message)
    sha = git_as(reg, "officer", "rev-parse", "--short=7", "HEAD").strip()
    code, report = audit(reg)
    assert code == 6
    assert problem_lines(report) == [
        f"{sha} cases/{case}.yaml: officer is a case officer, who may not approve",
        # The message no longer carries the commitment to the record the commit stored.
        f"{sha} cases/{case}.yaml: changed {case} without the Ucbr-Record trailer that commits"
        " to it",
        # The record it holds is not an approval either: a new case, which approve never makes.
        f"{sha} cases/{case}.yaml: a approve cannot create a case record",
    ]


def test_trailers_must_be_well_formed_and_hold_no_narrative(reg: Reg) -> None:
    """A trailer holding words, a wrong policy hash and a missing officer are each reported."""
    case, incident = reg.new_case()
    message = (
        f"ucbr: add-incident {case}\n\nUcbr-Action: add-incident\nUcbr-Case: {case}\n"
        f"Ucbr-Policy: 000000000000\nUcbr-Date: {reg.today}\nUcbr-Note: shouted at the counter\n"
    )
    git_as(reg, "officer", "commit", "-q", "--amend", "-m", message)
    _, report = audit(reg)
    messages = {line.split(": ", 1)[1] for line in problem_lines(report)}
    assert messages == {
        "has 0 Ucbr-Officer trailers; exactly one is needed",
        "Ucbr-Policy is not the hash of .ucbr/policy.yaml",
        "the Ucbr-Note trailer holds more than an id",
        # With no officer named, the incident's reporter is not the commit's officer.
        f"incidents[{incident}].reported_by names officer, but the commit is by ",
        # The message written by hand no longer commits to the record it stored.
        f"changed {case} without the Ucbr-Record trailer that commits to it",
    }


def test_plaintext_anywhere_in_history_is_reported(reg: Reg) -> None:
    """Personal data outside an age section, even in a file later deleted, names its commit."""
    plain = reg.root / "cases" / "C-00000000.yaml"
    plain.parent.mkdir(exist_ok=True)
    plain.write_text("ucbr: 1\nkind: case\nid: C-00000000\nperson:\n  name: Jane Example\n")
    notes = reg.root / "notes.txt"
    notes.write_text("name: Jane Example\naddress: 1 High Street\n")
    sha = hand_commit(reg, "officer", "notes", "cases/C-00000000.yaml", "notes.txt")
    git_as(reg, "officer", "rm", "-q", "cases/C-00000000.yaml", "notes.txt")
    git_as(reg, "officer", "commit", "-q", "-m", "oops")
    code, report = audit(reg)
    lines = problem_lines(report)
    assert code == 6
    assert f"{sha} notes.txt: holds personal-data-shaped fields outside an age section" in lines
    assert any(line.startswith(f"{sha} cases/C-00000000.yaml: is not sealed") for line in lines)
    assert "Jane" not in json.dumps(report)


def test_audit_text_names_the_commit_and_exits_6(reg: Reg) -> None:
    """Without --json, each problem is one line starting with the commit, and the exit is 6."""
    (reg.root / ".ucbr" / "recipients" / "scheduler.txt").write_text("Jane Example\n")
    sha = hand_commit(reg, "mgr", "edit", ".ucbr/recipients/scheduler.txt")
    result = reg.run("ig", "audit")
    assert result.code == 6
    assert (
        f"{sha} .ucbr/recipients/scheduler.txt:"
        " holds something other than comments and age public keys" in result.out
    )
