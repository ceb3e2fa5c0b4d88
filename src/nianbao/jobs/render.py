"""Rendering a report: the template compiled once per process, the document verified
before anyone sees it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from nianbao.report.prose import resolve_text
from nianbao.checking.rules import prose_findings
from nianbao.datafile.reader import draft_marks, settings
from nianbao.sources.docx.package import MAIN_DOCUMENT
from nianbao.writing.fastcheck import FastCheck
from nianbao.writing.filler import CompiledTemplate, render_context
from nianbao.spec.form import load_form
from nianbao.report.model import Report
from nianbao.report.office import OPTIONAL_FIELDS, PROFILE_FIELDS
from nianbao.errors import Problem
from nianbao.resources import template_path
from nianbao.spec.rules import Finding
from nianbao.writing.verify import verify_rendered


@cache
def _compiled(path: Path) -> CompiledTemplate:
    return CompiledTemplate(path)


def compiled_template(path: Path | None, form_version: str) -> CompiledTemplate:
    """The template to use (the built-in one of the form unless a path is given),
    prepared once per process and shared by every report rendered."""
    return _compiled((path or template_path(form_version)).resolve())


def render_report(report: Report, template: CompiledTemplate, *, fast: bool = False) -> bytes:
    """The .docx of a report, read back and checked (raises VerificationFailed): by the
    full reader from the package, or with `fast` (a batch) from the document XML just
    rendered, at the cell positions proven for the template once per process."""
    if not fast:
        document = template.render(report)
        verify_rendered(report, document)
        return document
    rendered = template.render_parts(render_context(report))
    _fast_check(template, report.form.version).verify(report, rendered[MAIN_DOCUMENT])
    return template.package(rendered)


@cache
def _fast_check(template: CompiledTemplate, form_version: str) -> FastCheck:
    return FastCheck(template, load_form(form_version))


def prose_warnings(report: Report) -> list[Finding]:
    """Numbers the clerk's own text quotes that the tables contradict."""
    return prose_findings(report.form, resolve_text(report), report.tables)


def todo_warnings(report: Report) -> list[Problem]:
    """Office fields and paragraphs that still carry a draft mark, so a draft is never
    published by mistake."""
    found = []
    for mark in draft_marks():
        message = f"警告：仍标有“{mark}”，是草稿，发布前请修改"
        found += [Problem(report.source or "", None, f"机关信息“{label}”", message)
                  for key, label in (PROFILE_FIELDS | OPTIONAL_FIELDS).items()
                  if mark in getattr(report.office, key)]
        for key, paragraphs in report.text.items():
            where = settings()["preamble"]["label"] if key == "preamble" \
                else report.form.section(key).heading
            found += [Problem(report.source or "", p.line, where, message)
                      for p in paragraphs if p.text and mark in p.text]
    return found
