"""The 填报表 workbook as written: its sheets, the official layout of each table, the
clerk's cells typed and unlocked, the totals as formulas that LibreOffice Calc computes
to nianbao's own totals, and the 勾稽 shown red when it fails."""

from __future__ import annotations

import io
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, REPO, calc_installed
from openpyxl import load_workbook
from strategies import OFFICE

from nianbao.datafile.reader import load_report
from nianbao.datafile.workbook import layout
from nianbao.datafile.workbook.write import (
    cell_positions,
    cell_refs,
    check_equations,
    sheet_position,
    text_rows,
    write_workbook,
)
from nianbao.report.blank import blank_report
from nianbao.report.model import Paragraph, Report
from nianbao.report.prose import standard_label
from nianbao.spec.form import load_form
from nianbao.spec.tables import DATA, CellKey

SOFFICE = shutil.which("soffice")
needs_calc = pytest.mark.skipif(not calc_installed(),
                                reason="LibreOffice Calc (libreoffice-calc-nogui) not installed")


def _example_reports() -> dict[str, Report]:
    offices = [REPO / "config" / "offices"]
    return {path.stem: load_report(path, offices) for path in sorted(EXAMPLES.glob("*.yaml"))}


def _numbered(version: str, year: int) -> Report:
    """A blank report of a form with a different number in every typed cell, so that a
    formula summing the wrong cells cannot come out right by chance."""
    form = load_form(version)
    report = blank_report(form, OFFICE, "x", year)
    for tid, table in form.tables.items():
        typed: dict[CellKey, Any] = {}
        for i, cell in enumerate(c for c in table.cells() if not table.is_derived(*c.key)):
            kind = cell.column.type
            typed[cell.key] = Decimal(f"{i}.25") if kind in ("amount", "money_text") else i + 1
        report.tables[tid] = form.derive(tid, typed)
    report.text["problems"] = []
    report.text["other"] = [Paragraph(standard="fees"), Paragraph(text="本年无其他事项。")]
    return report


def _reports() -> dict[str, Report]:
    return {**_example_reports(), "numbered-2019": _numbered("2019", 2020),
            "numbered-2021": _numbered("2021", 2024)}


REPORTS = _reports()


def _book(report: Report, data_only: bool = False) -> Any:
    return load_workbook(io.BytesIO(write_workbook(report)), data_only=data_only)


@pytest.fixture(scope="module")
def books() -> dict[str, Any]:
    return {name: _book(report) for name, report in REPORTS.items()}


def test_the_forms_of_both_versions_are_covered() -> None:
    assert {r.form.version for r in REPORTS.values()} == {"2019", "2021"}


@pytest.mark.parametrize("name", REPORTS)
def test_sheets_in_order(name: str, books: dict[str, Any]) -> None:
    report = REPORTS[name]
    keys = [t.key for t in report.form.tables.values()]
    assert books[name].sheetnames == [layout.GUIDE, layout.OFFICE, *keys, layout.TEXT]
    assert keys == ["表二", "表三", "表四"]


@pytest.mark.parametrize("name", REPORTS)
def test_every_label_at_its_merged_range(name: str, books: dict[str, Any]) -> None:
    report = REPORTS[name]
    for table in report.form.tables.values():
        sheet = books[name][table.key]
        assert sheet.cell(1, 1).value == report.form.section(table.section).heading
        merged = {str(r) for r in sheet.merged_cells.ranges}
        for area in table.areas():
            top, left = sheet_position(area.top, area.left)
            bottom, right = sheet_position(area.bottom, area.right)
            if area.role != DATA:
                assert sheet.cell(top, left).value == (area.text or None), area
            if area.row_span > 1 or area.col_span > 1:
                first, last = sheet.cell(top, left), sheet.cell(bottom, right)
                assert f"{first.coordinate}:{last.coordinate}" in merged, area


@pytest.mark.parametrize("name", REPORTS)
def test_typed_cells_hold_the_values_and_totals_are_formulas(name: str,
                                                             books: dict[str, Any]) -> None:
    report = REPORTS[name]
    for table in report.form.tables.values():
        sheet = books[name][table.key]
        values = report.tables[table.id]
        for key, (row, col) in cell_positions(table).items():
            cell = sheet.cell(row, col)
            if table.is_derived(*key):
                assert isinstance(cell.value, str)
                assert cell.value.startswith("=IF(COUNT("), (key, cell.value)
                assert cell.protection.locked
            else:
                assert _same(cell.value, values.get(key)), (key, cell.value, values.get(key))
                assert not cell.protection.locked, key


