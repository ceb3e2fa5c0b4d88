"""Templates a clerk has touched: restyled ones and ones with fixed text added still
render, with the text kept; broken ones are caught (a broken loop named) and nothing is
written."""

from __future__ import annotations

import copy
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from helpers import edited_template, paragraphs, swap_cells, tables, texts

from nianbao.cli import main
from nianbao.datafile.reader import load_report
from nianbao.errors import VerificationFailed
from nianbao.reading.document import read_file
from nianbao.resources import template_path
from nianbao.sources.docx.package import MAIN_DOCUMENT
from nianbao.sources.libreoffice import run_soffice
from nianbao.spec.form import load_form
from nianbao.writing.fastcheck import FastCheck
from nianbao.writing.filler import CompiledTemplate, render_context


def _render(workdir: Path, template: Path, out: str = "out.docx") -> tuple[int, str]:
    result = CliRunner().invoke(main, ["render", "pingtan-2021.yaml", "-o", out,
                                       "--template", str(template)])
    return result.exit_code, result.output


def test_template_restyled_in_word_still_renders(workdir: Path) -> None:
    restyled = workdir / "restyled.docx"
    document = docx.Document(str(template_path("2021")))
    body = document.styles["年报正文"]
    body.font.size = Pt(15)
    body.font.name = "宋体"
    document.styles["年报表格"].font.size = Pt(9)
    document.save(str(restyled))
    code, output = _render(workdir, restyled)
    assert code == 0, output
    out = workdir / "out.docx"
    with zipfile.ZipFile(out) as package:
        assert 'w:ascii="宋体"' in package.read("word/styles.xml").decode()
    assert texts(tables(out)[2])[3] == ["1", "0", "2", "0", "3", "12", "0", "0", "0", "12",
                                        "0", "0", "0", "0", "0"]
    assert paragraphs(out)[-1] == "2022年1月28日"


def test_template_with_a_deleted_row_is_refused(workdir: Path) -> None:
    broken = workdir / "broken.docx"
    document = docx.Document(str(template_path("2021")))
    table = document.tables[1]
    row = next(r for r in table.rows if "2.重复申请" in r._tr.xpath("string(.)"))
    row._tr.getparent().remove(row._tr)
    document.save(str(broken))
    code, output = _render(workdir, broken)
    assert code == 1
    assert "生成的报告未通过核对，未写出文件" in output
    assert "表三缺少“三、本年度办理结果 > （五）不予处理 > 2.重复申请”行" in output
    assert not (workdir / "out.docx").exists()


def test_template_with_swapped_placeholders_is_refused(workdir: Path) -> None:
    code, output = _render(workdir, edited_template(workdir / "swapped.docx", swap_cells))
    assert code == 1
    assert "表三 “（一）予以公开” “自然人”：应为 27，文档中为 “1”" in output
    assert "表三 “（一）予以公开” “其他”：应为 1，文档中为 “27”" in output


def test_template_naming_a_value_the_data_lacks(workdir: Path) -> None:
    template = edited_template(workdir / "extra.docx", lambda xml: xml.replace(
        "{{ title }}", "{{ title }}{{ t9.budget }}"))
    code, output = _render(workdir, template)
    assert code == 2
    assert "模板 extra.docx 引用了数据中没有的值：'t9' is undefined" in output


def test_not_a_template(workdir: Path) -> None:
    bogus = workdir / "bogus.docx"
    bogus.write_text("not a zip")
    code, output = _render(workdir, bogus)
    assert code == 2
    assert "模板无法打开" in output


# --- fixed text a clerk adds in Word or WPS -------------------------------------------

def _insert_after(anchor: DocxParagraph | DocxTable, text: str,
                  like: DocxParagraph | None = None) -> None:
    """A new paragraph after `anchor`, as pressing Enter there and typing makes it: in
    the style of `like` (the paragraph it was typed after), plain text."""
    new = copy.deepcopy(like._p if like is not None else anchor._element)  # type: ignore[union-attr]
    for child in list(new):
        if child.tag != qn("w:pPr"):
            new.remove(child)
    anchor._element.addnext(new)
    DocxParagraph(new, anchor._parent).add_run(text)


def _heading(document: DocxDocument, numeral: str) -> DocxParagraph:
    return next(p for p in document.paragraphs if p.text.startswith(numeral))


