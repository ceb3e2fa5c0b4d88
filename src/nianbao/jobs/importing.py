"""`nianbao import`: last year's report, whatever made it, back into a data file.

Importing is reading plus writing: a .docx, a saved web page or text copied from one
becomes the same `ReadReport` the checker uses, and that becomes a `Report` and a data
file. What cannot be placed is reported and left in the data file as it was found (a
blank stays blank, "—" stays "—"), so `render` refuses it, naming the cell, until the
clerk has looked.

What nianbao itself wrote comes back as nianbao knows it: a paragraph that is a standard
paragraph rendered with the imported report's own numbers and office becomes
`- standard: 名称` again, still tied to the tables; every contact field the report
prints (the website, postcode and e-mail too) goes into the office profile.
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
from nianbao.report.prose import standard_paragraphs
from nianbao.spec.findings import Finding

# a field's value is the pattern's first group that matched
_CONTACT = {
    "phone": re.compile(r"电话(?:/传真)?\s*[:：]\s*([0-9０-９\-－—/（）() ]{5,}[0-9０-９])"),
    "email": re.compile(r"(?:电子邮箱|邮箱|E-?mail)\s*[:：]\s*([\w.\-]+@[\w\-]+(?:\.[\w\-]+)+)"),
    "address": re.compile(r"(?:联系|通讯)?地址\s*[:：]\s*([^；;，,。）)]+)"),
    "postcode": re.compile(r"邮编\s*[:：]\s*(\d{6})"),
    # 电子版可在…查阅或下载 (the standard wording) / …中下载 (real reports), or 网址：
    # followed by an address with a dotted host (not any sentence after 网站：)
    "website": re.compile(r"电子版可在\s*([^。；;]{2,120}?)\s*[中内上]?(?:查阅|下载)"
                          r"|(?:网址|网站)\s*[:：]\s*((?:https?://)?[\w\-]+(?:\.[\w\-]+)+"
                          r"[^\s，,；;。）)]*)"),
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
        fields[key] = next((g.strip() for g in found.groups() if g), "") if found else ""
    fields["signature"] = fields["signature"] or fields["name"]
    return fields


def _standard_again(report: Report) -> None:
    """Each paragraph that reads exactly as a standard paragraph rendered with this
    report's numbers and office becomes that standard paragraph again, so next year's
    data file still quotes its tables; any other text (edited, other numbers) stays."""
    standard = standard_paragraphs(report, [p.text for ps in report.text.values()
                                            for p in ps if p.text])
    for paragraphs in report.text.values():
        for i, p in enumerate(paragraphs):
            found = standard.get(p.text or "")
            if found is not None:
                paragraphs[i] = Paragraph(standard=found)


def import_report(path: Path, office: Office | None = None) -> Imported:
    """Read a report file into a Report, with its office and what the clerk must check.
    `office`: the existing profile the data file will name (`import --office`), so a
    paragraph comes back standard only where that profile prints it the same; else
    the office the report shows."""
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
    report = Report(
        form=read.form, office=office or Office(id="", **fields), year=year, date=date,
        text={key: [Paragraph(text=t) for t in texts] for key, texts in read.text.items()},
        # totals computed again from the typed cells (a data file never types a
        # total), so a source whose totals were wrong is reported, not copied
        tables={tid: read.form.rederive(tid, read.tables[tid]) for tid in read.form.tables},
        source=path)
    if read.title and read.title != report.full_title:
        report.title = read.title
    _standard_again(report)
    findings = read.findings + table_findings(read.form, read.tables)
    return Imported(report, fields, findings, notes, guessed_year=report_year(read) is None)
