"""The command line: thin commands over the library, and one error boundary.

Start-up is kept short: this module imports nothing heavy. ``ucbr``, ``ucbr --help`` and
``ucbr --version`` are answered from static text (``ucbr.cli.quickhelp``); any other
command imports Typer and then only the module that defines it (``ucbr.cli.lazy``).

Ctrl-C is one line and exit 130 from the first line of ``entry_point``: its handler is
installed before anything else is imported, and raises ``Interrupted``, which no library
mistakes for its own ``KeyboardInterrupt``; cleanup code (``except BaseException``) still
runs, and a second Ctrl-C while it does is ignored, so nothing is left half-done.
"""

from __future__ import annotations

import os
import signal
import sys

from ucbr import errors

TYPE_CHECKING = False  # typing itself is not imported: start-up stays short
if TYPE_CHECKING:
    from types import FrameType
    from typing import Any

    import typer

__all__ = ["full_app", "main"]


INTERRUPTED = 130  # Ctrl-C, as shells report a command that SIGINT stopped
INTERRUPTED_LINE = "ucbr: interrupted; nothing was changed\n"


class Interrupted(BaseException):
    """Ctrl-C in the ``ucbr`` program: unwinds like ``KeyboardInterrupt``, caught only here."""


_SEEN: list[int] = []  # the Ctrl-C received, if any


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    """The first Ctrl-C unwinds the command; any later one waits for its cleanup."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _SEEN.append(signum)
    raise Interrupted


def _interrupted() -> int:
    """Say so in one line; the exit code is 130."""
    try:  # noqa: SIM105 - no import while interrupted
        os.write(2, INTERRUPTED_LINE.encode())
    except OSError:
        pass
    return INTERRUPTED


def _pipe_closed() -> int:
    """The reader of stdout went away (``ucbr audit | head -1``): stop quietly, exit 0."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing left to flush at exit fails again
    except (OSError, ValueError):
        pass
    return errors.OK


def full_app() -> typer.Typer:
    """The whole Typer application, every command module imported (for docs and tests)."""
    import importlib

    from ucbr.cli import registry

    for module in dict.fromkeys(m for _, m, _ in registry.COMMANDS + registry.GROUPS):
        importlib.import_module(f"ucbr.cli.{module}")
    from ucbr.cli.app import app

    return app


_BUILT: list[Any] = []


def _command() -> Any:
    """The command tree, built once per process (each command's module on first use)."""
    if not _BUILT:
        import typer.main

        from ucbr.cli.app import app

        _BUILT.append(typer.main.get_command(app))
    return _BUILT[0]


def main(argv: list[str] | None = None) -> int:
    """Run one command. Every failure becomes one line on stderr and a documented exit code;
    Ctrl-C is one line and 130; a closed pipe on stdout ends the command quietly, 0."""
    try:
        args = hoisted(list(sys.argv[1:] if argv is None else argv))
        completing = "_UCBR_COMPLETE" in os.environ  # the shell asking what may come next
        if args in ([], ["--help"], ["-h"], ["--version"]) and not completing:
            from ucbr.cli import quickhelp

            return quickhelp.answer(args)
        return _run(args)
    except (Interrupted, KeyboardInterrupt):
        return _interrupted()
    except BrokenPipeError:
        return _pipe_closed()


def hoisted(args: list[str]) -> list[str]:
    """The line as the commands read it, whatever order it was typed in.

    The top level's options move to the front (``ucbr show C-… --register ~/reg`` is
    ``ucbr --register ~/reg show C-…``), and a command's own options typed before its
    name move after it (``ucbr --json list`` is ``ucbr list --json``).
    """
    from ucbr.cli.registry import GLOBAL_OPTIONS

    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":  # everything after it is an argument, as typed
            rest += args[index:]
            break
        name, equals, _ = arg.partition("=")
        if name in GLOBAL_OPTIONS and (equals or index + 1 < len(args)):
            front += [arg] if equals else [arg, args[index + 1]]
            index += 1 if equals else 2
            continue
        rest.append(arg)
        index += 1
    return front + _after_command(rest)


