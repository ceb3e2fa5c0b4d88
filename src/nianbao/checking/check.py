"""`nianbao check`: reading plus rules, for any report .docx — rendered by nianbao,
edited in Word or WPS afterwards, or made by hand by another office."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao.checking.rules import prose_findings, table_findings, year_findings
from nianbao.datafile.reader import draft_marks, load_report
from nianbao.sources.docx.package import DocxPackage, UnreadableDocx
from nianbao.spec.form import Form
from nianbao.errors import ProblemList
from nianbao.reading.report import NotAReport, ReadReport, read_report
from nianbao.spec.rules import Finding, TableValues
from nianbao.datafile.yamlfile import YAML_SUFFIXES


class UnusableInput(Exception):
    """A file that cannot be read as a report at all (exit code 2)."""


@dataclass
class CheckResult:
    file: Path
    form: str | None = None
    findings: list[Finding] = field(default_factory=list)
    unusable: str | None = None  # why the file could not be read as a report

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": str(self.file), "form": self.form,
            "errors": [f.as_dict() for f in self.errors],
            "warnings": [f.as_dict() for f in self.warnings],
        }
        if self.unusable:
            data["unusable"] = self.unusable
        return data


def read_document(path: Path) -> ReadReport:
    """A report .docx read into the form's terms; raises UnusableInput."""
    try:
        document_xml = DocxPackage(path).document_xml()
    except UnreadableDocx as exc:
        raise UnusableInput(str(exc)) from None
    except OSError as exc:
        raise UnusableInput(f"无法读取：{exc.strerror}") from None
    try:
        return read_report(document_xml)
    except (NotAReport, UnreadableDocx) as exc:
        raise UnusableInput(str(exc)) from None


def previous_tables(path: Path) -> tuple[Form, dict[str, TableValues]]:
    """Last year's tables, from its .docx or its data file."""
    if path.suffix.lower() in YAML_SUFFIXES:
        try:
            report = load_report(path)
        except ProblemList as exc:
            raise UnusableInput("上年数据文件有误：" + "；".join(
                p.message for p in exc.problems[:3])) from None
        return report.form, report.tables
    read = read_document(path)
    return read.form, read.tables


def todo_findings(read: ReadReport) -> list[Finding]:
    """Draft marks left in the title, the prose or the signature."""
    marks = draft_marks()
    texts = [read.title, *(p for ps in read.text.values() for p in ps), read.signature]
    return [Finding("T1", "warning", "正文", "", "", None, text,
                    f"“{text[:30]}”仍标有“{mark}”，是草稿，发布前请修改")
            for text in texts for mark in marks if mark in text]


def check_document(path: Path, previous: tuple[Form, dict[str, TableValues]] | None = None
                   ) -> CheckResult:
    """Every finding on one report .docx: structure, table rules, prose, across years."""
    result = CheckResult(Path(path))
    try:
        read = read_document(path)
    except UnusableInput as exc:
        result.unusable = str(exc)
        return result
    result.form = read.form.version
    findings = read.findings + table_findings(read.form, read.tables)
    findings += prose_findings(read.form, read.text, read.tables) + todo_findings(read)
    if previous is not None:
        findings += year_findings(read.form, read.tables, *previous)
    result.findings = sorted(findings, key=lambda f: f.severity != "error")
    return result


def documents_in(paths: list[Path]) -> list[Path]:
    """The .docx files named, and those inside the folders named (Word's ~$ lock files
    and nianbao's temporary files left out)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.docx")
                            if not p.name.startswith(("~$", ".nianbao-")))
        else:
            found.append(path)
    return found