@pytest.mark.parametrize("name", REPORTS)
def test_sheets_protected_labels_locked_typed_cells_validated(name: str,
                                                              books: dict[str, Any]) -> None:
    report = REPORTS[name]
    for sheet in books[name].worksheets:
        assert sheet.protection.sheet, sheet.title
    for table in report.form.tables.values():
        sheet = books[name][table.key]
        validated = {str(rng) for dv in sheet.data_validations.dataValidation
                     for rng in dv.sqref.ranges}
        for area in table.areas():
            cell = sheet.cell(*sheet_position(area.top, area.left))
            if area.role != DATA:
                assert cell.protection.locked
        prompts = {str(rng): dv for dv in sheet.data_validations.dataValidation
                   for rng in dv.sqref.ranges}
        for key, ref in cell_refs(table).items():
            if table.is_derived(*key):
                assert ref not in validated
                continue
            dv = prompts[ref]
            assert table.describe(*key) in dv.prompt
            kind = table.column(key[1]).type
            expected = {"count": "whole", "signed": "whole", "amount": "decimal"}
            assert dv.type == expected.get(kind, "custom"), (key, kind)
            if kind == "count":
                assert dv.formula1 == "0"


def test_office_sheet() -> None:
    report = REPORTS["pingtan-2021"]
    sheet = _book(report)[layout.OFFICE]
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert [c.value for c in sheet[1]] == [layout.ITEM, layout.CONTENT]
    assert rows[layout.OFFICE_ID] == report.office_ref
    assert rows["机关全称"] == report.office.name
    assert rows["报告年度"] == report.year
    assert rows["表格格式"] == "2021"
    assert rows["成文日期"].date() == report.date
    assert rows["标题"] == report.title
    assert rows["发出收费通知件数"] == 0
    date = next(c for c in sheet["B"] if c.value is not None and c.row > 1
                and sheet.cell(c.row, 1).value == "成文日期")
    assert date.number_format == "yyyy-mm-dd"
    assert not date.protection.locked and sheet.cell(date.row, 1).protection.locked


def test_text_sheet_standard_and_own_paragraphs() -> None:
    report = REPORTS["numbered-2021"]
    sheet = _book(report)[layout.TEXT]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == (layout.PART, layout.STANDARD, layout.CONTENT)
    written = [r[:3] for r in rows[1:] if any(r[:3])]
    assert written == text_rows(report)
    assert written[0][0] == "开头段落" and written[0][1] == standard_label("opening")
    assert written[0][2]  # the text the standard paragraph prints
    assert ("五、存在的主要问题及改进情况", None, None) in written
    other = [r for r in written if r[0] == "六、其他需要报告的事项"]
    assert other[0][1] == standard_label("fees") and other[1] == (
        "六、其他需要报告的事项", None, "本年无其他事项。")
    assert not sheet.cell(2, 3).protection.locked


def _same(found: object, expected: object) -> bool:
    if expected is None:
        return found is None
    if isinstance(expected, Decimal) and isinstance(found, (int, float)):
        return Decimal(str(found)) == expected
    return found == expected


# -- recalculated by LibreOffice Calc ---------------------------------------------------


def _recalculated(books: dict[str, bytes]) -> dict[str, Any]:
    """Each workbook opened, recalculated and saved by LibreOffice Calc, read back with
    the values it computed."""
    from nianbao.sources.libreoffice import run_soffice

    assert SOFFICE is not None
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "in").mkdir()
        files = []
        for name, data in books.items():
            path = root / "in" / f"{name}.xlsx"
            path.write_bytes(data)
            files.append(path)
        failed = run_soffice(SOFFICE, files, "xlsx", root / "profile", root / "out")
        assert failed is None, failed
        return {name: load_workbook(root / "out" / f"{name}.xlsx", data_only=True)
                for name in books}


def _assert_totals(book: Any, report: Report) -> None:
    for table in report.form.tables.values():
        sheet = book[table.key]
        for key, (row, col) in cell_positions(table).items():
            if table.is_derived(*key):
                found = sheet.cell(row, col).value
                assert found == report.tables[table.id][key], (table.key, key, found)


