"""nianbao as installed: the package carries its forms, standard paragraphs and
templates, and the `nianbao` command works from any folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import EXAMPLES, REPO, tables, texts

import nianbao
from nianbao.resources import config_path, data_root, template_path


def test_data_travels_with_the_package() -> None:
    package = Path(nianbao.__file__).resolve().parent
    if REPO / "src" in package.parents:
        pytest.skip("an editable install reads config/ from the checkout")
    assert data_root() == package / "_data"
    assert config_path("forms", "2021.yaml").is_file()
    assert template_path("2019").is_file()


def test_command_works_from_any_folder(tmp_path: Path) -> None:
    command = shutil.which("nianbao")
    if command is None:
        pytest.skip("the console script is not on PATH")
    out = tmp_path / "seed.docx"
    result = subprocess.run([command, "render", str(EXAMPLES / "jingdezhen-2023.yaml"),
                             "-o", str(out)], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert texts(tables(out)[2])[3] == ["0"] * 15


def test_module_entry_point(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "nianbao", "--help"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "render" in result.stdout and "check" in result.stdout and "new" in result.stdout
