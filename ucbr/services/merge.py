"""Merging two officers' work on one file, and syncing a clone with the council's server.

``merge_case`` and ``merge_property`` are pure three-way merges of records: fields
merge one by one, and lists of incidents, decisions, reviews, appeals, letters and FOI
records are matched by id (adjustments by kind and date). A field changed two ways is
a conflict, never a guess. ``merge_files`` is the git merge driver around them: it
decrypts, merges, validates, re-encrypts, and only then writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ucbr.domain.commitment import new_salt
from ucbr.domain.faults import case_problems, property_problems
from ucbr.domain.fields import item_key
from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.problems import Problem
from ucbr.domain.views import sections_of
from ucbr.errors import AccessDenied, IntegrityError, UcbrError
from ucbr.storage import envelope, git
from ucbr.storage.files import readable_errors, validate, write_file
from ucbr.storage.store import SECTION_MODELS, Loaded, Register
from ucbr.storage.vault import Keyring, decrypt
from ucbr.storage.yamlio import load_strict

R = TypeVar("R", Case, PropertyRisk)
_MISSING: Any = object()
# The policy takes one of these at a time on a case, so two sides adding one is a conflict.
ONE_AT_A_TIME: frozenset[str] = frozenset({"decisions", "reviews", "appeals"})
_ORDER_FIELDS = ("recorded_on", "proposed_on", "date", "received", "decided_on")


class MergeConflict(UcbrError):
    """The same field was changed two ways. The message names fields and ids, never values."""


def merge_case(base: Case, ours: Case, theirs: Case) -> Case:
    """Merge two versions of a case record with their common ancestor."""
    return _merge_record(base, ours, theirs, Case)


def merge_property(base: PropertyRisk, ours: PropertyRisk, theirs: PropertyRisk) -> PropertyRisk:
    """Merge two versions of a property record with their common ancestor."""
    return _merge_record(base, ours, theirs, PropertyRisk)


def _merge_record(base: R, ours: R, theirs: R, model: type[R]) -> R:
    if not base.id == ours.id == theirs.id:
        raise MergeConflict(f"{ours.id}: the versions being merged are of different files")
    # Each side's salt is its own revision's; a merged record that is neither side's is a new
    # revision, whose salt the driver draws (and ``sync`` commits to it again).
    sides = [_dump(r.model_copy(update={"salt": None})) for r in (base, ours, theirs)]
    merged = merge_value(sides[0], sides[1], sides[2], "")
    try:
        return _salted(model.model_validate(merged), ours, theirs)
    except ValidationError as exc:
        raise MergeConflict(readable_errors(exc, f"{ours.id}: the merged record")) from None


def _dump(model: BaseModel) -> Any:
    return model.model_dump(mode="json", exclude_none=True)


def merge_value(base: Any, ours: Any, theirs: Any, path: str) -> Any:
    """A three-way merge of plain data; ``_MISSING`` stands for an absent key or item."""
    if ours == theirs:
        return ours
    if ours == base:
        return theirs
    if theirs == base:
        return ours
    if all(isinstance(v, Mapping) for v in (base, ours, theirs)):
        return _merge_mapping(base, ours, theirs, path)
    if _keyed(ours) and _keyed(theirs) and (base is _MISSING or _keyed(base)):
        return _merge_items(base if isinstance(base, list) else [], ours, theirs, path)
    raise MergeConflict(f"{path or 'the record'} was changed two ways")


def _merge_mapping(
    base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any], path: str
) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key in dict.fromkeys([*ours, *theirs, *base]):
        where = f"{path}.{key}" if path else key
        value = merge_value(
            base.get(key, _MISSING), ours.get(key, _MISSING), theirs.get(key, _MISSING), where
        )
        if value is not _MISSING:
            merged[key] = value
    return merged


def _keyed(value: Any) -> bool:
    if not isinstance(value, list):
        return False
    keys = [item_key(item) for item in value]
    return None not in keys and len(set(keys)) == len(keys)


def _by_key(items: list[Any]) -> dict[str, Any]:
    return {str(item_key(item)): item for item in items}


def _merge_items(base: list[Any], ours: list[Any], theirs: list[Any], path: str) -> list[Any]:
    """Match items by key; keep the base order, then the new items in date order."""
    base_by, ours_by, theirs_by = _by_key(base), _by_key(ours), _by_key(theirs)
    added_ours, added_theirs = set(ours_by) - set(base_by), set(theirs_by) - set(base_by)
    if path in ONE_AT_A_TIME and added_ours and added_theirs and added_ours != added_theirs:
        raise MergeConflict(f"{path}: both sides added to it; take one at a time and sync between")
    kept: list[Any] = []
    for key, item in base_by.items():
        value = merge_value(
            item, ours_by.get(key, _MISSING), theirs_by.get(key, _MISSING), f"{path}[{key}]"
        )
        if value is not _MISSING:
            kept.append(value)
    new: list[Any] = []
    for key in sorted(added_ours | added_theirs):
        new.append(
            merge_value(
                _MISSING, ours_by.get(key, _MISSING), theirs_by.get(key, _MISSING), f"{path}[{key}]"
            )
        )
    new.sort(key=_order)
    return kept + new


def _order(item: Mapping[str, Any]) -> tuple[str, str]:
    when = next((str(item[f]) for f in _ORDER_FIELDS if f in item), "")
    return when, str(item_key(item))


# --- the git merge driver -----------------------------------------------------------------


def merge_inputs(root: Path) -> list[str]:
    """The commits whose files a merge driver is handed, to be verified before it opens or
    seals anything: during a rebase, the commit rebased onto and the work being rebased
    (``ORIG_HEAD``); during a merge, both sides; else HEAD."""
    for state in ("rebase-merge", "rebase-apply"):
        onto = root / git.out(root, "rev-parse", "--git-path", f"{state}/onto")
        if onto.is_file():
            return [*_commits(root, "ORIG_HEAD"), onto.read_text().strip()]
    return _commits(root, "HEAD", "MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD")


def _commits(root: Path, *names: str) -> list[str]:
    found = []
    for name in names:
        proc = git.run(root, "rev-parse", "--verify", "-q", f"{name}^{{commit}}", check=False)
        if proc.returncode == 0:
            found.append(proc.stdout.decode().strip())
    return found


def merge_files(
    reg: Register,
    rings: Sequence[Keyring],
    base: Path,
    ours: Path,
    theirs: Path,
    today: dt.date,
) -> str:
    """Merge three versions of a register file into ``ours``; return the file's id.

    ``rings`` are the caller's keys now and, during a rebase, as they were before it: one
    side may be sealed to tier keys the server has since replaced. The merged file is
    sealed to the tier keys in force. On any failure ``ours`` is left exactly as it was:
    the current ciphertext, with no conflict markers and no plaintext.
    """
    ring = _AnyOf(rings)
    if not ring.can_read("record"):
        raise AccessDenied("merging register files needs a casework key")
    o_text = ours.read_text()
    o_env = envelope.parse(o_text, "ours")
    t_env = envelope.parse(theirs.read_text(), "theirs")
    b_text = base.read_text() if base.exists() else ""
    if not b_text.strip():
        raise MergeConflict(f"{o_env.id} was created on both sides")
    b_env = envelope.parse(b_text, "base")
    if not o_env.id == t_env.id == b_env.id:
        raise MergeConflict(f"{o_env.id}: the versions being merged are of different files")
    plain = {s: ring.open(s, o_env.sections[s]) for s in o_env.sections if ring.can_read(s)}
    previous = Loaded(o_env.id, o_text, o_env, plain)
    try:
        text = _merged_text(reg, ring, (b_env, o_env, t_env), previous, today)
    except MergeConflict as exc:
        message = str(exc)
        raise MergeConflict(
            message if message.startswith(o_env.id) else f"{o_env.id}: {message}"
        ) from None
    write_file(ours, text)
    return o_env.id


class _AnyOf(Keyring):
    """Several keyrings tried in turn, the current one first."""

    def __init__(self, rings: Sequence[Keyring]) -> None:
        super().__init__(dict(rings[0].tiers) if rings else {})
        self.rings = list(rings)

    def can_read(self, section: str) -> bool:
        """Whether any of the keyrings opens ``section``."""
        return any(ring.can_read(section) for ring in self.rings)

    def open(self, section: str, armored: str) -> bytes:
        """The section's plaintext, from the first keyring that opens it."""
        for ring in self.rings:
            if ring.can_read(section):
                plain = decrypt(armored, ring.identities_for(section))
                if plain is not None:
                    return plain
        raise IntegrityError(f"a {section} section is not encrypted to its tier keys")


