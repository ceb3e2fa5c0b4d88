"""The form files say what shared/format.md says: every heading, row and column label
character for character, and the rules produce the derived cells of the official form."""

from __future__ import annotations

import re

import pytest
from helpers import shared

from nianbao.spec.form import PLACED, classify, form_for_year, load_form, report_years
from nianbao.spec.labels import normalize_label
from nianbao.spec.rules import BalanceRule, SumRule, TypeRule
from nianbao.spec.tables import Node

FORMAT_MD = shared("format.md")


def _blocks() -> dict[str, list[str]]:
    """The code blocks of format.md by the heading of their section (## N. …)."""
    text = FORMAT_MD.read_text(encoding="utf-8")
    blocks: dict[str, list[str]] = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        title = section.splitlines()[0]
        found = re.findall(r"```\n(.*?)```", section, flags=re.S)
        blocks[title] = [line.rstrip() for block in found for line in block.splitlines()]
    return blocks


def _block(prefix: str) -> list[str]:
    return next(lines for title, lines in _blocks().items() if title.startswith(prefix))


def test_section_headings() -> None:
    for version in ("2021", "2019"):
        assert [s.heading for s in load_form(version).sections] == _block("2.")


def _table_two(lines: list[str]) -> list[tuple[str, list[str], list[str]]]:
    groups: list[tuple[str, list[str], list[str]]] = []
    for line in lines:
        cells = [c.strip() for c in line.split("|")]
        if len(cells) == 1:
            groups.append((cells[0], [], []))
        elif cells[0] == "信息内容":
            groups[-1][1].extend(cells[1:])
        else:
            groups[-1][2].append(cells[0])
    return groups


@pytest.mark.parametrize(("version", "section"), [("2021", "3."), ("2019", "4.")])
def test_table_two_labels(version: str, section: str) -> None:
    table = load_form(version).tables["t2"]
    assert [(g.label, [c.label for c in g.columns], [r.label for r in g.rows])
            for g in table.groups] == _table_two(_block(section))


def _tree_lines(nodes: tuple[Node, ...], depth: int = 0) -> list[tuple[int, str]]:
    out = []
    for node in nodes:
        out.append((depth, node.label))
        out += _tree_lines(node.children, depth + 1)
    return out


