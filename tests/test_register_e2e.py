"""The register end to end: init, staff, ids, one commit per command, and check."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

import ucbr.domain.ids
from tests.regkit import Reg, Result, actor_env, email_of, git_env, patched_env, write_key
from tests.test_cli_policy import continued
from ucbr.cli import main
from ucbr.domain.settings import policy_hash
from ucbr.storage.yamlio import load_strict

pytestmark = pytest.mark.e2e

INCIDENT = (
    "--date", "2026-11-01", "--channel", "telephone", "--location", "council_premises",
    "--category", "A", "--behaviour", "abusive", "--summary", "Shouted at the officer.",
)  # fmt: skip
RESTRICTION = (
    "--only-channel", "email", "--considerations", "No protected characteristics known.",
    "--essential-services", "By letter to the council offices.", "--review-by", "2027-05-01",
)  # fmt: skip
CASE_ID = re.compile(r"^C-[0-9A-HJKMNP-TV-Z]{8}$")
INCIDENT_ID = re.compile(r"^I-[0-9A-HJKMNP-TV-Z]{8}$")


def run_as(home: Path, email_id: str, *args: str) -> Result:
    """Run ucbr in-process with an isolated git, as an author who may not be staff yet."""
    out, err = io.StringIO(), io.StringIO()
    with (
        patched_env({**git_env(home), **actor_env(email_id)}),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        code = main(list(args))
    return Result(code, out.getvalue(), err.getvalue())


def git_in(home: Path, root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **git_env(home)},
    ).stdout


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "gitconfig").write_text("")
    return folder


def trailers(reg: Reg, rev: str = "HEAD") -> dict[str, list[str]]:
    """The Ucbr-* trailers of one commit, as git itself parses them."""
    raw = reg.git("log", "-1", "--format=%(trailers:only,unfold)", rev)
    found: dict[str, list[str]] = {}
    for line in raw.splitlines():
        if ": " in line:
            key, value = line.split(": ", 1)
            found.setdefault(key, []).append(value)
    return found


def changed_paths(reg: Reg, rev: str = "HEAD") -> list[str]:
    return reg.git("show", "--format=", "--name-only", rev).split()


def commit_count(reg: Reg) -> int:
    return int(reg.git("rev-list", "--count", "HEAD"))


# --- init ---------------------------------------------------------------------------


def test_init_creates_the_register_in_one_commit(home: Path, tmp_path: Path) -> None:
    """`ucbr init` makes policy, staff, recipients, .gitattributes and drivers, in one commit."""
    root = tmp_path / "new-register"
    result = run_as(
        home, "mgr", "init", str(root), "--council", "Exampleshire District Council",
        "--privacy-url", "https://exampleshire.example/privacy",
    )  # fmt: skip
    assert result.code == 0, result.err
    policy = load_strict((root / ".ucbr/policy.yaml").read_bytes())
    assert policy["review_interval_months"] == 6
    assert policy["appeal_window_months"] == 1
    assert policy["council"] == "Exampleshire District Council"
    assert policy["privacy_notice_url"] == "https://exampleshire.example/privacy"
    assert load_strict((root / ".ucbr/staff.yaml").read_bytes()) == {"staff": []}
    attributes = (root / ".gitattributes").read_text()
    assert "cases/*.yaml diff=ucbr merge=ucbr" in attributes
    assert "properties/*.yaml diff=ucbr merge=ucbr" in attributes
    config = git_in(home, root, "config", "--local", "--list")
    assert "diff.ucbr.textconv=" in config
    assert "merge.ucbr.driver=" in config
    assert git_in(home, root, "rev-list", "--count", "HEAD").strip() == "1"
    tracked = set(git_in(home, root, "ls-tree", "-r", "--name-only", "HEAD").split())
    expected = {
        ".ucbr/policy.yaml",
        ".ucbr/staff.yaml",
        ".gitattributes",
        *(f".ucbr/recipients/{tier}.txt" for tier in ("scheduler", "frontline", "casework")),
    }
    assert expected <= tracked
    assert git_in(home, root, "status", "--porcelain", "--untracked-files=all") == ""
    message = git_in(home, root, "log", "-1", "--format=%B")
    assert "Ucbr-Action: init" in message
    assert f"Ucbr-Policy: {policy_hash((root / '.ucbr/policy.yaml').read_bytes())}" in message


def test_init_refuses_a_folder_that_is_not_empty(home: Path, tmp_path: Path) -> None:
    """`ucbr init` into a folder that already holds files is refused and touches nothing."""
    root = tmp_path / "busy"
    root.mkdir()
    (root / "notes.txt").write_text("someone's notes\n")
    result = run_as(home, "mgr", "init", str(root), "--council", "Exampleshire")
    assert result.code == 1
    assert len(result.err.splitlines()) == 1
    assert sorted(p.name for p in root.iterdir()) == ["notes.txt"]


def test_init_refuses_an_existing_register(reg: Reg) -> None:
    """`ucbr init` on a register that exists already is refused and changes nothing."""
    before = reg.state()
    result = reg.run("mgr", "init", str(reg.root), "--council", "Another Council")
    assert result.code == 1
    assert len(result.err.splitlines()) == 1
    assert reg.state() == before


# --- staff ------------------------------------------------------------------------


def test_first_staff_member_must_administer_staff(home: Path, tmp_path: Path) -> None:
    """The first member adds themselves, with their own key, and must be an administrator."""
    root = tmp_path / "reg"
    assert run_as(home, "morgan", "init", str(root), "--council", "Exampleshire").code == 0
    head_before = git_in(home, root, "rev-parse", "HEAD")
    olive, morgan = tmp_path / "olive.key", tmp_path / "morgan.key"
    add = ["--register", str(root), "staff", "add"]
    refused = run_as(
        home, "olive", "--identity", str(olive), *add, "olive", "--name", "Olive",
        "--email", email_of("olive"), "--role", "case_officer", "--key", write_key(olive),
    )  # fmt: skip
    assert refused.code == 1
    assert len(refused.err.splitlines()) == 1
    assert git_in(home, root, "rev-parse", "HEAD") == head_before
    key = write_key(morgan)
    someone_else = run_as(
        home, "olive", "--identity", str(olive), *add, "morgan", "--name", "Morgan",
        "--email", email_of("morgan"), "--role", "manager", "--key", key,
    )  # fmt: skip
    assert someone_else.code == 1 and "not the key of morgan" in someone_else.err
    added = run_as(
        home, "morgan", "--identity", str(morgan), *add, "morgan", "--name", "Morgan",
        "--email", email_of("morgan"), "--role", "manager", "--key", key,
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "root of trust" in added.out
    assert git_in(home, root, "rev-list", "--count", "HEAD").strip() == "2"
    assert git_in(home, root, "config", "ucbr.root").strip() == key
    for tier in ("scheduler", "frontline", "casework"):
        assert (root / f".ucbr/tiers/{tier}.age").is_file()
        text = (root / f".ucbr/recipients/{tier}.txt").read_text()
        assert re.search(r"^age1[0-9a-z]+$", text, re.M)


@pytest.mark.parametrize("who", ["officer", "front", "cron"])
def test_only_staff_administrators_add_staff(reg: Reg, who: str, tmp_path: Path) -> None:
    """After the first member, a case officer, frontline or scheduler adding staff is refused."""
    recipient = reg.ok(
        "mgr", "keys", "new", "--no-passphrase", "--out", str(tmp_path / "new.txt")
    ).strip()
    before = reg.state()
    result = reg.run(
        who, "staff", "add", "newbie", "--name", "New Starter", "--email", "new@council.example",
        "--role", "case_officer", "--recipient", recipient,
    )  # fmt: skip
    assert result.code == 1
    assert len(result.err.splitlines()) == 1
    assert "Traceback" not in result.out + result.err
    assert reg.state() == before


@pytest.mark.parametrize("who", ["mgr", "head", "ig"])
def test_staff_administrators_add_staff(reg: Reg, who: str, tmp_path: Path) -> None:
    """A manager, head of service or IG officer adds a member in one commit naming them."""
    recipient = reg.ok(
        who, "keys", "new", "--no-passphrase", "--out", str(tmp_path / "new.txt")
    ).strip()
    count = commit_count(reg)
    reg.ok(
        who, "staff", "add", "newbie", "--name", "New Starter", "--email", "new@council.example",
        "--role", "case_officer", "--recipient", recipient,
    )  # fmt: skip
    assert commit_count(reg) == count + 1
    found = trailers(reg)
    assert found["Ucbr-Action"] == ["staff-add"]
    assert found["Ucbr-Officer"] == [who]
    assert found["Ucbr-Staff"] == ["newbie"]
    assert all(p.startswith(".ucbr/") for p in changed_paths(reg))
    listed = json.loads(reg.ok(who, "staff", "list", "--json"))
    assert {"id": "newbie", "name": "New Starter", "role": "case_officer", "tier": "casework"} in (
        listed
    )


def test_staff_add_refuses_a_duplicate_email(reg: Reg, tmp_path: Path) -> None:
    """A second member with an e-mail already in the directory is refused."""
    recipient = reg.ok(
        "mgr", "keys", "new", "--no-passphrase", "--out", str(tmp_path / "new.txt")
    ).strip()
    before = reg.state()
    result = reg.run(
        "mgr", "staff", "add", "olive2", "--name", "Olive Again",
        "--email", "officer@council.example", "--role", "case_officer", "--recipient", recipient,
    )  # fmt: skip
    assert result.code == 1
    assert reg.state() == before


# --- ids --------------------------------------------------------------------------


def test_ids_are_random_and_not_derived_from_personal_data(reg: Reg) -> None:
    """Ids are C-/I- and eight Crockford characters; two people of one name get different ids."""
    first_case, first_incident = reg.new_case(name="Jordan Same")
    second_case, second_incident = reg.new_case(name="Jordan Same")
    assert CASE_ID.fullmatch(first_case) and CASE_ID.fullmatch(second_case)
    assert INCIDENT_ID.fullmatch(first_incident) and INCIDENT_ID.fullmatch(second_incident)
    assert first_case != second_case
    assert first_incident != second_incident
    assert sorted(reg.git("ls-files", "cases").split()) == sorted(
        [f"cases/{first_case}.yaml", f"cases/{second_case}.yaml"]
    )


def test_new_id_retries_a_taken_id() -> None:
    """A new id that is already taken is never reused: the next free one is drawn."""
    seen: list[str] = []

    def taken(candidate: str) -> bool:
        seen.append(candidate)
        return len(seen) < 3

    found = ucbr.domain.ids.new_id("C", taken)
    assert found == seen[-1]
    assert len(seen) == 3


def test_a_new_case_never_reuses_an_existing_case_id(
    reg: Reg, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the random draw hits an existing case id, the new case gets another id."""
    existing, _ = reg.new_case(name="First Person")
    original = (reg.root / f"cases/{existing}.yaml").read_bytes()
    draws = iter([existing, "C-0000000Z"])
    real = ucbr.domain.ids.random_id
    monkeypatch.setattr(
        ucbr.domain.ids, "random_id", lambda p: next(draws) if p == "C" else real(p)
    )
    new_case, _ = reg.new_case(name="Second Person")
    assert new_case == "C-0000000Z"
    assert (reg.root / f"cases/{existing}.yaml").read_bytes() == original


