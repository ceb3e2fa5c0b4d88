"""A Word document's body in reading order: paragraphs and tables, as a checker sees
them, with content controls and custom XML wrappers opened up.

Text follows the rules of `grid.paragraph_text_of` (split runs joined; deleted text,
field codes, hidden runs, placeholders and text boxes left out), so a paragraph and a
table cell read alike.
"""

from __future__ import annotations

from lxml import etree

from nianbao.sources.blocks import Block, ParagraphBlock, TableBlock
from nianbao.sources.docx.grid import ALT_CHUNK, Reader, Tags, paragraph_text_of, tags_for
from nianbao.sources.docx.package import UnreadableDocx, parse_xml


def read_body(document_xml: bytes) -> list[Block]:
    """The paragraphs and top-level tables of a document.xml, in body order."""
    root = parse_xml(document_xml)
    tags = tags_for(root)
    if root.tag != tags.document:
        raise UnreadableDocx("不是 Word 文档的正文部分（根元素不是 w:document）")
    body = root.find(tags.body)
    if body is None:
        return []
    reader = Reader(body)
    blocks: list[Block] = []
    p_tag, tbl_tag = tags.p, tags.tbl
    for child in reader.children(body):
        tag = child.tag
        if tag == p_tag:
            blocks.append(ParagraphBlock(reader.paragraph(child), _style(child, tags)))
        elif tag == tbl_tag:
            blocks.append(TableBlock(reader.table(child)))
        elif tag == tags.altChunk:
            raise UnreadableDocx(ALT_CHUNK)
    return blocks


def paragraph_text(p: etree._Element) -> str:
    """The visible text of one `w:p` element (either OOXML namespace)."""
    return paragraph_text_of(p)


def _style(p: etree._Element, tags: Tags) -> str | None:
    """w:pStyle; the schema puts w:pPr first in a paragraph, which saves a search."""
    properties = p[0] if len(p) else None
    if properties is None or properties.tag != tags.pPr:
        properties = p.find(tags.pPr)
        if properties is None:
            return None
    style = next(properties.iterchildren(tags.pStyle), None)
    return None if style is None else style.get(tags.val)


def style_names(styles_xml: bytes) -> dict[str, str]:
    """Style id -> style name from word/styles.xml. Ids are not stable across Word
    languages (a Chinese Word saves "标题 1" with id "1" and name "heading 1"), so
    compare names, which Word keeps in English for built-in styles."""
    root = parse_xml(styles_xml)
    tags = tags_for(root)
    names: dict[str, str] = {}
    for style in root.iter(f"{{{tags.ns}}}style"):
        style_id = style.get(f"{{{tags.ns}}}styleId")
        name = style.find(f"{{{tags.ns}}}name")
        if style_id is not None and name is not None:
            names[style_id] = name.get(tags.val, "")
    return names
