"""What the prose says against the cells it names (P1–P30), and draft marks left in the
text (T1): warnings. The corpus of real phrasings is test_prose_corpus.py."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import OFFICE, reports

from nianbao.checking.prose import LastYear, draft_findings, prose_findings
from nianbao.report.blank import blank_report
from nianbao.report.model import Report
from nianbao.report.prose import resolve_text
from nianbao.spec.findings import Quote
from nianbao.spec.form import load_form

FORM = load_form("2021")
T3 = {("received", "total"): 70, ("carried_over", "total"): 0, ("results_total", "total"): 69,
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


def test_a_finding_quotes_its_clause_names_the_cells_and_both_numbers() -> None:
    paragraph = "本年度，我局共收到政府信息公开申请258件，办结69件。"
    tables = {"t3": {("received", "total"): 250, ("carried_over", "total"): 25,
                     ("results_total", "total"): 69}}
    [finding] = prose_findings(FORM, {"requests": ["导语。", paragraph]}, tables)
    assert finding.message == (
        "正文“我局共收到政府信息公开申请258件”：收到申请件数与表中不一致（正文为 258，"
        "表三 “一、本年新收政府信息公开申请数量” “总计”为 250；表三 “一、本年新收政府信息"
        "公开申请数量” “总计” + “二、上年结转政府信息公开申请数量” “总计”为 275）")
    assert finding.quote == Quote("requests", 1, 4, 21, "我局共收到政府信息公开申请258件")
    assert finding.as_dict()["quote"] == {"section": "requests", "paragraph": 1, "start": 4,
                                          "end": 21, "text": "我局共收到政府信息公开申请258件"}


def test_a_count_that_may_mean_one_plus_two_is_right_when_either_fits() -> None:
    tables = {"t3": {("received", "total"): 74, ("carried_over", "total"): 1}}
    assert prose_findings(FORM, {"requests": ["收到申请75件。", "受理申请74件。"]}, tables) == []
    [wrong] = prose_findings(FORM, {"requests": ["受理申请76件。"]}, tables)
    assert wrong.rule == "P1"


def test_known_cells_that_already_exceed_the_number_contradict_it_despite_a_blank() -> None:
    tables = {"t3": {("withheld_state_secret", "total"): 3, ("withheld_third_party", "total"): 2}}
    [finding] = prose_findings(FORM, {"requests": ["不予公开4件。"]}, tables)
    assert finding.rule == "P13" and "至少为 5（有空格未填）" in finding.message
    assert prose_findings(FORM, {"requests": ["不予公开6件。"]}, tables) == []


def test_the_word_before_the_number_decides_between_review_and_suits() -> None:
    tables = {"t4": {("-", "review.upheld"): 2, ("-", "direct_suit.upheld"): 1,
                     ("-", "suit_after_review.upheld"): 0}}
    paragraph = "行政复议3件，其中维持2件；行政诉讼1件，其中维持1件。"
    assert [f.rule for f in prose_findings(FORM, {"appeals": [paragraph]}, tables)] == []
    [finding] = prose_findings(FORM, {"appeals": ["行政诉讼中，维持2件。"]}, tables)
    assert finding.rule == "P17" and finding.expected == "1"


def test_a_wrong_number_that_is_last_years_is_said_to_be_probably_not_updated() -> None:
    last = LastYear({"t3": {("received", "total"): 58, ("carried_over", "total"): 0}}, {})
    [finding] = prose_findings(FORM, {"requests": ["收到申请58件。"]}, {"t3": T3}, last=last)
    assert finding.message.endswith("；58 是上年报告中的数，可能未按本年更新")


def test_statements_the_tables_contradict() -> None:
    assert _found("本年度未收到政府信息公开申请。") == [
        ("P6", None, "本年度未收到政府信息公开申请")]
    # one review is still pending
    [upheld] = prose_findings(FORM, {"appeals": ["复议案件均获维持。"]}, {"t4": T4})
    assert upheld.message == ("正文“复议案件均获维持”：正文说复议、诉讼结果均获维持，但表四有结果"
                              "纠正或尚未审结的案件（表四 “行政复议/尚未审结”为 1）")


def test_fees_are_compared_only_where_the_report_states_them() -> None:
    text = {"other": ["本年度收取信息处理费200元。", "未收取信息处理费。"]}
    assert prose_findings(FORM, text, {}) == []  # a document read back has no fees
    fees: dict[str, int | Decimal] = {"notices": 1, "amount": Decimal(300)}
    assert [f.rule for f in prose_findings(FORM, text, {}, fees=fees)] == ["P26", "P27"]


def test_cells_that_are_not_numbers_are_not_compared() -> None:
    tables = {"t3": {("received", "total"): None}}
    assert prose_findings(FORM, {"x": ["收到申请71件。", "未收到申请。"]}, tables) == []


def _standard_report(report: Report, fees: int, carried: int = 0) -> Report:
    """Every section's prose as `nianbao new` writes it, the clerk's placeholders taken
    out: the standard paragraphs that quote the tables. `carried`: applications of each
    column moved from 一 to 二 (the balance of table 三 still holds)."""
    skeleton = blank_report(report.form, OFFICE, "x", report.year, report.date)
    report.text = {key: [p for p in paragraphs if p.standard]
                   for key, paragraphs in skeleton.text.items()}
    report.fees = {"notices": 1 if fees else 0, "amount": Decimal(fees)}
    table, values = report.form.tables["t3"], dict(report.tables["t3"])
    for column in table.columns:
        if not table.is_derived("received", column.id):
            moved = min(carried, values[("received", column.id)])
            values[("received", column.id)] -= moved
            values[("carried_over", column.id)] += moved
    report.tables["t3"] = report.form.rederive("t3", values)
    return report


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), st.integers(0, 5000), st.integers(0, 3))
def test_standard_paragraphs_never_contradict_the_tables(report: Report, fees: int,
                                                         carried: int) -> None:
    report = _standard_report(report, fees, carried)
    text = resolve_text(report)
    assert any(text.values())
    assert prose_findings(report.form, text, report.tables, year=report.year,
                          fees=report.fees) == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports("2019"), st.integers(0, 5000))
def test_standard_paragraphs_of_2019_never_contradict_the_tables(report: Report,
                                                                 fees: int) -> None:
    report = _standard_report(report, fees)
    assert prose_findings(report.form, resolve_text(report), report.tables, year=report.year,
                          fees=report.fees) == []


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
