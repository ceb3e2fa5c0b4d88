"""Reading back, fast, the documents rendered from one template: for a batch of
thousands of reports.

The template is proven once per process with the full reader: it is rendered with a
distinct mark in every cell, and the marks are found by reading the tables as
`nianbao check` reads any report (labels, merges) — so each cell's position among the
text nodes of its table is known, and a template that puts a cell in the wrong place is
refused before any report is rendered. The quick scan of `docx.scan` is proven on the
same document to read it exactly as the XML parser does.

Each report's document XML, as just rendered, is then scanned: its cells are taken
from the proven positions, its paragraphs from the body, and both compared with the
report (the paragraphs with the template's frame of fixed text, `frame`). Parsing the
XML would cost more than the render itself; the scan can stand in for it because every
text in the document went through autoescape (a template that marks anything `|safe`
is parsed every time). A document that does not have the proven shape, or whose
paragraphs are not the expected ones, is read the slow way instead, which decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lxml import etree

from nianbao.errors import VerificationFailed
from nianbao.reading.document import read_document_xml
from nianbao.report.model import Paragraph, Report
from nianbao.sources.blocks import UnreadableSource
from nianbao.sources.docx.grid import W_MAIN
from nianbao.sources.docx.package import MAIN_DOCUMENT, parse_xml
from nianbao.sources.docx.scan import ScannedBody, scan_body
from nianbao.spec.form import Form
from nianbao.spec.tables import CellKey
from nianbao.spec.values import format_value
from nianbao.writing.filler import CompiledTemplate, render_context
from nianbao.writing.frame import find_frame, marked_report, template_frame
from nianbao.writing.verify import verify_document_xml

_T, _P, _TBL, _BODY = (f"{{{W_MAIN}}}{tag}" for tag in ("t", "p", "tbl", "body"))
# marks are numbers (the reader takes table 四's data row to be the first row holding
# numbers), none of which a calibration's own cells hold
_MARK_BASE = 9_000_000
_MARK = re.compile(r"^9\d{6}$")
_ESCAPED = "A&B <b>\"引号\" 'x' &amp;"
_ESCAPED_LEAD = f"（一）标题。{_ESCAPED}"
_ESCAPED_TITLE = f"{_ESCAPED}2024年度政府信息公开工作年度报告"  # set on two lines


@dataclass(frozen=True)
class _Spot:
    table: str
    cell: CellKey


class FastCheck:
    """The proven cell positions of one template and form."""

    def __init__(self, template: CompiledTemplate, form: Form) -> None:
        self.template, self.form = template, form
        self.full_frame = template_frame(template, form.version)
        sample = marked_report(form)
        rendered = template.render_parts(render_context(sample))[MAIN_DOCUMENT]
        verify_document_xml(sample, rendered, self.full_frame)  # the template, in full
        # the frame as the scan sees the body (its paragraphs only, not those nested
        # in content controls, which the full reader also reads)
        self.frame = find_frame(sample, _printed(_parsed_body(rendered).paragraphs),
                                template.path.name)
        self.spots = self._calibrate(sample)
        self.scannable = template.escapes_everything and self._scan_agrees(sample)

    def _calibrate(self, sample: Report) -> list[dict[int, _Spot]]:
        """Render a distinct number in every cell; find each with the full reader (so
        it is in the right row and column) and among its table's text nodes."""
        ctx = render_context(sample)
        marks: dict[int, _Spot] = {}
        for tid, table in self.form.tables.items():
            for cell in table.cells():
                node = ctx[tid]
                *parents, leaf = table.cell_path(*cell.key)
                for part in parents:
                    node = node[part]
                node[leaf] = str(_MARK_BASE + len(marks))
                marks[len(marks)] = _Spot(tid, cell.key)
        document_xml = self.template.render_parts(ctx)[MAIN_DOCUMENT]
        read = read_document_xml(document_xml)
        for number, spot in marks.items():
            if read.tables[spot.table].get(spot.cell) != _MARK_BASE + number:
                raise VerificationFailed(self.template.path, [
                    f"模板中{self.form.tables[spot.table].describe(*spot.cell)}的位置不对"])
        positions: list[dict[int, _Spot]] = []
        for texts in _parsed_body(document_xml).tables:
            found = {}
            for index, text in enumerate(texts):
                match = _MARK.match(text)
                if match:
                    found[index] = marks[int(text) - _MARK_BASE]
            positions.append(found)
        if sum(len(p) for p in positions) != len(marks):
            raise VerificationFailed(self.template.path, ["模板中有的数字格重复或缺失"])
        return positions

    def _scan_agrees(self, sample: Report) -> bool:
        """Whether the scan reads the template's documents as the XML parser does: with
        every paragraph loop run (a paragraph with a run-in heading and one without, in
        every section) and text that has to be escaped."""
        varied = replace(sample, text={key: [Paragraph(text=_ESCAPED_LEAD), Paragraph(
            text=_ESCAPED)] for key in sample.text}, title=_ESCAPED_TITLE)
        document_xml = self.template.render_parts(render_context(varied))[MAIN_DOCUMENT]
        return scan_body(document_xml) == _parsed_body(document_xml)

    def verify(self, report: Report, document_xml: bytes) -> None:
        """Every cell and paragraph of a rendered document (its word/document.xml)
        against the report; raises VerificationFailed."""
        body = scan_body(document_xml) if self.scannable else _parsed_body(document_xml)
        if len(body.tables) != len(self.spots):
            verify_document_xml(report, document_xml, self.full_frame)
            return
        problems = []
        for texts, spots in zip(body.tables, self.spots, strict=True):
            for index, spot in spots.items():
                want = format_value(report.tables[spot.table].get(spot.cell))
                found = texts[index] if index < len(texts) else None
                if found != want:
                    table = self.form.tables[spot.table]
                    problems.append(f"{table.describe(*spot.cell)}：应为 {want}，"
                                    f"文档中为 “{found}”")
        if problems:
            raise VerificationFailed(report.source or "", problems)
        if self.frame.paragraphs(report) != _printed(body.paragraphs):
            verify_document_xml(report, document_xml, self.full_frame)


def _parsed_body(document_xml: bytes) -> ScannedBody:
    """What `scan_body` finds, found by the XML parser (which also proves the XML
    well-formed)."""
    try:
        body = parse_xml(document_xml).find(_BODY)
    except UnreadableSource:
        return ScannedBody()  # no tables: read the slow way, which names the problem
    if body is None:
        return ScannedBody()
    return ScannedBody([_texts(tbl) for tbl in body.iterchildren(_TBL)],
                       ["".join(_texts(p)) for p in body.iterchildren(_P)])


def _texts(element: etree._Element) -> list[str]:
    return [t.text or "" for t in element.iter(_T)]


def _printed(paragraphs: list[str]) -> list[str]:
    """The paragraphs with text, as the full reader takes them."""
    return [text.strip() for text in paragraphs if text.strip()]
