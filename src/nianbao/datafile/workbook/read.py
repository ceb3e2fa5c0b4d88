"""A returned 填报表 workbook (.xlsx) read back into the raw structure of a data file.

`read_workbook` gives what `read_yaml` gives for a YAML data file: LineDict/LineList
values the data-file reader validates unchanged, each `.line`/`.lines` entry holding
the cell it came from ("表三!D7") instead of a line number. Values pass through as
typed ("12", "１２", "12件" stay strings: the data-file reader judges them).

Everything is found by its labels (layout.py), never by a fixed address: a clerk's
spreadsheet program (Excel, WPS, LibreOffice Calc) may have inserted rows, renamed a
sheet or typed numbers as text. A table's sheet is found by name, else by content;
each data cell is the sheet cell whose row carries the form row's labels and whose
column carries the column's header labels, merged ranges resolved.

The file is untrusted: its zip members are checked (sizes, ratio, count, sheets, no
DTD) before openpyxl reads it, and the sheets' sizes after. openpyxl parses the
workbook, relationships and styles with lxml (entities not resolved) but the sheets
and shared strings with the standard library's expat (no defusedxml here), which
expands internal entities up to its amplification limit and refuses external ones as
undefined: a DTD is refused outright, so a clerk reads why, whatever expat's version.
Every member is looked at, whatever its name (a relationship may point a sheet at any
member), UTF-16 ones as their UTF-8 text.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from nianbao.datafile.raw import append, located, nest, put
from nianbao.datafile.settings import settings
from nianbao.datafile.workbook.layout import (
    CONTENT,
    ITEM,
    OFFICE,
    OFFICE_ID,
    PART,
    STANDARD,
    TEXT,
    parts,
)
from nianbao.datafile.yamlfile import LineDict, LineList
from nianbao.errors import Problem, ProblemList, os_reason
from nianbao.report.office import ALL_FIELDS, OPTIONAL_FIELDS
from nianbao.report.prose import standard_ids, standard_label
from nianbao.spec.form import FORM_VERSIONS, Form, form_for_year, load_form, report_years
from nianbao.spec.labels import normalize_label
from nianbao.spec.tables import (
    COLUMN_HEADER,
    DATA,
    GROUP_TITLE,
    ROW_HEADER,
    CellKey,
    Table,
)

# Caps on a hostile workbook: a clerk's 填报表 is some 30 kB in a dozen members.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBER_BYTES = 50 * 1024 * 1024  # uncompressed, each member
MAX_TOTAL_BYTES = 100 * 1024 * 1024  # uncompressed, all members
MAX_RATIO = 200  # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 500
MAX_SHEETS = 50
MAX_ROWS, MAX_COLUMNS = 5000, 200
MAX_CELLS = 200_000  # <c> elements of one sheet, counted before openpyxl reads it
MAX_MERGED = 1_000_000  # positions under a sheet's merged ranges (openpyxl fills each)
_DTD = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
# elements by their local name, whatever the namespace prefix (<x:c r="A1"/>)
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_SHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet[\s/>]")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _unusable(path: Path, message: str) -> ProblemList:
    return ProblemList([Problem(path, None, "", message)], usable=False)


# -- the file, before openpyxl sees it -------------------------------------------------

def check_package(path: Path) -> None:
    """Refuse what is not a workbook, or a workbook built to exhaust the reader."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _unusable(path, f"文件过大（{size} 字节），不是填报表")
        with path.open("rb") as file:
            head = file.read(8)
    except FileNotFoundError:
        raise _unusable(path, "文件不存在") from None
    except IsADirectoryError:
        raise _unusable(path, "这是文件夹，不是填报表") from None
    except OSError as exc:
        raise _unusable(path, f"无法读取：{os_reason(exc)}") from None
    if head == _OLE:
        raise _unusable(path, "这是加密的工作簿或旧版 .xls 文件：请去掉密码，"
                        "另存为 Excel 工作簿（.xlsx）后再试")
    try:
        with zipfile.ZipFile(path) as package:
            _check_members(path, package)
    except zipfile.BadZipFile:
        raise _unusable(path, "不是 Excel 工作簿（.xlsx）：文件不是 zip 压缩包") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
        raise _unusable(path, "不是 Excel 工作簿（.xlsx）：压缩包已损坏或加密") from None


