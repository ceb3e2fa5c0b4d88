"""Properties that hold for every valid report: what is rendered reads back as the same
numbers and text, and the rendered report passes every rule."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import OFFICE, reports, text

from nianbao.checking.prose import prose_findings
from nianbao.checking.tables import table_findings
from nianbao.reading.document import read_document_xml
from nianbao.report.blank import blank_report
from nianbao.report.model import Paragraph, Report
from nianbao.spec.form import load_form
from nianbao.writing.document import compiled_template, render_report


def _read(document: bytes):
    with zipfile.ZipFile(io.BytesIO(document)) as package:
        return read_document_xml(package.read("word/document.xml"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_rendered_numbers_read_back_and_pass_every_rule(report: Report) -> None:
    document = render_report(report, compiled_template(None, "2021"))
    read = _read(document)
    assert read.tables == report.tables
    assert table_findings(read.form, read.tables) == []
    assert [f for f in read.findings if f.severity == "error"] == []
    assert prose_findings(read.form, read.text, read.tables, year=report.year) == []


@settings(max_examples=15, deadline=None)
@given(reports("2019"))
def test_2019_reports_read_back(report: Report) -> None:
    document = render_report(report, compiled_template(None, "2019"))
    read = _read(document)
    assert read.form.version == "2019"
    assert read.tables == report.tables


@settings(max_examples=60, deadline=None)
@given(st.lists(text, min_size=1, max_size=4), text)
def test_text_in_the_document_equals_the_value(paragraphs: list[str], title: str) -> None:
    report = blank_report(load_form("2021"), OFFICE, "x", 2024, dt.date(2025, 1, 5))
    report.text["problems"] = [Paragraph(text=p) for p in paragraphs]
    report.title = title
    read = _read(render_report(report, compiled_template(None, "2021")))
    assert read.text["problems"] == paragraphs
    assert read.date == "2025年1月5日"


def test_examples_round_trip_through_the_document(workdir: Path) -> None:
    from nianbao.datafile.reader import load_report

    for name in ("pingtan-2021", "jingdezhen-2023"):
        report = load_report(workdir / f"{name}.yaml")
        read = _read(render_report(report, compiled_template(None, "2021")))
        assert read.tables == report.tables
