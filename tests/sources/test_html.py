"""Report web pages read into the blocks of a .docx: paragraphs split as a browser
shows them, invisible content left out, tables as logical grids (the official layout
of table 三, Word's HTML export, malformed and nested tables), encodings, hostile
input refused; and a property test that any span layout reads back as written."""

from __future__ import annotations

import html
import itertools
import time
from collections.abc import Iterable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.sources import html as html_source
from nianbao.sources.blocks import Block, UnreadableSource
from nianbao.sources.docx import Grid, ParagraphBlock, TableBlock, read_table
from nianbao.sources.docx.package import parse_xml
from nianbao.sources.html import UnreadableHtml, read_html

# helpers

Area = tuple[str, tuple[int, int], int, int]  # text, origin, row span, column span


def read(page: str, encoding: str = "utf-8") -> list[Block]:
    return read_html(page.encode(encoding))


def paragraphs(blocks: Iterable[Block]) -> list[tuple[str, str | None]]:
    return [(b.text, b.style) for b in blocks if isinstance(b, ParagraphBlock)]


def texts(page: str) -> list[str]:
    return [text for text, _ in paragraphs(read(page))]


def grids(blocks: Iterable[Block]) -> list[Grid]:
    return [b.grid for b in blocks if isinstance(b, TableBlock)]


def only_grid(page: str) -> Grid:
    (grid,) = grids(read(page))
    return grid


def layout(grid: Grid) -> list[list[tuple]]:
    """Every position: text, origin, spans, missing."""
    return [[(c.text, c.origin, c.row_span, c.col_span, c.missing) for c in row]
            for row in grid.rows]


def expected(height: int, width: int, areas: Iterable[Area]) -> list[list[tuple]]:
    """The layout of a grid holding these areas, missing positions elsewhere."""
    rows: list[list[tuple]] = [[("", (r, c), 1, 1, True) for c in range(width)]
                               for r in range(height)]
    for text, (top, left), row_span, col_span in areas:
        for r in range(top, top + row_span):
            for c in range(left, left + col_span):
                rows[r][c] = (text, (top, left), row_span, col_span, False)
    return rows


def assert_consistent(grid: Grid) -> None:
    """What grid.py promises: only the top-left of an area is its origin, and every
    position of an area shares the area's nested list."""
    for r, row in enumerate(grid.rows):
        assert len(row) == grid.width
        for c, cell in enumerate(row):
            assert cell.is_origin == (not cell.missing and cell.origin == (r, c))
            top, left = cell.origin
            assert cell.nested is grid.cell(top, left).nested


def table(*rows: str, attrs: str = "") -> str:
    return f"<table{attrs}>{''.join(rows)}</table>"


def tr(*cells: str) -> str:
    return f"<tr>{''.join(cells)}</tr>"


def td(text: str = "", rowspan: int = 1, colspan: int = 1) -> str:
    spans = (f' rowspan="{rowspan}"' if rowspan != 1 else "") + (
        f' colspan="{colspan}"' if colspan != 1 else "")
    return f"<td{spans}>{text}</td>"


# paragraphs


def test_br_splits_paragraphs() -> None:
    page = "<body><p>一、总体情况<br>（一）主动公开<br/><br>（二）依申请公开</p></body>"
    assert paragraphs(read(page)) == [
        ("一、总体情况", "p"), ("（一）主动公开", "p"), ("（二）依申请公开", "p"),
    ]


def test_block_elements_each_give_a_paragraph_in_order() -> None:
    page = """<body>正文前<h1>标题</h1><div>引言<p>段落 <b>加粗</b><a href=x>链接</a></p>
        尾文</div><ul><li>第一项</li><li>第二项</li></ul><blockquote>引用</blockquote>
        <h2>二、小标题</h2><section><article>文章</article></section></body>"""
    assert paragraphs(read(page)) == [
        ("正文前", "body"), ("标题", "h1"), ("引言", "div"), ("段落 加粗链接", "p"),
        ("尾文", "div"), ("第一项", "li"), ("第二项", "li"), ("引用", "blockquote"),
        ("二、小标题", "h2"), ("文章", "article"),
    ]


