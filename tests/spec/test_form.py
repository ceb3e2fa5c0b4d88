"""The form files say what shared/format.md says: every heading, row and column label
character for character, and the rules produce the derived cells of the official form."""

from __future__ import annotations

import re

import pytest
from helpers import shared

from nianbao.spec.form import load_form
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
