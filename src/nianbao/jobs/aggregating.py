"""What `nianbao aggregate` (汇总) adds up: data files, folders of them, and published
reports (.docx, web pages, other word processors' files) imported on the fly.

Every input is read whole before anything is summed, and every problem of every input
is named at once (a compiling body collects dozens of files and fixes them in one
pass). A report file is summed only if it reads back without errors — a blank or
mistyped cell in one office's report must not vanish into the roll-up — and only if
its year and office are found in it. The roll-up being written is never one of its
own parts, even when it is written into the folder it sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.datafile.formats import DATA_SUFFIXES, data_files
from nianbao.datafile.reader import load_report
from nianbao.errors import Problem, ProblemList, Unusable
from nianbao.jobs.check import documents_in
from nianbao.jobs.importing import import_report
from nianbao.report.aggregate import brief, in_brief
from nianbao.report.drafts import draft_marks
from nianbao.report.model import Report
from nianbao.sources import REPORT_SUFFIXES
from nianbao.spec.findings import ERROR

FEES_NOT_READ = "信息处理费未从报告中读出，汇总中未计入此机关的信息处理费，请核实"


@dataclass(frozen=True)
class Part:
    """One office's report in a roll-up, and whether it came from a report file."""

    report: Report
    imported: bool = False

    @property
    def line(self) -> str:
        """The part in one line, as the screen and the data file's comments show it."""
        note = f"；{FEES_NOT_READ}" if self.imported else ""
        return f"{in_brief(self.report)}（{self.report.source}{note}）"

    def as_dict(self) -> dict[str, Any]:
        return {"office": self.report.office.name, "file": str(self.report.source),
                "kind": "report" if self.imported else "data", "year": self.report.year,
                "form": self.report.form.version, "cells": brief(self.report),
                "fees_read": not self.imported}


def parts(paths: list[Path], output: Path, offices: list[Path] | None = None) -> list[Part]:
    """The reports to add up, from the paths named; raises ProblemList naming every
    problem of every input (exit code 2 if any input could not be read at all)."""
    files, problems = _inputs(paths, output)
    unreadable = bool(problems)  # a folder with nothing in it, the output named as input
    found = []
    for path in files:
        try:
            found.append(_part(path, offices))
        except ProblemList as exc:
            problems += exc.problems
            unreadable |= not exc.usable
        except Unusable as exc:
            problems.append(Problem(path, None, "", f"无法读取：{exc}"))
            unreadable = True
    if problems:
        raise ProblemList([*problems, Problem("汇总", None, "", "以上文件有问题，未汇总")],
                          usable=not unreadable)
    return found


def _inputs(paths: list[Path], output: Path) -> tuple[list[Path], list[Problem]]:
    """The files named, and the data and report files inside the folders named, the
    output left out (a folder's earlier roll-up must not be summed into the new one);
    and the paths that give nothing to sum."""
    files: list[Path] = []
    problems = []
    for path in paths:
        if path.resolve() == output.resolve():
            problems.append(Problem(path, None, "", "是要写出的汇总文件本身，不能作为汇总的数据"))
            continue
        if not path.is_dir():
            files.append(path)
            continue
        inside = [p for p in sorted({*data_files(path), *documents_in([path], REPORT_SUFFIXES)})
                  if p.resolve() != output.resolve()]
        if not inside:
            problems.append(Problem(path, None, "", "文件夹中没有数据文件或报告文件"))
        files += inside
    return files, problems


def _part(path: Path, offices: list[Path] | None) -> Part:
    if path.suffix.lower() in DATA_SUFFIXES:
        return Part(load_report(path, offices))
    imported = import_report(path)
    problems = [Problem(path, None, "", f.message) for f in imported.findings
                if f.severity == ERROR]
    if imported.guessed_year:
        problems.append(Problem(path, None, "", "报告中未找到报告年度"))
    name = imported.office_fields.get("name", "")
    if not name or any(mark in name for mark in draft_marks()):
        problems.append(Problem(path, None, "", "报告中未找到机关名称"))
    if problems:
        problems.append(Problem(path, None, "", "此报告有误，不能汇总：请改正后再汇总，或先用 "
                                "nianbao import 转为数据文件，改正后汇总数据文件"))
        raise ProblemList(problems)
    return Part(imported.report, imported=True)