def test_whitespace_nbsp_and_full_width_spaces() -> None:
    page = (
        "<p>&nbsp;&nbsp;一、\t总体情况&nbsp;</p>"
        "<p>\u3000\u30002021年，本机关\u3000依法公开。\u3000 </p>"
        "<p>&nbsp;</p><p>\u3000</p><p>  a \n\t b  </p>"
    )
    assert texts(page) == ["一、 总体情况", "2021年，本机关\u3000依法公开。", "a b"]


def test_source_line_break_between_chinese_characters_is_no_space() -> None:
    page = "<p>政府信息\n  公开，\n依法</p><p>2021\n年 and\nmore</p>"
    assert texts(page) == ["政府信息公开，依法", "2021 年 and more"]


def test_preformatted_lines_are_paragraphs() -> None:
    assert paragraphs(read("<pre>第一行\n  第二行\n</pre>")) == [
        ("第一行", "pre"), ("第二行", "pre"),
    ]


def test_invisible_content_is_ignored() -> None:
    page = """<html><head><title>网站标题</title><style>p {color: red}</style>
        <script>var s = "<p>脚本</p>";</script></head><body>
        <nav>首页 政务公开</nav><div role="navigation">导航</div>
        <noscript>请启用脚本</noscript><template><p>模板</p></template>
        <select><option>部门网站</option></select>
        <p hidden>隐藏</p><p style="color:red; DISPLAY : None">隐藏</p>
        <p>可<span style='mso-hide:all'>隐藏</span>见<span hidden>隐藏</span>文字</p>
        <p style="display:block">显示</p><p class="x">正文</p></body></html>"""
    assert texts(page) == ["可见文字", "显示", "正文"]


def test_hiding_is_found_among_many_hints() -> None:
    """Past HINTS_LOOKED_AT hints in the source, every element is looked at."""
    rules = ".a {display: block} " * (html_source.HINTS_LOOKED_AT + 1)
    page = f"<style>{rules}</style><p style='display:none'>隐藏</p><p>正文</p>"
    assert texts(page) == ["正文"]


def test_css_rules_do_not_hide() -> None:
    """Only what a tag says hides; classes styled by CSS rules are not looked up."""
    page = "<style>.x {display:none}</style><p class=x>正文</p><p>a display:none b</p>"
    assert texts(page) == ["正文", "a display:none b"]


def test_page_without_table_gives_its_paragraphs() -> None:
    blocks = read("<html><body><h1>通知</h1><p>内容</p></body></html>")
    assert blocks == [ParagraphBlock("通知", "h1"), ParagraphBlock("内容", "p")]


@pytest.mark.parametrize("data", [b"", b"   ", b"<!-- x -->", b"<html></html>", b"\x00"])
def test_empty_pages_give_no_blocks(data: bytes) -> None:
    assert read_html(data) == []


def test_text_in_tables_is_not_a_paragraph() -> None:
    blocks = read("<p>前</p><table><tr><td><p>格</p></td></tr></table><p>后</p>")
    assert [type(b).__name__ for b in blocks] == ["ParagraphBlock", "TableBlock",
                                                  "ParagraphBlock"]
    assert paragraphs(blocks) == [("前", "p"), ("后", "p")]


def test_caption_comes_before_its_table() -> None:
    blocks = read("<table><caption>表一</caption><tr><td>格</td></tr></table>")
    assert blocks[0] == ParagraphBlock("表一", "caption")
    assert layout(grids(blocks)[0]) == [[("格", (0, 0), 1, 1, False)]]


# tables


def test_colspan_and_rowspan() -> None:
    grid = only_grid(table(
        tr(td("a", rowspan=2), td("b", colspan=2), td("c")),
        tr(td("d"), td("e", rowspan=2, colspan=2)),
        tr(td("f"), td("g")),
    ))
    assert layout(grid) == expected(3, 4, [
        ("a", (0, 0), 2, 1), ("b", (0, 1), 1, 2), ("c", (0, 3), 1, 1),
        ("d", (1, 1), 1, 1), ("e", (1, 2), 2, 2), ("f", (2, 0), 1, 1), ("g", (2, 1), 1, 1),
    ])
    assert [cell.text for cell in grid.origins()] == list("abcdefg")
    assert_consistent(grid)


CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
KINDS = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
SECRET = ["1．属于国家秘密", "2．其他法律行政法规禁止公开", "3．危及“三安全一稳定”"]


def numbers(row: int) -> str:
    return "".join(td(str(row * 10 + k)) for k in range(7))


