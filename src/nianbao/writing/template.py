"""Builds the Word template of a form version from its form file.

The template is an ordinary .docx a clerk may restyle in Word or WPS: named paragraph
styles carry the GB/T 9704 layout (format.md §8), labels are static text, and the
report's data enter through Jinja placeholders in docxtpl's syntax ({{ }}, {%p %}).
Run `python -m nianbao.writing.template` (or `nianbao build-templates`) after changing a form.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.shared import Mm, Pt, Twips
from docx.styles.style import CharacterStyle
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from nianbao.resources import template_path
from nianbao.spec.form import FORM_VERSIONS, Form, load_form
from nianbao.spec.page import (
    BODY_FONT,
    BODY_SIZE,
    CELL_MARGIN,
    FOOTER_DISTANCE_MM,
    FOOTER_SIZE,
    HEI,
    KAI,
    LATIN_FONT,
    LINE_PITCH,
    MARGINS,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    ROW_HEIGHT,
    SONG,
    STYLE_BODY,
    STYLE_CELL,
    STYLE_FOOTER,
    STYLE_H1,
    STYLE_HEADER_CELL,
    STYLE_LAST,
    STYLE_LEAD,
    STYLE_SIGNATURE,
    STYLE_TITLE,
    TABLE_SIZE,
    TEXT_WIDTH,
    TITLE_FONT,
    TITLE_LINE,
    TITLE_SIZE,
)
from nianbao.spec.tables import GROUP_TITLE, HEADER_ROLES, ROW_HEADER, Table
from nianbao.writing.filler import BODY_TAG, LEAD_TAG, VALUE_TAGS, loop_tags

# w:pPr children that must follow w:snapToGrid (ECMA-376 schema order)
_AFTER_SNAP_TO_GRID = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                       "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                       "w:outlineLvl", "w:rPr", "w:sectPr", "w:pPrChange")



def _fonts(style: CharacterStyle, east_asia: str, size: float) -> None:
    font = style.font
    font.name = LATIN_FONT
    font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)
    rfonts.set(qn("w:cs"), LATIN_FONT)


def _paragraph_style(doc: DocxDocument, name: str, east_asia: str, size: float, *,
                     align: WD_ALIGN_PARAGRAPH | None = None, first_line: bool = False,
                     exact_pitch: bool = True, right_chars: int = 0,
                     keep_next: bool = False) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    _fonts(style, east_asia, size)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if exact_pitch:
        fmt.line_spacing = Twips(LINE_PITCH)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    else:  # tables, title, footer: their own line height, not the body's 22-line grid
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        style.element.get_or_add_pPr().insert_element_before(snap, *_AFTER_SNAP_TO_GRID)
    if align is not None:
        fmt.alignment = align
    fmt.keep_with_next = keep_next
    if first_line:
        ind = style.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "200")
        ind.set(qn("w:firstLine"), str(int(size * 20 * 2)))
    if right_chars:
        ind = style.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:rightChars"), str(right_chars))
        ind.set(qn("w:right"), str(int(size * 20 * right_chars / 100)))


def _styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.space_after = Pt(0)
    _paragraph_style(doc, STYLE_TITLE, TITLE_FONT, TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER,
                     exact_pitch=False, keep_next=True)
    doc.styles[STYLE_TITLE].paragraph_format.line_spacing = Pt(TITLE_LINE)
    _paragraph_style(doc, STYLE_H1, HEI, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                     first_line=True, keep_next=True)
    _paragraph_style(doc, STYLE_BODY, BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                     first_line=True)
    _paragraph_style(doc, STYLE_LAST, BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                     first_line=True, keep_next=True)
    _paragraph_style(doc, STYLE_SIGNATURE, BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT,
                     right_chars=200)
    _paragraph_style(doc, STYLE_CELL, BODY_FONT, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER,
                     exact_pitch=False)
    _paragraph_style(doc, STYLE_HEADER_CELL, HEI, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER,
                     exact_pitch=False)
    _paragraph_style(doc, STYLE_FOOTER, SONG, FOOTER_SIZE, exact_pitch=False)
    lead = doc.styles.add_style(STYLE_LEAD, WD_STYLE_TYPE.CHARACTER)
    lead.quick_style = True
    _fonts(lead, KAI, BODY_SIZE)


def _page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin, section.left_margin = Twips(MARGINS["top"]), Twips(MARGINS["left"])
    section.right_margin = Twips(MARGINS["right"])
    section.bottom_margin = Twips(MARGINS["bottom"])
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT, "right")
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT, "left")


def _page_number(paragraph: DocxParagraph, align: WD_ALIGN_PARAGRAPH, side: str) -> None:
    """"— 1 —": 4号 宋体 between em dashes, one character in from the edge. Word reads
    the inset in characters (w:rightChars); LibreOffice ignores those and reads only
    twips (w:right), so both are given, as the body styles do."""
    paragraph.style = STYLE_FOOTER
    paragraph.alignment = align
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn(f"w:{side}Chars"), "100")
    ind.set(qn(f"w:{side}"), str(FOOTER_SIZE * 20))
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif text is not None:
            run.text = text
    paragraph.add_run(" —")


def _prose(doc: DocxDocument, key: str, style: str = STYLE_BODY) -> None:
    """A repeated paragraph: the run-in sub-heading (楷体) and the body text."""
    start, end = loop_tags(key)
    doc.add_paragraph(start, style=STYLE_BODY)
    paragraph = doc.add_paragraph(style=style)
    paragraph.add_run(LEAD_TAG, style=STYLE_LEAD)
    paragraph.add_run(BODY_TAG)
    doc.add_paragraph(end, style=STYLE_BODY)


# --- tables ---------------------------------------------------------------------------

def _new_table(doc: DocxDocument, rows: int, widths: list[int]) -> DocxTable:
    """A fixed-width table of the 版心's width. Its cells' side margins are narrow
    (CELL_MARGIN, not Word's 0.19 cm): with Word's, a number of 4 digits wraps in a
    column of table 三 and prints as "409" over "6"."""
    table: DocxTable = doc.add_table(rows=rows, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        row.height, row.height_rule = Twips(ROW_HEIGHT), WD_ROW_HEIGHT_RULE.AT_LEAST
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Twips(width)
        for cell in col.cells:
            cell.width = Twips(width)
    table_width = table._tbl.tblPr.find(qn("w:tblW"))
    assert table_width is not None  # python-docx makes every table with one
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(sum(widths)))
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    assert look is not None  # python-docx makes every table with one, last of w:tblPr
    look.addprevious(margins)
    return table


def _put(table: DocxTable, top: int, left: int, bottom: int, right: int, text: str,
         style: str = STYLE_CELL) -> None:
    """Write text into the merge area rows top..bottom, columns left..right (inclusive)."""
    cell = table.cell(top, left)
    if (bottom, right) != (top, left):
        cell = cell.merge(table.cell(bottom, right))
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    paragraph.text = text


def _repeat_header(table: DocxTable, count: int) -> None:
    for row in table.rows[:count]:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _kept_groups(table: Table) -> list[tuple[int, int]]:
    """Grid rows (first, last) a page break must not fall between: the column header
    with the first row under it; each 第二十条 group of table 二 from its title row to
    its last row (a title alone at the foot of a page reads as an empty item); each
    innermost vertically merged row label of table 三, such as （五）不予处理 (cut by a
    page break, the label is printed in two halves). An outer label spanning most of
    the table (三、本年度办理结果) is not kept whole: it could not fit on one page with
    what comes before it."""
    areas = table.areas()
    kept = [(0, table.header_rows)] if table.header_rows else []
    titles = [a.top for a in areas if a.role == GROUP_TITLE]
    ends = [*titles[1:], table.grid_size[0]] if titles else []
    kept += [(top, end - 1) for top, end in zip(titles, ends, strict=True)]
    merged = [a for a in areas if a.role == ROW_HEADER and a.row_span > 1]
    kept += [(a.top, a.bottom) for a in merged
             if not any(b is not a and a.top <= b.top and b.bottom <= a.bottom
                        and b.left > a.left for b in merged)]
    return kept


def _keep_rows_together(docx_table: DocxTable, table: Table) -> None:
    """No row is split over two pages (w:cantSplit), and the rows of each kept group
    stay on one page where they fit: w:cantSplit holds one row only, so every paragraph
    of every row but the group's last is kept with the next (w:keepNext), which Word
    and LibreOffice honour across table rows."""
    rows = docx_table.rows
    for row in rows:
        row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
    for first, last in _kept_groups(table):
        for row in rows[first:last]:
            for p in row._tr.iter(qn("w:p")):  # a merged cell's continuations too
                cast(CT_P, p).get_or_add_pPr().keepNext_val = True


def _placeholder(table: Table, row_id: str, column_id: str) -> str:
    return "{{ " + ".".join((table.id, *table.cell_path(row_id, column_id))) + " }}"


def _layout_table(doc: DocxDocument, table: Table) -> None:
    """A table of the form with the official merge areas (`Table.areas`, shared
    with the web page); labels are static text, data cells placeholders."""
    docx_table = _new_table(doc, table.grid_size[0], table.column_widths(TEXT_WIDTH))
    for area in table.areas():
        text = area.text if area.cell is None else _placeholder(table, *area.cell)
        style = STYLE_HEADER_CELL if area.role in HEADER_ROLES else STYLE_CELL
        _put(docx_table, area.top, area.left, area.bottom, area.right, text, style)
    _repeat_header(docx_table, table.header_rows)
    _keep_rows_together(docx_table, table)


def _chinese_language(doc: DocxDocument) -> None:
    """Mark East Asian text as Simplified Chinese (python-docx's default template says
    en-US in the styles and ja-JP in the theme): a renderer picks glyph shapes by it,
    and Japanese shapes are wrong for this report."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    theme = doc.settings.element.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:eastAsia"), "zh-CN")


