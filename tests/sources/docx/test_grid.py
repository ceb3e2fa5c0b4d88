"""Tables read as logical grids: merges, gaps, content controls and cell text, each
from the smallest markup that shows it; a python-docx document; and a property test
that any layout of merge areas reads back as written."""

from __future__ import annotations

import io
from collections.abc import Callable
from xml.sax.saxutils import escape

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.sources import blocks
from nianbao.sources.docx import (
    DocxPackage,
    Grid,
    TableBlock,
    UnreadableDocx,
    read_body,
    read_table,
)
from nianbao.sources.docx import grid as grid_module
from nianbao.sources.docx.package import parse_xml

W_MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"

ReadGrid = Callable[..., Grid]


# markup builders


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def p(*texts: str) -> str:
    """A paragraph with one run per text (several texts = a word split into runs)."""
    return f"<w:p>{''.join(run(t) for t in texts)}</w:p>"


def tc(
    text: str = "",
    *,
    span: int = 1,
    vmerge: str | None = None,
    hmerge: str | None = None,
    content: str | None = None,
) -> str:
    """A cell; vmerge/hmerge "restart", "continue" or "" (the element without val)."""
    props = '<w:tcW w:w="1000" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if hmerge is not None:
        props += f'<w:hMerge w:val="{hmerge}"/>' if hmerge else "<w:hMerge/>"
    if vmerge is not None:
        props += f'<w:vMerge w:val="{vmerge}"/>' if vmerge else "<w:vMerge/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content if content is not None else p(text)}</w:tc>"


def tr(*cells: str, before: int = 0, after: int = 0, props: str = "") -> str:
    if before:
        props += f'<w:gridBefore w:val="{before}"/>'
    if after:
        props += f'<w:gridAfter w:val="{after}"/>'
    row_props = f"<w:trPr>{props}</w:trPr>" if props else ""
    return f"<w:tr>{row_props}{''.join(cells)}</w:tr>"


def tbl(*rows: str, columns: int = 3) -> str:
    grid = "".join('<w:gridCol w:w="1000"/>' for _ in range(columns))
    return f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>{grid}' \
        f"</w:tblGrid>{''.join(rows)}</w:tbl>"


def sdt(content: str, props: str = "") -> str:
    return f"<w:sdt><w:sdtPr>{props}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"


def cell_text(read_grid: ReadGrid, content: str) -> str:
    """The text read from a one-cell table whose cell holds the given markup."""
    return read_grid(tbl(tr(tc(content=content)), columns=1)).text(0, 0)


# merges and gaps


def test_grid_span_covers_columns(read_grid: ReadGrid, grid_layout: Callable) -> None:
    grid = read_grid(tbl(tr(tc("合计", span=2), tc("c")), tr(tc("a"), tc("b"), tc("c2"))))
    assert (grid.height, grid.width) == (2, 3)
    assert grid_layout(grid) == [
        [("合计", (0, 0), 1, 2), ("合计", (0, 0), 1, 2), ("c", (0, 2), 1, 1)],
        [("a", (1, 0), 1, 1), ("b", (1, 1), 1, 1), ("c2", (1, 2), 1, 1)],
    ]
    assert [c.is_origin for c in grid.rows[0]] == [True, False, True]


def test_vertical_merge_across_three_rows(read_grid: ReadGrid, grid_layout: Callable) -> None:
    grid = read_grid(tbl(
        tr(tc("项目", vmerge="restart"), tc("申请数")),
        tr(tc(vmerge="continue"), tc("1")),
        tr(tc(vmerge=""), tc("2")),  # no val: also a continuation
        tr(tc("合计"), tc("3")),
    ))
    assert grid_layout(grid) == [
        [("项目", (0, 0), 3, 1), ("申请数", (0, 1), 1, 1)],
        [("项目", (0, 0), 3, 1), ("1", (1, 1), 1, 1)],
        [("项目", (0, 0), 3, 1), ("2", (2, 1), 1, 1)],
        [("合计", (3, 0), 1, 1), ("3", (3, 1), 1, 1)],
    ]
    assert [grid.cell(r, 0).is_origin for r in range(4)] == [True, False, False, True]


