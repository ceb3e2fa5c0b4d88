"""Writing a `Report` as an Excel 填报表 workbook (openpyxl), the layout of layout.py.

The clerk types only the cells a data file holds: the tables' typed cells, the office
and report fields, the prose. Every 总计 is an Excel formula built from the form's own
deriving equations, so a total can never disagree with its parts; the one kind of rule
a formula cannot make true by construction (a balance, R3.3's 勾稽) is shown by a red
conditional format instead. Sheets are protected without a password: labels and
formulas cannot be overtyped by accident, yet nothing is hidden from a clerk who knows
how to unprotect. openpyxl is imported here only, so nothing else pays for it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from nianbao.datafile.settings import settings
from nianbao.datafile.workbook.layout import (
    CONTENT,
    GUIDE,
    ITEM,
    OFFICE,
    OFFICE_ID,
    PART,
    STANDARD,
    TEXT,
    parts,
)
from nianbao.report.model import Report
from nianbao.report.office import OPTIONAL_FIELDS, PROFILE_FIELDS
from nianbao.report.prose import standard_ids, standard_label, standard_texts
from nianbao.spec.form import Form
from nianbao.spec.rules import Equation, TableValues
from nianbao.spec.tables import CORNER, DATA, HEADER_ROLES, Area, CellKey, Table
from nianbao.spec.values import MAX_AMOUNT, MAX_COUNT

TITLE_ROW = 1  # a table sheet's first row: the table's section heading
FIRST_ROW = 2  # the sheet row of the table's grid row 0
FIRST_COLUMN = 1  # the sheet column of the table's grid column 0

AMOUNT_FORMAT = "0.00####"  # 万元 with two decimals at least and the clerk's own kept
COUNT_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TYPED_FILL = PatternFill("solid", fgColor="FFF9E0")  # where the clerk types
_FORMULA_FILL = PatternFill("solid", fgColor="E8E8E8")  # computed: locked
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_ERROR_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
_ERROR_FONT = Font(color="9C0006", bold=True)
_BOLD = Font(bold=True)
_LOCKED = Protection(locked=True)
_UNLOCKED = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")

_TEXT_ROWS = 200  # 正文 rows left unlocked below the paragraphs, for more of them
_LINE_HEIGHT = 15.0  # points per line of wrapped text


def write_workbook(report: Report, notes: Sequence[str] = ()) -> bytes:
    """The report as a .xlsx a clerk fills in Excel or WPS 表格, sheets in the order of
    layout.py: 说明, 机关信息, the form's tables, 正文. `notes`: lines 说明 shows after
    the instructions (an 汇总's offices, as a YAML file has them in its comment)."""
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = GUIDE
    _write_guide(guide, [*guide_lines(), *(["", *notes] if notes else [])])
    _write_office(book.create_sheet(OFFICE), report)
    for table in report.form.tables.values():
        _write_table(book.create_sheet(table.key), report.form, table,
                     report.tables.get(table.id, {}))
    _write_text(book.create_sheet(TEXT), report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- 说明 --------------------------------------------------------------------------


def guide_lines() -> list[str]:
    """What the clerk reads first: where to type, and what nianbao expects of a value."""
    return [
        "政府信息公开工作年度报告 · 填报表（nianbao）",
        "",
        "一、只填浅黄色的格子。灰色格子（各“总计”）由公式自动计算，不能也不必填写；"
        "标签和公式已锁定（工作表保护，无密码）。",
        "二、“机关信息”表：核对机关信息，填写报告年度、成文日期（如 2025-01-20）、"
        "标题（可不填，默认为“机关名称+年度+年度政府信息公开工作年度报告”）和信息处理费。",
        "三、“表二”“表三”“表四”：按官方表格填写各项数字。没有发生的事项填 0，不要留空。",
        "四、数字不写单位、不加千位分隔符（如 4521，不写 4,521 或 4521件）；"
        "件数填非负整数；以万元为单位的金额填小数（如 12.35），不写“万元”。",
        "五、表三各列应满足勾稽关系：第一项加第二项之和等于第三项加第四项之和。"
        "不满足时相关格子显示为红色，请核对。",
        "六、“正文”表：每段一行。“部分”写开头段落或各部分标题；“标准段落”列填写标准段落"
        "名称时，该段使用标准段落（数字取自本表），“内容”列仅供预览、不读取；"
        "“标准段落”列为空时，“内容”列即为该段正文。可插入行以增加段落。",
        "七、填好后生成报告：nianbao render 本文件.xlsx -o 报告.docx",
    ]


def _write_guide(sheet: Worksheet, lines: Sequence[str]) -> None:
    for row, line in enumerate(lines, start=1):
        cell = sheet.cell(row, 1, line or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row == 1:
            cell.font = Font(bold=True, size=14)
        sheet.row_dimensions[row].height = _LINE_HEIGHT * max(1, math.ceil(_width(line) / 96))
    sheet.column_dimensions["A"].width = 100
    _print_setup(sheet, len(lines), 1, [100.0], title_rows=0)
    _protect(sheet)


# -- 机关信息 ----------------------------------------------------------------------


def office_items(report: Report) -> list[tuple[str, Any, str]]:
    """(项目, 内容, value type) rows of the 机关信息 sheet, in layout.py's order; the
    type says how a cell is formatted and validated (text, year, form, date, count,
    amount)."""
    office = report.office
    items: list[tuple[str, Any, str]] = [(OFFICE_ID, report.office_ref or office.id, "text")]
    items += [(label, getattr(office, key) or None, "text")
              for key, label in (PROFILE_FIELDS | OPTIONAL_FIELDS).items()]
    items += [(field_name("year"), report.year, "year"),
              (field_name("form"), report.form.version, "form"),
              (field_name("date"), report.date, "date"),
              (field_name("title"), report.title or None, "text")]
    for key, spec in settings()["fees"]["fields"].items():
        items.append((spec["label"], report.fees.get(key, 0), spec.get("type", "count")))
    return items


def field_name(key: str) -> str:
    """A data-file field as the 机关信息 sheet names it: its Chinese label alone
    (报告年度), not `field_label`'s year（报告年度）: a clerk reads no English."""
    label: str = settings()["fields"][key]["label"]
    return label


def _write_office(sheet: Worksheet, report: Report) -> None:
    _heading_row(sheet, (ITEM, CONTENT))
    for row, (label, value, kind) in enumerate(office_items(report), start=2):
        item = sheet.cell(row, 1, label)
        item.font, item.border, item.alignment = _BOLD, _BORDER, _WRAP
        cell = sheet.cell(row, 2, value)
        cell.border, cell.alignment = _BORDER, Alignment(wrap_text=True, vertical="center",
                                                         horizontal="left")
        cell.protection, cell.fill = _UNLOCKED, _TYPED_FILL
        cell.number_format = {"date": DATE_FORMAT, "form": TEXT_FORMAT, "text": TEXT_FORMAT,
                              "amount": AMOUNT_FORMAT}.get(kind, COUNT_FORMAT)
        validation = _office_validation(kind, label)
        if validation is not None:
            sheet.add_data_validation(validation)
            validation.add(cell.coordinate)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 70
    sheet.freeze_panes = "A2"
    _print_setup(sheet, len(office_items(report)) + 1, 2, [30.0, 70.0], title_rows=1)
    _protect(sheet)


def _office_validation(kind: str, label: str) -> DataValidation | None:
    """Validation of a 机关信息 value that is not free text."""
    if kind == "year":
        return _validation("whole", "between", ("2000", "2100"), label,
                           "应填四位数的年度，如 2024")
    if kind == "form":
        return _validation("list", None, ('"2021,2019"',), label,
                           "2021（2021年度起）或 2019（2019、2020年度）")
    if kind == "date":
        return _validation("date", "between", ("DATE(2000,1,1)", "DATE(2100,12,31)"),
                           label, "应填日期，如 2025-01-20")
    if kind in ("count", "amount"):
        return _number_validation(kind, label)
    return None


# -- the tables ----------------------------------------------------------------------


def sheet_position(row: int, column: int) -> tuple[int, int]:
    """The sheet (row, column), 1-based, of a table grid position (0-based)."""
    return FIRST_ROW + row, FIRST_COLUMN + column


def cell_positions(table: Table) -> dict[CellKey, tuple[int, int]]:
    """Where each data cell stands on its sheet: the top-left of its area."""
    return {area.cell: sheet_position(area.top, area.left)
            for area in table.areas() if area.role == DATA and area.cell is not None}


def cell_refs(table: Table) -> dict[CellKey, str]:
    """Each data cell's A1 reference on its sheet."""
    return {key: f"{get_column_letter(col)}{row}"
            for key, (row, col) in cell_positions(table).items()}


def _write_table(sheet: Worksheet, form: Form, table: Table, values: TableValues) -> None:
    height, width = table.grid_size
    areas = table.areas()
    _title_row(sheet, form.section(table.section).heading, width)
    positions = cell_positions(table)
    formulas = derived_formulas(form, table)
    for area in areas:
        _draw_area(sheet, area)
    for key, (row, col) in positions.items():
        cell = sheet.cell(row, col)
        if key in formulas:
            cell.value = formulas[key]
            cell.fill, cell.protection = _FORMULA_FILL, _LOCKED
            cell.number_format = COUNT_FORMAT
            continue
        kind = table.column(key[1]).type
        cell.value = _cell_value(values.get(key))
        cell.fill, cell.protection = _TYPED_FILL, _UNLOCKED
        cell.number_format = AMOUNT_FORMAT if kind == "amount" else (
            COUNT_FORMAT if kind in ("count", "signed") else "General")
        validation = _number_validation(kind, table.describe(*key), cell.coordinate)
        sheet.add_data_validation(validation)
        validation.add(cell.coordinate)
    _balance_formats(sheet, form, table)
    widths = _column_widths(areas, width)
    for index, chars in enumerate(widths):
        sheet.column_dimensions[get_column_letter(FIRST_COLUMN + index)].width = chars
    _row_heights(sheet, areas, widths, height)
    row, col = sheet_position(table.header_rows, _label_columns(areas))
    sheet.freeze_panes = f"{get_column_letter(col)}{row}"
    _print_setup(sheet, sheet_position(height - 1, 0)[0], FIRST_COLUMN + width - 1, widths,
                 title_rows=sheet_position(table.header_rows - 1, 0)[0])
    _protect(sheet)


def _title_row(sheet: Worksheet, heading: str, width: int) -> None:
    cell = sheet.cell(TITLE_ROW, FIRST_COLUMN, heading)
    cell.font, cell.alignment = Font(bold=True, size=12), Alignment(vertical="center")
    if width > 1:
        sheet.merge_cells(start_row=TITLE_ROW, start_column=FIRST_COLUMN, end_row=TITLE_ROW,
                          end_column=FIRST_COLUMN + width - 1)
    sheet.row_dimensions[TITLE_ROW].height = 24


def _draw_area(sheet: Worksheet, area: Area) -> None:
    """One merge area: merged when it spans more than one position, bordered all round
    (a merged range's border is drawn on each of its cells)."""
    top, left = sheet_position(area.top, area.left)
    bottom, right = sheet_position(area.bottom, area.right)
    for row in range(top, bottom + 1):
        for col in range(left, right + 1):
            sheet.cell(row, col).border = _BORDER
    cell = sheet.cell(top, left)
    if area.role != DATA:
        cell.value = area.text or None
        cell.protection = _LOCKED
        cell.alignment = _CENTER if area.role in HEADER_ROLES or area.role == CORNER else _WRAP
        if area.role in HEADER_ROLES:
            cell.font, cell.fill = _BOLD, _HEADER_FILL
        elif area.role == CORNER:
            cell.font = Font(size=9)
    else:
        cell.alignment = Alignment(vertical="center", horizontal="right")
    if area.row_span > 1 or area.col_span > 1:
        sheet.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)


def _cell_value(value: object) -> int | Decimal | str | None:
    """A typed cell's value as Excel keeps it: numbers as numbers, a money_text with its
    unit (251000元) as the text the clerk typed."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, Decimal, str)):
        return value
    return None if value is None else str(value)


def derived_formulas(form: Form, table: Table) -> dict[CellKey, str]:
    """Each derived cell's formula, from the first of the form's deriving equations
    that computes it (the one `derive` applies first). Like `derive`, a total stays
    blank while one of its parts is not a number; it may refer to another total."""
    refs = cell_refs(table)
    formulas: dict[CellKey, str] = {}
    for equation in form.equations(table.id):
        target = equation.left[0]
        if not equation.derives or target in formulas or target not in refs:
            continue
        parts = _ranges([refs[k] for k in equation.right])
        formulas[target] = f'=IF(COUNT({parts})={len(equation.right)},SUM({parts}),"")'
    return formulas


def _ranges(refs: Sequence[str]) -> str:
    """References joined for SUM and COUNT, adjacent runs of one row or one column as
    one range (B5:G5), so that a formula reads as the sum it is."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    points = [coordinate_from_string(ref) for ref in refs]
    coords = [(row, column_index_from_string(col)) for col, row in points]
    runs: list[list[int]] = []
    for i, (row, col) in enumerate(coords):
        if runs:
            last = runs[-1]
            (r0, c0), (rf, cf) = coords[last[-1]], coords[last[0]]
            if (row == r0 == rf and col == c0 + 1) or (col == c0 == cf and row == r0 + 1):
                last.append(i)
                continue
        runs.append([i])
    return ",".join(refs[run[0]] if len(run) == 1 else f"{refs[run[0]]}:{refs[run[-1]]}"
                    for run in runs)


def check_equations(form: Form, table: Table) -> list[Equation]:
    """The equations a formula cannot make true by construction: balances (R3.3) and
    sums whose total is typed; each becomes a red conditional format."""
    return [eq for eq in form.equations(table.id) if not eq.derives]


def check_formula(equation: Equation, refs: dict[CellKey, str]) -> str:
    """A condition true when the equation fails, every one of its cells a number (as
    `Equation.violation`: a blank is a different mistake)."""
    cells = [*equation.left, *equation.right]
    every = ",".join(_absolute(refs[k]) for k in cells)
    left = ",".join(_absolute(refs[k]) for k in equation.left)
    right = ",".join(_absolute(refs[k]) for k in equation.right)
    return f"AND(COUNT({every})={len(cells)},SUM({left})<>SUM({right}))"


def _absolute(ref: str) -> str:
    from openpyxl.utils.cell import absolute_coordinate

    return str(absolute_coordinate(ref))


def _balance_formats(sheet: Worksheet, form: Form, table: Table) -> None:
    refs = cell_refs(table)
    for equation in check_equations(form, table):
        cells = [*equation.left, *equation.right]
        if not all(k in refs for k in cells):
            continue
        rule = FormulaRule(formula=[check_formula(equation, refs)], fill=_ERROR_FILL,
                           font=_ERROR_FONT, stopIfTrue=False)
        sheet.conditional_formatting.add(" ".join(refs[k] for k in cells), rule)


def _number_validation(kind: str, label: str, ref: str = "A1") -> DataValidation:
    """Validation of a number cell by its type, naming the cell as the form does."""
    if kind == "count":
        return _validation("whole", "between", ("0", str(MAX_COUNT)), label,
                           "应填非负整数，没有发生的填 0，不写单位")
    if kind == "signed":
        return _validation("whole", "between", (str(-MAX_COUNT), str(MAX_COUNT)), label,
                           "应填整数（可为负数），没有的填 0，不写单位")
    if kind == "amount":
        return _validation("decimal", "between", ("0", str(MAX_AMOUNT)), label,
                           "应填非负数，可带小数（如 12.35），没有的填 0，不写单位")
    # money_text: a number, or a number with its unit (251000元)
    return _validation("custom", None, (f"OR(ISTEXT({ref}),{ref}>=0)",), label,
                       "应填金额，如 251000 或 251000元，没有的填 0")


def _validation(kind: str, operator: str | None, formulas: tuple[str, ...], label: str,
                hint: str) -> DataValidation:
    """A validation with its input message and error message in Chinese."""
    validation = DataValidation(type=kind, operator=operator, formula1=formulas[0],
                                formula2=formulas[1] if len(formulas) > 1 else None,
                                allow_blank=True, showInputMessage=True, showErrorMessage=True)
    validation.promptTitle, validation.errorTitle = "填写提示", "填写有误"
    validation.prompt = _clip(f"{label}：{hint}", 255)
    validation.error = _clip(f"{label}：{hint}", 255)
    return validation


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _label_columns(areas: Iterable[Area]) -> int:
    """Grid columns left of every data cell (0 for table 四): the panes freeze there."""
    return min((a.left for a in areas if a.role == DATA), default=0)


def _width(text: str) -> int:
    """Display width: a Chinese character counts two."""
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)


def _column_widths(areas: Sequence[Area], width: int) -> list[float]:
    """Widths (in characters) that let each one-column label read on a few lines: data
    columns at least 10, long labels wrapped at 40."""
    widths = [10.0] * width
    for area in areas:
        if area.col_span == 1 and area.text and area.role != CORNER:
            wanted = min(40.0, _width(area.text) / max(1, area.row_span) + 2)
            widths[area.left] = max(widths[area.left], wanted)
    return widths


def _row_heights(sheet: Worksheet, areas: Sequence[Area], widths: Sequence[float],
                 height: int) -> None:
    """Heights that show every wrapped label whole: neither Excel nor Calc fits a row
    to a merged cell's text."""
    lines = [1.0] * height
    for area in areas:
        if not area.text:
            continue
        room = sum(widths[area.left: area.right + 1]) - 1
        needed = math.ceil(_width(area.text) * (0.8 if area.role == CORNER else 1) / room)
        share = needed / area.row_span
        for row in range(area.top, area.bottom + 1):
            lines[row] = max(lines[row], share)
    for row, count in enumerate(lines):
        sheet.row_dimensions[sheet_position(row, 0)[0]].height = _LINE_HEIGHT * math.ceil(
            count) + 3


# -- 正文 ----------------------------------------------------------------------------


def text_rows(report: Report) -> list[tuple[str, str | None, str | None]]:
    """(部分, 标准段落, 内容) per paragraph: the preamble's, then each section's in order;
    a standard paragraph by its Chinese name (`standard_label`, which the workbook
    reader takes back to its id), with the text it prints; a section without
    paragraphs gets one row of its own."""
    printed = standard_texts(report) if any(
        p.standard for ps in report.text.values() for p in ps) else {}
    rows: list[tuple[str, str | None, str | None]] = []
    for key, label in parts(report.form):
        paragraphs = report.text.get(key, [])
        if not paragraphs:
            rows.append((label, None, None))
        for p in paragraphs:
            if p.standard:
                rows.append((label, standard_label(p.standard), printed.get(p.standard)))
            else:
                rows.append((label, None, p.text or None))
    return rows


def _write_text(sheet: Worksheet, report: Report) -> None:
    _heading_row(sheet, (PART, STANDARD, CONTENT))
    rows = text_rows(report)
    last = len(rows) + 1 + _TEXT_ROWS
    for row in range(2, last + 1):
        for col in (1, 2, 3):
            cell = sheet.cell(row, col)
            cell.protection, cell.alignment = _UNLOCKED, Alignment(wrap_text=True,
                                                                   vertical="top")
    for row, (part, standard, content) in enumerate(rows, start=2):
        sheet.cell(row, 1, part)
        sheet.cell(row, 2, standard)
        text = sheet.cell(row, 3, content)
        text.number_format = TEXT_FORMAT
        if standard:
            text.font = Font(color="808080")  # shown, not read back
        sheet.row_dimensions[row].height = _LINE_HEIGHT * max(
            1, math.ceil(_width(content or "") / 96)) + 3
    _text_validations(sheet, report.form, last)
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 100
    sheet.freeze_panes = "A2"
    _print_setup(sheet, len(rows) + 1, 3, [36.0, 16.0, 100.0], title_rows=1)
    _protect(sheet, rows_editable=True)


def _text_validations(sheet: Worksheet, form: Form, last: int) -> None:
    """部分 and 标准段落 as drop-down lists, so that each row says where it goes."""
    part = _validation("list", None, (_list_formula(label for _, label in parts(form)),), PART,
                       "开头段落或正文各部分的标题")
    sheet.add_data_validation(part)
    part.add(f"A2:A{last}")
    names = [standard_label(i) for i in standard_ids()]
    standard = _validation("list", None, (_list_formula(names),), STANDARD,
                           "使用标准段落时从下拉列表选择其名称；自己写的段落留空")
    sheet.add_data_validation(standard)
    standard.add(f"B2:B{last}")


def _list_formula(items: Iterable[str]) -> str:
    return '"' + ",".join(items) + '"'


# -- shared ----------------------------------------------------------------------------


def _heading_row(sheet: Worksheet, labels: Sequence[str]) -> None:
    for col, label in enumerate(labels, start=1):
        cell = sheet.cell(1, col, label)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEADER_FILL, _BORDER, _CENTER
        cell.protection = _LOCKED


PORTRAIT_CHARS = 110  # column widths (characters) A4 portrait prints at a readable size


def _print_setup(sheet: Worksheet, last_row: int, last_column: int,
                 widths: Sequence[float], *, title_rows: int) -> None:
    """Printing on A4: the sheet's cells in use, scaled to one page wide (as many pages
    long as they need), centred; landscape when the columns are wider than a portrait
    page reads well (表三); the heading rows repeated on every page."""
    sheet.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if sum(widths) > PORTRAIT_CHARS else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    properties = sheet.sheet_properties.pageSetUpPr
    if properties is None:
        sheet.sheet_properties.pageSetUpPr = properties = PageSetupProperties()
    properties.fitToPage = True
    sheet.print_options.horizontalCentered = True
    if title_rows:
        sheet.print_title_rows = f"1:{title_rows}"


def _protect(sheet: Worksheet, *, rows_editable: bool = False) -> None:
    """Sheet protection on, no password: locked cells cannot be overtyped, unlocked
    ones can; 正文 lets the clerk insert and delete rows for paragraphs."""
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False  # allowed: widen a column to read
    protection.formatRows = False
    if rows_editable:
        protection.insertRows = False
        protection.deleteRows = False