@needs_calc
def test_libreoffice_computes_nianbaos_totals_and_follows_an_edit() -> None:
    edited = REPORTS["pingtan-2021"]
    table = edited.form.tables["t3"]
    data = write_workbook(edited)
    book = load_workbook(io.BytesIO(data))
    row, col = cell_positions(table)[("received", "natural")]
    book[table.key].cell(row, col).value = 100  # as a clerk would, in Excel
    out = io.BytesIO()
    book.save(out)
    changed = dict(edited.tables["t3"])
    changed[("received", "natural")] = 100
    expected = Report(**{**edited.__dict__, "tables": {
        **edited.tables, "t3": edited.form.rederive("t3", changed)}})

    workbooks = {name: write_workbook(report) for name, report in REPORTS.items()}
    computed = _recalculated({**workbooks, "edited": out.getvalue()})
    for name, report in REPORTS.items():
        _assert_totals(computed[name], report)
    _assert_totals(computed["edited"], expected)
    assert computed["edited"][table.key].cell(row, col + 6).value == 106  # 64 → 100


@needs_calc
def test_a_broken_balance_is_flagged_where_the_rule_says() -> None:
    """R3.3 on the 自然人 column broken by one typed cell: the red format's condition,
    evaluated by Calc in a scratch cell, is true for that column and its 总计 only."""
    report = REPORTS["pingtan-2021"]
    form, table = report.form, report.form.tables["t3"]
    refs = cell_refs(table)
    book = _book(report)
    sheet = book[table.key]
    row, col = cell_positions(table)[("carried_over", "natural")]
    sheet.cell(row, col).value = 5  # 二 grows, 三 and 四 do not
    rules = {str(rng): rule for cf in sheet.conditional_formatting for rule in cf.rules
             for rng in [cf.sqref]}
    equations = [eq for eq in check_equations(form, table) if eq.rule == "R3.3"]
    assert len(equations) == len(table.columns)
    conditions = {}
    for equation in equations:
        cells = [*equation.left, *equation.right]
        rule = rules[" ".join(refs[k] for k in cells)]
        formula = rule.formula[0]
        for key in cells:
            assert refs[key] in formula.replace("$", "")
        assert rule.dxf.fill is not None
        conditions[equation.left[0][1]] = formula
    sheet.protection.sheet = False
    scratch = {column: sheet.cell(200 + i, 1) for i, column in enumerate(conditions)}
    for column, cell in scratch.items():
        cell.value = "=" + conditions[column]
    out = io.BytesIO()
    book.save(out)
    computed = _recalculated({"broken": out.getvalue()})["broken"][table.key]
    flagged = {column for column, cell in scratch.items()
               if computed.cell(cell.row, cell.column).value is True}
    assert flagged == {"natural", "total"}  # the 总计 column follows its parts


# -- printing ----------------------------------------------------------------------


def test_every_sheet_prints_one_page_wide_with_its_heading_repeated(tmp_path: Path) -> None:
    report = load_report(EXAMPLES / "pingtan-2021.yaml")
    book = load_workbook(io.BytesIO(write_workbook(report)))
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.print_options.horizontalCentered, sheet.title
        assert sheet.print_area, sheet.title
    assert book["表三"].page_setup.orientation == "landscape"
    assert book["机关信息"].page_setup.orientation == "portrait"
    assert book["机关信息"].print_title_rows == "$1:$1"
    assert book["表三"].print_title_rows == "$1:$4"  # the title and the three header rows


@pytest.mark.skipif(not calc_installed(),
                    reason="LibreOffice Calc (libreoffice-calc-nogui) not installed")
def test_printed_by_libreoffice_each_sheet_fits_its_pages(tmp_path: Path) -> None:
    """Each sheet alone through LibreOffice to PDF: the page count a clerk prints (机关信息
    took two pages wide before it was fitted; 表三 three)."""
    import subprocess

    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) not installed")
    report = load_report(EXAMPLES / "pingtan-2021.yaml")
    data = write_workbook(report)
    names = load_workbook(io.BytesIO(data)).sheetnames
    files = []
    for name in names:
        book = load_workbook(io.BytesIO(data))
        for other in [n for n in book.sheetnames if n != name]:
            del book[other]
        files.append(tmp_path / f"{name}.xlsx")
        book.save(files[-1])
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    *map(str, files)], check=True, capture_output=True, timeout=300)
    pages, landscape = {}, {}
    for name in names:
        info = subprocess.run(["pdfinfo", str(tmp_path / f"{name}.pdf")], check=True,
                              capture_output=True, text=True).stdout
        fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
        pages[name] = int(fields["Pages"])
        width, _, height = fields["Page size"].split()[:3]
        landscape[name] = float(width) > float(height)
    assert pages == {"说明": 1, "机关信息": 1, "表二": 1, "表三": 1, "表四": 1, "正文": 2}
    assert landscape["表三"] and not landscape["机关信息"]
