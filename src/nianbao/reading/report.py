"""Finding the report in a Word document: its title, section headings, prose and the
cells of its three tables, by their labels rather than their position.

Tolerates what clerks produce: full- and half-width punctuation, spaces inside labels
(总  计), line breaks in cells, heading variants, tables split in two with the header
repeated, extra rows. What it cannot place becomes a finding, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from nianbao.datafile.reader import normalize_label
from nianbao.sources.docx.body import Block, ParagraphBlock, TableBlock, read_body
from nianbao.sources.docx.grid import Grid
from nianbao.spec.form import FORM_VERSIONS, Column, Form, Row, Table, load_form
from nianbao.spec.rules import Finding, TableValues
from nianbao.spec.page import STYLE_TITLE
from nianbao.spec.values import parse_cell_text

_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
STRUCTURE = "S"  # rule id of structural findings (a section, table, row, column missing)
LABEL = "L"  # rule id of label variants (warnings)


@dataclass
class ReadReport:
    """What a document says, in the terms of the form it follows."""

    form: Form
    title: str = ""
    text: dict[str, list[str]] = field(default_factory=dict)  # preamble + section ids
    tables: dict[str, TableValues] = field(default_factory=dict)
    signature: str = ""
    date: str = ""
    findings: list[Finding] = field(default_factory=list)

    def finding(self, rule: str, severity: str, table: str, row: str, column: str,
                message: str, expected: str | None = None, found: str | None = None) -> None:
        self.findings.append(Finding(rule, severity, table, row, column, expected, found,
                                     message))


class NotAReport(Exception):
    """The document holds no report tables."""


def _norm(text: str) -> str:
    return normalize_label(text)


# --- which form, which table ------------------------------------------------------------

@cache
def table_labels(version: str, table_id: str) -> frozenset[str]:
    """Every label printed in a table of a form, normalised."""
    table = load_form(version).tables[table_id]
    labels = {_norm(r.label) for r in table.rows if r.label}
    labels |= {_norm(c.label) for r in table.rows for c in table.columns_of(r)}
    labels |= {_norm(g.label) for g in table.groups}
    return frozenset(labels - {""})


def _grid_texts(grid: Grid) -> set[str]:
    return {_norm(cell.text) for row in grid.rows for cell in row if cell.text.strip()}


def _classify(grids: list[Grid]) -> tuple[Form, list[tuple[str, Grid]]]:
    """Decide the form version from the labels found, and which grid is which table."""
    texts = [_grid_texts(g) for g in grids]
    best: tuple[int, str] = (-1, FORM_VERSIONS[0])
    for version in FORM_VERSIONS:
        form = load_form(version)
        score = sum(len(t & table_labels(version, tid)) for t in texts
                    for tid in form.tables)
        best = max(best, (score, version), key=lambda s: s[0])
    form = load_form(best[1])
    placed = []
    for grid, found in zip(grids, texts, strict=True):
        scores = {tid: len(found & table_labels(form.version, tid)) for tid in form.tables}
        tid = max(scores, key=lambda k: scores[k])
        if scores[tid] >= 3:
            placed.append((tid, grid))
    return form, placed


# --- sections and prose -------------------------------------------------------------------

def _heading_of(form: Form, text: str, after: int) -> int | None:
    """The index of the section this paragraph is the heading of, if any: numeral and
    、 first, a keyword of that section in it, and a later section than the current."""
    compact = _norm(text)
    if len(compact) > 40:
        return None
    for i, section in enumerate(form.sections):
        if i > after and compact.startswith(section.numeral) and \
                compact[len(section.numeral):len(section.numeral) + 1] in ("、", ".", "，") and \
                any(k in compact for k in section.keywords):
            return i
    return None


def _is_title(block: ParagraphBlock) -> bool:
    """The title: in nianbao's title style, a web page's main heading (h1, as nianbao's
    page has it), or a short line naming the annual report."""
    text = block.text.strip()
    return block.style in (STYLE_TITLE, "h1") or (
        len(text) <= 80 and "政府信息公开" in text and ("年度报告" in text or "年报" in text)
        and not text.endswith(("。", "：", ":")))


def read_prose(report: ReadReport, paragraphs: list[ParagraphBlock]) -> None:
    """Title, preamble, the six sections' paragraphs, signature and date."""
    form = report.form
    keys = ["preamble"] + [s.id for s in form.sections]
    report.text = {k: [] for k in keys}
    current = -1
    seen: set[int] = set()
    for block in paragraphs:
        text = block.text
        index = _heading_of(form, text, current)
        if index is not None:
            current = index
            seen.add(index)
            section = form.sections[index]
            if _norm(text).rstrip(":：") != _norm(section.heading):
                report.finding(LABEL, "warning", "", text.strip(), "",
                               f"标题与正式格式不同，应为“{section.heading}”",
                               section.heading, text.strip())
            continue
        if current == -1 and _is_title(block):
            # the title: what came before it is the page around the report (a web
            # page's navigation, a cover), not its preamble
            report.title = text.strip()
            report.text["preamble"] = []
            continue
        report.text[keys[current + 1]].append(text.strip())
    _take_signature(report, keys[-1])
    for i, section in enumerate(form.sections):
        if i not in seen:
            report.finding(STRUCTURE, "error", "", section.heading, "",
                           f"缺少第{section.numeral}部分“{section.heading}”")


