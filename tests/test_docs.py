"""The README documents every command, and opens with the two commands a newcomer needs."""

from __future__ import annotations

from pathlib import Path

from typer.main import get_command

from ucbr.cli import full_app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _commands() -> list[str]:
    group = get_command(full_app())
    names: list[str] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", None)
        if subs:
            names.extend(f"{name} {sub}" for sub in subs)
        else:
            names.append(name)
    return names


def test_readme_opens_with_demo_and_test() -> None:
    """The first code block of the README is `make demo` and `make test`."""
    first_block = README.split("```", 2)[1]
    assert "make demo" in first_block and "make test" in first_block


def test_every_command_is_documented() -> None:
    """Each command the CLI offers is named in the README, so none is undocumented."""
    missing = [name for name in _commands() if f"ucbr {name}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_exit_codes_documented() -> None:
    """The README's exit-code table lists every code the tool uses."""
    from ucbr import errors

    for code in (
        errors.OK,
        errors.REFUSED,
        errors.USAGE,
        errors.DUE,
        errors.OVERDUE,
        errors.PROBLEMS,
        errors.INTEGRITY,
    ):
        assert f"| {code} |" in README
