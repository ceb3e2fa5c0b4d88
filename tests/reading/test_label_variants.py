"""Row labels a real report prints differently from the form: a variant the form file
declares (`variants:` on a row, e.g. the 2019 wording 规范性文件 for the 2021 form's
行政规范性文件) is read as that row with a warning naming both; a 2019 row that the
2021 form splits (one （六）其他处理 row in table 三) is a structure error naming the row
as printed and the rows expected, never read as those rows, blank or zero."""

from __future__ import annotations

import zipfile
from pathlib import Path

from helpers import EXAMPLES, official_texts, text_grid
from lxml import etree

from nianbao.datafile.reader import load_report
from nianbao.jobs.check import check_file
from nianbao.reading.document import read_blocks, read_file
from nianbao.reading.model import ReadReport
from nianbao.reading.tables import read_table
from nianbao.sources.text import text_blocks
from nianbao.spec.form import load_form
from nianbao.writing.document import compiled_template, render_report

FORM, FORM_2019 = load_form("2021"), load_form("2019")
T2, T3 = FORM.tables["t2"], FORM.tables["t3"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SIX = ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
       "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")
MERGED_ROW = (f"表三中的“（六）其他处理”只有一行，正式格式（2021年版）在其下分为"
              f"“{SIX[0]}”“{SIX[1]}”“{SIX[2]}”3行，无法拆分，未读取")
VARIANT = "表二中的“规范性文件”与正式格式的“行政规范性文件”写法不同"


def _read(table_rows: list[list[str]], table_id: str) -> tuple[dict, ReadReport]:
    report = ReadReport(form=FORM)
    return read_table(report, FORM.tables[table_id], text_grid(table_rows)), report


def test_the_form_declares_the_variant() -> None:
    row = T2.row("normative_documents")
    assert (row.label, row.variants) == ("行政规范性文件", ("规范性文件",))
    assert T2.rows_by_label["规范性文件"] is row
    assert FORM_2019.tables["t2"].row("normative_documents").variants == ()


def test_a_declared_variant_is_read_as_its_row_with_a_warning() -> None:
    rows = official_texts(T2, "3")
    rows[3][0] = "规范性文件"
    values, report = _read(rows, "t2")
    assert [(f.rule, f.severity, f.message, f.expected, f.found)
            for f in report.findings] == [("L", "warning", VARIANT, "行政规范性文件", "规范性文件")]
    assert values[("normative_documents", "in_force")] == 3 and len(values) == 10


def test_a_variant_in_copied_text_is_laid_out_and_read() -> None:
    lines = []
    for row in official_texts(T2, "4"):
        lines += [f"{text} |" for i, text in enumerate(row) if text and (
            i == 0 or text != row[i - 1])]
    lines = [line.replace("行政规范性文件", "规范性文件") for line in lines]
    read = read_blocks(text_blocks("\n".join(lines)))
    assert [f.message for f in read.findings if f.table == "表二"] == [VARIANT]
    assert read.tables["t2"][("normative_documents", "issued")] == 4


def test_the_2019_row_set_in_a_2021_table_three_is_a_structure_error() -> None:
    rows = official_texts(FORM_2019.tables["t3"], "1")  # （六）其他处理 one data row
    values, report = _read(rows, "t3")
    assert [(f.rule, f.severity, f.row, f.message) for f in report.findings] == [
        ("S", "error", "（六）其他处理", MERGED_ROW)]
    assert not any(row_id.startswith("other_") for row_id, _ in values)
    assert values[("not_processed_confirmation", "total")] == 1 and len(values) == 22 * 7


def test_a_group_label_on_a_row_of_its_own_above_its_rows_is_an_extra_row() -> None:
    rows = official_texts(T3, "1")
    at = next(i for i, row in enumerate(rows) if row[2] == SIX[0])
    rows.insert(at, ["三、本年度办理结果", "（六）其他处理", "（六）其他处理"] + [""] * 7)
    values, report = _read(rows, "t3")
    assert [(f.rule, f.message) for f in report.findings] == [
        ("L", "表三中有正式格式之外的行“（六）其他处理”，未读取")]
    assert values[("other_other", "natural")] == 1


def _rendered(tmp_path: Path, edit: object) -> tuple[Path, dict]:
    """The 2021 example rendered, its document.xml edited (`edit(root)`), written."""
    report = load_report(EXAMPLES / "pingtan-2021.yaml")
    document = render_report(report, compiled_template(None, "2021"))
    source = tmp_path / "rendered.docx"
    source.write_bytes(document)
    with zipfile.ZipFile(source) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    edit(root)  # type: ignore[operator]
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                standalone=True)
    path = tmp_path / "edited.docx"
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path, report.tables


def _texts(root: etree._Element, text: str) -> list[etree._Element]:
    return [t for t in root.iter(f"{W}t") if t.text == text]


def test_a_docx_printing_the_2019_wording_reads_every_cell(tmp_path: Path) -> None:
    def edit(root: etree._Element) -> None:
        (cell,) = _texts(root, "行政规范性文件")
        cell.text = "规范性文件"

    path, data = _rendered(tmp_path, edit)
    read = read_file(path)
    assert read.tables["t2"] == data["t2"]
    assert [(f.rule, f.severity, f.message) for f in check_file(path).findings] == [
        ("L", "warning", VARIANT)]


def test_a_docx_with_the_2019_row_of_table_three(tmp_path: Path) -> None:
    """The rows of （六） replaced by the one row 2019 prints: its label spanning the two
    label columns, its numbers those of the three rows summed."""
    def edit(root: etree._Element) -> None:
        rows = [next(t.iterancestors(f"{W}tr")) for label in SIX for t in _texts(root, label)]
        for row in rows[1:]:
            row.getparent().remove(row)
        (leaf,) = _texts(root, SIX[0])
        leaf.text = ""

    path, data = _rendered(tmp_path, edit)
    read = read_file(path)
    assert [f.message for f in read.findings if f.table == "表三"] == [MERGED_ROW]
    assert not any(row_id.startswith("other_") for row_id, _ in read.tables["t3"])
    assert read.tables["t3"][("disclosed", "total")] == data["t3"][("disclosed", "total")]
    structure = [f for f in check_file(path).findings if f.rule == "S"]
    assert [f.message for f in structure] == [MERGED_ROW]
