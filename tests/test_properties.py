"""Properties that hold for every valid report: what is rendered reads back as the same
numbers and text, and the rendered report passes every rule."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.checking.tables import table_findings
from nianbao.report.blank import blank_report
from nianbao.spec.form import load_form
from nianbao.report.model import Paragraph, Report
from nianbao.report.office import Office
from nianbao.reading.document import read_document_xml
from nianbao.writing.document import compiled_template, render_report

OFFICE = Office(id="x", name="某某县人民政府办公室", contact_unit="办公室", phone="0000-1234567",
                address="某某县某某路1号", signature="某某县人民政府办公室")
counts = st.integers(min_value=0, max_value=99_999)
# printable text of every kind a clerk may type, XML-escapable characters and Jinja
# delimiters included; control characters are refused by the data file reader
text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Zl", "Zp")),
               min_size=1, max_size=80).map(str.strip).filter(bool)


@st.composite
def reports(draw: st.DrawFn, version: str = "2021") -> Report:
    form = load_form(version)
    report = blank_report(form, OFFICE, "x", 2024 if version == "2021" else 2020,
                          dt.date(2025, 1, draw(st.integers(1, 31))))
    for tid, table in form.tables.items():
        typed = {}
        for cell in table.cells():
            if table.is_derived(*cell.key):
                continue
            if cell.column.type == "amount":
                typed[cell.key] = Decimal(draw(counts)) / 100
            elif cell.column.type == "signed":
                typed[cell.key] = draw(st.integers(-999, 999))
            else:
                typed[cell.key] = draw(counts)
        report.tables[tid] = form.derive(tid, typed)
    # make the table 三 balance hold: 四 carries forward what was not handled
    t3 = report.tables["t3"]
    for column in form.tables["t3"].columns:
        t3[("carried_over", column.id)] = 0
    fixed = {k: v for k, v in t3.items() if not form.tables["t3"].is_derived(*k)}
    for column in form.tables["t3"].columns:
        if form.tables["t3"].is_derived("received", column.id):
            continue
        handled = form.derive("t3", fixed)[("results_total", column.id)]
        fixed[("received", column.id)] = handled + fixed[("carried_forward", column.id)]
    report.tables["t3"] = form.derive("t3", fixed)
    report.text["overview"] = [Paragraph(text=t) for t in draw(st.lists(text, max_size=3))]
    return report


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
