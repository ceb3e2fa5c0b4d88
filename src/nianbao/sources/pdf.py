"""A PDF with a text layer as the blocks a .docx gives: paragraphs, and each table as a
`Grid` with its merged cells, in reading order, so the one reader finds the report in a
PDF printed from Word, WPS or LibreOffice, or drawn by any other tool.

pdfplumber (on pdfminer.six) gives the characters with their positions and the ruling
lines of the tables. A table's cells come from its lines (pdfplumber's table finder,
lines strategy): the distinct x and y edges of all cells are the grid's columns and
rows, so a cell over several of them is a merge area. Text is taken character by
character by where each one stands, so a number is in exactly one cell and never joined
with its neighbour's. A table cut by a page break gives one table per page; the reader
stacks the parts of one form table (`reading.document._merge_split_tables`).

nianbao never guesses numbers from pictures: a PDF without text (a scan) is refused,
and so is one that needs a password or cannot be parsed. A PDF is untrusted input:
its size, pages, decoded stream bytes and table cells are capped.
"""

from __future__ import annotations

import contextvars
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.sources.blocks import (
    HOSTILE,
    Block,
    Budget,
    Grid,
    GridCell,
    ParagraphBlock,
    TableBlock,
    UnreadableSource,
    open_source,
)

MB = 1024 * 1024
MAX_PDF_BYTES = 128 * MB  # a report with embedded fonts is a few MB
MAX_PAGES = 60  # a report is 5 to 20 pages
MAX_STREAM_BYTES = 32 * MB  # one decoded stream (a page's content, a font)
MAX_DECODED_BYTES = 128 * MB  # all decoded streams of one read
MAX_CHARS = 400_000  # characters over all pages read
MAX_PAGE_CONTENT = 2 * MB  # drawing instructions of one page; LibreOffice's are 5–30 KB
MAX_RULES = 5_000  # lines and rectangles on one page: the table finder pairs them up
SNAP = 2.0  # points: cell edges closer than this are one grid line

TOO_BIG = f"PDF 文件过大（超过 {MAX_PDF_BYTES // MB} MB），不是年度报告"
TOO_MANY_PAGES = f"PDF 文件页数过多（超过 {MAX_PAGES} 页），不是一份年度报告"
TOO_LARGE = "PDF 中的表格过大：{what}，超出可检查的范围"
BOMB = "PDF 文件中的数据解压后过大" + HOSTILE
TOO_MUCH_DRAWN = "PDF 第 {page} 页的内容过多，超出可检查的范围" + HOSTILE
TOO_MUCH_TEXT = f"PDF 文件中的文字过多（超过 {MAX_CHARS} 字），不是一份年度报告"
SCAN = ("此 PDF 没有文字层，是扫描件或图片：nianbao 不从图片中猜测数字；"
        "请改用该报告的 Word 文档（.docx）或网页（.html），或可复制文字的 PDF")
EMPTY = "此 PDF 中没有任何文字，不是年度报告"
PICTURED = ("PDF 中没有找到画有框线的表格（表格可能是图片）：nianbao 不从图片中猜测数字；"
            "请改用该报告的 Word 文档（.docx）或网页（.html）")
ENCRYPTED = "PDF 文件有密码保护，无法读取：请提供未加密的 PDF，或该报告的 Word 文档（.docx）"
BROKEN = "PDF 文件已损坏或不是 PDF（{detail}）：请重新导出 PDF，或改用该报告的 Word 文档（.docx）"
DEEP = "PDF 文件结构嵌套过深" + HOSTILE


class UnreadablePdf(UnreadableSource):
    """The PDF cannot be read; `str(exc)` is the Chinese message."""


