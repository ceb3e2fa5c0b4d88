"""`nianbao aggregate` (汇总): one data file for a compiling body, the cell-wise sum of
the data files of the bodies it compiles.

Only typed cells are summed; totals are derived again from the sums, so the roll-up
obeys every rule its parts obey (the rules are linear). Reports of different years or
forms cannot be added up and are refused; so are a data file given twice and two data
files of one office (they would be counted twice).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

from nianbao.errors import Problem, ProblemList
from nianbao.report.blank import blank_report
from nianbao.report.model import Report
from nianbao.report.office import Office
from nianbao.spec.labels import normalize_label
from nianbao.spec.rules import TableValues
from nianbao.spec.values import Value, format_value

# 采购总金额 of the 2019 form may carry a unit; sums are kept in 元
_UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
_MONEY = re.compile(r"^(\d+(?:\.\d+)?)\s*(元|万元|亿元)?$")


def _add(total: Value, value: Value) -> Value:
    if isinstance(total, str) or isinstance(value, str):
        return f"{_yuan(total) + _yuan(value)}元"
    return (total or 0) + (value or 0)


def _yuan(value: Value) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    match = _MONEY.match(unicodedata.normalize("NFKC", value).replace(",", ""))
    if not match:
        raise ValueError(value)
    return Decimal(match.group(1)) * _UNITS[match.group(2) or "元"]


def _same_year_and_form(reports: list[Report]) -> None:
    kinds = {(r.year, r.form.version) for r in reports}
    if len(kinds) > 1:
        found = [Problem(r.source or "", None, "", f"{r.year}年度，{r.form.version} 格式")
                 for r in reports]
        refusal = Problem("汇总", None, "", "各数据文件的年度或表格格式不同，不能汇总")
        raise ProblemList([*found, refusal])


def _each_office_once(reports: list[Report]) -> None:
    """A data file named twice, or two data files of one office (of one year, checked
    before), would be summed twice: refused, naming both files."""
    problems = []
    files: dict[Path, Report] = {}
    offices: dict[str, Report] = {}
    for report in reports:
        path = Path(report.source).resolve() if report.source else None
        office = normalize_label(report.office.name)
        if path is not None and path in files:
            problems.append(Problem(report.source or "", None, "",
                                    f"与 {files[path].source} 是同一个数据文件，重复列出"))
        elif office in offices:
            other = offices[office].source
            problems.append(Problem(report.source or "", None, "",
                                    f"与 {other} 是同一机关（{report.office.name}）"
                                    f"{report.year}年度的数据，不能重复汇总"))
        if path is not None:
            files.setdefault(path, report)
        offices.setdefault(office, report)
    if problems:
        raise ProblemList([*problems, Problem("汇总", None, "", "有重复的数据，未汇总")])


def in_brief(report: Report) -> str:
    """A report in one line, by the cells the form sums a report up with: the parts of a
    汇总 as the compiling body checks them."""
    cells = [f"{cell['label']} {cell['value']}" for cell in brief(report)]
    return f"{report.office.name}：" + "，".join(cells)


def brief(report: Report) -> list[dict[str, str]]:
    """The cells the form sums a report up with, each with its table, row and column
    ids, its official labels and its value as printed."""
    return [{"table": tid, "row": row, "column": column,
             "label": report.form.tables[tid].describe(row, column),
             "value": format_value(report.tables[tid].get((row, column)))}
            for tid, (row, column) in report.form.summary]


def aggregate(reports: list[Report], office: Office, office_ref: str,
              date: dt.date | None = None) -> Report:
    """The roll-up of reports of one year and form, for the compiling office."""
    if not reports:
        raise ProblemList([Problem("汇总", None, "", "没有要汇总的数据文件")], usable=False)
    _same_year_and_form(reports)
    _each_office_once(reports)
    form, year = reports[0].form, reports[0].year
    total = blank_report(form, office, office_ref, year, date)
    for tid, table in form.tables.items():
        typed: TableValues = {}
        for key in table.typed({}):
            value: Value = None
            for report in reports:
                value = _add(value, report.tables[tid].get(key))
            typed[key] = value
        total.tables[tid] = form.derive(tid, typed)
    for fee in total.fees:
        total.fees[fee] = sum((r.fees.get(fee, 0) for r in reports), start=0)
    return total
