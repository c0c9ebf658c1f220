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


# Values a table never cuts: ids (C-…, P-…, D-…), dates, commits, short codes.
_WHOLE = re.compile(r"^(?:[A-Z]{1,2}-[0-9A-Z]{4,}|\d{4}-\d{2}-\d{2}|[0-9a-f]{7,40}|-?\d{1,6})$")


def shown(text: str) -> str:
    """Text safe to write to a terminal: hidden characters as visible escapes (``\\x1b``)."""
    return _HIDDEN.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


def words(code: object) -> str:
    """A stored value (``formal_written_warning``, ``case_officer``) in plain words for a
    person to read; ``--json`` keeps the stored value."""
    return "" if code is None else str(code).replace("_", " ")


def spelled(code: str) -> str:
    """A stored value as the command line spells it: ``formal-written-warning``."""
    return code.replace("_", "-")


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
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Text, not markup: a value like "[red]" is shown as typed, never interpreted.
    cells = [[shown("" if v is None else str(v)) for v in row] for row in rows]
    # Rules under the heading only: every column the terminal can spare goes to the values.
    grid = Table(title=Text(shown(title)) if title else None, box=box.SIMPLE_HEAD, pad_edge=False)
    for index, column in enumerate(columns):
        values = [row[index] for row in cells if index < len(row)]
        whole = [value for value in values if _WHOLE.match(value)]
        # An id, a date or a commit is never cut: the other columns wrap instead.
        widest = max((len(value) for value in whole), default=None)
        only_whole = bool(values) and len(whole) == len([value for value in values if value])
        grid.add_column(Text(column), no_wrap=only_whole, min_width=widest, overflow="fold")
    for row in cells:
        grid.add_row(*(Text(value, no_wrap=bool(_WHOLE.match(value))) for value in row))
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


@contextmanager
def working(label: str, after: float = 0.5) -> Iterator[None]:
    """A spinner, the label and the time taken, on stderr, for work that can take seconds
    on a large register; shown only on a terminal, and only once the work has lasted
    ``after`` seconds, so quick runs and cron, pipes and tests stay quiet."""
    if not sys.stderr.isatty():
        yield
        return
    import threading

    lock = threading.Lock()
    shown: list[Any] = []
    finished = threading.Event()

    def start() -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with lock:
            if finished.is_set():
                return
            bar = Progress(
                SpinnerColumn(),
                TextColumn(shown_text(label)),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            bar.add_task(label, total=None)
            bar.start()
            shown.append(bar)

    timer = threading.Timer(after, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            finished.set()
            timer.cancel()
            for bar in shown:
                bar.stop()


def shown_text(text: str) -> str:
    """Text for rich to print as typed: its markup brackets escaped."""
    return shown(text).replace("[", "\\[")


def confirm(question: str, lines: Sequence[str], yes: bool) -> None:
    """Show what will change and ask before doing it, on a terminal; ``--yes`` (or no
    terminal: cron, scripts) goes ahead unasked. Anything but yes changes nothing."""
    from ucbr.errors import Refused

    if yes or not (sys.stdin.isatty() and sys.stderr.isatty()):
        return
    for line in lines:
        err(line)
    sys.stderr.write(f"{shown(question)} [y/N] ")
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline().strip().lower()
    except EOFError:
        answer = ""
    if answer not in ("y", "yes"):
        raise Refused("not confirmed; nothing was changed")
