"""The annotated copy of `nianbao check --annotate`: a comment on each wrong cell (and
the cell shaded) and on each paragraph a prose rule quotes, read back from the copy's
XML to the cell and row it sits in; valid OOXML; opened by LibreOffice at those cells."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from handmade import T3, T4, handmade_report
from lxml import etree

from nianbao.datafile.reader import load_report
from nianbao.errors import OutputExists, Unusable
from nianbao.jobs.check import check_file
from nianbao.sources.docx import paragraph_text
from nianbao.writing.annotate import FILL, annotate_file
from nianbao.writing.document import compiled_template
from nianbao.writing.filler import render_context

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PROSE = "本年度共收到71件申请，办结69件。"  # P1: 表三 says 70
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _rendered(workdir: Path, edits: dict[tuple[str, str, str], str]) -> Path:
    """pingtan-2021 rendered, some cells' printed text replaced (as tests/jobs/test_check)."""
    report = load_report(workdir / "pingtan-2021.yaml")
    ctx: dict[str, Any] = render_context(report)
    for (table_id, row, column), text in edits.items():
        node = ctx[table_id] if row == "-" else ctx[table_id][row]
        *parents, leaf = column.split(".")
        for part in parents:
            node = node[part]
        node[leaf] = text
    path = workdir / "report.docx"
    path.write_bytes(compiled_template(None, "2021").render_context(ctx))
    return path


def _comments(path: Path) -> dict[str, list[str]]:
    """Comment id -> its paragraphs' text."""
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("word/comments.xml"))
    return {c.get(f"{W}id", ""): ["".join(t.text or "" for t in p.iter(f"{W}t"))
                                  for p in c.iter(f"{W}p")] for c in root.iter(f"{W}comment")}


def _placed(path: Path) -> list[tuple[list[str], str, str, bool]]:
    """Each comment as placed: (its text, the commented cell's text, the row label
    left of it, whether the cell is shaded); a paragraph: its text, "", False."""
    with zipfile.ZipFile(path) as package:
        document = etree.fromstring(package.read("word/document.xml"))
    comments = _comments(path)
    placed = []
    for start in document.iter(f"{W}commentRangeStart"):
        number = start.get(f"{W}id", "")
        cell = next(start.iterancestors(f"{W}tc"), None)
        where = start.getparent() if cell is None else cell
        assert where is not None
        # the range closes, and the reference follows, in the same cell or paragraph
        ends = [e for e in where.iter(f"{W}commentRangeEnd") if e.get(f"{W}id") == number]
        references = [e for e in where.iter(f"{W}commentReference")
                      if e.get(f"{W}id") == number]
        assert len(ends) == len(references) == 1
        text = "\n".join(paragraph_text(p) for p in where.iter(f"{W}p"))
        if cell is None:
            placed.append((comments[number], text, "", False))
            continue
        row = next(cell.iterancestors(f"{W}tr"))
        cells = list(row.iter(f"{W}tc"))
        left = ["".join(paragraph_text(p) for p in tc.iter(f"{W}p"))
                for tc in cells[:cells.index(cell)]]
        labels = [t for t in left if t.strip() and not t.isdigit()]
        shd = cell.find(f"{W}tcPr/{W}shd")
        placed.append((comments[number], text, labels[-1] if labels else "",
                       shd is not None and shd.get(f"{W}fill") == FILL))
    return placed


def _edited(workdir: Path) -> Path:
    return _rendered(workdir, {("t3", "received", "natural"): "65",
                               ("t3", "disclosed", "commercial"): "",
                               ("t4", "-", "review.total"): "x"})


def test_each_wrong_cell_has_its_comment_and_is_shaded(workdir: Path) -> None:
    path = _edited(workdir)
    original = path.read_bytes()
    out = workdir / "report-批注.docx"
    annotated = annotate_file(path, out)
    assert path.read_bytes() == original
    assert annotated.out == out
    assert annotated.result.findings == check_file(path).findings
    assert annotated.marked == annotated.result.findings and annotated.unmarked == []
    assert annotated.comments == 5
    placed = {(comment[0].split("：")[0], text, label, shaded)
              for comment, text, label, shaded in _placed(out)}
    assert placed == {
        ("C1 警告", "65", "一、本年新收政府信息公开申请数量", True),
        ("R3.1 错误", "70", "一、本年新收政府信息公开申请数量", True),
        ("R3.4 错误", "", "（一）予以公开", True),
        ("R3.3 错误", "1", "四、结转下年度继续办理", True),
        ("R3.4 错误", "x", "", True),  # 表四: its one row has no label
    }
    by_text = {text: comment for comment, text, _, _ in _placed(out)}
    assert by_text["65"] == [
        "C1 警告：可能填错的格：表三 “一、本年新收政府信息公开申请数量” “自然人” 填的是 65，"
        "若为 64，下列 2 处总计与勾稽关系都相符"]
    assert by_text[""] == ["R3.4 错误：表三 “（一）予以公开” “商业企业”：空白（没有数字的格应填 0）"
                           "（每格应填非负整数，没有的填 0）"]
    assert by_text["x"] == ["R3.4 错误：表四 “行政复议/总计”：应为整数，填写的是 “x”"
                            "（每格应填非负整数，没有的填 0）"]
    # the copy still reads as the report it was, comments and all
    assert check_file(out).findings == annotated.result.findings


