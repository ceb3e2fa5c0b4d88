"""Rendering the examples: the .docx read back holds every paragraph and every cell of
the official form, with the labels of format.md, the numbers of the data and the
merges of the official tables; and the one pipeline behind `nianbao render` and
`nianbao batch` (`jobs.render`): its outputs, its two read-back depths, its warnings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import area, paragraphs, shared_example, tables, texts

from nianbao.cli import main
from nianbao.errors import OutputExists, ProblemList
from nianbao.jobs.render import Outputs, render_one, warnings, write

# Row labels of table 三 as printed in format.md §5 (2021), top to bottom, with the
# label cells a row shows from left to right.
T3_ROWS_2021 = [
    ["一、本年新收政府信息公开申请数量"] * 3,
    ["二、上年结转政府信息公开申请数量"] * 3,
    ["三、本年度办理结果", "（一）予以公开", "（一）予以公开"],
    ["三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"] * 1
    + ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
    *[["三、本年度办理结果", "（三）不予公开", label] for label in [
        "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
        "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
        "7.属于行政执法案卷", "8.属于行政查询事项"]],
    *[["三、本年度办理结果", "（四）无法提供", label] for label in [
        "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]],
    *[["三、本年度办理结果", "（五）不予处理", label] for label in [
        "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息"]],
    *[["三、本年度办理结果", "（六）其他处理", label] for label in [
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"]],
    ["三、本年度办理结果", "（七）总计", "（七）总计"],
    ["四、结转下年度继续办理"] * 3,
]
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_HEADER = [
    [T3_CORNER] * 3 + ["申请人情况"] * 7,
    [T3_CORNER] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"],
    [T3_CORNER] * 3
    + ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
]
OUTCOMES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
T4_HEADER = [
    ["行政复议"] * 5 + ["行政诉讼"] * 10,
    OUTCOMES + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
    OUTCOMES + OUTCOMES + OUTCOMES,
]


def _render(workdir: Path, name: str) -> Path:
    out = workdir / f"{name}.docx"
    result = CliRunner().invoke(main, ["render", f"{name}.yaml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"已生成 {out}" in result.output
    return out


def _pingtan_tables() -> dict[str, list[list[str]]]:
    """The numbers of the real 2021 report, from its normalised text (shared/examples)."""
    lines = shared_example("pingtan-2021.txt").read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.startswith("#"))
    blocks = {}
    for name in ("表二", "表三", "表四"):
        body = text.split(f"[{name}]", 1)[1].split(f"[/{name}]", 1)[0]
        blocks[name] = [[v.strip() for v in line.split("|")] for line in body.splitlines()
                        if "|" in line and not line.startswith(("列", "注", "表头"))]
    return blocks


def test_table_three_has_the_official_labels_merges_and_numbers(workdir: Path) -> None:
    grid = tables(_render(workdir, "pingtan-2021"))[1]
    rows = texts(grid)
    assert rows[:3] == T3_HEADER
    assert [row[:3] for row in rows[3:]] == T3_ROWS_2021
    # merges of the official form
    assert area(grid, 0, 0) == (0, 0, 3, 3)  # the 勾稽 note: 3 label columns x 3 header rows
    assert area(grid, 0, 3) == (0, 3, 1, 7)  # 申请人情况
    assert area(grid, 1, 3) == (1, 3, 2, 1)  # 自然人 spans two header rows
    assert area(grid, 1, 4) == (1, 4, 1, 5)  # 法人或其他组织
    assert area(grid, 3, 0) == (3, 0, 1, 3)  # 一、 spans the label columns
    assert area(grid, 5, 0) == (5, 0, 22, 1)  # 三、本年度办理结果: one vertical cell
    assert area(grid, 7, 1) == (7, 1, 8, 1)  # （三）不予公开 over its 8 rows
    assert area(grid, 26, 1) == (26, 1, 1, 2)  # （七）总计 spans 2 label columns
    # every number, from the real report's own table (totals derived, not typed)
    expected = {row[0].split(" > ")[-1]: row[1:] for row in _pingtan_tables()["表三"]}
    for row in rows[3:]:
        assert row[3:] == expected[row[2]], row[2]


def test_table_four_header_and_numbers(workdir: Path) -> None:
    grid = tables(_render(workdir, "pingtan-2021"))[2]
    rows = texts(grid)
    assert rows[:3] == T4_HEADER
    assert rows[3] == _pingtan_tables()["表四"][0][1:]
    assert area(grid, 1, 0) == (1, 0, 2, 1)  # 行政复议's sub-headers span two rows
    assert area(grid, 0, 5) == (0, 5, 1, 10)  # 行政诉讼
    assert len(rows) == 4


def test_table_two_layout_and_numbers(workdir: Path) -> None:
    grid = tables(_render(workdir, "pingtan-2021"))[0]
    assert texts(grid) == [
        ["第二十条第（一）项"] * 4,
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政规范性文件", "69", "3", "665"],
        ["第二十条第（五）项"] * 4,
        ["信息内容"] + ["本年处理决定数量"] * 3,
        ["行政许可"] + ["2293"] * 3,
        ["第二十条第（六）项"] * 4,
        ["信息内容"] + ["本年处理决定数量"] * 3,
        ["行政处罚"] + ["1282"] * 3,
        ["行政强制"] + ["42"] * 3,
        ["第二十条第（八）项"] * 4,
        ["信息内容"] + ["本年收费金额（单位：万元）"] * 3,
        ["行政事业性收费"] + ["24252.311082"] * 3,
    ]
    assert area(grid, 6, 1) == (6, 1, 1, 3)  # a single value spans three columns


def test_seed_example_reproduces_every_paragraph_and_number(workdir: Path) -> None:
    """jingdezhen-2023.txt: every paragraph in the report, in order; headings are the
    canonical ones (the seed's 五 heading is a known variant); every number is 0."""
    out = _render(workdir, "jingdezhen-2023")
    source = shared_example("jingdezhen-2023.txt").read_text(encoding="utf-8").splitlines()
    prose = [line for line in source if line.strip() and not line.endswith("|")]
    rendered = paragraphs(out)
    office = "景德镇国家陶瓷文化传承创新试验区管理委员会办公室"
    assert rendered[0] == f"{office}2023年度政府信息公开工作年度报告"
    assert rendered[-2:] == [office, "2024年1月19日"]
    body = rendered[1:-2]
    assert body[body.index("五、存在的主要问题及改进情况")] == "五、存在的主要问题及改进情况"
    prose[prose.index("五、存在的主要问题及改进措施:")] = "五、存在的主要问题及改进情况"
    assert body == prose
    numbers = [c.text for g in tables(out) for c in g.origins() if re.fullmatch(r"\d+", c.text)]
    source_numbers = [line.split()[0] for line in source if re.fullmatch(r"\d+ \|[ |]*", line)]
    assert len(numbers) == len(source_numbers) == 6 + 4 + 25 * 7 + 15
    assert set(numbers) == set(source_numbers) == {"0"}


def test_standard_paragraphs_quote_the_tables(workdir: Path) -> None:
    data = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    data = data.replace("  appeals: []", "  appeals:\n    - {standard: appeals}")
    data = data.replace("  requests: []", "  requests:\n    - {standard: requests}")
    (workdir / "pingtan-2021.yaml").write_text(data, encoding="utf-8")
    rendered = paragraphs(_render(workdir, "pingtan-2021"))
    assert "本年度共收到政府信息公开申请70件，办结69件，结转下年度继续办理1件。" in rendered
    assert "本年度因政府信息公开被申请行政复议3件、提起行政诉讼12件。" in rendered


def _new_and_render(year: int) -> str:
    """`nianbao new` then `nianbao render` of what it wrote; the render's output."""
    runner = CliRunner()
    result = runner.invoke(main, ["new", "--office", "config/offices/pingtan.yaml",
                                  "--year", str(year), "-o", f"{year}.yaml"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["render", f"{year}.yaml"])
    assert result.exit_code == 0, result.output
    return result.output


def test_new_data_file_renders_with_todo_warnings(workdir: Path) -> None:
    output = _new_and_render(2024)
    assert "office: pingtan  #" in (workdir / "2024.yaml").read_text(encoding="utf-8")
    assert output.count("警告：仍标有“【待填写】”，是草稿，发布前请修改") == 5
    rendered = paragraphs(workdir / "2024.docx")
    assert rendered[0] == "平潭综合实验区2024年度政府信息公开工作年度报告"
    assert "本年度未收到政府信息公开申请。" in rendered
    assert "本年度未收取信息处理费。" in rendered
    assert rendered[-1] == "2025年1月20日"
    assert rendered[1].startswith("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和"
                                  "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）要求，"
                                  "平潭综合实验区编制了2024年度政府信息公开工作年度报告。")


def test_new_for_a_2020_report_uses_the_2019_form(workdir: Path) -> None:
    _new_and_render(2020)
    assert "规范性文件: {本年新制作数量: 0" in (workdir / "2020.yaml").read_text(encoding="utf-8")
    grids = tables(workdir / "2020.docx")
    assert texts(grids[0])[-1] == ["政府集中采购", "0", "0", "0"]
    assert [row[2] for row in texts(grids[1])][-3:] == ["（六）其他处理", "（七）总计",
                                                         "四、结转下年度继续办理"]


def test_text_is_printed_literally(workdir: Path) -> None:
    tricky = "A&B <b>粗体</b> \"引号\" 'x' {{ office.name }} {% if true %}是{% endif %}"
    data = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    quoted = "'" + tricky.replace("'", "''") + "'"  # a YAML single-quoted scalar
    data = data.replace("    - 2021年，无收取信息处理费情况。", f"    - {quoted}")
    (workdir / "pingtan-2021.yaml").write_text(data, encoding="utf-8")
    assert tricky in paragraphs(_render(workdir, "pingtan-2021"))


def test_existing_output_is_kept_without_force(workdir: Path) -> None:
    out = workdir / "out.docx"
    out.write_bytes(b"signed report")
    result = CliRunner().invoke(main, ["render", "pingtan-2021.yaml", "-o", str(out)])
    assert result.exit_code == 2
    assert "文件已存在，未覆盖（确需覆盖请加 --force）" in result.output
    assert out.read_bytes() == b"signed report"
    result = CliRunner().invoke(main, ["render", "pingtan-2021.yaml", "-o", str(out), "--force"])
    assert result.exit_code == 0
    assert tables(out)[2].rows[3][0].text == "1"


@pytest.mark.parametrize("name", ["pingtan-2021", "jingdezhen-2023"])
def test_render_twice_gives_the_same_document_text(workdir: Path, name: str) -> None:
    first = _render(workdir, name)
    second = workdir / "again.docx"
    CliRunner().invoke(main, ["render", f"{name}.yaml", "-o", str(second)])
    assert paragraphs(first) == paragraphs(second)
    assert [texts(g) for g in tables(first)] == [texts(g) for g in tables(second)]


# -- the pipeline --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pingtan-2021", "jingdezhen-2023"])
def test_fast_and_full_read_back_give_the_same_document(workdir: Path, name: str) -> None:
    full = render_one(workdir / f"{name}.yaml", Outputs(docx=workdir / "a.docx"))
    fast = render_one(workdir / f"{name}.yaml", Outputs(docx=workdir / "a.docx", fast=True))
    full_bytes, fast_bytes = full.documents[workdir / "a.docx"], fast.documents[workdir / "a.docx"]
    if fast_bytes != full_bytes:  # the same document: every paragraph, every cell
        assert paragraphs(fast_bytes) == paragraphs(full_bytes)
        assert [[(c.text, c.origin, c.row_span, c.col_span) for row in g.rows for c in row]
                for g in tables(fast_bytes)] == \
            [[(c.text, c.origin, c.row_span, c.col_span) for row in g.rows for c in row]
             for g in tables(full_bytes)]
    assert fast.warnings == full.warnings
    assert not (workdir / "a.docx").exists()  # rendered, not yet written


def test_outputs_asked_for_are_rendered_and_written_whole(workdir: Path) -> None:
    outputs = Outputs(docx=workdir / "out" / "r.docx", html=workdir / "out" / "r.html")
    assert outputs.paths == [workdir / "out" / "r.docx", workdir / "out" / "r.html"]
    assert Outputs().paths == []
    rendered = render_one(workdir / "pingtan-2021.yaml", outputs)
    assert list(rendered.documents) == outputs.paths
    assert rendered.report.office.name == "平潭综合实验区"
    write(rendered)
    assert (workdir / "out" / "r.docx").read_bytes() == rendered.documents[outputs.docx]
    assert (workdir / "out" / "r.html").read_bytes().startswith(b"<!DOCTYPE html>")
    with pytest.raises(OutputExists):
        write(rendered)
    write(rendered, force=True)
    assert render_one(workdir / "pingtan-2021.yaml", Outputs()).documents == {}


def test_bad_data_raise_every_problem_and_render_nothing(workdir: Path) -> None:
    data = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    (workdir / "bad.yaml").write_text(data.replace("{自然人: 27,", "{自然人: -27,"),
                                      encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        render_one(workdir / "bad.yaml", Outputs(docx=workdir / "bad.docx"))
    assert caught.value.exit_code == 1
    assert any("件数不能为负数（-27）" in line for line in caught.value.lines())


def test_warnings_name_draft_marks_and_prose_the_tables_contradict(workdir: Path) -> None:
    from dataclasses import replace

    from nianbao.datafile.reader import load_report
    from nianbao.report.model import Paragraph

    report = load_report(workdir / "pingtan-2021.yaml")
    assert warnings(report) == []
    report.office = replace(report.office, phone="【待填写】")
    report.text["problems"].insert(0, Paragraph(text="【待填写】", line=40))
    report.text["overview"].append(Paragraph(text="本年度共收到政府信息公开申请71件。"))
    source = workdir / "pingtan-2021.yaml"
    assert warnings(report) == [
        f"{source}: 机关信息“联系电话”：警告：仍标有“【待填写】”，是草稿，发布前请修改",
        f"{source}:40: 五、存在的主要问题及改进情况：警告：仍标有“【待填写】”，"
        "是草稿，发布前请修改",
        f"{source}: 警告 [P1] 正文“本年度共收到政府信息公开申请71件”：收到申请件数与表中不一致"
        "（正文为 71，表三 “一、本年新收政府信息公开申请数量” “总计”为 70）"]