HEADER_THREE = [
    tr(td(CORNER, rowspan=3, colspan=3), td("申请人情况", colspan=7)),
    tr(td("自然人", rowspan=2), td("法人或其他组织", colspan=5), td("总计", rowspan=2)),
    tr(*(td(kind) for kind in KINDS)),
]
TABLE_THREE = table(
    *HEADER_THREE,
    tr(td("一、本年新收政府信息公开申请数量", colspan=3), numbers(3)),
    tr(td("三、本年度办理结果", rowspan=5), td("（一）予以公开", colspan=2), numbers(4)),
    tr(td("（二）部分公开", colspan=2), numbers(5)),
    tr(td("（三）不予公开", rowspan=3), td(SECRET[0]), numbers(6)),
    tr(td(SECRET[1]), numbers(7)),
    tr(td(SECRET[2]), numbers(8)),
    tr(td("四、结转下年度继续办理", colspan=3), numbers(9)),
)


def test_table_three_official_layout() -> None:
    grid = only_grid(TABLE_THREE)
    header: list[Area] = [
        (CORNER, (0, 0), 3, 3), ("申请人情况", (0, 3), 1, 7),
        ("自然人", (1, 3), 2, 1), ("法人或其他组织", (1, 4), 1, 5), ("总计", (1, 9), 2, 1),
        *((kind, (2, 4 + k), 1, 1) for k, kind in enumerate(KINDS)),
    ]
    body: list[Area] = [
        ("一、本年新收政府信息公开申请数量", (3, 0), 1, 3),
        ("三、本年度办理结果", (4, 0), 5, 1),
        ("（一）予以公开", (4, 1), 1, 2), ("（二）部分公开", (5, 1), 1, 2),
        ("（三）不予公开", (6, 1), 3, 1),
        *((label, (6 + k, 2), 1, 1) for k, label in enumerate(SECRET)),
        ("四、结转下年度继续办理", (9, 0), 1, 3),
        *((str(r * 10 + k), (r, 3 + k), 1, 1) for r in range(3, 10) for k in range(7)),
    ]
    assert layout(grid) == expected(10, 10, header + body)
    assert_consistent(grid)
    assert sum(1 for _ in grid.origins()) == len(header) + len(body)


def test_grid_means_the_same_as_for_word() -> None:
    """Table 三's header from .docx markup (gridSpan, vMerge) and from HTML."""
    def tc(text: str = "", span: int = 1, vmerge: str | None = None) -> str:
        props = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
        if vmerge is not None:
            props += f'<w:vMerge w:val="{vmerge}"/>' if vmerge else "<w:vMerge/>"
        return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    def row(*cells: str) -> str:
        return f"<w:tr>{''.join(cells)}</w:tr>"

    word = (
        '<w:tbl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        + row(tc(CORNER, 3, "restart"), tc("申请人情况", 7))
        + row(tc(span=3, vmerge=""), tc("自然人", vmerge="restart"), tc("法人或其他组织", 5),
              tc("总计", vmerge="restart"))
        + row(tc(span=3, vmerge=""), tc(vmerge=""), *(tc(kind) for kind in KINDS),
              tc(vmerge=""))
        + "</w:tbl>"
    )
    from_word = read_table(parse_xml(word.encode()))
    from_html = only_grid(table(*HEADER_THREE))

    def positions(grid: Grid) -> list[tuple]:
        return [(c.text, c.origin, c.row_span, c.col_span, c.is_origin, c.missing)
                for row in grid.rows for c in row]

    assert positions(from_html) == positions(from_word)
    assert [c.origin for c in from_html.origins()] == [c.origin for c in from_word.origins()]


def test_cell_text_lines() -> None:
    grid = only_grid(table(tr(
        td("<p>本年新</p><p>制作数量</p>"), td("商业<br>企业"), td("<div>甲</div>乙"),
        td("<p class=MsoNormal><span>&nbsp;</span></p>"), td("  a \n b "),
        td("<p>一</p><p>&nbsp;</p><p>二</p>"),
    )))
    assert [c.text for c in grid.rows[0]] == [
        "本年新\n制作数量", "商业\n企业", "甲\n乙", "", "a b", "一\n二",
    ]


