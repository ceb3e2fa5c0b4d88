"""What a document says, in the terms of the form it follows: the reader's result."""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao.errors import Unusable
from nianbao.spec.findings import Finding
from nianbao.spec.form import Form
from nianbao.spec.rules import TableValues

STRUCTURE = "S"  # rule id of structural findings (a section, table, row, column missing)
LABEL = "L"  # rule id of label variants (warnings)


@dataclass
class ReadReport:
    """What a document says, in the terms of the form it follows."""

    form: Form
    title: str = ""
    text: dict[str, list[str]] = field(default_factory=dict)  # preamble + section ids
    tables: dict[str, TableValues] = field(default_factory=dict)
    signature: str = ""
    date: str = ""
    closing: list[str] = field(default_factory=list)  # lines after the date (联系人 …)
    # every paragraph with text, stripped, in order, table cells aside: what a read-back
    # compares with the paragraphs its template prints (writing/frame.py)
    paragraphs: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # (table id, row id, column id) -> what the cell's grid position was read from (a
    # .docx's w:tc): where an annotated copy marks a finding (writing/annotate.py)
    sources: dict[tuple[str, str, str], object] = field(default_factory=dict, repr=False,
                                                         compare=False)

    def finding(self, rule: str, severity: str, table: str, row: str, column: str,
                message: str, expected: str | None = None, found: str | None = None) -> None:
        self.findings.append(Finding(rule, severity, table, row, column, expected, found,
                                     message))


class NotAReport(Unusable):
    """The document holds no report tables."""


