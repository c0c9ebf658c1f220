"""The insider's attacks on trust, each made black-box with what staff legitimately hold:
their own key, push access, the public tier keys, the environment.

Each test makes the attack with real git, real keys and real processes, then shows the
refusal, or the exit 6 from the next command and from `ucbr audit`.
"""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest

from tests.policy_helpers import registered_case
from tests.regkit import (
    INCIDENT_ARGS,
    Reg,
    email_of,
    hashed_policy,
    on_register,
    patched_env,
    write_key,
)
from tests.regkit import signed_commit as commit_by_hand
from ucbr.domain.views import sections_of
from ucbr.storage.store import Register
from ucbr.storage.vault import load_identity_file

pytestmark = pytest.mark.e2e


def trailers(reg: Reg, action: str, officer: str, *cases: str, day: str | None = None) -> str:
    """A commit message that looks exactly like one ucbr makes."""
    lines = [f"ucbr: {action} {cases[0] if cases else ''}".rstrip(), "", f"Ucbr-Action: {action}"]
    lines += [f"Ucbr-Case: {case}" for case in cases]
    lines += [f"Ucbr-Officer: {officer}", f"Ucbr-Policy: {hashed_policy(reg)}"]
    lines += [f"Ucbr-Date: {day or reg.today}"]
    return "\n".join(lines) + "\n"


def forge(
    reg: Reg, signer: str, message: str, files: dict[str, str], author: str | None = None
) -> str:
    """Write ``files`` and commit them by hand, signed with ``signer``'s own key; the commit's
    author is ``author`` (default: the signer). Returns the short commit id."""
    for path, text in files.items():
        (reg.root / path).parent.mkdir(parents=True, exist_ok=True)
        (reg.root / path).write_text(text)
    reg.git("add", "--", *files)
    return commit_by_hand(reg, signer, message, author=author)


def refused_after(reg: Reg, sha: str) -> None:
    """The next command that acts on the register refuses, naming the commit; so does audit."""
    acted = reg.run("officer", "list")
    assert acted.code == 6 and sha in acted.err and "cannot be trusted" in acted.err
    audited = reg.run("ig", "audit")
    assert audited.code == 6 and sha in audited.out


# --- 1. impersonation -------------------------------------------------------------------


def test_attack_impersonation_with_the_managers_email_is_refused(reg: Reg) -> None:
    """A case officer who sets their git e-mail to the manager's, using their own key, cannot
    approve: ucbr acts only with the git author's own key."""
    case = on_register(reg, approver="head")
    reg.ok("officer", "review", case, "--outcome", "vary", "--reasons", "Calmer.",
           "--only-channel", "email", "--considerations", "None.",
           "--essential-services", "By letter.", "--review-by", "2027-02-01")  # fmt: skip
    before = reg.state()
    result = reg.proc("officer", "approve", case, env={"GIT_AUTHOR_EMAIL": email_of("mgr")})
    assert result.code == 1 and "not the key of mgr" in result.err
    assert reg.state() == before


def test_attack_impersonation_by_hand_is_reported(reg: Reg) -> None:
    """The same approval made by hand, authored as the manager but signed with the officer's
    key, is refused by every later command and reported by the audit."""
    case = on_register(reg, approver="head")
    path = f"cases/{case}.yaml"
    text = (reg.root / path).read_text()
    sha = forge(reg, "officer", trailers(reg, "approve", "mgr", case), {path: text + "\n"}, "mgr")
    refused_after(reg, sha)
    audited = reg.run("ig", "audit").out
    assert "not with the author's signing key" in audited


# --- 2. forgery by frontline --------------------------------------------------------------


def _forged_case_text(reg: Reg) -> tuple[str, str]:
    """A whole case on the register, sealed with the public tier keys anyone can read."""
    case, _ = registered_case()
    with patched_env(reg.env("front")):
        register = Register.open(reg.root)
        text = register.render(case.id, sections_of(case, register.cfg), None)
    return case.id, text


def test_attack_frontline_forges_a_case_on_the_register(reg: Reg) -> None:
    """Frontline seals a whole on-register case with the public keys and commits it, signed,
    as an incident report: frontline's own lookup and the casework audit both refuse it."""
    case_id, text = _forged_case_text(reg)
    sha = forge(reg, "front", trailers(reg, "add-incident", "front", case_id),
                {f"cases/{case_id}.yaml": text})  # fmt: skip
    looked = reg.run("front", "lookup", "Alex Example")
    assert looked.code == 6 and "put someone on the register" in looked.err
    assert "ON THE REGISTER" not in looked.out
    refused_after(reg, sha)
    assert "which a add-incident does not change" in reg.run("ig", "audit").out


def test_attack_frontline_restores_an_older_revision(reg: Reg) -> None:
    """Frontline puts back a case's revision from before its restriction was approved."""
    case = on_register(reg)
    path = f"cases/{case}.yaml"
    older = reg.git("show", f"HEAD~1:{path}")
    sha = forge(reg, "front", trailers(reg, "add-incident", "front", case), {path: older})
    refused_after(reg, sha)
    assert "whose key cannot read records it changed" in reg.run("ig", "audit").out


