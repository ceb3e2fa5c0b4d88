"""`nianbao check` on reports made every way: rendered by nianbao, changed one cell at a
time, made by hand in Word's manner, with errors real reports were published with."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from handmade import T3, handmade_report
from helpers import edited_report, tables, texts

from nianbao.cli import main
from nianbao.datafile.reader import load_report
from nianbao.jobs.check import check_file
from nianbao.report.model import Paragraph, Report


@pytest.fixture
def pingtan(workdir: Path) -> Report:
    return load_report(workdir / "pingtan-2021.yaml")


def _check(path: Path, data: bytes, previous: Path | None = None) -> tuple[int, str]:
    path.write_bytes(data)
    args = ["check", str(path)] + (["--previous", str(previous)] if previous else [])
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def _cells(path: Path) -> list[tuple[str, str, str, str, str | None, str | None]]:
    """The errors found, by the cell they name (prose warnings left out: the edits
    below change tables, not the text that quotes them)."""
    result = check_file(path)
    return [(f.rule, f.severity, f.row, f.column, f.expected, f.found) for f in result.errors]


def test_rendered_report_passes(workdir: Path, pingtan: Report) -> None:
    code, output = _check(workdir / "a.docx", edited_report(pingtan))
    assert code == 0
    assert output == f"{workdir / 'a.docx'}: 通过（2021 格式，0 个错误，0 个警告）\n"


def test_json_output(workdir: Path, pingtan: Report) -> None:
    path = workdir / "a.docx"
    path.write_bytes(edited_report(pingtan, {("t4", "-", "review.total"): "4"}))
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data == {"file": str(path), "form": "2021", "warnings": [], "errors": [{
        "rule": "R4.1", "severity": "error", "table": "表四", "row": "", "column": "行政复议/总计",
        "expected": "3", "found": "4",
        "message": "表四 “行政复议/总计”：应为 3，实为 4（总计应等于结果维持、结果纠正、其他结果、"
                   "尚未审结之和）"}]}


def test_the_2020_style_error_is_caught_though_the_printed_note_holds(
        workdir: Path, pingtan: Report) -> None:
    """A published report: result rows summing to 27 while （七）总计 said 21, and
    一+二 = 三+四 still held with the 21."""
    zero = {(("t3", row.id, col.id)): "0" for row in pingtan.form.tables["t3"].rows
            for col in pingtan.form.tables["t3"].columns}
    edits = zero | {
        ("t3", "received", "natural"): "22", ("t3", "received", "total"): "22",
        ("t3", "disclosed", "natural"): "15", ("t3", "disclosed", "total"): "15",
        ("t3", "withheld_state_secret", "natural"): "12",
        ("t3", "withheld_state_secret", "total"): "12",
        ("t3", "results_total", "natural"): "21", ("t3", "results_total", "total"): "21",
        ("t3", "carried_forward", "natural"): "1", ("t3", "carried_forward", "total"): "1",
    }
    path = workdir / "2020.docx"
    path.write_bytes(edited_report(pingtan, edits))
    assert _cells(path) == [
        ("R3.2", "error", "（七）总计", "自然人", "27", "21"),
        ("R3.2", "error", "（七）总计", "总计", "27", "21"),
    ]


def test_blank_total_column_gives_r34_for_exactly_those_cells(workdir: Path,
                                                                pingtan: Report) -> None:
    table = pingtan.form.tables["t3"]
    path = workdir / "blank.docx"
    path.write_bytes(edited_report(pingtan, {("t3", row.id, "total"): "" for row in table.rows}))
    assert _cells(path) == [("R3.4", "error", row.label, "总计", "0", "") for row in table.rows]
    code, output = _check(path, path.read_bytes())
    assert code == 1
    assert f"{path}: 未通过（2021 格式，25 个错误，0 个警告）" in output
    assert "错误 [R3.4] 表三 “四、结转下年度继续办理” “总计”：空白（没有数字的格应填 0）" in output


def _mutable_cells(report: Report) -> list[tuple[str, str, str]]:
    return [(tid, *cell.key) for tid, table in report.form.tables.items()
            for cell in table.cells()]


def test_every_cell_that_is_not_a_number_is_named(workdir: Path, pingtan: Report) -> None:
    """Mutation: "—" in any one cell gives exactly one finding, for that cell."""
    for tid, row, column in _mutable_cells(pingtan):
        table = pingtan.form.tables[tid]
        path = workdir / "m.docx"
        path.write_bytes(edited_report(pingtan, {(tid, row, column): "—"}))
        rule = "R2.1" if tid == "t2" else "R3.4"
        label = table.column(column).full_label if tid == "t4" else table.column(column).label
        assert _cells(path) == [(rule, "error", table.row(row).label, label, None, "—")], \
            (tid, row, column)


def test_every_changed_number_breaks_a_rule_of_that_cell(workdir: Path,
                                                         pingtan: Report) -> None:
    """Mutation: one number of 表三 or 表四 changed by one is caught, and every finding
    is about a total that adds up that cell, by a rule that cell is part of."""
    for tid, row, column in _mutable_cells(pingtan):
        if tid == "t2":
            continue  # table 二 has no sums: its rule is the type of each cell
        table = pingtan.form.tables[tid]
        value = pingtan.tables[tid][(row, column)]
        path = workdir / "m.docx"
        path.write_bytes(edited_report(pingtan, {(tid, row, column): str(value + 1)}))
        related = [eq for eq in pingtan.form.equations(tid)
                   if (row, column) in eq.left + eq.right]
        findings = check_file(path).errors
        assert findings, (tid, row, column)
        allowed_cells = {(table.row(k[0]).label, k[1])
                         for eq in related for k in eq.left + eq.right}
        for finding in findings:
            column_id = next(c.id for c in table.columns
                             if finding.column in (c.label, c.full_label))
            assert finding.rule in {eq.rule for eq in related}
            assert (finding.row, column_id) in allowed_cells


def test_handmade_report_is_read_cell_by_cell(workdir: Path, pingtan: Report) -> None:
    path = workdir / "hand.docx"
    path.write_bytes(handmade_report())
    grids = tables(path)
    assert len(grids) == 4  # 表三 split in two at a page break
    first = texts(grids[1])
    assert first[2][3:] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                            "其他", "总  计"]
    assert first[5][:4] == ["三、本年度办理结果", "(一)予以公开", "(一)予以公开", "２７"]
    assert first[5][4:] == ["０", "０", "２", "０", "１", "３０"]
    result = check_file(path)
    assert result.errors == []
    assert [f.message for f in result.warnings] == [
        "标题与正式格式不同，应为“四、政府信息公开行政复议、行政诉讼情况”",
        "标题与正式格式不同，应为“五、存在的主要问题及改进情况”",
        "表三中的“(一)予以公开”与正式格式的“（一）予以公开”写法不同",
        "表三中的“（七）总  计”与正式格式的“（七）总计”写法不同",
    ]
    from nianbao.reading.document import read_file

    assert read_file(path).tables == pingtan.tables


def test_handmade_report_with_a_blank_and_a_dash(workdir: Path) -> None:
    rows = [list(r) for r in T3]
    rows[8] = (rows[8][0], [1, None, 0, 0, 0, 0, 1])  # 5.属于三类内部事务信息
    rows[10] = (rows[10][0], [6, "-", 0, 0, 0, 0, 6])  # 7.属于行政执法案卷
    path = workdir / "hand.docx"
    path.write_bytes(handmade_report(rows, full_width=False))
    assert _cells(path) == [
        ("R3.4", "error", "5.属于三类内部事务信息", "商业企业", "0", ""),
        ("R3.4", "error", "7.属于行政执法案卷", "商业企业", None, "-")]


def test_previous_year(workdir: Path, pingtan: Report) -> None:
    this = workdir / "2022.docx"
    edits = {("t3", "carried_over", "natural"): "1", ("t3", "carried_over", "total"): "1",
             ("t3", "received", "natural"): "63", ("t3", "received", "total"): "69",
             ("t2", "normative_documents", "in_force"): "731"}
    next_year = replace(pingtan, year=2022, title=None)  # the same office, the year after
    this.write_bytes(edited_report(next_year, edits))
    last = workdir / "pingtan-2021.yaml"
    assert [f for f in check_file(this).findings if f.severity == "error"] == []
    code, output = _check(this, this.read_bytes(), previous=last)
    assert code == 0, output
    this.write_bytes(edited_report(next_year))
    code, output = _check(this, this.read_bytes(), previous=last)
    assert code == 1
    assert ("错误 [X1] 表三 “二、上年结转政府信息公开申请数量” “自然人”：应为 1，实为 0"
            "（本年“二、上年结转政府信息公开申请数量”应等于上年"
            "“四、结转下年度继续办理”）") in output
    assert "警告 [X2] 表二 “行政规范性文件” “现行有效件数”：应为 731，实为 665" in output


def test_text_kept_from_last_year_is_named_with_its_place(workdir: Path,
                                                         pingtan: Report) -> None:
    """A 2022 report started from the 2021 one: its own paragraphs are 2021's word for
    word (Y3, with --previous), and one sentence still opens with 2021 (Y2)."""
    next_year = replace(pingtan, year=2022, title=None)
    kept = pingtan.text["problems"][0].text
    assert kept is not None and len(kept) >= 40
    next_year.text = {**pingtan.text,
                      "overview": [Paragraph(text="2021年，我区坚持以公开为常态。")]}
    this = workdir / "2022.docx"
    this.write_bytes(edited_report(next_year))
    result = CliRunner().invoke(main, ["check", str(this), "--previous",
                                       str(workdir / "pingtan-2021.yaml"), "--format", "json"])
    report = json.loads(result.output)
    found = {w["rule"]: w for w in report["warnings"] if w["rule"] in ("Y2", "Y3")}
    assert found["Y2"]["quote"] == {"section": "overview", "paragraph": 0, "start": 0,
                                    "end": 16, "text": "2021年，我区坚持以公开为常态"}
    repeated = [w for w in report["warnings"] if w["rule"] == "Y3"]
    assert [w["quote"]["section"] for w in repeated] == ["problems"] * len(pingtan.text[
        "problems"])  # 五 is the one section of the example in the clerk's own words
    assert kept.startswith(repeated[0]["quote"]["text"])
    assert repeated[0]["message"].endswith("所在段落：与上年报告一字不差，可能未按本年情况更新")
    # without last year's report, nothing can be the same as it
    alone = CliRunner().invoke(main, ["check", str(this)])
    assert "[Y2]" in alone.output and "[Y3]" not in alone.output


def test_prose_against_tables(workdir: Path) -> None:
    path = workdir / "hand.docx"
    path.write_bytes(handmade_report(prose=["本年度共收到71件申请，办结69件。",
                                            "本年度未收到政府信息公开申请。"]))
    assert [(f.rule, f.message) for f in check_file(path).warnings if f.rule != "L"] == [
        ("P1", "正文“本年度共收到71件申请”：收到申请件数与表中不一致（正文为 71，表三 "
               "“一、本年新收政府信息公开申请数量” “总计”为 70）"),
        ("P6", "正文“本年度未收到政府信息公开申请”：正文说未收到申请，但表三"
               "“一、本年新收政府信息公开申请数量”总计大于 0（表三 “一、本年新收政府信息公开"
               "申请数量” “总计”为 70）"),
    ]


def test_several_files_and_folders(workdir: Path, pingtan: Report) -> None:
    folder = workdir / "reports"
    folder.mkdir()
    (folder / "good.docx").write_bytes(edited_report(pingtan))
    (folder / "bad.docx").write_bytes(edited_report(pingtan, {("t4", "-", "review.total"): "9"}))
    (folder / "~$good.docx").write_bytes(b"Word's lock file")
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-2:] == [
        f"{folder / 'bad.docx'}: 未通过（2021 格式，1 个错误，0 个警告）",
        f"{folder / 'good.docx'}: 通过（2021 格式，0 个错误，0 个警告）"]
    (workdir / "notes.docx").write_text("not a word file")
    result = CliRunner().invoke(main, ["check", str(folder), str(workdir / "notes.docx")])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"{workdir / 'notes.docx'}: 无法检查：不是 Word 文档（.docx）：文件不是 zip 格式")


def test_a_document_without_report_tables(workdir: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("会议通知")
    document.add_table(rows=2, cols=2).cell(0, 0).text = "姓名"
    document.save(str(workdir / "notice.docx"))
    result = CliRunner().invoke(main, ["check", str(workdir / "notice.docx")])
    assert result.exit_code == 2
    assert "无法检查：文档中没有找到年报的表格" in result.output
    assert "Traceback" not in result.output


def test_documents_in_folders_and_files(tmp_path: Path) -> None:
    from nianbao.jobs.check import documents_in

    folder = tmp_path / "reports"
    (folder / "county").mkdir(parents=True)
    for name in ("b.docx", "a.docx", "~$a.docx", ".nianbao-x.docx", "notes.txt",
                 "county/c.docx"):
        (folder / name).write_bytes(b"")
    named = tmp_path / "page.html"
    assert documents_in([folder, named]) == [folder / "a.docx", folder / "b.docx",
                                             folder / "county" / "c.docx", named]
    assert documents_in([tmp_path / "empty"]) == [tmp_path / "empty"]  # named: kept


def test_previous_report_from_a_data_file_or_a_report(workdir: Path, pingtan: Report) -> None:
    from nianbao.errors import Unusable
    from nianbao.jobs.check import previous_report

    previous = previous_report(workdir / "pingtan-2021.yaml")
    assert (previous.form.version, previous.tables) == ("2021", pingtan.tables)
    assert (previous.year, previous.office) == (2021, "平潭综合实验区")
    (workdir / "last.docx").write_bytes(edited_report(pingtan))
    previous = previous_report(workdir / "last.docx")
    assert previous.tables == pingtan.tables
    assert (previous.year, previous.office) == (2021, "平潭综合实验区")
    data = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    (workdir / "bad.yaml").write_text(data.replace("{自然人: 27,", "{自然人: -27,"),
                                      encoding="utf-8")
    with pytest.raises(Unusable, match=r"^上年数据文件有误：.*件数不能为负数（-27）"):
        previous_report(workdir / "bad.yaml")


def test_check_file_of_an_unreadable_file(workdir: Path) -> None:
    (workdir / "x.docx").write_bytes(b"not a zip")
    result = check_file(workdir / "x.docx")
    assert (result.exit_code, result.form, result.findings) == (2, None, [])
    assert result.unusable == "不是 Word 文档（.docx）：文件不是 zip 格式"


def _two_years(workdir: Path, pingtan: Report, this_year: int, office: str = "") -> Path:
    """A report of `this_year` (of another office when named) whose 上年结转 does not
    fit pingtan's 2021 numbers, rendered to this.docx."""
    report = replace(pingtan, year=this_year, title=None)  # the title names the year
    if office:
        report.office = replace(pingtan.office, name=office, signature=office)
    path = workdir / "this.docx"
    path.write_bytes(edited_report(report))
    return path


