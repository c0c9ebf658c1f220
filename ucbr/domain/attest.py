"""A record made outside ucbr, marked as an import: the importer's attestation.

What ``ucbr import`` does to each case it replays, for any record brought in whole (a
council's old system, a generated register): every item keeps the officer its source
named as data (``Earlier``), its actor fields name ``EARLIER_RECORDS``, and every
approval, rejection or appeal decision is the importer's, whose signed commit vouches for
it. A letter brought in keeps no hashes: ucbr never saw it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.provenance import EARLIER_RECORDS, CaseImport, Earlier

R = TypeVar("R", Case, PropertyRisk)
DOERS = ("reported_by", "proposed_by", "recorded_by", "lodged_by", "by")
DECIDERS = ("approved_by", "rejected_by", "decided_by")
_ITEMS = ("incidents", "decisions", "reviews", "appeals", "adjustments", "letters")


def _item(item: Any, importer: str, rows: Mapping[str, Earlier], key: str) -> Any:
    doer = next((getattr(item, f) for f in DOERS if getattr(item, f, None)), None)
    decider = next((getattr(item, f) for f in DECIDERS if getattr(item, f, None)), None)
    update: dict[str, Any] = {
        "imported": rows.get(key) or Earlier(officer=doer, approver=decider),
        **{f: EARLIER_RECORDS for f in DOERS if getattr(item, f, None)},
        **{f: importer for f in DECIDERS if getattr(item, f, None)},
    }
    if hasattr(item, "sha256"):  # a letter: sent, but never seen by ucbr
        update |= {"format": None, "sha256": None, "template_sha256": None, "copy_of": None}
    return item.model_copy(update=update)


def _key(item: Any) -> str:
    """An item's id; an adjustment, which has none, by its kind."""
    return str(getattr(item, "id", None) or getattr(item, "kind", ""))


def attest(
    record: R,
    importer: str,
    on: dt.date,
    source_sha256: str,
    rows: Mapping[str, Earlier] | None = None,
    reference: str | None = None,
) -> R:
    """``record`` as ``importer`` brings it in, on ``on``, from the file hashed
    ``source_sha256``; ``rows`` gives each item's row, by its id (an adjustment by kind)."""
    found = rows or {}
    if isinstance(record, PropertyRisk):
        decision = record.decision.model_copy(
            update={
                f: importer for f in ("approved_by", "rejected_by") if getattr(record.decision, f)
            }
        )
        return record.model_copy(update={"decision": decision})
    update: dict[str, Any] = {
        name: tuple(_item(i, importer, found, _key(i)) for i in getattr(record, name))
        for name in _ITEMS
    }
    update["imported"] = CaseImport(
        by=importer, on=on, source_sha256=source_sha256, reference=reference
    )
    return Case.model_validate(record.model_copy(update=update).model_dump())
