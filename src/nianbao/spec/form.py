"""The official report format, read from `config/forms/<version>.yaml`.

This module turns the form file into typed objects: sections, tables, the tree of
printed row and column labels, the data cells, and the consistency rules. Nothing
here knows a label: every label comes from the form file.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from typing import Any

from nianbao.resources import read_config
from nianbao.spec.rules import derived_cells

FORM_VERSIONS = ("2021", "2019")


@dataclass(frozen=True)
class Node:
    """A printed label in a row or column header tree; a leaf is a data row or column."""

    id: str
    label: str
    children: tuple[Node, ...] = ()
    type: str | None = None

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

    @property
    def full_label(self) -> str:
        return " > ".join(p for p in self.path if p)


@dataclass(frozen=True)
class Cell:
    table: str
    row: Row
    column: Column

    @property
    def key(self) -> tuple[str, str]:
        return (self.row.id, self.column.id)


@dataclass(frozen=True)
class Group:
    """A 第二十条 group of table 二: a title row, a header row, then its rows."""

    id: str
    label: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Table:
    id: str
    key: str  # the table's key in a data file, e.g. 表三
    layout: str  # grouped | matrix | single_row
    section: str
    row_tree: tuple[Node, ...] = ()
    column_tree: tuple[Node, ...] = ()
    groups: tuple[Group, ...] = ()
    corner: str = ""
    row_header: str = ""
    width: int = 0
    rows: tuple[Row, ...] = ()
    derived: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def columns_of(self, row: Row) -> tuple[Column, ...]:
        if self.layout == "grouped":
            return self.group(row.group).columns
        return self.columns

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        """Data columns of a matrix or single-row table, left to right."""
        return tuple(_leaf_columns(self.column_tree))

    def group(self, group_id: str | None) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def cells(self) -> Iterator[Cell]:
        """Every data cell, in reading order."""
        for row in self.rows:
            for column in self.columns_of(row):
                yield Cell(self.id, row, column)

    def row(self, row_id: str) -> Row:
        return next(r for r in self.rows if r.id == row_id)

    def column(self, column_id: str) -> Column:
        return self._columns_by_id[column_id]

    @cached_property
    def _columns_by_id(self) -> dict[str, Column]:
        return {column.id: column for row in reversed(self.rows)
                for column in self.columns_of(row)}

    def is_derived(self, row_id: str, column_id: str) -> bool:
        return (row_id, column_id) in self.derived

    def column_label(self, column_id: str) -> str:
        """A column as the form prints it; in table 四 with its parents (行政复议/总计)."""
        column = self.column(column_id)
        return column.full_label if self.layout == "single_row" else column.label

    def describe(self, row_id: str, column_id: str) -> str:
        """How a clerk names a cell: 表三 “四、结转下年度继续办理” “自然人”."""
        row = self.row(row_id)
        parts = [self.key]
        if row.label:
            parts.append(f"“{row.label}”")
        parts.append(f"“{self.column_label(column_id)}”")
        return " ".join(parts)


@dataclass(frozen=True)
class Section:
    id: str
    numeral: str
    heading: str
    keywords: tuple[str, ...]
    table: str | None


@dataclass(frozen=True)
class Rule:
    """One consistency rule of format.md §7, expanded to concrete cells by `rules`."""

    id: str
    kind: str  # sum | balance | type
    spec: dict[str, Any]


@dataclass(frozen=True)
class Form:
    version: str
    title: str
    notice: str  # the format notice, quoted by the standard opening paragraph
    first_year: int | None
    last_year: int | None
    sections: tuple[Section, ...]
    tables: dict[str, Table]
    rules: tuple[Rule, ...]
    across_years: tuple[Rule, ...] = ()  # X1–X3: this report against last year's
    prose: tuple[Rule, ...] = ()  # P1–P7: numbers quoted in the text against the cells

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def covers(self, year: int) -> bool:
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )


def _leaf_columns(tree: tuple[Node, ...], prefix_ids: tuple[str, ...] = (),
                  prefix_labels: tuple[str, ...] = ()) -> Iterator[Column]:
    for node in tree:
        ids = prefix_ids + ((node.id,) if node.id else ())
        labels = (*prefix_labels, node.label)
        if node.is_leaf:
            yield Column(".".join(ids), node.label, node.type or "count", labels)
        else:
            yield from _leaf_columns(node.children, ids, labels)


def _node(raw: dict[str, Any]) -> Node:
    children = raw.get("columns") or raw.get("rows") or ()
    return Node(raw.get("id", ""), raw["label"], tuple(_node(c) for c in children), raw.get("type"))


def _leaf_rows(tree: tuple[Node, ...], path: tuple[str, ...] = ()) -> Iterator[Row]:
    for node in tree:
        if node.is_leaf:
            yield Row(node.id, node.label, (*path, node.label))
        else:
            yield from _leaf_rows(node.children, (*path, node.label))


def _build_table(table_id: str, raw: dict[str, Any], section: str) -> Table:
    layout = raw["layout"]
    common = dict(id=table_id, key=raw["key"], layout=layout, section=section)
    if layout == "grouped":
        groups = []
        for g in raw["groups"]:
            columns = tuple(
                Column(c["id"], c["label"], c.get("type", "count"), (c["label"],))
                for c in g["columns"]
            )
            rows = tuple(
                Row(r["id"], r["label"], (g["label"], r["label"]), g["id"]) for r in g["rows"]
            )
            groups.append(Group(g["id"], g["label"], columns, rows))
        return Table(**common, groups=tuple(groups), row_header=raw["row_header"],
                     width=raw["width"], rows=tuple(r for g in groups for r in g.rows))
    column_tree = tuple(_node(c) for c in raw["columns"])
    if layout == "single_row":
        return Table(**common, column_tree=column_tree, rows=(Row("-", "", ()),))
    row_tree = tuple(_node(r) for r in raw["rows"])
    return Table(**common, column_tree=column_tree, row_tree=row_tree,
                 corner=raw.get("corner", ""), rows=tuple(_leaf_rows(row_tree)))


def _replace_nodes(tree: list[dict[str, Any]], replacements: dict[str, Any]) -> None:
    for i, node in enumerate(tree):
        if node.get("id") in replacements:
            tree[i] = replacements[node["id"]]
        elif "rows" in node:
            _replace_nodes(node["rows"], replacements)


def _raw_form(version: str) -> dict[str, Any]:
    raw = read_config("forms", f"{version}.yaml")
    if "extends" not in raw:
        return raw
    merged = copy.deepcopy(_raw_form(raw["extends"]))
    merged["tables"].update(raw.get("tables", {}))
    for table_id, replacements in raw.get("replace", {}).items():
        _replace_nodes(merged["tables"][table_id]["rows"], replacements)
    for key in ("version", "years", "notice"):
        merged[key] = raw[key]
    return merged


@cache
def load_form(version: str) -> Form:
    """The form of a version ("2021" or "2019"), parsed once per process."""
    if version not in FORM_VERSIONS:
        raise KeyError(version)
    raw = _raw_form(version)
    sections = tuple(
        Section(s["id"], s["numeral"], s["heading"], tuple(s["keywords"]), s.get("table"))
        for s in raw["sections"]
    )
    section_of = {s.table: s.id for s in sections if s.table}
    tables = {tid: _build_table(tid, t, section_of[tid]) for tid, t in raw["tables"].items()}
    rules = tuple(Rule(r["id"], r["kind"], r) for r in raw["rules"])
    years = raw.get("years", {})
    form = Form(str(raw["version"]), raw["title"], raw["notice"], years.get("from"),
                years.get("to"), sections, tables, rules,
                tuple(Rule(r["id"], r["kind"], r) for r in raw.get("across_years", ())),
                tuple(Rule(r["id"], "prose", r) for r in raw.get("prose", ())))
    # Derived cells are the targets of the form's own sum rules.
    for table_id, table in tables.items():
        tables[table_id] = replace(table, derived=derived_cells(form, table_id))
    return form


def form_for_year(year: int) -> Form:
    """The form a report year must use (2019 tables up to 2020, 2021 tables from 2021)."""
    for version in FORM_VERSIONS:
        form = load_form(version)
        if form.covers(year):
            return form
    raise ValueError(year)
