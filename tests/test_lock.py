"""`requirements.lock` is what `make` installs, and it stays current: every pin of
pyproject.toml is in it at the same version, and it is exactly the environment the tests
run in (`make lock` writes it again after a change)."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not pinned: {line}"
            pins[canonical(name)] = version
    return pins


def test_every_pin_of_pyproject_is_locked_at_its_version() -> None:
    """A dependency pinned in pyproject.toml is in the lock, at that version."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    lock = locked()
    for requirement in pinned:
        name, _, version = requirement.partition("==")
        assert version, f"pyproject.toml does not pin {requirement}"
        assert lock.get(canonical(name)) == version, f"{name}: run `make lock`"


def test_the_lock_is_the_environment_the_tests_run_in() -> None:
    """Every distribution installed (but ucbr itself and pip) is locked at its version, and
    nothing is locked that is not installed."""
    installed = {
        canonical(dist.metadata["Name"]): dist.version
        for dist in importlib.metadata.distributions()
        if canonical(dist.metadata["Name"]) not in ("ucbr", "pip")
    }
    assert installed == locked(), "requirements.lock is out of date: run `make lock`"
