"""The review page of `nianbao check --review` as a compiling body reads it: a row per
office with its status, counts and summary cells; each report with findings drawn as
the official form with the cells the findings name marked where the form prints them;
files that could not be read, with why; every text of a report shown literally."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import edited_report, merge_areas
from lxml import html as lxml_html

from nianbao.checking.report import CheckResult
from nianbao.datafile.reader import load_report
from nianbao.jobs.check import check_file, documents_in
from nianbao.report.aggregate import brief
from nianbao.spec.findings import ERROR, WARNING, Finding
from nianbao.writing.review import review_page

HOSTILE = "<script>alert(1)</script>"
RECEIVED = "一、本年新收政府信息公开申请数量"
CARRIED = "四、结转下年度继续办理"

Html = lxml_html.HtmlElement


def office_folder(workdir: Path) -> list[CheckResult]:
    """各单位/: a clean report, one with a cell mistyped (3 more 自然人 received: C1) and
    a script typed in 表四, and a file that is no report; checked as `check` does."""
    folder = workdir / "各单位"
    folder.mkdir()
    pingtan = load_report(workdir / "pingtan-2021.yaml")
    jingdezhen = load_report(workdir / "jingdezhen-2023.yaml")
    natural = jingdezhen.tables["t3"][("received", "natural")]
    assert isinstance(natural, int)
    (folder / "1-平潭.docx").write_bytes(edited_report(pingtan))
    (folder / "2-景德镇.docx").write_bytes(edited_report(jingdezhen, {
        ("t3", "received", "natural"): str(natural + 3), ("t4", "-", "review.total"): HOSTILE}))
    (folder / "3-坏.docx").write_bytes(b"PK\x03\x04" + HOSTILE.encode())
    return [check_file(path) for path in documents_in([folder])]


@pytest.fixture
def results(workdir: Path) -> list[CheckResult]:
    return office_folder(workdir)


def parse(page: bytes) -> Html:
    return lxml_html.fromstring(page)


def text(element: Html) -> str:
    return " ".join(element.text_content().split())


def grid(table: Html) -> list[list[Html]]:
    """The table's grid: every position holds the cell that covers it (HTML's table
    model, rowspan and colspan expanded)."""
    positions: dict[tuple[int, int], Html] = {}
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for cell in tr.iterchildren("th", "td"):
            while (r, c) in positions:
                c += 1
            for i in range(int(cell.get("rowspan", "1"))):
                for j in range(int(cell.get("colspan", "1"))):
                    positions[(r + i, c + j)] = cell
            c += int(cell.get("colspan", "1"))
    rows, columns = (max(p[k] for p in positions) + 1 for k in (0, 1))
    return [[positions[(r, c)] for c in range(columns)] for r in range(rows)]


def cell_at(table: Html, row: str, column: str) -> Html:
    """The data cell in the row a label heads and the column a header label heads,
    found by position as a reader finds it on the printed form."""
    cells = grid(table)
    r = next(i for i, line in enumerate(cells) if any(text(c) == row for c in line))
    c = next(j for j in range(len(cells[0])) if any(text(line[j]) == column
                                                   for line in cells[:r]))
    return cells[r][c]


def css(element: Html, selector: str) -> list[Html]:
    """The descendants a selector of `tag.class` steps names (lxml's cssselect needs a
    package the project does not install)."""
    path = "."
    for step in selector.split():
        match = re.fullmatch(r"([a-z0-9]*)((?:\.[\w-]+)*)", step)
        assert match, step
        path += "//" + (match[1] or "*") + "".join(
            f"[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
            for name in match[2].split(".")[1:])
    return list(element.xpath(path))


def classes(element: Html) -> set[str]:
    return set((element.get("class") or "").split())


def test_overview_has_a_row_per_file(workdir: Path, results: list[CheckResult]) -> None:
    root = parse(review_page(results))
    header = [text(th) for th in css(root, "table.offices thead th")]
    assert header == ["序号", "文件", "机关", "年度", "格式", "结果", "错误", "警告",
                      "本年新收政府信息公开申请数量", "结转下年度继续办理"]
    rows = [[text(td) for td in tr.iter("td")] for tr in css(root, "table.offices tbody tr")]
    pingtan, jingdezhen = (brief(load_report(workdir / f"{n}.yaml"))
                           for n in ("pingtan-2021", "jingdezhen-2023"))
    assert rows == [
        ["1", str(results[0].file), "平潭综合实验区", "2021", "2021", "通过", "0", "0",
         *(cell["value"] for cell in pingtan)],
        ["2", str(results[1].file), "景德镇国家陶瓷文化传承创新试验区管理委员会办公室",
         "2023", "2021", "有错误", "3", "1", *(cell["value"] for cell in jingdezhen)],
        ["3", str(results[2].file), "", "", "", "无法检查", "", "", "", ""]]
    assert [cell["value"] for cell in pingtan] == ["70", "1"]
    assert text(css(root, "p.counts")[0]) == "共 3 个文件：通过 1 个，有错误 1 个，无法检查 1 个。"
    # a report with findings and an unreadable file are linked to their sections
    links = [a.get("href") for a in css(root, "table.offices a")]
    assert links == ["#r-2", "#unreadable"]
    assert root.get_element_by_id("r-2") is not None
    assert not root.xpath(".//*[@id='r-1']")  # a clean report has no section


def test_marked_cells_stand_where_the_form_prints_them(results: list[CheckResult]) -> None:
    root = parse(review_page(results))
    section = root.get_element_by_id("r-2")
    t3, t4 = css(section, "table.t3")[0], css(section, "table.t4")[0]
    assert not css(section, "table.t2")  # no finding in 表二: not drawn
    likely = cell_at(t3, RECEIVED, "自然人")
    assert classes(likely) == {"marked", "likely"}
    assert [text(b) for b in css(likely, ".badge")] == ["1"]
    assert text(css(likely, ".value")[0]) == "3"
    assert text(css(likely, ".expected")[0]) == "应为 0"
    total = cell_at(t3, RECEIVED, "总计")
    assert classes(total) == {"marked", "error"}
    assert (text(css(total, ".value")[0]), text(css(total, ".expected")[0])) \
        == ("0", "应为 3")
    carried = cell_at(t3, CARRIED, "自然人")
    assert classes(carried) == {"marked", "error"}
    assert [text(b) for b in css(carried, ".badge")] == ["3"]
    review = cell_at(t4, "0", "总计")  # the first 总计: 行政复议's
    assert classes(review) == {"marked", "error"}
    assert text(css(review, ".value")[0]) == HOSTILE
    assert len(css(root, "td.marked")) == 4  # nothing else is marked
    assert not css(root, "td.marked .badge.warning")
    # the badges of the likely cell and of the totals differ in kind
    assert {b.get("class") for b in css(section, "td .badge")} == {
        "badge likely", "badge error"}


def test_tables_are_drawn_in_the_official_merge_areas(results: list[CheckResult]) -> None:
    from nianbao.spec.form import load_form

    section = parse(review_page(results)).get_element_by_id("r-2")
    for tid in ("t3", "t4"):
        table = load_form("2021").tables[tid]
        [drawn] = css(section, f"table.{tid}")
        rows = list(drawn.iter("tr"))
        assert all(tr.getparent().getparent() is drawn for tr in rows)  # rows of the table
        assert len(rows) == table.grid_size[0]
        areas = merge_areas([[("", int(c.get("rowspan", "1")), int(c.get("colspan", "1")))
                              for c in tr.iterchildren("th", "td")] for tr in rows])
        assert {a[:4] for a in areas} == {(a.top, a.left, a.row_span, a.col_span)
                                          for a in table.areas()}


def test_each_badge_is_a_finding_listed_under_its_table(results: list[CheckResult]) -> None:
    result = results[1]
    root = parse(review_page(results))
    section = root.get_element_by_id("r-2")
    listed = {text(css(li, ".badge")[0]): text(li) for li in css(section, "li")}
    assert sorted(listed) == ["1", "2", "3", "4"]
    for finding in result.findings:
        number = next(n for n, line in listed.items() if finding.message in line)
        kind = "可能填错" if finding.rule == "C1" else "错误" if finding.severity == ERROR \
            else "警告"
        assert listed[number] == f"{number} {kind} [{finding.rule}] {finding.message}"
        cell = next((td for td in css(section, "td.marked")
                     if number in [text(b) for b in css(td, ".badge")]), None)
        if finding.column:
            assert cell is not None and cell.get("title") == \
                f"{finding.table} “{finding.row}” “{finding.column}”".replace(" “”", "")
    c1 = next(f for f in result.findings if f.rule == "C1")
    assert listed["1"].startswith("1 可能填错 [C1] ")
    assert c1.message in listed["1"]
    # the lists follow their tables: 表三's under 表三, 表四's under 表四
    lists = css(section, "ol.findings")
    assert [[text(b) for b in css(ol, ".badge")] for ol in lists] == [
        ["1", "2", "3"], ["4"]]


def test_unreadable_files_are_listed_with_why(results: list[CheckResult]) -> None:
    root = parse(review_page(results))
    part = root.get_element_by_id("unreadable")
    [item] = css(part, "li")
    assert results[2].unusable
    assert text(item) == f"3. {results[2].file}：{results[2].unusable}"


def test_findings_that_name_no_cell_are_listed_in_words(results: list[CheckResult]) -> None:
    prose = Finding("P1", WARNING, "正文", "", "", "70", "71",
                    "正文“本年共收到申请71件”：与表三不符（正文为 71，表中为 70）")
    missing = Finding("S", ERROR, "表三", "二、上年结转政府信息公开申请数量", "", None, None,
                      "表三 缺少行“二、上年结转政府信息公开申请数量”")
    result = replace(results[0], findings=[missing, prose])
    root = parse(review_page([result]))
    section = root.get_element_by_id("r-1")
    assert not css(section, "table")  # no cell named: no table drawn
    assert [text(h) for h in section.iter("h3")] == ["问题"]
    assert [text(li) for li in css(section, "li")] == [
        f"1 错误 [S] {missing.message}", f"2 警告 [P1] {prose.message}"]
    assert text(css(section, "p.verdict")[0]) == "2021 格式：有错误，1 个错误，1 个警告。"


def test_hostile_text_shows_literally() -> None:
    """A file name, an office, a message, a cell and a reason for not reading, all chosen
    by whoever made the file: shown as typed, none of it markup; control characters
    (which XML cannot hold) replaced."""
    message = f"</style></title>{HOSTILE}<!-- &amp; {{{{ x }}}}"
    result = CheckResult(Path(f"各单位/{HOSTILE}\x01.docx"), "2021", [
        Finding("R4.1", ERROR, "表四", "", "行政复议/总计", "3", HOSTILE, message)],
        office="<b>平潭</b>\x0b", year=2021,
        tables={"t4": {("-", "review.total"): f"{HOSTILE}\x00"}})
    unusable = CheckResult(Path("x.docx"), unusable=f"不是 Word 文档：{HOSTILE}")
    page = review_page([result, unusable])
    root = parse(page)
    assert not list(root.iter("script", "b"))
    assert [e.tag for e in root.find("head")] == ["meta", "meta", "meta", "title", "style"]
    assert b"<script>" not in page
    assert HOSTILE in text(root.get_element_by_id("r-1"))
    cell = css(root, "td.marked .value")[0]
    assert text(cell) == f"{HOSTILE}\ufffd"
    assert text(css(root, "table.offices td.office")[0]) == "<b>平潭</b>\ufffd"
    assert message in text(css(root, "li")[0])
    assert f"不是 Word 文档：{HOSTILE}" in text(root.get_element_by_id("unreadable"))
    assert f"{HOSTILE}\ufffd.docx" in text(css(root, "table.offices td.file")[0])


def test_the_page_loads_nothing(results: list[CheckResult]) -> None:
    root = parse(review_page(results))
    assert not list(root.iter("script", "link", "img", "iframe", "object"))
    assert all(a.get("href", "").startswith("#") for a in root.iter("a"))
    assert "url(" not in root.find("head/style").text


def test_all_passed_has_only_the_overview(results: list[CheckResult]) -> None:
    root = parse(review_page([results[0]]))
    assert not css(root, "section")
    assert not css(root, "p.legend")  # nothing marked: nothing to explain
    assert [text(css(tr, "td.status")[0]) for tr in
            css(root, "table.offices tbody tr")] == ["通过"]


def test_results_as_json_stay_the_findings(results: list[CheckResult]) -> None:
    """What the page needs travels with a result, not in `check --format json`."""
    assert set(results[1].as_dict()) == {"file", "form", "errors", "warnings"}
    assert results[1].office and results[1].year == 2023 and results[1].tables["t3"]


def test_drawing_the_page_loads_no_template_machinery() -> None:
    """`check --review` stays a check: the page shares the web page's table drawing,
    not its read-back (which needs the Word template's machinery)."""
    code = ("import sys, nianbao.writing.review; print(sorted({m.split('.')[0] for m in "
            "sys.modules} & {'docxtpl', 'jinja2', 'docx'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.strip() == "[]", result.stderr


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_every_cell_of_both_forms_can_be_marked(version: str) -> None:
    """A finding names its cell by the labels it prints (table key, row, column): in
    every table of both forms these are unique, so each cell is found and marked."""
    from nianbao.spec.form import load_form

    form = load_form(version)
    findings = [Finding("R", ERROR, table.key, cell.row.label,
                        table.column_label(cell.column.id), None, None, f"{tid} {cell.key}")
                for tid, table in form.tables.items() for cell in table.cells()]
    root = parse(review_page([CheckResult(Path("a.docx"), version, findings)]))
    marked = css(root, "td.marked")
    assert len(marked) == len(findings)
    assert sorted(td.get("title") for td in marked) == sorted(
        table.describe(*cell.key) for table in form.tables.values() for cell in table.cells())
    assert not css(root, "h3")[-1].text_content().endswith("问题")  # none left in words