def _check_members(path: Path, package: zipfile.ZipFile) -> None:
    members = package.infolist()
    names = {m.filename for m in members}
    sheets = [m for m in members if m.filename.startswith("xl/worksheets/")
              and m.filename.endswith(".xml")]
    if len(sheets) > MAX_SHEETS:
        raise _unusable(path, f"工作表过多（{len(sheets)} 个，最多 {MAX_SHEETS} 个），拒绝读取")
    if len(members) > MAX_MEMBERS:
        raise _unusable(path, f"工作簿的组成部分过多（{len(members)} 个），拒绝读取")
    if "[Content_Types].xml" not in names or not any(n.endswith("workbook.xml") for n in names):
        raise _unusable(path, "不是 Excel 工作簿（.xlsx）：压缩包中没有工作簿")
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise _unusable(path, "工作簿已加密：请去掉密码后再试")
        total += member.file_size
        if member.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise _unusable(path, "工作簿解压后过大（可能是压缩炸弹），拒绝读取")
        if member.file_size > RATIO_FLOOR and \
                member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise _unusable(path, "工作簿的压缩比异常（可能是压缩炸弹），拒绝读取")
    for member in members:
        data = _as_utf8(_read_member(package, member))
        if any(mark in data for mark in _DTD):
            raise _unusable(path, "工作簿含有 XML 文档类型声明（DOCTYPE/ENTITY，"
                            "可能是实体扩展攻击），拒绝读取")
        if member.filename.endswith("workbook.xml") and \
                (count := _count(_SHEET, data, 100_000)) > MAX_SHEETS:
            raise _unusable(path, f"工作表过多（{count} 个，最多 {MAX_SHEETS} 个），拒绝读取")
        if b"sheetData" not in data:
            continue  # not a worksheet, wherever it is
        if _merged_positions(data) > MAX_MERGED:
            raise _unusable(path, "工作表的合并单元格过多或过大，拒绝读取")
        if _count(_CELL, data, MAX_CELLS) > MAX_CELLS or _count(_ROW, data, MAX_ROWS) > MAX_ROWS:
            raise _unusable(path, f"工作表过大（超过 {MAX_ROWS} 行或 {MAX_CELLS} 个单元格），"
                            "拒绝读取")


def _count(pattern: re.Pattern[bytes], data: bytes, limit: int) -> int:
    """How often the pattern occurs, counted up to one past `limit`."""
    return sum(1 for _ in itertools.islice(pattern.finditer(data), limit + 1))


def _as_utf8(data: bytes) -> bytes:
    """A member's XML as UTF-8 bytes to look for markup in: expat reads UTF-16 too (by
    its byte order mark or its first "<"), every other encoding it reads keeps ASCII's
    bytes for markup."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:2] in (b"<\0", b"\0<"):
        codec = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else (
            "utf-16-le" if data[:1] == b"<" else "utf-16-be")
        return data.decode(codec, "replace").encode("utf-8")
    return data


_MERGE = re.compile(rb'<mergeCell\b[^>]*?\bref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')


def _merged_positions(data: bytes) -> int:
    """The positions a sheet's merged ranges cover: openpyxl makes a cell of each."""
    total = 0
    for match in _MERGE.finditer(data):
        left, top, right, bottom = match.groups()
        rows = abs(int(bottom) - int(top)) + 1
        first, last = (column_index_from_string(c.decode()) for c in (left, right))
        columns = abs(last - first) + 1
        total += rows * columns
        if total > MAX_MERGED:
            break
    return total


