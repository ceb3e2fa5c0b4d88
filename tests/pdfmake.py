"""PDFs made for the PDF reader's tests, as tools other than LibreOffice make them:
table 三 drawn line by line with reportlab (merged cells, labels wrapped in their cell,
a label set one character per line, blank cells, a page break inside the table with
or without the header repeated), a scan (a page that is only a picture), an encrypted
file, and hostile files (thousands of pages, a deflate bomb, nesting)."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from handmade import T3, T3_COLUMNS
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"  # a CID font every PDF viewer has; not embedded
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
WIDTH, HEIGHT = A4
LEFT, TOP = 60.0, 100.0
COLUMNS = [16.0, 56.0, 150.0, *([34.0] * 7)]  # three label columns, seven counts
SIZE = 8.0  # points of table text
ROW = 30.0  # points of a data row
HEADER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# (top row, left column, rows, columns, text)
Area = tuple[int, int, int, int, str]


def table_three_header() -> list[Area]:
    return [(0, 0, 3, 3, HEADER), (0, 3, 1, 7, "申请人情况"), (1, 3, 2, 1, "自然人"),
            (1, 4, 1, 5, "法人或其他组织"), (1, 9, 2, 1, "总计"),
            *[(2, c, 1, 1, label) for c, label in enumerate(T3_COLUMNS[1:6], start=4)]]


def table_three_body(rows: list[tuple[list[str], list[int | None]]],
                     continued: bool = False) -> list[Area]:
    """The official layout: 三 one cell down its rows, each group label down its
    items, a label of one or two levels across the label columns. A part continued
    from the page before leaves the cell of 三 blank, as word processors print it."""
    areas: list[Area] = []
    for i, (labels, values) in enumerate(rows):
        r = i
        first = i == 0 or rows[i - 1][0][0] != labels[0]
        if len(labels) == 1:
            areas.append((r, 0, 1, 3, labels[0]))
        else:
            if first:
                count = sum(1 for _ in _run(rows, i, 0))
                areas.append((r, 0, count, 1, "" if continued and i == 0 else labels[0]))
            if len(labels) == 2:
                areas.append((r, 1, 1, 2, labels[1]))
            else:
                if i == 0 or rows[i - 1][0][:2] != labels[:2]:
                    areas.append((r, 1, sum(1 for _ in _run(rows, i, 1)), 1, labels[1]))
                areas.append((r, 2, 1, 1, labels[2]))
        areas += [(r, c, 1, 1, "" if v is None else str(v)) for c, v in enumerate(values, 3)]
    return areas


def _run(rows: list[tuple[list[str], list[int | None]]], start: int, level: int):  # type: ignore[no-untyped-def]
    labels = rows[start][0]
    for labels_below, _ in rows[start:]:
        if len(labels_below) <= level or labels_below[: level + 1] != labels[: level + 1]:
            return
        yield labels_below


def _wrapped(text: str, width: float) -> list[str]:
    per_line = max(1, int((width - 4) // SIZE))
    return [text[i:i + per_line] for i in range(0, len(text), per_line)] or [""]


BORDERS = ("lines", "rects")


def draw_table(page: canvas.Canvas, areas: list[Area], top: float,
               borders: str = "lines") -> float:
    """Draws areas as ruled cells from `top` (points from the page's top); each cell's
    four sides are lines of their own (as many tools draw them), or with borders="rects"
    thin filled rectangles (as Word and WPS print borders); returns the bottom."""
    xs = [LEFT]
    for width in COLUMNS:
        xs.append(xs[-1] + width)
    rows = max(r + h for r, _, h, _, _ in areas)
    ys = [top + ROW * i for i in range(rows + 1)]
    page.setFont(FONT, SIZE)
    for r, c, h, w, text in areas:
        x0, x1, y0, y1 = xs[c], xs[c + w], ys[r], ys[r + h]
        for a, b, d, e in ((x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1),
                           (x1, y0, x1, y1)):
            if borders == "rects":
                page.rect(a - 0.25, HEIGHT - e - 0.25, d - a + 0.5, e - b + 0.5,
                          stroke=0, fill=1)
            else:
                page.line(a, HEIGHT - b, d, HEIGHT - e)
        lines = _wrapped(text, x1 - x0)
        first = (y0 + y1) / 2 - (len(lines) - 1) * (SIZE + 1) / 2 + SIZE / 3
        for k, line in enumerate(lines):
            page.drawCentredString((x0 + x1) / 2, HEIGHT - (first + k * (SIZE + 1)), line)
    return ys[-1]


def report_pdf(path: Path, rows: list[tuple[list[str], list[int | None]]] | None = None,
               split: int = 16, repeat_header: bool = True, borders: str = "lines",
               placed: bool = False) -> None:
    """A PDF with table 三 (handmade.T3 unless rows are given) under its heading,
    broken after `split` data rows onto a second page, the header repeated or not;
    `borders` as draw_table; `placed`: the first page's table drawn once as a form
    XObject and placed shifted (as stamping and imposing tools wrap a page)."""
    rows = T3 if rows is None else rows
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont(FONT, 16)
    page.drawCentredString(WIDTH / 2, HEIGHT - 40, "某局2021年度政府信息公开工作年度报告")
    page.drawString(LEFT, HEIGHT - TOP + 8, "三、收到和处理政府信息公开申请情况")
    body = table_three_body(rows[:split])
    areas = [*table_three_header(), *[(r + 3, *a) for r, *a in body]]
    if placed:
        page.beginForm("table", 0, 0, WIDTH, HEIGHT)
        draw_table(page, areas, TOP + 30, borders)
        page.endForm()
        page.saveState()
        page.translate(0, 20)  # the form drew 20 points lower
        page.doForm("table")
        page.restoreState()
    else:
        draw_table(page, areas, TOP + 10, borders)
    page.setFont(FONT, 10)
    page.drawCentredString(WIDTH / 2, 40, "— 1 —")
    page.showPage()
    offset = 3 if repeat_header else 0
    body = table_three_body(rows[split:], continued=True)
    areas = [*(table_three_header() if repeat_header else []),
             *[(r + offset, *a) for r, *a in body]]
    bottom = draw_table(page, areas, TOP, borders)
    page.setFont(FONT, 16)
    page.drawString(LEFT, HEIGHT - bottom - 40, "四、政府信息公开行政复议、行政诉讼情况")
    page.setFont(FONT, 10)
    page.drawCentredString(WIDTH / 2, 40, "— 2 —")
    page.showPage()
    page.save()


def turned_pdf(path: Path, angle: int) -> None:
    """A small table whose tall merged first cell holds its label turned by `angle`
    degrees (90: reads upward, -90: downward), as some reports set 三、本年度办理结果."""
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont(FONT, 10)
    xs, ys = [60, 90, 300], [700, 600, 500]
    for x in xs:
        page.line(x, ys[0], x, ys[-1])
    page.line(xs[0], ys[0], xs[-1], ys[0])
    page.line(xs[1], ys[1], xs[-1], ys[1])  # the first column is one cell
    page.line(xs[0], ys[-1], xs[-1], ys[-1])
    page.saveState()
    page.translate(*((78, 515) if angle == 90 else (72, 685)))
    page.rotate(angle)
    page.drawString(0, 0, "三、本年度办理结果")
    page.restoreState()
    page.drawString(100, 650, "12")
    page.drawString(100, 550, "34")
    page.showPage()
    page.save()


def scan_pdf(path: Path) -> None:
    """A page that is only a picture of text, as a scanner makes it."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(image).text((50, 50), "2021 report 64 0 0 2 0 4 70", fill=0)
    page = canvas.Canvas(str(path), pagesize=A4)
    page.drawImage(ImageReader(image), 0, 0, WIDTH, HEIGHT)
    page.showPage()
    page.save()


def encrypted_pdf(path: Path) -> None:
    page = canvas.Canvas(str(path), pagesize=A4, encrypt="secret")
    page.setFont(FONT, 12)
    page.drawString(LEFT, 700, "某局2021年度政府信息公开工作年度报告")
    page.showPage()
    page.save()


def many_pages_pdf(pages: int) -> bytes:
    """A PDF of many empty pages, written directly (reportlab would take its time)."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Count {pages} /Kids [{kids}] >>".encode()]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    return _pdf(objects)


def bomb_pdf(corrupt: bool = False) -> bytes:
    """One page whose content stream inflates from about 1 MB to 1 GiB; corrupt: with
    a wrong checksum, which sends pdfminer down its fallback for damaged streams."""
    deflater = zlib.compressobj(9)
    chunk = b" " * (16 * 1024 * 1024)
    stream = b"".join(deflater.compress(chunk) for _ in range(64)) + deflater.flush()
    if corrupt:
        stream = stream[:-4] + bytes(4)
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                 b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
                 + b"\nendstream"])


def xref_bomb_pdf() -> bytes:
    """A PDF whose cross-reference stream (read before any page) inflates to 1 GiB:
    PDFium would take 2 GB of memory just to open it."""
    deflater = zlib.compressobj(9)
    chunk = bytes(16 * 1024 * 1024)
    stream = b"".join(deflater.compress(chunk) for _ in range(64)) + deflater.flush()
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    for number, body in enumerate([b"<< /Type /Catalog /Pages 2 0 R >>",
                                   b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
                                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"],
                                  1):
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    start = out.tell()
    out.write(b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
              b"/Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream\nendobj\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % start)
    return out.getvalue()


def deep_pdf(depth: int) -> bytes:
    """A page tree nested `depth` levels deep, then arrays nested as deep in a page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        objects.append(f"<< /Type /Pages /Count 1 /Kids [{3 + level} 0 R] >>".encode())
    objects.append(b"<< /Type /Page /MediaBox [0 0 595 842] /X " + b"[" * depth
                   + b"]" * depth + b" >>")
    return _pdf(objects)


def ruled_pdf(lines: int) -> bytes:
    """One page of `lines` horizontal and as many vertical lines: a grid the table
    finder would pair up line by line."""
    step = 800 / lines
    content = b"".join(b"0 %.3f m 595 %.3f l S %.3f 0 m %.3f 842 l S\n"
                       % (i * step, i * step, i * step * 0.7, i * step * 0.7)
                       for i in range(lines))
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                 b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"])


def _pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    start = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, start))
    return out.getvalue()
