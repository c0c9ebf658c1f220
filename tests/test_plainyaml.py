"""The fast plaintext reader gives exactly what the strict YAML loader gives, or declines.

Whatever ``read_plain`` accepts must load to the same data as ``load_strict``; whatever
the strict loader refuses, ``read_plain`` must decline, so the loader's error is what
the caller sees. Checked on what the emitter writes and on text it never would.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ucbr.errors import IntegrityError
from ucbr.storage.plainyaml import read_plain
from ucbr.storage.yamlio import dump_plain, load_strict

WORDS = [
    "yes", "No", "on", "OFF", "null", "~", "true", "12", "0123", "0x1f", "1:20", "1e3", ".5",
    "2026-01-01", "a: b", "it's", "- x", "#c", " x ", "x #y", "x:", "=", "<<", "&a", "*a",
    "!t", "[x]", "{x}", "-1", "+1", "'q'", '"q"', "é", "a\nb", "a\n\nb", "\n", "", " ",
    "x\ty", "x\u2028y", "x\x85y", "\x07", "a,b", "a:b", "http://x/y", "%x", "@x", "`x",
]  # fmt: skip
text = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from(list("ab :#'\"-\n")), max_size=40),
    st.lists(
        st.sampled_from(["word", "x", "it's", "a:b", "c,d", "é"]), min_size=10, max_size=40
    ).map(" ".join),
    st.text(alphabet=st.sampled_from(list("ab '\n")), min_size=70, max_size=200),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), text)
keys = st.one_of(st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True), st.sampled_from(WORDS))
data = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(keys, inner, min_size=0, max_size=4)
    ),
    max_leaves=20,
)
documents = st.one_of(st.dictionaries(keys, data, min_size=1, max_size=6), st.lists(data))


def strict(raw: bytes) -> tuple[bool, Any]:
    try:
        return True, load_strict(raw)
    except IntegrityError:
        return False, None


@settings(max_examples=600)
@given(documents)
@example({"a": "x " * 60, "b": "line1\nline2", "c": "it's: here", "d": [{"e": 1, "f": ["g"]}]})
def test_what_the_emitter_writes_reads_the_same(document: Any) -> None:
    """For anything dump_plain writes, the fast reader agrees with the strict loader or declines."""
    raw = dump_plain(document).encode()
    fast = read_plain(raw)
    ok, expected = strict(raw)
    assert ok
    assert fast is None or fast == expected


lines = st.one_of(
    st.sampled_from(
        [
            "a: b", "a:", "- a", "- a: b", "  b: c", "  - c", "    d", "a: 'x", "  y'", "a: x",
            "a: b # c", "# c", "a: &x 1", "b: *x", "a: b", "", "  ", "a: [1]", "a: {b: 1}",
            "a: |", "  text", "a: !!str 1", "---", "...", "a: 'x''", "- - a", "-", "a: ''",
            'a: "x"', 'a: "x\\ny"', "  a: b", "a: 'x'y", "a:  b", "a: b:", "? a", "a: -",
        ]
    ),
    st.text(alphabet=st.sampled_from(list("ab :#'-\n")), max_size=12),
)  # fmt: skip


@settings(max_examples=1500)
@given(st.lists(lines, min_size=1, max_size=8))
def test_text_the_emitter_never_writes_reads_the_same_or_is_declined(parts: list[str]) -> None:
    """On arbitrary lines, the fast reader agrees with the strict loader, or leaves it to it."""
    raw = ("\n".join(parts) + "\n").encode()
    fast = read_plain(raw)
    if fast is None:
        return
    ok, expected = strict(raw)
    assert ok, "the fast reader accepted text the strict loader refuses"
    assert fast == expected


@pytest.mark.parametrize(
    "raw",
    [
        b"a: 1\na: 2\n",  # a duplicate key
        b"a: &x 1\nb: *x\n",  # an alias
        b"a: b\n  c: d\n",
        b"a: 'unclosed\n",
        b'a: "x\\ty"\n',
        b"a: b # comment\n",
        b"\xff: x\n",
    ],
)
def test_the_fast_reader_declines_what_it_does_not_know(raw: bytes) -> None:
    """Duplicates, aliases, comments, escapes and bad text are left to the strict loader."""
    assert read_plain(raw) is None


def test_the_fast_reader_reads_what_the_register_writes() -> None:
    """A record-shaped section, with long and quoted text and a key quoted because plain it
    would be a boolean, is read without the YAML loader."""
    record = {
        "id": "C-0123456Z",
        "person": {"name": "O'Brien", "aliases": [], "phones": ["07700 900980"]},
        "incidents": [
            {
                "id": "I-1",
                "summary": "Shouted at the officer: " + "and kept on shouting " * 8,
                "serious": False,
                "behaviours": ["abusive", "threats"],
            }
        ],
        "opened_on": "2026-01-01",
        "letters": [],
        "imported": {"by": "mgr", "on": "2026-11-28"},  # the emitter quotes the key 'on'
    }
    raw = dump_plain(record).encode()
    assert b"'on': '2026-11-28'" in raw
    assert read_plain(raw) == record == load_strict(raw)


def test_the_first_characters_resolved_are_pyyamls() -> None:
    """The fast reader's list of first characters that may make a plain scalar not text is
    exactly the keys of PyYAML's implicit resolvers (besides the empty scalar and the
    indicators ! & *, which never start a plain scalar the reader accepts)."""
    from yaml.resolver import Resolver

    from ucbr.storage import plainyaml

    keys = {k for k in Resolver.yaml_implicit_resolvers if k} - set("!&*")
    assert keys == set(plainyaml._RESOLVED_FIRST)
