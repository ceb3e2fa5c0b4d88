"""Hypothesis strategies shared by the property tests of several layers: any valid
report (every typed cell drawn, totals derived, table 三's balance kept) and any text a
clerk may type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from nianbao.report.blank import blank_report
from nianbao.report.model import Paragraph, Report
from nianbao.report.office import Office
from nianbao.spec.form import load_form

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
