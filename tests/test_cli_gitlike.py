"""The command line behaves as git does: where it finds the register, Ctrl-C, closed pipes,
options anywhere, whole ids in tables, one spelling of each value, exit codes, names."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.regkit import INCIDENT_ARGS, Reg, on_register
from tests.terminal import needs_tmux, terminal
from ucbr.cli import INTERRUPTED_LINE
from ucbr.errors import REFUSED, USAGE

pytestmark = pytest.mark.e2e

UCBR = [sys.executable, "-m", "ucbr"]


def spawn(reg: Reg, who: str, *args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    """ucbr as its own process, as a shell starts it."""
    env = {**os.environ, **reg.env(who), **kwargs.pop("env", {})}  # type: ignore[dict-item]
    return subprocess.Popen(
        [*UCBR, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, **kwargs
    )  # type: ignore[call-overload]


def test_the_register_is_found_from_a_folder_inside_it(reg: Reg, tmp_path: Path) -> None:
    """From a folder inside the register, with no --register, ucbr finds it as git would;
    from outside any register it says how to give one."""
    case_id = on_register(reg)
    inside = reg.root / "cases"
    proc = spawn(reg, "officer", "list", "--json", cwd=inside, env={"UCBR_REGISTER": ""})
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert case_id in [row["id"] for row in json.loads(out)]
    proc = spawn(reg, "officer", "list", cwd=tmp_path, env={"UCBR_REGISTER": ""})
    out, err = proc.communicate()
    assert proc.returncode == 1 and b"--register" in err and len(err.splitlines()) == 1


def started(pid: int) -> bool:
    """Whether the process is past Python's own start-up and into ucbr's imports: the
    models' compiled core is mapped in (ucbr's Ctrl-C handler is installed before that)."""
    try:
        return "_pydantic_core" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.1, 0.3, 0.6, 1.0])
def test_ctrl_c_at_any_moment_is_one_line_and_exit_130(reg: Reg, delay: float) -> None:
    """SIGINT at any moment once ucbr's code runs, during start-up's imports or the
    command's work, exits 130 with one line on stderr, no traceback, nothing changed."""
    for _ in range(3):
        reg.new_case()
    before = reg.state()
    proc = spawn(reg, "officer", "check")
    deadline = time.monotonic() + 30
    while not started(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate()
    if proc.returncode == 0:  # finished before the signal came: nothing to judge
        return
    assert proc.returncode == 130, err
    assert err.decode() == INTERRUPTED_LINE
    assert reg.state() == before


def test_a_closed_pipe_ends_quietly_with_exit_0(reg: Reg) -> None:
    """`ucbr audit | head -1`: once the reader has gone, ucbr stops quietly, exit 0."""
    on_register(reg)
    read, write = os.pipe()
    os.close(read)  # the reader is gone before ucbr writes a line
    env = {**os.environ, **reg.env("ig")}
    done = subprocess.run(
        [*UCBR, "audit"], stdout=write, stderr=subprocess.PIPE, env=env, check=False
    )
    os.close(write)
    assert done.returncode == 0
    assert done.stderr == b""


def test_options_typed_before_the_command_are_read_as_its_own(reg: Reg) -> None:
    """`ucbr --json list`, `ucbr --json staff list` and `ucbr --within 400 review-due` are read
    as if the options followed the command; the top level's options go anywhere."""
    case_id = on_register(reg)
    assert case_id in [row["id"] for row in json.loads(reg.ok("officer", "--json", "list"))]
    staff = json.loads(reg.ok("officer", "--json", "staff", "list"))
    assert {"id": "officer", "role": "case_officer"}.items() <= staff[1].items() or any(
        s["id"] == "officer" for s in staff
    )
    due = reg.run("cron", "--within", "400", "--json", "review-due")
    assert due.code in (3, 4) and case_id in due.out
    shown = reg.run("officer", "show", case_id, "--register", str(reg.root), "--json")
    assert shown.code == 0 and json.loads(shown.out)["id"] == case_id


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_ids_and_dates_are_never_cut_in_a_table_on_a_terminal(
    reg: Reg, tmp_path: Path, columns: int
) -> None:
    """On a terminal 60, 80 or 120 columns wide, `list` and `review-due` show every id and
    date whole; the other columns wrap instead."""
    import pty

    case_id = on_register(reg)
    ids = [case_id, *(reg.new_case()[0] for _ in range(2))]
    for command in (["list"], ["review-due", "--within", "400", "--show-names"]):
        primary, secondary = pty.openpty()
        env = {**os.environ, **reg.env("officer"), "COLUMNS": str(columns), "TERM": "xterm"}
        done = subprocess.run(
            [*UCBR, *command], stdout=secondary, stderr=secondary, env=env, check=False
        )
        os.close(secondary)
        screen = _drain(primary)
        assert done.returncode in (0, 3, 4), screen
        shown = ids if command == ["list"] else [case_id]
        for file_id in shown:
            assert file_id in screen, (columns, command, screen)
        assert "2027-01-15" in screen and "…" not in screen
        assert all(len(line) <= columns for line in screen.splitlines()), screen


def _drain(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    text = b"".join(chunks).decode(errors="replace").replace("\r\n", "\n")
    return re.sub("\x1b\\[[0-9;]*m", "", text)  # bold headings: not characters on the screen


@needs_tmux
def test_a_narrow_terminal_shows_whole_ids_through_tmux(reg: Reg, tmp_path: Path) -> None:
    """In a real terminal 60 columns wide, every id in `list` is whole."""
    ids = [on_register(reg), reg.new_case()[0]]
    with terminal([*UCBR, "list"], reg.env("officer"), tmp_path, width=60) as term:
        assert term.exit_code() == 0
        screen = term.screen()
    assert all(file_id in screen for file_id in ids), screen
    assert "on register" in screen and "on_register" not in screen


def test_each_value_has_one_spelling_and_the_stored_one_still_reads(reg: Reg) -> None:
    """Values are spelled with hyphens, as options are (`--to formal-written-warning`,
    `--location council-premises`); the stored spelling with underscores is read the same."""
    for spelling in ("formal-written-warning", "formal_written_warning"):
        case_id, incident = reg.new_case("officer", "--serious")
        escalated = json.loads(reg.ok(
            "officer", "escalate", case_id, "--incident", incident, "--to", spelling,
            "--bypass", incident, "--bypass-reason", "Threatened harm.", "--only-channel",
            "letter", "--considerations", "None known.", "--essential-services", "By letter.",
            "--review-by", "2027-01-15", "--json",
        ))  # fmt: skip
        assert escalated["step"] == "formal_written_warning"  # JSON keeps the stored value
    made = reg.run(
        "officer", "add-incident", case_id, "--date", "2026-11-02", "--channel", "face-to-face",
        "--location", "council-premises", "--category", "A", "--behaviour",
        "physically-aggressive", "--summary", "Pushed a chair.",
    )  # fmt: skip
    assert made.code == 0, made.err
    record = json.loads(reg.ok("officer", "show", case_id, "--json"))["record"]
    latest = record["incidents"][-1]
    assert latest["location"] == "council_premises"
    assert latest["behaviours"] == ["physically_aggressive"]


def test_people_read_plain_words_not_stored_identifiers(reg: Reg) -> None:
    """What a person reads says `case officer` and `on register`, never `case_officer`."""
    case_id = on_register(reg)
    assert "case officer" in reg.ok("mgr", "staff", "list")
    assert "case_officer" not in reg.ok("mgr", "staff", "list")
    listed = reg.ok("officer", "list")
    assert f"{case_id}\tcase\ton register" in listed
    other, incident = reg.new_case()
    said = reg.ok("officer", "escalate", other, "--incident", incident, "--note", "Asked to stop.")
    assert "verbal warning recorded" in said and "verbal_warning" not in said


# Each: the command, and the documented exit code: 1 for a value refused, 2 for a line the
# parser cannot read.
EXIT_CODES = {
    "a malformed date": (["add-incident", "--new", "--name", "Pat", *INCIDENT_ARGS[:0],
                          "--date", "yesterday", *INCIDENT_ARGS[2:]], REFUSED),
    "an impossible date": (["review-due", "--as-of", "2026-02-30"], REFUSED),
    "a value not among the choices": (["add-incident", "--new", "--name", "Pat",
                                       *INCIDENT_ARGS[:2], "--channel", "fax",
                                       *INCIDENT_ARGS[4:]], REFUSED),
    "a number that is not one": (["review-due", "--within", "soon"], REFUSED),
    "an unknown option": (["list", "--colour"], USAGE),
    "an unknown command": (["frobnicate"], USAGE),
    "an option without its value": (["review-due", "--within"], USAGE),
    "a missing required option": (["reject", "C-0000000Z"], USAGE),
    "a missing argument": (["show"], USAGE),
}  # fmt: skip


@pytest.mark.parametrize("label", list(EXIT_CODES))
def test_bad_input_exits_as_the_readme_says(reg: Reg, label: str) -> None:
    """A value refused exits 1 (a date, a choice, a number alike); a line that cannot be read
    exits 2; either way one line, and nothing changed."""
    args, code = EXIT_CODES[label]
    before = reg.state()
    result = reg.run("officer", *args)
    assert result.code == code, (label, result.err)
    assert len(result.err.strip().splitlines()) <= 2 and "Traceback" not in result.err
    assert reg.state() == before


def test_an_unknown_author_is_named_with_where_git_found_them(reg: Reg) -> None:
    """An author not in the staff directory is named, with where git took the address from:
    an environment variable, or a config file."""
    new = ["add-incident", "--new", "--name", "Pat", *INCIDENT_ARGS]
    result = reg.proc("officer", *new, env={"GIT_AUTHOR_EMAIL": "stranger@council.example"})
    assert result.code == 1 and len(result.err.splitlines()) == 1
    assert "stranger@council.example" in result.err and "GIT_AUTHOR_EMAIL" in result.err
    reg.git("config", "user.email", "local@council.example")
    env = {**os.environ, **reg.env("officer")}
    for variable in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL", "EMAIL"):
        env.pop(variable, None)
    done = subprocess.run([*UCBR, *new], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 1 and "local@council.example" in done.stderr
    assert ".git/config" in done.stderr and "local config" in done.stderr


def test_a_typo_in_an_id_is_answered_with_the_nearest_ids(reg: Reg) -> None:
    """An id one slip from an existing one is answered with the nearest ids (ids only, which
    every key's clone shows); anything else is not."""
    case_id = on_register(reg)
    typo = case_id[:-1] + ("Z" if case_id[-1] != "Z" else "Y")
    result = reg.run("front", "show", typo)
    assert result.code == 1 and f"did you mean {case_id}?" in result.err
    short = reg.run("officer", "show", case_id[:-1])
    assert short.code == 1 and case_id in short.err
    far = reg.run("officer", "show", "C-0000000Z")
    assert far.code == 1 and "did you mean" not in far.err
