"""What every invariant shares: the facts it is judged with, its shape, and how it is run.

An invariant is one named rule a record (or the register's own files) must satisfy, as a
pure function of the thing judged and the ``Facts`` in force, in the style of a ledger
checker's list of validations: ``(before, after, facts) -> messages``. ``before`` is the
thing at the parent commit (None for a new file, and when the thing is judged as it
stands); a rule about the state alone ignores it, a rule about a change reads both.

The same registry is run by three readers, so the rule is written once:

- the write path, on the record it is about to commit (``facts.action`` and
  ``facts.actor`` set): a problem the change introduces refuses the command;
- ``check``, on every record as it stands (no action, no actor, ``before`` None);
- the audit and the server's hook, on every commit against its parent, with the staff
  directory and policy in force at the parent.

A change is blamed only for what it introduces (``introduced``): a record that already
broke a rule, or whose approver has since left, does not make every later letter on it
a problem. Nothing here reads a clock: what depends on the day (a review overdue, a
letter owed) is ``ucbr.domain.faults``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory, StaffMember

T = TypeVar("T")
# What an invariant judges: a case record, a property record, the staff directory (and the
# tier keys sealed to it), the council's settings, or the register's files as a whole.
Subject = Literal["case", "property", "staff", "settings", "register"]


@dataclass(frozen=True)
class Facts:
    """What a rule is judged with: the policy and staff in force, and, for a change, which
    action made it and who took it."""

    cfg: PolicyConfig | None
    staff: StaffDirectory
    action: str | None = None  # None: the thing judged as it stands (``check``)
    actor: StaffMember | None = None


@dataclass(frozen=True)
class Invariant(Generic[T]):
    """One rule: its name, the sentence it keeps, and the function that judges it."""

    name: str  # kebab-case, unique: how a problem and docs/trust.md name it
    rule: str  # the policy's own sentence, or the register's rule in plain words
    subject: Subject
    judge: Callable[[T | None, T, Facts], Iterable[str]]
    needs_key: bool = True  # False: the keyless server's hook can judge it too

    def messages(self, before: T | None, after: T, facts: Facts) -> list[str]:
        """What is wrong, one line each, prefixed with the invariant's name."""
        return [f"{message} [{self.name}]" for message in self.judge(before, after, facts)]


def judge_all(
    invariants: Sequence[Invariant[T]], before: T | None, after: T, facts: Facts
) -> list[str]:
    """Every message of every invariant, in registry order."""
    return [m for inv in invariants for m in inv.messages(before, after, facts)]


def introduced(
    invariants: Sequence[Invariant[T]], before: T | None, after: T, facts: Facts
) -> list[str]:
    """What a change from ``before`` to ``after`` breaks that was not already broken.

    A rule about the state alone is judged on both sides with the same facts, so a
    problem that was there before (or that only the passing of staff made) is not blamed
    on the change; a rule about the change itself is judged once.
    """
    after_msgs = judge_all(invariants, before, after, facts)
    if before is None:
        return after_msgs
    as_it_stood = Facts(facts.cfg, facts.staff)
    before_msgs = set(judge_all(invariants, None, before, as_it_stood))
    return [m for m in after_msgs if m not in before_msgs]


def registry(*groups: Sequence[Invariant[T]]) -> tuple[Invariant[T], ...]:
    """One tuple of invariants whose names are unique."""
    found = tuple(inv for group in groups for inv in group)
    names = [inv.name for inv in found]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate is not None:
        raise ValueError(f"two invariants are named {duplicate}")
    return found
