"""What every source of a report becomes: paragraphs and tables in reading order, each
table a `Grid` of printed text with its merge areas resolved. A Word body, a web page,
copied text (and any later source) yield these blocks, and one reader finds the report
in them (`nianbao.reading`).

Also the caps on the work one read may do (`Budget`), shared by every source, so a
hostile file costs bounded time and memory whatever it claims to be.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from nianbao.errors import Unusable

MAX_TABLE_DEPTH = 32
MAX_ROWS = 20_000
MAX_CELLS = 200_000
MAX_COLUMNS = 1_000
HOSTILE = "，可能是恶意构造的文件，已拒绝读取"  # appended to a refusal of a crafted file


class UnreadableSource(Unusable):
    """A file that cannot be read as the kind of document it claims to be; `str(exc)`
    is the Chinese message, saying what is wrong and, where possible, what to do."""


def open_source(path: str | os.PathLike[str], kind: str,
                error: type[UnreadableSource] = UnreadableSource) -> io.BufferedReader:
    """A report file opened for reading, or `error` with a Chinese line saying why not;
    `kind` names what the file should be (Word 文档, 报告文件, PDF 文件)."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise error(f"找不到文件：{os.fspath(path)}") from None
    except IsADirectoryError:
        raise error(f"这是一个文件夹，不是{kind}：{os.fspath(path)}") from None
    except PermissionError:
        raise error(f"没有读取此文件的权限：{os.fspath(path)}") from None
    except OSError as exc:
        raise error(f"无法打开文件：{os.fspath(path)}（错误号 {exc.errno}）") from None


def read_bounded(path: str | os.PathLike[str], limit: int, kind: str,
                 error: type[UnreadableSource] = UnreadableSource) -> bytes:
    """A file's bytes, at most one past `limit` (a huge file is not loaded to be
    refused: the caller refuses what is longer); `kind` as for `open_source`."""
    with open_source(path, kind, error) as file:
        return file.read(limit + 1)


@dataclass(frozen=True, slots=True)
class ParagraphBlock:
    text: str
    style: str | None  # the style *id* (w:pStyle), e.g. "Heading1", or a page's tag name


@dataclass(frozen=True, slots=True)
class TableBlock:
    grid: Grid



@dataclass(slots=True)
class GridCell:
    """One grid position. Every position of a merge area carries the area's text,
    origin, spans and nested tables (the same list object), so a lookup by (row, col)
    never needs to chase the origin; only the top-left one has is_origin. A position
    no cell covers (w:gridBefore/w:gridAfter, a row ending early) has missing=True,
    is_origin=False, empty text and its own (row, col) as origin. `source` is what the
    area was read from (a .docx's w:tc element), for a writer that marks the cell in the
    document itself (writing/annotate.py); it takes no part in comparisons."""

    text: str
    origin: tuple[int, int]
    row_span: int = 1
    col_span: int = 1
    is_origin: bool = True
    missing: bool = False
    nested: list[Grid] = field(default_factory=list)  # tables inside the cell, in order
    source: object = field(default=None, compare=False, repr=False)

    @classmethod
    def missing_at(cls, row: int, col: int) -> GridCell:
        """A position no cell covers."""
        return cls("", (row, col), 1, 1, False, True)


@dataclass(slots=True)
class Grid:
    """A table as a rectangle: `rows[r][c]` for every physical row and grid column."""

    rows: list[list[GridCell]]

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def cell(self, row: int, col: int) -> GridCell:
        return self.rows[row][col]

    def text(self, row: int, col: int) -> str:
        return self.rows[row][col].text

    @classmethod
    def stack(cls, parts: list[Grid]) -> Grid:
        """Grids one below the other, as one table: for a table split in two (a page
        break, a repeated header). Narrower parts are padded with missing positions."""
        width = max((part.width for part in parts), default=0)
        rows: list[list[GridCell]] = []
        for part in parts:
            offset = len(rows)
            for row in part.rows:
                rows.append([_shifted(cell, offset) for cell in row])
                rows[-1].extend(GridCell.missing_at(len(rows) - 1, c)
                                for c in range(part.width, width))
        return cls(rows)

    def origins(self) -> Iterator[GridCell]:
        """Each real cell once (the top-left of its merge area), row by row."""
        for row in self.rows:
            for cell in row:
                if cell.is_origin:
                    yield cell


def _shifted(cell: GridCell, offset: int) -> GridCell:
    if not offset:
        return cell
    row, col = cell.origin
    return GridCell(cell.text, (row + offset, col), cell.row_span, cell.col_span,
                    cell.is_origin, cell.missing, cell.nested, cell.source)


class Budget:
    """Caps on the work one read may do, shared by all tables of a document (or web
    page) so a hostile file cannot multiply them by having many tables. `error` and
    `too_large` say how a refusal reads for the kind of file."""

    __slots__ = ("cells", "error", "max_cells", "max_rows", "positions", "rows", "too_large")

    def __init__(self, error: type[UnreadableSource], too_large: str) -> None:
        self.rows = 0
        self.cells = 0
        self.positions = 0
        self.max_rows, self.max_cells = MAX_ROWS, MAX_CELLS
        self.error, self.too_large = error, too_large

    def refuse(self, what: str) -> None:
        raise self.error(self.too_large.format(what=what))

    def take_row(self) -> None:
        self.rows += 1
        if self.rows > self.max_rows:
            self.refuse(f"表格行数超过 {self.max_rows} 行")

    def take_cells(self, count: int) -> None:
        self.cells += count
        if self.cells > self.max_cells:
            self.refuse_cells()

    def refuse_cells(self) -> None:
        """The .docx reader counts `cells` itself, inline, as it does so for every cell."""
        self.refuse(f"单元格数超过 {self.max_cells} 个")

    def check_positions(self, extra: int) -> None:
        if self.positions + extra > self.max_cells:
            self.refuse_cells()

    def take_positions(self, count: int) -> None:
        self.check_positions(count)
        self.positions += count


Block = ParagraphBlock | TableBlock
