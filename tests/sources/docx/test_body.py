"""The body in reading order: paragraphs with their style and text, tables, content
controls opened up; and the fast text path agreeing with the careful one."""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.sources.docx import (
    ParagraphBlock,
    TableBlock,
    UnreadableDocx,
    paragraph_text,
    parse_xml,
    read_body,
    style_names,
)

W_MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"


def p(text: str, style: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="center"/></w:pPr>' if style else ""
    return f'<w:p>{props}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def table(text: str) -> str:
    return f"<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc>{p(text)}</w:tc></w:tr></w:tbl>"


def sdt(content: str, props: str = "") -> str:
    return f"<w:sdt><w:sdtPr>{props}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"


def summary(blocks: list) -> list[tuple]:
    return [
        ("p", b.text, b.style) if isinstance(b, ParagraphBlock) else ("t", b.grid.text(0, 0))
        for b in blocks
    ]


def test_blocks_in_body_order(make_document: Callable) -> None:
    body = (
        p("标题", "1")
        + p("正文")
        + table("表一")
        + sdt(p("控件内", "a3") + table("表二"))
        + '<w:customXml w:element="x">' + p("自定义") + "</w:customXml>"
        + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
    )
    assert summary(read_body(make_document(body))) == [
        ("p", "标题", "1"),
        ("p", "正文", None),
        ("t", "表一"),
        ("p", "控件内", "a3"),
        ("t", "表二"),
        ("p", "自定义", None),
    ]


def test_block_level_placeholder_reads_as_empty(make_document: Callable) -> None:
    body = sdt(p("单击或点击此处输入文字。"), "<w:showingPlcHdr/>") + p("后")
    assert summary(read_body(make_document(body))) == [("p", "", None), ("p", "后", None)]


def test_strict_namespace(make_document: Callable) -> None:
    blocks = read_body(make_document(p("严格", "Heading1") + table("格"), ns=W_STRICT))
    assert summary(blocks) == [("p", "严格", "Heading1"), ("t", "格")]


def test_paragraph_text_on_an_element(make_document: Callable) -> None:
    root = parse_xml(make_document(
        "<w:p><w:r><w:t>一</w:t></w:r><w:r><w:tab/><w:t>二</w:t><w:br/></w:r>"
        '<w:del w:id="1" w:author="a"><w:r><w:delText>删</w:delText></w:r></w:del></w:p>'
    ))
    assert paragraph_text(root.find(f".//{{{W_MAIN}}}p")) == "一 二\n"


def test_empty_and_wrong_documents(make_document: Callable) -> None:
    assert read_body(make_document("")) == []
    assert read_body(f'<w:document xmlns:w="{W_MAIN}"/>'.encode()) == []
    with pytest.raises(UnreadableDocx, match="根元素"):
        read_body(f'<w:body xmlns:w="{W_MAIN}"/>'.encode())
    with pytest.raises(UnreadableDocx, match="无法识别"):
        read_body(b'<document xmlns="urn:other"><body/></document>')
    with pytest.raises(UnreadableDocx, match="altChunk"):
        read_body(make_document('<w:altChunk xmlns:r="urn:r" r:id="rId3"/>'))


def test_style_names() -> None:
    styles = (
        f'<w:styles xmlns:w="{W_MAIN}"><w:style w:type="paragraph" w:styleId="1">'
        '<w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="a3">'
        '<w:name w:val="年报正文"/></w:style></w:styles>'
    ).encode()
    assert style_names(styles) == {"1": "heading 1", "a3": "年报正文"}


def test_table_blocks_carry_grids(make_document: Callable) -> None:
    blocks = read_body(make_document(table("甲")))
    assert isinstance(blocks[0], TableBlock)
    assert (blocks[0].grid.width, blocks[0].grid.height) == (1, 1)


# The Reader takes most paragraphs by a fast path (text gathered in one scan) and
# falls back to the careful rules at any sign of an exception; both must agree.

PIECES: dict[str, tuple[str, str]] = {
    # kind: (markup around {t}, what it reads as: "{t}" or fixed text)
    "run": ('<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{t}</w:t></w:r>', "{t}"),
    "hyperlink": ('<w:hyperlink w:anchor="a"><w:r><w:t>{t}</w:t></w:r></w:hyperlink>', "{t}"),
    "ins": ('<w:ins w:id="1" w:author="a"><w:r><w:t>{t}</w:t></w:r></w:ins>', "{t}"),
    "del": ('<w:del w:id="1" w:author="a"><w:r><w:delText>{t}</w:delText></w:r></w:del>', ""),
    "moveFrom": ('<w:moveFrom w:id="1" w:author="a"><w:r><w:t>{t}</w:t></w:r></w:moveFrom>', ""),
    "instr": ("<w:r><w:instrText>{t}</w:instrText></w:r>", ""),
    "hidden": ("<w:r><w:rPr><w:vanish/></w:rPr><w:t>{t}</w:t></w:r>", ""),
    "br": ("<w:r><w:br/></w:r>", "\n"),
    "tab": ("<w:r><w:tab/></w:r>", " "),
    "sdt": ("<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>{t}</w:t></w:r></w:sdtContent></w:sdt>",
            "{t}"),
    "placeholder": ("<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>{t}"
                    "</w:t></w:r></w:sdtContent></w:sdt>", ""),
    "field": ('<w:fldSimple w:instr=" PAGE "><w:r><w:t>{t}</w:t></w:r></w:fldSimple>', "{t}"),
    "bookmark": ('<w:bookmarkStart w:id="0" w:name="b"/><w:bookmarkEnd w:id="0"/>', ""),
}

paragraphs = st.lists(
    st.tuples(st.sampled_from(sorted(PIECES)), st.text(alphabet="合计年报 a1&<", max_size=4)),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(content=paragraphs)
def test_fast_and_careful_text_agree(content: list[tuple[str, str]],
                                     make_document: Callable) -> None:
    markup = "".join(PIECES[kind][0].format(t=escape(text)) for kind, text in content)
    expected = "".join(PIECES[kind][1].format(t=text) for kind, text in content)
    body = f"<w:p>{markup}</w:p>" + table("").replace("<w:p>", f"<w:p>{markup}", 1)
    blocks = read_body(make_document(body))
    assert blocks[0].text == expected
    assert blocks[1].grid.text(0, 0) == expected
    root = parse_xml(make_document(body))
    assert paragraph_text(root.find(f".//{{{W_MAIN}}}p")) == expected