def _below_title(document: DocxDocument) -> None:
    _insert_after(document.paragraphs[0], "（此件公开发布）")


def _run_in_title(document: DocxDocument) -> None:
    document.paragraphs[0].add_run("（征求意见稿）")


def _note_under_table_three(document: DocxDocument) -> None:
    _insert_after(document.tables[1], "注：本表数据截至12月31日。", like=document.paragraphs[-3])


def _line_under_heading_five(document: DocxDocument) -> None:
    _insert_after(_heading(document, "五、"), "经自查，本年度存在以下问题：",
                  like=document.paragraphs[-3])


def _contact_after_the_date(document: DocxDocument) -> None:
    _insert_after(document.paragraphs[-1], "联系人：张三　电话：0591-12345678")


def _added(plain: list[str], kind: str) -> list[str]:
    """The paragraphs of the report with the clerk's addition where it was typed."""
    by_heading = {p[:2]: i for i, p in enumerate(plain) if p[:2] in ("四、", "五、")}
    if kind == "below_title":
        return [plain[0], "（此件公开发布）", *plain[1:]]
    if kind == "run_in_title":
        return [plain[0] + "（征求意见稿）", *plain[1:]]
    if kind == "note_under_table_three":
        at = by_heading["四、"]
        return [*plain[:at], "注：本表数据截至12月31日。", *plain[at:]]
    if kind == "line_under_heading_five":
        at = by_heading["五、"] + 1
        return [*plain[:at], "经自查，本年度存在以下问题：", *plain[at:]]
    return [*plain, "联系人：张三　电话：0591-12345678"]


ADDITIONS = {"below_title": _below_title, "run_in_title": _run_in_title,
             "note_under_table_three": _note_under_table_three,
             "line_under_heading_five": _line_under_heading_five,
             "contact_after_the_date": _contact_after_the_date}
DATA = {"2021": "pingtan-2021.yaml", "2019": "pingtan-2020.yaml"}


@pytest.fixture(scope="module")
def added_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each kind of addition made in each built-in template, saved as Word saves it;
    and each of those saved again by LibreOffice (key "…/libreoffice")."""
    folder = tmp_path_factory.mktemp("templates")
    made = {}
    for version in DATA:
        for kind, add in ADDITIONS.items():
            document = docx.Document(str(template_path(version)))
            add(document)
            made[f"{version}/{kind}/word"] = folder / f"{version}-{kind}.docx"
            document.save(str(made[f"{version}/{kind}/word"]))
    soffice = shutil.which("soffice")
    if soffice:
        out = folder / "libreoffice"
        assert run_soffice(soffice, list(made.values()), "docx:MS Word 2007 XML",
                           folder / "profile", out) is None
        for key, path in list(made.items()):
            made[key.replace("/word", "/libreoffice")] = out / path.name
    return made


def _data_file(workdir: Path, version: str) -> str:
    if version == "2019":
        assert CliRunner().invoke(main, ["new", "--office", "config/offices/pingtan.yaml",
                                         "--year", "2020", "-o", DATA["2019"]]).exit_code == 0
    return DATA[version]


@pytest.mark.parametrize("saved_by", ["word", pytest.param("libreoffice", marks=pytest.mark.skipif(
    not shutil.which("soffice"), reason="LibreOffice is not installed"))])
@pytest.mark.parametrize("kind", ADDITIONS)
@pytest.mark.parametrize("version", DATA)
def test_fixed_text_added_to_the_template_is_kept_and_checked(
        workdir: Path, added_templates: dict[str, Path], version: str, kind: str,
        saved_by: str) -> None:
    data = _data_file(workdir, version)
    plain = CliRunner().invoke(main, ["render", data, "-o", "plain.docx"])
    assert plain.exit_code == 0, plain.output
    template = added_templates[f"{version}/{kind}/{saved_by}"]
    result = CliRunner().invoke(main, ["render", data, "-o", "out.docx",
                                       "--template", str(template)])
    assert result.exit_code == 0, result.output
    out, reference = workdir / "out.docx", workdir / "plain.docx"
    assert paragraphs(out) == _added(paragraphs(reference), kind)
    # every cell, by its labels (LibreOffice writes a merged table on a finer grid)
    assert read_file(out).tables == read_file(reference).tables
    if saved_by == "word":
        assert [texts(t) for t in tables(out)] == [texts(t) for t in tables(reference)]
    checked = CliRunner().invoke(main, ["check", "out.docx"])
    assert checked.exit_code == 0, checked.output
    assert "0 个错误" in checked.output


def test_the_fast_read_back_knows_the_fixed_text_too(
        workdir: Path, added_templates: dict[str, Path]) -> None:
    """The read-back of a batch (cell positions proven once per template) checks the
    paragraphs against the template's fixed text as well."""
    template = CompiledTemplate(added_templates["2021/contact_after_the_date/word"])
    fast = FastCheck(template, load_form("2021"))
    report = load_report(workdir / "pingtan-2021.yaml")
    rendered = template.render_parts(render_context(report))[MAIN_DOCUMENT]
    fast.verify(report, rendered)
    assert fast.frame.paragraphs(report)[-1] == "联系人：张三　电话：0591-12345678"
    report.text["other"] = []  # the document has a paragraph more
    with pytest.raises(VerificationFailed, match="文档中多出段落"):
        fast.verify(report, rendered)