def test_short_rows_leave_missing_positions() -> None:
    grid = only_grid(table(
        tr(td("a"), td("b"), td("c", rowspan=2)),
        tr(td("d")),
        tr(td("e"), td("f"), td("g"), td("h")),
    ))
    assert layout(grid) == expected(3, 4, [
        ("a", (0, 0), 1, 1), ("b", (0, 1), 1, 1), ("c", (0, 2), 2, 1), ("d", (1, 0), 1, 1),
        ("e", (2, 0), 1, 1), ("f", (2, 1), 1, 1), ("g", (2, 2), 1, 1), ("h", (2, 3), 1, 1),
    ])
    assert_consistent(grid)


def test_row_groups_bound_rowspans() -> None:
    grid = only_grid(
        "<table><thead><tr><th rowspan=5>表头</th><th>列</th></tr></thead>"
        "<tbody><tr><td rowspan=0>到组末</td><td>1</td></tr><tr><td>2</td></tr>"
        "<tr><td>3</td></tr></tbody>"
        "<tr><td rowspan=9>超出</td><td>4</td></tr><tr><td>5</td></tr>"
        "<tfoot><tr><td>脚</td><td rowspan=0>6</td></tr></tfoot></table>"
    )
    assert layout(grid) == expected(7, 2, [
        ("表头", (0, 0), 1, 1), ("列", (0, 1), 1, 1),
        ("到组末", (1, 0), 3, 1), ("1", (1, 1), 1, 1), ("2", (2, 1), 1, 1),
        ("3", (3, 1), 1, 1), ("超出", (4, 0), 2, 1), ("4", (4, 1), 1, 1),
        ("5", (5, 1), 1, 1), ("脚", (6, 0), 1, 1), ("6", (6, 1), 1, 1),
    ])


def test_colspan_into_a_cell_from_above_is_cut_short() -> None:
    """An overlap (an HTML table model error): every area stays a rectangle."""
    grid = only_grid(table(
        tr(td("a"), td("b"), td("c", rowspan=2)),
        tr(td("d", colspan=3), td("e")),
    ))
    assert layout(grid) == expected(2, 4, [
        ("a", (0, 0), 1, 1), ("b", (0, 1), 1, 1), ("c", (0, 2), 2, 1),
        ("d", (1, 0), 1, 2), ("e", (1, 3), 1, 1),
    ])
    assert_consistent(grid)


@pytest.mark.parametrize(("colspan", "columns"), [
    ("0", 1), ("abc", 1), ("-2", 1), ("", 1), ("2px", 2), (" 3", 3), ("+2", 2), ("0002", 2),
])
def test_colspan_values_read_as_browsers_do(colspan: str, columns: int) -> None:
    grid = only_grid(f'<table><tr><td colspan="{colspan}">a</td><td>b</td></tr></table>')
    assert grid.width == columns + 1
    assert grid.cell(0, columns).text == "b"


def test_huge_colspan_is_clamped() -> None:
    grid = only_grid('<table><tr><td colspan="99999">a</td></tr></table>')
    assert (grid.width, grid.cell(0, 999).origin) == (1000, (0, 0))


def test_cells_outside_rows_and_rows_in_wrappers() -> None:
    grid = only_grid("<table><td>a</td><td>b</td><form><tr><td>c</td></tr></form></table>")
    assert [[c.text for c in row] for row in grid.rows] == [["a", "b"], ["c", ""]]
    assert grid.cell(1, 1).missing


def test_hidden_rows_and_cells_are_not_laid_out() -> None:
    grid = only_grid(table(
        tr(td("a"), "<td style='display:none'>x</td>", td("b")),
        "<tr hidden><td>y</td></tr>",
        tr(td("c"), td("d")),
    ))
    assert [[c.text for c in row] for row in grid.rows] == [["a", "b"], ["c", "d"]]


