"""Rollover: next year's draft from this year's report. The draft carries over exactly
what the across-year rules (X1–X3) expect, keeps table 三's balance, marks last year's
text for review, and passes `check --previous` by construction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from strategies import OFFICE

from nianbao.checking.tables import table_findings
from nianbao.checking.years import year_findings
from nianbao.cli import main
from nianbao.datafile.reader import load_report
from nianbao.report.blank import blank_report
from nianbao.report.model import Paragraph, Report
from nianbao.report.rollover import roll_over
from nianbao.spec.form import load_form
from nianbao.spec.rules import total


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_rollover_to_next_year(workdir: Path) -> None:
    code, output = _invoke("rollover", "pingtan-2021.yaml", "-o", "2022.yaml")
    assert code == 0, output
    last = load_report(workdir / "pingtan-2021.yaml")
    draft = load_report(workdir / "2022.yaml")
    assert (draft.year, draft.date, draft.form.version) == (2022, dt.date(2023, 1, 20), "2021")
    t3 = draft.form.tables["t3"]
    for column in t3.columns:
        assert draft.tables["t3"][("carried_over", column.id)] == \
            last.tables["t3"][("carried_forward", column.id)]
    assert draft.tables["t2"][("normative_documents", "in_force")] == 665
    assert draft.tables["t2"][("normative_documents", "issued")] == 0
    assert draft.tables["t4"][("-", "review.total")] == 0
    data = (workdir / "2022.yaml").read_text(encoding="utf-8")
    assert "现行有效件数: 665}  # 【待更新】现行有效件数沿用上年数，请按本年制发、废止核实" in data
    assert all(p.text.startswith("【待更新】") for ps in draft.text.values() for p in ps)
    code, output = _invoke("render", "2022.yaml")
    assert code == 0, output
    assert output.count("仍标有“【待更新】”") == sum(len(ps) for ps in draft.text.values())
    assert _invoke("render", "pingtan-2021.yaml")[0] == 0
    code, output = _invoke("check", "2022.docx", "--previous", "pingtan-2021.docx")
    assert "[X1]" not in output and code == 0, output


def test_rollover_from_2020_moves_to_the_2021_form(workdir: Path) -> None:
    assert _invoke("new", "--office", "config/offices/pingtan.yaml", "--year", "2020",
                   "-o", "2020.yaml")[0] == 0
    data = (workdir / "2020.yaml").read_text(encoding="utf-8")
    data = data.replace("行政许可: {上一年项目数量: 0, 本年增/减: 0, 处理决定数量: 0}",
                        "行政许可: {上一年项目数量: 396, 本年增/减: -3, 处理决定数量: 181}")
    (workdir / "2020.yaml").write_text(data, encoding="utf-8")
    code, output = _invoke("rollover", "2020.yaml", "-o", "2021.yaml")
    assert code == 0, output
    assert "表格格式由 2019 改为 2021（国办公开办函〔2021〕30号）" in output
    assert "未转入：行政许可“上一年项目数量”、行政许可“本年增/减”、行政许可“处理决定数量”" in output
    assert load_report(workdir / "2021.yaml").form.version == "2021"


def test_rollover_refuses_a_data_file_with_errors(workdir: Path) -> None:
    data = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    (workdir / "bad.yaml").write_text(data.replace("{自然人: 27,", "{自然人: -27,"),
                                      encoding="utf-8")
    code, output = _invoke("rollover", "bad.yaml", "-o", "next.yaml")
    assert code == 1
    assert "表三 “（一）予以公开” “自然人”：件数不能为负数（-27）" in output
    assert not (workdir / "next.yaml").exists()


def _report(version: str, year: int, cells: dict[str, dict[tuple[str, str], Any]]) -> Report:
    """A blank report of a form with a few typed cells set, totals derived."""
    form = load_form(version)
    report = blank_report(form, OFFICE, "x", year)
    for tid, given in cells.items():
        typed = form.tables[tid].typed(report.tables[tid]) | given
        report.tables[tid] = form.derive(tid, typed)
    return report


LAST_2021 = {
    "t3": {("received", "natural"): 5, ("disclosed", "natural"): 3,
           ("carried_forward", "natural"): 2, ("received", "legal"): 1,
           ("other_other", "legal"): 1},
    "t2": {("rules", "issued"): 2, ("rules", "in_force"): 7,
           ("normative_documents", "repealed"): 1, ("normative_documents", "in_force"): 40,
           ("licensing", "decisions"): 12},
    "t4": {("-", "review.upheld"): 3},
}
LAST_2019 = {"t2": {("licensing", "prior_items"): 396, ("licensing", "change"): -3,
                    ("fees", "prior_items"): 4, ("fees", "change"): 1,
                    ("procurement", "procurement_amount"): "251000元"}}


def _expected_cells(draft: Report, last: Report) -> dict[tuple[str, tuple[str, str]], Any]:
    """What the across-year rules expect of the draft, by (table, cell)."""
    form = draft.form
    found = {}
    for rule in form.across_years:
        if rule.applies(form.version, last.form.version):
            for cell, terms in rule.expectations(form.tables[rule.table],
                                                 draft.tables[rule.table],
                                                 last.tables[rule.table]):
                found[(rule.table, cell)] = total(terms)
    return found


@pytest.mark.parametrize(("version", "year", "cells"), [("2021", 2023, LAST_2021),
                                                        ("2019", 2019, LAST_2019)])
def test_the_draft_carries_exactly_what_the_across_year_rules_expect(
        version: str, year: int, cells: dict[str, Any]) -> None:
    last = _report(version, year, cells)
    draft = roll_over(last).report
    assert (draft.year, draft.form.version) == (year + 1, version)
    expected = _expected_cells(draft, last)
    assert expected
    for (tid, cell), value in expected.items():
        assert draft.tables[tid][cell] == value, (tid, cell)
    balanced = {(eq.table, eq.blamed) for tid in draft.form.tables
                for eq in draft.form.equations(tid) if eq.balance}
    for tid, table in draft.form.tables.items():
        for key, value in table.typed(draft.tables[tid]).items():
            if (tid, key) not in expected and (tid, key) not in balanced:
                assert value == 0, (tid, key)  # everything else starts at 0
    assert year_findings(draft.form, draft.tables, last.form, last.tables) == []
    assert table_findings(draft.form, draft.tables) == []


def test_what_carries_over_from_a_2021_report() -> None:
    last = _report("2021", 2023, LAST_2021)
    draft = roll_over(last).report
    t2, t3, t4 = (draft.tables[t] for t in ("t2", "t3", "t4"))
    assert t3[("carried_over", "natural")] == 2  # X1: last year's 四
    assert t3[("carried_forward", "natural")] == 2  # R3.3 kept: not handled yet
    assert t3[("carried_over", "total")] == t3[("carried_forward", "total")] == 2
    assert t3[("received", "natural")] == 0 and t3[("carried_over", "legal")] == 0
    assert (t2[("rules", "in_force")], t2[("normative_documents", "in_force")]) == (7, 40)
    assert t2[("rules", "issued")] == 0 and t2[("licensing", "decisions")] == 0
    assert t4[("-", "review.upheld")] == 0
    assert draft.row_notes == {
        ("t2", "rules"): "【待更新】现行有效件数沿用上年数，请按本年制发、废止核实",
        ("t2", "normative_documents"): "【待更新】现行有效件数沿用上年数，请按本年制发、废止核实",
        ("t3", "carried_forward"): "【待更新】按上年结转暂填（尚未办结），办结后请改"}


def test_what_carries_over_from_a_2019_report() -> None:
    last = _report("2019", 2019, LAST_2019)
    draft = roll_over(last).report
    assert draft.tables["t2"][("licensing", "prior_items")] == 393  # X3: 396 − 3
    assert draft.tables["t2"][("fees", "prior_items")] == 5
    assert draft.tables["t2"][("licensing", "change")] == 0
    assert draft.tables["t2"][("procurement", "procurement_amount")] == 0  # not carried
    assert draft.row_notes[("t2", "licensing")] == \
        "【待更新】上一年项目数量按上年数加增/减计算，请核实"


def test_last_years_text_is_kept_as_a_draft() -> None:
    last = _report("2021", 2023, {})
    last.text["problems"] = [Paragraph(text="去年的问题。")]
    last.title = "某机关2023年度政府信息公开工作年度报告"
    result = roll_over(last)
    draft = result.report
    assert draft.text["problems"] == [Paragraph(text="【待更新】去年的问题。")]
    assert draft.text["preamble"] == [Paragraph(standard="opening")]  # standard: kept
    assert draft.title == "某机关2024年度政府信息公开工作年度报告"
    assert draft.date == dt.date(2025, 1, 20)
    assert result.notes == []


def test_a_2020_report_rolls_over_to_the_2021_form() -> None:
    last = _report("2019", 2020, LAST_2019)
    result = roll_over(last)
    assert result.report.form.version == "2021"
    assert result.notes[0].startswith("表格格式由 2019 改为 2021（国办公开办函〔2021〕30号）："
                                      "表二的栏目已变化，请按新格式填写：规章“本年制发件数”")
    assert result.notes[1] == (
        "旧格式表二中的以下数字在新格式中没有对应栏目，未转入：行政许可“上一年项目数量”、"
        "行政许可“本年增/减”、行政事业性收费“上一年项目数量”、行政事业性收费“本年增/减”、"
        "政府集中采购“采购总金额”")
    # table 三 is the same in both forms: X1 still holds across the switch
    assert year_findings(result.report.form, result.report.tables, last.form,
                         last.tables) == []
