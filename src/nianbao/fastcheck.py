"""Reading back, fast, the documents rendered from one template: for a batch of
thousands of reports.

The template is proven once per process with the full reader: it is rendered with a
distinct mark in every cell, and the marks are found by reading the tables as
`nianbao check` reads any report (labels, merges) — so each cell's position among the
text nodes of its table is known, and a template that puts a cell in the wrong place is
refused before any report is rendered. Each report's document is then parsed and its
cells are taken from those positions in the XML just written, its paragraphs from the
body, and both compared with the report; a document that does not have the proven
shape is read the slow way instead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml import etree

from .boilerplate import resolve_text
from .datafile import blank_report
from .docx.grid import W_MAIN
from .docx.package import DocxPackage, parse_xml
from .filler import CompiledTemplate, render_context
from .form import Form
from .model import Report, chinese_date
from .office import Office
from .reader import read_report
from .rules import CellKey
from .values import format_value
from .verify import VerificationFailed, verify_rendered

_T, _P, _TBL, _BODY = (f"{{{W_MAIN}}}{tag}" for tag in ("t", "p", "tbl", "body"))
# marks are numbers (the reader takes table 四's data row to be the first row holding
# numbers), none of which a calibration's own cells hold
_MARK_BASE = 9_000_000
_MARK = re.compile(r"^9\d{6}$")
_SAMPLE_OFFICE = Office(id="", name="某机关", contact_unit="办公室", phone="0",
                        address="某地", signature="某机关")


@dataclass(frozen=True)
class _Spot:
    table: str
    cell: CellKey


class FastCheck:
    """The proven cell positions of one template and form."""

    def __init__(self, template: CompiledTemplate, form: Form) -> None:
        self.template, self.form = template, form
        year = form.first_year or form.last_year or 2021
        sample = blank_report(form, _SAMPLE_OFFICE, "", year, dt.date(year + 1, 1, 20))
        verify_rendered(sample, template.render(sample))  # the template, checked in full
        self.spots = self._calibrate(sample)

    def _calibrate(self, sample: Report) -> list[dict[int, _Spot]]:
        """Render a distinct number in every cell; find each with the full reader (so
        it is in the right row and column) and among its table's text nodes."""
        ctx = render_context(sample)
        marks: dict[int, _Spot] = {}
        for tid, table in self.form.tables.items():
            for cell in table.cells():
                node = ctx[tid] if cell.row.id == "-" else ctx[tid][cell.row.id]
                *parents, leaf = cell.column.id.split(".")
                for part in parents:
                    node = node[part]
                node[leaf] = str(_MARK_BASE + len(marks))
                marks[len(marks)] = _Spot(tid, cell.key)
        document_xml = DocxPackage(self.template.render_context(ctx)).document_xml()
        read = read_report(document_xml)
        for number, spot in marks.items():
            if read.tables[spot.table].get(spot.cell) != _MARK_BASE + number:
                raise VerificationFailed(self.template.path, [
                    f"模板中{self.form.tables[spot.table].describe(*spot.cell)}的位置不对"])
        positions: list[dict[int, _Spot]] = []
        for tbl in _tables(parse_xml(document_xml)):
            found = {}
            for index, text in enumerate(_texts(tbl)):
                match = _MARK.match(text)
                if match:
                    found[index] = marks[int(text) - _MARK_BASE]
            positions.append(found)
        if sum(len(p) for p in positions) != len(marks):
            raise VerificationFailed(self.template.path, ["模板中有的数字格重复或缺失"])
        return positions

    def verify(self, report: Report, document: bytes) -> None:
        """Every cell and paragraph of a rendered document against the report; raises
        VerificationFailed."""
        root = parse_xml(DocxPackage(document).document_xml())
        tables = _tables(root)
        if len(tables) != len(self.spots):
            verify_rendered(report, document)
            return
        problems = []
        for tbl, spots in zip(tables, self.spots, strict=True):
            texts = _texts(tbl)
            for index, spot in spots.items():
                want = format_value(report.tables[spot.table].get(spot.cell))
                found = texts[index] if index < len(texts) else None
                if found != want:
                    table = self.form.tables[spot.table]
                    problems.append(f"{table.describe(*spot.cell)}：应为 {want}，"
                                    f"文档中为 “{found}”")
        problems += _missing_paragraphs(report, root)
        if problems:
            raise VerificationFailed(report.source or "", problems)


def _tables(root: etree._Element) -> list[etree._Element]:
    body = root.find(_BODY)
    return [] if body is None else body.findall(_TBL)


def _texts(tbl: etree._Element) -> list[str]:
    return [t.text or "" for t in tbl.iter(_T)]


def _missing_paragraphs(report: Report, root: etree._Element) -> list[str]:
    """Every paragraph the report prints must be in the body, in order."""
    body = root.find(_BODY)
    printed = iter("".join(t.text or "" for t in p.iter(_T)) for p in body.iterchildren(_P))
    wanted = [report.full_title, *(p for ps in resolve_text(report).values() for p in ps),
              report.office.signature, chinese_date(report.date)]
    for paragraph in wanted:
        if not any(paragraph == text for text in printed):
            return [f"段落“{paragraph[:20]}”不在文档中（模板中的段落循环可能被改动）"]
    return []