def test_the_package_declares_the_comments_part(workdir: Path) -> None:
    out = workdir / "out.docx"
    annotate_file(_edited(workdir), out)
    with zipfile.ZipFile(out) as package:
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
        assert package.testzip() is None
    assert ('<Override PartName="/word/comments.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>') in types
    assert 'relationships/comments" Target="comments.xml"' in rels


def test_the_copy_is_valid_ooxml(workdir: Path) -> None:
    openxml_audit = pytest.importorskip("openxml_audit")
    out = workdir / "out.docx"
    annotate_file(_edited(workdir), out)
    result = openxml_audit.OpenXmlValidator(max_errors=0).validate(out)
    assert [str(e) for e in result.errors] == []


def test_comments_already_in_the_document_are_kept(workdir: Path) -> None:
    once = workdir / "once.docx"
    annotate_file(_edited(workdir), once)
    twice = workdir / "twice.docx"
    annotate_file(once, twice)
    comments = _comments(twice)
    assert sorted(comments, key=int) == [str(n) for n in range(10)]
    with zipfile.ZipFile(twice) as package:
        assert package.read("word/_rels/document.xml.rels").decode().count("/comments\"") == 1
        assert package.read("[Content_Types].xml").decode().count("comments+xml") == 1
    # a cell commented twice: both comments, one range each
    assert [len(comment) for comment, text, _, _ in _placed(twice) if text == "65"] == [1, 1]


def _handmade_mistakes() -> tuple[list[Any], list[int]]:
    """Table 三 and 四 of the hand-made report with a mistyped cell in the content
    control, a blank in the second part of the split table, a 表四 total off."""
    rows = [list(r) for r in T3]
    rows[2] = [rows[2][0], [28, 0, 0, 2, 0, 1, 30]]  # （一）予以公开: 自然人 in the control
    rows[17] = [rows[17][0], [0, None, 0, 0, 0, 0, 0]]  # second part: 3.要求提供公开出版物
    t4 = list(T4)
    t4[0] = 3  # 行政复议 结果维持: its 总计 (3) no longer adds up
    return rows, t4


