"""Who is acting, with which keys, on which register, on which day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ucbr.domain import policy
from ucbr.domain.ids import new_id
from ucbr.domain.permissions import Action
from ucbr.domain.staff import StaffMember
from ucbr.storage import git
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring


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


@dataclass
class Session:
    """Who is acting, with which keys, on which register, on which day."""

    reg: Register
    ring: Keyring
    actor: StaffMember
    today: dt.date

    def ctx(self, within: BaseModel | None = None) -> policy.Ctx:
        """The policy's context; new item ids are checked against those already in ``within``."""
        taken = ids_in(within) if within is not None else set()

        def claim(prefix: str) -> str:
            item_id = new_id(prefix, taken.__contains__)
            taken.add(item_id)
            return item_id

        return policy.Ctx(
            today=self.today,
            cfg=self.reg.cfg,
            policy_hash=self.reg.policy_hash,
            actor=self.actor,
            new_id=claim,
            staff=self.reg.staff,
        )

    def message(
        self, action: Action, file_id: str, approves: str | None = None
    ) -> git.CommitMessage:
        """The commit message of one action on one file, with the acting officer's trailers."""
        return git.CommitMessage(
            action, file_id, officer=self.actor.id, policy=self.reg.policy_hash, approves=approves
        )