def read_pdf(path: Path) -> list[Block]:
    """The paragraphs and tables of a PDF's text layer, page by page in reading order."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.utils.exceptions import PdfminerException

    _bound_inflation()
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0  # open() below says what is wrong
    if size > MAX_PDF_BYTES:
        raise UnreadablePdf(TOO_BIG)
    decoded = _DECODED.set(_Counter())
    try:
        with open_source(path, "PDF 文件", UnreadablePdf) as stream:
            pdf = pdfplumber.pdf.PDF(stream, stream_is_external=True)
            pages = []
            for number, page in enumerate(PDFPage.create_pages(pdf.doc), 1):
                if number > MAX_PAGES:
                    raise UnreadablePdf(TOO_MANY_PAGES)
                if sum(len(c.get_data()) for c in page.contents) > MAX_PAGE_CONTENT:
                    raise UnreadablePdf(TOO_MUCH_DRAWN.format(page=number))
                pages.append(pdfplumber.page.Page(pdf, page, page_number=number))
            return _Reader().blocks(pages)
    except UnreadableSource:
        raise
    except RecursionError:
        raise UnreadablePdf(DEEP) from None
    except MemoryError:
        raise UnreadablePdf(BOMB) from None
    except Exception as exc:  # pdfminer raises many kinds (and wraps them) on a broken file
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        if isinstance(cause, UnreadableSource):
            raise cause from None
        if isinstance(cause, PDFEncryptionError) or "password" in str(cause).lower():
            raise UnreadablePdf(ENCRYPTED) from None
        if isinstance(cause, RecursionError):
            raise UnreadablePdf(DEEP) from None
        from pdfminer.psexceptions import PSEOF

        detail = "文件不完整" if isinstance(cause, PSEOF) else "文件结构错误"
        raise UnreadablePdf(BROKEN.format(detail=detail)) from None
    finally:
        _DECODED.reset(decoded)


# decoded bytes: pdfminer inflates a stream with one unbounded zlib.decompress (and LZW
# alike), so a few KB of deflated zeros would take gigabytes. The names pdfminer.pdftypes
# decodes with (zlib, decompress_corrupted, lzwdecode) are replaced, once, by versions
# that count against the read's cap.


class _Counter:
    __slots__ = ("total",)

    def __init__(self) -> None:
        self.total = 0

    def take(self, count: int) -> None:
        self.total += count
        if count > MAX_STREAM_BYTES or self.total > MAX_DECODED_BYTES:
            raise UnreadablePdf(BOMB)


_DECODED: contextvars.ContextVar[_Counter] = contextvars.ContextVar("nianbao_pdf_decoded")


def _counter() -> _Counter:
    try:
        return _DECODED.get()
    except LookupError:  # pdfminer used outside read_pdf: one stream is still capped
        return _Counter()


def _inflate(data: bytes, corrupted: bool = False) -> bytes:
    """Deflated data inflated up to the cap. Corrupted data (a bad checksum, a cut
    stream) gives what inflates before the damage, as pdfminer's own fallback does,
    without its byte-by-byte loop."""
    inflater, counter, parts = zlib.decompressobj(), _counter(), []
    size = 0
    for at in range(0, len(data), 1 << 16) if corrupted else (0,):
        try:
            part = inflater.decompress(data[at:at + (1 << 16)] if corrupted else data,
                                       MAX_STREAM_BYTES + 1 - size)
        except zlib.error:
            if not corrupted:
                raise
            break
        size += len(part)
        if inflater.unconsumed_tail or size > MAX_STREAM_BYTES:
            raise UnreadablePdf(BOMB)
        parts.append(part)
    if not corrupted and not inflater.eof:
        raise zlib.error("incomplete or truncated stream")
    counter.take(size)
    return b"".join(parts)


class _BoundedZlib:
    """The part of the zlib module pdfminer.pdftypes uses."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes) -> bytes:
        return _inflate(data)


def _bounded_lzw(data: bytes) -> bytes:
    from io import BytesIO

    from pdfminer.lzw import LZWDecoder

    counter, parts, size = _counter(), [], 0
    for part in LZWDecoder(BytesIO(data)).run():
        size += len(part)
        if size > MAX_STREAM_BYTES:
            raise UnreadablePdf(BOMB)
        parts.append(part)
    counter.take(size)
    return b"".join(parts)


def _bound_inflation() -> None:
    from pdfminer import pdftypes

    if vars(pdftypes).get("zlib") is not _BoundedZlib:
        vars(pdftypes).update(zlib=_BoundedZlib, lzwdecode=_bounded_lzw,
                              decompress_corrupted=lambda data: _inflate(data, True))


# characters → lines

# East Asian wide characters (CJK, full-width forms and punctuation)
_WIDE = re.compile("[\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                   "\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6\u2014\u2018-\u201d\u2026]")
_PAGE_NUMBER = re.compile(r"^[-—–－_·\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/共]\s*\d{1,4}\s*页?)?"
                          r"[-—–－_·\s]*$")


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    turned: int = 0  # 0 upright; 1 turned clockwise (reads downward); -1 reads upward


