"""A report copied as plain text from its web page: one paragraph per line, and the
cells of each table one per line, each ending in " |" (as in the team's example
jingdezhen-2023.txt), or each table a Markdown table (one line a row).

Copying loses the rows: a line's extra "|" marks only where spanned cells were, so a
row that fills the grid has no end mark. Each run of cell lines is therefore laid out
again on the official layout of the table it is (`nianbao.spec.tables`): a row label
is followed by that row's values in the form's column order, table 四's numbers follow
its last header label. The result is the same blocks as any other source: paragraphs,
and each table a grid, its row labels as copied (so label variants are seen) and the
rows that the copy lacks left out (so the reader names them).

A Markdown table keeps its rows: `| 一、本年新收政府信息公开申请数量 | | | 21 | 0 | … |`,
the `|---|` line under its first row. Each row is a grid row, its cells split on the
unescaped "|" (a backslash before one makes it text). A merged area copies as its text
in one cell and empty cells for the rest: in a header row an empty cell is the area of
the label to its left, or, in the last header row, the label above it (a column label
spanning down); in table 二 the title and 信息内容 rows likewise; a row label spanning
the label columns takes the empty cells after it. A data cell is never filled: an
empty one is blank. A data row of table 三 with fewer cells than the header (the
spanned cells left out) has its numbers under the last columns when they follow its
label; when too few follow it, its numbers are not placed (the reader reports them
blank, never guessed).
"""

from __future__ import annotations

import re
from functools import cache

from nianbao.sources.blocks import (
    HOSTILE,
    MAX_COLUMNS,
    Block,
    Budget,
    Grid,
    GridCell,
    ParagraphBlock,
    TableBlock,
    UnreadableSource,
)
from nianbao.spec.form import classify, forms
from nianbao.spec.labels import normalize_label
from nianbao.spec.tables import DATA, ROW_HEADER, Area, CellKey, Table
from nianbao.spec.values import parse_cell_text

