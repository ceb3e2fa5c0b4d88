"""The prose rules as the form file gives them: cells named by template path, a group
row standing for its data rows, the placeholders of the patterns."""

from __future__ import annotations

import pytest

from nianbao.spec.form import load_form
from nianbao.spec.prose import (
    FEES,
    CountRule,
    Meaning,
    StatementRule,
    build_leftover_rule,
    build_meaning,
    build_prose_rule,
)

TABLES = load_form("2021").tables


def test_a_meaning_names_its_cells_as_the_form_prints_them() -> None:
    assert build_meaning(["t3.received.total", "t3.carried_over.total"], TABLES) == Meaning(
        (("t3", ("received", "total")), ("t3", ("carried_over", "total"))),
        "表三 “一、本年新收政府信息公开申请数量” “总计” + "
        "“二、上年结转政府信息公开申请数量” “总计”")
    assert build_meaning(["t4.review.upheld"], TABLES).says == "表四 “行政复议/结果维持”"


def test_a_group_row_stands_for_its_data_rows() -> None:
    meaning = build_meaning(["t3.unavailable.total"], TABLES)
    assert meaning.cells == (("t3", ("unavailable_not_held", "total")),
                             ("t3", ("unavailable_needs_creation", "total")),
                             ("t3", ("unavailable_unclear", "total")))
    assert meaning.says == "表三 “（四）无法提供”各项 “总计”之和"


def test_fees_are_named_in_the_form_files_own_words() -> None:
    meaning = build_meaning({"cells": ["fees.amount"], "says": "信息处理费"}, TABLES)
    assert meaning == Meaning(((FEES, ("amount", "")),), "信息处理费")


def test_a_count_rules_placeholders_match_a_masked_number_and_its_counting_word() -> None:
    rule = build_prose_rule({"id": "P", "kind": "count", "label": "办结件数", "message": "m",
                             "patterns": ["办结{n}"], "means": [["t3.results_total.total"]],
                             "by": {"复议": [["t4.review.total"]]}, "unless": ["建议"]},
                            TABLES)
    assert isinstance(rule, CountRule)
    assert rule.patterns[0].search("办结##件") and not rule.patterns[0].search("办结##条")
    assert rule.by[0][1][0].cells == (("t4", ("-", "review.total")),)
    assert rule.unless is not None and rule.unless.search("人大建议")
    money = build_prose_rule({"id": "P", "kind": "count", "label": "l", "message": "m",
                              "money": True, "patterns": ["费{money}"], "means": []}, TABLES)
    match = money.patterns[0].search("费###万元")  # type: ignore[union-attr]
    assert match and match.group("unit") == "万元"


def test_a_statement_holds_its_cells_and_unknown_kinds_are_refused() -> None:
    rule = build_prose_rule({"id": "P", "kind": "statement", "message": "m",
                             "pattern": "未收到", "cells": ["t3.received.total"]}, TABLES)
    assert isinstance(rule, StatementRule) and rule.cells == (("t3", ("received", "total")),)
    with pytest.raises(ValueError, match="unknown prose rule Q"):
        build_prose_rule({"id": "Q", "kind": "guess", "message": "m"}, TABLES)


def test_a_leftover_rule_keeps_its_words() -> None:
    rule = build_leftover_rule({"id": "Y", "kind": "repeated", "message": "m",
                                "min_length": 40, "unless": ["电话"]})
    assert rule.min_length == 40 and rule.pattern is None
    assert rule.unless is not None and rule.unless.search("联系电话")
