"""Reading a rendered .docx the way a person reads it: paragraphs in order and the
tables as grids of printed text (merged cells included)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from nianbao.sources.blocks import ParagraphBlock, TableBlock
from nianbao.sources.docx.body import read_body
from nianbao.sources.blocks import Grid

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def document_blocks(path: Path | bytes) -> list[ParagraphBlock | TableBlock]:
    if isinstance(path, bytes):
        import io

        path = io.BytesIO(path)  # type: ignore[assignment]
    with zipfile.ZipFile(path) as package:
        return read_body(package.read("word/document.xml"))


def paragraphs(path: Path | bytes) -> list[str]:
    return [b.text for b in document_blocks(path) if isinstance(b, ParagraphBlock)
            and b.text.strip()]


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
