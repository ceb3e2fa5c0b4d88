"""Every rule applied to a report read from a document: the result's exit code and
JSON, errors before warnings, last year's tables when given."""

from __future__ import annotations

from pathlib import Path

from helpers import official_texts, text_grid

from nianbao.checking.report import CheckResult, Previous, check_read
from nianbao.reading.document import read_blocks
from nianbao.reading.model import ReadReport
from nianbao.sources.blocks import ParagraphBlock, TableBlock
from nianbao.spec.findings import ERROR, WARNING, Finding
from nianbao.spec.form import load_form

FORM = load_form("2021")
WARN = Finding("L", WARNING, "表三", "", "", None, None, "写法不同")
ERR = Finding("R3.1", ERROR, "表三", "一", "总计", "1", "2", "应为 1，实为 2")


def test_exit_codes_of_a_result() -> None:
    assert CheckResult(Path("a.docx")).exit_code == 0
    assert CheckResult(Path("a.docx"), "2021", [WARN]).exit_code == 0  # warnings allowed
    assert CheckResult(Path("a.docx"), "2021", [WARN, ERR]).exit_code == 1
    assert CheckResult(Path("a.docx"), unusable="不是 Word 文档").exit_code == 2


def test_a_result_as_json() -> None:
    result = CheckResult(Path("a.docx"), "2021", [WARN, ERR])
    assert (result.errors, result.warnings) == ([ERR], [WARN])
    assert result.as_dict() == {"file": "a.docx", "form": "2021",
                                "errors": [ERR.as_dict()], "warnings": [WARN.as_dict()]}
    assert CheckResult(Path("b.docx"), unusable="坏").as_dict() == {
        "file": "b.docx", "form": None, "errors": [], "warnings": [], "unusable": "坏"}


def _read(title: str, carried_over: str = "0") -> ReadReport:
    """A report of zeros but for 二、上年结转's 自然人 and 总计."""
    rows = official_texts(FORM.tables["t3"])
    r = FORM.tables["t3"].header_rows + 1
    rows[r][3] = rows[r][-1] = carried_over
    blocks = [ParagraphBlock(title, "年报标题"),
              *(ParagraphBlock(s.heading, None) for s in FORM.sections),
              *(TableBlock(text_grid(official_texts(FORM.tables[t]))) for t in ("t2", "t4")),
              TableBlock(text_grid(rows))]
    return read_blocks(blocks)


def test_errors_come_before_warnings() -> None:
    findings = check_read(_read("【待填写】年度报告", carried_over="1"))
    assert [(f.rule, f.severity) for f in findings] == [
        ("R3.3", ERROR), ("R3.3", ERROR), ("T1", WARNING)]


def test_last_years_tables_are_checked_when_given() -> None:
    read = _read("某机关2024年度政府信息公开工作年度报告")
    last = {"t3": {("carried_forward", "natural"): 2}}
    assert check_read(read) == []
    assert [(f.rule, f.expected, f.found) for f in check_read(read, Previous(FORM, last))] == [
        ("X1", "2", "0")]


def test_an_office_named_by_its_signature_is_the_same_office() -> None:
    from nianbao.checking.report import fit_findings
    from nianbao.reading.identity import office_name, report_year

    read = _read("2024年度政府信息公开工作年度报告")
    read.signature = "平潭综合实验区管理委员会"
    year, office = report_year(read), office_name(read)
    assert fit_findings(year, office, Previous(FORM, {}, 2023, "平潭综合实验区")) == []
    assert [f.rule for f in fit_findings(year, office, Previous(FORM, {}, 2023, "某区"))] == [
        "X0"]
    assert [f.rule for f in fit_findings(year, office, Previous(FORM, {}, 2022, "平潭综合实验区"))
            ] == ["X0"]
