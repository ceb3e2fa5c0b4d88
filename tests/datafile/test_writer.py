"""Writing a report as a data file: the official labels as keys, derived cells left out,
rollover's notes beside their rows; what is written reads back as the report."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from strategies import OFFICE, reports

from nianbao.datafile.profiles import dump_office
from nianbao.datafile.reader import load_report
from nianbao.datafile.writer import dump_report
from nianbao.report.blank import blank_report
from nianbao.report.model import Report
from nianbao.spec.form import load_form


def _round_trip(report: Report) -> Report:
    with tempfile.TemporaryDirectory() as folder:
        offices = Path(folder) / "config" / "offices"
        offices.mkdir(parents=True)
        (offices / "x.yaml").write_text(dump_office(asdict(OFFICE)), encoding="utf-8")
        path = Path(folder) / "2024.yaml"
        path.write_text(dump_report(report), encoding="utf-8")
        return load_report(path)


def test_derived_cells_are_left_out_and_notes_kept() -> None:
    report = blank_report(load_form("2021"), OFFICE, "x", 2024)
    report.row_notes[("t3", "carried_forward")] = "【待更新】请核实"
    text = dump_report(report)
    assert "office: x  #" in text and "year: 2024" in text
    assert ("  四、结转下年度继续办理: {自然人: 0, 商业企业: 0, 科研机构: 0, 社会公益组织: 0, "
            "法律服务机构: 0, 其他: 0}  # 【待更新】请核实") in text
    assert "  # （七）总计：由程序计算" in text  # a row of totals only
    assert "总计: 0" not in text
    assert "    - {standard: opening}  # 标准段落：" in text
    assert "# title: …  # 标题：" in text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_what_is_written_reads_back_as_the_report(report: Report) -> None:
    again = _round_trip(report)
    assert again.tables == report.tables
    assert again.text == report.text
    assert (again.year, again.date, again.office) == (report.year, report.date, OFFICE)