def test_merge_spanning_rows_and_columns(read_grid: ReadGrid, grid_layout: Callable) -> None:
    grid = read_grid(tbl(
        tr(tc("甲", span=2, vmerge="restart"), tc("x")),
        tr(tc(span=2, vmerge="continue"), tc("y")),
    ))
    assert grid_layout(grid) == [
        [("甲", (0, 0), 2, 2), ("甲", (0, 0), 2, 2), ("x", (0, 2), 1, 1)],
        [("甲", (0, 0), 2, 2), ("甲", (0, 0), 2, 2), ("y", (1, 2), 1, 1)],
    ]


def test_legacy_hmerge(read_grid: ReadGrid, grid_layout: Callable) -> None:
    grid = read_grid(tbl(
        tr(tc("横跨", hmerge="restart"), tc(hmerge="continue"), tc("b")),
        tr(tc("1"), tc("2"), tc("3")),
    ))
    assert grid_layout(grid)[0] == [
        ("横跨", (0, 0), 1, 2), ("横跨", (0, 0), 1, 2), ("b", (0, 2), 1, 1),
    ]


def test_grid_before_and_after_leave_missing_positions(read_grid: ReadGrid) -> None:
    grid = read_grid(tbl(
        tr(tc("a"), tc("b"), tc("c")),
        tr(tc("中"), before=1, after=1),
        tr(tc("d"), tc("e")),  # ends early without gridAfter
    ))
    assert grid.width == 3
    assert [(c.text, c.missing, c.is_origin) for c in grid.rows[1]] == [
        ("", True, False), ("中", False, True), ("", True, False),
    ]
    assert grid.cell(1, 1).origin == (1, 1)
    assert [c.missing for c in grid.rows[2]] == [False, False, True]
    assert grid.cell(2, 2).origin == (2, 2)


def test_width_is_the_widest_row_not_tbl_grid(read_grid: ReadGrid) -> None:
    grid = read_grid(tbl(tr(tc("a"), tc("b"), tc("c"), tc("d")), tr(tc("e")), columns=2))
    assert grid.width == 4
    assert [c.missing for c in grid.rows[1]] == [False, True, True, True]


def test_continuation_without_matching_area_stands_alone(read_grid: ReadGrid) -> None:
    grid = read_grid(tbl(
        tr(tc("孤", vmerge="continue"), tc("a", span=2)),  # first row: nothing above
        tr(tc("b"), tc("错位", vmerge="continue"), tc("c")),  # above spans 2 columns
    ))
    assert (grid.cell(0, 0).text, grid.cell(0, 0).row_span) == ("孤", 1)
    assert grid.cell(1, 1).origin == (1, 1)
    assert grid.cell(1, 1).text == "错位"


def test_continuation_below_gap_stands_alone(read_grid: ReadGrid) -> None:
    grid = read_grid(tbl(tr(tc("a")), tr(tc("b", vmerge="continue"), before=1), columns=2))
    assert grid.cell(1, 1).origin == (1, 1)
    assert grid.cell(1, 1).text == "b"


def test_tracked_deleted_row_is_gone(read_grid: ReadGrid) -> None:
    deleted = tr(tc("删"), props='<w:del w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"/>')
    grid = read_grid(tbl(tr(tc("a")), deleted, tr(tc("b")), columns=1))
    assert [row[0].text for row in grid.rows] == ["a", "b"]


def test_old_properties_of_tracked_changes_are_ignored(read_grid: ReadGrid) -> None:
    change = '<w:tcPrChange w:id="1" w:author="a"><w:tcPr><w:gridSpan w:val="3"/>' \
        "</w:tcPr></w:tcPrChange>"
    cell = f'<w:tc><w:tcPr><w:tcW w:w="1" w:type="dxa"/>{change}</w:tcPr>{p("x")}</w:tc>'
    grid = read_grid(tbl(tr(cell, tc("y"))))
    assert [c.text for c in grid.rows[0]] == ["x", "y"]