def test_a_new_incident_never_reuses_an_incident_id_in_the_case(
    reg: Reg, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the random draw hits an incident id the case already has, another id is drawn."""
    case_id, first = reg.new_case()
    draws = iter([first, "I-0000000Z"])
    real = ucbr.domain.ids.random_id
    monkeypatch.setattr(
        ucbr.domain.ids, "random_id", lambda p: next(draws) if p == "I" else real(p)
    )
    out = reg.ok("officer", "add-incident", case_id, *INCIDENT, "--json")
    assert json.loads(out)["incident"] == "I-0000000Z"


# --- one command, one commit ------------------------------------------------------


def test_each_command_is_one_commit_with_its_trailers(reg: Reg) -> None:
    """Every changing command makes exactly one commit carrying Action, Case, Officer, Policy."""
    policy = policy_hash((reg.root / ".ucbr/policy.yaml").read_bytes())
    count = commit_count(reg)
    case_id, incident = reg.new_case()
    expected = [("add-incident", "officer")]
    reg.ok("officer", "escalate", case_id, "--incident", incident, "--note", "Asked to stop.")
    expected.append(("escalate", "officer"))
    for terms in ((), RESTRICTION):
        # Each step after the first relies on the behaviour continuing: a new incident.
        reg.ok("officer", "escalate", case_id, "--incident", continued(reg, case_id), *terms)
        expected += [("add-incident", "officer"), ("escalate", "officer")]
        if not terms:  # step 3 follows once step 2's letter has gone
            reg.send("officer", case_id, "informal-warning")
            expected.append(("letter", "officer"))
    reg.ok("mgr", "approve", case_id)
    expected.append(("approve", "mgr"))
    assert commit_count(reg) == count + len(expected)
    revs = reg.git("rev-list", f"--max-count={len(expected)}", "HEAD").split()[::-1]
    for rev, (action, officer) in zip(revs, expected, strict=True):
        found = trailers(reg, rev)
        assert found["Ucbr-Action"] == [action]
        assert found["Ucbr-Case"] == [case_id]
        assert found["Ucbr-Officer"] == [officer]
        assert found["Ucbr-Policy"] == [policy]
        assert changed_paths(reg, rev) == [f"cases/{case_id}.yaml"]
        assert reg.git("log", "-1", "--format=%ae", rev).strip() == f"{officer}@council.example"
    approval = trailers(reg, revs[-1])
    decision = json.loads(reg.ok("officer", "show", case_id, "--json"))["record"]["decisions"][-1]
    assert approval["Ucbr-Approves"] == [decision["id"]]
    assert decision["status"] == "approved"
    assert all("Ucbr-Approves" not in trailers(reg, rev) for rev in revs[:-1])
    assert reg.state()[1] == ""


def test_a_refused_command_makes_no_commit(reg: Reg) -> None:
    """A case officer approving is refused by the policy and leaves HEAD and the tree alone."""
    case_id, incident = reg.new_case()
    reg.ok("officer", "escalate", case_id, "--incident", incident, "--note", "Asked to stop.")
    reg.ok("officer", "escalate", case_id, "--incident", continued(reg, case_id))
    reg.send("officer", case_id, "informal-warning")
    reg.ok("officer", "escalate", case_id, "--incident", continued(reg, case_id), *RESTRICTION)
    before = reg.state()
    result = reg.run("officer2", "approve", case_id)
    assert result.code == 1
    assert len(result.err.splitlines()) == 1
    assert reg.state() == before


# --- check ------------------------------------------------------------------------


def test_check_passes_on_a_good_register(reg: Reg) -> None:
    """`ucbr check` on a register built by ucbr finds no problems, and --json is valid JSON."""
    case_id, incident = reg.new_case()
    reg.ok("officer", "escalate", case_id, "--incident", incident, "--note", "Asked to stop.")
    reg.ok("officer", "escalate", case_id, "--incident", continued(reg, case_id))
    reg.send("officer", case_id, "informal-warning")
    reg.ok("officer", "escalate", case_id, "--incident", continued(reg, case_id), *RESTRICTION)
    reg.ok("mgr", "approve", case_id)
    reg.ok(
        "officer", "property", "add", "--address", "12 Bridge Street, Witney",
        "--postcode", "OX28 1AB", "--risk", "dangerous_animal",
        "--guidance", "Attend in pairs; phone ahead.",
        "--not-notified-reason", "Risk to staff only.",
    )  # fmt: skip
    result = reg.run("officer", "check")
    assert result.code == 0, result.out + result.err
    assert result.out == ""
    report = json.loads(reg.ok("officer", "check", "--json"))
    assert report == {"files": 2, "problems": []}


def test_check_reports_a_tampered_register(reg: Reg) -> None:
    """`ucbr check` reports a file whose record was swapped in from another case, exit 6."""
    first, _ = reg.new_case(name="Person One")
    second, _ = reg.new_case(name="Person Two")
    from ucbr.storage import envelope

    one = envelope.parse((reg.root / f"cases/{first}.yaml").read_text(), "one")
    path = reg.root / f"cases/{second}.yaml"
    two = envelope.parse(path.read_text(), "two")
    path.write_text(
        envelope.render(
            envelope.Envelope("case", second, {**two.sections, "record": one.sections["record"]})
        )
    )
    result = reg.run("officer", "check", "--json")
    assert result.code == 6
    problems = json.loads(result.out)["problems"]
    assert [p["path"] for p in problems] == [f"cases/{second}.yaml"]
