"""The web page of a report (`nianbao render --html`) as a reader of the website gets
it: the same paragraphs and cells as the .docx, the official merged cells, a clerk's
text shown literally, nothing loaded from elsewhere; and `nianbao import` of the page
gives the data back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import Areas, docx_tables, merge_areas, paragraphs, same_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from strategies import reports

from nianbao.cli import main
from nianbao.datafile.reader import load_report
from nianbao.jobs.importing import import_report
from nianbao.reading.document import read_blocks
from nianbao.report.model import Paragraph, Report
from nianbao.sources.html import read_html
from nianbao.writing.webpage import render_page

EXAMPLES = ["pingtan-2021", "jingdezhen-2023"]


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _render(name: str, *extra: str) -> tuple[Path, Path]:
    """The page and the .docx of a data file, both through the command line."""
    page, document = Path(f"{name}.html"), Path(f"{name}.docx")
    for args in (["--html", "-o", str(page)], ["-o", str(document)]):
        code, output = _invoke("render", f"{name}.yaml", *args, *extra)
        assert code == 0, output
    return page, document


def _parse(page: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(page.read_bytes())


def page_paragraphs(root: lxml_html.HtmlElement) -> list[str]:
    """Title, headings and paragraphs in reading order, as printed."""
    return [" ".join(e.text_content().split()) for e in root.iter("h1", "h2", "p")]


def page_tables(root: lxml_html.HtmlElement) -> list[Areas]:
    return [merge_areas([[(" ".join(cell.text_content().split()),
                           int(cell.get("rowspan", "1")), int(cell.get("colspan", "1")))
                          for cell in tr.iterchildren("th", "td")]
                         for tr in table.iter("tr")])
            for table in root.iter("table")]


@pytest.mark.parametrize("name", EXAMPLES)
def test_page_has_every_paragraph_of_the_docx(workdir: Path, name: str) -> None:
    page, document = _render(name)
    assert page_paragraphs(_parse(page)) == paragraphs(document)


@pytest.mark.parametrize("name", EXAMPLES)
def test_page_tables_have_the_official_merged_cells_and_every_number(workdir: Path,
                                                                     name: str) -> None:
    page, document = _render(name)
    got, official = page_tables(_parse(page)), docx_tables(document)
    assert len(got) == len(official) == 3
    for table, page_areas, docx_areas in zip(("二", "三", "四"), got, official, strict=True):
        assert page_areas == docx_areas, f"表{table}"
    t3, t4 = got[1], got[2]
    corner = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert (0, 0, 3, 3, corner) in t3
    assert (5, 0, 22, 1, "三、本年度办理结果") in t3
    assert (0, 5, 1, 10, "行政诉讼") in t4


def test_2019_form_page_has_the_official_merged_cells(workdir: Path) -> None:
    code, output = _invoke("new", "--office", "config/offices/pingtan.yaml", "--year", "2020",
                           "-o", "2020.yaml")
    assert code == 0, output
    page, document = _render("2020")
    assert page_tables(_parse(page)) == docx_tables(document)
    assert (5, 0, 20, 1, "三、本年度办理结果") in page_tables(_parse(page))[1]


def test_page_is_one_self_contained_file(workdir: Path) -> None:
    page, _ = _render("pingtan-2021")
    source = page.read_text(encoding="utf-8")
    root = _parse(page)
    assert source.startswith("<!DOCTYPE html>")
    assert root.get("lang") == "zh-CN"
    assert root.find("head/meta").get("charset") == "utf-8"
    assert root.xpath("head/meta[@name='viewport']/@content") == [
        "width=device-width, initial-scale=1"]
    assert root.findtext("head/title") == "平潭综合实验区2021年度政府信息公开工作年度报告"
    for forbidden in ("<script", "http:", "https:", "src=", "href=", "url(", "@import",
                      "<link", "@font-face"):
        assert forbidden not in source.lower(), forbidden
    css = root.findtext("head/style")
    assert '"FangSong", "仿宋", "仿宋_GB2312", "STFangsong", serif' in css
    assert '"SimHei", "黑体", "Noto Sans CJK SC", sans-serif' in css
    assert "@media print" in css and "size: A4" in css
    wraps = root.find_class("table-wrap")
    assert [w.get("style") for w in wraps] == ["overflow-x:auto"] * 3
    assert [w[0].tag for w in wraps] == ["table"] * 3
    t3 = wraps[1][0]
    assert [len(t3.findall("thead/tr")), len(t3.findall("tbody/tr"))] == [3, 25]
    assert {th.get("scope") for th in t3.iter("th")} == {"col", "colgroup", "row"}
    assert [td.text for td in t3.findall("tbody/tr")[0].iter("td")] == \
        ["64", "0", "0", "2", "0", "4", "70"]


def test_run_in_subheading_is_set_off(workdir: Path) -> None:
    page, _ = _render("pingtan-2021")
    leads = [span.text for span in _parse(page).find_class("lead")]
    assert leads[:2] == ["（一）主动公开方面。", "（二）依申请公开方面。"]
    assert "（二）改进措施：" in leads


def test_text_and_title_are_shown_literally(workdir: Path) -> None:
    tricky = ("A&B <b>粗体</b> <script>x()</script> \"引号\" 'x' {{ office.name }} "
              "{% if 1 %}是{% endif %}")
    title = "平潭<综合>&实验区2021年度政府信息公开工作年度报告{{ year }}"
    data = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    quoted = "'" + tricky.replace("'", "''") + "  两个空格'"
    data = data.replace("    - 2021年，无收取信息处理费情况。", f"    - {quoted}")
    data = data.replace("title: 平潭综合实验区2021年度政府信息公开工作年度报告",
                        f"title: '{title}'")
    (workdir / "pingtan-2021.yaml").write_text(data, encoding="utf-8")
    page, _ = _render("pingtan-2021")
    source = page.read_text(encoding="utf-8")
    assert "A&amp;B &lt;b&gt;粗体&lt;/b&gt; &lt;script&gt;" in source
    assert "<script" not in source and "<b>" not in source
    root = _parse(page)
    shown = page_paragraphs(root)
    assert shown[0] == title
    assert f"{tricky} 两个空格" in shown  # a browser shows a run of spaces as one
    assert root.findtext("head/title") == title


def test_import_of_the_page_gives_back_the_data(workdir: Path) -> None:
    for name in EXAMPLES:
        page, _ = _render(name)
        imported = import_report(page)
        same_report(imported.report, load_report(workdir / f"{name}.yaml"))
        assert [f for f in imported.findings if f.severity == "error"] == []
        code, output = _invoke("import", str(page), "-o", f"back-{name}.yaml", "--force")
        assert code == 0, output
        same_report(load_report(workdir / f"back-{name}.yaml"),
                     load_report(workdir / f"{name}.yaml"))


def test_page_with_an_own_title_renders_and_imports(workdir: Path) -> None:
    """A title that does not name the annual report is found by its place (the h1)."""
    data = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    data = data.replace("title: 平潭综合实验区2021年度政府信息公开工作年度报告",
                        "title: 平潭综合实验区2021年度信息公开报告书")
    (workdir / "pingtan-2021.yaml").write_text(data, encoding="utf-8")
    page, _ = _render("pingtan-2021")
    assert page_paragraphs(_parse(page))[0] == "平潭综合实验区2021年度信息公开报告书"
    same_report(import_report(page).report, load_report(workdir / "pingtan-2021.yaml"))


def test_page_that_does_not_read_back_is_not_written(workdir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import nianbao.writing.webpage

    real = nianbao.writing.webpage.render_html

    def broken(report: Report) -> str:  # a page whose 行政规范性文件 count went wrong
        return real(report).replace("<td>69</td>", "<td>68</td>", 1)

    monkeypatch.setattr(nianbao.writing.webpage, "render_html", broken)
    code, output = _invoke("render", "pingtan-2021.yaml", "--html")
    assert code == 1
    assert "生成的报告未通过核对，未写出文件" in output
    assert "表二 “行政规范性文件” “本年制发件数”：应为 69，文档中为 “68”" in output
    assert not (workdir / "pingtan-2021.html").exists()


def test_default_output_no_overwrite_and_usage(workdir: Path) -> None:
    code, output = _invoke("render", "pingtan-2021.yaml", "--html")
    assert code == 0, output
    assert "已生成 pingtan-2021.html（平潭综合实验区2021年度政府信息公开工作年度报告）" in output
    page = workdir / "pingtan-2021.html"
    page.write_text("published page", encoding="utf-8")
    code, output = _invoke("render", "pingtan-2021.yaml", "--html")
    assert code == 2
    assert "文件已存在，未覆盖（确需覆盖请加 --force）" in output
    assert page.read_text(encoding="utf-8") == "published page"
    assert _invoke("render", "pingtan-2021.yaml", "--html", "--force")[0] == 0
    assert "<table" in page.read_text(encoding="utf-8")
    code, output = _invoke("render", "pingtan-2021.yaml", "--html", "--template", "x.docx")
    assert code == 2
    assert "--html 生成网页，不能与 --template 或 --pdf 同时使用" in output


# printable text without unassigned code points (the page reader drops Unicode
# noncharacters, which no real text has)
page_text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")),
                    min_size=1, max_size=60).map(str.strip).filter(bool)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), st.lists(page_text, max_size=3))
def test_every_page_reads_back_as_its_report(report: Report, texts: list[str]) -> None:
    report.text["other"] = [Paragraph(text=t) for t in texts]
    page = render_page(report)  # verified: raises when anything does not read back
    read = read_blocks(read_html(page))
    assert read.tables == report.tables
    assert re.sub(r"\s+", "", "".join(read.text["other"])) == \
        re.sub(r"\s+", "", "".join(texts))
