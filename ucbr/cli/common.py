"""What every command shares: the register, the caller's keys, the acting officer, today."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ucbr.domain.problems import Problem
from ucbr.domain.staff import StaffMember
from ucbr.domain.values import typed_date
from ucbr.errors import INTEGRITY, OK, Refused
from ucbr.services import clock
from ucbr.storage import sshkeys
from ucbr.storage.git import UNSIGNED, Signer
from ucbr.storage.sshkeys import public_key_of, same_key
from ucbr.storage.store import Register
from ucbr.storage.vault import Identity, Keyring, parse_identities, public_keys, read_identity_file

if TYPE_CHECKING:
    from ucbr.services.session import Session

Json = Annotated[bool, typer.Option("--json", help="Data as JSON on stdout.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")]
Yes = Annotated[
    bool,
    typer.Option(
        "--yes",
        "-y",
        help="Go ahead without asking. On a terminal ucbr shows what will change and asks "
        "first; off one (cron, scripts) it does not ask.",
    ),
]
ON_HELP = "The day it was actually done, YYYY-MM-DD (default: today); more than 3 days ago "
ON_HELP += "needs --late-reason, at most 60."
OnOpt = Annotated[str | None, typer.Option("--on", metavar="DATE", help=ON_HELP)]
LATE_HELP = "With --on more than 3 days ago: why the step is recorded only now (kept in the "
LATE_HELP += "case; the audit lists it)."
LateReasonOpt = Annotated[str | None, typer.Option(help=LATE_HELP)]


def finish(problems: Sequence[Problem], code: int = OK) -> None:
    """Name each unsound file on stderr, after the output, and exit: 6 if any, else ``code``."""
    from ucbr.cli import ui

    for problem in problems:
        ui.err(f"ucbr: {problem.line()}")
    exit_code = INTEGRITY if problems else code
    if exit_code:
        raise typer.Exit(exit_code)


def default_identity() -> Path:
    """Where a member of staff keeps their key unless told otherwise: ``identity.key`` (or an
    older ``identity.txt``) in ``$XDG_CONFIG_HOME/ucbr``."""
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    folder = Path(config_home) / "ucbr"
    older = folder / "identity.txt"
    return (
        older
        if older.exists() and not (folder / "identity.key").exists()
        else folder / "identity.key"
    )


def find_register(start: Path) -> Path:
    """The register ``start`` is in: itself or the nearest folder above it that holds
    ``.ucbr/policy.yaml``; refused, naming how to give one, when there is none."""
    from ucbr.storage.store import POLICY_FILE

    here = start.expanduser().resolve()
    for folder in (here, *here.parents):
        if (folder / POLICY_FILE).is_file():
            return folder
    raise Refused(
        f"not in a ucbr register (nor in a folder inside one): {here}; "
        "cd into one, or give --register or UCBR_REGISTER"
    )


@dataclass
class Options:
    """The global options, and the register and keys they lead to, opened once."""

    register_path: Path | None = None
    identity_path: Path | None = None
    passphrase_fd: int | None = None
    _reg: Register | None = field(default=None, repr=False)
    _identities: list[Identity] | None = field(default=None, repr=False)
    _unlocked: bytes | None = field(default=None, repr=False)  # a locked key, in memory
    _agent: Any = field(default=None, repr=False)
    _ring: Keyring | None = field(default=None, repr=False)
    _verified: bool = field(default=False, repr=False)

    def register(self) -> Register:
        """The register: ``--register``, else ``UCBR_REGISTER``, else the current folder;
        from any folder inside it, as git finds its repository."""
        if self._reg is None:
            from ucbr.cli import ui

            path = self.register_path or Path(os.environ.get("UCBR_REGISTER") or ".")
            self._reg = Register.open(find_register(path))
            if self._reg.recovered:
                ui.err(f"ucbr: {self._reg.recovered}")
        return self._reg

    def commits(self) -> list[str]:
        """The commits this command made, oldest first."""
        return list(self._reg.made) if self._reg is not None else []

    def remind_to_sync(self) -> None:
        """After a command that recorded something in a clone of the council's server: one
        line on stderr saying the change is local until ``ucbr sync``."""
        if self._reg is None or not self._reg.made:
            return
        from ucbr.cli import ui
        from ucbr.errors import UcbrError
        from ucbr.services.upstream import SYNC_REMINDER, upstream_of

        try:
            if upstream_of(self._reg.root) is not None:
                ui.err(f"ucbr: {SYNC_REMINDER}")
        except UcbrError:
            return

    def identity_file(self) -> Path:
        """The identity file: ``--identity``, else ``UCBR_IDENTITY_FILE``, else the default."""
        if self.identity_path is not None:
            return self.identity_path
        env = os.environ.get("UCBR_IDENTITY_FILE")
        return Path(env) if env else default_identity()

    def identities(self) -> list[Identity]:
        """The caller's own age or SSH identities, from a file only its owner can read; a
        key locked with a passphrase is unlocked in memory, the passphrase asked once."""
        if self._identities is None:
            path = self.identity_file()
            if not path.exists():
                raise Refused(
                    f"no identity file at {path}: give --identity or set UCBR_IDENTITY_FILE"
                )
            raw = read_identity_file(path)
            if sshkeys.is_locked(raw.decode(errors="replace")):
                from ucbr.cli import passphrase

                raw = sshkeys.unlock(raw, passphrase.to_unlock(path, self.passphrase_fd))
                self._unlocked = raw
            self._identities = parse_identities(raw)
        return self._identities

    def public_keys(self) -> list[str]:
        """The public halves of the caller's identities."""
        self.identities()  # refuses a missing or loosely protected file first
        return public_keys(self.identity_file().read_bytes())

    def keyring(self, verify: bool = True) -> Keyring:
        """The tier keys the caller's identity opens; refused when it opens none.

        With ``verify`` (every command but those that report on trust itself: ``audit``,
        ``check``, ``history`` and git's drivers), every commit this clone has not yet
        verified is judged first, and the command refused (exit 6) if one is unsound.
        """
        if self._ring is None:
            identities = self.identities()
            ring = self.register().keyring(identities)
            if not ring.tiers:
                raise Refused("your key opens no tier of this register")
            self._ring = ring
        if verify and not self._verified:
            from ucbr.cli import ui
            from ucbr.services.trust import verify as verify_history

            identities = self.identities()
            with ui.working("verifying the commits this clone has not yet verified"):
                notice = verify_history(self.register(), identities, self._ring)
            if notice and sys.stderr.isatty():  # cron and CI stay silent; `audit` shows it
                ui.err(f"ucbr: {notice}")
            self._verified = True
        return self._ring

    def signer(self, member: StaffMember) -> Signer:
        """How this officer's commits are signed: with their SSH key file, else with git's
        own signing settings, else (only where signing is not required) not at all."""
        path = self.identity_file()
        public = public_key_of(path.read_text(errors="replace"))
        if public is None:
            return Signer() if member.signing_key else UNSIGNED
        self.identities()  # a locked key: unlocked now, if it was not already
        if self._unlocked is None:
            return Signer(key_file=path.resolve())
        from ucbr.storage import agent

        socket = agent.holding(public)
        if socket is None:
            if self._agent is None:
                self._agent = agent.PrivateAgent(self._unlocked)
            socket = self._agent.socket
        return Signer(key_file=path.resolve(), agent=socket)

    def close(self) -> None:
        """At the end of the command: stop the agent started for a locked key, if any."""
        if self._agent is not None:
            self._agent.stop()
            self._agent = None

    def session(self, on: str | None = None, late_reason: str | None = None) -> Session:
        """Who acts, with which keys, on which register, on the policy's day; ``on`` (typed
        ``--on``) is the day the step was actually done, with ``late_reason`` why it is
        recorded only now.

        The acting officer is the git author, and only the holder of the author's own key
        acts for them: an identity file that is not the author's is refused.
        """
        from ucbr.domain.policy.dated import check_on
        from ucbr.services.session import Session  # the policy's modules: only for changes
        from ucbr.services.trust import check_new_commit

        day = clock.today()
        done = parse_date(on, "--on") if on is not None else None
        if done is not None or late_reason is not None:
            check_on(done or day, day, late_reason)
        reg = self.register()
        actor = reg.actor()
        self.check_holder(actor)
        return Session(
            reg=reg,
            ring=self.keyring(),
            actor=actor,
            today=day,
            signer=self.signer(actor),
            check=check_new_commit,
            on=done if done != day else None,
            late_reason=late_reason,
        )

    def founding_session(self, member: StaffMember) -> Session:
        """The session of the first member of staff, who adds themselves with their own key."""
        from ucbr.services.session import Session
        from ucbr.services.trust import check_new_commit

        self.check_holder(member)
        return Session(
            reg=self.register(),
            ring=Keyring(),
            actor=member,
            today=clock.today(),
            signer=self.signer(member),
            check=check_new_commit,
        )

    def check_holder(self, member: StaffMember) -> None:
        """Refuse unless the caller's identity file holds one of ``member``'s keys."""
        theirs = [*member.recipients, *([member.signing_key] if member.signing_key else [])]
        if not any(same_key(mine, key) for mine in self.public_keys() for key in theirs):
            raise Refused(
                f"your identity file is not the key of {member.id}, the git author: "
                "ucbr acts only with the author's own key"
            )


