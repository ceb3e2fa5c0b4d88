"""A PDF page's characters and tables as the blocks a .docx gives: characters grouped
into lines by where they stand, lines into paragraphs; each table a `Grid` of its
cells' text with merge areas, so the one reader finds the report in a PDF printed
from Word, WPS or LibreOffice, or drawn by any other tool.

A table's cells come from its rulings (ruling.py): the distinct x and y edges of all
cells are the grid's columns and rows, so a cell over several of them is a merge area.
Text is taken character by character by where each one stands, so a number is in
exactly one cell and never joined with its neighbour's. A table cut by a page break
gives one table per page; the reader stacks the parts of one form table
(`reading.document._merge_split_tables`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from nianbao.sources.blocks import Block, Budget, Grid, GridCell, ParagraphBlock, TableBlock
from nianbao.sources.pdf.drawing import Char, Drawing, Text
from nianbao.sources.pdf.errors import EMPTY, PICTURED, SCAN, TOO_LARGE, UnreadablePdf
from nianbao.sources.pdf.ruling import Box, tables

SNAP = 2.0  # points: cell edges closer than this are one grid line

# characters → lines

# East Asian wide characters (CJK, full-width forms and punctuation)
_WIDE = re.compile("[\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                   "\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6\u2014\u2018-\u201d\u2026]")
_PAGE_NUMBER = re.compile(r"^[-—–－_·\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/共]\s*\d{1,4}\s*页?)?"
                          r"[-—–－_·\s]*$")


def _join(left: str, right: str) -> str:
    """Two pieces of text one after the other: a space only between Latin words (a
    break or gap between Chinese characters or digits is layout)."""
    if not left or not right:
        return left + right
    a, b = left[-1], right[0]
    if a.isascii() and a.isalpha() and b.isascii() and b.isalpha():
        return f"{left} {right}"
    return left + right


def _lines(chars: Iterable[Char]) -> list[Text]:
    """Characters grouped into lines (by vertical overlap), each line left to right; a
    gap wider than half a character between Latin characters is a space."""
    rows: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (c.top, c.x0)):
        if rows:
            last = rows[-1]
            top = min(c.top for c in last[-3:])
            bottom = max(c.bottom for c in last[-3:])
            overlap = min(bottom, char.bottom) - max(top, char.top)
            if overlap > 0.5 * min(bottom - top, char.bottom - char.top):
                last.append(char)
                continue
        rows.append([char])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        text, previous, space = "", None, False
        for char in row:
            if char.text.isspace():  # a space the PDF draws is one in the text
                space = previous is not None
                continue
            if previous is not None and (space or (
                    char.x0 - previous.x1 > 0.5 * max(char.size, 1)
                    and not (_WIDE.match(char.text) or _WIDE.match(previous.text)))):
                text += " "
            text += char.text
            previous, space = char, False
        drawn = [c for c in row if not c.text.isspace()]
        if text:
            lines.append(Text(text, drawn[0].x0, drawn[-1].x1, min(c.top for c in drawn),
                               max(c.bottom for c in drawn), max(c.size for c in drawn)))
    return lines


def _text(chars: list[Char]) -> str:
    """A cell's text: its lines joined (a label wrapped in the cell, or printed one
    character per line, is one label). Text turned on its side is read along its
    direction, its lines in order across."""
    turned = sum(c.turned for c in chars)
    if abs(turned) > len(chars) / 2:
        way = 1 if turned > 0 else -1
        columns: dict[int, list[Char]] = {}
        for char in chars:
            if not char.text.isspace():
                columns.setdefault(round(char.x0 / max(char.size, 1)), []).append(char)
        text = ""
        for key in sorted(columns, key=lambda k: -way * k):  # the first line is rightmost
            text = _join(text, "".join(c.text for c in sorted(columns[key],
                                                               key=lambda c: way * c.top)))
        return text
    text = ""
    for line in _lines(chars):
        text = _join(text, line.text)
    return text


# tables


def _snap(values: Iterable[float]) -> list[float]:
    """Distinct edges: values closer than SNAP are one."""
    edges: list[float] = []
    for value in sorted(values):
        if not edges or value - edges[-1] > SNAP:
            edges.append(value)
    return edges


def _index(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _grid(cells: list[Box], chars: list[Char], budget: Budget) -> Grid | None:
    """A table's cells (bounding boxes) and its characters as a Grid: the distinct
    edges are its columns and rows, a cell over several a merge area."""
    xs = _snap(v for c in cells for v in (c[0], c[2]))
    ys = _snap(v for c in cells for v in (c[1], c[3]))
    width, height = len(xs) - 1, len(ys) - 1
    if width < 1 or height < 1:
        return None
    budget.take_positions(width * height)
    for _ in range(height):
        budget.take_row()
    budget.take_cells(len(cells))
    owners: list[list[tuple[int, int, int, int] | None]] = [[None] * width
                                                            for _ in range(height)]
    areas: dict[tuple[int, int, int, int], list[Char]] = {}
    for x0, top, x1, bottom in cells:
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        if c1 <= c0 or r1 <= r0:
            continue
        area = (r0, c0, r1 - r0, c1 - c0)
        if any(owners[r][c] is not None for r in range(r0, r1) for c in range(c0, c1)):
            continue  # overlapping boxes: the first one keeps its place
        areas[area] = []
        for r in range(r0, r1):
            owners[r][c0:c1] = [area] * (c1 - c0)
    for char in chars:
        middle_x, middle_y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
        if not (xs[0] <= middle_x <= xs[-1] and ys[0] <= middle_y <= ys[-1]):
            continue
        c = min(max(_locate(xs, middle_x), 0), width - 1)
        r = min(max(_locate(ys, middle_y), 0), height - 1)
        owner = owners[r][c]
        if owner is not None:
            areas[owner].append(char)
    texts = {area: _text(found) for area, found in areas.items()}
    rows = []
    for r in range(height):
        row = []
        for c in range(width):
            owner = owners[r][c]
            if owner is None:
                row.append(GridCell.missing_at(r, c))
            else:
                r0, c0, rs, cs = owner
                row.append(GridCell(texts[owner], (r0, c0), rs, cs, (r0, c0) == (r, c)))
        rows.append(row)
    return Grid(rows)


def _locate(edges: list[float], value: float) -> int:
    """The interval of edges that holds value."""
    for i in range(1, len(edges)):
        if value < edges[i]:
            return i - 1
    return len(edges) - 2


# pages


@dataclass(slots=True)
class _Placed:
    """A page's line of text or table, where it starts on the page."""

    top: float
    line: Text | None = None
    grid: Grid | None = None