def approval_written_in(reg: Reg) -> tuple[str, str]:
    """A case officer escalates a serious incident to a formal written warning (committed by
    ucbr), then writes the manager's approval into the record by hand: the case and the
    file's text with the forged approval, sealed as ucbr seals it."""
    case, incident = reg.new_case("officer", "--serious")
    reg.ok("officer", "escalate", case, "--incident", incident, "--to", "formal_written_warning",
           "--bypass", incident, "--bypass-reason", "Threatened the officer.",
           "--only-channel", "letter", "--considerations", "None.", "--essential-services",
           "By letter.", "--review-by", reg.after(48))  # fmt: skip
    with patched_env(reg.env("officer")):
        register = Register.open(reg.root)
        ring = register.keyring(load_identity_file(reg.keys["officer"]))
        loaded, record = register.load_case(case, ring)
        pending = record.decisions[-1]
        approved = pending.model_copy(update={"status": "approved", "approved_by": "mgr",
                                              "approved_on": pending.proposed_on})  # fmt: skip
        forged = record.model_copy(update={"decisions": (approved,)})
        return case, register.render(case, sections_of(forged, register.cfg), loaded)


def test_attack_an_officer_writes_an_approval_into_a_record(reg: Reg) -> None:
    """A case officer, under their own name and key, rolls a decision to approved by the
    manager: the record change is not what their action does."""
    case, text = approval_written_in(reg)
    sha = forge(reg, "officer", trailers(reg, "escalate", "officer", case),
                {f"cases/{case}.yaml": text})  # fmt: skip
    refused_after(reg, sha)
    assert "approved_by" in reg.run("ig", "audit").out


# --- 3. key grab -----------------------------------------------------------------------------


def test_attack_frontline_adds_its_key_to_an_officers_entry(reg: Reg) -> None:
    """Frontline appends its own key to a case officer's keys; the next staff add by a
    manager is refused, so the casework tier key is never wrapped to frontline's key."""
    staff_file = reg.root / ".ucbr" / "staff.yaml"
    front_key = reg.keys["front"].with_suffix(".txt.pub").read_text().strip()
    text = staff_file.read_text().replace(
        f"email: {email_of('officer')}\n  role: case_officer\n  recipients:\n",
        f"email: {email_of('officer')}\n  role: case_officer\n  recipients:\n  - {front_key}\n",
    )
    message = trailers(reg, "staff-add", "front") + "Ucbr-Staff: officer\n"
    sha = forge(reg, "front", message, {".ucbr/staff.yaml": text})
    tiers_before = (reg.root / ".ucbr" / "tiers" / "casework.age").read_text()
    key = write_key(reg.keys["front"].with_name("newbie.key"))
    add = ["staff", "add", "newbie", "--name", "New", "--email", email_of("newbie")]
    added = reg.run("mgr", *add, "--role", "case_officer", "--key", key)
    assert added.code in (1, 6)
    assert (reg.root / ".ucbr" / "tiers" / "casework.age").read_text() == tiers_before
    refused_after(reg, sha)


# --- 4. swapped recipients -----------------------------------------------------------------


def test_attack_a_swapped_recipients_file_is_never_sealed_to(reg: Reg) -> None:
    """The casework public key replaced in the working tree: new records are still sealed
    to the committed key, which the casework tier opens."""
    import pyrage

    stranger = pyrage.x25519.Identity.generate()
    path = reg.root / ".ucbr" / "recipients" / "casework.txt"
    path.write_text(f"# casework\n{stranger.to_public()}\n")
    case, _ = reg.new_case("officer")
    armored = (reg.root / f"cases/{case}.yaml").read_text()
    record = armored.split("record: |\n", 1)[1]
    body = "\n".join(line.strip() for line in record.splitlines()) + "\n"
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(body.encode(), [stranger])
    assert reg.ok("officer", "show", case, "--json")  # the casework tier still opens it


# --- 5. signing switched off ----------------------------------------------------------------


def test_attack_signing_switched_off_by_an_unsigned_commit(reg: Reg) -> None:
    """An unsigned commit that sets require_signed_commits to false is judged by the policy
    in force before it, which requires signatures: reported."""
    policy = reg.root / ".ucbr" / "policy.yaml"
    policy.write_text(policy.read_text().replace("require_signed_commits: true",
                                                 "require_signed_commits: false"))  # fmt: skip
    reg.git("add", ".ucbr/policy.yaml")
    message = trailers(reg, "settings", "mgr")
    env = {**os.environ, **reg.env("mgr")}
    import subprocess

    subprocess.run(["git", "commit", "-q", "--no-gpg-sign", "-F", "-"], cwd=reg.root,
                   input=message, text=True, env=env, check=True)  # fmt: skip
    sha = reg.git("rev-parse", "--short=7", "HEAD").strip()
    refused_after(reg, sha)
    assert "not signed" in reg.run("ig", "audit").out


