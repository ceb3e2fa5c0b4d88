"""A page's rulings as tables: the cells the lines enclose, grouped by the corners they
share. The method is pdfplumber's "lines" strategy (snap nearby lines together, join
pieces of one line, find where lines cross, and take each crossing's smallest enclosed
rectangle as a cell), on the segments PDFium gives rather than on pdfplumber's page
objects, whose building cost more than all the rest of reading a PDF.

A cell boundary drawn as two pieces (one per cell, as LibreOffice does), a line ending
a little short of the one it meets, and a border drawn as a thin filled rectangle all
give the same cells.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict

from nianbao.sources.pdf.drawing import Rule
from nianbao.sources.pdf.errors import MAX_CROSSINGS, TOO_MUCH_DRAWN, UnreadablePdf

TOLERANCE = 3.0  # points: lines this close are one; a line this short of another meets it
MIN_LENGTH = 3.0  # points: shorter segments are not rulings

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


def tables(across: list[Rule], down: list[Rule], page: int) -> list[list[Box]]:
    """The cells of each table on a page, tables top to bottom, cells in reading order."""
    rows, columns = _lines(across), _lines(down)
    crossings = _crossings(rows, columns, page)
    cells = _cells(crossings)
    return _grouped(cells)


def _lines(rules: list[Rule]) -> list[Rule]:
    """Rules snapped (those within TOLERANCE of each other put at their mean position)
    and joined (pieces on one line that touch or nearly touch are one)."""
    rules = sorted((r for r in rules if r.end - r.start >= MIN_LENGTH), key=lambda r: r.at)
    clusters: list[list[Rule]] = []
    for rule in rules:
        if clusters and rule.at - clusters[-1][-1].at <= TOLERANCE:
            clusters[-1].append(rule)
        else:
            clusters.append([rule])
    joined: list[Rule] = []
    for cluster in clusters:
        at = sum(r.at for r in cluster) / len(cluster)
        current: Rule | None = None
        for rule in sorted(cluster, key=lambda r: r.start):
            if current is not None and rule.start <= current.end + TOLERANCE:
                current.end = max(current.end, rule.end)
                continue
            current = Rule(at, rule.start, rule.end)
            joined.append(current)
    return joined


# a crossing (x, y) → the index of the row rule and of the column rule through it
_Crossings = dict[tuple[float, float], tuple[int, int]]


def _crossings(rows: list[Rule], columns: list[Rule], page: int) -> _Crossings:
    """Where a row rule and a column rule meet, within TOLERANCE of each other's ends."""
    positions = [r.at for r in rows]
    found: _Crossings = {}
    for c, column in enumerate(columns):
        low = bisect_left(positions, column.start - TOLERANCE)
        high = bisect_right(positions, column.end + TOLERANCE)
        for r in range(low, high):
            row = rows[r]
            if row.start - TOLERANCE <= column.at <= row.end + TOLERANCE:
                found.setdefault((column.at, row.at), (r, c))
        if len(found) > MAX_CROSSINGS:
            raise UnreadablePdf(TOO_MUCH_DRAWN.format(page=page))
    return found


def _cells(crossings: _Crossings) -> list[Box]:
    """For each crossing, the smallest rectangle below and right of it whose four sides
    are drawn: its corners are crossings joined by the same row and column rules."""
    below: dict[float, list[float]] = defaultdict(list)  # x → crossing ys, top down
    right: dict[float, list[float]] = defaultdict(list)  # y → crossing xs, left to right
    for x, y in sorted(crossings, key=lambda p: (p[1], p[0])):
        below[x].append(y)
        right[y].append(x)
    for ys in below.values():
        ys.sort()
    cells = []
    for (x, y), (row, column) in crossings.items():
        ys, xs = below[x], right[y]
        cell = _smallest(crossings, x, y, row, column, ys[bisect_right(ys, y):],
                         xs[bisect_right(xs, x):])
        if cell is not None:
            cells.append(cell)
    return sorted(cells, key=lambda b: (b[1], b[0]))


def _smallest(crossings: _Crossings, x: float, y: float, row: int, column: int,
              ys: list[float], xs: list[float]) -> Box | None:
    for bottom in ys:
        if crossings[(x, bottom)][1] != column:
            break  # the left side's rule ends: no cell hangs from here further down
        for x1 in xs:
            if crossings[(x1, y)][0] != row:
                break
            corner = crossings.get((x1, bottom))
            if (corner is not None and corner[0] == crossings[(x, bottom)][0]
                    and corner[1] == crossings[(x1, y)][1]):
                return (x, y, x1, bottom)
    return None


def _grouped(cells: list[Box]) -> list[list[Box]]:
    """Cells that share a corner belong to one table."""
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[float, float], int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x1, top), (x0, bottom), (x1, bottom)):
            if corner in owner:
                parent[find(i)] = find(owner[corner])
            else:
                owner[corner] = i
    groups: dict[int, list[Box]] = defaultdict(list)
    for i, cell in enumerate(cells):
        groups[find(i)].append(cell)
    found = [group for group in groups.values() if len(group) > 1]
    return sorted(found, key=lambda group: min(b[1] for b in group))
