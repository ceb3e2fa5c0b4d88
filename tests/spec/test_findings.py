"""Findings say what is wrong the way a clerk reads the printed form."""

from __future__ import annotations

from decimal import Decimal

from nianbao.spec.findings import ERROR, WARNING, Finding, wrong_cell
from nianbao.spec.form import load_form


def test_a_wrong_cell_is_named_as_printed() -> None:
    form = load_form("2021")
    finding = wrong_cell("R3.1", ERROR, form.tables["t3"], ("disclosed", "total"), 5, 4,
                         "总计应等于各项之和")
    assert finding == Finding("R3.1", ERROR, "表三", "（一）予以公开", "总计", "5", "4",
                              "表三 “（一）予以公开” “总计”：应为 5，实为 4（总计应等于各项之和）")


def test_table_four_cells_are_named_with_their_parents() -> None:
    form = load_form("2021")
    finding = wrong_cell("X", WARNING, form.tables["t4"], ("-", "suit_after_review.total"),
                         Decimal("2.50"), 3, "原因")
    assert (finding.row, finding.column, finding.expected) == ("", "行政诉讼/复议后起诉/总计",
                                                               "2.5")
    assert finding.message == "表四 “行政诉讼/复议后起诉/总计”：应为 2.5，实为 3（原因）"
    assert finding.as_dict() == {
        "rule": "X", "severity": "warning", "table": "表四", "row": "",
        "column": "行政诉讼/复议后起诉/总计", "expected": "2.5", "found": "3",
        "message": finding.message}