def blocks(drawings: list[Drawing]) -> list[Block]:
    """A document's pages as blocks: tables where the rulings enclose cells, lines of
    text elsewhere joined into paragraphs, page numbers and running heads left out."""
    budget = Budget(UnreadablePdf, TOO_LARGE)
    placed = [_page(drawing, budget) for drawing in drawings]
    if not any(not c.text.isspace() for drawing in drawings for c in drawing.chars):
        raise UnreadablePdf(SCAN if any(d.images for d in drawings) else EMPTY)
    if any(d.images for d in drawings) and not any(
            item.grid for items in placed for item in items):
        raise UnreadablePdf(PICTURED)
    return _paragraphs(_without_page_furniture(placed))


def _page(drawing: Drawing, budget: Budget) -> list[_Placed]:
    """A page's tables and lines of text, top to bottom."""
    out: list[_Placed] = []
    boxes: list[Box] = []
    chars = drawing.chars
    for cells in tables(drawing.across, drawing.down, drawing.number):
        box = (min(c[0] for c in cells), min(c[1] for c in cells),
               max(c[2] for c in cells), max(c[3] for c in cells))
        grid = _grid(cells, [c for c in chars if _within(c, box)], budget)
        if grid is None:
            continue
        boxes.append(box)
        out.append(_Placed(box[1], grid=grid))
    free = [c for c in chars if not any(_within(c, box) for box in boxes)]
    out.extend(_Placed(line.top, line=line) for line in _lines(free))
    out.sort(key=lambda item: item.top)
    return out


def _within(char: Char, box: Box) -> bool:
    x, y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _without_page_furniture(pages: list[list[_Placed]]) -> list[list[_Placed]]:
    """Each page without its page number ("— 3 —", "第 3 页") at its top or bottom,
    and without a running header or footer: a line of the same text at the same place
    on more than one page, above or below everything else."""
    edge_texts: dict[tuple[str, int], int] = {}
    for items in pages:
        for item in _edges(items):
            if item.line is not None:
                key = (re.sub(r"\d+", "#", item.line.text), round(item.top / 10))
                edge_texts[key] = edge_texts.get(key, 0) + 1
    out = []
    for items in pages:
        edges = {id(item) for item in _edges(items)}
        kept = []
        for item in items:
            line = item.line
            if line is not None and id(item) in edges and (
                    _PAGE_NUMBER.match(line.text) or (len(pages) > 2 and edge_texts[(
                        re.sub(r"\d+", "#", line.text), round(item.top / 10))] > 1)):
                continue
            kept.append(item)
        out.append(kept)
    return out


def _edges(items: list[_Placed]) -> list[_Placed]:
    return [*items[:1], *items[-1:]] if len(items) > 1 else items[:1]


def _paragraphs(pages: list[list[_Placed]]) -> list[Block]:
    """Lines into paragraphs: a line continues the paragraph above when that one ran
    to the right edge of the text, it is not indented, set in the same size, and not
    further below than a line and a half; centred lines of one size (a title set on
    two lines) also join. Tables stand between paragraphs."""
    lines = [item.line for items in pages for item in items if item.line is not None]
    if not lines:
        return [TableBlock(item.grid) for items in pages for item in items
                if item.grid is not None]
    left = _mode(round(line.x0) for line in lines)
    right = _mode(round(line.x1) for line in lines)
    blocks: list[Block] = []
    current: list[Text] = []

    def flush() -> None:
        if current:
            text = ""
            for line in current:
                text = _join(text, line.text)
            blocks.append(ParagraphBlock(text, None))
            current.clear()

    for items in pages:
        above: Text | None = None
        for item in items:
            if item.grid is not None:
                flush()
                blocks.append(TableBlock(item.grid))
                above = None
                continue
            line = item.line
            assert line is not None
            previous = current[-1] if current else None
            if previous is not None and not _continues(previous, line, above, left, right):
                flush()
            current.append(line)
            above = line
    flush()
    return blocks


def _continues(previous: Text, line: Text, above: Text | None, left: float,
               right: float) -> bool:
    size = max(line.size, 1)
    if abs(previous.size - line.size) > 0.5:
        return False
    if above is not None and line.top - above.bottom > 1.5 * size:
        return False
    if _centred(previous, left, right, size) and _centred(line, left, right, size):
        return True
    return previous.x1 >= right - size and line.x0 <= left + size / 2


def _centred(line: Text, left: float, right: float, size: float) -> bool:
    return (line.x0 > left + size and line.x1 < right - size
            and abs((line.x0 - left) - (right - line.x1)) < size)


def _mode(values: Iterator[int]) -> int:
    counts: dict[int, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return max(counts, key=lambda v: (counts[v], -v))