def report(ctx: typer.Context, as_json: bool, line: str, **created: object) -> None:
    """What a write command did: one line for a person; with ``--json``, the ids it created
    and the commit it made (``null`` when it made none, as for a preview)."""
    from ucbr.cli import ui

    if not as_json:
        ui.out(line)
        return
    made = options(ctx).commits()
    ui.print_json({"commit": made[-1] if made else None, **created})


def options(ctx: typer.Context) -> Options:
    """The global options of the command being run."""
    obj = ctx.find_root().obj
    assert isinstance(obj, Options)
    return obj


def spelled(value: str) -> str:
    """A stored value as the command line spells it: ``physically-aggressive``."""
    return value.replace("_", "-")


def stored(value: str) -> str:
    """A value typed on the command line as the register stores it: either spelling of
    ``physically-aggressive`` is ``physically_aggressive``."""
    return value.strip().replace("-", "_")


def parse_date(value: str, what: str) -> dt.date:
    """A date typed as YYYY-MM-DD, from 1900 to 2199; refused (without echoing it) otherwise."""
    try:
        return typed_date(value, what)
    except ValueError as exc:
        raise Refused(str(exc)) from None


def warn_free_text(
    ctx: typer.Context,
    health_fields: frozenset[str] = frozenset({"condition"}),
    **texts: str | None,
) -> None:
    """Warn (on stderr, without echoing it) when free text holds identifiers.

    Summaries and notes are narratives; e-mails, phones, NI numbers and postcodes have
    structured fields, and an address typed into a notes field is how data leaks start.
    The council's own published details are not warned of.
    """
    from ucbr.cli import ui
    from ucbr.domain.screening import screen_free_text

    public = options(ctx).register().cfg.public_details()
    for field_name, text in texts.items():
        # A property risk's condition and an adjustment's note are where what the register
        # needs of someone's health is stated, by design.
        health = field_name not in health_fields
        for warning in screen_free_text(text or "", public, health=health):
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


