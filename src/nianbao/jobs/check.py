"""`nianbao check`: reading plus rules, for report files of any source kind — rendered
by nianbao, edited in Word or WPS afterwards, or made by hand by another office."""

from __future__ import annotations

import os
from collections.abc import Iterator
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.checking.report import CheckResult, Previous, across_years, check_read, last_year
from nianbao.datafile.formats import DATA_SUFFIXES
from nianbao.datafile.workbook.layout import SUFFIXES as WORKBOOK_SUFFIXES
from nianbao.errors import ProblemList, Unusable
from nianbao.reading.document import read_file
from nianbao.reading.identity import office_name, report_year
from nianbao.sources import REPORT_SUFFIXES
from nianbao.spec.findings import ERROR, Finding

if TYPE_CHECKING:
    from nianbao.report.model import Report

# what `check` takes from a folder: report files, and 填报表 workbooks returned by offices
CHECKED_SUFFIXES = (*REPORT_SUFFIXES, *WORKBOOK_SUFFIXES)


def check_file(path: Path, previous: Previous | None = None, category: str = "") -> CheckResult:
    """Every finding on one report file: structure, table rules, prose, across years,
    the 成文日期 (`category`: the publishing body's kind, for its deadline). A data file
    (.yaml, or a 填报表 workbook returned by an office) is checked as the report it
    makes: its data problems, then the prose and the date."""
    if Path(path).suffix.lower() in DATA_SUFFIXES:
        return check_data_file(Path(path), previous)
    result = CheckResult(Path(path))
    try:
        read = read_file(path)
    except Unusable as exc:
        result.unusable = str(exc)
        return result
    result.form = read.form.version
    result.office, result.year, result.tables = office_name(read), report_year(read), read.tables
    result.findings = check_read(read, previous, category=category)
    return result


def check_data_file(path: Path, previous: Previous | None = None) -> CheckResult:
    """A data file's problems as error findings (each naming its line, or its sheet and
    cell, and the official label), or the warnings of the report it makes."""
    from nianbao.datafile.reader import load_report

    result = CheckResult(path)
    try:
        report = load_report(path)
    except ProblemList as exc:
        if not exc.usable:
            result.unusable = "；".join(p.message for p in exc.problems)
            return result
        result.findings = [Finding(DATA_RULE, ERROR, "", p.label, "", None, None,
                                   p.within)
                           for p in exc.problems]
        return result
    result.form, result.office, result.year = report.form.version, report.office.name, report.year
    result.tables = report.tables
    result.findings = check_report(report, previous)
    return result


def check_report(report: Report, previous: Previous | None = None) -> list[Finding]:
    """The findings on a report that the data-file reader accepted: its prose against
    its tables, draft marks, the 成文日期, and last year's report when given (what
    `check` says of a data file, and what the workspace's editor says of its form)."""
    from nianbao.checking.dates import date_findings
    from nianbao.checking.prose import draft_findings, prose_findings
    from nianbao.report.prose import resolve_text

    text = resolve_text(report)
    return [
        *prose_findings(report.form, text, report.tables, year=report.year, fees=report.fees,
                        last=last_year(report.year, report.office.name, previous)),
        *draft_findings(p for paragraphs in text.values() for p in paragraphs),
        *date_findings(report.form, report.year, report.date, report.office.category),
        *(across_years(report.form, report.tables, report.year, report.office.name, previous)
          if previous is not None else []),
    ]


DATA_RULE = "数据"  # a data file's problem, as the data-file reader names it


def previous_report(path: Path) -> Previous:
    """Last year's report, from its report file or its data file; raises Unusable."""
    if path.suffix.lower() in DATA_SUFFIXES:
        from nianbao.datafile.reader import load_report

        try:
            report = load_report(path)
        except ProblemList as exc:
            raise Unusable("上年数据文件有误：" + "；".join(
                p.message for p in exc.problems[:3])) from None
        from nianbao.report.prose import resolve_text

        return Previous(report.form, report.tables, report.year, report.office.name, path,
                        resolve_text(report))
    read = read_file(path)
    return Previous(read.form, read.tables, report_year(read), office_name(read), path,
                    read.text)


def documents_in(paths: list[Path], suffixes: tuple[str, ...] = (".docx",)) -> list[Path]:
    """The files named, and the files of these suffixes inside the folders named (Word's
    and Excel's ~$ lock files and nianbao's temporary files left out)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in suffixes
                            and p.is_file() and not p.name.startswith(("~$", ".nianbao-")))
        else:
            found.append(path)
    return found


def check_files(paths: list[Path], previous: Previous | None = None, category: str = "",
                jobs: int = 1) -> Iterator[CheckResult]:
    """The results of `check_file` on each path, in order, read on `jobs` processes (a
    folder of PDFs checks twice as fast on two cores: reading is all the work)."""
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield check_file(path, previous, category)
        return
    chunk = max(1, min(8, len(paths) // (jobs * 4)))
    context = get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(jobs, _start, (previous, category)) as pool:
        yield from pool.imap(_check, paths, chunk)


_context: tuple[Previous | None, str] = (None, "")


def _start(previous: Previous | None, category: str) -> None:
    """A worker's start: last year's report and the category, given once, not per file."""
    global _context
    _context = (previous, category)


def _check(path: Path) -> CheckResult:
    return check_file(path, *_context)
