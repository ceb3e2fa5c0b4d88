"""Finding the report in a document's blocks, whatever the document was: its title,
section headings, prose and the cells of its three tables, by their labels rather than
their position. What it cannot place becomes a finding, never a guess.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

from nianbao.reading.model import STRUCTURE, NotAReport, ReadReport
from nianbao.reading.prose import read_prose
from nianbao.reading.tables import read_table
from nianbao.sources import read_source
from nianbao.sources.blocks import Block, Grid, GridCell, ParagraphBlock, TableBlock
from nianbao.spec.findings import ERROR
from nianbao.spec.form import classify, forms
from nianbao.spec.labels import normalize_label


@cache
def _group_titles() -> frozenset[str]:
    """Table 二's 第二十条 item titles in every form, normalised."""
    return frozenset(normalize_label(g.label) for form in forms()
                     for table in form.tables.values() for g in table.groups)


def _titled(grid: Grid, title: str) -> Grid:
    """A grid under a title row spanning its width: how a title paragraph above a small
    table reads, the same as a title row inside one table."""
    width = max(grid.width, 1)
    row = [GridCell(title, (0, 0), 1, width, c == 0) for c in range(width)]
    return Grid.stack([Grid([row]), grid])


def _join_titled_parts(blocks: list[Block]) -> list[Block]:
    """Table 二 drawn as one small table per 第二十条 item, each under its title (a bold
    paragraph, a web page's heading or caption, or the small table's own first row),
    becomes the one table the reader knows: each title paragraph a title row, the small
    tables stacked. They are joined before the tables are told apart: a small table
    alone shares too few labels to be placed, one without a header row none at all.
    Only a paragraph that is exactly a title and stands right above a table counts;
    blank paragraphs (Word needs one between two tables) are passed over."""
    titles = _group_titles()
    out: list[Block] = []
    run: list[Grid] = []
    i = 0
    while i < len(blocks):
        block, i = blocks[i], i + 1
        if isinstance(block, TableBlock) and block.grid.width \
                and normalize_label(block.grid.text(0, 0)) in titles:
            run.append(block.grid)
            continue
        if isinstance(block, ParagraphBlock):
            if run and _blank(block):
                continue
            if normalize_label(block.text) in titles:
                j = _next_filled(blocks, i)
                below = blocks[j] if j < len(blocks) else None
                if isinstance(below, TableBlock):
                    run.append(_titled(below.grid, block.text.strip()))
                    i = j + 1
                    continue
        if run:
            out.append(_stacked(run))
            run = []
        out.append(block)
    if run:
        out.append(_stacked(run))
    return out


def _stacked(run: list[Grid]) -> TableBlock:
    return TableBlock(run[0] if len(run) == 1 else Grid.stack(run))


def _next_filled(blocks: list[Block], start: int) -> int:
    """The index of the first block from `start` that is not a blank paragraph."""
    return next((j for j in range(start, len(blocks)) if not _blank(blocks[j])), len(blocks))


def _blank(block: Block) -> bool:
    return isinstance(block, ParagraphBlock) and not block.text.strip()


def _merge_split_tables(placed: list[tuple[str, Grid]]) -> dict[str, Grid]:
    """Tables split in two (a page break, a repeated header) read as one."""
    parts: dict[str, list[Grid]] = {}
    for tid, grid in placed:
        parts.setdefault(tid, []).append(grid)
    return {tid: grids[0] if len(grids) == 1 else Grid.stack(grids)
            for tid, grids in parts.items()}


def _grid_texts(grid: Grid) -> frozenset[str]:
    return frozenset(normalize_label(cell.text) for row in grid.rows for cell in row
                     if cell.text.strip())


def one_line(block: ParagraphBlock) -> ParagraphBlock:
    """A paragraph's text without its line breaks: in a Chinese document a break inside
    a paragraph (a title set on two lines, Shift+Enter) is layout, not a space."""
    if "\n" not in block.text:
        return block
    return dataclasses.replace(block, text=block.text.replace("\n", ""))


def read_blocks(blocks: list[Block]) -> ReadReport:
    """Read a report out of paragraphs and tables in reading order, whatever source
    they came from; raises NotAReport when no table is one of the report's."""
    blocks = _join_titled_parts(blocks)
    grids = [b.grid for b in blocks if isinstance(b, TableBlock)]
    form, placed = classify(_grid_texts(g) for g in grids)
    if not placed:
        raise NotAReport("文档中没有找到年报的表格（二、三、四部分的统计表）")
    prose = [one_line(b) for b in blocks if isinstance(b, ParagraphBlock) and b.text.strip()]
    report = ReadReport(form=form, paragraphs=[b.text.strip() for b in prose])
    read_prose(report, prose)
    by_table = _merge_split_tables([(tid, grids[index]) for index, tid in placed])
    for tid, table in form.tables.items():
        if tid not in by_table:
            report.finding(STRUCTURE, ERROR, table.key, "", "",
                           f"缺少{table.key}（{form.section(table.section).heading}）")
            report.tables[tid] = {}
            continue
        report.tables[tid] = read_table(report, table, by_table[tid])
    return report


def read_document_xml(document_xml: bytes) -> ReadReport:
    """Read a report out of a Word document's main part (a report just rendered)."""
    from nianbao.sources.docx.body import read_body

    return read_blocks(read_body(document_xml))


def read_file(path: Path) -> ReadReport:
    """The report in a file of any source kind (.docx, web page, copied text); raises
    Unusable when the file cannot be read or holds no report."""
    return read_blocks(read_source(path))
