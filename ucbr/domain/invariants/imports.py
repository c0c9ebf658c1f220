"""The invariants of records brought in by ``ucbr import``: what an import may claim."""

from __future__ import annotations

from ucbr.domain.invariants.base import Invariant
from ucbr.domain.model import Case

CASE: tuple[Invariant[Case], ...] = ()
