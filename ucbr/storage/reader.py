"""Opening sections for scans and ``check``: from the cache when the file is unchanged.

A ``SectionReader`` opens one section of one file at a time: from the tier's cache when
the file's blob id is there, otherwise by reading and decrypting the file, and then
remembers what to add to the cache. Either way the caller gets the section's data as its
YAML says it, to validate against the models; nothing cached is trusted further than that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from ucbr.domain.ids import file_path, parse_file_id
from ucbr.domain.staff import SECTION_KEY, Tier
from ucbr.errors import IntegrityError
from ucbr.storage import envelope
from ucbr.storage.cache import SectionCache, blob_id, json_faithful, to_payload
from ucbr.storage.files import read_register_file, readable_errors, register_text, validate
from ucbr.storage.plainyaml import read_plain
from ucbr.storage.store import SECTION_MODELS, Register
from ucbr.storage.vault import Keyring
from ucbr.storage.yamlio import load_strict


@dataclass
class CacheUpdates:
    """What a run learnt for the caches: new entries, and the blob ids still in use."""

    added: dict[Tier, dict[str, bytes]] = field(default_factory=dict)
    present: dict[Tier, set[str]] = field(default_factory=dict)

    def merge(self, other: CacheUpdates) -> None:
        """Add what another worker learnt."""
        for tier, entries in other.added.items():
            self.added.setdefault(tier, {}).update(entries)
        for tier, blobs in other.present.items():
            self.present.setdefault(tier, set()).update(blobs)

    def save(self, caches: Mapping[Tier, SectionCache]) -> None:
        """Write each cache that changed (moving the new entries into it)."""
        for tier, cache in caches.items():
            cache.save(self.added.pop(tier, {}), self.present.pop(tier, set()))


@dataclass
class FileText:
    """One file as read: its text and its blob id."""

    id: str
    text: str
    blob: str


@dataclass(frozen=True)
class Opened:
    """A section opened: its data as decrypted, or the same data as JSON from the cache."""

    data: Any = None
    payload: bytes | None = None


class SectionReader:
    """Opens sections with the caller's tier keys, through the caches it is given."""

    def __init__(
        self, reg: Register, ring: Keyring, caches: Mapping[Tier, SectionCache] | None = None
    ) -> None:
        self.reg = reg
        self.root = str(reg.root)
        self.ring = ring
        self.caches = caches or {}
        self.updates = CacheUpdates()

    def read(self, file_id: str) -> FileText:
        """A file's text and blob id; ``NotFound`` when there is no such file."""
        file_id = parse_file_id(file_id)
        where = file_path(file_id)
        raw = read_register_file(f"{self.root}/{where}", where, file_id)
        return FileText(file_id, register_text(raw, where), blob_id(raw))

    def cached(self, name: str, blob: str | None) -> bytes | None:
        """The section's data as JSON from the cache, or None (no cache, or not this content)."""
        cache = self.caches.get(SECTION_KEY[name])
        return cache.get(blob) if cache is not None else None

    def opened(self, file: FileText, name: str, armored: str | None = None) -> Opened:
        """A section of a file read: from the cache, or decrypted (its armor if given)."""
        payload = self.cached(name, file.blob)
        if payload is not None:
            self.note(name, file.blob)
            return Opened(payload=payload)
        if armored is None:
            armored = envelope.fast_section(file.text, name)
        if armored is None:
            armored = envelope.parse(file.text, file_path(file.id)).sections[name]
        return Opened(data=self.parse(file, name, self.ring.open(name, armored)))

    def parse(self, file: FileText, name: str, plain: bytes) -> Any:
        """A decrypted section's data, read fast when it has the usual shape; noted for caching."""
        data = read_plain(plain)
        faithful = data is not None
        if data is None:
            data = load_strict(plain, f"{file_path(file.id)} ({name})")
            faithful = json_faithful(data)
        tier = SECTION_KEY[name]
        if faithful and tier in self.caches:
            self.updates.added.setdefault(tier, {})[file.blob] = to_payload(data)
            self.note(name, file.blob)
        return data

    def note(self, name: str, blob: str) -> None:
        """Keep this file's entry in the cache of ``name``'s tier."""
        self.updates.present.setdefault(SECTION_KEY[name], set()).add(blob)

    def section(self, file_id: str, name: str, opened: Opened) -> BaseModel:
        """The section validated as its model, and checked to be this file's."""
        path = file_path(file_id)
        model = SECTION_MODELS[envelope.kind_of(file_id)][name]
        if opened.payload is None:
            section = validate(model, opened.data, f"{path} ({name})")
        else:
            try:
                section = model.model_validate_json(opened.payload)
            except ValidationError as exc:
                raise IntegrityError(readable_errors(exc, f"{path} ({name})")) from None
        if getattr(section, "id", file_id) != file_id:
            raise IntegrityError(f"{path}: the {name} section belongs to another file")
        return section

    def open(self, file_id: str, name: str, payload: bytes | None = None) -> BaseModel:
        """One section of one file, validated: from ``payload`` (the cache's) when given."""
        opened = Opened(payload=payload) if payload else self.opened(self.read(file_id), name)
        return self.section(file_id, name, opened)
