"""The Word document of a report: the template compiled once per process, filled, read
back before anyone sees it."""

from __future__ import annotations

import datetime as dt

import pytest
from strategies import OFFICE

from nianbao.report.blank import blank_report
from nianbao.sources.docx.package import DocxPackage
from nianbao.spec.form import load_form
from nianbao.writing.document import compiled_template, render_report


def test_template_is_compiled_once_per_process() -> None:
    from nianbao.writing.document import compiled_template

    assert compiled_template(None, "2021") is compiled_template(None, "2021")
    assert compiled_template(None, "2019") is not compiled_template(None, "2021")


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_fast_and_full_read_back_write_the_same_document(version: str) -> None:
    form = load_form(version)
    report = blank_report(form, OFFICE, "x", form.first_year or 2021, dt.date(2025, 1, 5))
    template = compiled_template(None, version)
    full = render_report(report, template)
    fast = render_report(report, template, fast=True)
    assert fast == full  # the same package: only the read-back differs
    assert DocxPackage(fast).document_xml().count(b"<w:tbl>") == 3
