"""The layers stay visible: pure domain, storage, services, then the command line.

Read from the source with ``ast``, as a linter would: which package imports which, who
imports typer and rich, where the clock is read, how long a module is, and that names
say what they hold. Each rule is also shown to catch a breach (the ``_breach`` tests).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ucbr"
# What each layer may import from the package. ``ucbr.errors`` is everyone's.
ALLOWED: dict[str, frozenset[str]] = {
    "domain": frozenset({"domain", "errors"}),
    "storage": frozenset({"domain", "storage", "errors"}),
    "services": frozenset({"domain", "storage", "services", "errors"}),
    "cli": frozenset({"domain", "storage", "services", "cli", "errors", "package"}),
    "package": frozenset({"cli", "errors", "package"}),
}
CLOCK = "ucbr/services/clock.py"
MAX_LINES = 400


def modules() -> Iterator[tuple[str, Path]]:
    """Every module of the package, with its path relative to the project."""
    for path in sorted(PACKAGE.rglob("*.py")):
        yield str(path.relative_to(PACKAGE.parent)), path


def layer_of(module: str) -> str:
    """``ucbr.domain.views`` -> "domain"; ``ucbr.errors`` -> "errors"; ``ucbr`` -> "package"."""
    parts = module.split(".")
    if parts[0] != "ucbr" or len(parts) == 1 or parts[1] in ("__init__", "__main__"):
        return "package"
    return parts[1]


def imports(tree: ast.AST, here: str) -> Iterator[str]:
    """The modules a module imports, absolute, inside functions too (lazy imports count)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            if node.level:
                base = here.rsplit(".", node.level)[0]
                yield f"{base}.{node.module}"
            elif node.module == "ucbr":
                yield from (f"ucbr.{alias.name}" for alias in node.names)
            else:
                yield node.module


def layer_breaches(source: str, path: str) -> list[str]:
    """Each import that reaches up a layer, or typer or rich outside the command line."""
    module = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    layer = layer_of(module)
    found = []
    for imported in imports(ast.parse(source), module):
        top = imported.split(".")[0]
        if top in ("typer", "rich", "click") and layer != "cli":
            found.append(f"{path} imports {imported}: only the command line may")
        if top == "rich" and path != "ucbr/cli/ui.py":
            found.append(f"{path} imports {imported}: only ucbr/cli/ui.py prints with rich")
        if top == "ucbr" and layer_of(imported) not in ALLOWED.get(layer, frozenset()):
            found.append(f"{path} ({layer}) imports {imported} ({layer_of(imported)})")
    return found


_CLOCK_CALLS = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
}


def clock_reads(source: str, path: str) -> list[str]:
    """Each place that reads the date or the clock variable."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, (ast.Attribute, ast.Name)):
            owner = node.value.attr if isinstance(node.value, ast.Attribute) else node.value.id
            if (owner, node.attr) in _CLOCK_CALLS:
                found.append(f"{path}:{node.lineno} reads the clock ({owner}.{node.attr})")
        if isinstance(node, ast.Constant) and node.value == "UCBR_TODAY":
            found.append(f"{path}:{node.lineno} reads UCBR_TODAY")
    return found


def one_letter_names(source: str, path: str) -> list[str]:
    """Names of one letter bound outside a comprehension or lambda: say what they hold."""
    tree = ast.parse(source)
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(
            node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)
        ):
            inside.update(id(child) for child in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in inside:
            continue
        names: list[tuple[str, int]] = []
        if isinstance(node, ast.arg):
            names.append((node.arg, node.lineno))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.append((node.id, node.lineno))
        elif isinstance(node, ast.Assign) and _is_type_variable(node.value):
            inside.update(id(target) for target in node.targets)  # T = TypeVar("T")
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.append((node.name, node.lineno))
        found.extend(
            f"{path}:{line} binds {name!r}"
            for name, line in names
            if len(name) == 1 and name != "_"
        )
    return found


def _is_type_variable(value: ast.expr) -> bool:
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "TypeVar"
    )


def test_each_layer_imports_only_the_layers_below_it() -> None:
    """Domain imports no storage, services or CLI; storage no services; services no CLI."""
    found = [b for rel, path in modules() for b in layer_breaches(path.read_text(), rel)]
    assert found == []


def test_a_forbidden_import_is_caught_breach() -> None:
    """The layer rule fails on a domain module that imports storage, or a service with typer."""
    assert layer_breaches("from ucbr.storage import git\n", "ucbr/domain/views.py") == [
        "ucbr/domain/views.py (domain) imports ucbr.storage (storage)"
    ]
    assert layer_breaches("def f():\n    import typer\n", "ucbr/services/due.py") == [
        "ucbr/services/due.py imports typer: only the command line may"
    ]
    assert layer_breaches("from ucbr import cli\n", "ucbr/storage/scan.py") == [
        "ucbr/storage/scan.py (storage) imports ucbr.cli (cli)"
    ]


def test_the_clock_is_read_in_one_place() -> None:
    """Only ``services/clock.py`` reads today's date or ``UCBR_TODAY``; the rest are given it."""
    found = [
        r for rel, path in modules() if rel != CLOCK for r in clock_reads(path.read_text(), rel)
    ]
    assert found == []
    assert clock_reads((PACKAGE / "services" / "clock.py").read_text(), CLOCK)


def test_a_second_clock_is_caught_breach() -> None:
    """Reading the date anywhere else is caught."""
    source = "import datetime as dt\nday = dt.date.today()\nvar = 'UCBR_TODAY'\n"
    assert len(clock_reads(source, "ucbr/domain/x.py")) == 2


@pytest.mark.parametrize(("rel", "path"), list(modules()), ids=lambda value: str(value))
def test_modules_are_small_enough_to_read_in_one_sitting(rel: str, path: Path) -> None:
    """No module is over about 400 lines."""
    assert len(path.read_text().splitlines()) <= MAX_LINES, rel


def test_names_say_what_they_hold() -> None:
    """Outside comprehensions and lambdas, no name is a single letter."""
    found = [n for rel, path in modules() for n in one_letter_names(path.read_text(), rel)]
    assert found == []


def test_a_one_letter_name_is_caught_breach() -> None:
    """A one-letter parameter or variable is caught; one inside a comprehension is not."""
    source = "def f(c):\n    d = [x for x in c]\n    return d\n"
    assert one_letter_names(source, "m.py") == [
        "m.py:1 binds 'c'",
        "m.py:2 binds 'd'",
    ]