def _take_signature(report: ReadReport, last_key: str) -> None:
    """The signature and date close the last section; they are not its prose."""
    last = report.text[last_key]
    if last and _DATE.match(last[-1]):
        report.date = last.pop()
        if last and len(last[-1]) <= 40 and "。" not in last[-1]:
            report.signature = last.pop()


# --- table cells ----------------------------------------------------------------------------

def _origin_text(grid: Grid, r: int, c: int) -> str:
    cell = grid.rows[r][c]
    return "" if cell.missing else cell.text


def _label_matches(text: str, label: str) -> bool:
    return bool(text) and _norm(text) == _norm(label)


def note_variant(report: ReadReport, table: Table, printed: str, label: str) -> None:
    """A label that matched only after normalising (brackets, spaces) is a warning."""
    if printed.strip() != label:
        report.finding(LABEL, "warning", table.key, label, "",
                       f"{table.key}中的“{printed.strip()}”与正式格式的“{label}”写法不同",
                       label, printed.strip())


def _column_path(grid: Grid, header_rows: int, c: int) -> list[str]:
    path: list[str] = []
    for r in range(header_rows):
        text = _norm(_origin_text(grid, r, c))
        if text and (not path or path[-1] != text):
            path.append(text)
    return path


def _locate_columns(report: ReadReport, table: Table, grid: Grid, header_rows: int,
                    first: int) -> dict[str, int]:
    """Grid column of each data column: its own label at the bottom of the header, and
    as many of its parents' labels above it as distinguish it (表四's three 总计)."""
    paths = {c: _column_path(grid, header_rows, c) for c in range(first, grid.width)}
    located: dict[str, int] = {}
    for column in table.columns:
        candidates = [(sum(_norm(p) in path for p in column.path[:-1]), -c, c)
                      for c, path in paths.items()
                      if path and path[-1] == _norm(column.label) and c not in located.values()]
        if candidates:
            located[column.id] = max(candidates)[2]
        else:
            report.finding(STRUCTURE, "error", table.key, "", column.full_label,
                           f"{table.key}缺少“{column.full_label}”列")
    return located


def _row_label(grid: Grid, r: int, first_data: int) -> str:
    labels = [_origin_text(grid, r, c) for c in range(first_data)]
    labels = [t for t in labels if t.strip()]
    return labels[-1] if labels else ""


def _store(report: ReadReport, values: TableValues, table: Table, row: Row, column: Column,
           grid: Grid, r: int, c: int) -> None:
    cell = grid.rows[r][c]
    if cell.missing:
        values[(row.id, column.id)] = None
        return
    values[(row.id, column.id)] = parse_cell_text(cell.text)


def _header_height(grid: Grid, table: Table) -> int:
    """Rows above the first row that is not a header: for a matrix, the first row whose
    label is a row label; for a single-row table, the first row holding a number."""
    labels = {_norm(r.label) for r in table.rows}
    for r in range(grid.height):
        texts = [_origin_text(grid, r, c) for c in range(grid.width)]
        if table.layout == "matrix" and any(_norm(t) in labels for t in texts if t):
            return r
        if table.layout == "single_row" and any(
                not isinstance(parse_cell_text(t), str) for t in texts):
            return r
    return grid.height


def _read_matrix(report: ReadReport, table: Table, grid: Grid) -> TableValues:
    head = _header_height(grid, table)
    first = _first_data_column(table, grid, head)
    located = _locate_columns(report, table, grid, head, first)
    values: TableValues = {}
    read_rows: set[str] = set()
    by_label = {_norm(r.label): r for r in table.rows}
    header_texts = [[_norm(_origin_text(grid, r, c)) for c in range(grid.width)]
                    for r in range(head)]
    for r in range(head, grid.height):
        texts = [_norm(_origin_text(grid, r, c)) for c in range(grid.width)]
        if texts in header_texts:  # a repeated header (table split over pages)
            continue
        label = _row_label(grid, r, first)
        row = by_label.get(_norm(label))
        if row is None:
            if any(texts):
                report.finding(LABEL, "warning", table.key, label, "",
                               f"{table.key}中有正式格式之外的行“{label}”，未读取")
            continue
        if row.id in read_rows:  # the first of two rows with one label counts
            continue
        read_rows.add(row.id)
        note_variant(report, table, label, row.label)
        for column in table.columns:
            if column.id in located:
                _store(report, values, table, row, column, grid, r, located[column.id])
    missing_rows(report, table, values)
    return values


