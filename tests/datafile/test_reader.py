"""Reading data files: valid ones become reports, bad ones give every problem, one line
each, with file, line and official label, in Chinese."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao.cli import main
from nianbao.datafile.reader import load_report
from nianbao.datafile.writer import dump_report
from nianbao.errors import ProblemList


def _problems(path: Path) -> list[str]:
    with pytest.raises(ProblemList) as caught:
        load_report(path)
    return [str(p) for p in caught.value.problems]


def _edit(workdir: Path, old: str, new: str, name: str = "pingtan-2021.yaml") -> Path:
    path = workdir / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_example_reads_with_derived_totals(workdir: Path) -> None:
    report = load_report(workdir / "pingtan-2021.yaml")
    t3 = report.tables["t3"]
    assert t3[("received", "total")] == 70
    assert t3[("results_total", "natural")] == 63
    assert t3[("results_total", "total")] == 69
    assert report.tables["t4"][("-", "review.total")] == 3
    assert report.tables["t4"][("-", "direct_suit.total")] == 12
    assert report.tables["t2"][("fees", "fee_amount")] == Decimal("24252.311082")
    assert report.office.name == "平潭综合实验区"


def test_written_data_file_reads_back_the_same(workdir: Path) -> None:
    report = load_report(workdir / "pingtan-2021.yaml")
    copy = workdir / "copy.yaml"
    copy.write_text(dump_report(report), encoding="utf-8")
    again = load_report(copy)
    assert again.tables == report.tables
    assert again.text == report.text
    assert (again.year, again.date, again.title) == (report.year, report.date, report.title)


def test_every_number_has_its_official_label_beside_it(workdir: Path) -> None:
    text = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    assert "    行政规范性文件: {本年制发件数: 69, 本年废止件数: 3, 现行有效件数: 665}" in text
    assert ("  一、本年新收政府信息公开申请数量: {自然人: 64, 商业企业: 0, 科研机构: 0, "
            "社会公益组织: 2, 法律服务机构: 0, 其他: 4}") in text
    assert "    复议后起诉: {结果维持: 0, 结果纠正: 0, 其他结果: 0, 尚未审结: 0}" in text


def test_negative_count_names_file_line_and_labels(workdir: Path) -> None:
    path = _edit(workdir, "（一）予以公开: {自然人: 27,", "（一）予以公开: {自然人: -1,")
    line = _line_of(path, "（一）予以公开")
    carried = _line_of(path, "四、结转下年度继续办理")
    assert _problems(path) == [
        f"{path}:{line}: 表三 “（一）予以公开” “自然人”：件数不能为负数（-1）",
        # the column's balance is still checked, with the number as typed, and says so
        f"{path}:{carried}: 表三 “四、结转下年度继续办理” “自然人”：应为 29，实为 1"
        "（第一项加第二项之和应等于第三项加第四项之和（本列数据的勾稽关系））"
        "；其中 表三 “（一）予以公开” “自然人” 按填写的 -1 计算"]


@pytest.mark.parametrize(("typed", "message"), [
    ("2.5", "应为整数，填写的是 “2.5”"),
    ("两件", "应为整数，填写的是 “两件”"),
    ("true", "应为整数，填写的是 “True”"),
    ("", "空白（没有数字的格应填 0）"),
    ("1000000000000000000000000000000", "数值过大（1000000000000000000000000000000）"),
])
def test_bad_count_values(workdir: Path, typed: str, message: str) -> None:
    path = _edit(workdir, "行政处罚: {本年处理决定数量: 1282}",
                 f"行政处罚: {{本年处理决定数量: {typed}}}")
    line = _line_of(path, "行政处罚:")
    assert _problems(path) == [f"{path}:{line}: 表二 “行政处罚” “本年处理决定数量”：{message}"]


def test_full_width_digits_are_numbers(workdir: Path) -> None:
    path = _edit(workdir, "行政处罚: {本年处理决定数量: 1282}",
                 "行政处罚: {本年处理决定数量: １２８２}")
    assert load_report(path).tables["t2"][("penalty", "decisions")] == 1282


def test_derived_total_that_disagrees_is_an_error(workdir: Path) -> None:
    path = _edit(workdir, "（一）予以公开: {自然人: 27, 商业企业: 0, 科研机构: 0, 社会公益组织: 2, "
                 "法律服务机构: 0, 其他: 1}",
                 "（一）予以公开: {自然人: 27, 商业企业: 0, 科研机构: 0, 社会公益组织: 2, "
                 "法律服务机构: 0, 其他: 1, 总计: 31}")
    line = _line_of(path, "（一）予以公开")
    assert _problems(path) == [f"{path}:{line}: 表三 “（一）予以公开” “总计”："
                               "与计算结果不一致：填写 31，按各项合计应为 30（总计可以不填）"]


def test_derived_total_that_agrees_is_accepted(workdir: Path) -> None:
    path = _edit(workdir, "行政复议: {结果维持: 1, 结果纠正: 0, 其他结果: 2, 尚未审结: 0}",
                 "行政复议: {结果维持: 1, 结果纠正: 0, 其他结果: 2, 尚未审结: 0, 总计: 3}")
    assert load_report(path).tables["t4"][("-", "review.total")] == 3


def test_missing_and_unknown_keys(workdir: Path) -> None:
    path = _edit(workdir, "    行政强制: {本年处理决定数量: 42}\n",
                 "    行政强治: {本年处理决定数量: 42}\n")
    line = _line_of(path, "行政强治")
    group_line = _line_of(path, "第二十条第（六）项")
    assert _problems(path) == [
        f"{path}:{line}: 行政强治：未知的项，是否应为“行政强制”？",
        f"{path}:{group_line}: 表二 > 第二十条第（六）项 > 行政强制：缺少此项（没有的填 0）",
    ]


def test_label_with_half_width_brackets_and_spaces_is_accepted(workdir: Path) -> None:
    path = _edit(workdir, "（一）予以公开:", "(一) 予以公开:")
    assert load_report(path).tables["t3"][("disclosed", "natural")] == 27


def test_yaml_syntax_error_names_the_line(workdir: Path) -> None:
    path = _edit(workdir, "year: 2021", "year: [2021")
    problems = _problems(path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:")
    assert "YAML 格式错误" in problems[0]


def test_unknown_office(workdir: Path) -> None:
    path = _edit(workdir, "office: pingtan", "office: nowhere")
    assert _problems(path) == [f"{path}:7: office（机关信息）：找不到机关信息文件 “nowhere”"
                               "（应在 config/offices/nowhere.yaml）"]


def test_wrong_form_for_year(workdir: Path) -> None:
    path = _edit(workdir, "form: '2021'", "form: '2019'")
    assert f"{path}:9: form（表格格式）：2021年度应使用 2021 格式的表格" in _problems(path)


def test_duplicate_key_and_aliases_are_refused(workdir: Path) -> None:
    path = _edit(workdir, "year: 2021", "year: 2021\nyear: 2022")
    assert _problems(path) == [f"{path}:9: YAML 格式错误：重复的键 “year”"]
    path = _edit(workdir, "year: 2021\nyear: 2022", "year: &y 2021\ntitle: *y")
    assert "YAML 格式错误：不允许使用 YAML 别名（*名称）" in _problems(path)[0]


def test_gbk_file_is_reported(workdir: Path) -> None:
    path = workdir / "gbk.yaml"
    path.write_bytes((workdir / "pingtan-2021.yaml").read_text(encoding="utf-8").encode("gbk"))
    problems = _problems(path)
    assert len(problems) == 1 and "不是 UTF-8 编码（可能是 GBK）" in problems[0]


def test_cli_bad_data_exit_1_and_nothing_written(workdir: Path) -> None:
    path = _edit(workdir, "（一）予以公开: {自然人: 27,", "（一）予以公开: {自然人: -1,")
    existing = workdir / "out.docx"
    existing.write_bytes(b"the clerk's finished report")
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(existing), "--force"])
    assert result.exit_code == 1
    assert "表三 “（一）予以公开” “自然人”：件数不能为负数（-1）" in result.output
    assert "Traceback" not in result.output
    assert existing.read_bytes() == b"the clerk's finished report"
    assert not list(workdir.glob(".nianbao-*"))


def test_a_balance_that_fails_names_only_cells_the_clerk_typed(workdir: Path) -> None:
    """R3.3 broken in one column: the clerk is told about the 自然人 cell they typed,
    not about the 总计 column nianbao derives."""
    import pytest

    from nianbao.errors import ProblemList

    text = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    carried = "四、结转下年度继续办理: {自然人: "
    (workdir / "b.yaml").write_text(text.replace(carried + "1,", carried + "7,"),
                                    encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        load_report(workdir / "b.yaml")
    lines = caught.value.lines()
    assert len(lines) == 1
    assert "表三 “四、结转下年度继续办理” “自然人”：应为 1，实为 7" in lines[0]


def test_a_date_that_does_not_exist_is_named_as_typed(workdir: Path) -> None:
    path = _edit(workdir, "date: 2022-01-28", "date: 2022-02-30")
    assert _problems(path) == [f"{path}:10: date（成文日期）："
                               "日期无效：“2022-02-30”，应如 2025-01-20"]


def test_a_typed_total_that_is_no_number_is_one_line(workdir: Path) -> None:
    path = _edit(workdir, "行政复议: {结果维持: 1, 结果纠正: 0, 其他结果: 2, 尚未审结: 0}",
                 "行政复议: {结果维持: 1, 结果纠正: 0, 其他结果: 2, 尚未审结: 0, 总计: 三}")
    line = _line_of(path, "行政复议:")
    assert _problems(path) == [f"{path}:{line}: 表四 “行政复议/总计”：应为整数，填写的是 “三”"]
