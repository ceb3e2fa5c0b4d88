"""What a PDF page draws, as PDFium reports it: each character with its box, size and
turn, the straight line segments of its paths (table rulings), and its pictures.

PDFium (pypdfium2, which pdfplumber itself depends on) draws a page in C, ten times
faster than pdfminer's Python interpreter, which made up most of the time of checking
a PDF. Coordinates are points from the page's top edge, as on paper.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from nianbao.sources.pdf.errors import (
    MAX_NESTING,
    MAX_RULES,
    TOO_MUCH_DRAWN,
    TOO_MUCH_TEXT,
    UnreadablePdf,
)

STRAIGHT = 1.0  # points: a segment off the horizontal (vertical) by less is straight
THIN = 3.0  # points: a filled rectangle thinner than this is a drawn line

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(slots=True)
class Text:
    """Text where it stands on the page (a character, or a line of them) and its size."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(slots=True)
class Char(Text):
    turned: int = 0  # 0 upright; 1 turned clockwise (reads downward); -1 reads upward


@dataclass(slots=True)
class Rule:
    """A straight segment: horizontal at `at` from `start` to `end` (left to right), or
    vertical at x `at` from `start` to `end` (top to bottom)."""

    at: float
    start: float
    end: float


@dataclass(slots=True)
class Drawing:
    """One page: its number (from 1), characters, rulings and pictures."""

    number: int
    chars: list[Char] = field(default_factory=list)
    across: list[Rule] = field(default_factory=list)
    down: list[Rule] = field(default_factory=list)
    images: int = 0


def draw_page(page: Any, number: int, budget: list[int]) -> Drawing:
    """Page `number` of a pypdfium2 document; `budget` holds the characters left for
    the rest of the document."""
    import pypdfium2.raw as raw

    top = page.get_mediabox()[3]
    drawing = Drawing(number)
    _paths(raw, page.raw, drawing, top, _IDENTITY, 0)
    if len(drawing.across) + len(drawing.down) > MAX_RULES:
        raise UnreadablePdf(TOO_MUCH_DRAWN.format(page=number))
    textpage = page.get_textpage()
    try:
        count = raw.FPDFText_CountChars(textpage.raw)
        if count > budget[0]:
            raise UnreadablePdf(TOO_MUCH_TEXT)
        drawing.chars = _chars(raw, textpage.raw, count, top)
        budget[0] -= count
    finally:
        textpage.close()
    return drawing


def _chars(raw: Any, textpage: Any, count: int, top: float) -> list[Char]:
    """The characters the page's text draws (not the spaces and line ends PDFium adds
    between them)."""
    chars = []
    box, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
    for i in range(count):
        if raw.FPDFText_IsGenerated(textpage, i) == 1:
            continue
        code = raw.FPDFText_GetUnicode(textpage, i)
        if code < 32 or code in (0xFFFE, 0xFFFF):
            continue
        raw.FPDFText_GetLooseCharBox(textpage, i, box)
        raw.FPDFText_GetMatrix(textpage, i, matrix)
        turned = 0
        if abs(matrix.b) > abs(matrix.a):
            turned = 1 if matrix.b < 0 else -1
        chars.append(Char(chr(code), box.left, box.right, top - box.top, top - box.bottom,
                          raw.FPDFText_GetFontSize(textpage, i), turned))
    return chars


def _paths(raw: Any, holder: Any, drawing: Drawing, top: float, outer: Matrix,
           depth: int) -> None:
    """The rulings and pictures of a page (or of a drawing placed on it, `outer` its
    placement), drawings inside drawings followed to MAX_NESTING."""
    form = depth > 0
    count = raw.FPDFFormObj_CountObjects(holder) if form else raw.FPDFPage_CountObjects(holder)
    matrix = raw.FS_MATRIX()
    for i in range(count):
        obj = raw.FPDFFormObj_GetObject(holder, i) if form else raw.FPDFPage_GetObject(holder, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            drawing.images += 1
            continue
        if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
            continue
        raw.FPDFPageObj_GetMatrix(obj, matrix)
        placed = _times((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            if depth >= MAX_NESTING:
                raise UnreadablePdf(TOO_MUCH_DRAWN.format(page=drawing.number))
            _paths(raw, obj, drawing, top, placed, depth + 1)
        else:
            _segments(raw, obj, drawing, top, placed)
        if len(drawing.across) + len(drawing.down) > MAX_RULES:
            raise UnreadablePdf(TOO_MUCH_DRAWN.format(page=drawing.number))


def _segments(raw: Any, path: Any, drawing: Drawing, top: float, placed: Matrix) -> None:
    """A path's straight horizontal and vertical segments. A thin filled rectangle (how
    Word and WPS draw a cell border) is one line along its middle; curves are left out."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(path, fill, stroke)
    if not fill.value and not stroke.value:
        return  # a clipping outline, not drawn
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[list[tuple[float, float]]] = []
    for i in range(raw.FPDFPath_CountSegments(path)):
        segment = raw.FPDFPath_GetPathSegment(path, i)
        kind = raw.FPDFPathSegment_GetType(segment)
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        a, b, c, d, e, f = placed
        point = (a * x.value + c * y.value + e, top - (b * x.value + d * y.value + f))
        if kind == raw.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([point])
        elif kind == raw.FPDF_SEGMENT_LINETO:
            subpaths[-1].append(point)
        else:
            subpaths.append([point])  # a curve breaks the straight run
        if raw.FPDFPathSegment_GetClose(segment) and len(subpaths[-1]) > 1:
            subpaths[-1].append(subpaths[-1][0])
    for points in subpaths:
        if fill.value and _thin_box(points, drawing):
            continue
        for (x0, y0), (x1, y1) in pairwise(points):
            _add(drawing, x0, y0, x1, y1)


def _thin_box(points: list[tuple[float, float]], drawing: Drawing) -> bool:
    """A filled axis-aligned rectangle thinner than THIN, added as its middle line."""
    xs, ys = {round(p[0], 1) for p in points}, {round(p[1], 1) for p in points}
    if len(points) < 4 or len(xs) != 2 or len(ys) != 2:
        return False
    (x0, x1), (y0, y1) = sorted(xs), sorted(ys)
    if y1 - y0 < THIN <= x1 - x0:
        drawing.across.append(Rule((y0 + y1) / 2, x0, x1))
    elif x1 - x0 < THIN <= y1 - y0:
        drawing.down.append(Rule((x0 + x1) / 2, y0, y1))
    else:
        return False
    return True


def _add(drawing: Drawing, x0: float, y0: float, x1: float, y1: float) -> None:
    if abs(y1 - y0) < STRAIGHT and abs(x1 - x0) >= STRAIGHT:
        drawing.across.append(Rule((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x1 - x0) < STRAIGHT and abs(y1 - y0) >= STRAIGHT:
        drawing.down.append(Rule((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


def _times(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix of `inner` applied first, then `outer` (PDF's row-vector order)."""
    a, b, c, d, e, f = inner
    p, q, r, s, t, u = outer
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)
