"""Opening rendered reports the way a person does: LibreOffice turns them into PDF, and
the pages are A4 with every paragraph and number of the report on them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import paragraphs

from nianbao.cli import main

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(not (SOFFICE and shutil.which("pdftotext")),
                                reason="LibreOffice and poppler-utils are not installed")


def _pdf(docx: Path) -> Path:
    profile = docx.parent / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx)],
                   check=True, capture_output=True, timeout=240)
    pdf = docx.with_suffix(".pdf")
    assert pdf.exists()
    return pdf


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.mark.parametrize("name", ["pingtan-2021", "jingdezhen-2023"])
def test_rendered_report_opens_as_a4_with_all_its_text(workdir: Path, name: str) -> None:
    docx = workdir / f"{name}.docx"
    assert CliRunner().invoke(main, ["render", f"{name}.yaml", "-o", str(docx)]).exit_code == 0
    pdf = _pdf(docx)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    assert "595.3" in info and "841.89" in info  # A4 in points
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 4 <= pages <= 12
    flat = re.sub(r"\s+", "", _pdf_text(pdf))
    assert [int(n) for n in re.findall(r"—(\d+)—", flat)] == list(range(1, pages + 1))
    flat = re.sub(r"—\d+—", "", flat)  # page numbers fall inside paragraphs across pages
    for paragraph in paragraphs(docx):
        assert re.sub(r"\s+", "", paragraph) in flat, paragraph


def test_pingtan_numbers_on_the_page(workdir: Path) -> None:
    docx = workdir / "pingtan-2021.docx"
    assert CliRunner().invoke(main, ["render", "pingtan-2021.yaml"]).exit_code == 0
    text = _pdf_text(_pdf(docx))
    assert "24252.311082" in text
    assert re.search(r"一、本年新收政府信息公开申请数量\s+64\s+0\s+0\s+2\s+0\s+4\s+70", text)
    assert re.search(r"1\s+0\s+2\s+0\s+3\s+12\s+0\s+0\s+0\s+12\s+0\s+0\s+0\s+0\s+0", text)


def test_libreoffice_saved_report_renders_from_its_own_save(workdir: Path) -> None:
    """A report saved again by LibreOffice (as a clerk using it would) still reads as
    the same report: every number in place."""
    import zipfile

    from nianbao.datafile.reader import load_report
    from nianbao.reading.document import read_document_xml

    docx = workdir / "pingtan-2021.docx"
    assert CliRunner().invoke(main, ["render", "pingtan-2021.yaml"]).exit_code == 0
    resaved_dir = workdir / "lo"
    resaved_dir.mkdir()
    profile = workdir / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(resaved_dir),
                    str(docx)], check=True, capture_output=True, timeout=240)
    with zipfile.ZipFile(resaved_dir / "pingtan-2021.docx") as package:
        read = read_document_xml(package.read("word/document.xml"))
    assert read.tables == load_report(workdir / "pingtan-2021.yaml").tables
    assert [f for f in read.findings if f.severity == "error"] == []


@pytest.mark.parametrize("target", ["docx:MS Word 2007 XML", "html"])
def test_import_of_what_libreoffice_saved(workdir: Path, target: str) -> None:
    """A report re-saved by LibreOffice as .docx, or exported as a web page (the way
    many offices publish), imports back to the same data."""
    from nianbao.datafile.reader import load_report
    from nianbao.jobs.importing import import_report

    docx = workdir / "pingtan-2021.docx"
    assert CliRunner().invoke(main, ["render", "pingtan-2021.yaml"]).exit_code == 0
    out = workdir / "lo"
    out.mkdir()
    subprocess.run([SOFFICE, f"-env:UserInstallation={(workdir / 'lo-profile').as_uri()}",
                    "--headless", "--convert-to", target, "--outdir", str(out), str(docx)],
                   check=True, capture_output=True, timeout=240)
    saved = next(out.iterdir())
    imported = import_report(saved)
    original = load_report(workdir / "pingtan-2021.yaml")
    assert imported.report.tables == original.tables
    assert imported.report.full_title == original.full_title
    assert [f for f in imported.findings if f.severity == "error"] == []
