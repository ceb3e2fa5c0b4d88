"""`nianbao import`: last year's report, however it was made, back into a data file
(next year's draft from it, `nianbao rollover`, is in tests/report/test_rollover.py)."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from handmade import handmade_report
from helpers import paragraphs, same_report, shared_example, tables, texts
from hypothesis import HealthCheck, given, settings
from strategies import reports

from nianbao.cli import main
from nianbao.datafile.reader import load_report
from nianbao.jobs.importing import import_report
from nianbao.report.model import Paragraph, Report
from nianbao.writing.document import compiled_template, render_report


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_seed_text_imports_renders_and_checks(workdir: Path) -> None:
    code, output = _invoke("import", str(shared_example("jingdezhen-2023.txt")), "-o",
                           "seed.yaml", "--office", "jingdezhen-taoci")
    assert code == 0, output
    assert "已导入" in output and "（2023年度，2021 格式）" in output
    assert "警告 [L] 表二中的“规 章”与正式格式的“规章”写法不同" in output
    imported = load_report(workdir / "seed.yaml")
    example = load_report(workdir / "jingdezhen-2023.yaml")
    assert imported.tables == example.tables
    assert imported.text == example.text
    code, output = _invoke("render", "seed.yaml")
    assert code == 0, output
    code, output = _invoke("check", "seed.docx")
    assert code == 0, output
    rendered = paragraphs(workdir / "seed.docx")
    for line in shared_example("jingdezhen-2023.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.endswith("|") and not line.startswith("五、"):
            assert line in rendered


def test_import_writes_the_office_profile_it_finds(workdir: Path) -> None:
    assert _invoke("render", "pingtan-2021.yaml")[0] == 0
    (workdir / "import").mkdir()
    code, output = _invoke("import", "pingtan-2021.docx", "-o", "import/2021.yaml")
    assert code == 0, output
    profile = workdir / "import" / "config" / "offices" / "平潭综合实验区.yaml"
    assert profile.read_text(encoding="utf-8").splitlines()[1:] == [
        'name: "平潭综合实验区"  # 机关全称',
        'contact_unit: "平潭综合实验区政府信息公开工作领导小组办公室"  # 联系单位',
        'phone: "0591-23165370"  # 联系电话',
        'address: "平潭综合实验区北厝金井湾片区管委会大楼主楼14层"  # 联系地址',
        'signature: "平潭综合实验区管理委员会"  # 落款署名',
        'postcode: "350400"  # 邮编',
        'website: "平潭综合实验区党工委管委会政府门户网站（www.pingtan.gov.cn）'
        '的“政府信息公开专栏”"  # 网站',
    ]
    same_report(load_report(workdir / "import" / "2021.yaml"),
                 load_report(workdir / "pingtan-2021.yaml"))
    code, output = _invoke("import", "pingtan-2021.docx", "-o", "import/again.yaml")
    assert "已有此机关信息文件，沿用，未改动" in output


def test_import_handmade_report_reports_what_it_could_not_place(workdir: Path) -> None:
    from handmade import T3

    rows = [list(r) for r in T3]
    rows[8] = (rows[8][0], [1, None, 0, 0, 0, 0, 1])
    rows[3] = (rows[3][0], [5, 0, 0, 0, 0, 0, 6])  # a total that does not add up
    (workdir / "hand.docx").write_bytes(handmade_report(rows))
    code, output = _invoke("import", "hand.docx", "-o", "hand.yaml", "--office", "pingtan")
    assert code == 0, output
    assert ("错误 [R3.4] 表三 “5.属于三类内部事务信息” “商业企业”："
            "空白（没有数字的格应填 0）") in output
    assert ("错误 [R3.1] 表三 “（二）部分公开（区分处理的，只计这一情形，不计其他情形）” “总计”："
            "应为 5，实为 6") in output
    data = (workdir / "hand.yaml").read_text(encoding="utf-8")
    assert "5.属于三类内部事务信息: {自然人: 1, 商业企业: null," in data
    code, output = _invoke("render", "hand.yaml")
    assert code == 1
    assert "表三 “5.属于三类内部事务信息” “商业企业”：空白（没有数字的格应填 0）" in output


def test_render_of_an_import_carries_every_number_and_paragraph(workdir: Path) -> None:
    from handmade import HEADINGS

    (workdir / "hand.docx").write_bytes(handmade_report(full_width=True))
    assert _invoke("import", "hand.docx", "-o", "hand.yaml", "--office", "pingtan")[0] == 0
    code, output = _invoke("render", "hand.yaml", "-o", "out.docx")
    assert code == 0, output

    def numbers(path: Path) -> list[str]:
        digits = str.maketrans("０１２３４５６７８９", "0123456789")
        cells = [c.text.translate(digits) for g in tables(path) for c in g.origins()]
        return sorted(c for c in cells if c.replace(".", "").isdigit())

    assert numbers(workdir / "hand.docx") == numbers(workdir / "out.docx")
    rendered = paragraphs(workdir / "out.docx")
    for paragraph in paragraphs(workdir / "hand.docx"):
        if paragraph not in HEADINGS:  # headings come back in their canonical wording
            assert paragraph in rendered


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(reports())
def test_import_of_render_is_the_data(tmp_path: Path, report: Report) -> None:
    path = tmp_path / "r.docx"
    path.write_bytes(render_report(report, compiled_template(None, "2021")))
    imported = import_report(path).report
    same_report(imported, report)
    assert imported.office.name == report.office.name


def test_unusable_sources(workdir: Path) -> None:
    (workdir / "a.pdf").write_bytes(b"%PDF-1.4")
    code, output = _invoke("import", "a.pdf", "-o", "a.yaml")
    assert code == 2
    assert ("a.pdf: 无法导入：PDF 文件已损坏或不是 PDF（文件结构错误）：请重新导出 PDF，"
            "或改用该报告的 Word 文档（.docx）") in output
    (workdir / "b.docx").write_bytes(b"PK\x03\x04 truncated")
    code, output = _invoke("import", "b.docx", "-o", "b.yaml")
    assert code == 2 and "b.docx: 无法导入：" in output
    (workdir / "c.txt").write_text("只是一段文字。\n没有表格。\n", encoding="utf-8")
    code, output = _invoke("import", "c.txt", "-o", "c.yaml")
    assert code == 2 and "文本中没有找到年报的表格" in output
    assert not list(workdir.glob("[abc].yaml"))
    assert not (workdir / "config" / "offices" / "b.yaml").exists()


def _published_page(docx: Path) -> bytes:
    """The report as a government website publishes it: GBK-encoded, paragraphs split by
    <br>, the tables as <td colspan rowspan> cells, navigation around it."""
    from helpers import document_blocks

    from nianbao.sources.blocks import ParagraphBlock

    body = []
    for block in document_blocks(docx):
        if isinstance(block, ParagraphBlock):
            # the title set on two lines in Word: on the page, two lines of one paragraph
            body.append("&nbsp;&nbsp;" + block.text.replace("\n", "<br>") + "<br>")
            continue
        rows = []
        for row in block.grid.rows:
            cells = [f'<td rowspan="{c.row_span}" colspan="{c.col_span}">{c.text}</td>'
                     for c in row if c.is_origin]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        body.append('<table border="1">' + "".join(rows) + "</table>")
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            "<script>var nav = '首页';</script></head><body><div class=nav>首页 &gt; 政务公开"
            "</div><div class=content>" + "\n".join(body) + "</div></body></html>")
    return page.encode("gb18030")


def test_import_of_a_published_web_page(workdir: Path) -> None:
    assert _invoke("render", "pingtan-2021.yaml")[0] == 0
    (workdir / "page.html").write_bytes(_published_page(workdir / "pingtan-2021.docx"))
    code, output = _invoke("import", "page.html", "-o", "page.yaml", "--office", "pingtan")
    assert code == 0, output
    same_report(load_report(workdir / "page.yaml"), load_report(workdir / "pingtan-2021.yaml"))


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(reports("2019"))
def test_2019_reports_import_into_2019_data(tmp_path: Path, report: Report) -> None:
    path = tmp_path / "r.docx"
    path.write_bytes(render_report(report, compiled_template(None, "2019")))
    imported = import_report(path).report
    assert imported.form.version == "2019"
    same_report(imported, report)


def test_a_contact_line_after_the_date_is_read_for_the_profile(workdir: Path) -> None:
    """Offices often close with a 联系人 line below the date: it is not prose, but it is
    where the phone number is."""
    text = shared_example("jingdezhen-2023.txt").read_text(encoding="utf-8")
    text = re.sub(r"电话(/传真)?[:：][0-9\-]+", "", text).rstrip("\n")
    text += "\n景德镇市陶瓷局\n2024年1月20日\n联系人：张三　电话：0798-1234567\n"
    (workdir / "closing.txt").write_text(text, encoding="utf-8")
    imported = import_report(workdir / "closing.txt")
    assert (imported.report.date.isoformat(), imported.office_fields["signature"]) == \
        ("2024-01-20", "景德镇市陶瓷局")
    assert imported.office_fields["phone"] == "0798-1234567"
    assert all("联系人" not in p.text for ps in imported.report.text.values() for p in ps)


_EDITED = "本年度共收到政府信息公开申请5件，上年结转2件，办结4件，结转下年度继续办理3件。另有咨询。"
_OTHER_NUMBERS = "本年度共收到政府信息公开申请6件，上年结转2件，办结4件，结转下年度继续办理3件。"
# what the clerk typed into the skeleton of `nianbao new`: numbers that make the standard
# paragraphs say something, a fee (the report's tables do not carry it), and paragraphs
# that read like standard ones but are not
_FILLED = {
    "一、本年新收政府信息公开申请数量: {自然人: 0": "一、本年新收政府信息公开申请数量: {自然人: 5",
    "二、上年结转政府信息公开申请数量: {自然人: 0": "二、上年结转政府信息公开申请数量: {自然人: 2",
    "（一）予以公开: {自然人: 0": "（一）予以公开: {自然人: 4",
    "四、结转下年度继续办理: {自然人: 0": "四、结转下年度继续办理: {自然人: 3",
    "行政复议: {结果维持: 0": "行政复议: {结果维持: 1",
    "发出收费通知件数: 0": "发出收费通知件数: 1",
    "实际收取金额（元）: 0": "实际收取金额（元）: 20",
    "  problems:  # 五、存在的主要问题及改进情况\n    - 【待填写】": (
        "  problems:  # 五、存在的主要问题及改进情况\n"
        f"    - {_EDITED}\n    - {_OTHER_NUMBERS}"),
}


def test_standard_paragraphs_come_back_standard(workdir: Path) -> None:
    """A report nianbao made from standard paragraphs imports into `- standard:` entries
    still tied to the tables, and renders again into the same document; a paragraph that
    only resembles one (edited, other numbers) stays the clerk's text."""
    profile = workdir / "config" / "offices" / "pingtan.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + 'email: "pzxxgkb@163.com"\n',
                       encoding="utf-8")
    assert _invoke("new", "--office", "config/offices/pingtan.yaml", "--year", "2024",
                   "-o", "x.yaml")[0] == 0
    data = (workdir / "x.yaml").read_text(encoding="utf-8")
    for old, new in _FILLED.items():
        assert old in data
        data = data.replace(old, new, 1)
    (workdir / "x.yaml").write_text(data, encoding="utf-8")
    code, output = _invoke("render", "x.yaml")
    assert code == 0, output
    (workdir / "import").mkdir()
    code, output = _invoke("import", "x.docx", "-o", "import/y.yaml")
    assert code == 0, output
    imported = load_report(workdir / "import" / "y.yaml")
    # every contact field the standard paragraph printed is in the profile written
    office = imported.office
    assert (office.website, office.postcode, office.email) == (
        "平潭综合实验区党工委管委会政府门户网站（www.pingtan.gov.cn）的“政府信息公开专栏”",
        "350400", "pzxxgkb@163.com")
    assert {key: [p.standard for p in ps if p.standard] for key, ps in imported.text.items()
            if any(p.standard for p in ps)} == {
        "preamble": ["opening"], "overview": ["period_contact", "requests"],
        "appeals": ["appeals"]}
    # the fee is not in the tables an import reads: its paragraph is text, as printed
    assert imported.text["other"] == [
        Paragraph(text="本年度共发出收费通知1件，收取信息处理费20元。")]
    assert [p.text for p in imported.text["problems"]] == [_EDITED, _OTHER_NUMBERS]
    assert "    - {standard: period_contact}  # 标准段落：统计期限和联系方式" in \
        (workdir / "import" / "y.yaml").read_text(encoding="utf-8")
    code, output = _invoke("render", "import/y.yaml", "-o", "y.docx")
    assert code == 0, output
    assert paragraphs(workdir / "y.docx") == paragraphs(workdir / "x.docx")
    assert [texts(g) for g in tables(workdir / "y.docx")] == \
        [texts(g) for g in tables(workdir / "x.docx")]
    # the web page nianbao makes of it imports the same way
    assert _invoke("render", "x.yaml", "--html", "-o", "x.html")[0] == 0
    assert _invoke("import", "x.html", "-o", "import/page.yaml")[0] == 0
    assert load_report(workdir / "import" / "page.yaml").text == imported.text
    # with another office's profile (`import --office`) the paragraphs that print the
    # office say something else: they stay text, the ones of the tables do not
    from nianbao.datafile.profiles import load_office

    other = load_office(workdir / "config" / "offices" / "jingdezhen-taoci.yaml")
    again = import_report(workdir / "x.docx", other).report
    assert again.office == other
    assert [(key, p.standard) for key, ps in again.text.items() for p in ps if p.standard] == [
        ("overview", "requests"), ("appeals", "appeals")]


