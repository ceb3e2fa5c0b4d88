"""The calls a person makes from Python (`nianbao.api`, also reachable from `nianbao`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import EXAMPLES, paragraphs

import nianbao.api as api


def test_every_name_of_the_api_is_there() -> None:
    assert all(callable(getattr(api, name)) for name in api.__all__)


def test_load_render_and_check_a_report(tmp_path: Path) -> None:
    report = api.load_report(EXAMPLES / "pingtan-2021.yaml",
                             [EXAMPLES.parent / "config" / "offices"])
    document = api.render_docx(report)
    assert paragraphs(document)[0] == "平潭综合实验区2021年度政府信息公开工作年度报告"
    (tmp_path / "r.docx").write_bytes(document)
    assert api.check_file(tmp_path / "r.docx").exit_code == 0
    assert api.render_html(report).startswith(b"<!DOCTYPE html>")
    imported = api.import_file(tmp_path / "r.docx")
    assert imported.report.tables == report.tables


@pytest.mark.parametrize("statement", ["from nianbao import api",
                                       "from nianbao import load_report, render_docx"])
def test_the_documented_imports_work_in_a_fresh_interpreter(statement: str) -> None:
    result = subprocess.run([sys.executable, "-c", statement], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr[-500:]