def test_word_exported_html() -> None:
    page = """<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset=gb2312">
<meta name=ProgId content=Word.Document>
<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>办公室</o:Author>
</o:DocumentProperties></xml><![endif]-->
<style><!-- p.MsoNormal {margin:0cm; font-size:10.5pt;} span.h {display:none} --></style>
</head><body lang=ZH-CN style='tab-interval:21.0pt'><div class=WordSection1>
<p class=MsoNormal align=center style='text-align:center'><span
style='font-size:22.0pt;font-family:方正小标宋简体'>某区<span lang=EN-US>2021</span><span
style='font-family:方正小标宋简体'>年政府信息公开工作年度报告</span><span
lang=EN-US><o:p></o:p></span></span></p>
<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>
<p class=MsoNormal style='text-indent:32.0pt'><span lang=EN-US>2021</span><span
style='font-family:仿宋_GB2312'>年</span><span
style='font-family:仿宋_GB2312'>，本区认真落实《条例》，
依法公开。<o:p></o:p></span></p>
<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]><span
style='mso-list:Ignore'>一、<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]><span
style='font-family:黑体'>总体情况</span></p>
<p class=MsoNormal><span style='display:none;mso-hide:all'>隐藏<o:p></o:p></span>可见</p>
<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=568
 style='width:426.1pt;border-collapse:collapse;border:none'>
 <tr style='mso-yfti-irow:0;mso-yfti-firstrow:yes'>
  <td width=142 rowspan=2 valign=top style='width:106.5pt;border:solid windowtext 1.0pt'>
  <p class=MsoNormal align=center style='text-align:center'><span
  style='font-family:仿宋_GB2312'>信息内容<span lang=EN-US><o:p></o:p></span></span></p></td>
  <td width=284 colspan=2 valign=top style='width:213.0pt'><p class=MsoNormal
  align=center style='text-align:center'><span style='font-family:仿宋_GB2312'>本年<span
  lang=EN-US><br></span>制发件数</span></p></td>
 </tr>
 <tr><td width=142 valign=top><p class=MsoNormal align=center><span
  lang=EN-US>5<o:p></o:p></span></p></td>
  <td width=142 valign=top><p class=MsoNormal align=center><span
  lang=EN-US><o:p>&nbsp;</o:p></span></p></td></tr>
 <![if !supportMisalignedColumns]>
 <tr height=0><td width=142 style='border:none'></td><td width=142 style='border:none'></td>
  <td width=142 style='border:none'></td></tr>
 <![endif]>
</table>
<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>
</div></body></html>"""
    blocks = read(page, "gb2312")
    assert paragraphs(blocks) == [
        ("某区2021年政府信息公开工作年度报告", "p"),
        ("2021年，本区认真落实《条例》，依法公开。", "p"),
        ("一、 总体情况", "p"),
        ("可见", "p"),
    ]
    (grid,) = grids(blocks)
    assert layout(grid) == expected(2, 3, [
        ("信息内容", (0, 0), 2, 1), ("本年\n制发件数", (0, 1), 1, 2),
        ("5", (1, 1), 1, 1), ("", (1, 2), 1, 1),
    ])


def test_malformed_markup_is_recovered() -> None:
    page = ("<body><p>前言<p>第二段<table><tr><td>a<td>b<tr><td>c<td rowspan=x>d"
            "</table><div>后<span>记</div>")
    blocks = read(page)
    assert paragraphs(blocks) == [("前言", "p"), ("第二段", "p"), ("后记", "div")]
    assert layout(grids(blocks)[0]) == expected(2, 2, [
        ("a", (0, 0), 1, 1), ("b", (0, 1), 1, 1), ("c", (1, 0), 1, 1), ("d", (1, 1), 1, 1),
    ])


def test_nested_table_is_kept_separate() -> None:
    grid = only_grid(table(
        tr(td("外<table><tr><td>内1</td><td>内2</td></tr></table>尾", colspan=2)),
        tr(td("x"), td("y")),
    ))
    outer = grid.cell(0, 0)
    assert (outer.text, outer.col_span) == ("外\n尾", 2)
    (inner,) = outer.nested
    assert grid.cell(0, 1).nested is outer.nested
    assert layout(inner) == [[("内1", (0, 0), 1, 1, False), ("内2", (0, 1), 1, 1, False)]]
    assert grid.cell(1, 0).nested == []
    assert_consistent(grid)


def test_layout_table_is_read_as_page_flow() -> None:
    """Older sites put the whole page in a table: its cells are read as page text
    and the report's tables inside it as tables."""
    prose = "本机关依法公开政府信息。" * 20
    page = table(
        tr(td('<a href="/">首页</a>'), td("政务公开")),
        tr(td("栏目"), td(f"<h1>2021年年度报告</h1><p>{prose}</p>"
                         + table(tr(td("信息内容"), td("件数")), tr(td("规章"), td("5")))
                         + "<p>结语</p>")),
        attrs=' width="100%"',
    )
    blocks = read(page)
    assert paragraphs(blocks) == [
        ("首页", "td"), ("政务公开", "td"), ("栏目", "td"), ("2021年年度报告", "h1"),
        (prose, "p"), ("结语", "p"),
    ]
    (grid,) = grids(blocks)
    assert [[c.text for c in row] for row in grid.rows] == [["信息内容", "件数"], ["规章", "5"]]
    assert isinstance(blocks[-2], TableBlock)


