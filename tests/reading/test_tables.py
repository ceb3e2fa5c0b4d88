"""Reading a table's cells from its grid by the labels the form prints, from compact
grids: a header in another order, split over rows, repeated where the table broke over
a page; extra rows; a column or row that is not there."""

from __future__ import annotations

from helpers import official_texts, text_grid

from nianbao.reading.model import ReadReport
from nianbao.reading.tables import read_table
from nianbao.spec.form import load_form
from nianbao.spec.tables import Table

FORM = load_form("2021")
T2, T3, T4 = (FORM.tables[t] for t in ("t2", "t3", "t4"))
OUTCOMES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
T4_HEADER = [["行政复议"] * 5 + ["行政诉讼"] * 10,
             OUTCOMES + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
             OUTCOMES * 3]


def _read(table: Table, rows: list[list[str]]) -> tuple[dict, ReadReport]:
    report = ReadReport(form=FORM)
    return read_table(report, table, text_grid(rows)), report


def test_table_four_is_read_under_its_header_tree() -> None:
    numbers = [str(n) for n in range(15)]
    values, report = _read(T4, [*T4_HEADER, numbers])
    assert report.findings == []
    assert values[("-", "review.upheld")] == 0 and values[("-", "review.total")] == 4
    # three columns are labelled 总计: their parents tell them apart
    assert values[("-", "direct_suit.total")] == 9
    assert values[("-", "suit_after_review.total")] == 14


def test_columns_are_found_by_label_not_position() -> None:
    """The header in another order, with spaces and a line break inside labels."""
    def swap(row: list[str]) -> list[str]:
        return row[10:] + row[5:10] + row[:5]

    header = [swap(row) for row in T4_HEADER]
    header[2] = [label.replace("总计", "总  计").replace("结果维持", "结果\n维持")
                 for label in header[2]]
    values, report = _read(T4, [*header, swap([str(n) for n in range(15)])])
    assert report.findings == []
    assert values[("-", "review.upheld")] == 0 and values[("-", "suit_after_review.total")] == 14


def test_a_missing_column_is_named_and_not_guessed() -> None:
    values, report = _read(T4, [row[:10] for row in T4_HEADER] + [["1"] * 10])
    assert [f.message for f in report.findings] == [
        f"表四缺少“行政诉讼/复议后起诉/{label}”列" for label in OUTCOMES]
    assert ("-", "suit_after_review.upheld") not in values
    assert values[("-", "direct_suit.total")] == 1


def test_a_header_without_its_data_row() -> None:
    values, report = _read(T4, T4_HEADER)
    assert values == {}
    assert [f.message for f in report.findings] == ["表四没有数据行"]


def test_table_three_split_at_a_page_with_its_header_repeated() -> None:
    rows = official_texts(T3, "1")
    head = T3.header_rows
    values, report = _read(T3, rows[:head + 10] + rows[:head] + rows[head + 10:])
    assert report.findings == []
    assert len(values) == 25 * 7 and set(values.values()) == {1}


def test_extra_rows_are_warned_about_and_repeated_rows_read_once() -> None:
    rows = official_texts(T3, "1")
    rows.insert(5, ["小计"] * 3 + ["9"] * 7)
    rows.append(["四、结转下年度继续办理"] * 3 + ["8"] * 7)  # the row again: ignored
    values, report = _read(T3, rows)
    assert [(f.rule, f.severity, f.message) for f in report.findings] == [
        ("L", "warning", "表三中有正式格式之外的行“小计”，未读取")]
    assert values[("carried_forward", "natural")] == 1


def test_a_missing_row_and_a_blank_cell() -> None:
    rows = official_texts(T3, "0")
    del rows[T3.header_rows + 1]  # 二、上年结转
    rows[T3.header_rows][3] = ""
    values, report = _read(T3, rows)
    assert [f.message for f in report.findings] == ["表三缺少“二、上年结转政府信息公开申请数量”行"]
    assert values[("received", "natural")] is None  # blank: the checker names it


def test_table_two_is_read_group_by_group() -> None:
    rows = official_texts(T2, "2")
    rows[2][0] = "规 章"  # a label variant
    values, report = _read(T2, rows)
    assert [f.message for f in report.findings] == ["表二中的“规 章”与正式格式的“规章”写法不同"]
    assert values[("rules", "issued")] == 2 and values[("fees", "fee_amount")] == 2
    assert len(values) == 10


def test_a_table_two_row_outside_its_group_is_not_read() -> None:
    rows = [row for row in official_texts(T2) if row[0] != "行政许可"]
    rows.insert(2, ["行政许可", "5", "5", "5"])  # under 第二十条第（一）项
    values, report = _read(T2, rows)
    assert [f.message for f in report.findings] == [
        "表二中有正式格式之外的行“行政许可”，未读取", "表二缺少“行政许可”的“本年处理决定数量”"]
    assert ("licensing", "decisions") not in values
