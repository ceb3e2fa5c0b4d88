"""The 填报表 workbook through the commands a clerk and a compiling body run: new,
import and rollover write one (the format chosen by the file name), render, check,
batch and aggregate read returned ones; data file → workbook → data file is the
identity, and a report → import → workbook → render gives the same tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import tables

from nianbao import api
from nianbao.cli import main
from nianbao.datafile.writer import dump_report


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("name", ["pingtan-2021", "jingdezhen-2023"])
def test_a_data_file_through_a_workbook_is_the_same_data_file(workdir: Path, name: str) -> None:
    report = api.load_report(workdir / f"{name}.yaml")
    path = workdir / f"{name}.xlsx"
    path.write_bytes(api.encode_report(report, path))
    again = api.load_report(path)
    assert dump_report(again) == dump_report(report)
    assert again.office == report.office


def test_new_writes_a_workbook_that_renders(workdir: Path) -> None:
    code, output = run("new", "--office", "pingtan", "--year", "2024", "-o", "2024.xlsx")
    assert code == 0, output
    assert openpyxl.load_workbook(workdir / "2024.xlsx").sheetnames[:2] == ["说明", "机关信息"]
    code, output = run("render", "2024.xlsx", "-o", "2024.docx")
    assert code == 0, output
    assert (workdir / "2024.docx").is_file()


def test_a_filled_workbook_renders_to_its_numbers_and_a_slip_is_named_by_sheet_and_cell(
        workdir: Path) -> None:
    report = api.load_report(workdir / "pingtan-2021.yaml")
    path = workdir / "2021.xlsx"
    path.write_bytes(api.encode_report(report, path))
    code, output = run("render", "2021.xlsx", "-o", "2021.docx")
    assert code == 0, output
    assert tables(workdir / "2021.docx") == tables(api.render_docx(report))
    book = openpyxl.load_workbook(path)
    sheet = book["表三"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == 64)
    cell.value = "六十四"
    book.save(path)
    code, output = run("check", "2021.xlsx")
    assert code == 1
    assert f"表三!{cell.coordinate}" in output and "自然人" in output
    assert "2021.xlsx: 未通过（2 个错误，0 个警告）" in output  # the cell, and its balance
    code, output = run("render", "2021.xlsx", "-o", "again.docx")
    assert code == 1 and f"表三!{cell.coordinate}" in output
    assert not (workdir / "again.docx").exists()


def test_import_and_rollover_write_workbooks(workdir: Path) -> None:
    assert run("render", "pingtan-2021.yaml", "-o", "2021.docx")[0] == 0
    code, output = run("import", "2021.docx", "-o", "imported.xlsx", "--office", "pingtan")
    assert code == 0, output
    assert run("render", "imported.xlsx", "-o", "imported.docx")[0] in (0, 1)
    assert tables(workdir / "imported.docx") == tables(workdir / "2021.docx")
    code, output = run("rollover", "imported.xlsx", "-o", "2022.xlsx")
    assert code == 0, output
    rolled = api.load_report(workdir / "2022.xlsx")
    assert rolled.year == 2022


def test_batch_and_aggregate_take_returned_workbooks(workdir: Path) -> None:
    folder = workdir / "各单位"
    folder.mkdir()
    shutil.copy(workdir / "jingdezhen-2023.yaml", folder)
    report = api.load_report(workdir / "pingtan-2021.yaml")
    report.year = 2023
    target = folder / "pingtan-2023.xlsx"
    target.write_bytes(api.encode_report(report, target))
    (folder / "~$pingtan-2023.xlsx").write_bytes(b"lock")  # Excel's lock file: not data
    code, output = run("batch", str(folder), "-o", "输出", "-j", "1")
    assert "pingtan-2023.xlsx" in output and "~$" not in output
    assert (workdir / "输出" / "pingtan-2023.docx").is_file()
    code, output = run("aggregate", str(folder), "--office", "jingdezhen-taoci",
                       "-o", "汇总.xlsx")
    assert code == 0, output
    total = api.load_report(workdir / "汇总.xlsx")
    assert total.tables["t3"][("received", "total")] == sum(
        api.load_report(p).tables["t3"][("received", "total")]
        for p in (folder / "jingdezhen-2023.yaml", target))
    # the offices added up are listed in 说明, as a YAML 汇总 lists them in its comment
    guide = [row[0] for row in openpyxl.load_workbook(workdir / "汇总.xlsx")["说明"]
             .iter_rows(values_only=True) if row[0]]
    assert any("平潭综合实验区" in line and "pingtan-2023.xlsx" in line for line in guide)
    assert any(line.strip().startswith("景德镇") for line in guide)


def test_new_makes_one_workbook_per_office_for_the_compiling_body(workdir: Path) -> None:
    code, output = run("new", "--offices", "config/offices", "--year", "2024", "-o", "填报表")
    assert code == 0, output
    made = sorted(p.name for p in (workdir / "填报表").iterdir())
    assert made == ["jingdezhen-taoci.xlsx", "pingtan.xlsx"]
    assert api.load_report(workdir / "填报表" / "pingtan.xlsx").office.id == "pingtan"
    again = run("new", "--offices", "config/offices", "--year", "2024", "-o", "填报表")
    assert again[0] == 2 and "已存在" in again[1]


def _workbook(workdir: Path, name: str = "2021.xlsx") -> Path:
    report = api.load_report(workdir / "pingtan-2021.yaml")
    path = workdir / name
    path.write_bytes(api.encode_report(report, path))
    return path


def test_a_deleted_row_label_or_sheet_is_one_line(workdir: Path) -> None:
    path = _workbook(workdir)
    book = openpyxl.load_workbook(path)
    for cell in (c for row in book["表三"].iter_rows() for c in row):
        if cell.value == "1.属于国家秘密":
            cell.value = None
    del book["表四"]
    book.save(path)
    code, output = run("check", "2021.xlsx")
    assert code == 1
    errors = [line for line in output.splitlines() if "错误 [" in line]
    assert len(errors) == 2, output
    assert "1.属于国家秘密" in errors[0] and "找不到这一行" in errors[0]
    assert "找不到工作表“表四”" in errors[1]
    assert "缺少此" not in output


def test_a_deleted_office_sheet_is_one_line(workdir: Path) -> None:
    path = _workbook(workdir)
    book = openpyxl.load_workbook(path)
    del book["机关信息"]
    book.save(path)
    code, output = run("check", "2021.xlsx")
    assert code == 1
    assert [line for line in output.splitlines() if "错误 [" in line] == [
        "2021.xlsx: 错误 [数据] 机关信息：找不到工作表“机关信息”（机关信息和报告年度）："
        "请勿删除该工作表"]


def test_check_of_a_folder_takes_its_workbooks(workdir: Path) -> None:
    folder = workdir / "交回"
    folder.mkdir()
    shutil.copytree(workdir / "config", folder / "config")
    _workbook(workdir, "交回/平潭.xlsx")
    (folder / "~$平潭.xlsx").write_bytes(b"lock")  # Excel's lock file: left out
    other = openpyxl.Workbook()
    other.active["A1"] = "姓名"
    other.save(folder / "通讯录.xlsx")
    code, output = run("check", "交回", "-j", "1")
    assert code == 2, output
    lines = output.splitlines()
    assert any(line.endswith("平潭.xlsx: 通过（2021 格式，0 个错误，0 个警告）") for line in lines)
    (refused,) = [line for line in lines if "通讯录.xlsx" in line]
    assert "无法检查：不是填报表" in refused
    assert "~$" not in output


def test_check_help_names_workbooks() -> None:
    code, output = run("check", "--help")
    assert code == 0 and "填报表（.xlsx）" in output