# content controls and other wrappers


def test_sdt_around_cell_keeps_its_column(read_grid: ReadGrid) -> None:
    grid = read_grid(tbl(
        tr(tc("a"), sdt(tc("包裹")), tc("c")),
        tr(tc("1"), tc("2"), tc("3")),
    ))
    assert [c.text for c in grid.rows[0]] == ["a", "包裹", "c"]
    assert grid.cell(0, 2).origin == (0, 2)


def test_sdt_around_rows(read_grid: ReadGrid) -> None:
    grid = read_grid(tbl(
        tr(tc("a"), tc("b")),
        sdt(tr(tc("c"), tc("d")) + tr(tc("e"), tc("f"))),
        tr(tc("g"), tc("h")),
        columns=2,
    ))
    assert [[c.text for c in row] for row in grid.rows] == [
        ["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"],
    ]


def test_custom_xml_and_nested_wrappers(read_grid: ReadGrid) -> None:
    custom_cell = f'<w:customXml w:element="amount">{tc("b")}</w:customXml>'
    custom_row = f'<w:customXml w:element="row">{sdt(tr(tc("c"), tc("d")))}</w:customXml>'
    grid = read_grid(tbl(tr(tc("a"), custom_cell), custom_row, columns=2))
    assert [[c.text for c in row] for row in grid.rows] == [["a", "b"], ["c", "d"]]


def test_vertical_merge_through_wrapped_cells(read_grid: ReadGrid) -> None:
    grid = read_grid(tbl(
        tr(sdt(tc("并", vmerge="restart")), tc("1")),
        tr(sdt(tc(vmerge="continue")), tc("2")),
        columns=2,
    ))
    assert grid.cell(1, 0).origin == (0, 0)
    assert grid.cell(1, 0).text == "并"


def test_placeholder_text_reads_as_empty(read_grid: ReadGrid) -> None:
    showing = "<w:showingPlcHdr/>"
    in_paragraph = f"<w:p>{sdt(run('单击或点击此处输入文字。'), showing)}</w:p>"
    grid = read_grid(tbl(
        tr(
            tc(content=in_paragraph),
            sdt(tc("点击输入"), showing),
            tc(content=sdt(p("x"), showing)),
        ),
        tr(tc(content=f"<w:p>{sdt(run('已填'))}</w:p>"), tc("b"), tc("c")),
    ))
    assert [c.text for c in grid.rows[0]] == ["", "", ""]
    assert grid.text(1, 0) == "已填"


def test_alternate_content_reads_the_fallback(read_grid: ReadGrid) -> None:
    alternate = (
        '<mc:AlternateContent><mc:Choice Requires="w14">' + tc("新版")
        + "</mc:Choice><mc:Fallback>" + tc("兼容") + "</mc:Fallback></mc:AlternateContent>"
    )
    grid = read_grid(tbl(tr(tc("a"), alternate), columns=2))
    assert [c.text for c in grid.rows[0]] == ["a", "兼容"]


# text in cells


def test_runs_split_mid_word(read_grid: ReadGrid) -> None:
    assert cell_text(read_grid, "<w:p><w:r><w:t>总</w:t></w:r><w:r><w:t>计</w:t></w:r></w:p>") \
        == "总计"


def test_breaks_tabs_and_hyphens(read_grid: ReadGrid) -> None:
    content = (
        "<w:p><w:r><w:t>本年新收</w:t><w:br/><w:t>申请</w:t><w:cr/><w:t>数量</w:t>"
        "<w:tab/><w:t>A</w:t><w:noBreakHyphen/><w:t>B</w:t><w:softHyphen/></w:r></w:p>"
    )
    assert cell_text(read_grid, content) == "本年新收\n申请\n数量 A-B"


def test_paragraphs_join_with_newlines(read_grid: ReadGrid) -> None:
    assert cell_text(read_grid, p("第一段") + p() + p("第三段")) == "第一段\n\n第三段"


