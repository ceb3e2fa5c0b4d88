"""The official layout of the three tables as merge areas, derived from the form.

One place says which cells of a table are merged and what each holds, so that the
Word template (builder.py) and the web page (webpage.py) cannot disagree: both lay out
the areas this module gives, in the order it gives them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from nianbao.spec.form import Column, Node, Table

# What an area is, which decides how a writer prints it.
CORNER = "corner"  # table 三's top-left note (勾稽关系), a plain cell in the header
COLUMN_HEADER = "column"  # a column label, or table 二's 信息内容
ROW_HEADER = "row"  # a row label
GROUP_TITLE = "group"  # table 二's 第二十条第（X）项 title row
DATA = "data"  # a data cell: `text` is empty, `cell` says which
HEADER_ROLES = frozenset((COLUMN_HEADER, GROUP_TITLE))  # printed in the header style


@dataclass(frozen=True)
class Area:
    """A merge area: rows top..bottom and columns left..right, inclusive."""

    top: int
    left: int
    bottom: int
    right: int
    text: str
    role: str
    cell: tuple[str, str] | None = None  # (row id, column id) of a data cell

    @property
    def row_span(self) -> int:
        return self.bottom - self.top + 1

    @property
    def col_span(self) -> int:
        return self.right - self.left + 1


def header_cells(tree: tuple[Node, ...], depth: int, row: int = 0, col: int = 0
                 ) -> Iterator[tuple[int, int, int, int, str]]:
    """Merge areas of a column header tree: a leaf spans down to the last header row."""
    for node in tree:
        width = sum(1 for _ in node.leaves())
        bottom = depth - 1 if node.is_leaf else row
        yield row, col, bottom, col + width - 1, node.label
        if not node.is_leaf:
            yield from header_cells(node.children, depth, row + 1, col)
        col += width


def row_label_cells(tree: tuple[Node, ...], levels: int, row: int = 0, level: int = 0
                    ) -> Iterator[tuple[int, int, int, int, str]]:
    """Merge areas of the row label tree: a group spans its rows downward, a leaf spans
    the label columns to its right."""
    for node in tree:
        height = sum(1 for _ in node.leaves())
        right = levels - 1 if node.is_leaf else level
        yield row, level, row + height - 1, right, node.label
        if not node.is_leaf:
            yield from row_label_cells(node.children, levels, row, level + 1)
        row += height


def value_spans(width: int, columns: tuple[Column, ...]) -> Iterator[tuple[int, int, Column]]:
    """Table 二: the values of a row, one column each; the last spans what is left."""
    for i, column in enumerate(columns):
        left = 1 + i
        right = width - 1 if i == len(columns) - 1 else left
        yield left, right, column


def header_rows(table: Table) -> int:
    """Rows of the column header (repeated on each printed page); table 二 has none:
    each of its groups brings its own."""
    if table.layout == "grouped":
        return 0
    return max(n.depth() for n in table.column_tree)


def label_columns(table: Table) -> int:
    """Grid columns left of the data: the depth of a matrix's row label tree."""
    if table.layout == "matrix":
        return max(n.depth() for n in table.row_tree)
    return 1 if table.layout == "grouped" else 0


def grid_size(table: Table) -> tuple[int, int]:
    """(rows, columns) of the table's grid."""
    if table.layout == "grouped":
        return sum(2 + len(g.rows) for g in table.groups), table.width
    body = len(table.rows) if table.layout == "matrix" else 1
    return header_rows(table) + body, label_columns(table) + len(table.columns)


def column_widths(table: Table, total: int) -> list[int]:
    """Widths of the grid columns in units of which `total` is the whole width (Word
    twips of the 版心): data columns equal, labels taking the rest, as real reports do."""
    columns = grid_size(table)[1]
    if table.layout == "grouped":
        return [total - 2000 * (columns - 1)] + [2000] * (columns - 1)
    if table.layout == "single_row":
        return [total // columns] * columns
    data_width = 620
    label_width = [600, 1200][: label_columns(table) - 1]  # groups; the leaf takes the rest
    label_width.append(total - data_width * len(table.columns) - sum(label_width))
    return label_width + [data_width] * len(table.columns)


def table_areas(table: Table) -> list[Area]:
    """Every merge area of a table, each grid position covered once: header first, then
    row by row (the order in which the Word template is built)."""
    return {"matrix": _matrix, "single_row": _single_row, "grouped": _grouped}[table.layout](
        table)


def _matrix(table: Table) -> list[Area]:
    levels, head = label_columns(table), header_rows(table)
    areas = [Area(0, 0, head - 1, levels - 1, table.corner, CORNER)]
    areas += [Area(top, levels + left, bottom, levels + right, label, COLUMN_HEADER)
              for top, left, bottom, right, label in header_cells(table.column_tree, head)]
    areas += [Area(head + top, left, head + bottom, right, label, ROW_HEADER)
              for top, left, bottom, right, label in row_label_cells(table.row_tree, levels)]
    areas += [Area(head + r, levels + c, head + r, levels + c, "", DATA, (row.id, column.id))
              for r, row in enumerate(table.rows) for c, column in enumerate(table.columns)]
    return areas


def _single_row(table: Table) -> list[Area]:
    head = header_rows(table)
    areas = [Area(top, left, bottom, right, label, COLUMN_HEADER)
             for top, left, bottom, right, label in header_cells(table.column_tree, head)]
    areas += [Area(head, c, head, c, "", DATA, ("-", column.id))
              for c, column in enumerate(table.columns)]
    return areas


def _grouped(table: Table) -> list[Area]:
    """Per group a title row, a 信息内容 header row, then its data rows."""
    areas: list[Area] = []
    r = 0
    for group in table.groups:
        areas.append(Area(r, 0, r, table.width - 1, group.label, GROUP_TITLE))
        areas.append(Area(r + 1, 0, r + 1, 0, table.row_header, COLUMN_HEADER))
        areas += [Area(r + 1, left, r + 1, right, column.label, COLUMN_HEADER)
                  for left, right, column in value_spans(table.width, group.columns)]
        for i, row in enumerate(group.rows, start=r + 2):
            areas.append(Area(i, 0, i, 0, row.label, ROW_HEADER))
            areas += [Area(i, left, i, right, "", DATA, (row.id, column.id))
                      for left, right, column in value_spans(table.width, group.columns)]
        r += 2 + len(group.rows)
    return areas
