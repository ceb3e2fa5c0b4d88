"""The package type-checks: `mypy` under the strict configuration of pyproject.toml
reports nothing in src/ (the package ships a py.typed marker, so its types are a
promise to those who import it)."""

from __future__ import annotations

from pathlib import Path

import pytest

# the checkout: the first folder up from this file with a pyproject.toml
REPO = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())


def test_mypy_strict_is_clean() -> None:
    pytest.importorskip("mypy")
    from mypy import api

    stdout, stderr, status = api.run(
        ["--config-file", str(REPO / "pyproject.toml"), str(REPO / "src")]
    )
    assert status == 0, f"mypy found problems:\n{stdout}{stderr}"
