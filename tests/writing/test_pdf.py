"""Print preview: `nianbao pdf` and `nianbao render --pdf` give the PDF a clerk prints, A4,
every paragraph and number on the page, Chinese in Simplified-Chinese glyph shapes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import paragraphs, tables
from pdfglyphs import drawn_glyphs, not_simplified

from nianbao.cli import main

HAVE_TOOLS = bool((shutil.which("soffice") or shutil.which("libreoffice"))
                  and all(shutil.which(t) for t in ("pdffonts", "pdfinfo", "pdftotext",
                                                    "fc-list")))
needs_libreoffice = pytest.mark.skipif(not HAVE_TOOLS,
                                       reason="LibreOffice or poppler-utils not installed")
PAGES = {"pingtan-2021": 7, "jingdezhen-2023": 6}
INSTALL = "apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai " \
          "fonts-liberation2"
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
# The faces fonts.conf maps to. Noto CJK faces all carry the collection's "jp" name
# (see pdfglyphs); which glyphs they draw is checked separately.
EXPECTED_FONTS = re.compile(r"Noto(Serif|Sans)CJKjp-[\w-]+|UKaiCN|LiberationSerif(-\w+)?")


def _nianbao(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder nianbao's conversions use, to see what they leave behind."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@needs_libreoffice
@pytest.mark.parametrize("name", sorted(PAGES))
def test_render_with_pdf_gives_the_printed_report(workdir: Path, private_tmp: Path,
                                                  name: str) -> None:
    result = _nianbao("render", f"{name}.yaml", "-o", f"{name}.docx", "--pdf")
    assert result.exit_code == 0, result.output
    docx, pdf = workdir / f"{name}.docx", workdir / f"{name}.pdf"
    assert f"已生成 {pdf.name}" in result.output
    sizes = re.findall(r"Page\s+\d+ size:\s+(.*)", _run("pdfinfo", "-f", "1", "-l", "999",
                                                        str(pdf)))
    assert sizes == ["595.304 x 841.89 pts (A4)"] * PAGES[name]
    text = _run("pdftotext", "-layout", str(pdf), "-")
    flat = re.sub(r"\s+", "", text)
    assert [int(n) for n in re.findall(r"—(\d+)—", flat)] == list(range(1, PAGES[name] + 1))
    flat = re.sub(r"—\d+—", "", flat)  # page numbers fall inside paragraphs across pages
    for paragraph in paragraphs(docx):
        assert re.sub(r"\s+", "", paragraph) in flat, paragraph
    _assert_table_rows_printed(docx, text)
    assert list(private_tmp.iterdir()) == []  # LibreOffice profile and output removed
    assert sorted(p.name for p in workdir.glob(".nianbao-*")) == []


def _assert_table_rows_printed(docx: Path, text: str) -> None:
    """Every row's numbers, in order, end a line of the page text, rows in order."""
    lines = [NUMBER.findall(line) for line in text.splitlines() if re.search(r"\d\s*$", line)]
    position = 0
    for grid in tables(docx):
        for row in grid.rows:
            numbers = [c.text.strip() for c in row if c.is_origin and NUMBER.fullmatch(
                c.text.strip())]
            if not numbers:
                continue
            found = next((i for i in range(position, len(lines))
                          if lines[i][-len(numbers):] == numbers), None)
            assert found is not None, f"row not on the page: {numbers}"
            position = found + 1


