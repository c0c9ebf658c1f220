"""The policy trace: every sentence of the council's policy → the code → the tests.

``ucbr.domain.policy.rules`` names each sentence of ``docs/policy.txt`` as a rule (with
the code that enforces it) or as context (with why it is not a rule). These tests find,
for each rule, the tests whose docstrings quote it (``Policy: "…"``), and fail when a
sentence is untraced, a rule has no code or no test, or ``docs/policy-trace.md`` is out
of date. Regenerate it with ``.venv/bin/python -m tests.test_policy_trace``.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ucbr.domain.invariants import every
from ucbr.domain.policy.kept import KEPT
from ucbr.domain.policy.rules import CONTEXT, RULES, policy_units

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "docs" / "policy.txt"
TRACE = ROOT / "docs" / "policy-trace.md"
SHARED = ROOT.parent / "shared" / "policy" / "unreasonable-customer-behaviour-policy.txt"
# A quoted fragment shorter than this could match anywhere.
SHORTEST_QUOTE = 12


def words(text: str) -> str:
    """Text as lower-case words, punctuation and quotes dropped, for matching quotations."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def units() -> list[str]:
    return policy_units(POLICY.read_text(encoding="utf-8"))


def named(says: str, all_units: list[str]) -> list[int]:
    """The units a ``says`` names: the one it equals, else those it starts."""
    exact = [i for i, unit in enumerate(all_units) if unit == says]
    return exact or [i for i, unit in enumerate(all_units) if unit.startswith(says)]


def quotations() -> Iterator[tuple[str, str]]:
    """(test, quoted fragment) for every ``Policy: "…"`` in a test's docstring."""
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test"):
                continue
            doc = ast.get_docstring(node) or ""
            if "Policy:" not in doc:
                continue
            test = f"{path.relative_to(ROOT)}::{node.name}"
            for quote in re.findall(r'"([^"]+)"', doc.split("Policy:", 1)[1]):
                for fragment in re.split(r"\.\.\.|…", quote):
                    if len(words(fragment)) >= SHORTEST_QUOTE:
                        yield test, words(fragment)


def quoting_tests(all_units: list[str]) -> dict[int, set[str]]:
    """For each unit, the tests whose docstrings quote it (a quote may span units)."""
    spans: list[tuple[int, int]] = []
    text, start = "", 0
    for unit in all_units:
        piece = words(unit)
        spans.append((start, start + len(piece)))
        text += piece + " "
        start += len(piece) + 1
    found: dict[int, set[str]] = {i: set() for i in range(len(all_units))}
    for test, fragment in quotations():
        at = text.find(fragment)
        if at < 0:
            continue
        end = at + len(fragment)
        for index, (begin, finish) in enumerate(spans):
            if begin < end and finish > at:
                found[index].add(test)
    return found


def resolve(path: str) -> object:
    """The object a dotted path names: a module, or an attribute of one."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ImportError(path)


def build_trace() -> str:
    """``docs/policy-trace.md``: each rule's sentences, code and tests; then the context."""
    all_units = units()
    tests = quoting_tests(all_units)
    lines = [
        "# The policy, traced",
        "",
        "Every sentence of the council's policy (`docs/policy.txt`), how ucbr keeps it and the",
        "tests that show it kept, or why it is not a rule. A rule is *enforced* when every",
        "record is judged against it: by the invariants named (`[name]`: judged by the write",
        "path, `check`, the audit and the server's hook; see [trust.md](trust.md#the-invariants))",
        "and by the commands that apply it. *In part* says what is left to people. Generated",
        "from `ucbr/domain/policy/rules.py`, `ucbr/domain/policy/kept.py` and the tests'",
        "docstrings by `python -m tests.test_policy_trace`; `tests/test_policy_trace.py` fails",
        "when it is out of date, a sentence is untraced, a rule has no test, or an invariant or",
        "command it names does not exist. The tests run in `make test`: a row's tests pass.",
        "",
        "| rule | the policy says | kept | by | tested by |",
        "|---|---|---|---|---|",
    ]
    for rule in RULES:
        indexes = [i for says in rule.says for i in named(says, all_units)]
        said = " ".join(all_units[i] for i in indexes).replace("|", "/")
        kept = KEPT[rule.name]
        status = f"in part: {kept.gap}" if kept.gap else "enforced"
        by = [f"`[{name}]`" for name in kept.invariants]
        by += [f"`ucbr {command}`" for command in kept.commands]
        by += [f"`{path}`" for path in rule.enforced_by]
        covering = sorted({t for i in indexes for t in tests[i]})
        tested = "<br>".join(f"`{t}`" for t in covering)
        lines.append(f"| {rule.name} | {said} | {status} | {'<br>'.join(by)} | {tested} |")
    lines += ["", "## Not rules", "", "| the policy says | why not a rule |", "|---|---|"]
    for context in CONTEXT:
        for says in context.says:
            for index in named(says, all_units):
                lines.append(f"| {all_units[index]} | {context.because} |")
    return "\n".join(lines) + "\n"


