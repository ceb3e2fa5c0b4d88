"""The package's shape, as a contract: layers import downward only (import-linter, from
pyproject.toml), and reading or checking a report never loads the template machinery."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import EXAMPLES, REPO

from nianbao.writing.document import compiled_template, render_report

TEMPLATE_MACHINERY = ("docxtpl", "jinja2", "docx")  # docx: python-docx, not nianbao.sources.docx


def test_layers_import_downward_only() -> None:
    """`lint-imports` with the contracts of pyproject.toml: the layers, the format's
    inner layers, and no import cycle among the modules of any package."""
    pytest.importorskip("importlinter")
    command = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    result = subprocess.run([sys.executable, "-c", command], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Contracts: \d+ kept, 0 broken", result.stdout), result.stdout


def _imported(args: list[str], cwd: Path) -> set[str]:
    """The top-level packages a `python -m nianbao …` run imports (from -X importtime)."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "nianbao", *args],
                            cwd=cwd, capture_output=True, text=True, timeout=120)
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            modules.add(name.split(".")[0])
    assert modules, result.stderr
    return modules


@pytest.fixture
def report_docx(tmp_path: Path) -> Path:
    from nianbao.datafile.reader import load_report

    report = load_report(EXAMPLES / "pingtan-2021.yaml")
    path = tmp_path / "pingtan.docx"
    path.write_bytes(render_report(report, compiled_template(None, "2021")))
    return path


@pytest.mark.parametrize("command", ["check", "import"])
def test_reading_a_report_loads_no_template_machinery(command: str, report_docx: Path,
                                                      tmp_path: Path) -> None:
    args = [command, str(report_docx)] + (["-o", str(tmp_path / "back.yaml")]
                                          if command == "import" else [])
    loaded = _imported(args, tmp_path)
    assert "nianbao" in loaded
    assert not loaded & set(TEMPLATE_MACHINERY), loaded & set(TEMPLATE_MACHINERY)


def test_help_reads_no_config(tmp_path: Path) -> None:
    """`nianbao --help` starts without the forms, YAML, lxml or the template machinery."""
    loaded = _imported(["--help"], tmp_path)
    assert not loaded & {"yaml", "lxml", *TEMPLATE_MACHINERY}


def test_code_is_ruff_clean() -> None:
    pytest.importorskip("ruff")
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
