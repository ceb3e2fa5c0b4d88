"""Numbers quoted in the prose against the cells they name (P1–P7), and draft marks
left in the text (T1): warnings."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import OFFICE

from nianbao.checking.prose import draft_findings, prose_findings
from nianbao.report.blank import blank_report
from nianbao.report.model import Paragraph
from nianbao.report.prose import resolve_text
from nianbao.spec.form import load_form

FORM = load_form("2021")
T3 = {("received", "total"): 70, ("results_total", "total"): 69,
      ("carried_forward", "total"): 1}
T4 = {("-", "review.total"): 3, ("-", "direct_suit.total"): 10,
      ("-", "suit_after_review.total"): 2, ("-", "review.corrected"): 0,
      ("-", "review.pending"): 1, ("-", "direct_suit.corrected"): 0,
      ("-", "direct_suit.pending"): 0, ("-", "suit_after_review.corrected"): 0,
      ("-", "suit_after_review.pending"): 0}


def _found(*paragraphs: str) -> list[tuple[str, str | None, str | None]]:
    findings = prose_findings(FORM, {"overview": list(paragraphs)}, {"t3": T3, "t4": T4})
    assert all(f.severity == "warning" and f.table == "正文" for f in findings)
    return [(f.rule, f.expected, f.found) for f in findings]


def test_numbers_that_agree_with_the_tables_pass() -> None:
    assert _found("本年度共收到政府信息公开申请70件，办结69件，结转下年度继续办理1件。",
                  "本年度被申请行政复议3件，提起行政诉讼12件。") == []


def test_numbers_that_disagree_are_named_with_the_tables_number() -> None:
    assert _found("本年度共收到政府信息公开申请71件，办结68件，2件结转下年度。") == [
        ("P1", "70", "71"), ("P2", "69", "68"), ("P3", "1", "2")]
    assert _found("行政复议4件。", "行政诉讼10件。") == [("P4", "3", "4"), ("P5", "12", "10")]
    [finding] = prose_findings(FORM, {"x": ["本年度收到申请71件。"]}, {"t3": T3})
    assert finding.message == ("正文“本年度收到申请71件”：正文中的收到申请件数与表三“一、本年新收"
                               "政府信息公开申请数量”的总计不一致（正文为 71，表中为 70）")


def test_statements_the_tables_contradict() -> None:
    assert _found("本年度未收到政府信息公开申请。") == [
        ("P6", None, "本年度未收到政府信息公开申请")]
    # one review is still pending
    assert _found("复议案件均获维持。") == [("P7", None, "复议案件均获维持")]


def test_cells_that_are_not_numbers_are_not_compared() -> None:
    tables = {"t3": {("received", "total"): None}}
    assert prose_findings(FORM, {"x": ["收到申请71件。", "未收到申请。"]}, tables) == []


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))
def test_standard_paragraphs_never_contradict_the_tables(received: int, handled: int,
                                                         review: int) -> None:
    report = blank_report(FORM, OFFICE, "x", 2024, dt.date(2025, 1, 5))
    t3 = FORM.tables["t3"].typed(report.tables["t3"]) | {
        ("received", "natural"): received + handled, ("disclosed", "natural"): handled,
        ("carried_forward", "natural"): received}
    report.tables["t3"] = FORM.derive("t3", t3)
    t4 = FORM.tables["t4"].typed(report.tables["t4"]) | {("-", "review.pending"): review}
    report.tables["t4"] = FORM.derive("t4", t4)
    report.text["requests"] = [Paragraph(standard="requests")]
    assert prose_findings(FORM, resolve_text(report), report.tables) == []


def test_draft_marks_are_found_wherever_they_are() -> None:
    findings = draft_findings(["某机关【待填写】年度报告", "正文。",
                               "【待更新】去年的段落【待填写】"])
    assert [(f.rule, f.severity, f.found) for f in findings] == [
        ("T1", "warning", "某机关【待填写】年度报告"),
        ("T1", "warning", "【待更新】去年的段落【待填写】"),
        ("T1", "warning", "【待更新】去年的段落【待填写】")]
    assert findings[0].message == \
        "“某机关【待填写】年度报告”仍标有“【待填写】”，是草稿，发布前请修改"
    assert draft_findings([]) == draft_findings(["定稿。"]) == []
