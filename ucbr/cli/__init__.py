"""The command line: thin commands over the library, and one error boundary."""

from __future__ import annotations

import functools
import os
import sys
from typing import Any

import typer
import typer.main
from pydantic import ValidationError
from typer._click.exceptions import BadParameter, MissingParameter

from ucbr import errors
from ucbr.cli import (  # noqa: F401 - each module adds its commands to the app
    appeals,
    audit,
    cases,
    data,
    keys,
    letters,
    lookup,
    properties,
    register,
    reviews,
    server,
    settings,
    staff,
    ui,
)
from ucbr.cli.app import app
from ucbr.storage.files import readable_errors

__all__ = ["app", "main"]


INTERRUPTED = 130  # what the command layer returns for Ctrl-C


@functools.cache
def _command() -> Any:
    """The command tree, built once per process."""
    return typer.main.get_command(app)


def main(argv: list[str] | None = None) -> int:
    """Run one command. Every failure becomes one line on stderr and a documented exit code."""
    try:
        code = _command().main(args=argv, prog_name="ucbr", standalone_mode=False)
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
    text = exc.format_message()
    if not isinstance(exc, BadParameter) or isinstance(exc, MissingParameter):
        return text
    where, _, problem = text.partition(": ")
    _, found, choices = problem.partition(" is not one of ")
    return f"{where}: not one of {choices}" if found else f"{where}; see --help"


def entry_point() -> None:
    sys.exit(main())
