"""This year's report against last year's: X1 (an error), X2 and X3 (warnings)."""

from __future__ import annotations

from nianbao.checking.years import year_findings
from nianbao.spec.form import load_form

F2021, F2019 = load_form("2021"), load_form("2019")


def _found(this: dict, last: dict, this_form=F2021, last_form=F2021) -> list[tuple]:
    return [(f.rule, f.severity, f.row, f.column, f.expected, f.found)
            for f in year_findings(this_form, this, last_form, last)]


def test_x1_carried_over_must_be_last_years_carried_forward() -> None:
    this = {"t3": {("carried_over", "natural"): 0, ("carried_over", "legal"): 2}}
    last = {"t3": {("carried_forward", "natural"): 1, ("carried_forward", "legal"): 2}}
    assert _found(this, last) == [("X1", "error", "二、上年结转政府信息公开申请数量", "自然人",
                                   "1", "0")]
    finding = year_findings(F2021, this, F2021, last)[0]
    assert finding.message == (
        "表三 “二、上年结转政府信息公开申请数量” “自然人”：应为 1，实为 0（本年“二、上年结转"
        "政府信息公开申请数量”应等于上年“四、结转下年度继续办理”）")


def test_x1_holds_across_the_change_of_form() -> None:
    this = {"t3": {("carried_over", "natural"): 0}}
    last = {"t3": {("carried_forward", "natural"): 4}}
    assert [f[0] for f in _found(this, last, F2021, F2019)] == ["X1"]


def test_cells_that_are_not_numbers_on_either_side_are_left_to_the_table_rules() -> None:
    this = {"t3": {("carried_over", "natural"): "—", ("carried_over", "legal"): 1}}
    last = {"t3": {("carried_forward", "natural"): 1, ("carried_forward", "legal"): None}}
    assert _found(this, last) == []
    assert _found({}, {}) == []


def test_x2_the_stock_of_documents_in_force() -> None:
    this = {"t2": {("rules", "in_force"): 10, ("rules", "issued"): 3, ("rules", "repealed"): 1,
                   ("normative_documents", "in_force"): 8,
                   ("normative_documents", "issued"): 0,
                   ("normative_documents", "repealed"): 0}}
    last = {"t2": {("rules", "in_force"): 7, ("normative_documents", "in_force"): 8}}
    assert _found(this, last) == [("X2", "warning", "规章", "现行有效件数", "9", "10")]
    # table 二 changed in 2021: X2 does not compare a 2021 report with a 2019 one
    assert _found(this, last, F2021, F2019) == []


def test_x3_prior_items_roll_forward_in_the_2019_form() -> None:
    this = {"t2": {("licensing", "prior_items"): 390}}
    last = {"t2": {("licensing", "prior_items"): 396, ("licensing", "change"): -3}}
    assert _found(this, last, F2019, F2019) == [
        ("X3", "warning", "行政许可", "上一年项目数量", "393", "390")]
    assert _found(this, last, F2021, F2019) == []
