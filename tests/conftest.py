"""Shared fixtures: the repository's examples and office profiles, copied into a
temporary folder laid out the way a clerk's folder is (config/offices beside data)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import EXAMPLES, REPO
from hypothesis import HealthCheck, settings

# The machine is shared and has 2 cores: how fast hypothesis draws its inputs says
# nothing about the code under test, so slow generation is not a failure here.
settings.register_profile("shared", suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("shared")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clerk's folder: config/offices/ with the example profiles, and the examples."""
    shutil.copytree(REPO / "config" / "offices", tmp_path / "config" / "offices")
    for example in EXAMPLES.glob("*.yaml"):
        shutil.copy(example, tmp_path / example.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True)
def chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """The messages asserted are the Chinese ones, whatever the locale running the tests
    (tests of the English catalog set their own): a C locale, which every machine has
    (programs the tests start, LibreOffice among them, need one that exists)."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
