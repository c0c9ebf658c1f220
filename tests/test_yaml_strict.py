"""YAML: strict reads refuse aliases and duplicate keys; writes keep hand comments and order."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.regkit import Reg, patched_env
from ucbr.domain.views import sections_of
from ucbr.errors import IntegrityError
from ucbr.storage import envelope
from ucbr.storage.store import Register
from ucbr.storage.vault import load_identity_file
from ucbr.storage.yamlio import dump_plain, load_strict

HOSTILE: dict[str, str] = {
    "alias": "a: &x 1\nb: *x\n",
    "billion laughs": (
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
    ),
    "merge key": "base: &base {a: 1}\nchild:\n  <<: *base\n  b: 2\n",
    "alias as a key": "a: &k key\n*k : 2\n",
    "duplicate top-level key": "id: C-0000000A\nid: C-0000000B\n",
    "duplicate nested key": "person:\n  name: A\n  name: B\n",
    "duplicate key in a list item": "items:\n- what: x\n  what: y\n",
    "duplicate key, once quoted": "name: A\n'name': B\n",
    "python object tag": "!!python/object/apply:os.system ['true']\n",
    "two documents": "a: 1\n---\na: 2\n",
    "unclosed flow": "a: [1, 2\n",
    "tab indentation": "a:\n\tb: 1\n",
}


@pytest.mark.parametrize("label", list(HOSTILE))
def test_load_strict_refuses_hostile_yaml(label: str) -> None:
    """Aliases, merge keys, duplicate keys, python tags and broken YAML raise IntegrityError."""
    with pytest.raises(IntegrityError) as caught:
        load_strict(HOSTILE[label], "cases/C-0000000A.yaml")
    message = str(caught.value)
    assert "\n" not in message
    assert len(message) < 200


def test_load_strict_names_the_file_for_broken_yaml() -> None:
    """A YAML syntax error names the file and line, never the content."""
    with pytest.raises(
        IntegrityError, match=r"^cases/C-0000000A.yaml is not valid YAML at line \d+$"
    ):
        load_strict("ok: 1\nsecret: [Alex Example\n", "cases/C-0000000A.yaml")


def test_load_strict_reads_ordinary_yaml() -> None:
    """Plain mappings, lists, quoted dates and repeated values (not aliases) read normally."""
    text = "id: C-0000000A\ndate: '2026-11-01'\nitems: [a, a]\nnested: {x: 1, y: 1}\n"
    assert load_strict(text) == {
        "id": "C-0000000A",
        "date": "2026-11-01",
        "items": ["a", "a"],
        "nested": {"x": 1, "y": 1},
    }


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.text(st.characters(codec="utf-8"), max_size=40),
)
json_like = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=12), inner, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(max_size=12), json_like, max_size=6))
def test_section_yaml_round_trips(data: dict[str, Any]) -> None:
    """Whatever a section holds, dump_plain then load_strict gives it back exactly."""
    assert load_strict(dump_plain(data)) == data


# --- the envelope keeps hand comments and key order ---------------------------------


@pytest.mark.e2e
def test_an_update_keeps_the_envelope_comments_and_key_order(reg: Reg) -> None:
    """Re-sealing a case file keeps its comments and key order (a round trip), and the
    bytes of every section that did not change."""
    case_id, _ = reg.new_case()
    path = reg.root / envelope.relpath(case_id)
    lines = path.read_text().splitlines()
    kind_at, id_at = lines.index("kind: case"), lines.index(f"id: {case_id}")
    lines[kind_at], lines[id_at] = lines[id_at], lines[kind_at]  # id before kind
    lines[lines.index(f"id: {case_id}")] += "  # checked against the paper file"
    lines.insert(lines.index("sections:"), "# IG reviewed this file on 2026-11-20 (ticket 4411)")
    path.write_text("\n".join(lines) + "\n")
    with patched_env(reg.env("officer")):
        register = Register.open(reg.root)
        ring = register.keyring(load_identity_file(reg.keys["officer"]))
        loaded, case = register.load_case(case_id, ring)
        changed = case.model_copy(update={"opened_on": case.opened_on.replace(day=2)})
        text = register.render(case_id, sections_of(changed, register.cfg), loaded)
    old = envelope.parse(path.read_text(), "before")
    assert "# IG reviewed this file on 2026-11-20 (ticket 4411)\nsections:" in text
    assert f"id: {case_id}  # checked against the paper file" in text
    assert text.startswith(envelope.HEADER)
    keys = [ln.split(":")[0] for ln in text.splitlines() if ln and ln[0].isalpha()]
    assert keys == ["ucbr", "id", "kind", "sections"]
    new = envelope.parse(text, "after")
    assert new.sections["record"] != old.sections["record"]
    assert new.sections["entry"] == old.sections["entry"]  # unchanged sections keep their bytes
    assert envelope.fast_section(text, "schedule") == new.sections["schedule"]


@pytest.mark.e2e
def test_a_new_file_is_in_the_documented_shape(reg: Reg) -> None:
    """A new case file is the header, four keys in order, and three literal armor blocks."""
    case_id, _ = reg.new_case()
    text = (reg.root / envelope.relpath(case_id)).read_text()
    keys = [ln.split(":")[0] for ln in text.splitlines() if ln and ln[0].isalpha()]
    assert keys == ["ucbr", "kind", "id", "sections"]
    for name in ("schedule", "entry", "record"):
        assert f"\n  {name}: |\n    -----BEGIN AGE ENCRYPTED FILE-----\n" in text
    assert load_strict(text)["id"] == case_id
