"""Numbers in Chinese prose, and the clauses the prose rules read, with their offsets."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from nianbao.checking.sentences import chinese_value, clauses, masked, numbers, plain


def test_chinese_numerals_as_reports_write_them() -> None:
    assert [chinese_value(n) for n in ("十二", "二十三", "一百零五", "两", "一〇五", "十万",
                                       "三万五千", "零")] == [12, 23, 105, 2, 105, 100_000,
                                                              35_000, 0]
    assert chinese_value("二三十") is None  # two digits with no power between


def test_numbers_full_width_with_separators_and_units() -> None:
    text = plain("收到７５件，1,234件，十二件，0.03万元，占33.9%，一是加强，统一管理")
    assert [n.value for n in numbers(text)] == [Decimal(75), Decimal(1234), Decimal(12),
                                                Decimal("0.03"), Decimal("33.9")]


def test_a_mask_keeps_the_length_and_marks_one_number() -> None:
    text = "复议3件、诉讼12件"
    found = numbers(text)
    assert masked(text, found, found[1]) == "复议@件、诉讼##件"


def test_clauses_keep_their_offsets_and_sentence() -> None:
    text = "本年度收到申请1,234件，办结1,230件。 结转4件。"
    cut = list(clauses(text))
    assert [c.text for c in cut] == ["本年度收到申请1,234件", "办结1,230件", "结转4件"]
    assert all(text[c.start:c.end] == c.text for c in cut)
    assert [c.sentence_start for c in cut] == [0, 0, 24]


@given(st.integers(0, 99_999))
def test_every_count_written_in_digits_reads_as_itself(count: int) -> None:
    [number] = numbers(f"收到申请{count:,}件")
    assert number.value == count
