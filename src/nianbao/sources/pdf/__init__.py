"""A PDF with a text layer as the blocks every source gives: paragraphs, and each table
as a `Grid` with its merged cells, in reading order.

The file is first looked over (guard.py, pdfminer.six: structure, password, and every
stream a page draws from decoded to a cap), then drawn page by page by PDFium
(drawing.py: characters with their boxes, line segments), its rulings made into cells
(ruling.py) and everything laid out as blocks (layout.py).

nianbao never guesses numbers from pictures: a PDF without text (a scan) is refused,
and so is one that needs a password or cannot be parsed. A PDF is untrusted input:
its size, pages, decoded stream bytes, drawn lines and table cells are capped.
"""

from __future__ import annotations

import threading
from pathlib import Path

from nianbao.sources.blocks import Block, read_bounded
from nianbao.sources.pdf.drawing import Drawing, draw_page
from nianbao.sources.pdf.errors import (
    BOMB,
    BROKEN,
    EMPTY,
    ENCRYPTED,
    MAX_CHARS,
    MAX_PDF_BYTES,
    SCAN,
    TOO_BIG,
    TOO_MANY_PAGES,
    UnreadablePdf,
)
from nianbao.sources.pdf.guard import inspect
from nianbao.sources.pdf.layout import blocks

__all__ = ["BOMB", "BROKEN", "EMPTY", "ENCRYPTED", "SCAN", "TOO_MANY_PAGES", "UnreadablePdf",
           "read_pdf"]

# PDFium is not thread-safe: one document at a time per process (a web server's
# threads queue here; processes, as `check -j` uses, each have their own PDFium)
_PDFIUM = threading.Lock()


def read_pdf(path: Path) -> list[Block]:
    """The paragraphs and tables of a PDF's text layer, page by page in reading order."""
    data = read_bounded(path, MAX_PDF_BYTES, "PDF 文件", UnreadablePdf)
    if len(data) > MAX_PDF_BYTES:
        raise UnreadablePdf(TOO_BIG)
    pages = inspect(data)
    with _PDFIUM:
        drawings = _drawings(data, pages)
    return blocks(drawings)


def _drawings(data: bytes, pages: int) -> list[Drawing]:
    """What each of the first `pages` pages draws, by PDFium."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        import pypdfium2.raw as raw

        if exc.err_code == raw.FPDF_ERR_PASSWORD:
            raise UnreadablePdf(ENCRYPTED) from None
        raise UnreadablePdf(BROKEN.format(detail="文件结构错误")) from None
    try:
        budget = [MAX_CHARS]
        drawings = []
        for number in range(1, min(pages, len(document)) + 1):
            page = document[number - 1]
            try:
                drawings.append(draw_page(page, number, budget))
            finally:
                page.close()
    except pdfium.PdfiumError:
        raise UnreadablePdf(BROKEN.format(detail="页面无法读取")) from None
    finally:
        document.close()
    return drawings
