"""Packages Word opens without repair: both templates and rendered reports (both forms)
validate with zero errors against the Open XML SDK's schemas and Word's own checks
(openxml-audit), and carry nothing of python-docx's default template that describes
another document (its styles copy for Word 2010, a thumbnail, "Microsoft Macintosh
Word", a bibliography store)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from helpers import EXAMPLES, REPO

from nianbao.datafile.reader import load_report
from nianbao.report.blank import blank_report
from nianbao.resources import template_path
from nianbao.spec.form import load_form
from nianbao.writing.document import compiled_template, render_report

openxml_audit = pytest.importorskip("openxml_audit")

STALE = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/item1.xml")


def _documents(folder: Path) -> list[Path]:
    """Both templates, both examples rendered, and a rendered 2019-form report."""
    shutil.copytree(REPO / "config" / "offices", folder / "config" / "offices")
    documents = [template_path("2021"), template_path("2019")]
    for name in ("pingtan-2021", "jingdezhen-2023"):
        shutil.copy(EXAMPLES / f"{name}.yaml", folder)
        report = load_report(folder / f"{name}.yaml")
        documents.append(folder / f"{name}.docx")
        documents[-1].write_bytes(render_report(report, compiled_template(None, "2021")))
    office = load_report(folder / "pingtan-2021.yaml").office
    report = blank_report(load_form("2019"), office, "pingtan", 2020)
    documents.append(folder / "pingtan-2020.docx")
    documents[-1].write_bytes(render_report(report, compiled_template(None, "2019")))
    return documents


def test_templates_and_reports_validate_without_errors(tmp_path: Path) -> None:
    validator = openxml_audit.OpenXmlValidator(max_errors=0)
    for document in _documents(tmp_path):
        result = validator.validate(document)
        assert [str(e) for e in result.errors] == [], document.name
        assert result.is_valid, document.name


def test_no_part_of_python_docx_default_template_is_left(tmp_path: Path) -> None:
    for document in _documents(tmp_path):
        with zipfile.ZipFile(document) as package:
            names = set(package.namelist())
            assert names.isdisjoint(STALE), document.name
            types = package.read("[Content_Types].xml").decode()
            rels = package.read("word/_rels/document.xml.rels").decode()
            rels += package.read("_rels/.rels").decode()
            app = package.read("docProps/app.xml").decode()
            core = package.read("docProps/core.xml").decode()
        for stale in ("stylesWithEffects", "thumbnail", "customXml"):
            assert stale not in types + rels, (document.name, stale)
        assert "Microsoft" not in app and "<Pages>" not in app
        assert "python-docx" not in core



def test_the_font_table_names_the_report_fonts_not_japanese_ones() -> None:
    """Word picks a substitute for a missing font by the font table: the report's
    fonts are there as GB2312 faces (仿宋_GB2312 with 仿宋, the name Windows 10 ships),
    python-docx's Japanese faces are not."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for version in ("2021", "2019"):
        with zipfile.ZipFile(template_path(version)) as package:
            fonts = etree.fromstring(package.read("word/fontTable.xml"))
        table = {font.get(w + "name"): (font.find(w + "charset").get(w + "val"),
                                        font.find(w + "altName").get(w + "val")
                                        if font.find(w + "altName") is not None else None)
                 for font in fonts.iter(w + "font")}
        assert table["仿宋_GB2312"] == ("86", "仿宋")
        assert table["楷体_GB2312"] == ("86", "楷体")
        assert {table[name][0] for name in ("黑体", "宋体", "方正小标宋简体")} == {"86"}
        assert "ＭＳ 明朝" not in table and "ＭＳ ゴシック" not in table