@pytest.mark.parametrize(("year", "office", "message"), [
    (2023, "", "上年报告 pingtan-2021.yaml 是2021年度的，本报告是2023年度：不是上一年度的报告"),
    (2021, "", "上年报告 pingtan-2021.yaml 是2021年度的，本报告是2021年度：不是上一年度的报告"),
    (2022, "某区人民政府办公室",
     "上年报告 pingtan-2021.yaml 是“平潭综合实验区”的，本报告是“某区人民政府办公室”的："
     "不是同一机关的报告"),
])
def test_a_previous_report_that_does_not_fit_is_named_not_compared(
        workdir: Path, pingtan: Report, year: int, office: str, message: str) -> None:
    this = _two_years(workdir, pingtan, year, office)
    result = CliRunner().invoke(main, ["check", this.name, "--previous", "pingtan-2021.yaml"])
    assert result.exit_code == 0, result.output
    assert f"this.docx: 警告 [X0] {message}，未做跨年度核对（X1–X3）" in result.output
    assert "[X1]" not in result.output and "[X2]" not in result.output
    fitting = _two_years(workdir, pingtan, 2022)
    result = CliRunner().invoke(main, ["check", str(fitting), "--previous", "pingtan-2021.yaml"])
    assert result.exit_code == 1 and "[X1]" in result.output and "[X0]" not in result.output


