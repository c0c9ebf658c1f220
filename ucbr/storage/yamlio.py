"""YAML in and out.

Reads are strict: aliases (a "billion laughs") and duplicate keys are refused before any
value is built. Scans use libyaml's C parser; writes of the envelope go through
ruamel.yaml's round trip so comments and key order survive.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from ucbr.errors import IntegrityError

if TYPE_CHECKING:
    import yaml
    from ruamel.yaml import YAML

# PyYAML is imported when YAML is first read or written, not before: a scan that finds
# every section in its cache never needs it.


def _check_node(node: yaml.Node, seen: set[int]) -> None:
    import yaml

    if id(node) in seen:
        raise IntegrityError("YAML aliases are not allowed")
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[object] = set()
        for key, value in node.value:
            marker = (key.tag, key.value) if isinstance(key, yaml.ScalarNode) else id(key)
            if marker in keys:
                raise IntegrityError(f"duplicate key {str(key.value)[:40]!r} in YAML")
            keys.add(marker)
            _check_node(key, seen)
            _check_node(value, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_node(item, seen)


def load_strict(text: str | bytes, what: str = "YAML") -> Any:
    """Parse one YAML document, refusing aliases, duplicate keys and malformed text."""
    import yaml

    strict_loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        loader = strict_loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_node(node, set())
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise IntegrityError(f"{what} is not valid YAML{where}") from None


def dump_plain(data: Any) -> str:
    """Section plaintext: block-style YAML with keys in model order."""
    import yaml

    return yaml.dump(
        data,
        Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
    )


def round_trip() -> YAML:
    """ruamel.yaml's round trip, set to keep comments, quotes and key order."""
    from ruamel.yaml import YAML  # slow to import: only when a file is rewritten

    rt = YAML(typ="rt")
    rt.width = 4096
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def rt_load(text: str) -> Any:
    """Load YAML keeping its comments and order."""
    return round_trip().load(text)


def rt_dump(data: Any) -> str:
    """Dump round-trip YAML."""
    buf = io.StringIO()
    round_trip().dump(data, buf)
    return buf.getvalue()
