"""The 成文日期 against the report year and the deadline of 条例 第四十九条 (D1, D2):
warnings, for a data file being rendered and for a report file being checked. The
years, deadlines and messages are the form file's `dates` rules."""

from __future__ import annotations

import datetime as dt

from nianbao.report.model import chinese_date
from nianbao.spec.findings import WARNING, Finding
from nianbao.spec.form import Form
from nianbao.spec.rules import DateYearRule

WHERE = "成文日期"  # the Finding's `table`: where in the report it is


def date_findings(form: Form, year: int | None, date: dt.date | None,
                  category: str = "") -> list[Finding]:
    """The first date rule the 成文日期 breaks, if any (one wrong date, one line: a
    date in the wrong year is not also said to be late). `category`: the office
    profile's (部门, 本级政府); "" for the rule's default, as when a report file is
    checked without its profile. Nothing when the year or the date is unknown."""
    if year is None or date is None:
        return []
    for rule in form.dates:
        if isinstance(rule, DateYearRule):
            wanted = rule.expected_year(year)
            if date.year != wanted:
                return [_finding(rule.id, rule.message, date, year, f"{wanted}年")]
            continue
        deadline = rule.deadline(category)
        if date > deadline.date(year):
            return [_finding(rule.id, rule.message, date, year,
                             chinese_date(deadline.date(year)), deadline.note)]
    return []


def _finding(rule: str, message: str, date: dt.date, year: int, expected: str,
             note: str = "") -> Finding:
    shown = chinese_date(date)
    return Finding(rule, WARNING, WHERE, "", "", expected, shown,
                   message.format(date=shown, year=year, expected=expected, note=note))