def test_the_same_file_as_its_own_previous_is_a_usage_error(workdir: Path,
                                                            pingtan: Report) -> None:
    (workdir / "r.docx").write_bytes(edited_report(pingtan))
    result = CliRunner().invoke(main, ["check", "r.docx", "--previous", str(workdir / "r.docx")])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"{workdir / 'r.docx'}: 上年报告（--previous）不能是要检查的文件本身"]


def _soffice_copies(folder: Path, document: Path, formats: tuple[str, ...]) -> list[Path]:
    """The report saved by LibreOffice in other formats, as another office would send it."""
    made = []
    for target in formats:
        subprocess.run(["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                        "--headless", "--convert-to", target, "--outdir", str(folder / "lo"),
                        str(document)], check=True, capture_output=True, timeout=180)
        made.append(folder / "lo" / f"{document.stem}.{target}")
    return made


needs_libreoffice = pytest.mark.skipif(not shutil.which("soffice"),
                                       reason="LibreOffice (soffice) is not installed")


@needs_libreoffice
def test_a_folder_check_names_every_report_file(workdir: Path, pingtan: Report,
                                                tmp_path: Path) -> None:
    """Nothing is skipped silently: .doc, .odt and .rtf reports are read through
    LibreOffice and checked like the .docx, and so is a PDF printed from it; a broken
    PDF is named with what to do; the exit code says some file could not be checked."""
    folder = workdir / "各单位"
    folder.mkdir()
    (folder / "甲.docx").write_bytes(edited_report(pingtan))
    copies = _soffice_copies(tmp_path, folder / "甲.docx", ("doc", "odt", "rtf", "pdf"))
    for copy, name in zip(copies, ("乙.doc", "丙.odt", "丁.rtf", "己.pdf"), strict=True):
        copy.rename(folder / name)
    (folder / "戊.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "notes.xlsx").write_bytes(b"not a report")  # not report-like: not listed
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 2
    summary = result.output.splitlines()[-6:]
    assert summary == [
        f"{folder / '丁.rtf'}: 通过（2021 格式，0 个错误，0 个警告）",
        f"{folder / '丙.odt'}: 通过（2021 格式，0 个错误，0 个警告）",
        f"{folder / '乙.doc'}: 通过（2021 格式，0 个错误，0 个警告）",
        f"{folder / '己.pdf'}: 通过（2021 格式，0 个错误，0 个警告）",
        f"{folder / '戊.pdf'}: 无法检查：PDF 文件已损坏或不是 PDF（文件结构错误）：请重新导出 PDF，"
        "或改用该报告的 Word 文档（.docx）",
        f"{folder / '甲.docx'}: 通过（2021 格式，0 个错误，0 个警告）"]


def test_without_libreoffice_an_old_format_says_what_to_install(
        workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = CliRunner().invoke(main, ["check", "old.doc"])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "old.doc: 无法检查：未找到 LibreOffice（soffice），无法读取Word 97-2003 文档（.doc）。"
        "请先安装 LibreOffice 和中文字体，例如：sudo apt-get install libreoffice-writer-nogui "
        "fonts-noto-cjk fonts-arphic-ukai fonts-liberation2"]


@needs_libreoffice
def test_an_old_format_that_libreoffice_cannot_open_is_named(workdir: Path) -> None:
    (workdir / "broken.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    result = CliRunner().invoke(main, ["check", "broken.doc"])
    assert result.exit_code == 2
    assert result.output.startswith("broken.doc: 无法检查：Word 97-2003 文档（.doc）无法转换为 "
                                    "Word 文档：")
    assert result.output.rstrip().endswith("请在 Word 或 WPS 中打开，“另存为”.docx 后再试")


@pytest.mark.parametrize(("content", "kind", "suffix"), [
    (b"{\\rtf1\\ansi a report}", "RTF 文档", ".rtf"),
    (None, "OpenDocument 文档（.odt）", ".odt"),
])
def test_another_word_processors_file_named_docx_says_what_it_is(
        workdir: Path, content: bytes | None, kind: str, suffix: str) -> None:
    if content is None:  # an OpenDocument package: a zip with mimetype and content.xml
        import io
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            package.writestr("content.xml", "<office:document-content/>")
        content = buffer.getvalue()
    (workdir / "report.docx").write_bytes(content)
    result = CliRunner().invoke(main, ["check", "report.docx"])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"report.docx: 无法检查：这是 {kind}，不是 Word 文档（.docx）：请把文件名改为 {suffix} "
        "后再检查（需要安装 LibreOffice），或在 Word/WPS 中“另存为”Word 文档（.docx）"]


def test_the_likely_mistyped_cell_is_named_first(workdir: Path, pingtan: Report) -> None:
    """予以公开/自然人 27 → 28 in the document: the row's 总计 (R3.1) and the column's
    （七）总计 (R3.2) no longer add up; C1 names the one cell that explains both."""
    path = workdir / "edit.docx"
    path.write_bytes(edited_report(pingtan, {("t3", "disclosed", "natural"): "28"}))
    result = CliRunner().invoke(main, ["check", "edit.docx"])
    assert result.exit_code == 1
    assert result.output.splitlines()[:3] == [
        "edit.docx: 警告 [C1] 可能填错的格：表三 “（一）予以公开” “自然人” 填的是 28，若为 27，"
        "下列 2 处总计与勾稽关系都相符",
        "edit.docx: 错误 [R3.1] 表三 “（一）予以公开” “总计”：应为 31，实为 30"
        "（总计应等于自然人与法人或其他组织各类之和）",
        "edit.docx: 错误 [R3.2] 表三 “（七）总计” “自然人”：应为 64，实为 63"
        "（（七）总计应等于各项办理结果之和）"]
    result = CliRunner().invoke(main, ["check", "edit.docx", "--format", "json"])
    suspect = json.loads(result.output)["warnings"][0]
    assert {k: suspect[k] for k in ("rule", "table", "row", "column", "expected", "found")} == {
        "rule": "C1", "table": "表三", "row": "（一）予以公开", "column": "自然人",
        "expected": "27", "found": "28"}


def test_the_deadline_is_the_one_of_the_body_named(workdir: Path) -> None:
    """A 本级政府's compiled report dated in March is in time only when check is told
    what body published it (a document does not say)."""
    text = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    (workdir / "march.yaml").write_text(text.replace("date: 2022-01-28", "date: 2022-03-10"),
                                        encoding="utf-8")
    assert CliRunner().invoke(main, ["render", "march.yaml"]).exit_code == 0
    as_department = CliRunner().invoke(main, ["check", "march.docx"])
    assert as_department.exit_code == 0  # a warning, not an error
    assert "march.docx: 警告 [D2] 成文日期2022年3月10日晚于《条例》第四十九条规定的公开期限" \
           "2022年1月31日" in as_department.output
    as_government = CliRunner().invoke(main, ["check", "march.docx", "--category", "本级政府"])
    assert as_government.exit_code == 0 and "[D2]" not in as_government.output
    wrong = CliRunner().invoke(main, ["check", "march.docx", "--category", "政府"])
    assert wrong.exit_code == 2
    assert "--category：应为 部门、本级政府 之一，不是“政府”" in wrong.output


def test_check_shows_the_reviewer_the_wrong_cells(workdir: Path, pingtan: Report) -> None:
    """--annotate: a commented copy of one report; --review: one page for a folder. Both
    are written whole, never over a file without --force; the original is untouched."""
    folder = workdir / "各单位"
    folder.mkdir()
    wrong = edited_report(pingtan, {("t3", "disclosed", "natural"): "28"})
    (folder / "甲.docx").write_bytes(wrong)
    (folder / "乙.docx").write_bytes(edited_report(pingtan))
    result = CliRunner().invoke(main, ["check", str(folder / "甲.docx"),
                                       "--annotate", "甲-批注.docx"])
    assert result.exit_code == 1
    assert "已写出加批注的副本 甲-批注.docx" in result.output
    with zipfile.ZipFile(workdir / "甲-批注.docx") as package:
        comments = package.read("word/comments.xml").decode()
    assert "C1" in comments and "R3.1" in comments
    assert (folder / "甲.docx").read_bytes() == wrong
    again = CliRunner().invoke(main, ["check", str(folder / "甲.docx"),
                                      "--annotate", "甲-批注.docx"])
    assert again.exit_code == 2 and "已存在" in again.output
    several = CliRunner().invoke(main, ["check", str(folder), "--annotate", "x.docx"])
    assert several.exit_code == 2
    assert "--annotate 只能用于检查一个 Word 文档（.docx）" in several.output
    review = CliRunner().invoke(main, ["check", str(folder), "--review", "检查结果.html"])
    assert review.exit_code == 1 and "已写出检查结果 检查结果.html（2 份）" in review.output
    page = (workdir / "检查结果.html").read_text(encoding="utf-8")
    assert "甲.docx" in page and "乙.docx" in page and "有错误" in page and "通过" in page
    named = CliRunner().invoke(main, ["check", str(folder), "--review", "检查结果.pdf"])
    assert named.exit_code == 2 and "文件名应以 .html 或 .htm 结尾" in named.output


def test_a_mixed_folder_checks_alike_on_two_processes_and_sums_up_in_a_csv(
        workdir: Path, pingtan: Report) -> None:
    """A compiling body's folder: Word files, a PDF, a broken PDF. Two processes give
    the results of one, in the folder's order; --summary writes one row per file that
    Excel opens (UTF-8 with a BOM), never over a file without --force."""
    import csv

    import pdfmake

    folder = workdir / "各单位"
    folder.mkdir()
    (folder / "甲.docx").write_bytes(edited_report(pingtan, {("t3", "disclosed", "natural"): "28"}))
    (folder / "乙.docx").write_bytes(edited_report(pingtan))
    pdfmake.report_pdf(folder / "丙.pdf")
    (folder / "丁.pdf").write_bytes(b"%PDF-1.4\n")
    runs = [CliRunner().invoke(main, ["check", str(folder), "--format", "json", "-j", jobs])
            for jobs in ("1", "2")]
    assert [r.exit_code for r in runs] == [2, 2]
    assert runs[0].stdout == runs[1].stdout
    files = [json.loads(line)["file"] for line in runs[0].stdout.splitlines()]
    assert [Path(f).name for f in files] == ["丁.pdf", "丙.pdf", "乙.docx", "甲.docx"]
    result = CliRunner().invoke(main, ["check", str(folder), "--summary", "检查结果.csv"])
    assert result.exit_code == 2
    assert "已写出检查结果汇总表 检查结果.csv（4 份）" in result.output
    data = (workdir / "检查结果.csv").read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(data.decode("utf-8-sig").splitlines(keepends=True)))
    by_file = {Path(row["文件"]).name: row for row in rows}
    assert list(by_file) == ["丁.pdf", "丙.pdf", "乙.docx", "甲.docx"]
    assert by_file["乙.docx"]["结果"] == "通过" and by_file["乙.docx"]["错误"] == "0"
    assert by_file["乙.docx"]["机关"] == pingtan.office.name
    assert by_file["乙.docx"]["本年新收政府信息公开申请数量"] == str(
        pingtan.tables["t3"].get(("received", "total")))
    assert by_file["甲.docx"]["结果"] == "有错误" and "[C1]" in by_file["甲.docx"]["问题"]
    assert by_file["丁.pdf"]["结果"] == "无法检查" and by_file["丁.pdf"]["错误"] == ""
    assert "PDF 文件已损坏或不是 PDF" in by_file["丁.pdf"]["问题"]
    again = CliRunner().invoke(main, ["check", str(folder), "--summary", "检查结果.csv"])
    assert again.exit_code == 2 and "已存在" in again.output
    forced = CliRunner().invoke(main, ["check", str(folder), "--summary", "检查结果.csv",
                                       "--force"])
    assert forced.exit_code == 2 and "已写出检查结果汇总表" in forced.output
