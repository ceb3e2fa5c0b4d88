"""Every rule applied to a report as a document says it: structure and labels (from the
reader), tables, prose, draft marks, and across years when last year's tables are given."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao.checking.prose import draft_findings, prose_findings
from nianbao.checking.tables import table_findings
from nianbao.checking.years import year_findings
from nianbao.reading.model import ReadReport
from nianbao.spec.findings import ERROR, WARNING, Finding
from nianbao.spec.form import Form
from nianbao.spec.rules import TableValues

Previous = tuple[Form, dict[str, TableValues]]  # last year's form and tables


@dataclass
class CheckResult:
    file: Path
    form: str | None = None
    findings: list[Finding] = field(default_factory=list)
    unusable: str | None = None  # why the file could not be read as a report

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def exit_code(self) -> int:
        """2: not readable as a report; 1: errors; 0: none (warnings allowed)."""
        return 2 if self.unusable else 1 if self.errors else 0

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": str(self.file), "form": self.form,
            "errors": [f.as_dict() for f in self.errors],
            "warnings": [f.as_dict() for f in self.warnings],
        }
        if self.unusable:
            data["unusable"] = self.unusable
        return data


def check_read(read: ReadReport, previous: Previous | None = None) -> list[Finding]:
    """Every finding on a report read from a document, errors first."""
    findings = read.findings + table_findings(read.form, read.tables)
    findings += prose_findings(read.form, read.text, read.tables)
    findings += draft_findings([read.title, *(p for ps in read.text.values() for p in ps),
                                read.signature])
    if previous is not None:
        findings += year_findings(read.form, read.tables, *previous)
    return sorted(findings, key=lambda f: f.severity != ERROR)