def test_the_policy_in_the_repository_is_the_councils() -> None:
    """docs/policy.txt is the council's policy word for word (checked where it is shared)."""
    if not SHARED.exists():
        pytest.skip("the shared copy of the policy is not beside this checkout")
    assert POLICY.read_bytes() == SHARED.read_bytes()


def test_every_sentence_is_a_rule_or_context_exactly_once() -> None:
    """Each sentence of the policy is named once: by a rule, or as context with a reason."""
    all_units = units()
    seen: dict[int, str] = {}
    for label, says_all in [(r.name, r.says) for r in RULES] + [
        (c.because, c.says) for c in CONTEXT
    ]:
        for says in says_all:
            indexes = named(says, all_units)
            assert len(indexes) == 1, f"{says!r} names {len(indexes)} sentences"
            assert indexes[0] not in seen, f"{says!r} is named twice"
            seen[indexes[0]] = label
    untraced = [unit for index, unit in enumerate(all_units) if index not in seen]
    assert not untraced, untraced


def test_every_rule_names_code_that_exists() -> None:
    """Each rule names at least one piece of code, and every name imports."""
    for rule in RULES:
        assert rule.enforced_by, rule.name
        for path in rule.enforced_by:
            assert resolve(path) is not None, path


def test_every_rule_says_how_it_is_kept() -> None:
    """Each rule names what keeps it: invariants that exist, commands ucbr has; one kept
    only in part says what is left to people (no row overclaims)."""
    from ucbr.cli.registry import COMMANDS, GROUPS

    names = {inv.name for inv in every()}
    commands = {name for name, _module, _help in (*COMMANDS, *GROUPS)}
    assert set(KEPT) == {rule.name for rule in RULES}
    for rule_name, kept in KEPT.items():
        assert kept.invariants or kept.commands, rule_name
        assert set(kept.invariants) <= names, (rule_name, set(kept.invariants) - names)
        unknown = [c for c in kept.commands if c.split()[0] not in commands]
        assert not unknown, (rule_name, unknown)


def test_every_rule_is_tested() -> None:
    """Each rule is quoted by at least one test's docstring ("Policy: ...")."""
    all_units = units()
    tests = quoting_tests(all_units)
    untested = [
        rule.name
        for rule in RULES
        if not any(tests[i] for says in rule.says for i in named(says, all_units))
    ]
    assert not untested, untested


def test_every_quotation_is_the_policys_words() -> None:
    """A test that quotes the policy quotes it as written: no paraphrase passes as a quote."""
    text = " ".join(words(unit) for unit in units())
    misquoted = [(test, fragment) for test, fragment in quotations() if fragment not in text]
    assert not misquoted, misquoted


def test_the_trace_document_is_current() -> None:
    """docs/policy-trace.md is what the registry and the tests make it now."""
    assert TRACE.read_text(encoding="utf-8") == build_trace(), (
        "run: .venv/bin/python -m tests.test_policy_trace"
    )


if __name__ == "__main__":
    TRACE.write_text(build_trace(), encoding="utf-8")
    print(f"wrote {TRACE.relative_to(ROOT)}")
