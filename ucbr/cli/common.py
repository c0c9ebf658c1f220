"""What every command shares: the register, the caller's keys, the acting officer, today."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ucbr.domain.problems import Problem
from ucbr.errors import INTEGRITY, OK, Refused
from ucbr.services import clock
from ucbr.storage.store import Register
from ucbr.storage.vault import Identity, Keyring, load_identity_file

if TYPE_CHECKING:
    from ucbr.services.session import Session

Json = Annotated[bool, typer.Option("--json", help="Data as JSON on stdout.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")]


def finish(problems: Sequence[Problem], code: int = OK) -> None:
    """Name each unsound file on stderr, after the output, and exit: 6 if any, else ``code``."""
    from ucbr.cli import ui

    for problem in problems:
        ui.err(f"ucbr: {problem.line()}")
    exit_code = INTEGRITY if problems else code
    if exit_code:
        raise typer.Exit(exit_code)


def default_identity() -> Path:
    """Where a member of staff keeps their identity unless told otherwise."""
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "ucbr" / "identity.txt"


@dataclass
class Options:
    """The global options, and the register and keys they lead to, opened once."""

    register_path: Path | None = None
    identity_path: Path | None = None
    _reg: Register | None = field(default=None, repr=False)

    def register(self) -> Register:
        """The register: ``--register``, else ``UCBR_REGISTER``, else the current folder."""
        if self._reg is None:
            path = self.register_path or Path(os.environ.get("UCBR_REGISTER") or ".")
            self._reg = Register.open(path)
        return self._reg

    def identity_file(self) -> Path:
        """The identity file: ``--identity``, else ``UCBR_IDENTITY_FILE``, else the default."""
        if self.identity_path is not None:
            return self.identity_path
        env = os.environ.get("UCBR_IDENTITY_FILE")
        return Path(env) if env else default_identity()

    def identities(self) -> list[Identity]:
        """The caller's own age or SSH identities, from a file only its owner can read."""
        path = self.identity_file()
        if not path.exists():
            raise Refused(f"no identity file at {path}: give --identity or set UCBR_IDENTITY_FILE")
        return load_identity_file(path)

    def keyring(self) -> Keyring:
        """The tier keys the caller's identity opens; refused when it opens none."""
        ring = self.register().keyring(self.identities())
        if not ring.tiers:
            raise Refused("your key opens no tier of this register")
        return ring

    def session(self) -> Session:
        """Who acts, with which keys, on which register, on the policy's day."""
        from ucbr.services.session import Session  # the policy's modules: only for changes

        reg = self.register()
        return Session(reg=reg, ring=self.keyring(), actor=reg.actor(), today=clock.today())


def options(ctx: typer.Context) -> Options:
    """The global options of the command being run."""
    obj = ctx.find_root().obj
    assert isinstance(obj, Options)
    return obj


def parse_date(value: str, what: str) -> dt.date:
    """A date typed as YYYY-MM-DD; refused (without echoing it) otherwise."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Refused(f"{what} must be a date, YYYY-MM-DD") from None


def warn_free_text(**texts: str | None) -> None:
    """Warn (on stderr, without echoing it) when free text holds identifiers.

    Summaries and notes are narratives; e-mails, phones, NI numbers and postcodes have
    structured fields, and an address typed into a notes field is how data leaks start.
    """
    from ucbr.cli import ui
    from ucbr.domain.screening import screen_free_text

    for field_name, text in texts.items():
        for warning in screen_free_text(text or ""):
            ui.err(f"ucbr: warning: --{field_name.replace('_', '-')}: {warning}")


EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_identifiers(
    emails: list[str] | None = None,
    phones: list[str] | None = None,
    postcode: str | None = None,
) -> None:
    """Structured identifiers must look like what they are, or lookups will never find them."""
    from ucbr.domain.matching import normalise_phone, normalise_postcode

    if any(not EMAIL_SHAPE.match(e.strip()) for e in emails or ()):
        raise Refused("--email is not an e-mail address")
    if any(normalise_phone(p) is None for p in phones or ()):
        raise Refused("--phone is not a telephone number")
    if postcode is not None and normalise_postcode(postcode) is None:
        raise Refused("--postcode is not a UK postcode")
