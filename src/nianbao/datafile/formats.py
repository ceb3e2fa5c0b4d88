"""A data file in the format its name asks for: YAML (.yaml, .yml) for a text editor,
or a 填报表 workbook (.xlsx) for Excel and WPS 表格. Both hold the same report and read
back through the same reader (`load_report`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nianbao.datafile.workbook.layout import SUFFIXES as WORKBOOK_SUFFIXES
from nianbao.datafile.writer import dump_report
from nianbao.datafile.yamlfile import YAML_SUFFIXES
from nianbao.report.model import Report

DATA_SUFFIXES = (*YAML_SUFFIXES, *WORKBOOK_SUFFIXES)


def encode_report(report: Report, path: Path, preface: Sequence[str] = ()) -> bytes:
    """The bytes of the data file `path` names (`preface`: lines such as the offices an
    汇总 adds up: comments at the top of a YAML file, lines of a workbook's 说明)."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from nianbao.datafile.workbook.write import write_workbook

        return write_workbook(report, preface)
    return dump_report(report, preface).encode("utf-8")


def data_files(folder: Path) -> list[Path]:
    """Every data file under a folder (YAML files and 填报表 workbooks); office profiles
    (config/), the batch's own output and Excel's ~$ lock files are not data files."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in DATA_SUFFIXES
                  and p.is_file() and not p.name.startswith("~$")
                  and "config" not in p.relative_to(folder).parts[:-1])
