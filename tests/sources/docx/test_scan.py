"""The quick scan of a document this program wrote: the texts of top-level tables and
body paragraphs, exactly as the XML parser finds them, for the markup it knows."""

from __future__ import annotations

from xml.sax.saxutils import escape

from hypothesis import given
from hypothesis import strategies as st
from wordxml import document_xml

from nianbao.sources.docx.scan import ScannedBody, scan_body
from nianbao.writing.fastcheck import _parsed_body


def cell(text: str) -> str:
    return f"<w:tc><w:tcPr/><w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p></w:tc>"


def test_tables_and_paragraphs_in_document_order() -> None:
    body = (
        '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>标题</w:t></w:r></w:p>'
        f"<w:tbl><w:tblPr/><w:tr>{cell('1')}{cell('2')}</w:tr></w:tbl>"
        '<w:p><w:r><w:t xml:space="preserve">（一）</w:t></w:r><w:r><w:tab/>'
        "<w:t>正文</w:t></w:r></w:p>"
        f"<w:tbl><w:tr>{cell('—')}</w:tr></w:tbl><w:p/>"
    )
    assert scan_body(document_xml(body)) == ScannedBody(
        tables=[["1", "2"], ["—"]], paragraphs=["标题", "（一）正文", ""])


def test_nested_tables_belong_to_their_top_level_table() -> None:
    inner = f"<w:tbl><w:tr>{cell('内')}</w:tr></w:tbl>"
    body = f"<w:tbl><w:tr><w:tc>{inner}<w:p/></w:tc>{cell('外')}</w:tr></w:tbl><w:p/>"
    scanned = scan_body(document_xml(body))
    assert scanned == ScannedBody(tables=[["内", "外"]], paragraphs=[""])
    assert scanned == _parsed_body(document_xml(body))


def test_references_are_resolved_and_empty_text_nodes_kept() -> None:
    body = ('<w:p><w:r><w:t>A&amp;B &lt;b&gt; &#34;x&#34; &#39;y&#39; &quot;&apos;'
            "&#x4E00;</w:t><w:t/></w:r></w:p>"
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t/></w:r></w:p></w:tc></w:tr></w:tbl>")
    scanned = scan_body(document_xml(body))
    assert scanned == ScannedBody(tables=[[""]], paragraphs=["A&B <b> \"x\" 'y' \"'一"])
    assert scanned == _parsed_body(document_xml(body))


def test_elements_whose_names_begin_alike_are_not_taken_for_p_t_or_tbl() -> None:
    body = ('<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:tab/><w:t>x</w:t></w:r></w:p>'
            '<w:tbl><w:tblPr><w:tblW w:w="0"/></w:tblPr><w:tblGrid/><w:tr><w:tc><w:p>'
            "<w:r><w:t>y</w:t></w:r></w:p></w:tc></w:tr></w:tbl>")
    assert scan_body(document_xml(body)) == ScannedBody(tables=[["y"]], paragraphs=["x"])


# what a data file lets through to the document (values.unprintable refuses the rest)
_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co"),
                              blacklist_characters="\ufffe\uffff"), max_size=12)


@given(st.lists(st.one_of(st.tuples(st.just("p"), st.lists(_TEXT, max_size=3)),
                          st.tuples(st.just("tbl"), st.lists(_TEXT, min_size=1, max_size=4))),
                max_size=6))
def test_scan_agrees_with_the_parser(blocks: list[tuple[str, list[str]]]) -> None:
    """For any texts (escaped, as autoescape writes them) in any order of paragraphs
    and tables, the scan reads what the parser reads."""
    body = "".join(
        "<w:p>" + "".join(f"<w:r><w:t>{escape(t)}</w:t></w:r>" for t in texts) + "</w:p>"
        if kind == "p" else f"<w:tbl><w:tr>{''.join(cell(t) for t in texts)}</w:tr></w:tbl>"
        for kind, texts in blocks)
    assert scan_body(document_xml(body)) == _parsed_body(document_xml(body))
