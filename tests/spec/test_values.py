"""Values a clerk types: how a cell is printed and read back, and why a value does not
fit its column's type."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.spec.values import coerce, format_value, parse_cell_text, type_problem, unprintable


@pytest.mark.parametrize(("printed", "value"), [
    ("12", 12), ("１２", 12), (" 1,234 ", 1234), ("-3", -3), ("1.50", Decimal("1.50")),
    ("", None), ("  ", None), ("—", "—"), (" 无 ", "无"), ("1.2.3", "1.2.3")])
def test_a_printed_cell_is_read_as_a_number_blank_or_text(printed: str, value: object) -> None:
    read = parse_cell_text(printed)
    assert read == value and type(read) is type(value)


@given(st.one_of(st.integers(-10**12, 10**12),
                 st.decimals(allow_nan=False, allow_infinity=False, places=6,
                             min_value=-10**9, max_value=10**9)))
def test_a_printed_number_reads_back_as_itself(value: int | Decimal) -> None:
    printed = format_value(value)
    assert "E" not in printed and parse_cell_text(printed) == value


def test_numbers_are_printed_without_exponent_or_trailing_zeros() -> None:
    assert [format_value(v) for v in (Decimal("1.500"), Decimal("1E+3"), Decimal("10"), 0,
                                      None, "—")] == ["1.5", "1000", "10", "0", "", "—"]


@pytest.mark.parametrize(("type_", "value", "problem"), [
    ("count", 3, None), ("count", 0, None), ("signed", -3, None),
    ("count", None, "空白（没有数字的格应填 0）"),
    ("count", -1, "件数不能为负数（-1）"),
    ("count", Decimal("1.5"), "应为整数，填写的是 “1.5”"),
    ("count", "两件", "应为整数，填写的是 “两件”"),
    ("count", 10**9 + 1, "数值过大（1000000001）"),
    ("amount", Decimal("24252.311082"), None), ("amount", 3, None),
    ("amount", Decimal("-0.5"), "金额不能为负数（-0.5）"),
    ("amount", "—", "应为数字（可带小数），填写的是 “—”"),
    ("money_text", "251000元", None), ("money_text", "25.1 万元", None),
    ("money_text", Decimal("3"), None), ("money_text", -3, "金额不能为负数（-3）"),
    ("money_text", "约25万", "应为金额（如 251000 或 251000元），填写的是 “约25万”")])
def test_type_problems(type_: str, value: object, problem: str | None) -> None:
    assert type_problem(type_, value) == problem  # type: ignore[arg-type]


def test_an_unknown_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        type_problem("percent", 1)


def test_yaml_values_become_cell_values() -> None:
    assert coerce(1.1) == Decimal("1.1")  # exactly as typed, not the float's expansion
    assert coerce("３") == 3 and coerce(None) is None and coerce(7) == 7
    assert coerce(True) == "True" and coerce(float("nan")) == "nan"  # reported as text
    assert coerce([1]) == "[1]"


def test_unprintable_characters_are_named() -> None:
    assert unprintable("第\x07段") == "含有不可打印的控制字符（U+0007），请删除"
    assert unprintable("私\ue000用") is not None
    assert unprintable("正常的“文字”\u3000。") is None
