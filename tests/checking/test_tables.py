"""The table rules applied to cells, whatever they came from: a value of the wrong type
is named once, a sum or balance that does not hold blames one cell."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.checking.tables import table_findings
from nianbao.spec.form import load_form
from nianbao.spec.rules import TableValues

FORM = load_form("2021")


def _zeros() -> dict[str, TableValues]:
    return {tid: FORM.derive(tid, {c.key: 0 for c in table.cells()
                                   if not table.is_derived(*c.key)})
            for tid, table in FORM.tables.items()}


def _found(tables: dict[str, TableValues]) -> list[tuple[str, str, str, str | None, str | None]]:
    return [(f.rule, f.row, f.column, f.expected, f.found)
            for f in table_findings(FORM, tables)]


def test_consistent_tables_pass() -> None:
    assert table_findings(FORM, _zeros()) == []


def test_a_cell_that_is_not_a_number_is_named_and_left_out_of_the_sums() -> None:
    tables = _zeros()
    tables["t3"][("disclosed", "natural")] = "—"
    tables["t2"][("fees", "fee_amount")] = None
    assert _found(tables) == [
        ("R3.4", "（一）予以公开", "自然人", None, "—"),
        ("R2.1", "行政事业性收费", "本年收费金额（单位：万元）", "0", "")]
    assert table_findings(FORM, tables)[0].message == (
        "表三 “（一）予以公开” “自然人”：应为整数，填写的是 “—”（每格应填非负整数，没有的填 0）")


def test_cells_that_were_not_read_are_not_reported_again() -> None:
    tables = _zeros()
    del tables["t3"][("received", "natural")]  # a missing row is the reader's finding
    assert table_findings(FORM, tables) == []
    assert table_findings(FORM, {}) == []


def test_a_total_that_does_not_add_up_is_blamed() -> None:
    tables = _zeros()
    tables["t4"][("-", "review.upheld")] = 2  # 总计 still 0
    assert _found(tables) == [("R4.1", "", "行政复议/总计", "2", "0")]


def test_the_balance_blames_what_is_carried_forward() -> None:
    """R3.3: 一 + 二 = 三 + 四 for each column; 四 is named, with what would balance."""
    tables = _zeros()
    t3 = FORM.tables["t3"].typed(tables["t3"]) | {("received", "natural"): 5,
                                                   ("disclosed", "natural"): 3}
    tables["t3"] = FORM.derive("t3", t3)
    assert _found(tables) == [("R3.3", "四、结转下年度继续办理", "自然人", "2", "0"),
                              ("R3.3", "四、结转下年度继续办理", "总计", "2", "0")]


# half of the cells numbers, the rest what clerks leave: blanks, dashes, decimals
values = st.one_of(st.integers(0, 10**6),
                   st.none() | st.sampled_from(["—", "-", "无", "两件"])
                   | st.decimals(0, 10**6, places=2))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_derived_totals_never_break_a_sum(data: st.DataObject) -> None:
    """For any typed values (numbers, blanks, text), the totals `derive` computes
    satisfy R3.1, R3.2 and R4.1: a total it cannot compute stays blank."""
    tables: dict[str, TableValues] = {}
    for tid in ("t3", "t4"):
        table = FORM.tables[tid]
        typed: dict[Any, Any] = {c.key: data.draw(values) for c in table.cells()
                                 if not table.is_derived(*c.key)}
        tables[tid] = FORM.derive(tid, typed)
    sums = [f for f in table_findings(FORM, tables) if f.rule in ("R3.1", "R3.2", "R4.1")]
    assert sums == []


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_every_derived_cell_is_the_target_of_a_sum(version: str) -> None:
    form = load_form(version)
    for tid, table in form.tables.items():
        targets = {eq.left[0] for eq in form.equations(tid) if eq.derives}
        assert targets == table.derived


def _suspects(tables: dict[str, TableValues]) -> list[tuple[str, str, str, str | None, str | None]]:
    from nianbao.checking.tables import suspect_findings

    return [(f.rule, f.row, f.column, f.expected, f.found)
            for f in suspect_findings(FORM, tables)]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_one_mistyped_cell_of_table_three_is_named(data: st.DataObject) -> None:
    """For any valid report and any one typed cell of 表三 typed wrong (its totals as
    they were), the check names exactly that cell and the value that balances."""
    from strategies import reports

    report = data.draw(reports())
    table = FORM.tables["t3"]
    cell = data.draw(st.sampled_from(sorted(table.typed(report.tables["t3"]))))
    right = report.tables["t3"][cell]
    assert isinstance(right, int)
    wrong = data.draw(st.integers(0, right + 50).filter(lambda v: v != right))
    tables = {**report.tables, "t3": {**report.tables["t3"], cell: wrong}}
    assert table_findings(FORM, tables)  # the totals that no longer add up
    assert _suspects(tables) == [("C1", table.row(cell[0]).label, table.column(cell[1]).label,
                                  str(right), str(wrong))]


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_no_cell_is_named_where_the_arithmetic_cannot_tell(data: st.DataObject) -> None:
    """表四 has one equation per group: a wrong part cannot be told from the others, so
    no cell is claimed; nor is one when two cells of 表三 are wrong in different rows
    and columns."""
    from strategies import reports

    report = data.draw(reports())
    t4 = FORM.tables["t4"]
    cell = data.draw(st.sampled_from(sorted(t4.typed(report.tables["t4"]))))
    tables = {**report.tables, "t4": {**report.tables["t4"], cell: 10**6}}
    assert table_findings(FORM, tables) and _suspects(tables) == []
    t3 = {**report.tables["t3"]}
    t3[("disclosed", "natural")] = 10**6
    t3[("partly_disclosed", "legal")] = 10**6
    assert _suspects({**report.tables, "t3": t3}) == []
