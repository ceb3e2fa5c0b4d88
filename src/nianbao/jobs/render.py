"""Render one report: the one pipeline that `nianbao render`, `nianbao batch` (and the
web workspace) run for each data file.

load the data file → render each output asked for (the .docx from the template, read
back fully or fast; the web page, read back) → the warnings a clerk must see (draft
marks, prose the tables contradict) → write the outputs, each whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nianbao.checking.prose import prose_findings
from nianbao.datafile.reader import load_report
from nianbao.datafile.settings import settings
from nianbao.errors import Problem
from nianbao.report.drafts import draft_marks, draft_message
from nianbao.report.model import Report
from nianbao.report.office import ALL_FIELDS
from nianbao.report.prose import resolve_text
from nianbao.writing.output import write_atomic


@dataclass(frozen=True)
class Outputs:
    """What to make of a data file, and where."""

    docx: Path | None = None
    html: Path | None = None
    template: Path | None = None  # a clerk's Word template instead of the built-in one
    fast: bool = False  # the batch's read-back (proven cell positions), else the full reader

    @property
    def paths(self) -> list[Path]:
        return [p for p in (self.docx, self.html) if p is not None]


@dataclass
class Rendered:
    report: Report
    documents: dict[Path, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def render_one(data: Path, outputs: Outputs, offices: list[Path] | None = None) -> Rendered:
    """A data file's documents, each read back and checked, with its warnings; raises
    a NianbaoError (ProblemList for the data, VerificationFailed, TemplateProblem)."""
    read_warnings: list[Problem] = []  # typing slips read as what they plainly mean
    report = load_report(data, offices, warnings=read_warnings)
    rendered = render_report_outputs(report, outputs)
    rendered.warnings[:0] = [str(p) for p in read_warnings]
    return rendered


def render_report_outputs(report: Report, outputs: Outputs) -> Rendered:
    """As `render_one`, for a report already loaded."""
    rendered = Rendered(report)
    if outputs.docx is not None:
        from nianbao.writing.document import compiled_template, render_report

        template = compiled_template(outputs.template, report.form.version)
        rendered.documents[outputs.docx] = render_report(report, template, fast=outputs.fast)
    if outputs.html is not None:
        from nianbao.writing.webpage import render_page

        rendered.documents[outputs.html] = render_page(report)
    rendered.warnings = warnings(report)
    return rendered


def write(rendered: Rendered, *, force: bool = False) -> None:
    """Give the documents their names, each written whole (raises OutputExists)."""
    for path, document in rendered.documents.items():
        write_atomic(path, document, force=force)


def warnings(report: Report) -> list[str]:
    """What a clerk must look at before publishing: office fields and paragraphs that
    still carry a draft mark, numbers in the text that the tables contradict, a
    成文日期 out of the year after or past the office's deadline (D1, D2)."""
    from nianbao.checking.dates import date_findings

    source, found = report.source or "", []
    for mark in draft_marks():
        message = f"警告：{draft_message(mark)}"
        found += [str(Problem(source, None, f"机关信息“{label}”", message))
                  for key, label in ALL_FIELDS.items() if mark in getattr(report.office, key)]
        for key, paragraphs in report.text.items():
            where = settings()["preamble"]["label"] if key == "preamble" \
                else report.form.section(key).heading
            found += [str(Problem(source, p.line, where, message))
                      for p in paragraphs if p.text and mark in p.text]
    found += [f"{source}: 警告 [{f.rule}] {f.message}"
              for f in prose_findings(report.form, resolve_text(report), report.tables,
                                      year=report.year, fees=report.fees)
              + date_findings(report.form, report.year, report.date, report.office.category)]
    return found