def _read_member(package: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than its declared size (a lying header is refused)."""
    with package.open(member) as stream:
        data = stream.read(member.file_size + 1)
    if len(data) > member.file_size:
        raise ValueError(member.filename)
    return data


# -- the sheets, as grids of labels -----------------------------------------------------

@dataclass
class _Sheet:
    """A worksheet's values (as typed, formulas as "=…") and its texts with every merged
    range's text in each of its positions, normalised for matching."""

    name: str
    values: dict[tuple[int, int], Any]
    formulas: set[tuple[int, int]]  # cells holding a formula, its text in `values`
    cached: dict[tuple[int, int], Any] | None = None  # data_only values, loaded on demand
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    rows: int = 0
    columns: int = 0

    def where(self, row: int, column: int) -> str:
        return f"{self.name}!{get_column_letter(column)}{row}"

    def text(self, row: int, column: int) -> str:
        return self.texts.get((row, column), "")

    def row_texts(self, row: int) -> Iterator[tuple[int, str]]:
        for column in range(1, self.columns + 1):
            text = self.texts.get((row, column))
            if text:
                yield column, text


def _load(path: Path) -> tuple[list[_Sheet], Any]:
    import openpyxl  # only a workbook needs it

    try:
        book = openpyxl.load_workbook(path, data_only=False)
    except Exception:  # openpyxl raises what its parsers raise
        raise _unusable(path, "无法读取工作簿：文件已损坏，或不是 Excel 工作簿（.xlsx）") from None
    sheets = []
    for ws in book.worksheets:
        if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS:
            raise _unusable(path, f"工作表“{ws.title}”过大（{ws.max_row} 行、{ws.max_column} 列，"
                            f"最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列），拒绝读取")
        cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
        formulas = {(c.row, c.column) for c in cells if c.data_type == "f"}
        values = {(c.row, c.column): _formula_text(c.value) if (c.row, c.column) in formulas
                  else c.value for c in cells}
        sheet = _Sheet(ws.title, values, formulas, rows=ws.max_row, columns=ws.max_column)
        sheet.texts = {pos: normalize_label(str(v)) for pos, v in values.items()
                       if pos not in formulas}
        for merged in ws.merged_cells.ranges:
            text = sheet.texts.get((merged.min_row, merged.min_col), "")
            for r in range(merged.min_row, min(merged.max_row, MAX_ROWS) + 1):
                for c in range(merged.min_col, min(merged.max_col, MAX_COLUMNS) + 1):
                    if text:
                        sheet.texts[r, c] = text
        sheets.append(sheet)
    return sheets, book


def _formula_text(value: Any) -> str:
    """A formula's text: openpyxl gives a str, or an ArrayFormula holding it."""
    text = getattr(value, "text", value)
    return str(text) if str(text).startswith("=") else f"={text}"


def _cached_values(path: Path, sheets: list[_Sheet]) -> None:
    """The values the workbook's program computed last (data_only), for typed cells
    holding a formula; loaded once, the first time one is met."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception:
        for sheet in sheets:
            sheet.cached = {}
        return
    by_name = {ws.title: ws for ws in book.worksheets}
    for sheet in sheets:
        ws = by_name.get(sheet.name)
        sheet.cached = {} if ws is None else {
            (c.row, c.column): c.value for row in ws.iter_rows() for c in row
            if c.value is not None}


# -- the form's tables, as label paths --------------------------------------------------

@dataclass(frozen=True)
class _Slot:
    """A data cell of the form: its cell key and the labels that lead to it."""

    key: CellKey
    group: str  # table 二: the 第二十条 title over it; "" for the others
    row_path: tuple[str, ...]  # the row labels, outermost first (empty: table 四)
    column_path: tuple[str, ...]  # the column header labels, top first


def _slots(table: Table) -> list[_Slot]:
    areas = table.areas()
    slots = []
    for area in areas:
        if area.role != DATA or area.cell is None:
            continue
        titles = [a for a in areas if a.role == GROUP_TITLE and a.top < area.top]
        title = max(titles, key=lambda a: a.top) if titles else None
        rows = sorted((a for a in areas if a.role == ROW_HEADER
                       and a.top <= area.top <= a.bottom), key=lambda a: a.left)
        columns = sorted((a for a in areas if a.role == COLUMN_HEADER
                          and a.left <= area.left <= a.right and a.bottom < area.top
                          and (title is None or a.top > title.top)), key=lambda a: a.top)
        slots.append(_Slot(area.cell, title.text if title else "",
                           tuple(a.text for a in rows), tuple(a.text for a in columns)))
    return slots


def _dedup(texts: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for text in texts:
        if not out or out[-1] != text:
            out.append(text)
    return tuple(out)


# -- reading ----------------------------------------------------------------------------

class _WorkbookReader:
    def __init__(self, path: Path, sheets: list[_Sheet]) -> None:
        self.path = path
        self.sheets = sheets
        self.problems: list[Problem] = []
        self.claimed: set[str] = set()
        self.lost: set[str] = set()  # the sheets not found, by the name they should have

    def problem(self, where: str | None, label: str, message: str) -> None:
        self.problems.append(Problem(self.path, where, label, message))

    def sheet(self, name: str, labels: frozenset[str], what: str) -> _Sheet | None:
        """The sheet by its name, else the one holding the most of `labels` (at least
        half of them)."""
        wanted = normalize_label(name)
        for sheet in self.sheets:
            if normalize_label(sheet.name) == wanted:
                self.claimed.add(sheet.name)
                return sheet
        best, found = None, 0
        for sheet in self.sheets:
            if sheet.name in self.claimed:
                continue
            count = len(labels & set(sheet.texts.values()))
            if count > found:
                best, found = sheet, count
        if best is not None and found * 2 >= len(labels):
            self.claimed.add(best.name)
            return best
        self.problem(None, name, f"找不到工作表“{name}”（{what}）：请勿删除该工作表")
        self.lost.add(name)
        return None

    # -- 机关信息 --

    def office_fields(self, raw: LineDict) -> tuple[Any, Any]:
        """机关信息 into raw: office (a LineDict of the profile and the id), year, form,
        date, title, fees. Returns the year and form version as given."""
        fields = settings()["fields"]
        labels: dict[str, tuple[str, str]] = {}  # normalised label -> (where, key)

        def accept(kind: str, key: str, *names: str) -> None:
            for name in names:
                labels.setdefault(normalize_label(name), (kind, key))
                if "：" in name:
                    labels.setdefault(normalize_label(name.split("：")[0]), (kind, key))

        accept("office", "id", OFFICE_ID, fields["office"]["label"])
        for key, label in ALL_FIELDS.items():
            accept("office", key, label, key)
        for key in ("year", "form", "date", "title"):
            label = fields[key]["label"]
            accept("top", key, label, key, f"{key}（{label}）")
        fees = settings()["fees"]
        for key, spec in fees["fields"].items():
            accept("fees", spec["label"], spec["label"], key, f"{fees['key']}{spec['label']}",
                   f"{fees['key']}：{spec['label']}", f"{fees['key']} {spec['label']}")
        sheet = self.sheet(OFFICE, frozenset(labels) | {normalize_label(ITEM)},
                           "机关信息和报告年度")
        office = located(LineDict(), f"{OFFICE}!A1")
        fee_values = located(LineDict(), f"{OFFICE}!A1")
        put(raw, "office", office, office.line)  # first, as a data file has it
        if sheet is None:
            return None, None
        located(office, sheet.where(1, 1))
        located(fee_values, sheet.where(1, 1))
        item_column, content_column = self.office_columns(sheet, labels)
        for row in range(1, sheet.rows + 1):
            found = labels.get(sheet.text(row, item_column))
            if found is None:
                continue
            kind, key = found
            value = sheet.values.get((row, content_column))
            if (row, content_column) in sheet.formulas:
                value = self.formula(sheet, row, content_column, key)
            where = sheet.where(row, content_column)
            if isinstance(value, str) and not value.strip():
                value = None
            if kind == "office":
                if value is None and key in OPTIONAL_FIELDS:
                    continue  # an optional field left empty: not given
                if key == "id" and isinstance(value, str):
                    value = value.strip()
                put(office, key, _as_text(value), where)
                if key == "id":
                    cast(Any, office).line = where
            elif value is None:
                continue  # empty: the data-file reader says what is missing
            elif kind == "fees":
                put(fee_values, key, value, where)
            else:
                put(raw, key, _top_value(key, value), where)
        cast(Any, raw).lines["office"] = office.line
        if fee_values:
            put(raw, "fees", fee_values, fee_values.line)
        return raw.get("year"), raw.get("form")

    def office_columns(self, sheet: _Sheet, labels: dict[str, tuple[str, str]]
                       ) -> tuple[int, int]:
        item, content = normalize_label(ITEM), normalize_label(CONTENT)
        for row in range(1, sheet.rows + 1):
            texts = dict((t, c) for c, t in sheet.row_texts(row))
            if item in texts and content in texts:
                return texts[item], texts[content]
        for (_, column), text in sorted(sheet.texts.items()):
            if text in labels:
                return column, column + 1
        return 1, 2

    def formula(self, sheet: _Sheet, row: int, column: int, label: str) -> Any:
        """A typed cell holding a formula: the value last computed, if the workbook
        has it; else a problem, and no value."""
        if sheet.cached is None:
            _cached_values(self.path, self.sheets)
        value = (sheet.cached or {}).get((row, column))
        if value is None or (isinstance(value, str) and value.startswith("=")) \
                or type(value).__name__ == "ArrayFormula":
            self.problem(sheet.where(row, column), label,
                         f"单元格是公式（{sheet.values[row, column]}），且没有计算结果："
                         "请直接填写数字")
            return None
        return value

    # -- 正文 --

    def text(self, form: Form) -> LineDict:
        keys = [key for key, _ in parts(form)]
        named: dict[str, str] = {}
        for name, key in [*((label, key) for key, label in parts(form)),
                          *((key, key) for key in keys),
                          *((s.heading.removeprefix(s.numeral).lstrip("、．. "), s.id)
                            for s in form.sections)]:
            named.setdefault(normalize_label(name), key)
        standards = {normalize_label(standard_label(i)): i for i in standard_ids()}
        heading = {normalize_label(h) for h in (PART, STANDARD, CONTENT)}
        sheet = self.sheet(TEXT, frozenset(named) | heading, "正文")
        body = located(LineDict(), f"{TEXT}!A1")
        for key in keys:
            put(body, key, located(LineList(), body.line), body.line)
        if sheet is None:
            return body
        found = self.text_columns(sheet, heading)
        if found is None:
            self.problem(sheet.where(1, 1), "", f"工作表“{sheet.name}”中找不到表头"
                         f"“{PART} | {STANDARD} | {CONTENT}”：请勿修改表头")
            return body
        top, part_column, standard_column, content_column = found
        cast(Any, body).line = sheet.where(top, part_column)
        current: str | None = None
        for row in range(top + 1, sheet.rows + 1):
            part = sheet.values.get((row, part_column))
            if part is not None and str(part).strip():
                current = named.get(normalize_label(str(part)))
                if current is None:
                    self.problem(sheet.where(row, part_column), str(part),
                                 "未知的部分；可用的有："
                                 + "、".join(label for _, label in parts(form)))
                elif not body[current]:
                    cast(Any, body[current]).line = sheet.where(row, part_column)
                    cast(Any, body).lines[current] = sheet.where(row, part_column)
            standard = sheet.values.get((row, standard_column))
            content = sheet.values.get((row, content_column))
            standard = None if isinstance(standard, str) and not standard.strip() else standard
            content = None if isinstance(content, str) and not content.strip() else content
            if standard is None and content is None:
                continue
            if current is None:
                if part is None or not str(part).strip():
                    self.problem(sheet.where(row, part_column), "",
                                 f"这一段没有填“{PART}”（属于哪一部分）")
                continue
            if standard is not None:
                name = str(standard).strip()
                paragraph = located(LineDict(), sheet.where(row, standard_column))
                put(paragraph, "standard", standards.get(normalize_label(name), name),
                     paragraph.line)
                append(body[current], paragraph, paragraph.line)
            else:
                if (row, content_column) in sheet.formulas:
                    content = self.formula(sheet, row, content_column, CONTENT)
                    if content is None:
                        continue
                if not isinstance(content, (str, int, float)) or isinstance(content, bool):
                    content = str(content)
                append(body[current], content, sheet.where(row, content_column))
        return body

    def text_columns(self, sheet: _Sheet, heading: set[str]
                     ) -> tuple[int, int, int, int] | None:
        part, standard, content = (normalize_label(h) for h in (PART, STANDARD, CONTENT))
        for row in range(1, sheet.rows + 1):
            texts = {t: c for c, t in sheet.row_texts(row)}
            if heading <= set(texts):
                return row, texts[part], texts[standard], texts[content]
        return None

    # -- the tables --

    def table(self, table: Table) -> LineDict | None:
        """A table's cells as the data file nests them. A cell this reader could not
        find (its sheet, row, column or group title lost, or a formula without a value)
        has had its problem said here, at the sheet and cell: it stands in as 0, so
        that the data-file reader says nothing more of it (a second line, 缺少此项 or
        缺少此表, for the same slip). The report is not made while a problem stands."""
        sheet = self.sheet(table.key, table.labels, f"表格 {table.key}")
        if sheet is None:
            where = f"{table.key}!A1"
            return nest(table.key_tree, {s.key: (0, where) for s in _slots(table)
                                          if not table.is_derived(*s.key)})
        slots = _slots(table)
        groups = list(dict.fromkeys(s.group for s in slots))
        spans = self.group_spans(sheet, table, groups)
        placed: dict[CellKey, tuple[int, int]] = {}
        for group in groups:
            if group not in spans:
                continue
            first, last = spans[group]
            placed |= self.place(sheet, table, [s for s in slots if s.group == group],
                                 first, last)
        values: dict[CellKey, tuple[Any, str]] = {}
        for slot in slots:
            derived = table.is_derived(*slot.key)
            if slot.key not in placed:
                if not derived:  # its row, column or group title not found: said
                    values[slot.key] = (0, sheet.where(1, 1))
                continue
            row, column = placed[slot.key]
            value = sheet.values.get((row, column))
            if (row, column) in sheet.formulas:
                if derived:
                    continue  # a total: the data-file reader computes it
                value = self.formula(sheet, row, column, table.describe(*slot.key))
                if value is None:
                    values[slot.key] = (0, sheet.where(row, column))  # said
                    continue
            elif derived and (value is None or (isinstance(value, str) and not value.strip())):
                continue
            if isinstance(value, str) and not value.strip():
                value = None
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            values[slot.key] = (value, sheet.where(row, column))
        tree = nest(table.key_tree, values)
        if tree is None:
            return located(LineDict(), sheet.where(1, 1))
        return tree

    def group_spans(self, sheet: _Sheet, table: Table, groups: list[str]
                    ) -> dict[str, tuple[int, int]]:
        """The sheet rows of each 第二十条 group of table 二 (from its title row to the
        row before the next title), or the whole sheet for a table without groups."""
        if groups == [""]:
            return {"": (1, sheet.rows)}
        starts: dict[str, int] = {}
        for group in groups:
            wanted = normalize_label(group)
            row = next((r for r in range(1, sheet.rows + 1)
                        if any(t == wanted for _, t in sheet.row_texts(r))), None)
            if row is None:
                self.problem(self.expected(sheet, starts), f"{table.key} > {group}",
                             f"工作表“{sheet.name}”中找不到标题行“{group}”：请勿修改或删除该行")
            else:
                starts[group] = row
        ordered = sorted(starts.values())
        return {g: (r, next((o - 1 for o in ordered if o > r), sheet.rows))
                for g, r in starts.items()}

    def expected(self, sheet: _Sheet, found: dict[Any, int], column: int = 1) -> str:
        """Where something not found should have been: below the last thing found."""
        return sheet.where(max(found.values(), default=0) + 1, column)

    def place(self, sheet: _Sheet, table: Table, slots: list[_Slot], first: int, last: int
              ) -> dict[CellKey, tuple[int, int]]:
        """Each slot's sheet cell in rows first..last: its row by the row labels, its
        column by the header labels above the first data row."""
        row_ids = list(dict.fromkeys(s.key[0] for s in slots))
        paths = {s.key[0]: s.row_path for s in slots}
        rows = self.find_rows(sheet, table, row_ids, paths, first, last)
        data_rows = [r for r in rows.values() if r is not None]
        header_last = min(data_rows) - 1 if data_rows else last
        column_paths = list(dict.fromkeys(s.column_path for s in slots))
        derived = {p for p in column_paths if all(table.is_derived(*s.key)
                                                  for s in slots if s.column_path == p)}
        columns = self.find_columns(sheet, table, column_paths, derived, first, header_last)
        if not any(paths.values()):  # table 四: the one row under the header
            rows = {row_ids[0]: self.single_row(sheet, columns, first, last)}
        placed = {}
        for slot in slots:
            row, column = rows.get(slot.key[0]), columns.get(slot.column_path)
            if row is not None and column is not None:
                placed[slot.key] = (row, column)
        return placed

    def find_rows(self, sheet: _Sheet, table: Table, row_ids: list[str],
                  paths: dict[str, tuple[str, ...]], first: int, last: int
                  ) -> dict[str, int | None]:
        if not any(paths.values()):
            return {}
        labels: set[str] = set()
        wanted: dict[str, list[tuple[str, ...]]] = {}
        for row_id in row_ids:
            path = tuple(normalize_label(p) for p in paths[row_id])
            leaves = [normalize_label(v) for v in table.row(row_id).printed_labels] or [path[-1]]
            wanted[row_id] = [(*path[:-1], leaf) for leaf in dict.fromkeys([path[-1], *leaves])]
            labels |= set(path) | set(leaves)
        sequences = {r: _dedup([t for _, t in sheet.row_texts(r) if t in labels])
                     for r in range(first, last + 1)}
        found: dict[str, int | None] = {}
        for row_id in row_ids:
            exact = [r for r, seq in sequences.items() if seq in wanted[row_id]]
            # a merged group label unmerged by the clerk: the row's own labels end the path
            loose = [r for r, seq in sequences.items() if seq and any(
                seq[-1] == w[-1] and _is_subsequence(seq, w) for w in wanted[row_id])]
            rows = exact or [r for r in loose if r not in found.values()]
            found[row_id] = rows[0] if rows else None
        leaf_columns: dict[int, int] = {}  # the column of a row's own label, by depth
        for row_id, row in found.items():
            leaf = {w[-1] for w in wanted[row_id]}
            column = next((c for c, t in sheet.row_texts(row) if t in leaf), None) \
                if row is not None else None
            if column is not None:
                leaf_columns.setdefault(len(paths[row_id]), column)
        for index, row_id in enumerate(row_ids):
            if found[row_id] is not None or all(table.is_derived(row_id, c.id)
                                                for c in table.columns_of(table.row(row_id))):
                continue
            above = [r for i in row_ids[:index] if (r := found[i]) is not None]
            where = sheet.where((max(above) if above else first - 1) + 1,
                                leaf_columns.get(len(paths[row_id]), 1))
            label = " > ".join(paths[row_id])
            self.problem(where, f"{table.key} > {label}",
                         f"工作表“{sheet.name}”中找不到这一行（应在此单元格附近）："
                         f"行标题“{table.row(row_id).label}”被修改或删除，请恢复原样")
        return found

    def find_columns(self, sheet: _Sheet, table: Table, column_paths: list[tuple[str, ...]],
                     derived: set[tuple[str, ...]], first: int, last: int
                     ) -> dict[tuple[str, ...], int]:
        labels = {normalize_label(t) for path in column_paths for t in path}
        sequences = {c: _dedup([sheet.text(r, c) for r in range(first, last + 1)
                                if sheet.text(r, c) in labels])
                     for c in range(1, sheet.columns + 1)}
        found: dict[tuple[str, ...], int] = {}
        missing: dict[tuple[str, ...], list[tuple[str, ...]]] = {}  # by the label lost
        for path in column_paths:
            wanted = tuple(normalize_label(t) for t in path)
            columns = [c for c, seq in sequences.items() if seq == wanted
                       and c not in found.values()]
            if columns:
                found[path] = columns[0]
                continue
            if path in derived:
                continue  # a total's column: nothing is read from it
            # a column under the labels below a header whose merge was broken: that
            # header is what is lost, and one problem says it for all its columns
            cut = max((len(seq) for seq in sequences.values()
                       if seq and len(seq) < len(wanted) and wanted[-len(seq):] == seq),
                      default=0)
            missing.setdefault(path[:len(path) - cut] if cut else path, []).append(path)
        header = next((r for r in range(first, last + 1)
                       if any(t in labels for _, t in sheet.row_texts(r))), first)
        for lost, paths in missing.items():
            before = column_paths[:column_paths.index(paths[0])]
            column = max((found[p] for p in before if p in found), default=0) + 1
            where = sheet.where(header, column)
            if lost == paths[0]:
                message = (f"工作表“{sheet.name}”的表头中找不到“{'/'.join(lost)}”这一列"
                           f"（应在此单元格附近）：表头的文字或合并单元格被改动，请恢复原样")
            else:
                under = "、".join("/".join(p[len(lost) - 1:]) for p in paths)
                message = (f"工作表“{sheet.name}”的表头“{'/'.join(lost)}”没有覆盖其下的各列"
                           f"（{under}；应在此单元格附近）：表头的文字或合并单元格被改动，"
                           "请恢复原样")
            self.problem(where, f"{table.key} > {'/'.join(lost)}", message)
        return found

    def single_row(self, sheet: _Sheet, columns: dict[tuple[str, ...], int], first: int,
                   last: int) -> int | None:
        """Table 四's row of numbers: the first row under the header with a value in the
        table's columns (the row right under it when all are blank)."""
        if not columns:
            return None
        labels = {normalize_label(t) for path in columns for t in path}
        header = max((r for r in range(first, last + 1)
                      for c in columns.values() if sheet.text(r, c) in labels), default=first)
        for row in range(header + 1, last + 1):
            if any(sheet.values.get((row, c)) not in (None, "") for c in columns.values()):
                return row
        return header + 1


def _is_subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    items = iter(long)
    return all(any(x == y for y in items) for x in short)


def _as_text(value: Any) -> Any:
    """A profile field as text: a phone or postcode typed as a number is its digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return value


def _top_value(key: str, value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if key == "form" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if key == "form" and isinstance(value, str):
        return value.strip()
    if key == "date" and isinstance(value, dt.datetime):
        return value.date()
    if key == "year" and isinstance(value, str) and value.strip().isdigit() \
            and value.strip().isascii():
        return int(value.strip())  # YAML reads 2021 as a number; so does the reader
    return value


def _form(year: Any, version: Any) -> Form:
    version = str(version).strip() if version is not None else None
    if version in FORM_VERSIONS:
        return load_form(version)
    if isinstance(year, int) and year in report_years():
        return form_for_year(year)
    return load_form(FORM_VERSIONS[0])


def read_workbook(path: Path) -> tuple[LineDict, list[Problem]]:
    """A 填报表 workbook's values as a data file's raw structure, and the problems of
    finding them (a sheet, a row or a column not found, a formula without a value),
    each at its cell. Raises ProblemList(usable=False) for what is not a workbook or
    is built to exhaust the reader."""
    path = Path(path)
    check_package(path)
    sheets, _book = _load(path)
    reader = _WorkbookReader(path, sheets)
    raw = located(LineDict(), f"{OFFICE}!A1")
    year, version = reader.office_fields(raw)
    form = _form(year, version)
    text = reader.text(form)
    fees = raw.pop("fees", None)
    fees_line = cast(Any, raw).lines.pop("fees", None)
    put(raw, "text", text, text.line)
    if fees is not None:
        put(raw, "fees", fees, fees_line)
    for table in form.tables.values():
        values = reader.table(table)
        if values is not None:
            put(raw, table.key, values, values.line)
    if not reader.claimed:
        raise _unusable(path, "不是填报表：工作簿中没有“机关信息”、表格和“正文”工作表"
                        "（填报表由 nianbao new 或 nianbao import 生成）")
    if OFFICE in reader.lost:
        # 机关信息 lost: said once, not again for each of its fields (缺少此项)
        raise ProblemList(reader.problems)
    return raw, reader.problems
