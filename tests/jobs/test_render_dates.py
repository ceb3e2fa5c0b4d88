"""The 成文日期 warnings (D1, D2) where a data file is rendered: `jobs.render.warnings`,
with the office profile's `category` choosing the deadline of 条例 第四十九条."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao.cli import main
from nianbao.datafile.reader import load_report
from nianbao.jobs.render import warnings


@pytest.mark.parametrize(("date", "category", "rules"), [
    (dt.date(2022, 1, 28), "", []),
    (dt.date(2022, 1, 31), "", []),
    (dt.date(2022, 2, 1), "", ["D2"]),
    (dt.date(2022, 2, 1), "部门", ["D2"]),
    (dt.date(2022, 3, 31), "本级政府", []),
    (dt.date(2022, 4, 1), "本级政府", ["D2"]),
    (dt.date(2021, 12, 31), "本级政府", ["D1"]),
    (dt.date(2023, 1, 20), "", ["D1"]),
])
def test_a_rendered_report_is_dated_in_time(workdir: Path, date: dt.date, category: str,
                                           rules: list[str]) -> None:
    report = load_report(workdir / "pingtan-2021.yaml")
    report.date = date
    report.office = replace(report.office, category=category)
    found = warnings(report)
    assert [rule for rule in ("D1", "D2") for line in found if f"[{rule}]" in line] == rules
    assert all(line.startswith(f"{workdir / 'pingtan-2021.yaml'}: 警告 [D") for line in found)


def test_render_prints_the_warning_and_the_profile_lifts_it(workdir: Path) -> None:
    data = workdir / "pingtan-2021.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("date: 2022-01-28",
                                                             "date: 2022-03-01"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["render", "pingtan-2021.yaml"])
    assert result.exit_code == 0, result.output  # a warning: the report is still written
    assert ("pingtan-2021.yaml: 警告 [D2] 成文日期2022年3月1日晚于《条例》第四十九条规定的"
            "公开期限2022年1月31日：各级人民政府部门应于每年1月31日前公布上一年度的年度报告"
            ) in result.output
    profile = workdir / "config" / "offices" / "pingtan.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "category: 本级政府\n",
                       encoding="utf-8")
    result = CliRunner().invoke(main, ["render", "pingtan-2021.yaml", "--force"])
    assert result.exit_code == 0, result.output
    assert "[D2]" not in result.output
