"""A report copied as plain text from its web page: one paragraph per line, and the
cells of each table one per line, each ending in " |" (as in the team's example
jingdezhen-2023.txt).

Copying loses the rows: a line's extra "|" marks only where spanned cells were, so a
row that fills the grid has no end mark. Each run of cell lines is therefore laid out
again on the official layout of the table it is (`nianbao.spec.tables`): a row label
is followed by that row's values in the form's column order, table 四's numbers follow
its last header label. The result is the same blocks as any other source: paragraphs,
and each table a grid, its row labels as copied (so label variants are seen) and the
rows that the copy lacks left out (so the reader names them).
"""

from __future__ import annotations

import re

from nianbao.sources.blocks import (
    Block,
    Grid,
    GridCell,
    ParagraphBlock,
    TableBlock,
    UnreadableSource,
)
from nianbao.spec.form import classify
from nianbao.spec.labels import normalize_label
from nianbao.spec.tables import DATA, ROW_HEADER, Area, CellKey, Table

_CELL = re.compile(r"^(.*?)\s*\|[\s|]*$")
NO_TABLES = "文本中没有找到年报的表格（每格一行、以“ |”结尾）"


def text_blocks(text: str) -> list[Block]:
    """The blocks of a copied report, in reading order; raises UnreadableSource when no
    run of cell lines is a table of the report."""
    items: list[ParagraphBlock | list[str]] = []
    for line in text.splitlines():
        cell = _CELL.match(line)
        if cell:
            run = items[-1] if items else None
            if not isinstance(run, list):
                run = []
                items.append(run)
            run.append(cell.group(1).strip())
        elif line.strip():
            items.append(ParagraphBlock(line.strip(), None))
    runs = [item for item in items if isinstance(item, list)]
    form, placed = classify(frozenset(normalize_label(t) for t in run) for run in runs)
    if not placed:
        raise UnreadableSource(NO_TABLES)
    tables = {id(runs[index]): form.tables[tid] for index, tid in placed}
    blocks: list[Block] = []
    for item in items:
        if isinstance(item, ParagraphBlock):
            blocks.append(item)
        elif id(item) in tables:
            blocks.append(TableBlock(_lay_out(tables[id(item)], item)))
    return blocks


def _lay_out(table: Table, tokens: list[str]) -> Grid:
    """The copied cells on the table's official layout."""
    printed: dict[str, str] = {}  # row id -> its label as copied
    values: dict[CellKey, str] = {}
    rows = [row for row in table.rows if row.label]
    if rows:
        by_label = {normalize_label(r.label): r for r in rows}
        for i, token in enumerate(tokens):
            row = by_label.get(normalize_label(token))
            if row is None or row.id in printed:
                continue
            printed[row.id] = token
            columns = table.columns_of(row)
            values.update(((row.id, c.id), text) for c, text in zip(
                columns, tokens[i + 1:i + 1 + len(columns)], strict=False))
    else:  # one unlabelled row: the numbers after the last header label
        labels = table.labels | table.header_labels
        last = max((i for i, t in enumerate(tokens) if normalize_label(t) in labels), default=-1)
        row = table.rows[0]
        printed[row.id] = ""
        values.update(((row.id, c.id), text) for c, text in zip(
            table.columns, tokens[last + 1:], strict=False))
    return _grid(table, printed, values)


def _grid(table: Table, printed: dict[str, str], values: dict[CellKey, str]) -> Grid:
    """The table's grid with the copied texts, keeping the header rows and the data
    rows found (a merge area that spanned a row left out spans one less)."""
    areas = table.areas()
    height, width = table.grid_size
    row_of: dict[int, str] = {a.top: a.cell[0] for a in areas if a.cell is not None}
    keep = [r for r in range(height) if r not in row_of or row_of[r] in printed]
    index = {r: i for i, r in enumerate(keep)}
    cover: dict[tuple[int, int], Area] = {}
    for area in areas:
        for r in range(area.top, area.bottom + 1):
            for c in range(area.left, area.right + 1):
                cover[(r, c)] = area
    grid = []
    for r in keep:
        row = []
        for c in range(width):
            area = cover[(r, c)]
            kept = [x for x in range(area.top, area.bottom + 1) if x in index]
            row.append(GridCell(_text(table, area, printed, values), (index[kept[0]], area.left),
                                len(kept), area.col_span, (r, c) == (kept[0], area.left)))
        grid.append(row)
    return Grid(grid)


def _text(table: Table, area: Area, printed: dict[str, str], values: dict[CellKey, str]
          ) -> str:
    if area.role == DATA:
        return values.get(area.cell, "") if area.cell else ""
    if area.role == ROW_HEADER and area.top == area.bottom:
        row = next((r for r in table.rows if r.label == area.text), None)
        if row is not None and row.id in printed:
            return printed[row.id]
    return area.text