@dataclass(slots=True)
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def _join(left: str, right: str) -> str:
    """Two pieces of text one after the other: a space only between Latin words (a
    break or gap between Chinese characters or digits is layout)."""
    if not left or not right:
        return left + right
    a, b = left[-1], right[0]
    if a.isascii() and a.isalpha() and b.isascii() and b.isalpha():
        return f"{left} {right}"
    return left + right


def _lines(chars: Iterable[_Char]) -> list[_Line]:
    """Characters grouped into lines (by vertical overlap), each line left to right; a
    gap wider than half a character between Latin characters is a space."""
    rows: list[list[_Char]] = []
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
            lines.append(_Line(text, drawn[0].x0, drawn[-1].x1, min(c.top for c in drawn),
                               max(c.bottom for c in drawn), max(c.size for c in drawn)))
    return lines


def _text(chars: list[_Char]) -> str:
    """A cell's text: its lines joined (a label wrapped in the cell, or printed one
    character per line, is one label). Text turned on its side is read along its
    direction, its lines in order across."""
    turned = sum(c.turned for c in chars)
    if abs(turned) > len(chars) / 2:
        way = 1 if turned > 0 else -1
        columns: dict[int, list[_Char]] = {}
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


_Box = tuple[float, float, float, float]


def _grid(cells: list[_Box], chars: list[_Char], budget: Budget) -> Grid | None:
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
    areas: dict[tuple[int, int, int, int], list[_Char]] = {}
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
    line: _Line | None = None
    grid: Grid | None = None


class _Reader:
    def __init__(self) -> None:
        self.budget = Budget(UnreadablePdf, TOO_LARGE)
        self.chars = 0

    def blocks(self, pages: list[Any]) -> list[Block]:
        placed: list[list[_Placed]] = []
        images = 0
        for page in pages:
            placed.append(self.page(page))
            images += len(page.images)
            page.close()
        if self.chars == 0:
            raise UnreadablePdf(SCAN if images else EMPTY)
        if images and not any(item.grid for items in placed for item in items):
            raise UnreadablePdf(PICTURED)
        return _paragraphs(_without_page_furniture(placed))

    def page(self, page: Any) -> list[_Placed]:
        chars = [_Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c["size"],
                       _turned(c.get("matrix"))) for c in page.chars if c["text"]]
        self.chars += sum(not c.text.isspace() for c in chars)
        if self.chars > MAX_CHARS:
            raise UnreadablePdf(TOO_MUCH_TEXT)
        if len(page.lines) + len(page.rects) + len(page.curves) > MAX_RULES:
            raise UnreadablePdf(TOO_MUCH_DRAWN.format(page=page.page_number))
        out: list[_Placed] = []
        boxes: list[_Box] = []
        for table in page.find_tables():
            box = table.bbox
            inside = [c for c in chars if _within(c, box)]
            grid = _grid([tuple(cell) for cell in table.cells], inside, self.budget)
            if grid is None:
                continue
            boxes.append(box)
            out.append(_Placed(box[1], grid=grid))
        free = [c for c in chars if not any(_within(c, box) for box in boxes)]
        out.extend(_Placed(line.top, line=line) for line in _lines(free))
        out.sort(key=lambda item: item.top)
        return out


def _turned(matrix: Any) -> int:
    """Which way a character's text matrix turns it (see _Char.turned)."""
    if not matrix or (abs(matrix[1]) <= abs(matrix[0])):
        return 0
    return 1 if matrix[1] < 0 else -1


def _within(char: _Char, box: _Box) -> bool:
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
    current: list[_Line] = []

    def flush() -> None:
        if current:
            text = ""
            for line in current:
                text = _join(text, line.text)
            blocks.append(ParagraphBlock(text, None))
            current.clear()

    for items in pages:
        above: _Line | None = None
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


def _continues(previous: _Line, line: _Line, above: _Line | None, left: float,
               right: float) -> bool:
    size = max(line.size, 1)
    if abs(previous.size - line.size) > 0.5:
        return False
    if above is not None and line.top - above.bottom > 1.5 * size:
        return False
    if _centred(previous, left, right, size) and _centred(line, left, right, size):
        return True
    return previous.x1 >= right - size and line.x0 <= left + size / 2


def _centred(line: _Line, left: float, right: float, size: float) -> bool:
    return (line.x0 > left + size and line.x1 < right - size
            and abs((line.x0 - left) - (right - line.x1)) < size)


def _mode(values: Iterator[int]) -> int:
    counts: dict[int, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return max(counts, key=lambda v: (counts[v], -v))
