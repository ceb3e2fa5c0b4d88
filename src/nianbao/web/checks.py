"""The server's findings on what the editor holds: authoritative where the browser's
are only quick. A form with data problems (a blank, a word in a number cell, numbers
that do not balance) gets those problems, each at its form field; a form the data-file
reader accepts gets what `nianbao check` says of a data file (prose against the tables,
draft marks, the 成文日期) — the same code, so the workspace and the CLI cannot differ.
The 定稿 gate and the editor's check endpoint both use `findings_for`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from nianbao.errors import ProblemList
from nianbao.jobs.check import DATA_RULE, check_report
from nianbao.report.model import Report
from nianbao.report.office import Office
from nianbao.report.prose import resolve_text
from nianbao.spec.findings import ERROR, Finding
from nianbao.spec.form import load_form
from nianbao.spec.rules import is_number
from nianbao.spec.values import parse_cell_text
from nianbao.web.payload import Payload, cell_id, report_of, typed_cells


@dataclass(frozen=True)
class Item:
    """One finding as the editor shows it: `field` is the form field it is about (a cell
    id such as t3:received:natural, `date`, `text:overview:2`, or "" for the report)."""

    rule: str
    severity: str
    field: str
    label: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"rule": self.rule, "severity": self.severity, "field": self.field,
                "label": self.label, "message": self.message}

    @property
    def text(self) -> str:
        """The line a clerk reads: the official label, then what is wrong."""
        return f"{self.label}：{self.message}" if self.label else self.message


@dataclass(frozen=True)
class Findings:
    errors: list[Item] = field(default_factory=list)
    warnings: list[Item] = field(default_factory=list)
    report: Report | None = None  # the library's report, when the form has no data problems

    @property
    def ok(self) -> bool:
        """Whether the report may be marked 定稿: no errors."""
        return not self.errors

    def as_json(self) -> dict[str, Any]:
        return {"errors": [i.as_json() for i in self.errors],
                "warnings": [i.as_json() for i in self.warnings]}

    def by_field(self) -> dict[str, list[Item]]:
        found: dict[str, list[Item]] = {}
        for item in [*self.errors, *self.warnings]:
            found.setdefault(item.field, []).append(item)
        return found


def findings_for(payload: Payload, office: Office, year: int) -> Findings:
    """Every finding on the payload: its data problems as errors, or (none) the
    library's findings on the report it makes, errors and warnings by their severity."""
    try:
        report = report_of(payload, office, year)
    except ProblemList as exc:
        return Findings([Item(DATA_RULE, ERROR, str(p.line or ""), p.label, p.message)
                         for p in exc.problems])
    text = cache(lambda: resolve_text(report))  # rendered once, for the draft marks
    items = [_item(f, report, text) for f in check_report(report)]
    return Findings([i for i in items if i.severity == ERROR],
                    [i for i in items if i.severity != ERROR], report)


def _item(finding: Finding, report: Report, text: Callable[[], dict[str, list[str]]]
          ) -> Item:
    return Item(finding.rule, finding.severity, _field_of(finding, report, text),
                _label_of(finding), finding.message)


def _label_of(finding: Finding) -> str:
    if finding.message.startswith(finding.table):  # the message names the cell itself
        return ""
    return " ".join(p for p in (finding.table, finding.row and f"“{finding.row}”",
                                finding.column and f"“{finding.column}”") if p)


def _field_of(finding: Finding, report: Report,
              text: Callable[[], dict[str, list[str]]]) -> str:
    """The form field a library finding is about, where it can be told (`text`: the
    report's paragraphs as printed)."""
    if finding.quote is not None:
        return f"text:{finding.quote.section}:{finding.quote.paragraph}"
    if finding.rule.startswith("D"):
        return "date"
    if finding.found:  # a draft mark: the paragraph that holds the text
        for section, paragraphs in text().items():
            for i, paragraph in enumerate(paragraphs):
                if paragraph == finding.found:
                    return f"text:{section}:{i}"
    for table in report.form.tables.values():
        if table.key == finding.table and finding.column:
            for cell in table.cells():
                if (cell.row.label == finding.row
                        and table.column_label(cell.column.id) == finding.column):
                    return cell_id(table.id, cell.key)
    return ""


def totals_of(payload: Payload) -> dict[str, int | None]:
    """Every derived cell (a total) of the payload's tables, as `derive` computes it from
    the typed cells: None where one of its parts is not a whole number."""
    form = load_form(payload.form)
    typed: dict[str, dict[Any, Any]] = {tid: {} for tid in form.tables}
    for table, key in typed_cells(form):
        typed[table.id][key] = parse_cell_text(payload.cells.get(cell_id(table.id, key), ""))
    totals: dict[str, int | None] = {}
    for tid, table in form.tables.items():
        values = form.derive(tid, typed[tid])
        for key in sorted(table.derived):
            value = values.get(key)
            totals[cell_id(tid, key)] = int(value) if is_number(value) else None
    return totals
