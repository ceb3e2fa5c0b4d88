"""Rulings into table cells, from compact lists of segments: whole lines and lines in
pieces, ends a little short, merged cells, two tables on a page; and for any grid with
any merge areas, drawn cell by cell with jitter, the cells come back as drawn."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.sources.pdf.drawing import Rule
from nianbao.sources.pdf.errors import UnreadablePdf
from nianbao.sources.pdf.ruling import tables

Area = tuple[int, int, int, int]  # row, column, rows, columns


def drawn(areas: list[Area], xs: list[float], ys: list[float], short: float = 0.0,
          jitter: float = 0.0) -> tuple[list[Rule], list[Rule]]:
    """Each area's four sides as segments of their own (as LibreOffice and reportlab
    draw cells), each end `short` of the corner, positions off by up to `jitter`."""
    across, down = [], []
    for k, (r, c, h, w) in enumerate(areas):
        wobble = jitter * ((k % 3) - 1)
        x0, x1, y0, y1 = xs[c], xs[c + w], ys[r], ys[r + h]
        across += [Rule(y + wobble, x0 + short, x1 - short) for y in (y0, y1)]
        down += [Rule(x + wobble, y0 + short, y1 - short) for x in (x0, x1)]
    return across, down


def boxes(areas: list[Area], xs: list[float], ys: list[float]) -> set[tuple[float, ...]]:
    return {(xs[c], ys[r], xs[c + w], ys[r + h]) for r, c, h, w in areas}


def near(found: list[tuple[float, float, float, float]], xs: list[float],
         ys: list[float]) -> set[tuple[float, ...]]:
    """Found cells with each edge put on the drawn grid line it is within a point of
    (a jittered line lies at the mean of its pieces)."""
    def on(value: float, lines: list[float]) -> float:
        line = min(lines, key=lambda v: abs(v - value))
        assert abs(line - value) < 1, (value, lines)
        return line

    return {(on(x0, xs), on(top, ys), on(x1, xs), on(bottom, ys))
            for x0, top, x1, bottom in found}


XS = [50.0, 150.0, 250.0, 350.0]
YS = [100.0, 130.0, 160.0]


def test_whole_lines_give_every_cell() -> None:
    across = [Rule(y, XS[0], XS[-1]) for y in YS]
    down = [Rule(x, YS[0], YS[-1]) for x in XS]
    found = tables(across, down, 1)
    assert len(found) == 1
    every = [(r, c, 1, 1) for r in range(2) for c in range(3)]
    assert near(found[0], XS, YS) == boxes(every, XS, YS)


def test_a_merged_cell_is_one_cell() -> None:
    areas = [(0, 0, 1, 3), (1, 0, 1, 1), (1, 1, 1, 2)]
    found = tables(*drawn(areas, XS, YS), 1)
    assert near(found[0], XS, YS) == boxes(areas, XS, YS)


def test_pieces_ending_short_of_the_corner_still_meet() -> None:
    areas = [(0, 0, 2, 1), (0, 1, 1, 2), (1, 1, 1, 1), (1, 2, 1, 1)]
    found = tables(*drawn(areas, XS, YS, short=1.5, jitter=0.8), 1)
    assert near(found[0], XS, YS) == boxes(areas, XS, YS)


def test_two_tables_on_a_page_are_two() -> None:
    top = drawn([(0, 0, 1, 1), (0, 1, 1, 1)], XS, YS)
    below = drawn([(0, 0, 1, 1), (0, 1, 1, 1)], XS, [300.0, 330.0])
    found = tables(top[0] + below[0], top[1] + below[1], 1)
    assert [len(t) for t in found] == [2, 2]
    assert min(c[1] for c in found[0]) == 100 and min(c[1] for c in found[1]) == 300


def test_a_lone_box_or_stray_lines_are_no_table() -> None:
    assert tables([Rule(10, 0, 100), Rule(20, 0, 100)], [Rule(50, 30, 90)], 1) == []
    assert tables(*drawn([(0, 0, 1, 1)], XS, YS), 1) == []  # a framed paragraph


def test_a_page_of_crossing_lines_is_refused() -> None:
    across = [Rule(y * 4.0, 0, 1600) for y in range(400)]
    down = [Rule(x * 4.0 + 0.2, 0, 1600) for x in range(400)]
    with pytest.raises(UnreadablePdf, match="第 3 页的内容过多"):
        tables(across, down, 3)


@st.composite
def tilings(draw: st.DrawFn) -> tuple[list[Area], int, int]:
    """A grid of rows × columns covered by merge areas without overlap."""
    rows, columns = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    owner = [[False] * columns for _ in range(rows)]
    areas = []
    for r in range(rows):
        for c in range(columns):
            if owner[r][c]:
                continue
            width = 1
            while c + width < columns and not owner[r][c + width]:
                width += 1
            w = draw(st.integers(1, width))
            h = draw(st.integers(1, rows - r))
            while any(owner[r + i][c + j] for i in range(h) for j in range(w)):
                h -= 1
            for i in range(h):
                owner[r + i][c:c + w] = [True] * w
            areas.append((r, c, h, w))
    return areas, rows, columns


@given(tilings(), st.sampled_from([0.0, 0.5, 1.5]), st.sampled_from([0.0, 0.7]))
def test_any_grid_with_merges_comes_back_as_drawn(tiling: tuple[list[Area], int, int],
                                                  short: float, jitter: float) -> None:
    areas, rows, columns = tiling
    xs = [40.0 + 37.0 * i for i in range(columns + 1)]
    ys = [60.0 + 23.0 * i for i in range(rows + 1)]
    found = tables(*drawn(areas, xs, ys, short, jitter), 1)
    if len(areas) == 1:
        assert found == []
        return
    assert len(found) == 1
    assert near(found[0], xs, ys) == boxes(areas, xs, ys)
