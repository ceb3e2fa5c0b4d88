"""A report to start from: zeros in every typed cell, totals derived, the skeleton's
standard paragraphs and todo marks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from strategies import OFFICE

from nianbao.report.blank import blank_report, default_date
from nianbao.report.model import Paragraph, chinese_date
from nianbao.spec.form import load_form


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_every_cell_is_zero(version: str) -> None:
    form = load_form(version)
    report = blank_report(form, OFFICE, "pingtan", 2020)
    for tid, table in form.tables.items():
        assert set(report.tables[tid]) == {c.key for c in table.cells()}  # totals too
        for cell in table.cells():
            value = report.tables[tid][cell.key]
            assert value == 0
            assert isinstance(value, Decimal) == (cell.column.type in ("amount", "money_text"))


def test_dated_20_january_of_the_next_year_unless_told() -> None:
    form = load_form("2021")
    assert blank_report(form, OFFICE, "x", 2024).date == dt.date(2025, 1, 20) == default_date(2024)
    assert blank_report(form, OFFICE, "x", 2024, dt.date(2025, 2, 1)).date == dt.date(2025, 2, 1)


def test_the_skeleton_prose() -> None:
    report = blank_report(load_form("2021"), OFFICE, "pingtan", 2024)
    assert list(report.text) == ["preamble", "overview", "proactive", "requests", "appeals",
                                 "problems", "other"]
    assert report.text["preamble"] == [Paragraph(standard="opening")]
    assert report.text["problems"] == [Paragraph(text="【待填写】")]
    assert report.text["overview"][1] == Paragraph(text="（一）主动公开")
    assert (report.office_ref, report.title, report.source) == ("pingtan", None, None)
    assert report.full_title == "某某县人民政府办公室2024年度政府信息公开工作年度报告"
    report.title = "关于2024年度政府信息公开工作的报告"
    assert report.full_title == "关于2024年度政府信息公开工作的报告"


def test_dates_are_printed_in_full_and_never_zero_padded() -> None:
    assert chinese_date(dt.date(2024, 1, 5)) == "2024年1月5日"
    assert chinese_date(dt.date(2024, 12, 31)) == "2024年12月31日"
