"""Who is acting, with which keys, on which register, on which day; and their commits.

Every change ucbr makes goes through ``Session.commit``: one commit, carrying the
officer's trailers and the policy's date, signed with the officer's key, and judged (as
the audit would judge it) before it is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ucbr.domain import policy
from ucbr.domain.ids import new_id
from ucbr.domain.permissions import Action
from ucbr.domain.problems import Problem
from ucbr.domain.staff import StaffMember
from ucbr.errors import Refused
from ucbr.services.rules import planned_problems
from ucbr.storage import git
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring

Check = Callable[[Register, Keyring, str], list[Problem]]


def ids_in(model: BaseModel) -> set[str]:
    """Every ``id`` inside a record: incidents, decisions, reviews, appeals, letters, FOI."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("id"), str):
                found.add(value["id"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(model.model_dump(mode="json"))
    return found


def _no_check(reg: Register, ring: Keyring, sha: str) -> list[Problem]:
    del reg, ring, sha
    return []


@dataclass
class Session:
    """Who is acting, with which keys, on which register, on which day."""

    reg: Register
    ring: Keyring
    actor: StaffMember
    today: dt.date
    signer: git.Signer = git.UNSIGNED
    check: Check = field(default=_no_check)
    # The day the step was actually done (``--on``), when before ``today``; and why it is
    # recorded only now, when that is more than a few days later.
    on: dt.date | None = None
    late_reason: str | None = None

    @property
    def done_on(self) -> dt.date:
        """The day the step was done: ``--on``, else today."""
        return self.on or self.today

    def ctx(self, within: BaseModel | None = None) -> policy.Ctx:
        """The policy's context; new item ids are checked against those already in ``within``."""
        taken = ids_in(within) if within is not None else set()

        def claim(prefix: str) -> str:
            item_id = new_id(prefix, taken.__contains__)
            taken.add(item_id)
            return item_id

        return policy.Ctx(
            today=self.done_on,
            cfg=self.reg.cfg,
            policy_hash=self.reg.policy_hash,
            actor=self.actor,
            new_id=claim,
            staff=self.reg.staff,
        )

    def message(
        self,
        action: Action,
        subject_id: str,
        ids: Sequence[str] = (),
        approves: str | None = None,
        extra: Sequence[tuple[str, str]] = (),
    ) -> git.CommitMessage:
        """The commit message of one action, with the acting officer's trailers."""
        return git.CommitMessage(
            action,
            subject_id,
            officer=self.actor.id,
            policy=self.reg.policy_hash,
            day=self.today,
            ids=ids,
            approves=approves,
            extra=[*extra, *((("Ucbr-On", self.on.isoformat()),) if self.on else ())],
        )

    def commit(
        self,
        files: Mapping[str, str | bytes | None],
        message: git.CommitMessage,
        also: Callable[[str], list[Problem]] | None = None,
    ) -> str:
        """Write and commit ``files`` as this officer, signed: refused, with nothing written,
        when they break an invariant of the register's own files; undone if the audit
        would find a problem with the commit, or ``also`` one with what was made of it."""
        problems = planned_problems(
            self.reg, self.ring, files, message.action, self.actor, self.today
        )
        if problems:
            raise Refused(f"this change breaks a rule of the register: {problems[0]}")

        def judged(sha: str) -> list[Problem]:
            found = self.check(self.reg, self.ring, sha)
            return found or (also(sha) if also is not None else [])

        return self.reg.commit_files(files, message, self.signer, judged)
