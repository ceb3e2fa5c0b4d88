"""Finding the report in a document's blocks: which table is which by its labels, a
table split in two read as one, a table that is not there named."""

from __future__ import annotations

import pytest
from helpers import official_texts, text_grid

from nianbao.errors import UNUSABLE
from nianbao.reading.document import read_blocks, read_document_xml
from nianbao.reading.model import NotAReport
from nianbao.sources.blocks import ParagraphBlock, TableBlock
from nianbao.spec.form import load_form

FORM = load_form("2021")
HEADINGS = [s.heading for s in FORM.sections]


def _table(tid: str, value: str = "0", version: str = "2021") -> TableBlock:
    return TableBlock(text_grid(official_texts(load_form(version).tables[tid], value)))


def _paragraphs(*texts: str) -> list[ParagraphBlock]:
    return [ParagraphBlock(t, None) for t in texts]


def test_the_tables_are_placed_by_their_labels_in_any_order() -> None:
    blocks = [*_paragraphs(*HEADINGS[:3]), _table("t4", "4"), _table("t2", "2"),
              _table("t3", "3"), *_paragraphs(*HEADINGS[3:])]
    read = read_blocks(blocks)
    assert read.form.version == "2021"
    assert {tid: set(values.values()) for tid, values in read.tables.items()} == {
        "t2": {2}, "t3": {3}, "t4": {4}}
    assert read.findings == []


def test_a_2019_report_is_read_with_the_2019_form() -> None:
    read = read_blocks([*_paragraphs(*HEADINGS), *(_table(t, "1", "2019")
                                                   for t in ("t2", "t3", "t4"))])
    assert read.form.version == "2019"
    assert read.tables["t2"][("procurement", "procurement_amount")] == 1
    assert read.findings == []


def test_a_table_split_in_two_is_read_as_one() -> None:
    rows = official_texts(FORM.tables["t3"], "1")
    head = FORM.tables["t3"].header_rows
    first, second = text_grid(rows[:head + 12]), text_grid(rows[:head] + rows[head + 12:])
    read = read_blocks([*_paragraphs(*HEADINGS), _table("t2"), TableBlock(first),
                        ParagraphBlock("（续表）", None), TableBlock(second), _table("t4")])
    assert len(read.tables["t3"]) == 25 * 7 and set(read.tables["t3"].values()) == {1}
    assert read.findings == []


def test_a_missing_table_is_named_with_its_section() -> None:
    read = read_blocks([*_paragraphs(*HEADINGS), _table("t3"), _table("t4")])
    assert read.tables["t2"] == {}
    assert [(f.rule, f.severity, f.message) for f in read.findings] == [
        ("S", "error", "缺少表二（二、主动公开政府信息情况）")]


def test_blocks_without_report_tables_are_not_a_report() -> None:
    with pytest.raises(NotAReport) as caught:
        read_blocks([*_paragraphs("会议通知"), TableBlock(text_grid([["姓名", "电话"]]))])
    assert str(caught.value) == "文档中没有找到年报的表格（二、三、四部分的统计表）"
    assert caught.value.exit_code == UNUSABLE


def test_a_word_body_is_read_the_same_way() -> None:
    from wordxml import document_xml

    def row(*texts: str) -> str:
        return "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"
                                  for t in texts) + "</w:tr>"

    body = (f"<w:p><w:r><w:t>{HEADINGS[0]}</w:t></w:r></w:p><w:tbl>"
            + row("行政复议", "结果维持", "结果纠正", "尚未审结") + row("", "1", "2", "3")
            + "</w:tbl>")
    read = read_document_xml(document_xml(body))
    assert read.tables["t4"] == {("-", "review.upheld"): 1, ("-", "review.corrected"): 2,
                                 ("-", "review.pending"): 3}
    assert "表四缺少“行政复议/总计”列" in [f.message for f in read.findings]
    assert "缺少表三（三、收到和处理政府信息公开申请情况）" in [f.message for f in read.findings]
