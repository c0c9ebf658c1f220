"""Who took part in a case, by the history's own trailers: the appeal's "officer who was not
involved in the original decision" is judged against the record and against this, so a
record edited to hide an officer does not hide them."""

from __future__ import annotations

from ucbr.domain.ids import file_path
from ucbr.storage import gitlog
from ucbr.storage.store import Register


def involved_in_history(reg: Register, file_id: str) -> frozenset[str]:
    """Officers whose commits proposed, approved or rejected a decision on this file.

    The appeal rule is checked against the record and, independently, against the
    history's own trailers, so a record edited to hide an officer does not hide them.
    """
    involved: set[str] = set()
    for commit in gitlog.log(reg.root, paths=[file_path(file_id)]):
        if commit.action in {"escalate", "approve", "reject", "add-incident", "review"}:
            if commit.officer:
                involved.add(commit.officer)
            member = reg.staff.by_email(commit.author_email)
            if member is not None:
                involved.add(member.id)
    return frozenset(involved)
