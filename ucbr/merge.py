"""Merging two officers' work on one file, and syncing a clone with the council's server.

``merge_case`` and ``merge_property`` are pure three-way merges of records: fields
merge one by one, and lists of incidents, decisions, reviews, appeals, letters and FOI
records are matched by id (adjustments by kind and date). A field changed two ways is
a conflict, never a guess. ``merge_files`` is the git merge driver around them: it
decrypts, merges, validates, re-encrypts, and only then writes. ``sync`` is
``git pull --rebase`` then ``git push``, undone entirely when either fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ucbr import admin, envelope, git, views
from ucbr.errors import AccessDenied, Refused, UcbrError
from ucbr.model import Case, PropertyRisk
from ucbr.store import (
    SECTION_MODELS,
    Loaded,
    Register,
    case_sections,
    property_sections,
    readable_errors,
    validate,
    write_file,
)
from ucbr.textconv import item_key
from ucbr.vault import Keyring
from ucbr.yamlio import load_strict

R = TypeVar("R", Case, PropertyRisk)
_MISSING: Any = object()
# The policy takes one of these at a time on a case, so two sides adding one is a conflict.
ONE_AT_A_TIME: frozenset[str] = frozenset({"decisions", "reviews", "appeals"})
_ORDER_FIELDS = ("recorded_on", "proposed_on", "date", "received", "decided_on")


class MergeConflict(UcbrError):
    """The same field was changed two ways. The message names fields and ids, never values."""


def merge_case(base: Case, ours: Case, theirs: Case) -> Case:
    return _merge_record(base, ours, theirs, Case)


def merge_property(base: PropertyRisk, ours: PropertyRisk, theirs: PropertyRisk) -> PropertyRisk:
    return _merge_record(base, ours, theirs, PropertyRisk)


def _merge_record(base: R, ours: R, theirs: R, model: type[R]) -> R:
    if not base.id == ours.id == theirs.id:
        raise MergeConflict(f"{ours.id}: the versions being merged are of different files")
    merged = merge_value(_dump(base), _dump(ours), _dump(theirs), "")
    try:
        return model.model_validate(merged)
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
    b, o, t = _by_key(base), _by_key(ours), _by_key(theirs)
    added_ours, added_theirs = set(o) - set(b), set(t) - set(b)
    if path in ONE_AT_A_TIME and added_ours and added_theirs and added_ours != added_theirs:
        raise MergeConflict(f"{path}: both sides added to it; take one at a time and sync between")
    kept: list[Any] = []
    for key, item in b.items():
        value = merge_value(item, o.get(key, _MISSING), t.get(key, _MISSING), f"{path}[{key}]")
        if value is not _MISSING:
            kept.append(value)
    new: list[Any] = []
    for key in sorted(added_ours | added_theirs):
        new.append(
            merge_value(_MISSING, o.get(key, _MISSING), t.get(key, _MISSING), f"{path}[{key}]")
        )
    new.sort(key=_order)
    return kept + new


def _order(item: Mapping[str, Any]) -> tuple[str, str]:
    when = next((str(item[f]) for f in _ORDER_FIELDS if f in item), "")
    return when, str(item_key(item))


# --- the git merge driver -----------------------------------------------------------------


def merge_files(
    reg: Register, ring: Keyring, base: Path, ours: Path, theirs: Path, today: dt.date
) -> str:
    """Merge three versions of a register file into ``ours``; return the file's id.

    On any failure ``ours`` is left exactly as it was: the current ciphertext, with no
    conflict markers and no plaintext.
    """
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
    sections: Mapping[str, BaseModel]
    if isinstance(base, Case) and isinstance(ours, Case) and isinstance(theirs, Case):
        merged_case = merge_case(base, ours, theirs)
        _no_new_problems(
            views.case_problems(merged_case, reg.cfg, today),
            views.case_problems(ours, reg.cfg, today) + views.case_problems(theirs, reg.cfg, today),
        )
        sections = case_sections(merged_case, reg.cfg)
    elif (
        isinstance(base, PropertyRisk)
        and isinstance(ours, PropertyRisk)
        and isinstance(theirs, PropertyRisk)
    ):
        merged_prop = merge_property(base, ours, theirs)
        _no_new_problems(
            views.property_problems(merged_prop, reg.cfg, today),
            views.property_problems(ours, reg.cfg, today)
            + views.property_problems(theirs, reg.cfg, today),
        )
        sections = property_sections(merged_prop)
    else:  # pragma: no cover - the envelope kind decides the model
        raise MergeConflict(f"{previous.id}: the versions being merged are of different kinds")
    return reg.render(previous.id, sections, previous)


def _no_new_problems(merged: list[str], before: list[str]) -> None:
    """A merge must not make a record break a policy rule that neither side broke."""
    new = [p for p in merged if p not in before]
    if new:
        raise MergeConflict(f"the merged record would break a policy rule: {new[0]}")


# --- the council's server -----------------------------------------------------------------


@dataclass(frozen=True)
class Synced:
    pulled: int
    pushed: int


def clone(url: str, directory: Path) -> Register:
    """Clone a register and install its diff and merge drivers."""
    if directory.exists() and any(directory.iterdir()):
        raise Refused(f"{directory} is not empty")
    directory.parent.mkdir(parents=True, exist_ok=True)
    # From the caller's folder, so a relative path to a local repository means what it says.
    git.run(Path.cwd(), "clone", "-q", "--", url, str(directory.resolve()))
    admin.install_drivers(directory)
    return Register.open(directory)


def _count(root: Path, span: str) -> int:
    return int(git.out(root, "rev-list", "--count", span))


def _upstream(root: Path) -> str:
    proc = git.run(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
    if proc.returncode != 0:
        raise Refused("this clone has no upstream branch to sync with; clone it with `ucbr clone`")
    return proc.stdout.decode().strip()


def sync(reg: Register) -> Synced:
    """Pull the server's changes (rebasing ours, merged by the driver), then push ours."""
    root = reg.root
    with reg.locked():
        if git.run(root, "status", "--porcelain", "--untracked-files=no").stdout.strip():
            raise Refused("this clone has changes not made by ucbr; commit or discard them first")
        upstream = _upstream(root)
        before = git.head(root)
        pulled = git.run(root, "pull", "--rebase", "-q", check=False)
        if pulled.returncode != 0:
            reason = (
                _driver_reason(pulled.stderr) or _conflicted(root) or _first_line(pulled.stderr)
            )
            _restore(root, before)
            raise Refused(f"sync stopped, your clone is as it was: {reason}")
        ahead = _count(root, f"{upstream}..HEAD")
        came = _count(root, f"{before}..{upstream}") if before else _count(root, upstream)
        if ahead:
            pushed = git.run(root, "push", "-q", check=False)
            if pushed.returncode != 0:
                _restore(root, before)
                reason = _first_line(pushed.stderr)
                raise Refused(f"the server refused the push, your clone is as it was: {reason}")
        return Synced(pulled=came, pushed=ahead)


def _restore(root: Path, before: str | None) -> None:
    for state in ("rebase-merge", "rebase-apply"):
        if (root / git.out(root, "rev-parse", "--git-path", state)).exists():
            git.run(root, "rebase", "--abort", check=False)
    if before is not None:
        git.run(root, "reset", "-q", "--hard", before)


def _driver_reason(stderr: bytes) -> str | None:
    lines = stderr.decode(errors="replace").splitlines()
    return next((ln.removeprefix("ucbr: ") for ln in lines if ln.startswith("ucbr: ")), None)


def _conflicted(root: Path) -> str | None:
    names = git.out(root, "diff", "--name-only", "--diff-filter=U").split()
    return f"{names[0]} conflicts with a change on the server" if names else None


def _first_line(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode(errors="replace").splitlines() if ln.strip()]
    return lines[0] if lines else "git gave no reason"
