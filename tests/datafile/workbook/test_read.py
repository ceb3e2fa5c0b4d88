"""A returned 填报表 workbook read back into a data file's raw structure: by labels,
whatever rows were inserted, sheets renamed or values typed as text; hostile files
refused with one Chinese line."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from helpers import EXAMPLES, calc_installed
from openpyxl.utils import get_column_letter

from nianbao.datafile.reader import load_report
from nianbao.datafile.settings import settings
from nianbao.datafile.workbook import layout
from nianbao.datafile.workbook.read import read_workbook
from nianbao.datafile.yamlfile import LineDict, read_yaml
from nianbao.errors import Problem, ProblemList
from nianbao.report.model import Report
from nianbao.report.office import ALL_FIELDS
from nianbao.spec.tables import DATA, KeyTree, Table

EXAMPLE = EXAMPLES / "pingtan-2021.yaml"
OFFICES = [EXAMPLES.parent / "config" / "offices"]


@pytest.fixture(scope="module")
def report() -> Report:
    return load_report(EXAMPLE, OFFICES)


# -- a 填报表 as a clerk returns it, drawn from layout.py's docstring ----------------------

def draw_table(ws: Any, table: Table, values: dict[Any, Any], start: int, *,
               extra: tuple[int, ...] = (), typed: Callable[[Any], Any] = lambda v: v,
               unmerged: tuple[str, ...] = (), relabel: dict[str, str] | None = None) -> None:
    """A title row at `start`, then the table from `Table.areas()`, merged as they say;
    a blank row inserted before each grid row in `extra`. Derived cells are formulas
    with no cached value (openpyxl writes none)."""
    relabel = relabel or {}
    ws.cell(start, 1, table.section)
    top = start + 1

    def row_of(r: int) -> int:
        return top + r + sum(1 for e in extra if e <= r)

    for area in table.areas():
        r1, r2 = row_of(area.top), row_of(area.bottom)
        c1, c2 = area.left + 1, area.right + 1
        if area.role == DATA:
            assert area.cell is not None
            if table.is_derived(*area.cell):
                ws.cell(r1, c1, f"=SUM({get_column_letter(c1)}1:{get_column_letter(c1)}2)")
            else:
                value = values.get(area.cell)
                ws.cell(r1, c1, typed(float(value) if isinstance(value, Decimal) else value))
        else:
            ws.cell(r1, c1, relabel.get(area.text, area.text))
        if (r1, c1) != (r2, c2) and area.text not in unmerged:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def build(path: Path, report: Report, *, starts: dict[str, int] | None = None,
          skip: tuple[str, ...] = (), names: dict[str, str] | None = None,
          **table_options: dict[str, Any]) -> Path:
    """The whole workbook: 说明, 机关信息, the tables, 正文."""
    starts, names = starts or {}, names or {}
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = layout.GUIDE
    guide["A1"] = "请在各表中填写数字；总计由程序计算。"
    office = book.create_sheet(layout.OFFICE)
    office.append([layout.ITEM, layout.CONTENT])
    office.append([layout.OFFICE_ID, report.office_ref])
    for key, label in ALL_FIELDS.items():
        office.append([label, getattr(report.office, key) or None])
    fields = settings()["fields"]
    office.append([fields["year"]["label"], report.year])
    office.append([fields["form"]["label"], int(report.form.version)])  # typed as a number
    office.append([fields["date"]["label"], dt.datetime.combine(report.date, dt.time())])
    office.append([fields["title"]["label"], report.title])
    for key, spec in settings()["fees"]["fields"].items():
        office.append([spec["label"], report.fees[key]])
    for table in report.form.tables.values():
        if table.key in skip:
            continue
        ws = book.create_sheet(names.get(table.key, table.key))
        draw_table(ws, table, report.tables[table.id], starts.get(table.key, 1),
                   **table_options.get(table.key, {}))
    text = book.create_sheet(layout.TEXT)
    text.append([layout.PART, layout.STANDARD, layout.CONTENT])
    headings = {s.id: s.heading for s in report.form.sections}
    headings["preamble"] = settings()["preamble"]["label"]
    for key, paragraphs in report.text.items():
        if not paragraphs:
            text.append([headings[key], None, None])
        for i, paragraph in enumerate(paragraphs):
            part = headings[key] if i == 0 else None
            if paragraph.standard:
                text.append([part, paragraph.standard, "（标准段落的文字，不读回）"])
            else:
                text.append([part, None, paragraph.text])
    book.save(path)
    return path


def leaves(tree: KeyTree, raw: Any, path: tuple[str, ...] = ()) -> Iterator[Any]:
    for label, sub in tree.items():
        given = raw.get(label) if isinstance(raw, dict) else None
        if isinstance(sub, tuple):
            yield (*path, label), sub, given
        else:
            yield from leaves(sub, given, (*path, label))


def expected_raw() -> Any:
    raw, slips = read_yaml(EXAMPLE)
    assert not slips
    return raw


def assert_same_as_example(raw: LineDict, report: Report) -> None:
    example = expected_raw()
    for table in report.form.tables.values():
        for path, key, given in leaves(table.key_tree, raw[table.key]):
            if table.is_derived(*key):
                assert given is None, path  # totals are formulas: not given
                continue
            want = next(g for p, _, g in leaves(table.key_tree, example[table.key]) if p == path)
            assert str(given) == str(want), path
    assert dict(raw["fees"]) == dict(example["fees"])
    assert set(raw["text"]) == set(example["text"])
    for part, paragraphs in example["text"].items():
        assert list(raw["text"][part]) == list(paragraphs), part


def validated(path: Path) -> Report:
    """The data-file reader run over the workbook (it reads a .xlsx with read_workbook)."""
    return load_report(path, OFFICES)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# -- a workbook as a clerk fills it ------------------------------------------------------

def test_filled_workbook_reads_as_the_data_file(tmp_path: Path, report: Report,
                                                ) -> None:
    raw, problems = read_workbook(build(tmp_path / "填报表.xlsx", report))
    assert problems == []
    assert list(raw)[:5] == ["office", "year", "form", "date", "title"]
    assert raw["office"]["id"] == "pingtan"
    assert raw["office"]["name"] == report.office.name
    assert raw["year"] == 2021 and raw["form"] == "2021"
    assert raw["date"] == report.date and type(raw["date"]) is dt.date
    assert raw["表三"]["三、本年度办理结果"]["（三）不予公开"]["7.属于行政执法案卷"]["自然人"] == 6
    assert raw["表三"]["三、本年度办理结果"]["（三）不予公开"]["7.属于行政执法案卷"] \
        .lines["自然人"] == "表三!D15"  # title row 1, header 2-4, 一 at 5
    assert raw["表四"]["行政诉讼"]["未经复议直接起诉"].lines["结果维持"] == "表四!F5"
    assert raw["text"]["overview"].lines[0] == "正文!C3"
    assert_same_as_example(raw, report)
    again = validated(tmp_path / "填报表.xlsx")
    assert again.tables == report.tables
    assert again.text == report.text
    assert again.fees == report.fees and again.date == report.date


def test_rows_inserted_sheet_renamed_text_values(tmp_path: Path, report: Report,
                                                 ) -> None:
    path = build(tmp_path / "填报表.xlsx", report, starts={"表二": 4, "表三": 3, "表四": 6},
                 names={"表三": "Sheet3"},
                 表三={"extra": (0, 3, 8, 12, 27), "typed": lambda v: str(v)},
                 表二={"typed": lambda v: f"{v}"})
    raw, problems = read_workbook(path)
    assert problems == []
    assert raw["表三"]["一、本年新收政府信息公开申请数量"]["自然人"] == "64"
    assert raw["表三"]["一、本年新收政府信息公开申请数量"].lines["自然人"].startswith("Sheet3!D")
    assert_same_as_example(raw, report)
    assert validated(path).tables == report.tables


def test_full_width_digits_pass_through(tmp_path: Path, report: Report) -> None:
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    path = build(tmp_path / "填报表.xlsx", report, 表四={"typed": lambda v: str(v).translate(wide)})
    raw, problems = read_workbook(path)
    assert problems == []
    assert raw["表四"]["行政诉讼"]["未经复议直接起诉"]["结果维持"] == "１２"


@pytest.mark.skipif(not calc_installed(),
                    reason="LibreOffice Calc (libreoffice-calc-nogui) not installed")
def test_saved_again_by_libreoffice(tmp_path: Path, report: Report) -> None:
    (tmp_path / "in").mkdir()
    source = build(tmp_path / "in" / "填报表.xlsx", report, starts={"表三": 2},
                   表三={"extra": (10,)})
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    raw, problems = read_workbook(out / "填报表.xlsx")
    assert problems == []
    assert_same_as_example(raw, report)


# -- what a clerk may break ----------------------------------------------------------

def test_row_label_deleted(tmp_path: Path, report: Report) -> None:
    path = build(tmp_path / "填报表.xlsx", report, 表三={"relabel": {"1.属于国家秘密": ""}})
    raw, problems = read_workbook(path)
    problem = only(problems)
    assert problem.line == "表三!C9"
    assert "1.属于国家秘密" in problem.label and "表三" in problem.message
    # its cells stand in as 0 at the sheet's A1: the data-file reader says no more of it
    lost = raw["表三"]["三、本年度办理结果"]["（三）不予公开"]["1.属于国家秘密"]
    assert set(lost.values()) == {0} and set(lost.lines.values()) == {"表三!A1"}
    assert ProblemList(problems).exit_code == 1
    with pytest.raises(ProblemList) as caught:
        validated(path)
    assert [p.message for p in caught.value.problems] == [problem.message]


def test_text_in_a_number_cell_passes_through(tmp_path: Path, report: Report) -> None:
    path = build(tmp_path / "填报表.xlsx", report,
                 表四={"typed": lambda v: "十二" if v == 12 else v})
    raw, problems = read_workbook(path)
    assert problems == []
    assert raw["表四"]["行政诉讼"]["未经复议直接起诉"]["结果维持"] == "十二"


def test_merged_header_broken(tmp_path: Path, report: Report) -> None:
    path = build(tmp_path / "填报表.xlsx", report, 表四={"unmerged": ("行政诉讼",)})
    raw, problems = read_workbook(path)
    problem = only(problems)
    assert problem.line is not None and str(problem.line).startswith("表四!")
    assert "行政诉讼" in problem.message and "合并单元格" in problem.message
    assert raw["表四"]["行政诉讼"]["未经复议直接起诉"]["结果维持"] == 12
    # the columns under the broken header stand in as 0: said once, not again (缺少此项)
    assert raw["表四"]["行政诉讼"]["未经复议直接起诉"]["结果纠正"] == 0
    with pytest.raises(ProblemList) as caught:
        validated(path)
    assert [p.message for p in caught.value.problems] == [problem.message]


def test_sheet_missing(tmp_path: Path, report: Report) -> None:
    _, problems = read_workbook(build(tmp_path / "填报表.xlsx", report, skip=("表四",)))
    problem = only(problems)
    assert "表四" in problem.message and problem.label == "表四"
    # its cells stand in as 0: the data-file reader says no more of it (缺少此表)
    with pytest.raises(ProblemList) as caught:
        validated(build(tmp_path / "填报表.xlsx", report, skip=("表四",)))
    assert [p.message for p in caught.value.problems] == [problem.message]


def test_formula_in_a_typed_cell(tmp_path: Path, report: Report) -> None:
    path = build(tmp_path / "填报表.xlsx", report,
                 表四={"typed": lambda v: "=1+1" if v == 12 else v})
    raw, problems = read_workbook(path)
    problem = only(problems)
    assert problem.line == "表四!F5" and "公式" in problem.message
    assert raw["表四"]["行政诉讼"]["未经复议直接起诉"]["结果维持"] == 0  # a stand-in
    with pytest.raises(ProblemList) as caught:
        validated(path)
    assert [p.message for p in caught.value.problems] == [problem.message]


# -- what is no workbook, or a hostile one ---------------------------------------------

def refused(path: Path) -> str:
    started = time.monotonic()
    with pytest.raises(ProblemList) as caught:
        read_workbook(path)
    assert time.monotonic() - started < 10
    assert caught.value.exit_code == 2
    (line,) = caught.value.lines()
    assert line.startswith(str(path)) and "Traceback" not in line
    return line


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "填报表.xlsx"
    path.write_text("项目,内容\n", encoding="utf-8")
    assert "zip" in refused(path)


def test_ole_file(tmp_path: Path) -> None:
    path = tmp_path / "填报表.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    assert ".xls" in refused(path)


def test_zip_that_is_no_workbook(tmp_path: Path) -> None:
    path = tmp_path / "填报表.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("word/document.xml", "<w:document/>")
    assert "没有工作簿" in refused(path)


@pytest.mark.parametrize("size", [3 * 1024 * 1024, 60 * 1024 * 1024])
def test_zip_bomb(tmp_path: Path, size: int) -> None:
    path = tmp_path / "填报表.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", "<workbook/>")
        package.writestr("xl/worksheets/sheet1.xml", b"\0" * size)
    assert "压缩炸弹" in refused(path)


def test_entity_expansion(tmp_path: Path, report: Report) -> None:
    good = build(tmp_path / "good.xlsx", report)
    path = tmp_path / "填报表.xlsx"
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "&lol;" * 10}">'
                        for i in range(9)) + "]>")
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as package:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/sharedStrings.xml" or member.filename == "xl/workbook.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = laughs.encode() + body
            package.writestr(member, data)
    assert "DOCTYPE" in refused(path)


def test_huge_merged_range(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "表三"
    book.save(tmp_path / "small.xlsx")
    path = tmp_path / "填报表.xlsx"
    with zipfile.ZipFile(tmp_path / "small.xlsx") as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.startswith("xl/worksheets/"):
                data = data.replace(b"</worksheet>", b'<mergeCells count="1">'
                                    b'<mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>')
            package.writestr(member, data)
    assert "合并单元格" in refused(path)


def test_text_that_looks_like_a_formula(tmp_path: Path, report: Report) -> None:
    """A string cell "=12" typed as text is no formula: it passes through."""
    path = build(tmp_path / "填报表.xlsx", report)
    book = openpyxl.load_workbook(path)
    cell = book["表四"]["F5"]
    cell.value, cell.data_type = "=12", "s"
    book.save(path)
    raw, problems = read_workbook(path)
    assert problems == []
    assert raw["表四"]["行政诉讼"]["未经复议直接起诉"]["结果维持"] == "=12"