def test_tracked_changes_read_as_accepted(read_grid: ReadGrid) -> None:
    content = (
        '<w:p><w:del w:id="1" w:author="a"><w:r><w:delText>旧</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="a"><w:r><w:t>新</w:t></w:r></w:ins>'
        '<w:moveFrom w:id="3" w:author="a"><w:r><w:t>移走</w:t></w:r></w:moveFrom>'
        '<w:moveTo w:id="4" w:author="a"><w:r><w:t>移来</w:t></w:r></w:moveTo></w:p>'
    )
    assert cell_text(read_grid, content) == "新移来"


def test_field_codes_do_not_count_but_results_do(read_grid: ReadGrid) -> None:
    content = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        "<w:r><w:instrText xml:space=\"preserve\"> =SUM(ABOVE) </w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>42</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>7</w:t></w:r></w:fldSimple></w:p>'
    )
    assert cell_text(read_grid, content) == "427"


def test_runs_inside_inline_containers_count(read_grid: ReadGrid) -> None:
    content = (
        '<w:p><w:hyperlink r:id="rId9" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships">' + run("网站") + "</w:hyperlink>"
        '<w:smartTag w:uri="u" w:element="date">' + run("2024") + "</w:smartTag>"
        + sdt(run("年")) + "</w:p>"
    )
    assert cell_text(read_grid, content) == "网站2024年"


def test_hidden_runs_do_not_count(read_grid: ReadGrid) -> None:
    content = (
        "<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>"
        '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>显示</w:t></w:r>'
        "<w:r><w:t>正文</w:t></w:r></w:p>"
    )
    assert cell_text(read_grid, content) == "显示正文"


def test_text_boxes_and_phonetic_guides_do_not_count(read_grid: ReadGrid) -> None:
    box = "<w:r><w:pict><w:txbxContent>" + p("框内") + "</w:txbxContent></w:pict></w:r>"
    ruby = (
        "<w:r><w:ruby><w:rubyPr/><w:rt>" + run("zhu") + "</w:rt><w:rubyBase>" + run("注")
        + "</w:rubyBase></w:ruby></w:r>"
    )
    assert cell_text(read_grid, f"<w:p>{run('前')}{box}{ruby}{run('后')}</w:p>") == "前注后"


def test_nested_table_stays_out_of_outer_text(read_grid: ReadGrid) -> None:
    inner = tbl(tr(tc("内1"), tc("内2")), columns=2)
    grid = read_grid(tbl(tr(tc(content=p("外") + inner + p()), tc("b")), columns=2))
    outer = grid.cell(0, 0)
    assert outer.text == "外\n"
    assert len(outer.nested) == 1
    assert [c.text for c in outer.nested[0].rows[0]] == ["内1", "内2"]
    assert grid.cell(0, 1).nested == []


# reading entry points, namespaces, limits


def test_strict_ooxml_namespace(read_grid: ReadGrid, grid_layout: Callable) -> None:
    grid = read_grid(tbl(tr(tc("甲", span=2)), tr(tc("a"), tc("b")), columns=2), ns=W_STRICT)
    assert grid_layout(grid)[0] == [("甲", (0, 0), 1, 2), ("甲", (0, 0), 1, 2)]


def test_read_table_and_tables_in(make_document: Callable) -> None:
    from nianbao.sources.docx import tables_in

    nested = tbl(tr(tc("内")), columns=1)
    body = (
        tbl(tr(tc(content=p("一") + nested + p())), columns=1)
        + sdt(p("段") + tbl(tr(tc("二")), columns=1))
    )
    root = parse_xml(make_document(body))
    tables = tables_in(root)
    assert [read_table(t).text(0, 0) for t in tables] == ["一\n", "二"]
    assert tables_in(root.find(f"{{{W_MAIN}}}body")) == tables


