"""`nianbao aggregate` of what a compiling body collects: data files, folders, and the
offices' published reports imported on the fly; every problem of every input named,
and nothing summed twice or summed wrong."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from click.testing import CliRunner

from nianbao.cli import main
from nianbao.datafile.reader import load_report
from nianbao.jobs.aggregating import FEES_NOT_READ


def _second_office(workdir: Path) -> Path:
    """Another office (某区) of 2021: pingtan's numbers, a few changed."""
    profile = (workdir / "config" / "offices" / "pingtan.yaml").read_text(encoding="utf-8")
    (workdir / "config" / "offices" / "second.yaml").write_text(
        profile.replace("平潭综合实验区", "某区"), encoding="utf-8")
    text = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    path = workdir / "second.yaml"
    path.write_text(text.replace("office: pingtan", "office: second").replace(
        "title: 平潭综合实验区", "title: 某区").replace("{自然人: 64,", "{自然人: 70,").replace(
        "四、结转下年度继续办理: {自然人: 1,", "四、结转下年度继续办理: {自然人: 7,"),
        encoding="utf-8")
    return path


def _published(workdir: Path, data: Path, name: str) -> Path:
    """The office's report as it published it: rendered, then only the .docx kept."""
    result = CliRunner().invoke(main, ["render", str(data), "-o", name])
    assert result.exit_code == 0, result.output
    return workdir / name


def _aggregate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["aggregate", *args, "--office",
                                       "config/offices/pingtan.yaml", "-o", "total.yaml"])
    return result.exit_code, result.output


def test_a_published_report_is_summed_with_a_data_file(workdir: Path) -> None:
    second = _second_office(workdir)
    report = _published(workdir, second, "某区.docx")
    result = CliRunner().invoke(main, ["aggregate", "pingtan-2021.yaml", str(report),
                                       "--office", "config/offices/pingtan.yaml",
                                       "-o", "total.yaml", "--format", "json"])
    assert result.exit_code == 0, result.output
    a, b = load_report(workdir / "pingtan-2021.yaml"), load_report(second)
    total = load_report(workdir / "total.yaml")
    for tid, values in total.tables.items():
        for key, value in values.items():
            assert value == a.tables[tid][key] + b.tables[tid][key], (tid, key)
    summary = json.loads(result.output)
    assert (summary["year"], summary["form"], summary["output"]) == (2021, "2021", "total.yaml")
    assert [(o["office"], o["file"], o["kind"], o["fees_read"]) for o in summary["offices"]] == [
        ("平潭综合实验区", "pingtan-2021.yaml", "data", True),
        ("某区", str(report), "report", False)]
    received = {"table": "t3", "row": "received", "column": "total",
                "label": "表三 “一、本年新收政府信息公开申请数量” “总计”"}
    assert summary["offices"][1]["cells"][0] == {**received, "value": "76"}
    assert summary["total"]["cells"][0] == {**received, "value": "146"}
    # a report carries no fee figures to add: said, on the part it concerns
    written = (workdir / "total.yaml").read_text(encoding="utf-8")
    assert "#   某区：表三 “一、本年新收政府信息公开申请数量” “总计” 76，" in written
    assert f"（{report}；{FEES_NOT_READ}）" in written


def test_a_report_with_errors_is_not_summed(workdir: Path) -> None:
    report = _published(workdir, _second_office(workdir), "某区.docx")
    with zipfile.ZipFile(report) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    # 予以公开/自然人 of table 三 typed over in Word: 27 → 28 (its totals no longer hold)
    xml = parts["word/document.xml"].decode()
    assert xml.count(">27<") == 1
    parts["word/document.xml"] = xml.replace(">27<", ">28<").encode()
    with zipfile.ZipFile(report, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    code, output = _aggregate("pingtan-2021.yaml", str(report))
    assert code == 1
    lines = output.splitlines()
    assert any(line.startswith(f"{report}: 表三") for line in lines), lines
    assert f"{report}: 此报告有误，不能汇总：请改正后再汇总，或先用 nianbao import 转为数据文件，" \
           "改正后汇总数据文件" in lines
    assert lines[-1] == "汇总: 以上文件有问题，未汇总"
    assert not (workdir / "total.yaml").exists()


def test_every_input_that_cannot_be_summed_is_named(workdir: Path) -> None:
    folder = workdir / "各单位"
    folder.mkdir()
    shutil.copy(workdir / "pingtan-2021.yaml", folder)
    (folder / "某局.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "bad.yaml").write_text("year: 2021\nform: '2021'\n", encoding="utf-8")
    (workdir / "空").mkdir()
    code, output = _aggregate("各单位", "空")
    assert code == 2  # one input could not be read at all
    lines = output.splitlines()
    assert "空: 文件夹中没有数据文件或报告文件" in lines
    assert any(line.startswith("各单位/某局.pdf: 无法读取：PDF 文件已损坏或不是 PDF")
               for line in lines)
    assert any(line.startswith("各单位/bad.yaml") for line in lines)
    assert not (workdir / "total.yaml").exists()


def test_a_report_and_its_own_data_file_count_once(workdir: Path) -> None:
    folder = workdir / "各单位"
    folder.mkdir()
    shutil.copy(workdir / "pingtan-2021.yaml", folder)
    _published(workdir, folder / "pingtan-2021.yaml", "各单位/平潭.docx")
    code, output = _aggregate("各单位")
    assert code == 1
    assert "各单位/平潭.docx: 与 各单位/pingtan-2021.yaml 是同一机关（平潭综合实验区）2021年度的" \
           "数据，不能重复汇总" in output.splitlines()


def test_the_roll_up_in_its_own_folder_is_not_summed_again(workdir: Path) -> None:
    folder = workdir / "各单位"
    folder.mkdir()
    shutil.copy(workdir / "pingtan-2021.yaml", folder)
    shutil.copy(_second_office(workdir), folder)
    args = ["aggregate", "各单位", "--office", "config/offices/pingtan.yaml",
            "-o", "各单位/total.yaml", "--force"]
    for _ in range(2):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        assert "已汇总 2 份数据" in result.output
    total = load_report(folder / "total.yaml")
    assert total.tables["t3"][("received", "total")] == 70 + 76
    named = CliRunner().invoke(main, [*args[:2], "各单位/total.yaml", *args[2:]])
    assert named.exit_code == 2
    assert "各单位/total.yaml: 是要写出的汇总文件本身，不能作为汇总的数据" in named.output
