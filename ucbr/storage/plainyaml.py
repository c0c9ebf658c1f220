"""Reading section plaintext fast: the block YAML that ``dump_plain`` writes, line by line.

A section's plaintext is YAML written by PyYAML's emitter (``yamlio.dump_plain``): block
mappings and sequences, two-space indents, and scalars that are plain, single-quoted
(folded over several lines when long), ``[]``, ``{}``, ``null``, booleans and integers.
Reading exactly that shape with string operations costs a fifth of a YAML parse, which
matters when ``lookup`` and ``check`` read ten thousand files. Anything else (comments,
anchors, tags, escapes, tabs, flow collections, other scalar forms) makes ``read_plain``
return None, and the caller falls back to the strict YAML loader, which also says what
is wrong. Plain scalars are resolved with PyYAML's own implicit resolvers, so ``yes``,
``0123`` or ``2026-01-01`` mean here exactly what they mean to the strict loader;
``tests/test_plainyaml.py`` checks the two agree.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# A key: a plain word, or one quoted because plain it would read as something else (the
# emitter writes the field ``on`` as ``'on'``, which plain is the boolean true).
_KEY = re.compile(r"(?:([A-Za-z_][A-Za-z0-9_]*)|'([A-Za-z_][A-Za-z0-9_]*)'):(?: (.*))?")
# What may not start a plain scalar: YAML's indicators, quotes and space.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")

# The first characters PyYAML's implicit resolvers look at: a plain scalar starting with any
# other is text, whatever follows (``tests/test_plainyaml.py`` checks this list is PyYAML's).
_RESOLVED_FIRST = frozenset("+-.0123456789<=FNOTYfnoty~")


@cache
def _resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """PyYAML's implicit resolvers, by first character (imported on first use)."""
    from yaml.resolver import Resolver

    found: dict[str, list[tuple[str, re.Pattern[str]]]] = Resolver.yaml_implicit_resolvers
    return found


_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_INT = "tag:yaml.org,2002:int"
_TRUE = frozenset({"yes", "true", "on"})


class _Unsure(Exception):
    """Not the shape ``dump_plain`` writes: leave the text to the YAML loader."""


def read_plain(plain: bytes) -> Any | None:
    """The data in a section's plaintext, or None when it is not in the emitter's shape."""
    try:
        text = plain.decode()
    except UnicodeDecodeError:
        return None
    if not text.endswith("\n") or not text.replace("\n", "").isprintable():
        return None
    lines = text.split("\n")
    lines.pop()
    if not lines or lines[0].startswith(" "):
        return None
    reader = _Reader(lines)
    try:
        value = reader.block(0)
    except _Unsure:
        return None
    return value if reader.pos == len(lines) else None


def _plain(raw: str) -> bool:
    """Whether ``raw`` can be a plain scalar, or a line of one, as the emitter writes it."""
    return (
        raw != ""
        and raw[0] not in _INDICATORS
        and raw[-1] not in " :"
        and ": " not in raw
        and " #" not in raw
    )


def _resolve(value: str) -> Any:
    """A plain scalar as PyYAML's resolvers and safe constructor read it."""
    if value[:1] not in _RESOLVED_FIRST:
        return value
    for tag, pattern in _resolvers()[value[0]]:
        if pattern.match(value):
            if tag == _BOOL:
                return value.lower() in _TRUE
            if tag == _NULL:
                return None
            if tag == _INT and _DECIMAL.fullmatch(value):
                return int(value)
            raise _Unsure
    return value


def _one_line_quoted(raw: str) -> bool:
    """Whether ``raw`` is a whole single-quoted scalar: quotes at both ends, inner ones paired."""
    return len(raw) > 1 and raw[-1] == "'" and "'" not in raw[1:-1].replace("''", "")