def test_grid_stack_appends_rows_and_pads(read_grid: ReadGrid) -> None:
    top = read_grid(tbl(tr(tc("a", vmerge="restart"), tc("b")), tr(tc(vmerge=""), tc("c")),
                        columns=2))
    bottom = read_grid(tbl(tr(tc("d", vmerge="restart")), tr(tc(vmerge="")), columns=1))
    stacked = Grid.stack([top, bottom])
    assert (stacked.height, stacked.width) == (4, 2)
    assert stacked.cell(3, 0).origin == (2, 0)
    assert (stacked.cell(3, 0).text, stacked.cell(3, 0).row_span) == ("d", 2)
    assert stacked.cell(2, 1).missing
    assert stacked.cell(1, 0).origin == (0, 0)


def test_nesting_deeper_than_limit_is_refused(read_grid: ReadGrid) -> None:
    markup = p("底")
    for _ in range(grid_module.MAX_TABLE_DEPTH + 2):
        markup = tbl(tr(tc(content=markup + p())), columns=1)
    with pytest.raises(UnreadableDocx, match="嵌套"):
        read_grid(markup)


def test_huge_spans_are_refused(read_grid: ReadGrid) -> None:
    with pytest.raises(UnreadableDocx, match="过宽"):
        read_grid(tbl(tr(tc("a", span=10**9))))
    with pytest.raises(UnreadableDocx, match="过宽"):
        read_grid(tbl(tr(tc("a"), before=600, after=600)))
    with pytest.raises(UnreadableDocx, match="过宽"):
        read_grid(tbl(tr(*[tc("x", span=999) for _ in range(3)])))


def test_row_and_cell_caps(read_grid: ReadGrid, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocks, "MAX_ROWS", 5)
    with pytest.raises(UnreadableDocx, match="行数"):
        read_grid(tbl(*[tr(tc("a")) for _ in range(6)], columns=1))
    monkeypatch.setattr(blocks, "MAX_ROWS", 1000)
    monkeypatch.setattr(blocks, "MAX_CELLS", 10)
    with pytest.raises(UnreadableDocx, match="单元格"):
        read_grid(tbl(*[tr(tc("a"), tc("b")) for _ in range(6)], columns=2))
    with pytest.raises(UnreadableDocx, match="单元格"):  # positions, not only cells
        read_grid(tbl(tr(tc("a", span=20)), tr(tc("b")), columns=1))


def test_paragraph_cap(read_grid: ReadGrid, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grid_module, "MAX_PARAGRAPHS", 3)
    with pytest.raises(UnreadableDocx, match="段落"):
        read_grid(tbl(tr(tc(content=p("a") * 4)), columns=1))


def test_alt_chunk_is_refused_not_skipped(read_grid: ReadGrid) -> None:
    with pytest.raises(UnreadableDocx, match="altChunk"):
        read_grid(tbl(tr(tc(content='<w:altChunk r:id="rId5" xmlns:r="urn:r"/>' + p()))))


# a real document


def test_python_docx_document_with_merges() -> None:
    document = docx.Document()
    table = document.add_table(rows=4, cols=4)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"{r}{c}"
    table.cell(0, 0).merge(table.cell(1, 1))  # 2 x 2
    table.cell(2, 2).merge(table.cell(3, 2))  # vertical
    table.cell(3, 0).merge(table.cell(3, 1))  # horizontal
    buffer = io.BytesIO()
    document.save(buffer)

    blocks = read_body(DocxPackage(buffer.getvalue()).document_xml())
    grids = [b.grid for b in blocks if isinstance(b, TableBlock)]
    assert len(grids) == 1
    grid = grids[0]
    # python-docx moves the merged cells' paragraphs into the origin, one per cell
    texts = [[grid.text(r, c) for c in range(4)] for r in range(4)]
    big = "00\n01\n10\n11"
    assert texts == [
        [big, big, "02", "03"],
        [big, big, "12", "13"],
        ["20", "21", "22\n32", "23"],
        ["30\n31", "30\n31", "22\n32", "33"],
    ]
    assert (grid.cell(1, 1).origin, grid.cell(1, 1).row_span, grid.cell(1, 1).col_span) == \
        ((0, 0), 2, 2)
    assert (grid.cell(3, 2).origin, grid.cell(3, 2).row_span) == ((2, 2), 2)
    assert (grid.cell(3, 1).origin, grid.cell(3, 1).col_span) == ((3, 0), 2)
    assert sum(1 for _ in grid.origins()) == 16 - 3 - 1 - 1


