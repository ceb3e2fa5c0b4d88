"""Every rule applied to a report as a document says it: structure and labels (from the
reader), tables, prose, draft marks, the 成文日期, and across years when last year's
tables are given."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao.checking.dates import date_findings
from nianbao.checking.prose import LastYear, draft_findings, prose_findings
from nianbao.checking.tables import suspect_findings, table_findings
from nianbao.checking.years import year_findings
from nianbao.reading.identity import office_name, report_date, report_year
from nianbao.reading.model import ReadReport
from nianbao.spec.findings import ERROR, WARNING, Finding
from nianbao.spec.form import Form
from nianbao.spec.labels import normalize_label
from nianbao.spec.rules import TableValues

FIT = "X0"  # rule id: last year's report given is not the one before this report


@dataclass(frozen=True)
class Previous:
    """Last year's report, for the across-year rules: its tables and whose and which
    year's it is (None and "" where the document does not say), and its paragraphs by
    section (for text kept from it word for word)."""

    form: Form
    tables: dict[str, TableValues]
    year: int | None = None
    office: str = ""
    source: Path | str = ""
    text: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class CheckResult:
    file: Path
    form: str | None = None
    findings: list[Finding] = field(default_factory=list)
    unusable: str | None = None  # why the file could not be read as a report
    # what was read, for a page that shows the findings in the tables (`check --review`);
    # not part of `as_dict()`: the JSON output stays the findings
    office: str = ""  # whose report, as the document says it ("" when it does not)
    year: int | None = None
    tables: dict[str, TableValues] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def exit_code(self) -> int:
        """2: not readable as a report; 1: errors; 0: none (warnings allowed)."""
        return 2 if self.unusable else 1 if self.errors else 0

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": str(self.file), "form": self.form,
            "errors": [f.as_dict() for f in self.errors],
            "warnings": [f.as_dict() for f in self.warnings],
        }
        if self.unusable:
            data["unusable"] = self.unusable
        return data


def across_years(form: Form, tables: dict[str, TableValues], year: int | None, office: str,
                 previous: Previous) -> list[Finding]:
    """X0 when last year's report does not fit this one, else X1–X3."""
    return fit_findings(year, office, previous) or year_findings(form, tables, previous.form,
                                                                 previous.tables)


def last_year(year: int | None, office: str, previous: Previous | None) -> LastYear | None:
    """Last year's report for the prose rules, if it is this report's last year's (X0)."""
    if previous is None or fit_findings(year, office, previous):
        return None
    return LastYear(previous.tables, previous.text)


def check_read(read: ReadReport, previous: Previous | None = None, *,
               category: str = "") -> list[Finding]:
    """Every finding on a report read from a document, errors first. `category`: the
    office profile's (部门, 本级政府) for the deadline of the 成文日期; a document does
    not say it, so "" takes the form's default."""
    findings = read.findings + table_findings(read.form, read.tables)
    suspects = suspect_findings(read.form, read.tables)
    year, office = report_year(read), office_name(read)
    findings += prose_findings(read.form, read.text, read.tables, year=year,
                               last=last_year(year, office, previous))
    findings += draft_findings([read.title, *(p for ps in read.text.values() for p in ps),
                                read.signature])
    findings += date_findings(read.form, year, report_date(read), category)
    if previous is not None:
        findings += across_years(read.form, read.tables, year, office, previous)
    # the likely mistyped cell first, then errors, then warnings
    return suspects + sorted(findings, key=lambda f: f.severity != ERROR)


def _same_office(one: str, other: str) -> bool:
    """Names of one office as reports print them: the title's 平潭综合实验区, the
    signature's 平潭综合实验区管理委员会: one holds the other."""
    one, other = normalize_label(one), normalize_label(other)
    return one in other or other in one


def fit_findings(year: int | None, office: str, previous: Previous) -> list[Finding]:
    """X0: last year's report given is another office's, or not of the year before this
    one (of `year`, by `office`); its numbers say nothing about this report's, so X1–X3
    are not applied."""
    skipped = "，未做跨年度核对（X1–X3）"
    found = []
    if year is not None and previous.year is not None and previous.year != year - 1:
        found.append(Finding(FIT, WARNING, "", "", "", str(year - 1), str(previous.year),
                             f"上年报告 {previous.source} 是{previous.year}年度的，本报告是{year}"
                             f"年度：不是上一年度的报告{skipped}"))
    if office and previous.office and not _same_office(office, previous.office):
        found.append(Finding(FIT, WARNING, "", "", "", office, previous.office,
                             f"上年报告 {previous.source} 是“{previous.office}”的，本报告是"
                             f"“{office}”的：不是同一机关的报告{skipped}"))
    return found
