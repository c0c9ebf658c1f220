"""The command line: thin commands over the library, and one error boundary.

Start-up is kept short: this module imports nothing heavy. ``ucbr``, ``ucbr --help`` and
``ucbr --version`` are answered from static text (``ucbr.cli.quickhelp``); any other
command imports Typer and then only the module that defines it (``ucbr.cli.lazy``).
"""

from __future__ import annotations

import functools
import os
import sys
from typing import TYPE_CHECKING, Any

from ucbr import errors

if TYPE_CHECKING:
    import typer

__all__ = ["full_app", "main"]


INTERRUPTED = 130  # what the command layer returns for Ctrl-C


def full_app() -> typer.Typer:
    """The whole Typer application, every command module imported (for docs and tests)."""
    import importlib

    from ucbr.cli import registry

    for module in dict.fromkeys(m for _, m, _ in registry.COMMANDS + registry.GROUPS):
        importlib.import_module(f"ucbr.cli.{module}")
    from ucbr.cli.app import app

    return app


@functools.cache
def _command() -> Any:
    """The command tree, built once per process (each command's module on first use)."""
    import typer.main

    from ucbr.cli.app import app

    return typer.main.get_command(app)


def main(argv: list[str] | None = None) -> int:
    """Run one command. Every failure becomes one line on stderr and a documented exit code."""
    args = hoisted(list(sys.argv[1:] if argv is None else argv))
    completing = "_UCBR_COMPLETE" in os.environ  # the shell asking what may come next
    if args in ([], ["--help"], ["-h"], ["--version"]) and not completing:
        from ucbr.cli import quickhelp

        return quickhelp.answer(args)
    return _run(args)


def hoisted(args: list[str]) -> list[str]:
    """The top level's options moved to the front from wherever they were typed:
    ``ucbr show C-… --register ~/reg`` is ``ucbr --register ~/reg show C-…``."""
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
    return front + rest


def _run(args: list[str]) -> int:
    import typer
    from pydantic import ValidationError
    from typer._click.exceptions import NoArgsIsHelpError

    from ucbr.cli import ui
    from ucbr.storage.files import readable_errors

    try:
        code = _command().main(args=args, prog_name="ucbr", standalone_mode=False)
    except errors.UcbrError as exc:
        ui.err(f"ucbr: {exc}")
        return exc.exit_code
    except ValidationError as exc:  # an option's value the models refuse, e.g. --contact-hours 9-5
        ui.err(f"ucbr: {readable_errors(exc, 'invalid value')}")
        return errors.REFUSED
    except typer.Exit as exc:
        code = int(exc.exit_code)
    except typer.Abort:
        ui.err("ucbr: aborted")
        return errors.REFUSED
    except NoArgsIsHelpError as exc:  # a group given no command: its help, and exit 2
        sys.stdout.write(exc.format_message().rstrip("\n") + "\n")
        return errors.USAGE
    except typer.TyperException as exc:
        ui.err(f"ucbr: {usage_message(exc)}")
        return errors.USAGE
    except OSError as exc:  # a file named on the command line that is missing or unreadable
        where = f": {exc.filename}" if exc.filename else ""
        ui.err(f"ucbr: {(exc.strerror or 'cannot use a file').lower()}{where}")
        return errors.REFUSED
    except KeyboardInterrupt:
        ui.err("ucbr: interrupted; nothing was changed")
        return errors.REFUSED
    except Exception as exc:  # the last line of defence: no traceback, no locals
        if os.environ.get("UCBR_DEBUG"):
            raise
        ui.err(f"ucbr: internal error ({type(exc).__name__}); nothing was changed")
        return errors.REFUSED
    if code == INTERRUPTED:
        ui.err("ucbr: interrupted; nothing was changed")
        return errors.REFUSED
    return code if isinstance(code, int) else errors.OK


def usage_message(exc: typer.TyperException) -> str:
    """A usage error, without echoing the value typed: it may be a name, and stderr is logged."""
    from typer._click.exceptions import BadParameter, MissingParameter

    text = exc.format_message()
    if not isinstance(exc, BadParameter) or isinstance(exc, MissingParameter):
        return text
    where, _, problem = text.partition(": ")
    _, found, choices = problem.partition(" is not one of ")
    return f"{where}: not one of {choices}" if found else f"{where}; see --help"


def entry_point() -> None:
    """The ``ucbr`` console script."""
    sys.exit(main())
