"""Finding the report in a document's blocks, whatever the document was: its title,
section headings, prose and the cells of its three tables, by their labels rather than
their position. What it cannot place becomes a finding, never a guess.
"""

from __future__ import annotations

from pathlib import Path

from nianbao.reading.model import STRUCTURE, NotAReport, ReadReport
from nianbao.reading.prose import read_prose
from nianbao.reading.tables import read_table
from nianbao.sources import read_source
from nianbao.sources.blocks import Block, Grid, ParagraphBlock, TableBlock
from nianbao.spec.findings import ERROR
from nianbao.spec.form import classify
from nianbao.spec.labels import normalize_label


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


def read_blocks(blocks: list[Block]) -> ReadReport:
    """Read a report out of paragraphs and tables in reading order, whatever source
    they came from; raises NotAReport when no table is one of the report's."""
    grids = [b.grid for b in blocks if isinstance(b, TableBlock)]
    form, placed = classify(_grid_texts(g) for g in grids)
    if not placed:
        raise NotAReport("文档中没有找到年报的表格（二、三、四部分的统计表）")
    prose = [b for b in blocks if isinstance(b, ParagraphBlock) and b.text.strip()]
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