# Parts of python-docx's default template that describe another document: a copy of
# its styles for Word 2010 (Word repairs a package whose copy disagrees with
# styles.xml, and ours adds 13 styles), a bibliography store, a thumbnail of a page.
_STALE_PARTS = frozenset((
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
))
_APP_XML = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<Properties xmlns="
            b'"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            b"<Application>nianbao</Application><DocSecurity>0</DocSecurity></Properties>")


# The report's Chinese fonts as a Word font table describes them: GB2312 (charset 86),
# and the name Windows 10 and later ship the face under (they have 仿宋 and 楷体, not
# the _GB2312 faces of older systems), which Word tries when the named font is missing.
_FONT_TABLE_ENTRIES = ((BODY_FONT, "仿宋", "modern", "fixed"), (KAI, "楷体", "modern", "fixed"),
                       (HEI, "SimHei", "modern", "fixed"), (SONG, "SimSun", "auto", "variable"),
                       (TITLE_FONT, None, "auto", "variable"))


def _font_table(part: Part) -> None:
    """python-docx's font table lists Japanese faces (ＭＳ 明朝, ＭＳ ゴシック, charset 80)
    no style uses, and none of the report's fonts: those replace them."""
    fonts = etree.fromstring(part.blob)
    for font in fonts.findall(qn("w:font")):
        charset = font.find(qn("w:charset"))
        if charset is not None and charset.get(qn("w:val")) == "80":
            fonts.remove(font)
    for name, alternative, family, pitch in _FONT_TABLE_ENTRIES:
        font = etree.SubElement(fonts, qn("w:font"), {qn("w:name"): name})
        if alternative:
            etree.SubElement(font, qn("w:altName"), {qn("w:val"): alternative})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})
        etree.SubElement(font, qn("w:family"), {qn("w:val"): family})
        etree.SubElement(font, qn("w:pitch"), {qn("w:val"): pitch})
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8",
                                standalone=True)