@needs_libreoffice
def test_chinese_is_drawn_in_simplified_chinese_faces(workdir: Path) -> None:
    """仿宋/宋/小标宋 in Noto Serif CJK SC, 黑体 in Noto Sans CJK SC, 楷体 in AR PL UKai CN,
    never Japanese, Korean or Traditional glyph shapes (复, 关, 直 … differ)."""
    assert _nianbao("render", "pingtan-2021.yaml", "--pdf").exit_code == 0
    pdf = workdir / "pingtan-2021.pdf"
    fonts = [line.split()[0].split("+")[-1]
             for line in _run("pdffonts", str(pdf)).splitlines()[2:]]
    assert fonts and all(EXPECTED_FONTS.fullmatch(f) for f in fonts), fonts
    assert {"UKaiCN", "LiberationSerif"} <= set(fonts)
    assert all(line.split()[-5] == "yes" for line in  # every font embedded
               _run("pdffonts", str(pdf)).splitlines()[2:])
    glyphs = drawn_glyphs(pdf)
    noto = {font: drawn for font, drawn in glyphs.items() if "CJK" in font}
    assert {re.sub(r"-.*", "", font) for font in noto} == {"NotoSerifCJKjp", "NotoSansCJKjp"}
    for font, drawn in noto.items():
        wrong, telling = not_simplified(font, drawn)
        assert telling >= 40, (font, telling)  # enough characters to tell the regions apart
        assert wrong == "", f"{font}: not Simplified-Chinese glyphs for {wrong}"


@needs_libreoffice
def test_pdf_of_several_reports_in_one_call(workdir: Path) -> None:
    for name in PAGES:
        assert _nianbao("render", f"{name}.yaml").exit_code == 0
    result = _nianbao("pdf", "pingtan-2021.docx", "jingdezhen-2023.docx")
    assert result.exit_code == 0, result.output
    for name, pages in PAGES.items():
        pdf = workdir / f"{name}.pdf"
        assert f"已生成 {pdf.name}" in result.output
        assert re.search(rf"Pages:\s+{pages}\n", _run("pdfinfo", str(pdf)))
    assert "平潭综合实验区" in _run("pdftotext", str(workdir / "pingtan-2021.pdf"), "-")
    assert "景德镇" in _run("pdftotext", str(workdir / "jingdezhen-2023.pdf"), "-")


@needs_libreoffice
def test_existing_pdf_is_kept_without_force(workdir: Path) -> None:
    assert _nianbao("render", "pingtan-2021.yaml").exit_code == 0
    pdf = workdir / "pingtan-2021.pdf"
    pdf.write_bytes(b"last year's print")
    result = _nianbao("pdf", "pingtan-2021.docx")
    assert result.exit_code == 2
    assert "pingtan-2021.pdf: 文件已存在，未覆盖（确需覆盖请加 --force）" in result.output
    assert pdf.read_bytes() == b"last year's print"
    # render --pdf stops before writing anything, the .docx included
    (workdir / "other.pdf").write_bytes(b"kept")
    result = _nianbao("render", "jingdezhen-2023.yaml", "-o", "other.docx", "--pdf")
    assert result.exit_code == 2 and "other.pdf: 文件已存在" in result.output
    assert not (workdir / "other.docx").exists()
    assert (workdir / "other.pdf").read_bytes() == b"kept"
    result = _nianbao("pdf", "pingtan-2021.docx", "--force")
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF-")


@needs_libreoffice
def test_a_file_that_does_not_convert_is_named(workdir: Path) -> None:
    assert _nianbao("render", "pingtan-2021.yaml").exit_code == 0
    (workdir / "broken.docx").write_bytes(b"PK\x03\x04 not really a Word file")
    result = _nianbao("pdf", "broken.docx", "pingtan-2021.docx")
    assert result.exit_code == 2
    assert "broken.docx: 未能生成 PDF：" in result.output
    assert not (workdir / "broken.pdf").exists()
    assert (workdir / "pingtan-2021.pdf").read_bytes().startswith(b"%PDF-")


