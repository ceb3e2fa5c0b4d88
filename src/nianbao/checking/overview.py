"""One line per checked report, as a compiling body (政务公开办) scans them: file, office,
year, form, 通过/有错误/无法检查, the counts of errors and warnings, and the cells the form
sums a report up with (本年新收 and 结转, as read). The review page's table of offices
and the summary table of a checked folder (`check --summary`) are these lines.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from nianbao.checking.report import CheckResult
from nianbao.spec.form import load_form
from nianbao.spec.tables import CellKey
from nianbao.spec.values import format_value

PASSED, FAILED, UNREADABLE = "通过", "有错误", "无法检查"
HEADINGS = ("文件", "机关", "年度", "格式", "结果", "错误", "警告")
PROBLEMS = "问题"  # the CSV's last column: the findings (or why the file was unreadable)
_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")


def status(result: CheckResult) -> str:
    """通过 (warnings allowed), 有错误 or 无法检查: the exit code's meaning in words."""
    return UNREADABLE if result.unusable else FAILED if result.errors else PASSED


@dataclass(frozen=True, slots=True)
class Line:
    """A report's line: the HEADINGS' values, then the summary cells' (as printed)."""

    result: CheckResult
    values: tuple[str, ...]
    summary: tuple[str, ...]


def summary_columns(forms: Iterable[str | None]) -> dict[tuple[str, CellKey], str]:
    """The cells the forms sum a report up with (`Form.summary`: 表三's 本年新收 and
    结转 总计), each headed by its row's label without the ordinal, and its column's
    when that is not 总计."""
    columns: dict[tuple[str, CellKey], str] = {}
    for version in dict.fromkeys(f for f in forms if f):
        form = load_form(version)
        for tid, key in form.summary:
            table = form.tables[tid]
            label = _ORDINAL.sub("", table.row(key[0]).label)
            column = table.column_label(key[1])
            columns.setdefault((tid, key), label if column == "总计" else f"{label}（{column}）")
    return columns


def overview(results: list[CheckResult]) -> tuple[list[str], list[Line]]:
    """The summary columns' headings, and one line per result in order."""
    columns = summary_columns(r.form for r in results)
    lines = []
    for result in results:
        unread = bool(result.unusable)
        values = (str(result.file), result.office, str(result.year or ""), result.form or "",
                  status(result), "" if unread else str(len(result.errors)),
                  "" if unread else str(len(result.warnings)))
        summary = tuple(format_value(result.tables.get(tid, {}).get(key))
                        for tid, key in columns)
        lines.append(Line(result, values, summary))
    return list(columns.values()), lines


def overview_csv(results: list[CheckResult]) -> bytes:
    """The lines as a CSV table that Excel and WPS open as it is (UTF-8 with a BOM), the
    findings of each report in its last cell, one per line."""
    headings, lines = overview(results)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*HEADINGS, *headings, PROBLEMS])
    for line in lines:
        result = line.result
        problems = [result.unusable] if result.unusable else [
            f"{'错误' if f in result.errors else '警告'} [{f.rule}] {f.message}"
            for f in result.findings]
        writer.writerow([*line.values, *line.summary, "\n".join(problems)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
