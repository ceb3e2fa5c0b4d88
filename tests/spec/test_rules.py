"""The typed rules and their equations, on a few cells: which cell an equation blames
and what it should hold, what `derive` fills and what it leaves blank, and what the
across-year rules expect of this year's cells from last year's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.spec.form import load_form
from nianbao.spec.rules import (
    BalanceRule,
    CarryRule,
    Equation,
    RollforwardRule,
    StockRule,
    SumRule,
    TypeRule,
    build_rule,
    derive,
    is_number,
    total,
)
from nianbao.spec.tables import build_table

# a total of two parts; a balance a + b = c + d (R3.3's shape: d balances the others)
SUM = Equation("S", "t", (("r", "total"),), (("r", "a"), ("r", "b")), derives=True)
BALANCE = Equation("B", "t", (("a", "x"), ("b", "x")), (("c", "x"), ("d", "x")), balance=True)

# a matrix table of three rows and two columns, for rules that iterate over a table
TABLE = build_table("tx", {"key": "表", "layout": "matrix", "columns": [
    {"id": "in", "label": "入"}, {"id": "out", "label": "出"}, {"id": "stock", "label": "存"}],
    "rows": [{"id": "first", "label": "一"}, {"id": "grp", "label": "组", "rows": [
        {"id": "second", "label": "二"}, {"id": "third", "label": "三"}]}]}, "s")


def test_numbers_and_totals() -> None:
    assert is_number(3) and is_number(Decimal("1.5"))
    assert not is_number(True) and not is_number("3") and not is_number(None)
    assert total([1, 2, Decimal("0.5")]) == Decimal("3.5")
    assert total([]) == 0
    assert total([1, None]) is None and total([1, "—"]) is None


def test_a_sum_blames_its_total_with_the_sum_of_the_parts() -> None:
    assert SUM.blamed == ("r", "total")
    values: dict[Any, Any] = {("r", "a"): 1, ("r", "b"): 2, ("r", "total"): 4}
    assert SUM.expected(values) == 3
    assert SUM.violation(values) == (("r", "total"), 3, 4)
    assert SUM.violation(values | {("r", "total"): 3}) is None


def test_a_balance_blames_its_last_right_term_with_what_would_balance() -> None:
    """R3.3: 一 + 二 = 三 + 四; 四 (carried forward) is named and rollover fills it."""
    assert BALANCE.blamed == ("d", "x")
    values: dict[Any, Any] = {("a", "x"): 5, ("b", "x"): 2, ("c", "x"): 4, ("d", "x"): 1}
    assert BALANCE.expected(values) == 3
    assert BALANCE.violation(values) == (("d", "x"), 3, 1)
    assert BALANCE.violation(values | {("d", "x"): 3}) is None


@pytest.mark.parametrize("other", [None, "—", "两件"])
def test_no_violation_is_claimed_where_a_cell_is_not_a_number(other: Any) -> None:
    assert SUM.violation({("r", "a"): other, ("r", "b"): 2, ("r", "total"): 9}) is None
    assert SUM.violation({("r", "a"): 1, ("r", "b"): 2, ("r", "total"): other}) is None
    assert BALANCE.violation({("a", "x"): other, ("b", "x"): 2, ("c", "x"): 4,
                              ("d", "x"): 1}) is None
    assert BALANCE.expected({("a", "x"): 5, ("b", "x"): 2, ("c", "x"): other}) is None


def test_derive_fills_totals_in_whatever_order_they_depend() -> None:
    grand = Equation("G", "t", (("all", "total"),), (("r", "total"), ("s", "total")), True)
    part = Equation("S2", "t", (("s", "total"),), (("s", "a"),), True)
    typed = {("r", "a"): 1, ("r", "b"): 2, ("s", "a"): 5}
    derived = derive([grand, part, SUM], typed)
    assert derived == typed | {("r", "total"): 3, ("s", "total"): 5, ("all", "total"): 8}
    assert typed == {("r", "a"): 1, ("r", "b"): 2, ("s", "a"): 5}  # the input is kept


@pytest.mark.parametrize("part", [None, "—", Decimal("1.5")])
def test_derive_leaves_a_total_blank_when_a_part_is_blank_or_not_a_count(part: Any) -> None:
    grand = Equation("G", "t", (("all", "total"),), (("r", "total"),), True)
    derived = derive([SUM, grand], {("r", "a"): part, ("r", "b"): 2})
    assert ("r", "total") not in derived and ("all", "total") not in derived


def test_derive_fills_only_deriving_equations() -> None:
    checked = Equation("S", "t", (("r", "total"),), (("r", "a"), ("r", "b")))
    assert derive([checked, BALANCE], {("r", "a"): 1, ("r", "b"): 2}) == {
        ("r", "a"): 1, ("r", "b"): 2}


@given(st.dictionaries(st.sampled_from(["a", "b"]),
                       st.one_of(st.none(), st.integers(-10**6, 10**6), st.text(max_size=2),
                                 st.decimals(allow_nan=False, allow_infinity=False))))
def test_a_derived_total_holds_or_stays_blank(parts: dict[str, Any]) -> None:
    values = {("r", k): v for k, v in parts.items()}
    derived = derive([SUM], values)
    if all(type(values.get(k)) is int for k in SUM.right):
        assert derived[("r", "total")] == sum(values[k] for k in SUM.right)
    else:
        assert ("r", "total") not in derived
    assert SUM.violation(derived) is None


def test_a_row_sum_gives_an_equation_per_row_and_group() -> None:
    rule = SumRule("R", "m", table="tx", each="row", groups=("g", "h"), target="total",
                   parts=("a", "b"), derives=True)
    equations = list(rule.equations(TABLE))
    assert len(equations) == 2 * 3
    assert equations[0] == Equation("R", "tx", (("first", "g.total"),),
                                    (("first", "g.a"), ("first", "g.b")), True)
    assert equations[-1].left == (("third", "h.total"),)


def test_a_column_sum_and_a_balance_give_an_equation_per_column() -> None:
    column_sum = SumRule("C", "m", table="tx", each="column", target="first",
                         parts=("second", "third"))
    assert [eq.left for eq in column_sum.equations(TABLE)] == [
        (("first", "in"),), (("first", "out"),), (("first", "stock"),)]
    balance = BalanceRule("B", "m", table="tx", left=("first",), right=("second", "third"))
    equations = list(balance.equations(TABLE))
    assert [eq.blamed for eq in equations] == [("third", "in"), ("third", "out"),
                                               ("third", "stock")]
    assert all(eq.balance and not eq.derives for eq in equations)


def test_build_rule_types_rules_by_kind_and_expands_leaves_of() -> None:
    tables = {"tx": TABLE}
    rule = build_rule({"id": "R", "message": "m", "kind": "sum", "table": "tx",
                       "each": "column", "target": "first",
                       "parts": {"leaves_of": "grp", "except": ["third"]}}, tables)
    assert isinstance(rule, SumRule) and rule.parts == ("second",)
    typed = build_rule({"id": "T", "message": "m", "kind": "type", "tables": ["tx"]}, tables)
    assert typed == TypeRule("T", "m", ("tx",))
    with pytest.raises(ValueError, match="unknown rule Q"):
        build_rule({"id": "Q", "message": "m", "kind": "product"}, tables)


# -- across years ------------------------------------------------------------------


def test_carry_expects_last_years_row_in_every_column() -> None:
    rule = CarryRule("X", "m", table="tx", this_row="first", last_row="third")
    last = {("third", "in"): 4, ("third", "out"): None}
    assert list(rule.expectations(TABLE, {}, last)) == [
        (("first", "in"), [4]), (("first", "out"), [None]), (("first", "stock"), [None])]


def test_stock_expects_last_stock_plus_added_minus_removed() -> None:
    rule = StockRule("X", "m", table="tx", rows=("first", "second"), stock="stock",
                     added="in", removed="out")
    this = {("first", "in"): 3, ("first", "out"): 2, ("second", "in"): 1,
            ("second", "out"): "—"}
    last = {("first", "stock"): 10, ("second", "stock"): 5}
    expected = dict(rule.expectations(TABLE, this, last))
    assert expected == {("first", "stock"): [10, 3, -2], ("second", "stock"): [5, 1, "—"]}
    assert total(expected[("first", "stock")]) == 11
    assert total(expected[("second", "stock")]) is None  # text is never summed


def test_rollforward_expects_last_prior_plus_last_change() -> None:
    rule = RollforwardRule("X", "m", table="tx", rows=("third",), prior="stock", change="in")
    last = {("third", "stock"): 396, ("third", "in"): -3}
    assert list(rule.expectations(TABLE, {("third", "stock"): 1}, last)) == [
        (("third", "stock"), [396, -3])]


def test_across_year_rules_apply_between_the_forms_they_name() -> None:
    x1, x2, x3 = load_form("2021").across_years
    assert (x1.id, x2.id, x3.id) == ("X1", "X2", "X3")
    assert x1.applies("2021", "2019")  # table 三 did not change
    assert x2.applies("2021", "2021") and not x2.applies("2021", "2019")
    assert x3.applies("2019", "2019") and not x3.applies("2021", "2019")
    assert (x1.severity, x2.severity, x3.severity) == ("error", "warning", "warning")