def test_without_libreoffice_the_clerk_is_told_what_to_install(
        workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    (workdir / "report.docx").write_bytes(b"PK")
    for args in (["pdf", "report.docx"], ["render", "pingtan-2021.yaml", "--pdf"]):
        result = _nianbao(*args)
        assert result.exit_code == 2
        assert "未找到 LibreOffice" in result.output and INSTALL in result.output
    assert not (workdir / "pingtan-2021.docx").exists()
    assert not list(workdir.glob("*.pdf"))


@needs_libreoffice
def test_a_missing_font_is_named(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a mapped face the PDF silently shows other fonts (or boxes pdftotext does
    not reveal); the clerk is told which font and what to install."""
    import nianbao.writing.pdf

    monkeypatch.setattr(nianbao.writing.pdf, "MAPPED_FAMILIES",
                        ("Noto Serif CJK SC", "方正仿宋测试体"))
    result = _nianbao("render", "pingtan-2021.yaml", "--pdf")
    assert result.exit_code == 0, result.output
    assert "警告：未安装字体 方正仿宋测试体" in result.output and INSTALL in result.output
    assert (workdir / "pingtan-2021.pdf").exists()


@needs_libreoffice
def test_same_named_reports_in_a_folder_each_get_their_own_pdf(workdir: Path) -> None:
    """各单位年报/甲/年报.docx and 各单位年报/乙/年报.docx: LibreOffice names its output after
    the file name alone, so they must not be mixed up."""
    for office, name in (("甲", "pingtan-2021"), ("乙", "jingdezhen-2023")):
        (workdir / "各单位年报" / office).mkdir(parents=True)
        docx = workdir / "各单位年报" / office / "年报.docx"
        assert _nianbao("render", f"{name}.yaml", "-o", str(docx)).exit_code == 0
    result = _nianbao("pdf", "各单位年报")
    assert result.exit_code == 0, result.output
    assert "平潭" in _run("pdftotext", str(workdir / "各单位年报/甲/年报.pdf"), "-")
    assert "景德镇" in _run("pdftotext", str(workdir / "各单位年报/乙/年报.pdf"), "-")


@needs_libreoffice
def test_two_conversions_at_once_both_succeed(workdir: Path) -> None:
    """Two runs at the same time (two clerks, or a batch job) do not share LibreOffice."""
    for name in PAGES:
        assert _nianbao("render", f"{name}.yaml").exit_code == 0
    runs = [subprocess.Popen([sys.executable, "-m", "nianbao", "pdf", f"{name}.docx"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for name in PAGES]
    for run in runs:
        output = run.communicate(timeout=300)[0].decode()
        assert run.returncode == 0, output
    for name, pages in PAGES.items():
        assert re.search(rf"Pages:\s+{pages}\n", _run("pdfinfo", str(workdir / f"{name}.pdf")))


@needs_libreoffice
def test_a_chinese_file_name_converts_under_a_locale_that_is_not_installed(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """LANG=zh_CN.UTF-8 on a server that never generated that locale: LibreOffice would
    lose the name 甲.docx ("source file could not be loaded"); nianbao gives it a UTF-8
    locale that exists."""
    assert _nianbao("render", "pingtan-2021.yaml", "-o", "甲.docx").exit_code == 0
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    result = _nianbao("pdf", "甲.docx")
    assert result.exit_code == 0, result.output
    assert (workdir / "甲.pdf").stat().st_size > 10_000


def _soffice_that_writes_nothing(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    """LibreOffice as it behaves on a full disk: it runs to the end and leaves no PDF
    (saying the file is damaged); the disk has `free` bytes left."""
    import nianbao.writing.pdf

    usage = shutil.disk_usage("/")
    monkeypatch.setattr(nianbao.writing.pdf, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(nianbao.writing.pdf, "run_soffice", lambda *args: None)
    monkeypatch.setattr(shutil, "disk_usage",
                        lambda path: type(usage)(usage.total, usage.total - free, free))


def test_a_full_disk_is_named_not_a_damaged_file(workdir: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / "report.docx").write_bytes(b"PK")
    _soffice_that_writes_nothing(monkeypatch, free=40 * 1024)
    result = _nianbao("pdf", "report.docx")
    assert result.exit_code == 2
    assert "report.docx: 未能生成 PDF：磁盘空间不足" in result.output
    assert "仅剩 40 KB" in result.output and "请清理磁盘后再试" in result.output
    assert "文件已损坏" not in result.output
    assert not (workdir / "report.pdf").exists()


def test_with_room_on_the_disk_a_file_that_does_not_convert_stays_named_so(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nianbao.writing.pdf import convert_to_pdf

    (workdir / "report.docx").write_bytes(b"PK")
    _soffice_that_writes_nothing(monkeypatch, free=10 * 2**30)
    [failure] = convert_to_pdf([workdir / "report.docx"]).failed
    assert "文件已损坏" in failure.reason and "磁盘空间不足" not in failure.reason
    assert not failure.disk_full