def _record(ring: Keyring, env: envelope.Envelope) -> BaseModel:
    model = SECTION_MODELS[env.kind]["record"]
    where = f"{env.id} (record)"
    return validate(model, load_strict(ring.open("record", env.sections["record"]), where), where)


def _merged_text(
    reg: Register,
    ring: Keyring,
    envs: tuple[envelope.Envelope, envelope.Envelope, envelope.Envelope],
    previous: Loaded,
    today: dt.date,
) -> str:
    base, ours, theirs = (_record(ring, env) for env in envs)
    merged: Case | PropertyRisk
    if isinstance(base, Case) and isinstance(ours, Case) and isinstance(theirs, Case):
        merged = merge_case(base, ours, theirs)
        found = case_problems(merged, reg.cfg, today)
        before = case_problems(ours, reg.cfg, today) + case_problems(theirs, reg.cfg, today)
    elif (
        isinstance(base, PropertyRisk)
        and isinstance(ours, PropertyRisk)
        and isinstance(theirs, PropertyRisk)
    ):
        merged = merge_property(base, ours, theirs)
        found = property_problems(merged, reg.cfg, today)
        before = property_problems(ours, reg.cfg, today) + property_problems(theirs, reg.cfg, today)
    else:  # pragma: no cover - the envelope kind decides the model
        raise MergeConflict(f"{previous.id}: the versions being merged are of different kinds")
    _no_new_problems(found, before)
    if merged.salt is None:  # a new revision: a new salt (``sync`` commits to it again)
        merged = merged.model_copy(update={"salt": new_salt()})
    return reg.render(previous.id, sections_of(merged, reg.cfg), previous)


def _salted(merged: R, ours: R, theirs: R) -> R:
    """The merged record under a side's own salt when it is that side's record: a file only
    sealed again on the other side is not a new revision, so needs no new commitment. A
    record neither side had is left without one, for the driver to draw."""
    for side in (theirs, ours):
        if _dump(side.model_copy(update={"salt": None})) == _dump(merged):
            return merged.model_copy(update={"salt": side.salt})
    return merged


def _no_new_problems(merged: list[Problem], before: list[Problem]) -> None:
    """A merge must not make a record break a policy rule that neither side broke."""
    known = {p.message for p in before}
    new = [p.message for p in merged if p.message not in known]
    if new:
        raise MergeConflict(f"the merged record would break a policy rule: {new[0]}")
