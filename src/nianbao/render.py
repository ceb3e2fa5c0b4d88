"""Rendering a report: the template compiled once per process, the document verified
before anyone sees it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .boilerplate import resolve_text
from .checker import prose_findings
from .datafile import settings
from .filler import CompiledTemplate
from .model import Report
from .problems import Problem
from .resources import template_path
from .rules import Finding
from .verify import verify_rendered


@cache
def _compiled(path: Path) -> CompiledTemplate:
    return CompiledTemplate(path)


def compiled_template(path: Path | None, form_version: str) -> CompiledTemplate:
    """The template to use (the built-in one of the form unless a path is given),
    prepared once per process and shared by every report rendered."""
    return _compiled((path or template_path(form_version)).resolve())


def render_report(report: Report, template: CompiledTemplate) -> bytes:
    """The .docx of a report, read back and checked (raises VerificationFailed)."""
    document = template.render(report)
    verify_rendered(report, document)
    return document


def prose_warnings(report: Report) -> list[Finding]:
    """Numbers the clerk's own text quotes that the tables contradict."""
    return prose_findings(report.form, resolve_text(report), report.tables)


def todo_warnings(report: Report) -> list[Problem]:
    """Paragraphs that still carry the todo mark, so a draft is never published."""
    mark = settings()["todo_marker"]
    message = f"警告：此段仍标有“{mark}”，是待填写的草稿，发布前请修改"
    found = []
    for key, paragraphs in report.text.items():
        where = settings()["preamble"]["label"] if key == "preamble" \
            else report.form.section(key).heading
        found += [Problem(report.source or "", p.line, where, message)
                  for p in paragraphs if p.text and mark in p.text]
    return found
