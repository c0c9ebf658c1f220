"""Shared fixtures: a real register per test, copied from one built per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.regkit import Reg, build, copy


@pytest.fixture(scope="session")
def template_register(tmp_path_factory: pytest.TempPathFactory) -> Reg:
    return build(tmp_path_factory.mktemp("template"))


@pytest.fixture
def reg(template_register: Reg, tmp_path: Path) -> Reg:
    """A register with a member of staff in every role, and their throwaway keys."""
    return copy(template_register, tmp_path / "r")
