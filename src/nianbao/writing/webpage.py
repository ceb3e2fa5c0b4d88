"""The web-publication page of a report: the .docx's content as one self-contained
HTML file an office can put on its government website.

Same title, preamble, canonical section headings, paragraphs (the run-in sub-heading
（一）…。 in 楷体), tables and signature as the Word document; the tables carry the
official merge areas as colspan/rowspan, taken from `nianbao.layout` like the Word
template's, so the page and the .docx cannot disagree.

The page is built as an element tree and serialised by lxml, which escapes every text
(a clerk's `A&B <b>` or `{{ x }}` shows literally). It loads nothing: CSS inline, no
scripts, no web fonts, only font names a reader's machine may have. On a phone each
table scrolls inside its own box; printed, it is an A4 page in the GB/T 9704 margins
with table headers repeated on each page.

Like the .docx, a page is read back (with the web-page reader `nianbao import` uses)
and checked against the report before it is saved.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from lxml import etree

from nianbao.errors import Unusable, VerificationFailed
from nianbao.reading.document import read_blocks
from nianbao.report.model import Report, chinese_date
from nianbao.report.prose import resolve_text, split_lead
from nianbao.sources.html import clean_text, read_html
from nianbao.spec.form import load_form
from nianbao.spec.page import BODY_SIZE, LINE_PITCH, TABLE_SIZE, TEXT_WIDTH, TITLE_SIZE, points
from nianbao.spec.page import print_margins_css as _margins
from nianbao.spec.rules import TableValues
from nianbao.spec.tables import COLUMN_HEADER, DATA, GROUP_TITLE, ROW_HEADER, Area, CellKey, Table
from nianbao.spec.values import format_value

if TYPE_CHECKING:  # the read-back's machinery (the Word template's) is imported when used:
    from nianbao.writing.frame import Frame  # `check --review` draws tables without it

Element = etree._Element

SERIF = '"FangSong", "仿宋", "仿宋_GB2312", "STFangsong", serif'
SANS = '"SimHei", "黑体", "Noto Sans CJK SC", sans-serif'
KAI = '"KaiTi", "楷体", "楷体_GB2312", "STKaiti", "AR PL UKai CN", serif'
TITLE = ('"方正小标宋简体", "FZXiaoBiaoSong-B05S", "STZhongsong", "华文中宋", "SimSun", "宋体", '
         '"Noto Serif CJK SC", serif')

# Body and headings as format.md §8 prints them; on screen a readable column, on paper
# the GB/T 9704 版心 (A4 in the margins of `nianbao.spec.page`, 3号 text on its line pitch).
_PITCH = f"{points(LINE_PITCH)}pt"
CSS = f"""
*, *::before, *::after {{ box-sizing: border-box; }}
html {{ -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}
body {{ margin: 0; color: #000; background: #fff; font-family: {SERIF};
  font-size: 16px; line-height: 1.8; overflow-wrap: anywhere; }}
.report {{ max-width: 64rem; margin: 0 auto; padding: 2rem 1rem 3rem; }}
h1 {{ font-family: {TITLE}; font-size: 1.75em; font-weight: normal; line-height: 1.5;
  text-align: center; margin: 0 0 1.5rem; }}
h2 {{ font-family: {SANS}; font-size: 1.0625em; font-weight: bold; line-height: 1.8;
  text-indent: 2em; margin: 1.25rem 0 .5rem; }}
p {{ text-indent: 2em; text-align: justify; margin: 0 0 .5rem; }}
@media (min-width: 48rem) {{ body {{ font-size: 18px; }} }}
@media (max-width: 30rem) {{ p {{ text-align: left; }} }}
.lead {{ font-family: {KAI}; font-weight: bold; }}
.closing {{ margin-top: 2.5rem; }}
.closing p {{ text-indent: 0; text-align: right; padding-right: 2em; margin: 0; }}
.table-wrap {{ overflow-x: auto; margin: .75rem 0 1.25rem; }}
.table-wrap:focus-visible {{ outline: 2px solid #1a5fb4; outline-offset: 2px; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; font-size: .875rem;
  line-height: 1.5; }}
th, td {{ border: 1px solid #000; padding: .3em .25em; text-align: center;
  vertical-align: middle; font-weight: normal; }}
th[scope=col], th[scope=colgroup], th[scope=rowgroup] {{ font-family: {SANS};
  font-weight: bold; }}
td.note {{ font-size: .8125rem; }}
@media print {{
  @page {{ size: A4; margin: {_margins()}; }}
  body {{ font-size: {BODY_SIZE}pt; line-height: {_PITCH}; }}
  .report {{ max-width: none; padding: 0; }}
  h1 {{ font-size: {TITLE_SIZE}pt; line-height: 1.6; margin: 0 0 {_PITCH}; }}
  h2 {{ font-size: {BODY_SIZE}pt; line-height: {_PITCH}; margin: 0; break-after: avoid; }}
  p {{ margin: 0; orphans: 2; widows: 2; }}
  .closing {{ margin-top: {_PITCH}; break-inside: avoid; }}
  .table-wrap {{ overflow: visible !important; margin: 6pt 0 12pt; }}
  table {{ min-width: 0 !important; font-size: {TABLE_SIZE}pt; }}
  thead {{ display: table-header-group; }}
  tr {{ break-inside: avoid; }}
}}
"""


def render_html(report: Report) -> str:
    """The page of a report, as HTML text."""
    html = etree.Element("html", lang="zh-CN")
    head = _add(html, "head")
    _add(head, "meta", charset="utf-8")
    _add(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _add(head, "meta", name="generator", content="nianbao")
    _add(head, "title", report.full_title)
    _add(head, "style", CSS)
    body = _add(html, "body")
    main = _add(_add(body, "main"), "article", **{"class": "report"})
    _add(main, "h1", report.full_title)
    text = resolve_text(report)
    _paragraphs(main, text.get("preamble", []))
    for section in report.form.sections:
        heading_id = f"s-{section.id}"
        part = _add(main, "section", **{"aria-labelledby": heading_id})
        _add(part, "h2", section.heading, id=heading_id)
        _paragraphs(part, text.get(section.id, []))
        if section.table:
            _table(part, report, report.form.tables[section.table], heading_id)
    closing = _add(main, "div", **{"class": "closing"})
    _add(closing, "p", report.office.signature, **{"class": "signature"})
    _add(closing, "p", chinese_date(report.date), **{"class": "date"})
    return etree.tostring(html, method="html", encoding="unicode", pretty_print=True,
                          doctype="<!DOCTYPE html>")


def render_page(report: Report) -> bytes:
    """The page as UTF-8 bytes, read back and checked (raises VerificationFailed)."""
    page = render_html(report).encode("utf-8")
    verify_page(report, page)
    return page


def verify_page(report: Report, page: bytes) -> None:
    """Read the page as `nianbao import` reads a saved web page; every cell must hold
    the report's value, every rule hold, every paragraph be there as a browser shows
    it (runs of spaces collapsed). Raises VerificationFailed."""
    from nianbao.writing.verify import verify_read_back

    try:
        read = read_blocks(read_html(page))
    except Unusable as exc:
        raise VerificationFailed(report.source or "", [str(exc)]) from None
    verify_read_back(report, read, _page_frame(report.form.version), shown=clean_text)


@cache
def _page_frame(form_version: str) -> Frame:
    """The page's frame of fixed text (its headings), found as a template's is."""
    from nianbao.writing.frame import frame_of, marked_report

    marked = marked_report(load_form(form_version))
    return frame_of(marked, read_blocks(read_html(render_html(marked).encode("utf-8"))), "网页")


def _add(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    """A child element; lxml escapes its text and attributes when serialising."""
    element = etree.SubElement(parent, tag, attrs)
    if text:
        element.text = text
    return element


def _paragraphs(parent: Element, paragraphs: list[str]) -> None:
    """Paragraphs, a run-in sub-heading (（一）主动公开方面。) set off as in the .docx."""
    for paragraph in paragraphs:
        lead, rest = split_lead(paragraph)
        p = _add(parent, "p")
        if lead:
            _add(p, "span", lead, **{"class": "lead"}).tail = rest or None
        else:
            p.text = rest


def _table(parent: Element, report: Report, table: Table, heading_id: str) -> None:
    draw_table(parent, table, report.tables[table.id], heading_id, scroll_name(table))


def scroll_name(table: Table, within: str = "") -> str:
    """The accessible name of a table's scroll box: a landmark of its own, so it must
    not share the name of the section around it (axe: landmark-unique)."""
    return f"{within}{table.key}（可左右滚动）"


def draw_table(parent: Element, table: Table, values: TableValues,
               heading_id: str, name: str) -> dict[CellKey, Element]:
    """A table in its scroll box: column widths in the Word template's proportions,
    the header rows in <thead> (repeated on printed pages), table 二's groups each a
    <tbody> that its title row heads. Returns the data cells' elements, for a page that
    marks some of them (the review page of `nianbao check`). `name`: the scroll box's
    accessible name (`scroll_name`), distinct on the page."""
    drawn: dict[CellKey, Element] = {}
    wrap = _add(parent, "div", **{"class": "table-wrap", "style": "overflow-x:auto",
                                  "role": "region", "tabindex": "0", "aria-label": name})
    columns = table.grid_size[1]
    element = _add(wrap, "table", **{"class": table.id, "aria-labelledby": heading_id,
                                     "style": f"min-width:{_min_width_em(columns)}em"})
    colgroup = _add(element, "colgroup")
    for width in table.column_widths(TEXT_WIDTH):
        _add(colgroup, "col", style=f"width:{100 * width / TEXT_WIDTH:.2f}%")
    rows: dict[int, list[Area]] = {}
    for area in table.areas():
        rows.setdefault(area.top, []).append(area)
    head = table.header_rows
    group: Element | None = None
    for r in range(table.grid_size[0]):
        cells = sorted(rows.get(r, []), key=lambda a: a.left)
        if r == 0 or r == head or any(a.role == GROUP_TITLE for a in cells):
            group = _add(element, "thead" if r < head else "tbody")
        assert group is not None
        tr = _add(group, "tr")
        for area in cells:
            if area.role == DATA and area.cell is not None:  # a data area has its cell
                text = format_value(values.get(area.cell))
            else:
                text = area.text
            tag, attrs = _cell(area, head)
            shown = _add(tr, tag, text, **attrs)
            if area.role == DATA and area.cell is not None:
                drawn[area.cell] = shown
    return drawn


def _cell(area: Area, head: int) -> tuple[str, dict[str, str]]:
    """Tag and attributes of a merge area: <th> with the scope it heads, <td> for data
    and the 勾稽 note."""
    attrs = {}
    if area.row_span > 1:
        attrs["rowspan"] = str(area.row_span)
    if area.col_span > 1:
        attrs["colspan"] = str(area.col_span)
    if area.role == DATA:
        return "td", attrs
    scope = header_scope(area, head)
    if scope is None:
        return "td", {**attrs, "class": "note"}
    return "th", {**attrs, "scope": scope}


def header_scope(area: Area, head: int) -> str | None:
    """What a header area heads (its <th scope>), for the published page and the
    workspace's editor alike; None for a data cell or the 勾稽 note. `head`: the number
    of header rows."""
    if area.role == COLUMN_HEADER:
        # a header above the last header row heads a group of columns (申请人情况)
        return "colgroup" if area.bottom < head - 1 else "col"
    return {ROW_HEADER: "row", GROUP_TITLE: "rowgroup"}.get(area.role)


def _min_width_em(columns: int) -> int:
    """How wide a table stays on a narrow screen (it scrolls in its box instead of
    squeezing its numbers): about 4.65em a grid column, never under 30em."""
    return max(30, round(columns * 4.65))
