"""The one shape of a problem, whoever finds it: ``check``, ``audit``, a scan or ``review-due``.

A problem is a value, collected over the whole register and returned; nothing stops at
the first. Its message holds ids, dates, kinds and paths, never personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ucbr.errors import INTEGRITY, PROBLEMS

# "fault": the register breaks a rule (a review overdue, a letter not sent): exit 5.
# "integrity": a file or commit cannot be trusted (tampering, a bad signature): exit 6.
Severity = Literal["fault", "integrity"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong: where (file, and commit for history), which case, what, how bad."""

    path: str
    message: str
    id: str | None = None
    severity: Severity = "fault"
    commit: str | None = None

    @property
    def integrity(self) -> bool:
        """Whether the problem is one of trust rather than of policy."""
        return self.severity == "integrity"

    @property
    def exit_code(self) -> int:
        """The documented exit code this problem calls for."""
        return INTEGRITY if self.integrity else PROBLEMS

    def line(self) -> str:
        """``[commit ]path: message``, the way every command prints a problem."""
        where = f"{self.commit} {self.path}" if self.commit else self.path
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        """The problem as JSON data."""
        return {
            "path": self.path,
            "id": self.id,
            "message": self.message,
            "severity": self.severity,
            "integrity": self.integrity,
            "commit": self.commit,
        }


def exit_code_of(problems: list[Problem], clean: int = 0) -> int:
    """6 if any problem is one of integrity, else 5 if there are any, else ``clean``."""
    if any(p.integrity for p in problems):
        return INTEGRITY
    return PROBLEMS if problems else clean
