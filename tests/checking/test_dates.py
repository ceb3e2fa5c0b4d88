"""The 成文日期 (D1, D2): in the year after the report year, and not later than the
deadline of 条例 第四十九条 for the body that publishes the report (31 January for a
部门, 31 March for a 本级政府's compiled report); on a report file being checked."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import official_texts, text_grid

from nianbao.checking.dates import date_findings
from nianbao.checking.report import check_read
from nianbao.reading.document import read_blocks
from nianbao.reading.model import ReadReport
from nianbao.sources.blocks import ParagraphBlock, TableBlock
from nianbao.spec.findings import WARNING
from nianbao.spec.form import load_form, office_categories

FORM = load_form("2021")


def _rules(year: int, date: dt.date, category: str = "") -> list[str]:
    return [f.rule for f in date_findings(FORM, year, date, category)]


@pytest.mark.parametrize(("date", "category", "rules"), [
    (dt.date(2025, 1, 1), "", []),
    (dt.date(2025, 1, 31), "", []),  # the deadline itself is in time
    (dt.date(2025, 2, 1), "", ["D2"]),
    (dt.date(2025, 1, 31), "部门", []),
    (dt.date(2025, 2, 1), "部门", ["D2"]),
    (dt.date(2025, 2, 1), "本级政府", []),
    (dt.date(2025, 3, 31), "本级政府", []),
    (dt.date(2025, 4, 1), "本级政府", ["D2"]),
    (dt.date(2024, 12, 31), "", ["D1"]),  # before the statistics period has ended
    (dt.date(2024, 1, 20), "", ["D1"]),
    (dt.date(2026, 1, 20), "", ["D1"]),  # the wrong year is said once, not also late
    (dt.date(2026, 1, 1), "本级政府", ["D1"]),
])
def test_boundary_days(date: dt.date, category: str, rules: list[str]) -> None:
    assert _rules(2024, date, category) == rules


def test_the_messages_name_the_date_and_the_deadline() -> None:
    (late,) = date_findings(FORM, 2024, dt.date(2025, 2, 1))
    assert (late.severity, late.table, late.expected, late.found) == (
        WARNING, "成文日期", "2025年1月31日", "2025年2月1日")
    assert late.message.startswith(
        "成文日期2025年2月1日晚于《条例》第四十九条规定的公开期限2025年1月31日：各级人民政府部门"
        "应于每年1月31日前公布上一年度的年度报告")
    (late,) = date_findings(FORM, 2024, dt.date(2025, 4, 1), "本级政府")
    assert late.message == (
        "成文日期2025年4月1日晚于《条例》第四十九条规定的公开期限2025年3月31日："
        "县级以上地方人民政府应于每年3月31日前公布本级政府上一年度的年度报告")
    (wrong,) = date_findings(FORM, 2024, dt.date(2024, 1, 20))
    assert (wrong.expected, wrong.message) == ("2025年", "成文日期2024年1月20日不在报告年度的次年："
                                               "2024年度的年度报告应在2025年成文")


def test_the_rules_are_the_form_files() -> None:
    """Both forms carry them (2019.yaml extends 2021.yaml); the categories a profile
    may name are the deadline rule's."""
    assert [r.id for r in load_form("2019").dates] == ["D1", "D2"]
    assert office_categories() == ("部门", "本级政府")
    assert date_findings(FORM, None, dt.date(2025, 2, 1)) == []
    assert date_findings(FORM, 2024, None) == []


def _read(title: str, date: str) -> ReadReport:
    """A report of zeros, signed and dated."""
    blocks = [ParagraphBlock(title, "年报标题"),
              *(ParagraphBlock(s.heading, None) for s in FORM.sections),
              *(TableBlock(text_grid(official_texts(FORM.tables[t]))) for t in ("t2", "t3", "t4")),
              ParagraphBlock("某机关", None), ParagraphBlock(date, None)]
    return read_blocks(blocks)


@pytest.mark.parametrize(("date", "rules"), [
    ("2025年1月31日", []), ("2025年2月1日", ["D2"]), ("2024年12月31日", ["D1"]),
    ("2025年1月1日", [])])
def test_a_checked_report_file_is_dated_in_time(date: str, rules: list[str]) -> None:
    read = _read("某机关2024年度政府信息公开工作年度报告", date)
    assert read.date == date
    assert [f.rule for f in check_read(read)] == rules


def test_a_checked_report_of_a_government_has_until_march() -> None:
    read = _read("某县人民政府2024年度政府信息公开工作年度报告", "2025年3月31日")
    assert [f.rule for f in check_read(read)] == ["D2"]  # a document does not say
    assert check_read(read, category="本级政府") == []
