"""``ucbr``, ``ucbr --help`` and ``ucbr --version``, answered without importing Typer.

The top-level help is drawn from ``ucbr.cli.registry``: the commands grouped by who uses
them, every name in full at any width, wrapped as a command's own help is (``-h`` of any
command). Typer's top-level ``--help`` prints this same text (``ucbr.cli.lazy``), so there
is one rendering of it, and the commands typed most often start in a few milliseconds.
"""

from __future__ import annotations

import os
import sys
import textwrap

from ucbr.cli import registry

USAGE = "Usage: ucbr [OPTIONS] COMMAND [ARGS]..."
# As click's formatter: the terminal's width, at most this, less two; never under 50.
MAX_WIDTH = 100
INDENT = "  "


def answer(args: list[str]) -> int:
    """Print the version or the top-level help; the exit code is 0."""
    if args == ["--version"]:
        import ucbr

        sys.stdout.write(f"ucbr {ucbr.__version__}\n")
        return 0
    sys.stdout.write(top_help(help_width()))
    return 0


def help_width() -> int:
    """The width help is wrapped to, by click's rule: the terminal's, capped, less two."""
    return max(min(terminal_width(), MAX_WIDTH) - 2, 50)


def terminal_width() -> int:
    """The terminal's width: COLUMNS, the terminal's size, or 80."""
    value = os.environ.get("COLUMNS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    for stream in (0, 1, 2):
        try:
            columns = os.get_terminal_size(stream).columns
        except (OSError, ValueError):
            continue
        return columns or 80
    return 80


def top_help(width: int) -> str:
    """The top-level help, wrapped to ``width`` columns."""
    out = [USAGE, ""]
    out += _paragraph(registry.SUMMARY, width, INDENT)
    out.append("")
    out.append("Options:")
    out += definitions(list(registry.OPTIONS), width)
    for title, names in registry.SECTIONS:
        out.append("")
        out.append(f"{title}:")
        rows = [(name, registry.help_of(name)) for name in names]
        out += definitions(rows, width, registry.names())
    out.append("")
    out += _paragraph(registry.EPILOG, width, INDENT)
    return "\n".join(out) + "\n"


def definitions(
    rows: list[tuple[str, str]], width: int, align: list[str] | None = None
) -> list[str]:
    """Name and text in two columns, the first as wide as the longest of ``align`` (else of
    the rows' names); a name too long for it puts its text below."""
    column = min(max(len(name) for name in align or [name for name, _ in rows]), 30) + 2
    lines: list[str] = []
    for name, text in rows:
        wrapped = textwrap.wrap(text, max(width - len(INDENT) - column, 20))
        if len(name) + 2 > column:
            lines.append(INDENT + name)
            lines += [INDENT + " " * column + line for line in wrapped]
            continue
        first, *rest = wrapped or [""]
        lines.append(INDENT + name.ljust(column) + first)
        lines += [INDENT + " " * column + line for line in rest]
    return lines


def _paragraph(text: str, width: int, indent: str) -> list[str]:
    return textwrap.wrap(text, width - len(indent), initial_indent=indent, subsequent_indent=indent)
