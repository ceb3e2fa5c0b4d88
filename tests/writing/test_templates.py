"""Templates a clerk has touched: restyled ones still render; broken ones are caught by
render's read-back check and nothing is written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from click.testing import CliRunner
from docx.shared import Pt
from helpers import edited_template, paragraphs, swap_cells, tables, texts

from nianbao.cli import main
from nianbao.resources import template_path


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
