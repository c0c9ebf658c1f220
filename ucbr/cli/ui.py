"""All terminal output. The only module that imports rich, and it does so lazily."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any


def err(message: str) -> None:
    """One line on stderr."""
    sys.stderr.write(message.rstrip("\n").replace("\n", " ") + "\n")


def out(text: str = "") -> None:
    """One line (or lines) on stdout."""
    sys.stdout.write(text + "\n")


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

    table = Table(title=title)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)


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
