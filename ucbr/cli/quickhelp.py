"""``ucbr``, ``ucbr --help`` and ``ucbr --version``, answered without importing Typer.

The top-level help is drawn from ``ucbr.cli.registry`` in the layout Typer's rich help
uses (the same text, wrapped the same way at the terminal's width), so that the commands a
person types most often start in a few milliseconds. ``tests/test_cli_startup.py``
compares it with Typer's own rendering at many widths.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from ucbr.cli import registry

_Paint = Callable[[str, str], str]

_USAGE = "Usage: ucbr [OPTIONS] COMMAND [ARGS]..."
# ANSI styles, as Typer's rich help colours the same parts on a terminal.
_BOLD, _DIM, _CYAN, _YELLOW, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[1;36m", "\x1b[1;33m", "\x1b[0m"
# Narrower than this, rich squeezes the columns of the options table: Typer draws it.
NARROWEST = 39


def answer(args: list[str]) -> int:
    """Print the version or the top-level help; the exit code is 0."""
    if args == ["--version"]:
        import ucbr

        sys.stdout.write(f"ucbr {ucbr.__version__}\n")
        return 0
    width = terminal_width()
    if width < NARROWEST:
        from ucbr.cli import _run

        return _run(["--help"])
    sys.stdout.write(top_help(width, _colour()))
    return 0


def terminal_width() -> int:
    """The width rich would use: TERMINAL_WIDTH, COLUMNS, the terminal's size, or 80."""
    for name in ("TERMINAL_WIDTH", "COLUMNS"):
        value = os.environ.get(name, "")
        if value.isdigit():
            return int(value) or 80
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown") and sys.stdout.isatty():
        return 80
    for stream in (0, 1, 2):
        try:
            columns = os.get_terminal_size(stream).columns
        except (OSError, ValueError):
            continue
        return columns or 80
    return 80


def _colour() -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap as rich does it: a word too long for any line is cut with an ellipsis."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
            continue
        if line:
            lines.append(line)
        line = word
    lines.append(line)
    return [f"{line[: width - 1]}…" if len(line) > width else line for line in lines]


def top_help(width: int, colour: bool = False) -> str:
    """The top-level help, ``width`` columns wide, in Typer's rich layout."""
    paint = _painter(colour)
    inner = max(width - 4, 1)  # inside a panel: border and one space each side
    out = [" " * width]
    for line in wrap(_USAGE, width - 2):
        head, usage, rest = line.partition("Usage: ")
        painted = paint(head, _BOLD) + paint(usage, "\x1b[1;33m") + paint(rest, _BOLD)
        out.append(_pad(" " + painted, width, line))
    out.append(" " * width)
    out += [_pad(" " + line, width, line) for line in wrap(registry.SUMMARY, width - 2)]
    out.append(" " * width)
    out += _panel("Options", _option_rows(inner, paint), width, paint)
    out += _panel("Commands", _command_rows(inner, paint), width, paint)
    # Click echoes the (empty) help string after rich has printed it: one more newline.
    return "\n".join(out) + "\n\n"


def _painter(colour: bool) -> _Paint:
    if not colour:
        return lambda text, style: text
    return lambda text, style: f"{style}{text}{_RESET}" if text else text


def _pad(painted: str, width: int, plain: str) -> str:
    """A painted line padded to ``width`` columns, counting only its visible text."""
    return painted + " " * max(width - 1 - len(plain), 0)


def _option_rows(inner: int, paint: _Paint) -> list[str]:
    name_width = max(len(flag) for flag, _, _ in registry.OPTIONS)
    metavar_width = max(len(metavar) for _, metavar, _ in registry.OPTIONS)
    # Typer's table: the flag, three empty columns (short and negative flags), the type,
    # then the help, which takes what is left.
    lead = name_width + 1 + 2 * 3 + 1 + metavar_width + 2
    help_width = max(inner - lead, 1)
    rows = []
    for flag, metavar, text in registry.OPTIONS:
        for number, line in enumerate(wrap(text, help_width)):
            if number == 0:
                start = paint(flag, _CYAN) + " " * (name_width - len(flag) + 8)
                start += paint(metavar, _YELLOW) + " " * (metavar_width - len(metavar) + 2)
            else:
                start = " " * lead
            rows.append(start + line + " " * (help_width - len(line)))
    return rows


def _command_rows(inner: int, paint: _Paint) -> list[str]:
    entries = registry.COMMANDS + registry.GROUPS
    name_width = max(len(name) for name, _, _ in entries)
    help_width = max(inner - name_width - 2, 1)
    rows = []
    for name, _, text in entries:
        for number, line in enumerate(wrap(text, help_width)):
            start = paint(name, _CYAN) if number == 0 else ""
            start += " " * ((name_width + 2) - (len(name) if number == 0 else 0))
            rows.append(start + line + " " * (help_width - len(line)))
    return rows


def _panel(title: str, rows: list[str], width: int, paint: _Paint) -> list[str]:
    rule = "─" * max(width - len(title) - 5, 0)
    top = paint("╭─ ", _DIM) + paint(title, _DIM) + paint(f" {rule}╮", _DIM)
    side = paint("│", _DIM)
    body = [f"{side} {row} {side}" for row in rows]
    return [top, *body, paint("╰" + "─" * (width - 2) + "╯", _DIM)]
