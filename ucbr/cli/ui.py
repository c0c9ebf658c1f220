"""All terminal output. The only module that imports rich, and it does so lazily."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

# Controls that a terminal acts on instead of showing (ESC begins an escape sequence that
# can hide or rewrite the lines around it) and bidirectional overrides. The models refuse
# them in new text; anything that still carries one is shown escaped, never obeyed.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """Text safe to write to a terminal: hidden characters as visible escapes (``\\x1b``)."""
    return _HIDDEN.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


def err(message: str) -> None:
    """One line on stderr."""
    sys.stderr.write(shown(message.rstrip("\n").replace("\n", " ")) + "\n")


def out(text: str = "") -> None:
    """One line (or lines) on stdout."""
    sys.stdout.write(shown(text) + "\n")


def print_json(data: Any) -> None:
    """Data as indented JSON on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table on a terminal; tab-separated lines when piped, for cron mail and scripts."""
    if not sys.stdout.isatty():
        if title:
            out(title)
        out("\t".join(columns))
        for row in rows:
            out("\t".join("" if v is None else str(v) for v in row))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Text, not markup: a value like "[red]" is shown as typed, never interpreted.
    grid = Table(title=Text(shown(title)) if title else None)
    for column in columns:
        grid.add_column(Text(column))
    for row in rows:
        grid.add_row(*(Text(shown("" if v is None else str(v))) for v in row))
    Console().print(grid)


def heading(text: str) -> None:
    """A heading, underlined."""
    out(text)
    out("=" * len(text))


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr when it is a terminal; quiet otherwise (cron, pipes, tests)."""
    if total <= 0 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)