def _clean_package(doc: DocxDocument) -> None:
    """Drop what python-docx's default template says of another document: the parts of
    _STALE_PARTS (a part no relationship reaches is not saved, nor its content type),
    its extended properties ("Microsoft Macintosh Word", 1 page, 0 words) for ones that
    claim nothing a report would contradict, and its core properties' description
    ("generated by python-docx") and dates (2013; every report copies this part, and
    a date of the template's build would be wrong in each of them)."""
    for rels in (doc.part.rels, doc.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype in _STALE_PARTS:
                del rels[r_id]
            elif rel.reltype.endswith("/extended-properties"):
                rel.target_part._blob = _APP_XML
            elif rel.reltype.endswith("/fontTable"):
                _font_table(rel.target_part)
    doc.core_properties.comments = ""
    core = doc.core_properties._element
    for name in ("dcterms:created", "dcterms:modified"):
        for element in core.findall(qn(name)):
            core.remove(element)


def build_template(form: Form) -> DocxDocument:
    doc = Document()
    _chinese_language(doc)
    _styles(doc)
    _page(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    doc.add_paragraph(VALUE_TAGS["title"], style=STYLE_TITLE)
    doc.add_paragraph("", style=STYLE_BODY)
    _prose(doc, "preamble")
    last = form.sections[-1]
    for section in form.sections:
        doc.add_paragraph(section.heading, style=STYLE_H1)
        # the last section stays on the page of the signature: never a page of a
        # signature alone
        _prose(doc, section.id, STYLE_LAST if section is last else STYLE_BODY)
        if section.table:
            table = form.tables[section.table]
            _layout_table(doc, table)
            doc.add_paragraph("", style=STYLE_BODY)
    doc.add_paragraph("", style=STYLE_LAST)
    doc.add_paragraph(VALUE_TAGS["signature"], style=STYLE_SIGNATURE)
    doc.add_paragraph(VALUE_TAGS["date"], style=STYLE_SIGNATURE)
    doc.core_properties.title = "政府信息公开工作年度报告"
    doc.core_properties.author = "nianbao"
    _clean_package(doc)
    return doc


def write_templates(folder: Path | None = None) -> list[Path]:
    written = []
    for version in FORM_VERSIONS:
        path = template_path(version) if folder is None else folder / template_path(version).name
        build_template(load_form(version)).save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_templates():
        print(path)