def test_attack_a_new_signing_key_cannot_sign_the_commit_that_adds_it(
    reg: Reg, tmp_path: Path
) -> None:
    """An officer swaps their signing key for a new one and signs that change with it: the
    commit is judged by the key in force before it, and by the role that may change keys."""
    from tests.regkit import write_key

    new_key = tmp_path / "officer-new.key"
    public = write_key(new_key)
    staff_file = reg.root / ".ucbr" / "staff.yaml"
    old = reg.keys["officer"].with_suffix(".txt.pub").read_text().split()[1]
    text = staff_file.read_text().replace(old, public.split()[1])
    reg.keys["officer"] = new_key
    message = trailers(reg, "keys-rotate", "officer") + "Ucbr-Staff: officer\n"
    sha = forge(reg, "officer", message, {".ucbr/staff.yaml": text})
    audited = reg.run("ig", "audit")
    assert audited.code == 6 and sha in audited.out
    assert "not with the author's signing key" in audited.out
    assert "may not keys-rotate" in audited.out


# --- 7. backdating -----------------------------------------------------------------------------


def test_attack_a_moved_clock_cannot_delete_early(reg: Reg) -> None:
    """`retention --apply` with the policy clock moved years ahead deletes nothing."""
    case, _ = reg.new_case()
    before = reg.state()
    reg.today = "2031-01-01"
    result = reg.run("ig", "retention", "--apply")
    assert result.code == 1 and "clock is ahead" in result.err
    assert reg.state() == before and (reg.root / f"cases/{case}.yaml").exists()


def test_attack_a_backdated_review_is_undone(reg: Reg) -> None:
    """A review recorded with the policy clock moved back (so it counts as on time) is a
    commit whose policy date is not its own: undone at once, changing nothing."""
    case = on_register(reg)
    before = reg.state()
    result = reg.proc("officer", "review", case, "--outcome", "continue", "--reasons",
                      "No change.", env={"UCBR_TODAY": "2026-11-02"})  # fmt: skip
    assert result.code == 6 and "the clock was moved" in result.err
    assert reg.state() == before


def test_attack_a_backdated_author_date_is_undone(reg: Reg) -> None:
    """The author's date is the one `history` shows: set years back with GIT_AUTHOR_DATE
    (the policy clock and the committer's date honest), the change is undone at once."""
    case = on_register(reg)
    before = reg.state()
    result = reg.proc("officer", "add-incident", case, *INCIDENT_ARGS,
                      env={"GIT_AUTHOR_DATE": "2024-01-05T12:00:00+00:00"})  # fmt: skip
    assert result.code == 6 and "it was authored (2024-01-05): the clock was moved" in result.err
    assert reg.state() == before


# --- 9. a crash at the worst moment ------------------------------------------------------------


def _git_that_kills_its_caller(folder: Path) -> dict[str, str]:
    """A `git` on PATH that, asked to commit, kills the ucbr process that called it: the
    files are written, the commit never made."""
    folder.mkdir()
    real = next(p for p in os.environ["PATH"].split(os.pathsep) if (Path(p) / "git").is_file())
    shim = folder / "git"
    shim.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do [ "$a" = commit ] && kill -9 $PPID && exit 1; done\n'
        f'exec {real}/git "$@"\n'
    )
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def test_attack_sigkill_between_writing_and_committing_is_rolled_back(
    reg: Reg, tmp_path: Path
) -> None:
    """Killed (SIGKILL) after writing a case file and before committing it: the next command
    rolls the change back by itself, says so in one line, and works."""
    case, _ = reg.new_case()
    before = reg.state()
    with patched_env(_git_that_kills_its_caller(tmp_path / "bin")):
        killed = reg.proc("officer", "adjustments", case, "--add", "needs_interpreter")
    assert killed.code == -signal.SIGKILL
    assert reg.state() != before  # the working tree was left changed
    listed = reg.run("officer", "list")
    assert listed.code == 0 and "interrupted adjustment was rolled back" in listed.err
    assert reg.state() == before
    reg.ok("officer", "adjustments", case, "--add", "needs_interpreter")


def test_attack_sigkill_in_staff_remove_then_rerun_finishes(reg: Reg, tmp_path: Path) -> None:
    """Killed in the middle of `staff remove`: rolled back, and running it again finishes."""
    reg.new_case()
    with patched_env(_git_that_kills_its_caller(tmp_path / "bin")):
        killed = reg.proc("mgr", "staff", "remove", "officer2")
    assert killed.code == -signal.SIGKILL
    rerun = reg.run("mgr", "staff", "remove", "officer2")
    assert rerun.code == 0, rerun.err
    assert "officer2" not in (reg.root / ".ucbr" / "staff.yaml").read_text()
    assert reg.run("ig", "audit").code == 0
