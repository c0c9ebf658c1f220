"""The council's settings: ``.ucbr/policy.yaml`` and its letter templates, changed only by an
administrator, in one signed, audited commit (``Ucbr-Action: settings``).

A setting is any field of ``PolicyConfig`` (``retention.violence_years`` for a nested one);
the new file is validated before it is written. A council's own letter template is copied
in whole from a plain file; ``ucbr letter`` reads it from the commit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ucbr.domain.permissions import ADMINISTRATORS
from ucbr.domain.settings import PolicyConfig
from ucbr.errors import Refused
from ucbr.services.session import Session
from ucbr.storage.files import readable_errors
from ucbr.storage.store import POLICY_FILE, POLICY_HEADER, TEMPLATE_NAME, TEMPLATES_DIR
from ucbr.storage.yamlio import dump_plain

MAX_TEMPLATE = 100_000


def settings_of(cfg: PolicyConfig) -> dict[str, Any]:
    """Every setting, by its dotted name."""
    flat: dict[str, Any] = {}
    for name, value in cfg.model_dump(mode="json").items():
        if isinstance(value, dict):
            flat.update({f"{name}.{inner}": v for inner, v in value.items()})
        else:
            flat[name] = value
    return flat


def _value(text: str) -> Any:
    """A value as typed: a whole number, yes/no/true/false, or text."""
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    if text.lower() in ("true", "yes", "false", "no"):
        return text.lower() in ("true", "yes")
    return text


def _require_administrator(session: Session) -> None:
    if session.actor.role not in ADMINISTRATORS:
        raise Refused("only a manager, head of service or IG officer may change the settings")


def set_setting(session: Session, key: str, text: str) -> PolicyConfig:
    """Change one setting, validated, in one commit."""
    _require_administrator(session)
    known = settings_of(session.reg.cfg)
    if key not in known:
        raise Refused(f"no setting {key[:60]!r}; the settings are: {', '.join(known)}")
    data = session.reg.cfg.model_dump(mode="json")
    outer, _, inner = key.partition(".")
    value = _value(text) if not isinstance(known[key], str) else text
    if inner:
        data[outer][inner] = value
    else:
        data[outer] = value
    try:
        cfg = PolicyConfig.model_validate(data)
    except ValidationError as exc:
        raise Refused(readable_errors(exc, "refused")) from None
    files = {POLICY_FILE: POLICY_HEADER + dump_plain(cfg.model_dump(mode="json"))}
    session.commit(files, session.message("settings", ""))
    return cfg


def set_template(session: Session, name: str, source: Path | None) -> None:
    """Put a council's own letter template (or, with no ``source``, remove it), in one commit."""
    _require_administrator(session)
    if not TEMPLATE_NAME.fullmatch(name):
        raise Refused("a template's name is like formal-warning.html.j2 or _layout.md.j2")
    text: str | None = None
    if source is not None:
        if source.is_symlink() or not source.is_file():
            raise Refused(f"{source} is not a plain file")
        raw = source.read_bytes()
        if len(raw) > MAX_TEMPLATE:
            raise Refused(f"{source} is larger than a letter template can be")
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            raise Refused(f"{source} is not UTF-8 text") from None
    path = f"{TEMPLATES_DIR}/{name}"
    if text is None and path.split("/")[-1] not in session.reg.committed_templates():
        raise Refused(f"there is no template {name} of the council's to remove")
    session.commit({path: text}, session.message("settings", ""))
