"""The ids nearest one typed, for "did you mean": ids only, which every clone's file names
show, so nothing a key may not read."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ucbr.errors import Refused


def nearest_ids(typed: str, ids: Sequence[str], most: int = 3) -> list[str]:
    """Up to ``most`` of ``ids`` within two edits of ``typed``, nearest first."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    text = typed.strip().upper()
    if len(text) < 4 or text[:2] not in ("C-", "P-"):
        return []
    found = process.extract(text, ids, scorer=Levenshtein.distance, limit=most, score_cutoff=2)
    return [candidate for candidate, _, _ in sorted(found, key=lambda f: (f[1], f[0]))]


def with_nearest(exc: Refused, typed: str, ids: Callable[[], Sequence[str]]) -> Refused:
    """A refusal of an id that is not the register's, with the nearest ids added when there
    are any."""
    nearest = nearest_ids(typed, ids())
    if not nearest:
        return exc
    return type(exc)(f"{exc}; did you mean {' or '.join(nearest)}?")
