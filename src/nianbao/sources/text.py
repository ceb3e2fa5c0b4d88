"""A report copied as plain text from its web page: one paragraph per line, and the
cells of each table one per line, each ending in " |" (shared/examples/jingdezhen-2023.txt).

Copying loses the rows: a line's extra "|" marks only where spanned cells were, so a
row that fills the grid has no end mark. The tables are therefore read against the
form: a row label is followed by that row's values, in the form's column order.
"""

from __future__ import annotations

import re

from nianbao.datafile.reader import normalize_label
from nianbao.sources.docx.body import ParagraphBlock
from nianbao.spec.form import FORM_VERSIONS, Form, Table, load_form
from nianbao.reading.report import (
    STRUCTURE,
    NotAReport,
    ReadReport,
    missing_rows,
    note_variant,
    read_prose,
    table_labels,
)
from nianbao.spec.rules import TableValues
from nianbao.spec.values import parse_cell_text

_CELL = re.compile(r"^(.*?)\s*\|[\s|]*$")


def _runs(text: str) -> tuple[list[ParagraphBlock], list[list[str]]]:
    """Paragraph lines, and the runs of consecutive cell lines (one run per table)."""
    paragraphs: list[ParagraphBlock] = []
    runs: list[list[str]] = []
    in_table = False
    for line in text.splitlines():
        cell = _CELL.match(line)
        if cell:
            if not in_table:
                runs.append([])
            runs[-1].append(cell.group(1).strip())
            in_table = True
        elif line.strip():
            paragraphs.append(ParagraphBlock(line.strip(), None))
            in_table = False
    return paragraphs, runs


def _classify(runs: list[list[str]]) -> tuple[Form, list[tuple[str, list[str]]]]:
    tokens = [{normalize_label(t) for t in run} for run in runs]
    version = max(FORM_VERSIONS, key=lambda v: sum(
        len(t & table_labels(v, tid)) for t in tokens for tid in load_form(v).tables))
    form = load_form(version)
    placed = []
    for run, found in zip(runs, tokens, strict=True):
        scores = {tid: len(found & table_labels(version, tid)) for tid in form.tables}
        tid = max(scores, key=lambda k: scores[k])
        if scores[tid] >= 3:
            placed.append((tid, run))
    return form, placed


def _values_after(tokens: list[str], start: int, count: int) -> list[str]:
    return tokens[start + 1:start + 1 + count]


def _read_rows(report: ReadReport, table: Table, tokens: list[str]) -> TableValues:
    """Table 三 and 二: each row label is followed by its row's values."""
    values: TableValues = {}
    by_label = {normalize_label(r.label): r for r in table.rows}
    for i, token in enumerate(tokens):
        row = by_label.get(normalize_label(token))
        if row is None or any(k[0] == row.id for k in values):
            continue
        note_variant(report, table, token, row.label)
        columns = table.columns_of(row)
        for column, text in zip(columns, _values_after(tokens, i, len(columns)), strict=False):
            values[(row.id, column.id)] = parse_cell_text(text)
    missing_rows(report, table, values)
    return values


def _read_single_row(report: ReadReport, table: Table, tokens: list[str]) -> TableValues:
    """Table 四: the header labels, then the data row's values in column order."""
    labels = table_labels(report.form.version, table.id) | {
        normalize_label(n.label) for n in table.column_tree}
    last_label = max((i for i, t in enumerate(tokens) if normalize_label(t) in labels),
                     default=-1)
    numbers = tokens[last_label + 1:]
    if len(numbers) < len(table.columns):
        report.finding(STRUCTURE, "error", table.key, "", "",
                       f"{table.key}的数据不全：应有 {len(table.columns)} 个数，"
                       f"只有 {len(numbers)} 个")
    return {("-", c.id): parse_cell_text(t) for c, t in zip(table.columns, numbers, strict=False)}


def read_text(text: str) -> ReadReport:
    """Read a report copied as plain text; raises NotAReport when no table is one."""
    paragraphs, runs = _runs(text)
    form, placed = _classify(runs)
    if not placed:
        raise NotAReport("文本中没有找到年报的表格（每格一行、以“ |”结尾）")
    report = ReadReport(form=form)
    read_prose(report, paragraphs)
    tokens = dict(placed)
    for tid, table in form.tables.items():
        if tid not in tokens:
            report.finding(STRUCTURE, "error", table.key, "", "", f"缺少{table.key}")
            report.tables[tid] = {}
        elif table.layout == "single_row":
            report.tables[tid] = _read_single_row(report, table, tokens[tid])
        else:
            report.tables[tid] = _read_rows(report, table, tokens[tid])
    return report
