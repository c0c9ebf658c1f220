"""What every command shares: the register, the caller's keys, the acting officer, today."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import typer

from ucbr.actions import Session
from ucbr.errors import Refused, UsageError
from ucbr.store import Register
from ucbr.vault import Identity, Keyring, load_identity_file


def today() -> dt.date:
    """The policy clock: ``UCBR_TODAY`` when set (tests and demos), else the real date."""
    raw = os.environ.get("UCBR_TODAY")
    if not raw:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise UsageError("UCBR_TODAY must be a date, YYYY-MM-DD") from None


def default_identity() -> Path:
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "ucbr" / "identity.txt"


@dataclass
class Options:
    register_path: Path | None = None
    identity_path: Path | None = None
    _reg: Register | None = field(default=None, repr=False)

    def register(self) -> Register:
        if self._reg is None:
            path = self.register_path or Path(os.environ.get("UCBR_REGISTER") or ".")
            self._reg = Register.open(path)
        return self._reg

    def identity_file(self) -> Path:
        if self.identity_path is not None:
            return self.identity_path
        env = os.environ.get("UCBR_IDENTITY_FILE")
        return Path(env) if env else default_identity()

    def identities(self) -> list[Identity]:
        path = self.identity_file()
        if not path.exists():
            raise Refused(f"no identity file at {path}: give --identity or set UCBR_IDENTITY_FILE")
        return load_identity_file(path)

    def keyring(self) -> Keyring:
        ring = self.register().keyring(self.identities())
        if not ring.tiers:
            raise Refused("your key opens no tier of this register")
        return ring

    def session(self) -> Session:
        reg = self.register()
        return Session(reg=reg, ring=self.keyring(), actor=reg.actor(), today=today())


def options(ctx: typer.Context) -> Options:
    obj = ctx.find_root().obj
    assert isinstance(obj, Options)
    return obj


def parse_date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Refused(f"{what} must be a date, YYYY-MM-DD") from None


def warn_free_text(**texts: str | None) -> None:
    """Warn (on stderr, without echoing it) when free text holds identifiers.

    Summaries and notes are narratives; e-mails, phones, NI numbers and postcodes have
    structured fields, and an address typed into a notes field is how data leaks start.
    """
    from ucbr import ui
    from ucbr.screening import screen_free_text

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
    from ucbr.lookup import normalise_phone, normalise_postcode

    if any(not EMAIL_SHAPE.match(e.strip()) for e in emails or ()):
        raise Refused("--email is not an e-mail address")
    if any(normalise_phone(p) is None for p in phones or ()):
        raise Refused("--phone is not a telephone number")
    if postcode is not None and normalise_postcode(postcode) is None:
        raise Refused("--postcode is not a UK postcode")
