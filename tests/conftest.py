"""Shared fixtures: a real register per test, copied from one built per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.regkit import PAST, Reg, build, copy


@pytest.fixture(scope="session")
def template_register(tmp_path_factory: pytest.TempPathFactory) -> Reg:
    return build(tmp_path_factory.mktemp("template"))


@pytest.fixture
def reg(template_register: Reg, tmp_path: Path) -> Reg:
    """A register with a member of staff in every role, and their throwaway keys."""
    return copy(template_register, tmp_path / "r")


@pytest.fixture(scope="session")
def past_template(tmp_path_factory: pytest.TempPathFactory) -> Reg:
    return build(tmp_path_factory.mktemp("past"), today=PAST.isoformat())


@pytest.fixture
def past_reg(past_template: Reg, tmp_path: Path) -> Reg:
    """The same register, made 150 days before the machine's today (``regkit.PAST``): a
    test may move the policy clock on for months and never commit in the machine's future."""
    return copy(past_template, tmp_path / "r")
