"""The three kinds of table of the official form, one class each.

Table 二 is a `GroupedTable` (a title row per 第二十条 item, then a 信息内容 header row
and its data rows), table 三 a `MatrixTable` (a tree of row labels on the left, a tree
of column labels on top), table 四 a `SingleRowTable` (a header tree over one row of
numbers). Each class knows, for its kind, what the rest of the program asks of a table:
its data cells, the path of each cell in a data file (`key_tree`) and in a template
context (`cell_path`), its printed labels, and its merge areas in the official layout
(`areas`, shared by the Word template and the web page so that they cannot disagree).
Nothing outside this module tests which kind a table is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from nianbao.spec.labels import normalize_label

CellKey = tuple[str, str]  # (row id, column id)
KeyTree = dict[str, Any]  # label -> KeyTree, or a CellKey at a leaf

# What a merge area is, which decides how a writer prints it.
CORNER = "corner"  # table 三's top-left note (勾稽关系), a plain cell in the header
COLUMN_HEADER = "column"  # a column label, or table 二's 信息内容
ROW_HEADER = "row"  # a row label
GROUP_TITLE = "group"  # table 二's 第二十条第（X）项 title row
DATA = "data"  # a data cell: `text` is empty, `cell` says which
HEADER_ROLES = frozenset((COLUMN_HEADER, GROUP_TITLE))  # printed in the header style

_ONLY_ROW = "-"  # the id of a single-row table's one row; no data file or template shows it


@dataclass(frozen=True)
class Node:
    """A printed label in a row or column header tree; a leaf is a data row or column."""

    id: str
    label: str
    children: tuple[Node, ...] = ()
    type: str | None = None
    variants: tuple[str, ...] = ()  # other ways real reports print the label (`variants:`)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> Iterator[Node]:
        if self.is_leaf:
            yield self
        for child in self.children:
            yield from child.leaves()

    def depth(self) -> int:
        """Levels of this subtree, a leaf counting one."""
        return 1 + max((child.depth() for child in self.children), default=0)

    def find(self, node_id: str) -> Node | None:
        """This node or the descendant with that id."""
        if self.id == node_id:
            return self
        return next((found for child in self.children
                     if (found := child.find(node_id)) is not None), None)


@dataclass(frozen=True)
class Column:
    """A data column. `id` is unique in its table (dotted path in nested headers)."""

    id: str
    label: str
    type: str
    path: tuple[str, ...]  # labels from the top header down to this column

    @property
    def full_label(self) -> str:
        return "/".join(self.path)


@dataclass(frozen=True)
class Row:
    """A data row. `path` holds the labels of its groups and its own label."""

    id: str
    label: str
    path: tuple[str, ...]
    group: str | None = None  # table 二: the id of the 第二十条 group
    variants: tuple[str, ...] = ()  # other ways real reports print the label (`variants:`)

    @property
    def full_label(self) -> str:
        return " > ".join(p for p in self.path if p)

    @property
    def printed_labels(self) -> tuple[str, ...]:
        """The official label and its known variants: what a reader matches."""
        return (self.label, *self.variants) if self.label else ()


@dataclass(frozen=True)
class Cell:
    table: str
    row: Row
    column: Column

    @property
    def key(self) -> CellKey:
        return (self.row.id, self.column.id)


@dataclass(frozen=True)
class Group:
    """A 第二十条 group of table 二: a title row, a header row, then its rows."""

    id: str
    label: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Area:
    """A merge area: rows top..bottom and columns left..right, inclusive."""

    top: int
    left: int
    bottom: int
    right: int
    text: str
    role: str
    cell: CellKey | None = None  # (row id, column id) of a data cell

    @property
    def row_span(self) -> int:
        return self.bottom - self.top + 1

    @property
    def col_span(self) -> int:
        return self.right - self.left + 1


@dataclass(frozen=True)
class Table:
    """What every kind of table has: an id, its key in a data file, its section, its
    data rows and the cells that rules derive."""

    id: str
    key: str  # the table's key in a data file, e.g. 表三
    section: str
    rows: tuple[Row, ...] = ()
    derived: frozenset[CellKey] = field(default_factory=frozenset)
    groups: tuple[Group, ...] = ()  # title-row groups (table 二); empty for the others
    row_header: str = ""  # the label over the row labels of each group (信息内容)

    # -- cells ---------------------------------------------------------------------

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        """Every data column, left to right (a grouped table: each group's in turn)."""
        return tuple(dict.fromkeys(c for row in self.rows for c in self.columns_of(row)))

    def columns_of(self, row: Row) -> tuple[Column, ...]:
        return self.columns

    def cells(self) -> Iterator[Cell]:
        """Every data cell, in reading order."""
        for row in self.rows:
            for column in self.columns_of(row):
                yield Cell(self.id, row, column)

    def row(self, row_id: str) -> Row:
        return self._rows_by_id[row_id]

    def column(self, column_id: str) -> Column:
        return self._columns_by_id[column_id]

    @cached_property
    def _rows_by_id(self) -> dict[str, Row]:
        return {row.id: row for row in self.rows}

    @cached_property
    def _columns_by_id(self) -> dict[str, Column]:
        return {column.id: column for row in reversed(self.rows)
                for column in self.columns_of(row)}

    def is_derived(self, row_id: str, column_id: str) -> bool:
        return (row_id, column_id) in self.derived

    def rows_under(self, node_id: str) -> tuple[str, ...]:
        """The ids of the data rows under a node of the row label tree."""
        raise KeyError(node_id)

    def node_label(self, node_id: str) -> str:
        """The printed label of a node of the row label tree (a group: （三）不予公开)."""
        raise KeyError(node_id)

    @cached_property
    def rows_by_label(self) -> dict[str, Row]:
        """Each labelled data row by its label and by each of its form's `variants`,
        normalised: how a reader finds a row whatever way the report prints it."""
        return {normalize_label(label): row for row in reversed(self.rows)
                for label in reversed(row.printed_labels)}

    @cached_property
    def row_groups(self) -> dict[str, tuple[str, tuple[Row, ...]]]:
        """Each printed group label of the row tree, normalised: (its label, the data
        rows under it). A report printing such a label as a data row (the 2019 form's
        one row （六）其他处理 where the 2021 form has three) cannot be read into them."""
        return {}

    def typed(self, values: dict[CellKey, Any]) -> dict[CellKey, Any]:
        """The cells a clerk types, as given (every cell of the table, derived ones
        left out: they are computed again from these)."""
        return {c.key: values.get(c.key) for c in self.cells() if not self.is_derived(*c.key)}

    # -- how a clerk names a cell ----------------------------------------------------

    def column_label(self, column_id: str) -> str:
        """A column as the form prints it."""
        return self.column(column_id).label

    def describe(self, row_id: str, column_id: str) -> str:
        """How a clerk names a cell: 表三 “四、结转下年度继续办理” “自然人”."""
        row = self.row(row_id)
        parts = [self.key]
        if row.label:
            parts.append(f"“{row.label}”")
        parts.append(f"“{self.column_label(column_id)}”")
        return " ".join(parts)

    @cached_property
    def labels(self) -> frozenset[str]:
        """Every label the table prints, normalised: how a reader recognises it."""
        labels = {normalize_label(label) for r in self.rows for label in r.printed_labels}
        labels |= {normalize_label(c.label) for r in self.rows for c in self.columns_of(r)}
        labels |= {normalize_label(g.label) for g in self.groups}
        return frozenset(labels - {""})

    # -- paths: data files and template contexts ----------------------------------

    @cached_property
    def header_labels(self) -> frozenset[str]:
        """The labels of the column header, inner ones included, normalised."""
        return frozenset()

    @cached_property
    def key_tree(self) -> KeyTree:
        """The nesting of the table in a data file, by official labels, down to the
        cells (made once per table: every data file of a batch is read against it)."""
        raise NotImplementedError

    def cell_path(self, row_id: str, column_id: str) -> tuple[str, ...]:
        """Where a cell stands in a template's context: t3.received.natural."""
        return (row_id, *column_id.split("."))

    @cached_property
    def _cells_by_path(self) -> dict[tuple[str, ...], CellKey]:
        return {self.cell_path(*c.key): c.key for c in self.cells()}

    def cell_at(self, path: tuple[str, ...]) -> CellKey:
        """The cell a context path names (the inverse of `cell_path`)."""
        return self._cells_by_path[path]

    def nested(self, values: dict[CellKey, Any],
               shown: Callable[[Any], Any] = lambda v: v) -> dict[str, Any]:
        """Cell values as nested dicts along their paths, for a template's context."""
        out: dict[str, Any] = {}
        for key, value in values.items():
            *parents, leaf = self.cell_path(*key)
            node = out
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = shown(value)
        return out

    # -- the official layout -------------------------------------------------------

    @property
    def header_rows(self) -> int:
        """Rows of the column header, repeated on each printed page."""
        raise NotImplementedError

    @property
    def grid_size(self) -> tuple[int, int]:
        """(rows, columns) of the table's grid."""
        raise NotImplementedError

    def column_widths(self, total: int) -> list[int]:
        """Widths of the grid columns in units of which `total` is the whole width (Word
        twips of the 版心): data columns equal, labels taking the rest, as real reports do."""
        raise NotImplementedError

    def areas(self) -> list[Area]:
        """Every merge area, each grid position covered once: header first, then row by
        row (the order in which the Word template is built)."""
        raise NotImplementedError


@dataclass(frozen=True)
class GroupedTable(Table):
    """Table 二: per 第二十条 item a title row, a 信息内容 header row, then its rows;
    each group has columns of its own."""

    width: int = 0

    def columns_of(self, row: Row) -> tuple[Column, ...]:
        return self.group(row.group).columns

    def group(self, group_id: str | None) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    @cached_property
    def key_tree(self) -> KeyTree:
        return {g.label: {r.label: {c.label: (r.id, c.id) for c in g.columns} for r in g.rows}
                for g in self.groups}

    @property
    def header_rows(self) -> int:
        return 0  # each group brings its own header row

    @property
    def grid_size(self) -> tuple[int, int]:
        return sum(2 + len(g.rows) for g in self.groups), self.width

    def column_widths(self, total: int) -> list[int]:
        return [total - 2000 * (self.width - 1)] + [2000] * (self.width - 1)

    def value_spans(self, columns: tuple[Column, ...]) -> Iterator[tuple[int, int, Column]]:
        """The values of a row, one column each; the last spans what is left."""
        for i, column in enumerate(columns):
            left = 1 + i
            right = self.width - 1 if i == len(columns) - 1 else left
            yield left, right, column

    def areas(self) -> list[Area]:
        areas: list[Area] = []
        r = 0
        for group in self.groups:
            areas.append(Area(r, 0, r, self.width - 1, group.label, GROUP_TITLE))
            areas.append(Area(r + 1, 0, r + 1, 0, self.row_header, COLUMN_HEADER))
            areas += [Area(r + 1, left, r + 1, right, column.label, COLUMN_HEADER)
                      for left, right, column in self.value_spans(group.columns)]
            for i, row in enumerate(group.rows, start=r + 2):
                areas.append(Area(i, 0, i, 0, row.label, ROW_HEADER))
                areas += [Area(i, left, i, right, "", DATA, (row.id, column.id))
                          for left, right, column in self.value_spans(group.columns)]
            r += 2 + len(group.rows)
        return areas


@dataclass(frozen=True)
class _HeadedTable(Table):
    """A table under a tree of column labels (tables 三 and 四)."""

    column_tree: tuple[Node, ...] = ()

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        return tuple(leaf_columns(self.column_tree))

    @cached_property
    def header_labels(self) -> frozenset[str]:
        return frozenset(normalize_label(leaf.label) for node in self.column_tree
                         for leaf in _all_nodes(node))

    @property
    def header_rows(self) -> int:
        return max(n.depth() for n in self.column_tree)

    def _header_areas(self, left: int) -> list[Area]:
        return [Area(top, left + first, bottom, left + last, label, COLUMN_HEADER)
                for top, first, bottom, last, label in header_cells(self.column_tree,
                                                                    self.header_rows)]


@dataclass(frozen=True)
class MatrixTable(_HeadedTable):
    """Table 三: a tree of row labels on the left (groups spanning their rows downward),
    the column tree on top, the 勾稽 note in the corner."""

    row_tree: tuple[Node, ...] = ()
    corner: str = ""

    @cached_property
    def key_tree(self) -> KeyTree:
        return self._row_keys(self.row_tree)

    def _row_keys(self, nodes: tuple[Node, ...]) -> KeyTree:
        return {node.label: {c.label: (node.id, c.id) for c in self.columns}
                if node.is_leaf else self._row_keys(node.children) for node in nodes}

    def rows_under(self, node_id: str) -> tuple[str, ...]:
        return tuple(leaf.id for leaf in self._node(node_id).leaves())

    def node_label(self, node_id: str) -> str:
        return self._node(node_id).label

    def _node(self, node_id: str) -> Node:
        found = next((f for n in self.row_tree if (f := n.find(node_id)) is not None), None)
        if found is None:
            raise KeyError(node_id)
        return found

    @cached_property
    def row_groups(self) -> dict[str, tuple[str, tuple[Row, ...]]]:
        return {normalize_label(node.label): (node.label, tuple(self.row(leaf.id)
                                                               for leaf in node.leaves()))
                for top in self.row_tree for node in _all_nodes(top) if not node.is_leaf}

    @property
    def label_columns(self) -> int:
        """Grid columns left of the data: the depth of the row label tree."""
        return max(n.depth() for n in self.row_tree)

    @property
    def grid_size(self) -> tuple[int, int]:
        return self.header_rows + len(self.rows), self.label_columns + len(self.columns)

    def column_widths(self, total: int) -> list[int]:
        data_width = 620
        label_width = [600, 1200][: self.label_columns - 1]  # groups; the leaf takes the rest
        label_width.append(total - data_width * len(self.columns) - sum(label_width))
        return label_width + [data_width] * len(self.columns)

    def areas(self) -> list[Area]:
        levels, head = self.label_columns, self.header_rows
        areas = [Area(0, 0, head - 1, levels - 1, self.corner, CORNER)]
        areas += self._header_areas(levels)
        areas += [Area(head + top, left, head + bottom, right, label, ROW_HEADER)
                  for top, left, bottom, right, label in _row_label_cells(self.row_tree,
                                                                         levels)]
        areas += [Area(head + r, levels + c, head + r, levels + c, "", DATA, (row.id, column.id))
                  for r, row in enumerate(self.rows) for c, column in enumerate(self.columns)]
        return areas


@dataclass(frozen=True)
class SingleRowTable(_HeadedTable):
    """Table 四: the column tree over one unlabelled row of numbers."""

    @cached_property
    def key_tree(self) -> KeyTree:
        return _column_keys(self.column_tree, ())

    def column_label(self, column_id: str) -> str:
        """With its parents: table 四 has three 总计 (行政复议/总计)."""
        return self.column(column_id).full_label

    def cell_path(self, row_id: str, column_id: str) -> tuple[str, ...]:
        return tuple(column_id.split("."))  # the one row is not a level: t4.review.total

    @property
    def grid_size(self) -> tuple[int, int]:
        return self.header_rows + 1, len(self.columns)

    def column_widths(self, total: int) -> list[int]:
        return [total // len(self.columns)] * len(self.columns)

    def areas(self) -> list[Area]:
        head = self.header_rows
        return self._header_areas(0) + [
            Area(head, c, head, c, "", DATA, (_ONLY_ROW, column.id))
            for c, column in enumerate(self.columns)]


def build_table(table_id: str, raw: dict[str, Any], section: str) -> Table:
    """A table of a form file, by its `layout`."""
    common: dict[str, Any] = dict(id=table_id, key=raw["key"], section=section)
    layout = raw["layout"]
    if layout == "grouped":
        groups = tuple(_group(g) for g in raw["groups"])
        return GroupedTable(**common, groups=groups, row_header=raw["row_header"],
                            width=raw["width"], rows=tuple(r for g in groups for r in g.rows))
    column_tree = tuple(_node(c) for c in raw["columns"])
    if layout == "single_row":
        return SingleRowTable(**common, column_tree=column_tree, rows=(Row(_ONLY_ROW, "", ()),))
    if layout == "matrix":
        row_tree = tuple(_node(r) for r in raw["rows"])
        return MatrixTable(**common, column_tree=column_tree, row_tree=row_tree,
                           corner=raw.get("corner", ""), rows=tuple(_leaf_rows(row_tree)))
    raise ValueError(f"unknown table layout {layout!r} of {table_id}")


def _group(raw: dict[str, Any]) -> Group:
    columns = tuple(Column(c["id"], c["label"], c.get("type", "count"), (c["label"],))
                    for c in raw["columns"])
    rows = tuple(Row(r["id"], r["label"], (raw["label"], r["label"]), raw["id"],
                     tuple(r.get("variants", ()))) for r in raw["rows"])
    return Group(raw["id"], raw["label"], columns, rows)


def _node(raw: dict[str, Any]) -> Node:
    children = raw.get("columns") or raw.get("rows") or ()
    return Node(raw.get("id", ""), raw["label"], tuple(_node(c) for c in children), raw.get("type"),
                tuple(raw.get("variants", ())))


def _all_nodes(node: Node) -> Iterator[Node]:
    yield node
    for child in node.children:
        yield from _all_nodes(child)


def leaf_columns(tree: tuple[Node, ...], prefix_ids: tuple[str, ...] = (),
                 prefix_labels: tuple[str, ...] = ()) -> Iterator[Column]:
    """The data columns under a column tree; a column's id is the path of the ids."""
    for node in tree:
        ids = prefix_ids + ((node.id,) if node.id else ())
        labels = (*prefix_labels, node.label)
        if node.is_leaf:
            yield Column(".".join(ids), node.label, node.type or "count", labels)
        else:
            yield from leaf_columns(node.children, ids, labels)


def _leaf_rows(tree: tuple[Node, ...], path: tuple[str, ...] = ()) -> Iterator[Row]:
    for node in tree:
        if node.is_leaf:
            yield Row(node.id, node.label, (*path, node.label), variants=node.variants)
        else:
            yield from _leaf_rows(node.children, (*path, node.label))


def _column_keys(nodes: tuple[Node, ...], ids: tuple[str, ...]) -> KeyTree:
    tree: KeyTree = {}
    for node in nodes:
        node_ids = ids + ((node.id,) if node.id else ())
        tree[node.label] = (_ONLY_ROW, ".".join(node_ids)) if node.is_leaf else _column_keys(
            node.children, node_ids)
    return tree


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


def _row_label_cells(tree: tuple[Node, ...], levels: int, row: int = 0, level: int = 0
                     ) -> Iterator[tuple[int, int, int, int, str]]:
    """Merge areas of the row label tree: a group spans its rows downward, a leaf spans
    the label columns to its right."""
    for node in tree:
        height = sum(1 for _ in node.leaves())
        right = levels - 1 if node.is_leaf else level
        yield row, level, row + height - 1, right, node.label
        if not node.is_leaf:
            yield from _row_label_cells(node.children, levels, row, level + 1)
        row += height