def test_presentation_table_is_read_as_page_flow() -> None:
    blocks = read('<table role="presentation"><tr><td><p>一</p></td><td>二</td></tr></table>')
    assert paragraphs(blocks) == [("一", "p"), ("二", "td")]


# encodings


GBK_PAGE = "<html><head>{meta}</head><body><p>政府信息公开工作年度报告</p></body></html>"
REPORT = [("政府信息公开工作年度报告", "p")]


@pytest.mark.parametrize("meta", [
    '<meta charset="gb2312">',
    "<meta http-equiv=Content-Type content='text/html; charset=GBK'>",
    '<meta http-equiv="Content-Type" content="text/html;charset=gb18030" />',
    "",  # undeclared: not UTF-8, so GB18030
])
def test_gbk_pages(meta: str) -> None:
    assert paragraphs(read(GBK_PAGE.format(meta=meta), "gbk")) == REPORT


def test_gbk_only_characters_in_a_page_labelled_gb2312() -> None:
    page = '<meta charset="gb2312"><p>朱镕基</p>'  # 镕 is in GBK, not in GB2312
    assert paragraphs(read_html(page.encode("gbk"))) == [("朱镕基", "p")]


@pytest.mark.parametrize(("prefix", "encoding"), [
    (b"", "utf-8"), (b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
])
def test_unicode_pages(prefix: bytes, encoding: str) -> None:
    page = GBK_PAGE.format(meta='<meta charset="gb2312">')  # a stale label
    assert paragraphs(read_html(prefix + page.encode(encoding))) == REPORT


def test_declared_legacy_encoding_when_not_utf8() -> None:
    page = "<meta charset='big5'><p>政府資訊公開</p>"
    assert paragraphs(read_html(page.encode("big5"))) == [("政府資訊公開", "p")]


def test_xml_declaration_and_unusable_characters() -> None:
    page = '<?xml version="1.0" encoding="utf-8"?><html><body><p>a\x01b\x0cc\ufdd0d</p>'
    assert texts(page) == ["ab cd"]


# hostile input


def test_many_rows_are_refused_quickly() -> None:
    page = "<table>" + "<tr><td>1</td><td>2</td></tr>" * 25_000 + "</table>"
    started = time.perf_counter()
    with pytest.raises(UnreadableHtml, match="行数") as caught:
        read(page)
    assert time.perf_counter() - started < 2
    assert isinstance(caught.value, UnreadableSource)
    assert "20000" in str(caught.value)


def test_rows_are_counted_over_all_tables() -> None:
    part = "<table>" + "<tr><td>1</td></tr>" * 7_000 + "</table>"
    with pytest.raises(UnreadableHtml, match="行数"):
        read(part * 3)


def test_huge_input_is_refused() -> None:
    with pytest.raises(UnreadableHtml, match="过大") as caught:
        read_html(b"<p>" + b" " * (40 * 1024 * 1024))
    assert isinstance(caught.value, UnreadableSource)


def test_too_many_columns_are_refused() -> None:
    with pytest.raises(UnreadableHtml, match="过宽"):
        read(table(tr(td("a", colspan=1000), td("b"))))
    with pytest.raises(UnreadableHtml, match="过宽"):
        read(table(tr(*(td() for _ in range(1001)))))


def test_deep_nesting_is_refused() -> None:
    def nested(depth: int) -> str:
        return "<table><tr><td>" * depth + "x" + "</td></tr></table>" * depth

    assert only_grid(nested(33)).cell(0, 0).nested  # 32 tables around the innermost
    with pytest.raises(UnreadableHtml, match="嵌套"):
        read(nested(34))


def test_cells_and_positions_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    from nianbao.sources import blocks

    monkeypatch.setattr(blocks, "MAX_CELLS", 20)  # the caps are shared with the .docx reader
    read(table(*(tr(td(), td()) for _ in range(10))))  # 20 cells, 20 positions
    with pytest.raises(UnreadableHtml, match="单元格"):
        read(table(*(tr(td(), td()) for _ in range(11))))
    with pytest.raises(UnreadableHtml, match="单元格"):  # positions, not only cells
        read(table(tr(td(colspan=7, rowspan=3)), tr(), tr()))
    with pytest.raises(UnreadableHtml, match="单元格"):  # the grid's rectangle
        read(table(tr(td(colspan=7)), *(tr(td()) for _ in range(3))))


def test_messages_are_chinese() -> None:
    for message in (html_source.TOO_BIG, html_source.TOO_WIDE, html_source.TOO_DEEP):
        assert "网页" in message


# property: any span layout reads back as written

TEXT = st.text(alphabet="总计合收支 ab1&<>\"'", max_size=6)
NUMBER = st.sampled_from(["{}", " {}", "{}px", "+{}", "0{}"])


@st.composite
def span_tables(draw: st.DrawFn) -> tuple[str, list[list[tuple]]]:
    """A random table as HTML, and the grid the HTML table model gives for it.

    Rows are split into row groups; each row places areas (colspan x rowspan, never
    beyond the group) at its free positions from the left and may end early,
    leaving the rest of its free positions missing."""
    height, width = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    cuts = sorted(draw(st.sets(st.integers(1, height - 1), max_size=2))) if height > 1 else []
    bounds = [0, *cuts, height]
    group_end = {r: end for start, end in itertools.pairwise(bounds) for r in range(start, end)}
    owner: list[list[Area | None]] = [[None] * width for _ in range(height)]
    rows_markup: list[list[str]] = [[] for _ in range(height)]
    for r in range(height):
        ended = False
        for c in range(width):
            if owner[r][c] is not None or ended:
                continue
            if draw(st.integers(0, 7)) == 0:
                ended = True  # the row ends early
                continue
            cols = 1
            while c + cols < width and owner[r][c + cols] is None:
                cols += 1
            cols = draw(st.integers(1, cols))
            rows = draw(st.integers(1, group_end[r] - r))
            text = draw(TEXT)
            area: Area = (" ".join(text.split()), (r, c), rows, cols)
            for y in range(r, r + rows):
                for x in range(c, c + cols):
                    owner[y][x] = area
            rows_markup[r].append(render_cell(draw, text, rows, cols, group_end[r] - r))
    groups = []
    loose_before = False
    for start, end in itertools.pairwise(bounds):
        body = "\n".join(f"<tr>{''.join(rows_markup[r])}</tr>" for r in range(start, end))
        loose = not loose_before and draw(st.booleans())
        section = draw(st.sampled_from(["thead", "tbody", "tfoot"]))
        groups.append(body if loose else f"<{section}>{body}</{section}>")
        loose_before = loose
    used = max((c + 1 for row in owner for c, a in enumerate(row) if a is not None), default=0)
    grid = [[("", (r, c), 1, 1, True) if a is None else (*a, False) for c, a in enumerate(row)]
            for r, row in enumerate(owner)]
    return f"<table>{''.join(groups)}</table>", [row[:used] for row in grid]


def render_cell(draw: st.DrawFn, text: str, rows: int, cols: int, remaining: int) -> str:
    attrs = ""
    if cols > 1 or draw(st.booleans()):
        attrs += f' colspan="{draw(NUMBER).format(cols)}"'
    if rows == remaining and rows > 1 and draw(st.booleans()):
        attrs += ' rowspan="0"' if draw(st.booleans()) else f' rowspan="{rows + 50}"'
    elif rows > 1 or draw(st.booleans()):
        attrs += f' rowspan="{draw(NUMBER).format(rows)}"'
    first, rest = html.escape(text[:2]), html.escape(text[2:])
    content = draw(st.sampled_from([
        first + rest, f"<p>{first}{rest}</p>", f"<span>{first}</span><b>{rest}</b>",
    ]))
    tag = draw(st.sampled_from(["td", "th"]))
    return f"<{tag}{attrs}>{content}</{tag}>"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=span_tables())
def test_any_span_layout_reads_back(case: tuple[str, list[list[tuple]]]) -> None:
    page, want = case
    grid = only_grid(page)
    assert layout(grid) == want
    assert_consistent(grid)
