"""The read-back of a rendered document: every cell, the title and every paragraph
must be the report's, and every rule must hold, or nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from strategies import OFFICE

from nianbao.errors import DATA, VerificationFailed
from nianbao.report.blank import blank_report
from nianbao.report.model import Paragraph, Report
from nianbao.spec.form import load_form
from nianbao.writing.document import compiled_template
from nianbao.writing.frame import Frame, template_frame
from nianbao.writing.verify import verify_document_xml, verify_rendered

TEMPLATE = compiled_template(None, "2021")


def _report() -> Report:
    return blank_report(load_form("2021"), OFFICE, "x", 2024, dt.date(2025, 1, 5))


def _frame() -> Frame:
    return template_frame(TEMPLATE, "2021")


def test_the_document_of_the_report_passes() -> None:
    report = _report()
    verify_rendered(report, TEMPLATE.render(report), _frame())


def test_a_document_that_says_something_else_is_refused_naming_what() -> None:
    report, other = _report(), _report()
    other.tables["t4"][("-", "review.upheld")] = 1
    other.tables["t4"][("-", "review.total")] = 1
    other.title = "别的标题"
    other.text["problems"] = [Paragraph(text="别的段落。")]
    report.source = "2024.yaml"  # type: ignore[assignment]
    with pytest.raises(VerificationFailed) as caught:
        verify_rendered(report, TEMPLATE.render(other), _frame())
    assert caught.value.findings == [
        "表四 “行政复议/结果维持”：应为 0，文档中为 “1”",
        "表四 “行政复议/总计”：应为 0，文档中为 “1”",
        f"标题应为“{report.full_title[:20]}…”，文档中为“别的标题”",
        # the standard paragraph of 四 quotes table 四: it printed the other number too
        "“四、政府信息公开行政复议、行政诉讼情况”部分的段落应为“本年度未发生因政府信息公开被申请行政复议…”，"
        "文档中为“本年度因政府信息公开被申请行政复议1件、…”",
        "“五、存在的主要问题及改进情况”部分的段落应为“【待填写】”，"
        "文档中为“别的段落。”"]
    assert caught.value.exit_code == DATA
    assert caught.value.lines()[0] == ("2024.yaml: 生成的报告未通过核对，未写出文件："
                                       "表四 “行政复议/结果维持”：应为 0，文档中为 “1”")


def test_a_document_that_is_not_xml_is_refused() -> None:
    with pytest.raises(VerificationFailed, match="不是有效的 XML"):
        verify_document_xml(_report(), b"<w:document><w:body>", _frame())