_CELL = re.compile(r"^(.*?)\s*\|[\s|]*$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")  # |---|:--:|
_MD_PIPE = re.compile(r"(?<!\\)\|")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>])")
_MD_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MD_STRONG = re.compile(r"^(\*\*|__)(.*)\1$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
NO_TABLES = "文本中没有找到年报的表格（每格一行、以“ |”结尾，或 Markdown 表格）"
TOO_LARGE = "文本中的表格过大（{what}）" + HOSTILE


def text_blocks(text: str) -> list[Block]:
    """The blocks of a copied report, in reading order; raises UnreadableSource when no
    run of cell lines is a table of the report."""
    items: list[ParagraphBlock | list[str] | _Markdown] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line, i = lines[i], i + 1
        if i < len(lines) and _MD_PIPE.search(line) and _MD_RULE.match(lines[i]) \
                and "|" in lines[i]:
            end = _markdown_end(lines, i + 1)
            items.append(_Markdown([_md_cells(line), *(_md_cells(x) for x in lines[i + 1:end])],
                                   len(_md_cells(lines[i]))))
            i = end
            continue
        cell = _CELL.match(line)
        if cell:
            run = items[-1] if items else None
            if not isinstance(run, list):
                run = []
                items.append(run)
            run.append(cell.group(1).strip())
        elif line.strip():
            items.append(ParagraphBlock(_MD_HEADING.sub("", line.strip()), None))
    runs = [item for item in items if not isinstance(item, ParagraphBlock)]
    form, placed = classify(frozenset(normalize_label(t) for t in run.texts())
                            if isinstance(run, _Markdown) else
                            frozenset(normalize_label(t) for t in run) for run in runs)
    if not placed and not any(isinstance(run, _Markdown) and _title_labels().intersection(
            normalize_label(t) for t in run.texts()) for run in runs):  # 表二 in parts
        raise UnreadableSource(NO_TABLES)
    tables = {id(runs[index]): form.tables[tid] for index, tid in placed}
    budget = Budget(UnreadableSource, TOO_LARGE)
    blocks: list[Block] = []
    for item in items:
        if isinstance(item, ParagraphBlock):
            blocks.append(item)
        elif isinstance(item, _Markdown):  # placed or not: a part of table 二 alone is
            blocks.append(TableBlock(item.grid(tables.get(id(item)), budget)))  # later
        elif id(item) in tables:
            blocks.append(TableBlock(_lay_out(tables[id(item)], item)))
    return blocks


def _markdown_end(lines: list[str], start: int) -> int:
    """The index after a Markdown table's last row: rows run to a blank line or a line
    without a "|"."""
    end = start
    while end < len(lines) and lines[end].strip() and _MD_PIPE.search(lines[end]):
        end += 1
    return end


def _md_cells(line: str) -> list[str]:
    """A Markdown row's cells: split on the unescaped "|", the outer ones dropped."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [_md_text(part) for part in _MD_PIPE.split(text)]


def _md_text(cell: str) -> str:
    text = _MD_BREAK.sub("\n", cell).strip()
    strong = _MD_STRONG.match(text)
    if strong:
        text = strong.group(2).strip()
    return _MD_ESCAPE.sub(r"\1", text).replace("&nbsp;", " ").strip()


class _Markdown:
    """The rows of a Markdown table, the `|---|` line left out; `width`: the table's
    columns (the cells of that line, or of a longer row whose extra cells hold text)."""

    def __init__(self, rows: list[list[str]], width: int) -> None:
        self.rows = [row for i, row in enumerate(rows) if i or any(row)]  # a blank header
        self.width = max([width, *(_trimmed(row, width) for row in self.rows)])

    def texts(self) -> list[str]:
        return [text for row in self.rows for text in row if text]

    def grid(self, table: Table | None, budget: Budget) -> Grid:
        """The rows as a grid, merged areas where the copy left cells empty."""
        width = self.width
        if table is not None and not table.groups and len({len(row) for row in self.rows}) > 1:
            width = max(width, table.grid_size[1])  # rows short of spanned cells
        if width > MAX_COLUMNS:
            budget.refuse(f"表格列数超过 {MAX_COLUMNS} 列")
        rows = []
        for cells in self.rows:
            budget.take_row()
            budget.take_positions(width)
            rows.append(self._fitted(table, cells[:width], width))
        head = _head_rows(table, rows)
        for r in range(head):
            if table is not None and len(self.rows[r]) < width:
                rows[r] = _laid_header(table, r, self.rows[r], width)
        labels = width - len(table.columns) if _labelled(table) and table else 0
        origins: list[list[tuple[int, int] | None]] = []
        for r, row in enumerate(rows):
            title = r >= head and normalize_label(row[0] or "") in _title_labels()
            line: list[tuple[int, int] | None] = []
            for c, text in enumerate(row):
                left = line[c - 1] if c else None
                above = origins[r - 1][c] if r else None
                origin: tuple[int, int] | None = (r, c)
                if text is None or text:
                    pass
                elif title:
                    origin = left or origin
                elif r < head:  # a header: the label to the left; under a leaf, above
                    origin = (above if r == head - 1 and r else left or above) or origin
                elif c < labels and left is not None and rows[r][c - 1] is not None:
                    origin = left  # table 三: a row label spanning the label columns
                line.append(origin)
            origins.append(line)
        return _merged(rows, origins)

    def _fitted(self, table: Table | None, row: list[str], width: int) -> list[str | None]:
        """A row the table's width: a short data row of table 三 with its numbers under
        the last columns when they follow its label, else its numbers unplaced (None)."""
        short = width - len(row)
        if short and table is not None and _labelled(table):
            labels = table.rows_by_label.keys() | table.row_groups.keys()
            at = [c for c, text in enumerate(row) if normalize_label(text) in labels]
            data = len(table.columns)
            if at and len(row) - at[-1] - 1 >= data:
                return [*row[:-data], *[""] * short, *row[-data:]]
            if at:
                label: list[str | None] = [*row[:at[-1] + 1], *[""] * width]
                return [*label[:max(width - data, at[-1] + 1)], *[None] * data][:width]
        return [*row, *[""] * short]


def _laid_header(table: Table, r: int, cells: list[str], width: int) -> list[str | None]:
    """A header row with fewer cells than the table: its labels where the official
    layout prints them, when they are its labels copied in place (the cells left out at
    the end holding no label), one cell per area the row begins (spanned cells left
    out) or one per position no area from above covers (cells spanned from above left
    out); else not placed (None: the reader names the columns it cannot find, never
    guessing them)."""
    cover: dict[int, Area] = {}
    if width == table.grid_size[1] and r < table.header_rows:
        cover = {c: a for a in table.areas() if a.top <= r <= a.bottom
                 for c in range(a.left, a.right + 1)}
    if len(cover) != width or not any(cells):
        return [None] * width
    free = [c for c in range(width) if cover[c].top == r]
    starts = [c for c in free if cover[c].left == c]
    in_place = [] if set(starts) - set(range(len(cells))) else list(range(len(cells)))
    for places in (in_place, starts, free):  # in place: only if no label is left out
        if len(places) == len(cells) and all(
                not text or normalize_label(text) == normalize_label(cover[c].text)
                for text, c in zip(cells, places, strict=True)):
            out: list[str | None] = [""] * width
            for text, c in zip(cells, places, strict=True):
                out[c] = text
            return out
    return [None] * width


def _trimmed(row: list[str], width: int) -> int:
    """A row's length, empty cells past the table's width not counted."""
    length = len(row)
    while length > width and not row[length - 1]:
        length -= 1
    return length


def _labelled(table: Table | None) -> bool:
    """A table with labelled data rows under a column header (table 三)."""
    return table is not None and not table.groups and any(r.label for r in table.rows)


@cache
def _title_labels() -> frozenset[str]:
    """The title and 信息内容 labels of table 二 in every form: rows whose empty cells
    are their first cell's area."""
    return frozenset(normalize_label(label) for form in forms()
                     for table in form.tables.values()
                     for label in (table.row_header, *(g.label for g in table.groups))
                     if label)


def _head_rows(table: Table | None, rows: list[list[str | None]]) -> int:
    """The header rows above the first data row: the first holding a row label, or
    (table 四) a number; a part of table 二 (title rows aside) has none."""
    if table is None or table.groups:
        return 0
    labels = table.rows_by_label.keys()
    for r, row in enumerate(rows):
        texts = [t for t in row if t]
        if labels and any(normalize_label(t) in labels for t in texts):
            return r
        if not labels and any(not isinstance(parse_cell_text(t), str) for t in texts):
            return r
    return len(rows)


def _merged(rows: list[list[str | None]], origins: list[list[tuple[int, int] | None]]
            ) -> Grid:
    """Grid cells from each position's text (None: a data position not placed, a
    missing one) and the origin of its area."""
    bottom: dict[tuple[int, int], tuple[int, int]] = {}
    for r, line in enumerate(origins):
        for c, origin in enumerate(line):
            if origin is not None:
                far = bottom.get(origin, origin)
                bottom[origin] = (max(far[0], r), max(far[1], c))
    grid: list[list[GridCell]] = []
    for r, line in enumerate(origins):
        cells = []
        for c, origin in enumerate(line):
            if origin is None:
                cells.append(GridCell.missing_at(r, c))
                continue
            last = bottom[origin]
            cells.append(GridCell(rows[origin[0]][origin[1]] or "", origin,
                                  last[0] - origin[0] + 1, last[1] - origin[1] + 1,
                                  origin == (r, c)))
        grid.append(cells)
    return Grid(grid)


def _lay_out(table: Table, tokens: list[str]) -> Grid:
    """The copied cells on the table's official layout."""
    printed: dict[str, str] = {}  # row id -> its label as copied
    values: dict[CellKey, str] = {}
    rows = [row for row in table.rows if row.label]
    if rows:
        by_label = table.rows_by_label  # official labels and the form's variants
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