def test_a_handmade_report_is_annotated_at_the_cells_read(workdir: Path) -> None:
    """Merged labels, labels in split runs, full-width digits, table 三 split in two at
    a page break with its header repeated, a cell in a content control (the first part's
    （一）予以公开/自然人), table 四 under merged headers; and prose contradicting 表三."""
    path = workdir / "hand.docx"
    path.write_bytes(handmade_report(*_handmade_mistakes(),
                                     prose=[PROSE]))
    out = workdir / "hand-批注.docx"
    annotated = annotate_file(path, out)
    found = {(comment[0].split("：")[0], text, label) for comment, text, label, _ in _placed(out)}
    assert found == {
        ("C1 警告", "２８", "(一)予以公开"),
        ("R3.1 错误", "３０", "(一)予以公开"),
        ("R3.2 错误", "６３", "（七）总  计"),
        ("R3.4 错误", "", "3.要求提供公开出版物"),
        ("R4.1 错误", "3", ""),
        ("P1 警告", "本年度共收到71件申请，办结69件。", ""),
        ("L 警告", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", ""),
        ("L 警告", "五、存在的主要问题及改进措施", ""),
    }
    # heading variants (L) are commented on their heading; 表三's label variants name
    # a row, not a cell, and are left to the check's output
    assert {f.rule for f in annotated.unmarked} == {"L"}
    assert all(f.column == "" and f.table == "表三" for f in annotated.unmarked)
    with zipfile.ZipFile(out) as package:
        document = etree.fromstring(package.read("word/document.xml"))
    comments = _comments(out)
    starts = [start for start in document.iter(f"{W}commentRangeStart")
              if comments[start.get(f"{W}id", "")][0].startswith("C1")]
    cell = next(starts[0].iterancestors(f"{W}tc"))
    # the content control around the cell is opened up (LibreOffice loses a commented
    # cell's text inside one); the cell and its text stay
    assert next(cell.iterancestors(f"{W}sdt"), None) is None
    assert "".join(paragraph_text(p) for p in cell.iter(f"{W}p")) == "２８"
    assert check_file(out).findings == annotated.result.findings


def test_a_draft_mark_is_commented_on_its_paragraph(workdir: Path) -> None:
    """T1 quotes the whole paragraph (a long one cut short in its message)."""
    draft = "【待更新】本年度全区共收到70件申请，办结69件，1件结转下年度继续办理，详见表三。"
    path = workdir / "hand.docx"
    path.write_bytes(handmade_report(prose=[draft]))
    out = workdir / "out.docx"
    annotate_file(path, out)
    paragraphs = [(comment, text) for comment, text, _, _ in _placed(out)
                  if comment[0].startswith("T1")]
    assert paragraphs == [([f"T1 警告：“{draft[:30]}”仍标有“【待更新】”，是草稿，发布前请修改"],
                           draft)]


def test_the_original_and_existing_files_are_never_written(workdir: Path) -> None:
    path = _edited(workdir)
    out = workdir / "out.docx"
    out.write_bytes(b"keep")
    with pytest.raises(OutputExists):
        annotate_file(path, out)
    assert out.read_bytes() == b"keep"
    annotate_file(path, out, force=True)
    assert _comments(out)
    with pytest.raises(Unusable, match="不能写到被检查的文件本身"):
        annotate_file(path, path, force=True)
    with pytest.raises(Unusable, match=r"只能为 Word 文档（\.docx）加批注"):
        annotate_file(workdir / "pingtan-2021.yaml", workdir / "x.docx")
    assert list(workdir.glob(".nianbao-*")) == []


def test_a_report_without_findings_is_copied_as_it_was(workdir: Path) -> None:
    path = _rendered(workdir, {})
    annotated = annotate_file(path, workdir / "out.docx")
    assert annotated.result.findings == [] and annotated.comments == 0
    with zipfile.ZipFile(path) as before, zipfile.ZipFile(workdir / "out.docx") as after:
        assert after.namelist() == before.namelist()
        assert all(after.read(name) == before.read(name) for name in before.namelist())


def test_a_file_that_is_not_a_report_gives_no_copy(workdir: Path) -> None:
    path = workdir / "notes.docx"
    path.write_text("not a word file")
    annotated = annotate_file(path, workdir / "out.docx")
    assert annotated.result.unusable == "不是 Word 文档（.docx）：文件不是 zip 格式"
    assert annotated.out is None and not (workdir / "out.docx").exists()


def _libreoffice_notes(out: Path, folder: Path) -> set[tuple[str, str]]:
    """The comments as LibreOffice opens the copy: (rule and kind, the text of the
    table cell, or else the paragraph, it is anchored in); the PDF printed too."""
    profile = folder / "lo-profile"
    for target in ("fodt", "pdf"):
        subprocess.run([str(SOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", target, "--outdir", str(folder / "lo"), str(out)],
                       check=True, capture_output=True, timeout=180)
    assert (folder / "lo" / f"{out.stem}.pdf").stat().st_size > 0
    flat = etree.parse(str(folder / "lo" / f"{out.stem}.fodt")).getroot()
    ns = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
          "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
          "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
    seen = set()
    for note in flat.iterfind(".//office:annotation", ns):
        said = "".join(note.xpath("string(text:p)", namespaces=ns))
        cells = note.xpath("ancestor::table:table-cell[1]", namespaces=ns)
        where = cells[0] if cells else note.getparent()
        printed = "".join(where.xpath(".//text()[not(ancestor::office:annotation)]",
                                      namespaces=ns)).strip()
        seen.add((said.split("：")[0], printed))
    return seen


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_copy_with_the_comments_in_their_cells(workdir: Path) -> None:
    out = workdir / "out.docx"
    annotate_file(_edited(workdir), out)
    assert _libreoffice_notes(out, workdir) == {
        ("C1 警告", "65"), ("R3.1 错误", "70"), ("R3.4 错误", ""), ("R3.3 错误", "1"),
        ("R3.4 错误", "x")}
    hand = workdir / "hand.docx"
    hand.write_bytes(handmade_report(*_handmade_mistakes(), prose=[PROSE]))
    annotate_file(hand, workdir / "hand-out.docx")
    assert _libreoffice_notes(workdir / "hand-out.docx", workdir) == {
        ("C1 警告", "２８"), ("R3.1 错误", "３０"), ("R3.2 错误", "６３"), ("R3.4 错误", ""),
        ("R4.1 错误", "3"), ("P1 警告", "本年度共收到71件申请，办结69件。"),
        ("L 警告", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"),
        ("L 警告", "五、存在的主要问题及改进措施")}
