"""Table 二 as real reports draw it: each 第二十条 item's title a paragraph (bold in
Word, a heading or a caption on a web page) above a small table of its own, the title
in the small table's first row instead, or no header row after the first small table.
Each reads as the one table with title rows the official format prints; other prose
that names 第二十条 stays prose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from handmade import T2, TABLE_TWO_LAYOUTS, handmade_report
from helpers import EXAMPLES, official_texts, text_grid

from nianbao.datafile.reader import load_report
from nianbao.jobs.check import check_file
from nianbao.jobs.importing import import_report
from nianbao.reading.document import read_blocks, read_file
from nianbao.report.model import Report
from nianbao.sources.blocks import Block, Grid, ParagraphBlock, TableBlock
from nianbao.spec.form import load_form
from nianbao.spec.tables import Table
from nianbao.writing.webpage import render_page


def _groups(table: Table) -> list[tuple[str, list[str], list[list[str]]]]:
    """Table 二 group by group, (title, header row, data rows), every cell a number of
    its own, so that a cell read from the wrong place shows."""
    numbers = iter(range(1, 100))
    return [(g.label, [table.row_header, *(c.label for c in g.columns)],
             [[row.label, *(str(next(numbers)) for _ in g.columns)] for row in g.rows])
            for g in table.groups]


def _expected(table: Table) -> dict[tuple[str, str], int]:
    numbers = iter(range(1, 100))
    return {(row.id, column.id): next(numbers) for g in table.groups for row in g.rows
            for column in g.columns}


def _report(version: str, table_two: list[Block]) -> list[Block]:
    """The headings and tables 三 and 四 of a report around blocks standing for 二."""
    form = load_form(version)
    headings = [ParagraphBlock(s.heading, None) for s in form.sections]
    return [*headings[:2], *table_two, headings[2],
            TableBlock(text_grid(official_texts(form.tables["t3"]))), headings[3],
            TableBlock(text_grid(official_texts(form.tables["t4"]))), *headings[4:]]


def _titled_tables(version: str, headers: str = "every") -> list[Block]:
    """A title paragraph above a small table per group; `headers` "first": only the
    first small table has a header row."""
    blocks: list[Block] = []
    for i, (title, header, rows) in enumerate(_groups(load_form(version).tables["t2"])):
        blocks.append(ParagraphBlock(title, None))
        blocks.append(TableBlock(text_grid([header, *rows] if i == 0 or headers == "every"
                                           else rows)))
    return blocks


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_title_paragraphs_above_small_tables_read_as_title_rows(version: str) -> None:
    read = read_blocks(_report(version, _titled_tables(version)))
    assert read.findings == []
    assert read.tables["t2"] == _expected(load_form(version).tables["t2"])
    assert not any("第二十条" in p for p in read.paragraphs)  # titles, not prose


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_small_tables_with_their_title_in_the_first_row(version: str) -> None:
    parts: list[Block] = []
    for title, header, rows in _groups(load_form(version).tables["t2"]):
        parts += [TableBlock(text_grid([[title] * len(header), header, *rows])),
                  ParagraphBlock("", None)]  # the blank line Word needs between tables
    read = read_blocks(_report(version, parts))
    assert read.findings == []
    assert read.tables["t2"] == _expected(load_form(version).tables["t2"])


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_small_tables_without_a_header_row_are_read_in_the_official_order(
        version: str) -> None:
    table = load_form(version).tables["t2"]
    read = read_blocks(_report(version, _titled_tables(version, headers="first")))
    assert read.tables["t2"] == _expected(table)
    assert [f.message for f in read.findings] == [
        f"表二的“{g.label}”没有“信息内容”表头行，按正式格式的列序读取" for g in table.groups[1:]]
    assert {f.severity for f in read.findings} == {"warning"}


def test_a_headerless_row_with_more_cells_than_columns_is_not_guessed() -> None:
    blocks = _titled_tables("2021", headers="first")
    blocks[3] = TableBlock(text_grid([["行政许可", "5", "6"]]))  # 第二十条第（五）项: 1 column
    read = read_blocks(_report("2021", blocks))
    assert ("licensing", "decisions") not in read.tables["t2"]
    assert "表二缺少“行政许可”的“本年处理决定数量”" in [f.message for f in read.findings]


def test_running_text_naming_an_item_stays_prose() -> None:
    mention = "依据条例第二十条第（一）项，本年度制发规章0件。"
    blocks = _report("2021", [ParagraphBlock(mention, None), ParagraphBlock(
        "第二十条第（五）项", None), *_titled_tables("2021")])
    blocks.insert(1, ParagraphBlock("第二十条第（六）项", None))  # a title above no table
    read = read_blocks(blocks)
    assert read.tables["t2"] == _expected(load_form("2021").tables["t2"])
    assert read.text["proactive"] == [mention, "第二十条第（五）项"]
    assert read.text[load_form("2021").sections[0].id] == ["第二十条第（六）项"]


# -- documents made by hand, read end to end ----------------------------------------


@pytest.fixture(scope="module")
def pingtan() -> Report:
    return load_report(EXAMPLES / "pingtan-2021.yaml")


def _same_table_two(path: Path, pingtan: Report, warnings: int) -> None:
    """`check` reads every cell of 表二 with no error; `import` gives its values."""
    result = check_file(path)
    assert result.errors == []
    assert len([f for f in result.warnings if f.table == "表二"]) == warnings
    assert read_file(path).tables["t2"] == pingtan.tables["t2"]
    assert import_report(path).report.tables["t2"] == pingtan.tables["t2"]


@pytest.mark.parametrize("layout", TABLE_TWO_LAYOUTS)
def test_a_word_document_with_table_two_drawn_by_hand(tmp_path: Path, pingtan: Report,
                                                     layout: str) -> None:
    path = tmp_path / f"{layout}.docx"
    path.write_bytes(handmade_report(table_two=layout))
    _same_table_two(path, pingtan, 3 if layout == "headerless" else 0)
    assert read_file(path).tables == pingtan.tables


def _small_tables(title: str) -> str:
    """Table 二 as a web page of an office's site draws it: per item a title (`title`
    formats it) and a small table."""
    html = []
    for label, header, rows in T2:
        cells = "".join("<tr>" + "".join(f"<td>{t}</td>" for t in row) + "</tr>"
                        for row in [header, *rows])
        if title == "caption":
            html.append(f"<table border='1'><caption>{label}</caption>{cells}</table>")
        else:
            html.append(title.format(label) + f"<table border='1'>{cells}</table>")
    return "\n".join(html)


@pytest.mark.parametrize("title", ["<h3>{}</h3>", "<p><strong>{}</strong></p>", "caption"])
def test_a_web_page_with_a_small_table_per_item(tmp_path: Path, pingtan: Report,
                                                title: str) -> None:
    page = render_page(pingtan).decode()
    page, count = re.subn(r'<div class="table-wrap"[^>]*><table class="t2".*?</table></div>',
                          lambda _: _small_tables(title), page, flags=re.S)
    assert count == 1
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    _same_table_two(path, pingtan, 0)


def test_a_title_above_an_empty_table_or_a_table_with_an_empty_first_row() -> None:
    blocks = _report("2021", [ParagraphBlock("第二十条第（一）项", None), TableBlock(Grid([])),
                              TableBlock(Grid([[]])), *_titled_tables("2021")])
    read = read_blocks(blocks)
    assert read.tables["t2"] == _expected(load_form("2021").tables["t2"])
