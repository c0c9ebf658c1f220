"""The invariants of the register's own files: the staff directory, the tier keys sealed
to it, the council's settings, and which files a commit may add or delete.

These are plain text (or sealed only to staff keys), so the keyless server's hook judges
them as fully as the audit does.
"""

from __future__ import annotations

from ucbr.domain.invariants.base import Invariant
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory

STAFF: tuple[Invariant[StaffDirectory], ...] = ()
SETTINGS: tuple[Invariant[PolicyConfig], ...] = ()
