"""The list of invariants in docs/trust.md is generated from the registry, and kept current.

``ucbr.domain.invariants.every()`` is the one list of rules the write path, `check`, the
audit and the hook judge; ``docs/trust.md`` shows it between two markers. This test fails
when the two differ. Regenerate with ``.venv/bin/python -m tests.test_trust_doc``.
"""

from __future__ import annotations

from pathlib import Path

from ucbr.domain.invariants import REGISTRIES, every

TRUST = Path(__file__).resolve().parent.parent / "docs" / "trust.md"
BEGIN = "<!-- invariants, generated: .venv/bin/python -m tests.test_trust_doc -->"
END = "<!-- end of the generated invariants -->"


def render() -> str:
    """The generated block: one table per registry, one row per invariant."""
    lines = [BEGIN, ""]
    for title, invariants in REGISTRIES.items():
        lines += [f"**{title.capitalize()}**", "", "| invariant | rule | judged without a key |"]
        lines.append("|---|---|---|")
        for inv in invariants:
            rule = inv.rule.replace("|", "\\|")
            lines.append(f"| `{inv.name}` | {rule} | {'no' if inv.needs_key else 'yes'} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def current(text: str) -> str:
    """The generated block as docs/trust.md holds it."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[start:end]


def test_the_invariant_list_in_the_trust_model_is_current() -> None:
    """docs/trust.md lists exactly the registry's invariants, each with its rule."""
    text = TRUST.read_text(encoding="utf-8")
    assert current(text) == render(), "run `.venv/bin/python -m tests.test_trust_doc`"
    for inv in every():
        assert f"`{inv.name}`" in text


def main() -> None:
    """Write the generated block into docs/trust.md."""
    text = TRUST.read_text(encoding="utf-8")
    TRUST.write_text(text.replace(current(text), render()), encoding="utf-8")


if __name__ == "__main__":
    main()
