"""Copied text: a report copied from its web page, one paragraph a line and one cell a
line ending in " |", becomes paragraphs and grids laid out on the official tables, which
the reader reads back like any other source."""

from __future__ import annotations

import pytest
from helpers import texts

from nianbao.reading.document import read_blocks
from nianbao.sources.blocks import ParagraphBlock, TableBlock, UnreadableSource
from nianbao.sources.text import NO_TABLES, text_blocks
from nianbao.spec.form import load_form
from nianbao.spec.tables import COLUMN_HEADER, CORNER

FORM = load_form("2021")
OUTCOMES = ["结果维持 |", "结果纠正 |", "其他结果 |", "尚未审结 |", "总计 |"]
# table 四 as copied: the header cells in reading order, then the fifteen numbers
T4_COPY = ["行政复议 | | | | |", "行政诉讼 | | | | | | | | | |", *OUTCOMES,
           "未经复议直接起诉 | | | | |", "复议后起诉 | | | | |", *OUTCOMES, *OUTCOMES,
           *[f"{n} |" for n in (1, 0, 0, 1, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 3)]]


def _t3_copy(skip: str = "", variants: dict[str, str] | None = None) -> list[str]:
    """Table 三 as copied: the header's cells, then each row's labels and its seven
    numbers (1 in 自然人 and the total of rows 一 and （一）, 0 elsewhere)."""
    table = FORM.tables["t3"]
    lines = [f"{a.text} |" for a in table.areas() if a.role in (CORNER, COLUMN_HEADER)]
    groups_done: set[str] = set()
    for row in table.rows:
        for group in row.path[:-1]:
            if group not in groups_done:
                groups_done.add(group)
                lines.append(f"{group} |")
        if row.id == skip:
            continue
        lines.append(f"{(variants or {}).get(row.label, row.label)} |")
        one = row.id in ("received", "disclosed", "results_total", "carried_forward")
        lines += [f"{int(one) if c.id in ('natural', 'total') else 0} |" for c in table.columns]
    return lines


def _tables(blocks: list) -> list:
    return [b.grid for b in blocks if isinstance(b, TableBlock)]


def test_paragraphs_and_tables_in_reading_order() -> None:
    blocks = text_blocks("\n".join(["某机关2024年度政府信息公开工作年度报告", "",
                                    "四、政府信息公开行政复议、行政诉讼情况", *T4_COPY,
                                    "五、存在的主要问题及改进情况"]))
    assert [type(b).__name__ for b in blocks] == ["ParagraphBlock"] * 2 + ["TableBlock",
                                                                           "ParagraphBlock"]
    assert blocks[0] == ParagraphBlock("某机关2024年度政府信息公开工作年度报告", None)
    grid = _tables(blocks)[0]
    assert (grid.height, grid.width) == (4, 15)  # the official layout of table 四
    assert texts(grid)[0] == ["行政复议"] * 5 + ["行政诉讼"] * 10
    assert texts(grid)[3] == ["1", "0", "0", "1", "2"] + ["0"] * 5 + ["3", "0", "0", "0", "3"]
    assert grid.cell(0, 7).origin == (0, 5) and grid.cell(0, 7).col_span == 10


def test_what_is_copied_reads_back_as_the_report_says() -> None:
    heading = "四、政府信息公开行政复议、行政诉讼情况"  # between the two runs of cells
    read = read_blocks(text_blocks("\n".join([*_t3_copy(), heading, *T4_COPY])))
    t3, t4 = read.tables["t3"], read.tables["t4"]
    assert t3[("received", "natural")] == t3[("results_total", "total")] == 1
    assert t3[("withheld_state_secret", "legal")] == 0
    assert len(t3) == 25 * 7
    assert (t4[("-", "review.upheld")], t4[("-", "review.total")],
            t4[("-", "suit_after_review.total")]) == (1, 2, 3)
    assert [f.message for f in read.findings if f.table in ("表三", "表四")] == []


def test_a_row_missing_from_the_copy_is_named() -> None:
    blocks = text_blocks("\n".join(_t3_copy(skip="not_processed_repeated")))
    grid = _tables(blocks)[0]
    assert grid.height == 3 + 24
    group = next(c for c in grid.origins() if c.text == "（五）不予处理")
    assert group.row_span == 4  # the group's area spans the rows that are there
    read = read_blocks(blocks)
    assert [f.message for f in read.findings if f.table == "表三"] == [
        "表三缺少“三、本年度办理结果 > （五）不予处理 > 2.重复申请”行"]
    assert ("not_processed_repeated", "natural") not in read.tables["t3"]


def test_a_label_copied_in_another_writing_is_a_label_warning() -> None:
    blocks = text_blocks("\n".join(_t3_copy(variants={"（一）予以公开": "(一)予以公开"})))
    assert [c.text for c in _tables(blocks)[0].origins()
                               if c.text.endswith("予以公开")] == ["(一)予以公开"]
    read = read_blocks(blocks)
    found = [(f.rule, f.severity, f.message) for f in read.findings if f.table == "表三"]
    assert found == [("L", "warning", "表三中的“(一)予以公开”与正式格式的“（一）予以公开”写法不同")]
    assert read.tables["t3"][("disclosed", "natural")] == 1


def test_text_without_report_tables_is_refused() -> None:
    with pytest.raises(UnreadableSource) as caught:
        text_blocks("会议通知\n姓名 |\n电话 |\n")
    assert str(caught.value) == NO_TABLES == \
        "文本中没有找到年报的表格（每格一行、以“ |”结尾，或 Markdown 表格）"
