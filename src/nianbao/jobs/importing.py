"""`nianbao import`: last year's report, whatever made it, back into a data file.

Importing is reading plus writing: a .docx, a saved web page or text copied from one
becomes the same `ReadReport` the checker uses, and that becomes a `Report` and a data
file. What cannot be placed is reported and left in the data file as it was found (a
blank stays blank, "—" stays "—"), so `render` refuses it, naming the cell, until the
clerk has looked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.checking.tables import table_findings
from nianbao.reading.document import read_file
from nianbao.reading.identity import office_name, report_date, report_year
from nianbao.reading.model import ReadReport
from nianbao.report.blank import default_date
from nianbao.report.drafts import draft_marks
from nianbao.report.model import Paragraph, Report
from nianbao.report.office import ALL_FIELDS, PROFILE_FIELDS, Office
from nianbao.spec.findings import Finding

_CONTACT = {
    "phone": re.compile(r"电话(?:/传真)?\s*[:：]\s*([0-9０-９\-－—/（）() ]{5,}[0-9０-９])"),
    "email": re.compile(r"(?:电子邮箱|邮箱|E-?mail)\s*[:：]\s*([\w.\-]+@[\w\-]+(?:\.[\w\-]+)+)"),
    "address": re.compile(r"(?:联系|通讯)?地址\s*[:：]\s*([^；;，,。）)]+)"),
    "postcode": re.compile(r"邮编\s*[:：]\s*(\d{6})"),
    "contact_unit": re.compile(
        r"请(?:与|联系)\s*[:：]?\s*([^，,。；;（(：:]{2,40}?)\s*(?:联系|，|,|（|\()"),
}


@dataclass
class Imported:
    """What an import produced: the report, the office found in it, what to review."""

    report: Report
    office_fields: dict[str, str]
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    guessed_year: bool = False  # no year found: last year's put in (汇总 refuses it)


def _office_fields(read: ReadReport) -> dict[str, str]:
    fields = dict.fromkeys(ALL_FIELDS, "")
    fields["signature"] = read.signature
    fields["name"] = office_name(read)
    prose = " ".join([*(p for paragraphs in read.text.values() for p in paragraphs),
                      *read.closing])
    for key, pattern in _CONTACT.items():
        found = pattern.search(prose)
        fields[key] = found.group(1).strip() if found else ""
    fields["signature"] = fields["signature"] or fields["name"]
    return fields


def import_report(path: Path) -> Imported:
    """Read a report file into a Report, with its office and what the clerk must check."""
    read = read_file(path)
    notes = []
    missing = draft_marks()[0]
    year = report_year(read)
    if year is None:
        year = dt.date.today().year - 1
        notes.append(f"未找到报告年度，暂填为 {year}，请核实")
    date = report_date(read)
    if date is None:
        date = default_date(year)
        notes.append(f"未找到成文日期，暂填为 {date.isoformat()}，请核实")
    fields = _office_fields(read)
    for key, label in PROFILE_FIELDS.items():
        if not fields.get(key):
            fields[key] = missing
            notes.append(f"机关信息“{label}”未在报告中找到，已标为{missing}")
    office = Office(id="", **fields)
    report = Report(
        form=read.form, office=office, year=year, date=date,
        text={key: [Paragraph(text=t) for t in texts] for key, texts in read.text.items()},
        # totals computed again from the typed cells (a data file never types a
        # total), so a source whose totals were wrong is reported, not copied
        tables={tid: read.form.rederive(tid, read.tables[tid]) for tid in read.form.tables},
        source=path)
    if read.title and read.title != report.full_title:
        report.title = read.title
    findings = read.findings + table_findings(read.form, read.tables)
    return Imported(report, fields, findings, notes, guessed_year=report_year(read) is None)