# --- a loop or placeholder really broken -------------------------------------------------

def _loop_of(document: DocxDocument, key: str) -> list[DocxParagraph]:
    """The three paragraphs of a part's loop: for, the paragraph, endfor."""
    start = next(i for i, p in enumerate(document.paragraphs)
                 if p.text == f"{{%p for p in text.{key} %}}")
    return document.paragraphs[start:start + 3]


def _without_loop_five(document: DocxDocument) -> None:
    for paragraph in _loop_of(document, "problems"):
        paragraph._p.getparent().remove(paragraph._p)


def _loop_five_under_six(document: DocxDocument) -> None:
    loop = _loop_of(document, "problems")
    anchor = _loop_of(document, "other")[-1]._p
    for paragraph in reversed(loop):
        anchor.addnext(paragraph._p)


def _without_date(document: DocxDocument) -> None:
    document.paragraphs[-1]._p.getparent().remove(document.paragraphs[-1]._p)


def _typed_inside_the_loop(document: DocxDocument) -> None:
    paragraph = _loop_of(document, "overview")[1]
    paragraph.runs[0].text += "　"


def _title_twice(document: DocxDocument) -> None:
    _insert_after(document.paragraphs[0], "{{ title }}")


@pytest.mark.parametrize(("edit", "message"), [
    (_without_loop_five, "模板 broken.docx 中缺少 {%p for p in text.problems %} "
                         "{{ p.lead }}{{ p.body }} {%p endfor %}"),
    (_loop_five_under_six, "模板 broken.docx 中的 {%p for p in text.problems %} "
                           "{{ p.lead }}{{ p.body }} {%p endfor %} "
                           "不在“五、存在的主要问题及改进情况”之下"),
    (_without_date, "模板 broken.docx 中缺少 {{ date }}"),
    (_typed_inside_the_loop, "模板 broken.docx 中 {%p for p in text.overview %} "
                             "{{ p.lead }}{{ p.body }} {%p endfor %} 所在的段落被改动"),
    (_title_twice, "模板 broken.docx 中重复了 {{ title }}"),
])
def test_a_broken_loop_or_placeholder_is_named(workdir: Path, edit: Callable[[DocxDocument], None],
                                               message: str) -> None:
    document = docx.Document(str(template_path("2021")))
    edit(document)
    document.save(str(workdir / "broken.docx"))
    code, output = _render(workdir, workdir / "broken.docx")
    assert code == 2
    assert message in output
    assert not (workdir / "out.docx").exists()


def test_a_template_of_the_other_form_is_named(workdir: Path) -> None:
    assert CliRunner().invoke(main, ["new", "--office", "pingtan", "--year", "2020",
                                     "-o", "p2020.yaml"]).exit_code == 0
    result = CliRunner().invoke(main, ["render", "p2020.yaml", "-o", "out.docx", "--template",
                                       str(template_path("2021"))])
    assert result.exit_code == 2
    assert "模板 annual-report-2021.docx 是 2021 格式的，此报告是 2019 格式" \
           "（国办公开办函〔2019〕60号）：请用 2019 格式的模板" in result.output
    assert not (workdir / "out.docx").exists()