def _after_command(args: list[str]) -> list[str]:
    """Options typed before the command's name, moved after it (and after a group's
    command: ``ucbr --json staff list``). The top level's own flags stay where they are."""
    from ucbr.cli.registry import GROUPS, TOP_FLAGS, names

    commands = set(names())
    position = next((i for i, arg in enumerate(args) if arg in commands), None)
    if position is None or position == 0:
        return args
    before = args[:position]
    if not before[0].startswith("-") or "--" in before:
        return args  # not options before it: leave the line for the parser to judge
    moved = [arg for arg in before if arg not in TOP_FLAGS]
    kept = [arg for arg in before if arg in TOP_FLAGS]
    path = args[position : position + 1]
    rest = args[position + 1 :]
    if path[0] in {name for name, _, _ in GROUPS} and rest and not rest[0].startswith("-"):
        path, rest = path + rest[:1], rest[1:]
    return kept + path + moved + rest


def _run(args: list[str]) -> int:
    try:
        code = _command().main(args=args, prog_name="ucbr", standalone_mode=False)
    except (Exception, SystemExit):
        if _SEEN:  # a library that turned Ctrl-C into an error of its own
            return _interrupted()
        return _failed()
    if code == INTERRUPTED:
        return _interrupted()
    return code if isinstance(code, int) else errors.OK


def _failed() -> int:
    """The one line and the exit code of the exception being handled."""
    import typer
    from pydantic import ValidationError
    from typer._click.exceptions import NoArgsIsHelpError

    from ucbr.cli import ui
    from ucbr.storage.files import readable_errors

    try:
        raise
    except errors.UcbrError as exc:
        ui.err(f"ucbr: {exc}")
        return exc.exit_code
    except ValidationError as exc:  # an option's value the models refuse, e.g. --contact-hours 9-5
        ui.err(f"ucbr: {readable_errors(exc, 'invalid value')}")
        return errors.REFUSED
    except typer.Exit as exc:
        code = int(exc.exit_code)
        return _interrupted() if code == INTERRUPTED else code
    except typer.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):  # Ctrl-C inside click's own code
            return _interrupted()
        ui.err("ucbr: aborted; nothing was changed")
        return errors.REFUSED
    except NoArgsIsHelpError as exc:  # a group given no command: its help, and exit 2
        sys.stdout.write(exc.format_message().rstrip("\n") + "\n")
        return errors.USAGE
    except typer.TyperException as exc:
        message, code = usage_message(exc)
        ui.err(f"ucbr: {message}")
        return code
    except BrokenPipeError:
        raise
    except SystemExit as exc:  # Typer's own answer to a closed pipe: exit 1, said nothing
        if isinstance(exc.__context__, BrokenPipeError):
            return _pipe_closed()
        raise
    except OSError as exc:  # a file named on the command line that is missing or unreadable
        where = f": {exc.filename}" if exc.filename else ""
        ui.err(f"ucbr: {(exc.strerror or 'cannot use a file').lower()}{where}")
        return errors.REFUSED
    except Exception as exc:  # the last line of defence: no traceback, no locals
        if os.environ.get("UCBR_DEBUG"):
            raise
        ui.err(f"ucbr: internal error ({type(exc).__name__}); nothing was changed")
        return errors.REFUSED


def usage_message(exc: typer.TyperException) -> tuple[str, int]:
    """A usage error and its exit code, without echoing the value typed: it may be a name,
    and stderr is logged.

    A line the parser cannot read (an unknown command or option, a missing argument or
    value) is a usage error, 2; a value it can read but refuses (not one of the choices,
    not a number) is refused, 1, as a bad date or an unknown id is.
    """
    from typer._click.exceptions import BadParameter, MissingParameter

    text = exc.format_message()
    if not isinstance(exc, BadParameter) or isinstance(exc, MissingParameter):
        return text, errors.USAGE
    where, _, problem = text.partition(": ")
    _, found, choices = problem.partition(" is not one of ")
    return (f"{where}: not one of {choices}" if found else f"{where}; see --help"), errors.REFUSED


def entry_point() -> None:
    """The ``ucbr`` console script."""
    try:
        signal.signal(signal.SIGINT, _on_interrupt)  # first of all: see the module's docstring
        code = main()
    except (Interrupted, KeyboardInterrupt):
        code = _interrupted()
    try:  # noqa: SIM105 - no import while interrupted
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: exit with the command's code
    except (Interrupted, KeyboardInterrupt):
        pass
    sys.exit(code)
