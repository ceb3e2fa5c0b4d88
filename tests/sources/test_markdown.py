"""Copied text whose tables are Markdown tables (`| 一、本年新收… | | | 21 | 0 | … |`,
a `|---|` line under the first row): each row a grid row, a merged area its text in one
cell and empty cells for the rest (or its text repeated), read like any other source.
The copies are made from the examples' rendered reports, so every cell read can be
compared with the data file."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from helpers import EXAMPLES, document_blocks, official_texts, same_report, texts

from nianbao.datafile.reader import load_report
from nianbao.jobs.check import check_file
from nianbao.jobs.importing import import_report
from nianbao.reading.document import read_blocks, read_file
from nianbao.report.model import Report
from nianbao.sources import read_source
from nianbao.sources.blocks import Grid, TableBlock, UnreadableSource
from nianbao.sources.text import NO_TABLES, text_blocks
from nianbao.spec.form import load_form
from nianbao.writing.document import compiled_template, render_report

EXAMPLE_FILES = ["pingtan-2021.yaml", "jingdezhen-2023.yaml"]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", "<br>") for c in cells) + " |"


def markdown(rows: list[list[str]]) -> list[str]:
    """A Markdown table: the first row, the `|---|` line, the other rows."""
    return [_row(rows[0]), "|" + "---|" * len(rows[0]), *(_row(r) for r in rows[1:])]


def _cells(grid: Grid, merged: str) -> list[list[str]]:
    """The grid's texts as a Markdown copy gives them: a merged area's text in its first
    cell and the others `empty`, or its text in every cell (`repeat`); or the cells an
    area spans left out (`dropped`, as the HTML table model has them), or only those it
    spans downward (`rowspans`, the others empty)."""
    if merged == "dropped":
        return [[c.text for c in row if c.is_origin] for row in grid.rows]
    if merged == "rowspans":
        return [[c.text if c.is_origin else "" for c in row if c.origin[0] == r]
                for r, row in enumerate(grid.rows)]
    return [[c.text if c.is_origin or merged == "repeat" else "" for c in row]
            for row in grid.rows]


@cache
def _rendered(name: str) -> tuple[Report, bytes]:
    report = load_report(EXAMPLES / name)
    return report, render_report(report, compiled_template(None, report.form.version))


def copied(name: str, merged: str = "empty") -> str:
    """The example's rendered report copied as text: a line per paragraph, each table
    a Markdown table."""
    lines: list[str] = []
    for block in document_blocks(_rendered(name)[1]):
        if isinstance(block, TableBlock):
            lines += ["", *markdown(_cells(block.grid, merged)), ""]
        elif block.text.strip():
            lines.append(block.text.replace("\n", ""))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("merged", ["empty", "repeat", "dropped", "rowspans"])
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_a_markdown_copy_reads_every_cell_of_the_data(tmp_path: Path, name: str,
                                                       merged: str) -> None:
    path = tmp_path / "copy.txt"
    path.write_text(copied(name, merged), encoding="utf-8")
    report = _rendered(name)[0]
    read = read_file(path)
    for tid, table in report.form.tables.items():
        assert read.tables[tid] == {c.key: report.tables[tid].get(c.key)
                                    for c in table.cells()}, tid
    assert read.findings == []
    same_report(import_report(path).report, report)
    assert check_file(path).findings == []


def test_a_copy_saved_as_md_reads_as_the_same_text_saved_as_txt(tmp_path: Path) -> None:
    text = copied(EXAMPLE_FILES[0], "empty")
    (tmp_path / "copy.md").write_text(text, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(text, encoding="utf-8")
    assert read_source(tmp_path / "copy.md") == read_source(tmp_path / "copy.txt")
    assert check_file(tmp_path / "copy.md").findings == []


def test_the_copy_is_the_grid_word_prints() -> None:
    """Empty cells of a header row are the area of the label to their left (above, in
    the last header row); a row label spans the empty label cells after it."""
    blocks = text_blocks(copied("pingtan-2021.yaml"))
    t3 = [b.grid for b in blocks if isinstance(b, TableBlock)][1]
    word = [g for g in (b.grid for b in document_blocks(_rendered("pingtan-2021.yaml")[1])
                        if isinstance(b, TableBlock))][1]
    assert texts(t3)[:3] == texts(word)[:3]
    assert t3.cell(0, 5).origin == (0, 3) and t3.cell(0, 3).col_span == 7
    assert t3.cell(2, 3).origin == (1, 3)  # 自然人 spans down
    assert t3.cell(3, 2).origin == (3, 0)  # 一、本年新收… spans the label columns
    assert texts(t3)[3][3:] == texts(word)[3][3:]


def test_outer_pipes_escapes_and_emphasis() -> None:
    """Rows without outer "|", an escaped "|" inside a cell, **bold** labels, a blank
    first row (a copy that had no header), a heading mark on a paragraph."""
    form = load_form("2021")
    rows = official_texts(form.tables["t4"], "0")
    rows[3][0] = "1"
    lines = ["## 四、政府信息公开行政复议、行政诉讼情况", " | ".join([""] * 15),
             "|".join(["---"] * 15), *(" | ".join(f"**{t}**" if i < 3 else t for t in row)
                                      for i, row in enumerate(rows))]
    blocks = text_blocks("\n".join(lines))
    assert blocks[0].text == "四、政府信息公开行政复议、行政诉讼情况"  # type: ignore[union-attr]
    grid = next(b.grid for b in blocks if isinstance(b, TableBlock))
    assert texts(grid)[0][0] == "行政复议" and grid.height == 4
    assert texts(grid)[3][:2] == ["1", "0"]
    cells = text_blocks("\n".join(markdown([["a | b", "c"], ["第二十条第（一）项", ""]])))
    assert texts(next(b.grid for b in cells if isinstance(b, TableBlock)))[0] == ["a | b", "c"]


def test_a_blank_cell_stays_blank_and_a_short_row_is_not_guessed() -> None:
    form = load_form("2021")
    rows = official_texts(form.tables["t3"], "0")
    head = form.tables["t3"].header_rows
    rows[head][4] = ""  # 一、本年新收 / 商业企业 left blank
    lines = markdown(rows)
    # （一）予以公开 with its spanned label cells left out: numbers after the label
    lines[head + 3] = _row(["（一）予以公开", *["2"] * 7])
    lines[head + 4] = _row(["（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "5", "5"])
    read = read_blocks(text_blocks("\n".join(lines)))
    t3 = read.tables["t3"]
    assert t3[("received", "commercial")] is None  # blank: the checker names it
    assert t3[("received", "natural")] == 0
    assert t3[("disclosed", "natural")] == t3[("disclosed", "total")] == 2
    assert {t3[("partly_disclosed", c.id)] for c in form.tables["t3"].columns} == {None}
    assert [f.message for f in read.findings if f.table == "表三"] == []


def test_a_markdown_table_of_something_else_is_refused() -> None:
    with pytest.raises(UnreadableSource) as caught:
        text_blocks("会议通知\n\n| 姓名 | 电话 |\n|---|---|\n| 张三 | 123 |\n")
    assert str(caught.value) == NO_TABLES


def test_table_two_as_small_markdown_tables_under_their_titles() -> None:
    """Each 第二十条 item a title line above a small Markdown table (no table alone is
    one of the report's: the reader joins them); a blank value cell stays blank."""
    form = load_form("2021")
    t2 = form.tables["t2"]
    lines = ["二、主动公开政府信息情况"]
    for group in t2.groups:
        rows = [[t2.row_header, *(c.label for c in group.columns)],
                *([row.label, *["7"] * len(group.columns)] for row in group.rows)]
        lines += [group.label, "", *markdown(rows), ""]
    lines[lines.index(_row(["规章", "7", "7", "7"]))] = _row(["规章", "7", "", "7"])
    read = read_blocks(text_blocks("\n".join(lines)))
    assert [f.message for f in read.findings if f.table == "表二"] == []
    assert read.tables["t2"][("rules", "repealed")] is None
    assert read.tables["t2"][("fees", "fee_amount")] == 7
    assert sum(v == 7 for v in read.tables["t2"].values()) == 9


def test_a_huge_markdown_table_is_refused() -> None:
    wide = markdown([["第二十条第（一）项", *(f"列{i}" for i in range(2000))], ["1"] * 2001])
    with pytest.raises(UnreadableSource) as caught:
        text_blocks("\n".join(wide))
    assert str(caught.value).startswith("文本中的表格过大（表格列数超过 1000 列）")
    long = markdown([["信息内容", "本年制发件数"], *[["规章", "1"]] * 20_001])
    with pytest.raises(UnreadableSource) as caught:
        text_blocks("\n".join(long))
    assert "表格行数超过 20000 行" in str(caught.value)
