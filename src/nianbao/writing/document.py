"""The Word document of a report: the template compiled once per process, filled, and
read back before anyone sees it.

The read-back is one step with two depths: the full reader of `nianbao check` on the
package, or (a batch of thousands) the document XML as just rendered, scanned at the
cell positions proven once per template (`fastcheck`). Either raises VerificationFailed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from nianbao.report.model import Report
from nianbao.resources import template_path
from nianbao.sources.docx.package import MAIN_DOCUMENT
from nianbao.spec.form import load_form
from nianbao.writing.fastcheck import FastCheck
from nianbao.writing.filler import CompiledTemplate, render_context
from nianbao.writing.frame import template_frame
from nianbao.writing.verify import verify_rendered


@cache
def _compiled(path: Path) -> CompiledTemplate:
    return CompiledTemplate(path)


def compiled_template(path: Path | None, form_version: str) -> CompiledTemplate:
    """The template to use (the built-in one of the form unless a path is given),
    prepared once per process and shared by every report rendered."""
    return _compiled((path or template_path(form_version)).resolve())


def render_report(report: Report, template: CompiledTemplate, *, fast: bool = False) -> bytes:
    """The .docx of a report, read back and checked: by the full reader from the
    package, or with `fast` from the document XML just rendered. The template is
    proven first (its form, its placeholders), so a wrong one is named as such."""
    version = report.form.version
    if not fast:
        frame = template_frame(template, version)
        document = template.render(report)
        verify_rendered(report, document, frame)
        return document
    check = _fast_check(template, version)
    rendered = template.render_parts(render_context(report))
    check.verify(report, rendered[MAIN_DOCUMENT])
    return template.package(rendered)


@cache
def _fast_check(template: CompiledTemplate, form_version: str) -> FastCheck:
    return FastCheck(template, load_form(form_version))
