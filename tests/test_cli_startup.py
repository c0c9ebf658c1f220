"""Start-up stays short: the top level imports nothing heavy, and commands load on use.

No timing here (timings live in ``benchmarks/``): these tests check what is imported,
and that the static top-level help is exactly what Typer prints.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
import os
import subprocess
import sys

import pytest

from tests.regkit import patched_env
from ucbr.cli import main, quickhelp, registry

HEAVY = (
    "typer",
    "click",
    "rich",
    "pydantic",
    "pydantic_core",
    "pyrage",
    "jinja2",
    "weasyprint",
    "rapidfuzz",
    "phonenumbers",
    "holidays",
    "ruamel",
    "yaml",
    "unidecode",
)


def run_ucbr(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ucbr", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80", **(env or {})},
        check=False,
    )


def imported(importtime_output: str) -> set[str]:
    """The modules ``python -X importtime`` reports, by their full name."""
    found = set()
    for line in importtime_output.splitlines():
        if line.startswith("import time:") and "|" in line:
            found.add(line.rsplit("|", 1)[1].strip())
    return found


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize("args", [("--version",), ("--help",), ()])
def test_top_level_imports_no_heavy_module(args: tuple[str, ...]) -> None:
    """`ucbr --version`, `ucbr --help` and bare `ucbr` import no heavy library at all."""
    proc = run_ucbr(*args)
    assert proc.returncode == 0
    modules = imported(proc.stderr)
    assert "ucbr.cli" in modules  # the report is real
    assert heavy_in(modules) == []


def test_the_heavy_module_check_catches_a_heavy_import() -> None:
    """The check above would see a heavy import: a command that needs pydantic shows it."""
    proc = run_ucbr("keys", "new", "--help")
    assert proc.returncode == 0
    assert {"typer", "pydantic"} <= {m.split(".")[0] for m in heavy_in(imported(proc.stderr))}


def loaded_by(*args: str) -> set[str]:
    """The modules in ``sys.modules`` after running ``ucbr ARGS`` in a fresh interpreter.

    (``-X importtime`` does not report a module imported with ``importlib.import_module``.)
    """
    harness = (
        "import contextlib, io, sys\n"
        "from ucbr.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({list(args)!r})\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", harness], capture_output=True, text=True, check=True
    )
    return set(proc.stdout.split())


def test_a_command_imports_only_its_own_module() -> None:
    """`ucbr keys new --help` loads the keys commands, not letters, lookup or PDF rendering."""
    modules = loaded_by("keys", "new", "--help")
    assert "ucbr.cli.keys" in modules
    assert not {"ucbr.cli.letters", "ucbr.cli.lookup", "ucbr.cli.cases"} & modules
    assert not {"weasyprint", "jinja2", "rapidfuzz", "phonenumbers"} & modules


def test_version_imports_nothing_heavy_by_sys_modules() -> None:
    """The same, read from ``sys.modules``: `ucbr --version` leaves no heavy module loaded."""
    assert heavy_in(loaded_by("--version")) == []


def test_version_prints_the_package_version() -> None:
    """`ucbr --version` prints `ucbr <version>`, the version pip installed, and exits 0."""
    proc = run_ucbr("--version")
    assert proc.stdout == f"ucbr {importlib.metadata.version('ucbr')}\n"


def test_version_after_a_global_option() -> None:
    """`--version` is also an option of the full command line, after `--register`."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--register", ".", "--version"])
    assert code == 0
    assert out.getvalue() == f"ucbr {importlib.metadata.version('ucbr')}\n"


def test_bare_ucbr_prints_help_and_exits_0() -> None:
    """`ucbr` alone prints the help on stdout, exit 0, with no empty `ucbr:` line on stderr."""
    proc = subprocess.run(
        [sys.executable, "-m", "ucbr"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0
    assert "Usage: ucbr [OPTIONS] COMMAND [ARGS]..." in proc.stdout
    assert proc.stderr == ""


def test_a_group_without_a_command_prints_its_help_and_no_empty_line() -> None:
    """`ucbr keys` prints the group's help and exits 2 (a usage error), with nothing on stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["keys"])
    assert code == 2
    assert "Usage: ucbr keys [OPTIONS] COMMAND [ARGS]..." in out.getvalue()
    assert err.getvalue() == ""


def typer_help(width: int) -> str:
    """The top-level help as Typer prints it (through the lazy group), every module loaded."""
    from ucbr.cli import _run, full_app

    full_app()
    out = io.StringIO()
    with patched_env({"COLUMNS": str(width)}), contextlib.redirect_stdout(out):
        assert _run(["--register", ".", "--help"]) == 0
    return out.getvalue()


@pytest.mark.parametrize("width", [20, 40, 52, 66, 80, 100, 120, 200])
def test_static_help_is_what_typer_prints(width: int) -> None:
    """`ucbr --help` without Typer and with it print the same text, at any width."""
    with patched_env({"COLUMNS": str(width)}):
        static = quickhelp.top_help(quickhelp.help_width())
    assert static == typer_help(width)


def test_registry_names_every_command_where_it_is_defined() -> None:
    """Each command and group in the registry is defined by the module it names, with its help,
    in the order the help lists them, and the modules define nothing the registry lacks."""
    import typer.main

    from ucbr.cli import full_app

    app = full_app()
    defined: dict[str, tuple[str, str]] = {}
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or typer.main.get_command_name(info.callback.__name__)
        help_text = (info.callback.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        defined[name] = (info.callback.__module__.removeprefix("ucbr.cli."), help_text)
    for command, module, help_text in registry.COMMANDS:
        assert defined.pop(command) == (module, help_text), command
    assert defined == {}, f"commands missing from ucbr/cli/registry.py: {sorted(defined)}"
    groups = {g.name: g for g in app.registered_groups}
    assert [name for name, _, _ in registry.GROUPS] == list(groups)
    listed = [name for _, names in registry.SECTIONS for name in names]
    assert sorted(listed) == sorted(n for n, _, _ in registry.COMMANDS + registry.GROUPS)
    assert len(listed) == len(set(listed)), "a command in two sections of the help"
    for name, module, help_text in registry.GROUPS:
        sub = groups[name].typer_instance
        assert sub is not None and sub.info.help == help_text
        modules = {c.callback.__module__ for c in sub.registered_commands if c.callback}
        assert modules == {f"ucbr.cli.{module}"}, name
