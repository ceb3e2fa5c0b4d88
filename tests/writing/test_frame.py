"""The fixed text of a template, found from its document of marks: slots and the
clerk's text around them; a document's paragraphs compared with it, each difference
named where a clerk would look for it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from nianbao.reading.model import ReadReport
from nianbao.report.model import Paragraph
from nianbao.spec.form import load_form
from nianbao.writing.filler import TemplateProblem
from nianbao.writing.frame import Frame, Slot, find_frame, marked_report, misplaced

FORM = load_form("2021")
MARKED = marked_report(FORM)
HEADINGS = [s.heading for s in FORM.sections]


def _marked_paragraphs() -> list[str]:
    """The document of marks of the built-in template: title, preamble, six parts."""
    text = {k: [p.text for p in ps] for k, ps in MARKED.text.items()}
    body = [MARKED.full_title, *text["preamble"]]
    for section in FORM.sections:
        body += [section.heading, *text[section.id]]
    return [*body, MARKED.office.signature, "2099年9月9日"]


def test_the_built_in_template_is_slots_and_headings() -> None:
    frame = find_frame(MARKED, _marked_paragraphs(), "t.docx")
    assert frame.items[:3] == (Slot("title"), Slot("preamble"), HEADINGS[0])
    assert [i for i in frame.items if isinstance(i, str)] == HEADINGS
    assert frame.paragraphs(MARKED) == _marked_paragraphs()


def test_text_in_the_paragraph_of_a_placeholder_is_the_slots_own() -> None:
    paragraphs = _marked_paragraphs()
    paragraphs[0] += "（征求意见稿）"
    paragraphs[-1] = "日期：" + paragraphs[-1]
    frame = find_frame(MARKED, [*paragraphs, "联系人：张三"], "t.docx")
    assert frame.items[0] == Slot("title", after="（征求意见稿）")
    assert frame.items[-2:] == (Slot("date", before="日期："), "联系人：张三")
    report = marked_report(FORM)
    report.title = "某机关报告"
    assert frame.paragraphs(report)[0] == "某机关报告（征求意见稿）"


@pytest.mark.parametrize(("edit", "message"), [
    (lambda ps: ps.remove(MARKED.office.signature), "t.docx 中缺少 {{ signature }}"),
    (lambda ps: ps.insert(0, MARKED.full_title), "t.docx 中重复了 {{ title }}"),
    (lambda ps: ps.insert(2, "注："), "{%p for p in text.preamble %} {{ p.lead }}{{ p.body }} "
                                     "{%p endfor %} 的段落循环被改动"),
    (lambda ps: ps.__setitem__(1, ps[1] + ps[2]), "text.preamble %} {{ p.lead }}{{ p.body }} "
                                                  "{%p endfor %} 所在的段落被改动"),
])
def test_a_placeholder_missing_repeated_or_edited_is_named(
        edit: Callable[[list[str]], None], message: str) -> None:
    paragraphs = _marked_paragraphs()
    edit(paragraphs)
    with pytest.raises(TemplateProblem) as caught:
        find_frame(MARKED, paragraphs, "t.docx")
    assert any(message in line for line in caught.value.lines()), caught.value.lines()


def test_differences_name_the_part_changed_missing_or_added() -> None:
    frame = Frame((Slot("title"), HEADINGS[4], Slot("problems"), "注：不含附件。"))
    report = marked_report(FORM)
    report.text["problems"] = [Paragraph(text="问题一。"), Paragraph(text="问题二。")]
    wanted = frame.paragraphs(report)
    assert frame.differences(report, wanted) == []
    found = [wanted[0], HEADINGS[4], "问题一。", "问题三。", "注：不含附件。", "多的。"]
    assert frame.differences(report, found) == [
        "“五、存在的主要问题及改进情况”部分的段落应为“问题二。”，文档中为“问题三。”",
        "文档中多出段落“多的。”（模板中的段落循环可能被改动）"]
    assert frame.differences(report, wanted[:2] + wanted[3:]) == [
        "“五、存在的主要问题及改进情况”部分的段落“问题一。”不在文档中（模板中的段落循环可能被改动）"]
    long = "本年度，本机关共收到政府信息公开申请" * 3
    report.text["problems"] = [Paragraph(text=long + "12件。")]
    found = [wanted[0], HEADINGS[4], long + "13件。", "注：不含附件。"]
    assert frame.differences(report, found) == [  # shown where they differ
        "“五、存在的主要问题及改进情况”部分的段落应为“…息公开申请12件。”，"
        "文档中为“…息公开申请13件。”"]


def test_a_paragraph_read_in_another_part_is_named() -> None:
    """A paragraph of 五 that reads as the heading of 六: printed in order, but
    `nianbao check` would take it for 六."""
    report = marked_report(FORM)
    report.text = {k: [] for k in report.text}
    report.text["problems"] = [Paragraph(text="问题。")]
    report.office = dataclasses.replace(report.office, signature="")
    read = ReadReport(form=FORM, title=report.full_title, date="2099年9月9日",
                      text={"problems": [], "other": ["问题。"]})
    frame = find_frame(MARKED, _marked_paragraphs(), "t.docx")
    assert misplaced(report, read, frame) == [
        "“五、存在的主要问题及改进情况”的段落读回时不全在这一部分（有的段落像是标题或落款？）"]
