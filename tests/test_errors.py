"""The one error hierarchy: each error's exit code and the lines a clerk reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.errors import (
    DATA,
    UNUSABLE,
    NianbaoError,
    OutputExists,
    Problem,
    ProblemList,
    Unusable,
    VerificationFailed,
)
from nianbao.reading.model import NotAReport
from nianbao.sources.blocks import UnreadableSource
from nianbao.sources.docx.package import UnreadableDocx
from nianbao.sources.html import UnreadableHtml
from nianbao.sources.libreoffice import SofficeMissing
from nianbao.writing.filler import TemplateProblem


def test_exit_codes() -> None:
    assert (DATA, UNUSABLE) == (1, 2)
    assert NianbaoError("x").exit_code == UNUSABLE
    assert ProblemList([]).exit_code == DATA
    assert ProblemList([], usable=False).exit_code == UNUSABLE
    assert Unusable("x").exit_code == UNUSABLE
    assert OutputExists("a.docx").exit_code == UNUSABLE
    assert VerificationFailed("a.yaml", []).exit_code == DATA


def test_a_problem_names_file_line_and_label() -> None:
    assert str(Problem(Path("2024.yaml"), 12, "year（报告年度）", "缺少此项")) == \
        "2024.yaml:12: year（报告年度）：缺少此项"
    assert str(Problem("2024.yaml", None, "", "不是数据文件")) == "2024.yaml: 不是数据文件"
    assert str(Problem("2024.yaml", 0, "表三", "缺少此表")) == "2024.yaml: 表三：缺少此表"


def test_lines_of_each_error() -> None:
    problems = [Problem("a.yaml", 3, "表三", "缺少此表"), Problem("a.yaml", None, "", "空")]
    assert ProblemList(problems).lines() == ["a.yaml:3: 表三：缺少此表", "a.yaml: 空"]
    assert str(ProblemList(problems)) == "a.yaml:3: 表三：缺少此表\na.yaml: 空"
    assert Unusable("无法读取：权限不足").lines() == ["无法读取：权限不足"]
    assert OutputExists("out.docx").lines() == [
        "out.docx: 文件已存在，未覆盖（确需覆盖请加 --force）"]
    assert VerificationFailed("a.yaml", ["甲", "乙"]).lines() == [
        "a.yaml: 生成的报告未通过核对，未写出文件：甲",
        "a.yaml: 生成的报告未通过核对，未写出文件：乙"]
    assert NianbaoError("出错了").lines() == ["出错了"]


def test_an_existing_output_is_also_a_file_exists_error() -> None:
    with pytest.raises(FileExistsError):
        raise OutputExists("out.docx")


@pytest.mark.parametrize("error", [UnreadableSource, UnreadableDocx, UnreadableHtml, NotAReport,
                                   TemplateProblem])
def test_every_layers_errors_are_unusable_input(error: type[Unusable]) -> None:
    """A file that is not what it claims (exit code 2), its message as the one line."""
    exc = error("不是 Word 文档")
    assert isinstance(exc, NianbaoError) and exc.exit_code == UNUSABLE
    assert exc.lines() == ["不是 Word 文档"]


def test_a_missing_program_says_what_to_install() -> None:
    exc = SofficeMissing()
    assert exc.exit_code == UNUSABLE
    assert exc.lines() == [str(exc)]
    assert str(exc).startswith("未找到 LibreOffice（soffice），无法生成 PDF。请先安装")
