"""The error classes, one per documented exit code.

Nothing below the CLI prints or exits: it raises one of these, and the CLI's single
error boundary turns it into one line on stderr and the class's exit code.
"""

from __future__ import annotations

OK = 0
REFUSED = 1
USAGE = 2
DUE = 3
OVERDUE = 4
PROBLEMS = 5
INTEGRITY = 6


class UcbrError(Exception):
    """A one-line, user-facing reason. Never holds personal data."""

    exit_code = REFUSED


class Refused(UcbrError, ValueError):
    """Bad input or a policy rule said no."""

    exit_code = REFUSED


class NotFound(Refused, LookupError):
    """An id that is not in the register."""


class UsageError(UcbrError):
    """An unknown option or a missing argument."""

    exit_code = USAGE


class IntegrityError(UcbrError):
    """Tampering, a bad signature or a file that will not decrypt."""

    exit_code = INTEGRITY


class AccessDenied(Refused, PermissionError):
    """The caller's key cannot read what the command needs."""