def test_a_paragraph_is_standard_after_the_readers_whitespace_rule(tmp_path: Path) -> None:
    """Lines of a paragraph stripped and joined, as the data file reader keeps text."""
    from strategies import OFFICE

    from nianbao.jobs.importing import _standard_again
    from nianbao.report.blank import blank_report
    from nianbao.spec.form import load_form

    report = blank_report(load_form("2021"), OFFICE, "x", 2024)
    report.text = {"other": [Paragraph(text=" 本年度未收取\n  信息处理费。 "),
                             Paragraph(text="本年度未收取 信息处理费。")]}
    _standard_again(report)
    assert report.text["other"] == [Paragraph(standard="fees"),
                                    Paragraph(text="本年度未收取 信息处理费。")]


def test_every_contact_field_the_report_prints_is_kept(tmp_path: Path) -> None:
    text = shared_example("jingdezhen-2023.txt").read_text(encoding="utf-8").replace(
        "电子邮箱:tcsyqgwb@163.com。", "电子邮箱:tcsyqgwb@163.com；邮编：333000；"
        "网址：http://www.jdz.gov.cn/tcsyq。")
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    fields = import_report(tmp_path / "r.txt").office_fields
    assert (fields["email"], fields["postcode"], fields["website"]) == (
        "tcsyqgwb@163.com", "333000", "http://www.jdz.gov.cn/tcsyq")
    (tmp_path / "r.txt").write_text(text.replace("网址：http://www.jdz.gov.cn/tcsyq",
                                                 "网站：全年更新信息"), encoding="utf-8")
    assert import_report(tmp_path / "r.txt").office_fields["website"] == ""


def test_import_with_an_office_profile_matches_its_standard_paragraphs(workdir: Path) -> None:
    """With --office, the data file names that profile, none is written, and paragraphs
    come back standard where that profile prints them the same."""
    assert _invoke("new", "--office", "pingtan", "--year", "2024", "-o", "x.yaml")[0] == 0
    assert _invoke("render", "x.yaml")[0] == 0
    code, output = _invoke("import", "x.docx", "-o", "again.yaml", "--office", "pingtan")
    assert code == 0, output
    written = (workdir / "again.yaml").read_text(encoding="utf-8")
    assert "office: pingtan" in written and "{standard: opening}" in written
    assert not (workdir / "config" / "offices" / "平潭综合实验区.yaml").exists()
    code, output = _invoke("import", "x.docx", "-o", "other.yaml", "--office", "无此机关")
    assert code == 2
    assert "--office：找不到机关信息“无此机关”" in output
    assert not (workdir / "other.yaml").exists()