# property: any layout of merge areas reads back as written

TEXT = st.text(alphabet="总计合收支项目 ab1&<>\"'", max_size=6)


@st.composite
def layouts(draw: st.DrawFn) -> dict:
    """A random table spec: per row, leading/trailing missing positions, and merge
    areas (top, left, rows, cols, text) tiling the rest; plus how to write it."""
    height, width = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    before = [draw(st.integers(0, 1)) if width > 1 else 0 for _ in range(height)]
    after = [draw(st.integers(0, 1)) if width - b > 1 else 0 for b in before]
    owner: list[list[tuple | None]] = [[None] * width for _ in range(height)]

    def free(r: int, c: int) -> bool:
        return before[r] <= c < width - after[r] and owner[r][c] is None

    for r in range(height):
        for c in range(width):
            if not free(r, c):
                continue
            cols = 1
            while c + cols < width and free(r, c + cols):
                cols += 1
            cols = draw(st.integers(1, cols))
            rows = 1
            while r + rows < height and all(free(r + rows, x) for x in range(c, c + cols)):
                rows += 1
            rows = draw(st.integers(1, rows))
            area = (r, c, rows, cols, draw(TEXT))
            for y in range(r, r + rows):
                for x in range(c, c + cols):
                    owner[y][x] = area
    return {
        "owner": owner, "before": before, "after": after, "width": width,
        "legacy_hmerge": draw(st.booleans()),
        "short_rows": [draw(st.booleans()) for _ in range(height)],
        "wrap_cells": draw(st.lists(st.booleans(), min_size=36, max_size=36)),
        "wrap_rows": [draw(st.booleans()) for _ in range(height)],
        "split_at": draw(st.integers(0, 6)),
    }


def spec_markup(spec: dict) -> str:
    rows = []
    wraps = iter(spec["wrap_cells"] * 2)
    for r, owners in enumerate(spec["owner"]):
        cells = []
        for c, area in enumerate(owners):
            if area is None or area[1] != c:
                continue
            top, _, height, cols, text = area
            vmerge = None if height == 1 else ("restart" if top == r else "")
            content = p(text[: spec["split_at"]], text[spec["split_at"]:]) if top == r else p()
            if spec["legacy_hmerge"] and cols > 1:
                written = [tc(content=content, vmerge=vmerge, hmerge="restart")]
                written += [tc(vmerge=vmerge, hmerge="continue") for _ in range(cols - 1)]
            else:
                written = [tc(content=content, span=cols, vmerge=vmerge)]
            cells += [sdt(cell) if next(wraps) else cell for cell in written]
        after = spec["after"][r]
        short = spec["short_rows"][r]
        row = tr(*cells, before=spec["before"][r], after=0 if short else after)
        rows.append(sdt(row) if spec["wrap_rows"][r] else row)
    return tbl(*rows, columns=spec["width"])


def expected_layout(spec: dict) -> list[list[tuple]]:
    width = max(
        spec["width"] - (a if short else 0)
        for a, short in zip(spec["after"], spec["short_rows"], strict=True)
    )
    return [
        [
            ("", (r, c), 1, 1, True) if area is None else (area[4], area[:2], *area[2:4], False)
            for c, area in enumerate(owners[:width])
        ]
        for r, owners in enumerate(spec["owner"])
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=layouts())
def test_any_merge_layout_reads_back(spec: dict, read_grid: ReadGrid) -> None:
    grid = read_grid(spec_markup(spec))
    got = [[(c.text, c.origin, c.row_span, c.col_span, c.missing) for c in row]
           for row in grid.rows]
    assert got == expected_layout(spec)
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            assert cell.is_origin == (not cell.missing and cell.origin == (r, c))
