"""The three kinds of table: their cells, their paths in a data file and in a template
context, their labels and their merge areas, from tiny form snippets and the real forms."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from nianbao.spec.form import load_form
from nianbao.spec.tables import (
    COLUMN_HEADER,
    CORNER,
    DATA,
    GROUP_TITLE,
    ROW_HEADER,
    Area,
    CellKey,
    GroupedTable,
    MatrixTable,
    SingleRowTable,
    Table,
    build_table,
)

# the smallest table of each kind, as a form file would give it
GROUPED = {"key": "表甲", "layout": "grouped", "width": 3, "row_header": "内容", "groups": [
    {"id": "g1", "label": "第一组", "columns": [{"id": "a", "label": "甲"},
                                                {"id": "b", "label": "乙"}],
     "rows": [{"id": "r1", "label": "一行"}, {"id": "r2", "label": "二行"}]},
    {"id": "g2", "label": "第二组", "columns": [{"id": "c", "label": "丙", "type": "amount"}],
     "rows": [{"id": "r3", "label": "三行"}]}]}
MATRIX = {"key": "表乙", "layout": "matrix", "corner": "注",
          "columns": [{"label": "人", "columns": [{"id": "x", "label": "甲"},
                                                 {"id": "y", "label": "乙"}]},
                      {"id": "total", "label": "合计"}],
          "rows": [{"id": "top", "label": "一、上"},
                   {"id": "grp", "label": "二、组", "rows": [{"id": "p", "label": "1.子"},
                                                            {"id": "q", "label": "2.子"}]}]}
SINGLE = {"key": "表丙", "layout": "single_row", "columns": [
    {"id": "a", "label": "复议", "columns": [{"id": "ok", "label": "维持"},
                                             {"id": "total", "label": "总计"}]},
    {"id": "b", "label": "诉讼", "columns": [{"id": "ok", "label": "维持"},
                                             {"id": "total", "label": "总计"}]}]}


def _tiny(raw: dict[str, Any]) -> Table:
    return build_table("tx", raw, "section")


def _every_table() -> Iterator[tuple[str, Table]]:
    for version in ("2021", "2019"):
        for tid, table in load_form(version).tables.items():
            yield f"{version}-{tid}", table
    for raw in (GROUPED, MATRIX, SINGLE):
        yield f"tiny-{raw['layout']}", _tiny(raw)


TABLES = dict(_every_table())


def _leaves(tree: dict[str, Any]) -> Iterator[CellKey]:
    for sub in tree.values():
        if isinstance(sub, tuple):
            yield sub
        else:
            yield from _leaves(sub)


def test_each_layout_builds_its_own_kind() -> None:
    assert isinstance(_tiny(GROUPED), GroupedTable)
    assert isinstance(_tiny(MATRIX), MatrixTable)
    assert isinstance(_tiny(SINGLE), SingleRowTable)
    with pytest.raises(ValueError, match="unknown table layout"):
        _tiny({"key": "表", "layout": "pie", "columns": []})


@pytest.mark.parametrize("name", TABLES)
def test_areas_cover_every_grid_position_exactly_once(name: str) -> None:
    table = TABLES[name]
    height, width = table.grid_size
    covered = Counter((r, c) for a in table.areas() for r in range(a.top, a.bottom + 1)
                      for c in range(a.left, a.right + 1))
    assert set(covered) == {(r, c) for r in range(height) for c in range(width)}
    assert set(covered.values()) == {1}


@pytest.mark.parametrize("name", TABLES)
def test_data_areas_are_exactly_the_cells(name: str) -> None:
    table = TABLES[name]
    data = [a.cell for a in table.areas() if a.role == DATA]
    assert data == [c.key for c in table.cells()]  # reading order, each cell once
    assert all(a.text == "" for a in table.areas() if a.role == DATA)
    assert all(a.cell is None for a in table.areas() if a.role != DATA)


@pytest.mark.parametrize("name", TABLES)
def test_cell_path_and_cell_at_are_inverses(name: str) -> None:
    table = TABLES[name]
    paths = [table.cell_path(*c.key) for c in table.cells()]
    assert len(set(paths)) == len(paths)
    for cell, path in zip(table.cells(), paths, strict=True):
        assert table.cell_at(path) == cell.key


@pytest.mark.parametrize("name", TABLES)
def test_key_tree_leaves_are_exactly_the_cells(name: str) -> None:
    table = TABLES[name]
    leaves = list(_leaves(table.key_tree))
    assert sorted(leaves) == sorted(c.key for c in table.cells())
    assert len(set(leaves)) == len(leaves)


@pytest.mark.parametrize("name", TABLES)
def test_column_widths_fill_the_width(name: str) -> None:
    table = TABLES[name]
    widths = table.column_widths(9000)
    assert len(widths) == table.grid_size[1]
    assert min(widths) > 0
    assert sum(widths) <= 9000 and sum(widths) > 9000 - len(widths)


def test_grouped_table_layout() -> None:
    table = _tiny(GROUPED)
    assert table.grid_size == (7, 3) and table.header_rows == 0
    assert [(a.top, a.left, a.bottom, a.right, a.text, a.role) for a in table.areas()] == [
        (0, 0, 0, 2, "第一组", GROUP_TITLE),
        (1, 0, 1, 0, "内容", COLUMN_HEADER), (1, 1, 1, 1, "甲", COLUMN_HEADER),
        (1, 2, 1, 2, "乙", COLUMN_HEADER),
        (2, 0, 2, 0, "一行", ROW_HEADER), (2, 1, 2, 1, "", DATA), (2, 2, 2, 2, "", DATA),
        (3, 0, 3, 0, "二行", ROW_HEADER), (3, 1, 3, 1, "", DATA), (3, 2, 3, 2, "", DATA),
        (4, 0, 4, 2, "第二组", GROUP_TITLE),
        (5, 0, 5, 0, "内容", COLUMN_HEADER), (5, 1, 5, 2, "丙", COLUMN_HEADER),  # the last
        (6, 0, 6, 0, "三行", ROW_HEADER), (6, 1, 6, 2, "", DATA)]  # value spans the rest
    # each group has its own columns; the table's columns are all of them, in order
    assert [c.id for c in table.columns_of(table.row("r3"))] == ["c"]
    assert [c.id for c in table.columns] == ["a", "b", "c"]
    assert table.column("c").type == "amount" and table.column("a").type == "count"
    assert table.key_tree == {"第一组": {"一行": {"甲": ("r1", "a"), "乙": ("r1", "b")},
                                         "二行": {"甲": ("r2", "a"), "乙": ("r2", "b")}},
                              "第二组": {"三行": {"丙": ("r3", "c")}}}


def test_matrix_table_layout() -> None:
    table = _tiny(MATRIX)
    assert (table.grid_size, table.header_rows, table.label_columns) == ((5, 5), 2, 2)
    assert [(a.top, a.left, a.bottom, a.right, a.text, a.role) for a in table.areas()
            if a.role != DATA] == [
        (0, 0, 1, 1, "注", CORNER),
        (0, 2, 0, 3, "人", COLUMN_HEADER), (1, 2, 1, 2, "甲", COLUMN_HEADER),
        (1, 3, 1, 3, "乙", COLUMN_HEADER),
        (0, 4, 1, 4, "合计", COLUMN_HEADER),  # a leaf spans down the header
        (2, 0, 2, 1, "一、上", ROW_HEADER),  # a leaf row spans the label columns
        (3, 0, 4, 0, "二、组", ROW_HEADER),  # a group spans its rows
        (3, 1, 3, 1, "1.子", ROW_HEADER), (4, 1, 4, 1, "2.子", ROW_HEADER)]
    assert [r.path for r in table.rows] == [("一、上",), ("二、组", "1.子"), ("二、组", "2.子")]
    assert table.rows_under("grp") == ("p", "q")
    assert table.key_tree["二、组"]["2.子"]["合计"] == ("q", "total")
    assert table.header_labels == {"人", "甲", "乙", "合计"}


def test_single_row_table_layout() -> None:
    table = _tiny(SINGLE)
    assert (table.grid_size, table.header_rows) == ((3, 4), 2)
    assert [(a.top, a.left, a.bottom, a.right, a.text) for a in table.areas()] == [
        (0, 0, 0, 1, "复议"), (1, 0, 1, 0, "维持"), (1, 1, 1, 1, "总计"),
        (0, 2, 0, 3, "诉讼"), (1, 2, 1, 2, "维持"), (1, 3, 1, 3, "总计"),
        (2, 0, 2, 0, ""), (2, 1, 2, 1, ""), (2, 2, 2, 2, ""), (2, 3, 2, 3, "")]
    assert [c.id for c in table.columns] == ["a.ok", "a.total", "b.ok", "b.total"]
    # the one row is no level of a data file: the column tree is
    assert table.key_tree == {"复议": {"维持": ("-", "a.ok"), "总计": ("-", "a.total")},
                              "诉讼": {"维持": ("-", "b.ok"), "总计": ("-", "b.total")}}


def test_nested_shapes_of_the_three_tables() -> None:
    form = load_form("2021")
    t2, t3, t4 = (form.tables[t] for t in ("t2", "t3", "t4"))
    assert t2.nested({("rules", "issued"): 1, ("rules", "in_force"): 2}) == {
        "rules": {"issued": 1, "in_force": 2}}
    assert t3.nested({("received", "natural"): 1, ("received", "total"): 1}) == {
        "received": {"natural": 1, "total": 1}}
    # table 四's path has no row level: t4.review.total
    assert t4.cell_path("-", "review.total") == ("review", "total")
    assert t4.nested({("-", "review.total"): 3, ("-", "direct_suit.upheld"): 1}, str) == {
        "review": {"total": "3"}, "direct_suit": {"upheld": "1"}}


def test_how_a_clerk_names_a_cell() -> None:
    form = load_form("2021")
    assert form.tables["t3"].describe("carried_forward", "natural") == \
        "表三 “四、结转下年度继续办理” “自然人”"
    # table 四 has three 总计: named with their parents, and its one row has no label
    assert form.tables["t4"].describe("-", "direct_suit.total") == \
        "表四 “行政诉讼/未经复议直接起诉/总计”"
    assert form.tables["t2"].describe("fees", "fee_amount") == \
        "表二 “行政事业性收费” “本年收费金额（单位：万元）”"


def test_labels_are_normalised_and_include_groups() -> None:
    t2 = load_form("2021").tables["t2"]
    assert "第二十条第(一)项" in t2.labels  # full-width brackets read as half-width
    assert {"规章", "本年制发件数", "本年收费金额(单位:万元)"} <= t2.labels
    assert "" not in load_form("2021").tables["t4"].labels


def test_typed_leaves_out_derived_cells() -> None:
    t4 = load_form("2021").tables["t4"]
    typed = t4.typed({("-", "review.upheld"): 2, ("-", "review.total"): 99})
    assert ("-", "review.total") not in typed
    assert typed[("-", "review.upheld")] == 2
    assert typed[("-", "review.corrected")] is None  # not given: blank
    assert len(typed) == 12


def test_area_spans() -> None:
    area = Area(2, 1, 4, 1, "x", ROW_HEADER)
    assert (area.row_span, area.col_span) == (3, 1)
