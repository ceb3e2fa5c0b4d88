"""`nianbao aggregate` (汇总): the cell-wise sum of the reports of one year and form,
totals derived again from the sums, for the compiling office."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from strategies import OFFICE

from nianbao.checking.tables import table_findings
from nianbao.cli import main
from nianbao.datafile.reader import load_report
from nianbao.errors import DATA, UNUSABLE, ProblemList
from nianbao.report.aggregate import aggregate
from nianbao.report.blank import blank_report
from nianbao.report.model import Report
from nianbao.report.office import Office
from nianbao.spec.form import load_form

CITY = Office(id="city", name="某市人民政府办公室", contact_unit="办公室", phone="1",
              address="某市", signature="某市人民政府办公室")


def _second_office(workdir: Path, name: str = "second.yaml") -> Path:
    """Another office's data file for 2021: pingtan's numbers, a few changed, under a
    profile of its own (汇总 adds up different offices, never one office twice)."""
    profile = (workdir / "config" / "offices" / "pingtan.yaml").read_text(encoding="utf-8")
    (workdir / "config" / "offices" / "second.yaml").write_text(
        profile.replace("平潭综合实验区", "某区"), encoding="utf-8")
    text = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    path = workdir / name
    path.write_text(text.replace("office: pingtan", "office: second").replace(
        "{自然人: 64,", "{自然人: 70,").replace(
        "四、结转下年度继续办理: {自然人: 1,", "四、结转下年度继续办理: {自然人: 7,"),
        encoding="utf-8")
    return path


def _aggregate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["aggregate", *args, "--office",
                                       "config/offices/pingtan.yaml", "-o", "total.yaml"])
    return result.exit_code, result.output


def test_aggregate_is_the_cellwise_sum_and_passes_check(workdir: Path) -> None:
    _second_office(workdir)
    result = CliRunner().invoke(main, ["aggregate", "pingtan-2021.yaml", "second.yaml",
                                       "--office", "config/offices/pingtan.yaml",
                                       "-o", "total.yaml"])
    assert result.exit_code == 0, result.output
    a, b = load_report(workdir / "pingtan-2021.yaml"), load_report(workdir / "second.yaml")
    total = load_report(workdir / "total.yaml")
    for tid, values in total.tables.items():
        for key, value in values.items():
            assert value == a.tables[tid][key] + b.tables[tid][key], (tid, key)
    assert CliRunner().invoke(main, ["render", "total.yaml"]).exit_code == 0
    result = CliRunner().invoke(main, ["check", "total.docx"])
    assert result.exit_code == 0, result.output


def test_aggregate_refuses_mixed_years(workdir: Path) -> None:
    result = CliRunner().invoke(main, ["aggregate", "pingtan-2021.yaml", "jingdezhen-2023.yaml",
                                       "--office", "config/offices/pingtan.yaml",
                                       "-o", "total.yaml"])
    assert result.exit_code == 1
    assert "汇总: 各数据文件的年度或表格格式不同，不能汇总" in result.output
    assert "pingtan-2021.yaml: 2021年度，2021 格式" in result.output
    assert not (workdir / "total.yaml").exists()


_OFFICES = iter(range(10**6))


def _report(version: str, year: int, cells: dict[str, dict[tuple[str, str], Any]]) -> Report:
    """A report of an office of its own (汇总 refuses one office twice)."""
    form = load_form(version)
    office = Office(id=f"o{next(_OFFICES)}", name=f"{OFFICE.name}{next(_OFFICES)}",
                    contact_unit="办公室", phone="1", address="某地", signature="某机关")
    report = blank_report(form, office, "x", year)
    for tid, given in cells.items():
        report.tables[tid] = form.derive(tid, form.tables[tid].typed(report.tables[tid]) | given)
    return report


def test_typed_cells_are_added_and_totals_derived_again() -> None:
    a = _report("2021", 2024, {"t3": {("received", "natural"): 2, ("disclosed", "natural"): 2},
                               "t2": {("fees", "fee_amount"): Decimal("1.25")}})
    b = _report("2021", 2024, {"t3": {("received", "legal"): 3, ("disclosed", "legal"): 3},
                               "t2": {("fees", "fee_amount"): Decimal("0.5")}})
    a.fees, b.fees = {"notices": 1, "amount": 10}, {"notices": 2, "amount": Decimal("2.5")}
    total = aggregate([a, b], CITY, "city", dt.date(2025, 1, 10))
    t3 = total.tables["t3"]
    assert (t3[("received", "natural")], t3[("received", "legal")]) == (2, 3)
    assert t3[("received", "total")] == t3[("results_total", "total")] == 5
    assert total.tables["t2"][("fees", "fee_amount")] == Decimal("1.75")
    assert total.fees == {"notices": 3, "amount": Decimal("12.5")}
    assert (total.office, total.office_ref, total.year, total.date) == (
        CITY, "city", 2024, dt.date(2025, 1, 10))
    assert table_findings(total.form, total.tables) == []


def test_amounts_with_units_are_added_in_yuan() -> None:
    cell = ("procurement", "procurement_amount")
    a = _report("2019", 2020, {"t2": {cell: "1万元"}})
    b = _report("2019", 2020, {"t2": {cell: "500元"}})
    c = _report("2019", 2020, {"t2": {cell: Decimal("0.5")}})
    assert aggregate([a, b, c], CITY, "city").tables["t2"][cell] == "10500.5元"


def test_nothing_to_add_up_is_unusable_input() -> None:
    with pytest.raises(ProblemList) as caught:
        aggregate([], CITY, "city")
    assert caught.value.exit_code == UNUSABLE
    assert caught.value.lines() == ["汇总: 没有要汇总的数据文件"]


def test_reports_of_different_years_or_forms_are_refused() -> None:
    a, b = _report("2021", 2024, {}), _report("2019", 2020, {})
    a.source, b.source = Path("a.yaml"), Path("b.yaml")
    with pytest.raises(ProblemList) as caught:
        aggregate([a, b], CITY, "city")
    assert caught.value.exit_code == DATA
    assert caught.value.lines() == ["a.yaml: 2024年度，2021 格式", "b.yaml: 2020年度，2019 格式",
                                    "汇总: 各数据文件的年度或表格格式不同，不能汇总"]


def test_the_same_data_file_twice_is_refused(workdir: Path) -> None:
    code, output = _aggregate("pingtan-2021.yaml", str(workdir / "pingtan-2021.yaml"))
    assert code == 1
    assert (f"{workdir / 'pingtan-2021.yaml'}: 与 pingtan-2021.yaml 是同一个数据文件，重复列出"
            in output.splitlines())
    assert "汇总: 有重复的数据，未汇总" in output
    assert not (workdir / "total.yaml").exists()


def test_two_data_files_of_one_office_are_refused(workdir: Path) -> None:
    text = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    (workdir / "copy.yaml").write_text(text.replace("{自然人: 64,", "{自然人: 70,").replace(
        "四、结转下年度继续办理: {自然人: 1,", "四、结转下年度继续办理: {自然人: 7,"),
        encoding="utf-8")
    code, output = _aggregate("pingtan-2021.yaml", "copy.yaml")
    assert code == 1
    assert ("copy.yaml: 与 pingtan-2021.yaml 是同一机关（平潭综合实验区）2021年度的数据，"
            "不能重复汇总") in output.splitlines()
    assert not (workdir / "total.yaml").exists()


def test_a_folder_is_summed_and_the_parts_are_shown(workdir: Path) -> None:
    folder = workdir / "各单位"
    folder.mkdir()
    _second_office(workdir, "各单位/second.yaml")
    (workdir / "pingtan-2021.yaml").rename(folder / "pingtan-2021.yaml")
    code, output = _aggregate("各单位")
    assert code == 0, output
    a = load_report(folder / "pingtan-2021.yaml")
    b = load_report(folder / "second.yaml")
    received = [r.tables["t3"][("received", "total")] for r in (a, b)]
    carried = [r.tables["t3"][("carried_forward", "total")] for r in (a, b)]
    lines = output.splitlines()
    assert (f"  平潭综合实验区：表三 “一、本年新收政府信息公开申请数量” “总计” {received[0]}，"
            f"表三 “四、结转下年度继续办理” “总计” {carried[0]}"
            "（各单位/pingtan-2021.yaml）") in lines
    assert any(line.startswith("  某区：") for line in lines)
    assert lines[-1].startswith("已汇总 2 份数据（2021年度，2021 格式）→ total.yaml：")
    assert f"“总计” {sum(received)}" in lines[-1]
    written = (workdir / "total.yaml").read_text(encoding="utf-8")
    assert "# 汇总了以下 2 个机关的数据：" in written
    assert "#   某区：" in written
    total = load_report(workdir / "total.yaml")
    assert total.tables["t3"][("received", "total")] == sum(received)
