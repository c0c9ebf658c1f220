"""What people expect of a command line: -h, examples that work, full option names at any
width, values named plainly, options anywhere on the line, and shell completion."""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import subprocess
import sys
from typing import Any

import pytest

from tests.regkit import Reg, patched_env
from ucbr.cli import full_app, main
from ucbr.cli.app import CONTEXT
from ucbr.cli.examples import EXAMPLES

NO_EXAMPLE = {"server check-push"}  # run by the pre-receive hook, never typed


def commands() -> dict[str, Any]:
    """Every leaf command, by its words after `ucbr`, as the lazy group builds it."""
    full_app()
    from ucbr.cli import _command

    top = _command()
    found: dict[str, Any] = {}

    def walk(group: Any, path: str) -> None:
        for name in group.list_commands(None):
            command = group.get_command(None, name)
            where = f"{path} {name}".strip()
            if hasattr(command, "commands"):
                walk(command, where)
            else:
                found[where] = command

    walk(top, "")
    return found


ALL = commands()


def help_of(*words: str, width: int = 80) -> str:
    out = io.StringIO()
    with patched_env({"COLUMNS": str(width)}), contextlib.redirect_stdout(out):
        assert main([*words, "-h"]) == 0
    return out.getvalue()


@pytest.mark.parametrize("path", sorted(ALL))
def test_every_command_has_a_working_example(path: str) -> None:
    """Each command's help ends with an example, and each `ucbr …` example parses against
    the command itself: its options exist, its values are ones they accept."""
    if path in NO_EXAMPLE:
        assert path not in EXAMPLES
        return
    text = help_of(*path.split())
    assert "Examples:" in text
    for example in EXAMPLES[path]:
        words = shlex.split(example)
        if words[0] != "ucbr":
            continue  # how git calls a driver
        assert words[1 : 1 + len(path.split())] == path.split()
        command = ALL[path]
        args = [os.path.expanduser(w) for w in words[1 + len(path.split()) :]]
        # As the top level reads them: a choice spelled with hyphens or underscores.
        normalise = CONTEXT["token_normalize_func"]
        with command.make_context(path, args, token_normalize_func=normalise) as ctx:
            assert ctx.params is not None


@pytest.mark.parametrize("width", [40, 60, 80, 120])
@pytest.mark.parametrize("path", ["escalate", "add-incident", "review", "appeal decide"])
def test_option_names_are_whole_at_any_width(path: str, width: int) -> None:
    """Every option of the longest commands is printed in full, whatever the width."""
    text = help_of(*path.split(), width=width)
    for param in ALL[path].params:
        for name in getattr(param, "opts", ()):
            if name.startswith("--"):
                assert f"{name} " in text or f"{name}\n" in text, (name, width)


@pytest.mark.parametrize("path", sorted(ALL))
def test_help_names_values_plainly(path: str) -> None:
    """No `<bool>`, `<str>` or `list[…]`: a flag shows no value, others DATE, ID, TEXT, N,
    PATH or their choices; the usage line names arguments as typed."""
    text = help_of(*path.split())
    for raw in ("<bool>", "<str>", "<int>", "list[", "{"):
        assert raw not in text.split("Examples:")[0], (path, raw)


def test_choices_are_listed_in_help_and_in_the_error() -> None:
    """A value with choices lists them in the help, spelled with hyphens as the options are,
    and a wrong one names them."""
    assert "--channel [telephone|email|online-form|social-media|letter|face-to-face]" in (
        help_of("add-incident")
    )
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["add-incident", "--new", "--channel", "fax"])
    assert code == 1  # a value refused, as a bad date is; 2 is for a line that cannot be read
    assert "not one of 'telephone', 'email'" in err.getvalue() and "fax" not in err.getvalue()


def test_dash_h_is_help_everywhere() -> None:
    """`-h` works as `--help` does, on the top level, a group and a command."""
    assert help_of().startswith("Usage: ucbr [OPTIONS] COMMAND [ARGS]...")
    assert "Commands:" in help_of("property")
    assert "--incident ID" in help_of("escalate")


@pytest.mark.e2e
def test_global_options_may_come_anywhere(reg: Reg, tmp_path: Any) -> None:
    """`--register` and `--identity` after the command, or with `=`, work as before it."""
    case_id, _ = reg.new_case()
    elsewhere = {"UCBR_REGISTER": str(tmp_path)}  # the environment points somewhere wrong
    key = str(reg.keys["officer"])
    with_env = {**reg.env("officer"), **elsewhere}
    for args in (
        ["show", case_id, "--register", str(reg.root)],
        ["show", f"--register={reg.root}", case_id],
        ["--register", str(reg.root), "show", case_id, "--identity", key],
    ):
        out, err = io.StringIO(), io.StringIO()
        with (
            patched_env(with_env),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            code = main(args)
        assert code == 0, (args, err.getvalue())
        assert f"{case_id}: the record" in out.getvalue()


def test_shell_completion_offers_commands_and_choices() -> None:
    """`--show-completion bash` prints a script; the shell's questions get the commands, a
    group's commands and an option's choices."""
    # The shell is told from the processes above ucbr (as typer does), so ask from one: a
    # bash that stays ucbr's parent. Only the shell's own variables are passed on.
    clean = {k: v for k, v in os.environ.items() if "COMP" not in k}
    shown = subprocess.run(
        ["bash", "-c", f"{shlex.quote(sys.executable)} -m ucbr --show-completion; exit $?"],
        capture_output=True,
        text=True,
        env=clean,
    )
    assert shown.returncode == 0, shown.stderr
    assert "_UCBR_COMPLETE" in shown.stdout

    def complete(line: str) -> list[str]:
        words = line.split(" ")
        env = {
            **clean,
            "_UCBR_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
        }
        done = subprocess.run(
            [sys.executable, "-m", "ucbr"], capture_output=True, text=True, env=env, check=True
        )
        return done.stdout.split()

    assert complete("ucbr add-i") == ["add-incident"]
    assert complete("ucbr property a") == ["add", "approve"]
    assert "formal_written_warning" in complete("ucbr escalate --to ")