# Fields that may hold personal data, which can come from a file or standard input instead
# of the command line (where shell history and ``ps`` would keep them).
DETAIL_FIELDS: dict[str, type] = {
    "name": str,
    "alias": list,
    "dob": str,
    "address": str,
    "postcode": str,
    "email": list,
    "phone": list,
    "summary": str,
    "by_representative": str,
}


def read_details(source: str | None) -> dict[str, Any]:
    """Personal details from a YAML file (``-``: standard input), checked field by field."""
    if source is None:
        return {}
    from ucbr.storage.yamlio import load_strict

    raw = sys.stdin.buffer.read() if source == "-" else Path(source).expanduser().read_bytes()
    data = load_strict(raw, "--from")
    if not isinstance(data, dict):
        raise Refused("--from must hold a YAML mapping of the fields, e.g. name: …")
    unknown = sorted(str(key) for key in data if key not in DETAIL_FIELDS)
    if unknown:
        raise Refused(f"--from may hold only: {', '.join(DETAIL_FIELDS)}")
    for key, value in data.items():
        wanted = DETAIL_FIELDS[key]
        if wanted is list and isinstance(value, str):
            data[key] = [value]
        elif not isinstance(data[key], wanted) or (
            wanted is list and not all(isinstance(item, str) for item in data[key])
        ):
            raise Refused(f"--from: {key} must be {'text' if wanted is str else 'a list of text'}")
    return data


def merge_details(given: dict[str, Any], details: dict[str, Any]) -> dict[str, Any]:
    """The options typed, with the fields ``--from`` gives; refused when a field has both."""
    both = sorted(key for key in details if given.get(key))
    if both:
        raise Refused(f"--{both[0].replace('_', '-')} is given both on the line and in --from")
    return {**given, **{key: value for key, value in details.items() if value}}
