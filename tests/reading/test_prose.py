"""The prose of a document in the form's terms: title, preamble, the six sections by
their numbered headings (variants noted), signature and date."""

from __future__ import annotations

from nianbao.reading.model import ReadReport
from nianbao.reading.prose import read_prose
from nianbao.sources.blocks import ParagraphBlock
from nianbao.spec.form import load_form

HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项"]


def _read(*lines: str | ParagraphBlock) -> ReadReport:
    report = ReadReport(form=load_form("2021"))
    read_prose(report, [line if isinstance(line, ParagraphBlock) else ParagraphBlock(line, None)
                        for line in lines])
    return report


def test_title_sections_signature_and_date() -> None:
    report = _read("首页 > 政务公开", "某机关2024年度政府信息公开工作年度报告", "根据《条例》……。",
                   HEADINGS[0], "总体段落一。", "总体段落二。", *HEADINGS[1:5], "问题。",
                   HEADINGS[5], "无。", "某机关", "2025年1月20日")
    assert report.title == "某机关2024年度政府信息公开工作年度报告"
    assert report.text == {"preamble": ["根据《条例》……。"],  # the page around it is dropped
                           "overview": ["总体段落一。", "总体段落二。"], "proactive": [],
                           "requests": [], "appeals": [], "problems": ["问题。"],
                           "other": ["无。"]}
    assert (report.signature, report.date) == ("某机关", "2025年1月20日")
    assert report.findings == []


def test_the_title_by_its_style() -> None:
    report = _read(ParagraphBlock("关于2024年工作的报告", "年报标题"), *HEADINGS)
    assert report.title == "关于2024年工作的报告"
    assert _read(ParagraphBlock("某某网页标题", "h1"), *HEADINGS).title == "某某网页标题"


def test_heading_variants_are_read_and_noted() -> None:
    report = _read(HEADINGS[0], HEADINGS[1], HEADINGS[2], "四、行政复议、行政诉讼情况",
                   "五、存在的主要问题及改进措施:", "问题。", "六．其他需要报告的事项")
    assert report.text["problems"] == ["问题。"]
    assert [(f.rule, f.severity, f.message) for f in report.findings] == [
        ("L", "warning", "标题与正式格式不同，应为“四、政府信息公开行政复议、行政诉讼情况”"),
        ("L", "warning", "标题与正式格式不同，应为“五、存在的主要问题及改进情况”"),
        ("L", "warning", "标题与正式格式不同，应为“六、其他需要报告的事项”")]  # 六．
    assert report.text["other"] == []


def test_a_missing_section_is_an_error_and_sections_only_go_forward() -> None:
    report = _read(HEADINGS[0], "一、总体情况（续）", HEADINGS[2], HEADINGS[1], "正文。",
                   *HEADINGS[3:])
    # 二 after 三 is no heading: sections come in order, so it is prose of 三
    assert report.text["requests"] == ["二、主动公开政府信息情况", "正文。"]
    assert report.text["overview"] == ["一、总体情况（续）"]
    assert [(f.rule, f.severity, f.row) for f in report.findings] == [
        ("S", "error", "二、主动公开政府信息情况")]
    assert report.findings[0].message == "缺少第二部分“二、主动公开政府信息情况”"


def test_a_long_line_starting_like_a_heading_is_prose() -> None:
    long = "一、总体情况" + "。" * 40
    assert _read(long, *HEADINGS).text["preamble"] == [long]


def test_a_signature_is_only_taken_above_a_date() -> None:
    report = _read(*HEADINGS, "最后一段没有日期。")
    assert (report.signature, report.date) == ("", "")
    assert report.text["other"] == ["最后一段没有日期。"]
    report = _read(*HEADINGS, "这是一句正文，不是落款。", "2025 年 1 月 5 日")
    assert (report.signature, report.date) == ("", "2025 年 1 月 5 日")


def test_a_line_in_the_title_style_after_the_title_is_the_preamble() -> None:
    """Enter after the title in Word keeps its style: the line typed there (此件公开发布)
    names no report, so the title stays the title."""
    report = _read(ParagraphBlock("某机关2024年度政府信息公开工作年度报告", "年报标题"),
                   ParagraphBlock("（此件公开发布）", "年报标题"), "根据《条例》……。", *HEADINGS)
    assert report.title == "某机关2024年度政府信息公开工作年度报告"
    assert report.text["preamble"] == ["（此件公开发布）", "根据《条例》……。"]
    # a cover's line before the title is still dropped, and a later title still wins
    report = _read(ParagraphBlock("封面", "年报标题"), "某机关2024年度政府信息公开工作年度报告",
                   *HEADINGS)
    assert (report.title, report.text["preamble"]) == ("某机关2024年度政府信息公开工作年度报告", [])


def test_lines_after_the_date_are_not_prose() -> None:
    report = _read(*HEADINGS, "无。", "某机关", "2025年1月20日", "联系人：张三　电话：0591-1234",
                   "（此件公开发布）")
    assert (report.signature, report.date) == ("某机关", "2025年1月20日")
    assert report.text["other"] == ["无。"]
    assert report.closing == ["联系人：张三　电话：0591-1234", "（此件公开发布）"]


def test_a_title_on_two_lines_is_one_title() -> None:
    """Offices often type the title as two paragraphs (their name, then the year's
    report); a web page may split it with <br>. A line that is no name stays apart."""
    report = _read("首页 > 政务公开", "某市人民政府办公室", "2024年度政府信息公开工作年度报告",
                   "根据《条例》……。", *HEADINGS)
    assert report.title == "某市人民政府办公室2024年度政府信息公开工作年度报告"
    assert report.text["preamble"] == ["根据《条例》……。"]
    report = _read("首页 > 政务公开", "2024年度政府信息公开工作年度报告", *HEADINGS)
    assert report.title == "2024年度政府信息公开工作年度报告"