def test_table_three_rows_2021_and_2019() -> None:
    lines = [line for line in _block("5.") if (line and not line.startswith((" ", "（本列")))
             or line.startswith("  ")]
    rows = [line for line in lines if "|" not in line]
    expected = [(len(line) - len(line.lstrip())) // 2 for line in rows]
    labels = [line.split("←")[0].strip() for line in rows]
    depth = [0 if d == 0 else (1 if d == 1 else 2) for d in expected]
    form_2021 = _tree_lines(load_form("2021").tables["t3"].row_tree)
    assert form_2021 == list(zip(depth, labels, strict=True))
    # 2019: （六）其他处理 is one data row, its three sub-rows do not exist
    form_2019 = _tree_lines(load_form("2019").tables["t3"].row_tree)
    assert form_2019 == [row for row in form_2021 if not (
        row[0] == 2 and form_2021.index(row) > form_2021.index((1, "（六）其他处理")) and
        form_2021.index(row) < form_2021.index((1, "（七）总计")))]


def test_table_three_columns_and_note() -> None:
    header = _block("5.")[:3]
    table = load_form("2021").tables["t3"]
    assert header[0].startswith(table.corner)
    assert [c.label for c in table.columns] == ["自然人", "商业企业", "科研机构", "社会公益组织",
                                                "法律服务机构", "其他", "总计"]
    for label in [c.label for c in table.columns] + ["申请人情况", "法人或其他组织"]:
        assert label in "\n".join(header)


def test_table_four_columns() -> None:
    header = _block("6.")
    columns = load_form("2021").tables["t4"].columns
    assert [c.full_label for c in columns] == (
        [f"行政复议/{x}" for x in header[2].split(" | ")[:5]]
        + [f"行政诉讼/未经复议直接起诉/{x}" for x in header[2].split(" | ")[5:10]]
        + [f"行政诉讼/复议后起诉/{x}" for x in header[2].split(" | ")[10:]])


def test_derived_cells_are_the_totals_of_the_official_form() -> None:
    form = load_form("2021")
    t3, t4 = form.tables["t3"], form.tables["t4"]
    assert t3.derived == {(r.id, "total") for r in t3.rows} | {
        ("results_total", c.id) for c in t3.columns}
    assert t4.derived == {("-", f"{g}.total") for g in ("review", "direct_suit",
                                                        "suit_after_review")}
    assert form.tables["t2"].derived == frozenset()


def test_years() -> None:
    assert load_form("2019").covers(2020) and not load_form("2019").covers(2021)
    assert load_form("2021").covers(2021) and not load_form("2021").covers(2020)


def _labels(*texts: str) -> frozenset[str]:
    return frozenset(normalize_label(t) for t in texts)


def test_form_for_year_and_report_years() -> None:
    assert [form_for_year(y).version for y in (2019, 2020, 2021, 2024, 2100)] == [
        "2019", "2019", "2021", "2021", "2021"]
    assert report_years() == range(2019, 2101)
    with pytest.raises(ValueError):
        form_for_year(2018)
    with pytest.raises(KeyError):
        load_form("2018")


def test_classify_picks_the_form_and_each_table_by_its_labels() -> None:
    found = [
        _labels("姓名", "电话", "住址"),  # a table of something else
        _labels("本年新制作数量", "对外公开总数量", "政府集中采购"),  # 2019's table 二
        _labels("一、本年新收政府信息公开申请数量", "自然人", "总计"),  # table 三
        _labels("自然人", "总计"),  # too few labels to place
        _labels("行政复议", "结果维持", "结果纠正", "尚未审结"),  # table 四
    ]
    form, placed = classify(found)
    assert form.version == "2019"
    assert placed == [(1, "t2"), (2, "t3"), (4, "t4")]
    assert PLACED == 3


def test_classify_prefers_the_newer_form_on_a_tie() -> None:
    form, placed = classify([_labels("（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，"
                                     "不计其他情形）", "二、上年结转政府信息公开申请数量")])
    assert (form.version, placed) == ("2021", [(0, "t3")])
    assert classify([])[0].version == "2021"
    assert classify([_labels("本年制发件数", "现行有效件数", "规章")])[0].version == "2021"


def test_rules_are_typed_and_their_equations_come_in_rule_order() -> None:
    form = load_form("2021")
    assert [(r.id, type(r)) for r in form.rules] == [
        ("R3.1", SumRule), ("R3.2", SumRule), ("R3.3", BalanceRule), ("R4.1", SumRule),
        ("R3.4", TypeRule), ("R2.1", TypeRule)]
    t3 = form.equations("t3")
    assert [eq.rule for eq in t3] == ["R3.1"] * 25 + ["R3.2"] * 7 + ["R3.3"] * 7
    assert [eq.rule for eq in form.equations("t4")] == ["R4.1"] * 3
    assert form.equations("t2") == ()
    assert sorted(r.id for r in form.prose) == sorted(f"P{i}" for i in range(1, 31))
    assert [r.id for r in form.leftovers] == ["Y1", "Y2", "Y3"]
    # table 二 of 2019 has no 制发/废止/现行有效: those prose rules are the 2021 form's only
    assert {r.id for r in form.prose} - {r.id for r in load_form("2019").prose} == {
        "P23", "P24", "P25"}


def test_rederive_computes_every_total_again() -> None:
    form = load_form("2021")
    typed = {c.key: 0 for c in form.tables["t4"].cells()}
    typed[("-", "review.upheld")] = 2
    typed[("-", "review.total")] = 99  # a total that came from elsewhere
    assert form.rederive("t4", typed)[("-", "review.total")] == 2
    assert form.derive("t4", typed)[("-", "review.total")] == 2  # derive fills, too


def test_the_2019_form_extends_the_2021_form() -> None:
    old, new = load_form("2019"), load_form("2021")
    assert (old.notice, new.notice) == ("国办公开办函〔2019〕60号", "国办公开办函〔2021〕30号")
    assert old.sections == new.sections
    assert old.tables["t4"].columns == new.tables["t4"].columns
    assert len(old.tables["t3"].rows) == len(new.tables["t3"].rows) - 2
    assert [g.id for g in old.tables["t2"].groups][-1] == "art20_9"
