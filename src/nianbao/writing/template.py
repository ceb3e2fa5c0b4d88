"""Builds the Word template of a form version from its form file.

The template is an ordinary .docx a clerk may restyle in Word or WPS: named paragraph
styles carry the GB/T 9704 layout (format.md §8), labels are static text, and the
report's data enter through Jinja placeholders in docxtpl's syntax ({{ }}, {%p %}).
Run `python -m nianbao.writing.template` (or `nianbao build-templates`) after changing a form.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx.styles.style import CharacterStyle
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from nianbao.resources import template_path
from nianbao.spec.form import FORM_VERSIONS, Form, load_form
from nianbao.spec.page import (
    BODY_FONT,
    BODY_SIZE,
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
from nianbao.spec.tables import HEADER_ROLES, Table
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
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT, "w:rightChars")
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT,
                 "w:leftChars")


def _page_number(paragraph: DocxParagraph, align: WD_ALIGN_PARAGRAPH, indent: str) -> None:
    """"— 1 —": 4号 宋体 between em dashes, one character in from the edge."""
    paragraph.style = STYLE_FOOTER
    paragraph.alignment = align
    paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn(indent), "100")
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
        tr_pr = row._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        tr_pr.append(header)
        cant_split = OxmlElement("w:cantSplit")
        tr_pr.append(cant_split)


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
