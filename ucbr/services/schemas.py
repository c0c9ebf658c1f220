"""JSON Schemas of the sections, generated from the models; ``schemas/`` holds them."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.sections import CaseEntry, PropertyEntry, Schedule
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory

SCHEMAS: dict[str, type[BaseModel]] = {
    "schedule": Schedule,
    "case-entry": CaseEntry,
    "case-record": Case,
    "property-entry": PropertyEntry,
    "property-record": PropertyRisk,
    "policy": PolicyConfig,
    "staff": StaffDirectory,
}


def schema_text(model: type[BaseModel]) -> str:
    """The JSON Schema of one model, as ``schemas/`` holds it."""
    return json.dumps(model.model_json_schema(mode="validation"), indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every section's JSON Schema into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = folder / f"{name}.schema.json"
        path.write_text(schema_text(model))
        written.append(path)
    return written