class _Reader:
    """A cursor over the lines, reading one block at a time."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.indents = [len(line) - len(line.lstrip(" ")) for line in lines]
        self.pos = 0

    def block(self, indent: int) -> Any:
        if self.indents[self.pos] != indent:
            raise _Unsure
        if self.lines[self.pos].startswith("- ", indent):
            return self.sequence(indent)
        return self.mapping(indent)

    def ends_here(self, pos: int, indent: int) -> bool:
        """Whether no line deeper than ``indent`` follows: a scalar on ``pos - 1`` ends there."""
        return pos == len(self.lines) or self.indents[pos] <= indent

    def mapping(self, indent: int) -> dict[str, Any]:
        found: dict[str, Any] = {}
        lines, indents, pos = self.lines, self.indents, self.pos
        while pos < len(lines):
            if indents[pos] != indent:
                if indents[pos] < indent:
                    break
                raise _Unsure
            key_line = _KEY.fullmatch(lines[pos], indent)
            if key_line is None:
                raise _Unsure
            plain_key, quoted_key, raw = key_line.groups()
            key = plain_key or quoted_key
            if key in found or (
                plain_key and key[0] in _RESOLVED_FIRST and _resolve(key) is not key
            ):
                raise _Unsure
            pos += 1
            simple = raw and (pos == len(lines) or indents[pos] <= indent)
            if simple and _plain(raw):
                found[key] = raw if raw[0] not in _RESOLVED_FIRST else _resolve(raw)
            elif simple and raw[0] == "'" and _one_line_quoted(raw):
                found[key] = raw[1:-1].replace("''", "'")
            else:
                self.pos = pos
                found[key] = self.value_of(raw, indent)
                pos = self.pos
        self.pos = pos
        return found

    def value_of(self, raw: str | None, indent: int) -> Any:
        """What follows ``key:``: a scalar on the line, or a block on the lines below."""
        if raw is not None:
            return self.scalar(raw, indent)
        if self.pos >= len(self.lines):
            raise _Unsure
        here = self.indents[self.pos]
        if here > indent or (here == indent and self.lines[self.pos].startswith("- ", indent)):
            return self.block(here)
        raise _Unsure

    def sequence(self, indent: int) -> list[Any]:
        items: list[Any] = []
        lines, indents = self.lines, self.indents
        while self.pos < len(lines):
            line, here = lines[self.pos], indents[self.pos]
            if here < indent or (here == indent and not line.startswith("- ", indent)):
                break
            if here > indent:
                raise _Unsure
            content = line[indent + 2 :]
            if content.startswith("- ") or _KEY.fullmatch(content):
                # A mapping or sequence inside an item: read it as if the dash were spaces.
                lines[self.pos] = " " * (indent + 2) + content
                indents[self.pos] = indent + 2
                items.append(self.block(indent + 2))
                continue
            self.pos += 1
            if content and _plain(content) and self.ends_here(self.pos, indent):
                items.append(_resolve(content))
            else:
                items.append(self.scalar(content, indent))
        return items

    def scalar(self, raw: str, indent: int) -> Any:
        """A scalar starting with ``raw``; lines deeper than ``indent`` continue it."""
        if raw.startswith("'"):
            return self.single_quoted(raw[1:], indent)
        if raw in ("[]", "{}") or raw.startswith('"'):
            self.no_continuation(indent)
            if raw == "[]":
                return []
            if raw == "{}":
                return {}
            inner = raw[1:-1]
            if len(raw) < 2 or not raw.endswith('"') or '"' in inner or "\\" in inner:
                raise _Unsure
            return inner
        if not raw or not _plain(raw):
            raise _Unsure
        parts = [raw]
        lines, indents = self.lines, self.indents
        while self.pos < len(lines) and lines[self.pos] and indents[self.pos] > indent:
            more = lines[self.pos][indents[self.pos] :]
            if not _plain(more):
                raise _Unsure
            parts.append(more)
            self.pos += 1
        return _resolve(" ".join(parts))

    def single_quoted(self, rest: str, indent: int) -> str:
        """A single-quoted scalar after its opening quote, folded as YAML folds it.

        A line break between two lines of text is a space; each empty line, a newline.
        """
        text = ""
        line: str | None = rest
        first = True
        while True:
            assert line is not None
            close = _closing_quote(line)
            piece = line[:close] if close >= 0 else line.rstrip(" ")
            if close >= 0 and line[close + 1 :]:
                raise _Unsure
            text = piece if first else text + piece
            first = False
            if close >= 0:
                break
            line = self.next_quoted_line(indent)
            empty_lines = 0
            while line is None:
                empty_lines += 1
                line = self.next_quoted_line(indent)
            text += "\n" * empty_lines if empty_lines else " "
        self.no_continuation(indent)
        return text.replace("''", "'")

    def next_quoted_line(self, indent: int) -> str | None:
        """The next line of a quoted scalar, stripped; None for an empty line."""
        if self.pos >= len(self.lines):
            raise _Unsure
        line = self.lines[self.pos]
        self.pos += 1
        stripped = line.lstrip(" ")
        if not stripped:
            return None
        if self.indents[self.pos - 1] <= indent:
            raise _Unsure
        return stripped

    def no_continuation(self, indent: int) -> None:
        """After a scalar that has ended, nothing may be indented deeper than its key."""
        if not self.ends_here(self.pos, indent):
            raise _Unsure


def _closing_quote(text: str) -> int:
    """Where a single-quoted scalar ends in ``text`` (``''`` is a quote inside), or -1."""
    start = 0
    while True:
        found = text.find("'", start)
        if found < 0 or text[found + 1 : found + 2] != "'":
            return found
        start = found + 2
