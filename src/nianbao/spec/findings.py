"""Findings: what is wrong with a report, said the way a clerk reads the printed form.

Every layer that judges a report (the data-file reader, the document reader, the
checker) reports in these terms; the sentence about a cell that should hold another
number is built here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nianbao.spec.tables import CellKey, Table
from nianbao.spec.values import Value, format_value

ERROR, WARNING = "error", "warning"
PROSE = "正文"  # the `table` of a finding about the prose (a number, a statement, a draft mark)


@dataclass(frozen=True)
class Quote:
    """Where a finding about the prose is: the paragraph (by section id and index among
    that section's paragraphs, as read) and the quoted text's offsets in it, so that a
    reviewer's page or a Word comment can mark the very sentence."""

    section: str
    paragraph: int
    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"section": self.section, "paragraph": self.paragraph, "start": self.start,
                "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a report: its rule, how bad, where (as printed), what."""

    rule: str
    severity: str  # error | warning
    table: str
    row: str
    column: str
    expected: str | None
    found: str | None
    message: str
    quote: Quote | None = None  # a prose finding: the sentence it is about

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule, "severity": self.severity, "table": self.table,
            "row": self.row, "column": self.column, "expected": self.expected,
            "found": self.found, "message": self.message,
        }
        if self.quote is not None:
            data["quote"] = self.quote.as_dict()
        return data


def wrong_cell(rule: str, severity: str, table: Table, cell: CellKey, expected: Value,
               found: Value, reason: str) -> Finding:
    """A cell that should hold another number: 表三 “…” “总计”：应为 5，实为 4（reason）."""
    shown, got = format_value(expected), format_value(found)
    return Finding(rule, severity, table.key, table.row(cell[0]).label,
                   table.column_label(cell[1]), shown, got,
                   f"{table.describe(*cell)}：应为 {shown}，实为 {got}（{reason}）")
