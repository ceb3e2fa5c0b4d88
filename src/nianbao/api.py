"""The few calls a person (or the web workspace) makes from Python; the command line
is built on the same ones.

    from pathlib import Path
from typing import TYPE_CHECKING
    from nianbao import api
    report = api.load_report(Path("2024.yaml"))
    docx = api.render_docx(report)            # bytes, read back and checked
    result = api.check_file(Path("2023.docx"))
    imported = api.import_file(Path("2023.html"))

Every call raises a `nianbao.errors.NianbaoError` with Chinese `lines()` for what a
clerk's file or an output gets wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.checking.overview import overview_csv
from nianbao.checking.report import CheckResult, Previous
from nianbao.datafile.formats import encode_report
from nianbao.datafile.reader import load_report
from nianbao.datafile.writer import dump_report
from nianbao.jobs.aggregating import Part
from nianbao.jobs.aggregating import parts as aggregate_parts
from nianbao.jobs.check import check_file, check_files, previous_report
from nianbao.jobs.importing import Imported, import_report
from nianbao.jobs.render import Outputs, Rendered, render_one, write
from nianbao.report.aggregate import aggregate
from nianbao.report.blank import blank_report
from nianbao.report.model import Report
from nianbao.report.office import Office
from nianbao.report.rollover import Rollover, roll_over
from nianbao.spec.form import form_for_year, load_form

if TYPE_CHECKING:
    from nianbao.writing.annotate import Annotated

__all__ = [
    "CheckResult",
    "Imported",
    "Outputs",
    "Part",
    "Rendered",
    "Report",
    "Rollover",
    "aggregate",
    "aggregate_parts",
    "annotate_file",
    "blank_report",
    "check_file",
    "check_files",
    "dump_report",
    "encode_report",
    "form_for_year",
    "import_file",
    "load_form",
    "load_report",
    "overview_csv",
    "previous_report",
    "render_docx",
    "render_html",
    "render_one",
    "roll_over",
    "write",
]


def render_docx(report: Report, template: Path | None = None) -> bytes:
    """The .docx of a report (the built-in template of its form unless one is given),
    read back and checked cell by cell."""
    from nianbao.writing.document import compiled_template, render_report

    return render_report(report, compiled_template(template, report.form.version))


def annotate_file(path: Path, out: Path, previous: Previous | None = None,
                  category: str = "", *, force: bool = False) -> Annotated:
    """Check a report .docx and write a copy with a Word comment (批注) on each cell and
    paragraph a finding names; the original is untouched."""
    from nianbao.writing.annotate import annotate_file as annotate

    return annotate(path, out, previous=previous, category=category, force=force)


def render_html(report: Report) -> bytes:
    """The web-publication page of a report, read back and checked."""
    from nianbao.writing.webpage import render_page

    return render_page(report)


def import_file(path: Path, office: Office | None = None) -> Imported:
    """A published report (.docx, .html, copied .txt) as a report and an office profile;
    with `office`, the profile its data file will name (standard paragraphs are matched
    as that profile prints them)."""
    return import_report(path, office)