def _first_data_column(table: Table, grid: Grid, head: int) -> int:
    """The first grid column that holds a data column's label in the header."""
    leaf_labels = {_norm(c.label) for c in table.columns}
    for c in range(grid.width):
        path = _column_path(grid, head, c)
        if path and path[-1] in leaf_labels:
            return c
    return 0


def missing_rows(report: ReadReport, table: Table, values: TableValues) -> None:
    read_rows = {row_id for row_id, _ in values}
    for row in table.rows:
        if row.id not in read_rows:
            report.finding(STRUCTURE, "error", table.key, row.label, "",
                           f"{table.key}缺少“{row.full_label}”行")


def _read_single_row(report: ReadReport, table: Table, grid: Grid) -> TableValues:
    head = _header_height(grid, table)
    located = _locate_columns(report, table, grid, head, 0)
    values: TableValues = {}
    if head >= grid.height:
        report.finding(STRUCTURE, "error", table.key, "", "", f"{table.key}没有数据行")
        return values
    row = table.rows[0]
    for column in table.columns:
        if column.id in located:
            _store(report, values, table, row, column, grid, head, located[column.id])
    return values


def _read_grouped(report: ReadReport, table: Table, grid: Grid) -> TableValues:
    """Table 二: title rows name the group, 信息内容 rows name the columns."""
    values: TableValues = {}
    group = None
    columns: dict[str, int] = {}
    groups = {_norm(g.label): g for g in table.groups}
    for r in range(grid.height):
        texts = [_origin_text(grid, r, c) for c in range(grid.width)]
        first = _norm(texts[0]) if texts else ""
        if first in groups:
            group, columns = groups[first], {}
            note_variant(report, table, texts[0], group.label)
            continue
        if _label_matches(texts[0], table.row_header):
            columns = {_norm(t): c for c, t in enumerate(texts) if c > 0 and t.strip()
                       and grid.rows[r][c].is_origin}
            if group is None or not all(_norm(col.label) in columns for col in group.columns):
                group = next((g for g in table.groups
                              if all(_norm(col.label) in columns for col in g.columns)), group)
            continue
        row = next((rw for rw in table.rows if _label_matches(texts[0], rw.label)), None)
        if row is None or group is None or row.group != group.id:
            if any(t.strip() for t in texts):
                report.finding(LABEL, "warning", table.key, texts[0].strip(), "",
                               f"{table.key}中有正式格式之外的行“{texts[0].strip()}”，未读取")
            continue
        note_variant(report, table, texts[0], row.label)
        for column in group.columns:
            c = columns.get(_norm(column.label))
            if c is None:
                continue
            _store(report, values, table, row, column, grid, r, c)
    for row in table.rows:
        for column in table.columns_of(row):
            if (row.id, column.id) not in values:
                report.finding(STRUCTURE, "error", table.key, row.label, column.label,
                               f"{table.key}缺少“{row.label}”的“{column.label}”")
    return values


_READERS = {"matrix": _read_matrix, "single_row": _read_single_row, "grouped": _read_grouped}


def _merge_split_tables(placed: list[tuple[str, Grid]]) -> dict[str, Grid]:
    """Tables split in two (a page break, a repeated header) read as one."""
    parts: dict[str, list[Grid]] = {}
    for tid, grid in placed:
        parts.setdefault(tid, []).append(grid)
    return {tid: grids[0] if len(grids) == 1 else Grid.stack(grids)
            for tid, grids in parts.items()}


def read_report(document_xml: bytes) -> ReadReport:
    """Read a report out of a document.xml; raises NotAReport when no table is one."""
    return read_blocks(read_body(document_xml))


def read_blocks(blocks: list[Block]) -> ReadReport:
    """Read a report out of paragraphs and tables in reading order, whatever they came
    from (a .docx body, a web page)."""
    grids = [b.grid for b in blocks if isinstance(b, TableBlock)]
    form, placed = _classify(grids)
    if not placed:
        raise NotAReport("文档中没有找到年报的表格（二、三、四部分的统计表）")
    report = ReadReport(form=form)
    paragraphs = [b for b in blocks if isinstance(b, ParagraphBlock) and b.text.strip()]
    read_prose(report, paragraphs)
    by_table = _merge_split_tables(placed)
    for tid, table in form.tables.items():
        if tid not in by_table:
            report.finding(STRUCTURE, "error", table.key, "", "",
                           f"缺少{table.key}（{form.section(table.section).heading}）")
            report.tables[tid] = {}
            continue
        report.tables[tid] = _READERS[table.layout](report, table, by_table[tid])
    return report
