"""Shared helpers of the tests: reading a rendered .docx the way a person reads it
(paragraphs in order, the tables as grids of printed text, merged cells included),
comparing reports and merge areas, edited templates, the team's shared files, and
compact grids of text for the reader's tests."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nianbao.report.model import Report
from nianbao.report.prose import resolve_text
from nianbao.sources.blocks import Grid, GridCell, ParagraphBlock, TableBlock
from nianbao.sources.docx.body import read_body
from nianbao.spec.tables import DATA, Table

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
# (top, left, rows spanned, columns spanned, text) of each merge area of a table
Areas = set[tuple[int, int, int, int, str]]


def document_blocks(path: Path | bytes) -> list[ParagraphBlock | TableBlock]:
    if isinstance(path, bytes):
        import io

        path = io.BytesIO(path)  # type: ignore[assignment]
    with zipfile.ZipFile(path) as package:
        return read_body(package.read("word/document.xml"))


def paragraphs(path: Path | bytes) -> list[str]:
    """The paragraphs with text, as a person reads them: a line break inside one (the
    title set on two lines) is layout, not part of the text."""
    return [b.text.replace("\n", "") for b in document_blocks(path)
            if isinstance(b, ParagraphBlock) and b.text.strip()]


def tables(path: Path | bytes) -> list[Grid]:
    return [b.grid for b in document_blocks(path) if isinstance(b, TableBlock)]


def texts(grid: Grid) -> list[list[str]]:
    return [[cell.text for cell in row] for row in grid.rows]


def area(grid: Grid, row: int, col: int) -> tuple[int, int, int, int]:
    """(top, left, rows spanned, columns spanned) of the merge area at a position."""
    cell = grid.cell(row, col)
    return (*cell.origin, cell.row_span, cell.col_span)


def edited_template(path: Path, edit: Callable[[str], str]) -> Path:
    """The built-in 2021 template with its document.xml edited as text, as a tool or a
    careless hand might; written to path."""
    from nianbao.resources import template_path

    with zipfile.ZipFile(template_path("2021")) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["word/document.xml"] = edit(parts["word/document.xml"].decode()).encode()
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def edited_report(report: Report, edits: dict[tuple[str, str, str], str] | None = None
                  ) -> bytes:
    """The report rendered, some cells' printed text replaced as a clerk might have done
    in Word afterwards: {(table, row, column): text}."""
    from nianbao.writing.document import compiled_template
    from nianbao.writing.filler import render_context

    ctx: dict[str, Any] = render_context(report)
    for (table_id, row, column), text in (edits or {}).items():
        node = ctx[table_id] if row == "-" else ctx[table_id][row]
        *parents, leaf = column.split(".")
        for part in parents:
            node = node[part]
        node[leaf] = text
    return compiled_template(None, report.form.version).render_context(ctx)


def swap_cells(xml: str) -> str:
    """A template mistake: the placeholders of two cells of table 三 swapped."""
    xml = xml.replace("t3.disclosed.natural", "@@")
    xml = xml.replace("t3.disclosed.other", "t3.disclosed.natural")
    return xml.replace("@@", "t3.disclosed.other")


def shared(name: str) -> Path:
    """A file of the team's shared/ folder (the format facts, the real reports): the live
    copy beside this checkout where there is one, else the copy kept in tests/fixtures."""
    for root in (Path(__file__).resolve().parents[2] / "shared",
                 Path(__file__).resolve().parent / "fixtures" / "shared"):
        if (root / name).exists():
            return root / name
    raise FileNotFoundError(name)


def shared_example(name: str) -> Path:
    return shared(f"examples/{name}")


def same_report(a: Report, b: Report) -> None:
    """Same numbers, same printed paragraphs (standard ones as the text they print)."""
    assert a.tables == b.tables
    assert resolve_text(a) == resolve_text(b)
    assert (a.form.version, a.year, a.date, a.full_title) == \
        (b.form.version, b.year, b.date, b.full_title)


def merge_areas(rows: list[list[tuple[str, int, int]]]) -> Areas:
    """The HTML table model for rows of (text, rowspan, colspan) cells: each cell takes
    the first column of its row that no cell from above covers."""
    covered: set[tuple[int, int]] = set()
    areas: Areas = set()
    for r, cells in enumerate(rows):
        c = 0
        for text, row_span, col_span in cells:
            while (r, c) in covered:
                c += 1
            areas.add((r, c, row_span, col_span, text))
            covered |= {(r + i, c + j) for i in range(row_span) for j in range(col_span)}
            c += col_span
    return areas


def docx_tables(document: Path) -> list[Areas]:
    """The merge areas of the Word document's tables (the official layout)."""
    return [{(*cell.origin, cell.row_span, cell.col_span, cell.text) for cell in grid.origins()}
            for grid in tables(document)]


def text_grid(rows: list[list[str]]) -> Grid:
    """A grid of texts; equal texts side by side are one merge area, as Word gives them."""
    cells: list[list[GridCell]] = []
    for r, row in enumerate(rows):
        cells.append([])
        for c, text in enumerate(row):
            left = c
            while left > 0 and row[left - 1] == text and text:
                left -= 1
            right = left
            while right + 1 < len(row) and row[right + 1] == text and text:
                right += 1
            cells[-1].append(GridCell(text, (r, left), 1, right - left + 1, left == c))
    return Grid(cells)


def official_texts(table: Table, value: str = "0") -> list[list[str]]:
    """The texts of a table as the official layout prints it, every cell `value`."""
    height, width = table.grid_size
    rows = [[""] * width for _ in range(height)]
    for area in table.areas():
        for r in range(area.top, area.bottom + 1):
            for c in range(area.left, area.right + 1):
                rows[r][c] = value if area.role == DATA else area.text
    return rows


def calc_installed() -> bool:
    """LibreOffice with its spreadsheet (Calc), which recalculates the workbooks'
    formulas: Debian ships it apart from Writer (libreoffice-calc-nogui)."""
    import os
    import shutil

    soffice = shutil.which("soffice")
    return soffice is not None and (
        Path(os.path.realpath(soffice)).parent / "libsclo.so").exists()
