"""PDFs with a text layer read into the same blocks as a .docx: the two examples printed
by LibreOffice read cell for cell as their data files and check clean, a changed cell
is caught and named; table 三 drawn by another tool (reportlab: ruled lines, merged
cells, wrapped labels, a label one character per line, blank cells, a page break with
or without the header repeated) reads as drawn; scans, encrypted and broken PDFs are
refused with a Chinese line."""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path

import pdfmake
import pytest
from click.testing import CliRunner
from handmade import T3
from helpers import EXAMPLES, paragraphs

from nianbao.cli import main
from nianbao.datafile.reader import load_report
from nianbao.reading.document import read_blocks, read_file
from nianbao.sources import read_source
from nianbao.sources.blocks import Grid, ParagraphBlock, TableBlock
from nianbao.sources.pdf import BOMB, ENCRYPTED, SCAN, TOO_MANY_PAGES, UnreadablePdf
from nianbao.writing.document import compiled_template, render_report

EXAMPLE_NAMES = ("pingtan-2021", "jingdezhen-2023")
CHANGED = "changed"  # pingtan with 表三 一、本年新收 自然人 typed 65 instead of 64

needs_libreoffice = pytest.mark.skipif(not shutil.which("soffice"),
                                       reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The examples (and the changed one) rendered and printed to PDF by LibreOffice,
    in one soffice call."""
    from nianbao.sources.libreoffice import find_soffice, run_soffice

    folder = tmp_path_factory.mktemp("printed")
    documents = []
    for name in EXAMPLE_NAMES:
        report = load_report(EXAMPLES / f"{name}.yaml")
        path = folder / f"{name}.docx"
        path.write_bytes(render_report(report, compiled_template(None, report.form.version)))
        documents.append(path)
    _change_cell(documents[0], folder / f"{CHANGED}.docx", b">64</w:t>", b">65</w:t>")
    documents.append(folder / f"{CHANGED}.docx")
    error = run_soffice(find_soffice(), documents, "pdf", folder / "profile", folder)
    assert error is None, error
    return {d.stem: d.with_suffix(".pdf") for d in documents}


def _change_cell(source: Path, target: Path, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w") as out:
        for info in package.infolist():
            data = package.read(info)
            if info.filename == "word/document.xml":
                assert data.count(old) == 1
                data = data.replace(old, new)
            out.writestr(info, data)


@needs_libreoffice
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_a_printed_report_reads_as_its_data_file(printed: dict[str, Path], name: str) -> None:
    start = time.perf_counter()
    read = read_file(printed[name])
    seconds = time.perf_counter() - start
    data = load_report(EXAMPLES / f"{name}.yaml")
    assert set(read.tables) == set(data.tables)
    for tid, cells in data.tables.items():
        assert read.tables[tid] == cells, tid
    assert seconds < 10  # 6–7 pages: about a second on the build machine


@needs_libreoffice
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_a_printed_report_checks_clean(printed: dict[str, Path], name: str) -> None:
    result = CliRunner().invoke(main, ["check", str(printed[name])])
    assert result.exit_code == 0, result.output
    assert "通过（" in result.output and "0 个错误，0 个警告" in result.output


@needs_libreoffice
def test_a_changed_cell_is_caught_and_named(printed: dict[str, Path]) -> None:
    result = CliRunner().invoke(main, ["check", str(printed[CHANGED])])
    assert result.exit_code == 1
    assert ("可能填错的格：表三 “一、本年新收政府信息公开申请数量” “自然人” 填的是 65，若为 64"
            in result.output)
    assert ("[R3.1] 表三 “一、本年新收政府信息公开申请数量” “总计”：应为 71，实为 70"
            in result.output)


@needs_libreoffice
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_a_printed_report_has_the_documents_paragraphs(printed: dict[str, Path],
                                                       name: str) -> None:
    """Lines joined into the paragraphs of the .docx, page numbers dropped."""
    blocks = read_source(printed[name])
    texts = [b.text for b in blocks if isinstance(b, ParagraphBlock)]
    assert texts == paragraphs(printed[name].with_suffix(".docx"))


@needs_libreoffice
def test_page_numbers_are_dropped_and_paragraphs_joined(printed: dict[str, Path]) -> None:
    blocks = read_source(printed["pingtan-2021"])
    texts = [b.text for b in blocks if isinstance(b, ParagraphBlock)]
    assert texts[0] == "平潭综合实验区2021年度政府信息公开工作年度报告"  # a title on two lines
    assert not any("—" in t and any(c.isdigit() for c in t) and len(t) < 10 for t in texts)
    assert "一、总体情况" in texts and texts[-2:] == ["平潭综合实验区管理委员会", "2022年1月28日"]
    opening = next(t for t in texts if t.startswith("根据《中华人民共和国政府信息公开条例》"))
    assert opening.endswith("电话/传真：0591-23165370。")  # one paragraph over many lines
    assert sum(isinstance(b, TableBlock) for b in blocks) == 5  # 二 and 三 over two pages


# table 三 drawn by another tool


def layout(grid: Grid) -> set[tuple[int, int, int, int, str]]:
    return {(*cell.origin, cell.row_span, cell.col_span, cell.text)
            for cell in grid.origins()}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("drawn") / "drawn.pdf"
    pdfmake.report_pdf(path)
    return path


def test_drawn_table_three_has_its_merged_cells(drawn: Path) -> None:
    blocks = read_source(drawn)
    grids = [b.grid for b in blocks if isinstance(b, TableBlock)]
    assert len(grids) == 2  # one per page
    header = set(pdfmake.table_three_header())
    first = layout(grids[0])
    assert header <= first
    body = {(r + 3, c, h, w, text) for r, c, h, w, text in pdfmake.table_three_body(T3[:16])}
    assert first == header | body
    # wrapped in its cell, and set one character per line: joined without spaces
    assert (6, 1, 1, 2, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）") in first
    assert (5, 0, 14, 1, "三、本年度办理结果") in first
    second = layout(grids[1])
    body = {(r + 3, c, h, w, " ".join(text.split()))  # drawn spaces: one space
            for r, c, h, w, text in pdfmake.table_three_body(T3[16:], continued=True)}
    assert second == header | body
    assert any(area[:2] == (3, 0) and area[4] == "" for area in second)  # 三 continued
    wrapped = "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    assert (3 + 20 - 16, 2, 1, 1, wrapped) in second  # on three lines
    texts = [b.text for b in blocks if isinstance(b, ParagraphBlock)]
    assert texts == ["某局2021年度政府信息公开工作年度报告",
                          "三、收到和处理政府信息公开申请情况",
                          "四、政府信息公开行政复议、行政诉讼情况"]  # no page numbers


@pytest.mark.parametrize("repeat_header", [True, False])
@pytest.mark.parametrize("split", [5, 16, 19])
def test_drawn_table_three_split_over_pages_reads_whole(tmp_path: Path, repeat_header: bool,
                                                        split: int) -> None:
    path = tmp_path / "t.pdf"
    pdfmake.report_pdf(path, split=split, repeat_header=repeat_header)
    read = read_blocks(read_source(path))
    values = [v for _, row in T3 for v in row]
    assert [read.tables["t3"][cell] for cell in read.tables["t3"]] == values


def test_blank_cells_stay_blank_and_are_named(tmp_path: Path) -> None:
    rows = [(labels, list(values)) for labels, values in T3]
    rows[0][1][6] = None  # 一、本年新收 总计 left blank
    path = tmp_path / "t.pdf"
    pdfmake.report_pdf(path, rows=rows)  # type: ignore[arg-type]
    grid = next(b.grid for b in read_source(path) if isinstance(b, TableBlock))
    assert grid.text(3, 9) == "" and grid.text(3, 8) == "4"
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "表三 “一、本年新收政府信息公开申请数量” “总计”" in result.output


# refused


def test_a_scan_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    pdfmake.scan_pdf(path)
    with pytest.raises(UnreadablePdf) as caught:
        read_source(path)
    assert str(caught.value) == SCAN
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert "是扫描件或图片：nianbao 不从图片中猜测数字" in result.output


def test_an_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.pdf"
    pdfmake.encrypted_pdf(path)
    with pytest.raises(UnreadablePdf) as caught:
        read_source(path)
    assert str(caught.value) == ENCRYPTED


@pytest.mark.parametrize("data", [b"%PDF-1.4\n", b"not a pdf at all", b""])
def test_a_broken_pdf_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(UnreadablePdf, match=r"^PDF 文件已损坏或不是 PDF（"):
        read_source(path)


def test_a_truncated_report_is_refused_or_read_in_part(drawn: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(drawn.read_bytes()[:3000])
    try:
        read_source(path)
    except UnreadablePdf as exc:
        assert "PDF" in str(exc)


def test_a_missing_pdf_is_named(tmp_path: Path) -> None:
    with pytest.raises(UnreadablePdf, match="找不到文件"):
        read_source(tmp_path / "none.pdf")


def test_hostile_pdfs_are_refused_quickly(tmp_path: Path) -> None:
    cases = {"pages.pdf": (pdfmake.many_pages_pdf(10_000), TOO_MANY_PAGES),
             "bomb.pdf": (pdfmake.bomb_pdf(), BOMB),
             "damaged-bomb.pdf": (pdfmake.bomb_pdf(corrupt=True), BOMB)}
    for name, (data, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        start = time.perf_counter()
        with pytest.raises(UnreadablePdf) as caught:
            read_source(path)
        assert str(caught.value) == message
        assert time.perf_counter() - start < 10, name
    path = tmp_path / "deep.pdf"
    path.write_bytes(pdfmake.deep_pdf(5_000))
    with pytest.raises(UnreadablePdf, match="PDF"):
        read_source(path)


@pytest.mark.parametrize("angle", [90, -90])
def test_a_label_printed_turned_reads_along_its_direction(tmp_path: Path, angle: int) -> None:
    path = tmp_path / "turned.pdf"
    pdfmake.turned_pdf(path, angle)
    grid = next(b.grid for b in read_source(path) if isinstance(b, TableBlock))
    assert layout(grid) == {(0, 0, 2, 1, "三、本年度办理结果"), (0, 1, 1, 1, "12"),
                            (1, 1, 1, 1, "34")}


@pytest.mark.parametrize("way", [1, -1])
def test_text_turned_on_its_side_reads_along_it(way: int) -> None:
    """A label set sideways in a narrow cell: read in its direction, its lines in order
    across (turned clockwise, the first line is the rightmost)."""
    from nianbao.sources.pdf.drawing import Char as _Char
    from nianbao.sources.pdf.layout import _text

    lines = ["三、本年度", "办理结果"]
    chars = []
    for n, line in enumerate(lines):
        x = 100 - 10 * n * way
        for k, char in enumerate(line):
            top = 50 + 10 * k if way == 1 else 150 - 10 * k
            chars.append(_Char(char, x, x + 10, top, top + 10, 10, way))
    assert _text(chars) == "三、本年度办理结果"


@pytest.mark.parametrize(("borders", "placed"), [("rects", False), ("lines", True),
                                                  ("rects", True)])
def test_borders_as_thin_boxes_and_tables_placed_as_forms_read_alike(
        tmp_path: Path, borders: str, placed: bool) -> None:
    """Word and WPS print borders as thin filled rectangles; stamping tools wrap a page
    in a form XObject placed with a matrix: the same cells either way."""
    plain, other = tmp_path / "plain.pdf", tmp_path / "other.pdf"
    pdfmake.report_pdf(plain)
    pdfmake.report_pdf(other, borders=borders, placed=placed)
    grids = [[layout(b.grid) for b in read_source(p) if isinstance(b, TableBlock)]
             for p in (plain, other)]
    assert grids[0] == grids[1]
    read = read_blocks(read_source(other))
    assert [read.tables["t3"][cell] for cell in read.tables["t3"]] == [
        v for _, row in T3 for v in row]


@needs_libreoffice
def test_cells_are_the_ones_pdfplumbers_table_finder_finds(printed: dict[str, Path],
                                                           drawn: Path) -> None:
    """The rulings are made into cells by pdfplumber's method on PDFium's segments:
    on LibreOffice's and reportlab's PDFs, the same cells as pdfplumber itself finds."""
    import pdfplumber
    import pypdfium2 as pdfium

    from nianbao.sources.pdf.drawing import draw_page
    from nianbao.sources.pdf.ruling import tables

    for path in [*printed.values(), drawn]:
        document = pdfium.PdfDocument(path)
        with pdfplumber.open(path) as plumbed:
            for number, page in enumerate(plumbed.pages, 1):
                drawing = draw_page(document[number - 1], number, [10**6])
                ours = [sorted(tuple(round(v) for v in cell) for cell in cells)
                        for cells in tables(drawing.across, drawing.down, number)]
                theirs = [sorted(tuple(round(v) for v in cell) for cell in table.cells)
                          for table in page.find_tables()]
                assert ours == theirs, (path.name, number)
        document.close()


def test_pdfs_read_from_several_threads_read_alike(drawn: Path, tmp_path: Path) -> None:
    """PDFium is not thread-safe; a server's threads reading PDFs at once get what one
    thread gets."""
    from concurrent.futures import ThreadPoolExecutor

    other = tmp_path / "other.pdf"
    pdfmake.report_pdf(other, borders="rects", split=5)
    paths = [drawn, other] * 6
    alone = [read_source(p) for p in paths[:2]]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(read_source, paths))
    assert together == alone * 6
