"""What every source becomes: grids of printed text with merges resolved, and the caps
on the work one read may do."""

from __future__ import annotations

import pytest

from nianbao.sources.blocks import Budget, Grid, GridCell, UnreadableSource


def _grid(*rows: str) -> Grid:
    """A grid without merges: one string a row, one character a cell."""
    return Grid([[GridCell(t, (r, c)) for c, t in enumerate(row)] for r, row in enumerate(rows)])


def test_a_grid_is_a_rectangle_of_positions() -> None:
    wide = GridCell("甲", (0, 0), 1, 2)
    tail = GridCell("甲", (0, 0), 1, 2, is_origin=False)
    grid = Grid([[wide, tail], [GridCell("乙", (1, 0)), GridCell.missing_at(1, 1)]])
    assert (grid.height, grid.width) == (2, 2)
    assert grid.text(0, 1) == "甲" and grid.cell(0, 1).origin == (0, 0)
    assert [c.text for c in grid.origins()] == ["甲", "乙"]  # each real cell once
    gap = grid.cell(1, 1)
    assert (gap.missing, gap.is_origin, gap.text, gap.origin) == (True, False, "", (1, 1))
    assert Grid([]).width == 0


def test_stacked_grids_are_one_table_padded_to_the_widest() -> None:
    stacked = Grid.stack([_grid("ab", "cd"), _grid("e"), _grid("fgh")])
    assert [[c.text for c in row] for row in stacked.rows] == [
        ["a", "b", ""], ["c", "d", ""], ["e", "", ""], ["f", "g", "h"]]
    assert stacked.cell(2, 0).origin == (2, 0)  # origins shifted down
    assert stacked.cell(3, 2).origin == (3, 2)
    assert stacked.cell(0, 2).missing and stacked.cell(2, 1).missing
    assert not stacked.cell(3, 1).missing


def test_the_budget_refuses_with_the_sources_own_message() -> None:
    budget = Budget(UnreadableSource, "文件过大（{what}）")
    budget.max_rows, budget.max_cells = 2, 5
    budget.take_row()
    budget.take_row()
    with pytest.raises(UnreadableSource, match=r"^文件过大（表格行数超过 2 行）$"):
        budget.take_row()
    budget.take_cells(5)
    with pytest.raises(UnreadableSource, match="单元格数超过 5 个"):
        budget.take_cells(1)


def test_positions_are_checked_before_they_are_taken() -> None:
    budget = Budget(UnreadableSource, "{what}")
    budget.max_cells = 10
    budget.take_positions(6)
    with pytest.raises(UnreadableSource, match="单元格数超过 10 个"):
        budget.check_positions(5)
    assert budget.positions == 6
