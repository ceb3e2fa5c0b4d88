"""A rendered document is read back and checked before it is saved, so a broken or
restyled template can never produce a wrong report silently."""

from __future__ import annotations

from collections.abc import Callable

from nianbao.checking.tables import table_findings
from nianbao.errors import VerificationFailed
from nianbao.reading.document import read_document_xml
from nianbao.reading.model import ReadReport
from nianbao.report.model import Report
from nianbao.sources.blocks import UnreadableSource
from nianbao.sources.docx.package import DocxPackage
from nianbao.spec.findings import ERROR
from nianbao.spec.values import format_value
from nianbao.writing.frame import Frame, misplaced


def verify_rendered(report: Report, document: bytes, frame: Frame) -> None:
    """Read the tables and prose of a freshly rendered .docx; every cell must hold the
    report's value, every rule must hold, and the paragraphs must be the template's
    (`frame`) filled with the report's. Raises VerificationFailed."""
    verify_document_xml(report, DocxPackage(document).document_xml(), frame)


def verify_document_xml(report: Report, document_xml: bytes, frame: Frame) -> None:
    """As `verify_rendered`, from the document's main part as rendered."""
    try:
        read = read_document_xml(document_xml)
    except UnreadableSource:
        raise VerificationFailed(report.source or "", [
            "生成的文档不是有效的 XML：模板可能直接写入了标记（如 |safe），请改用原模板"]) from None
    verify_read_back(report, read, frame)


def verify_read_back(report: Report, read: ReadReport, frame: Frame,
                     shown: Callable[[str], str] = str) -> None:
    """Compare what was read back from a rendered document (a .docx, a web page) with
    the report. `shown` turns a text as written into the text a reader of the medium
    gets back (a web page collapses runs of spaces). Raises VerificationFailed."""
    problems = [f.message for f in read.findings if f.severity == ERROR]
    problems += [f.message for f in table_findings(read.form, read.tables)]
    if read.form.version != report.form.version:
        problems.append(f"表格格式应为 {report.form.version}，读出的是 {read.form.version}")
    for tid, table in report.form.tables.items():
        got = read.tables.get(tid, {})
        for cell in table.cells():
            want = format_value(report.tables[tid].get(cell.key))
            found = got.get(cell.key)
            if cell.key in got and format_value(found) != want:
                problems.append(f"{table.describe(*cell.key)}：应为 {want}，"
                                f"文档中为 “{format_value(found)}”")
    # where the paragraphs are not the expected ones, where the reader puts them is moot
    problems += frame.differences(report, read.paragraphs, shown) or \
        misplaced(report, read, frame, shown)
    if problems:
        raise VerificationFailed(report.source or "", problems)
