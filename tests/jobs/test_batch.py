"""`nianbao batch`: many offices at once, on every core, with a summary (their roll-up,
`nianbao aggregate`, is in tests/report/test_aggregate.py)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import paragraphs, tables, texts

from nianbao.cli import main
from nianbao.jobs.batch import output_names
from nianbao.sources.docx.body import read_body


def _batch(workdir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["batch", "offices", "-o", "out", *args])
    return result.exit_code, result.output


def _offices(workdir: Path, bad: bool = True) -> Path:
    folder = workdir / "offices"
    (folder / "county").mkdir(parents=True)
    shutil.copy(workdir / "pingtan-2021.yaml", folder / "pingtan.yaml")
    shutil.copy(workdir / "jingdezhen-2023.yaml", folder / "county" / "jingdezhen.yaml")
    shutil.copytree(workdir / "config", folder / "config")  # profiles are not data files
    if bad:
        text = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
        (folder / "bad.yaml").write_text(text.replace("{自然人: 27,", "{自然人: 两件,"),
                                         encoding="utf-8")
    return folder


def test_batch_renders_checks_and_summarises(workdir: Path) -> None:
    _offices(workdir)
    code, output = _batch(workdir, "-j", "2")
    assert code == 1
    out = workdir / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "jingdezhen.docx", "pingtan.docx", "summary.csv", "summary.json"]
    assert paragraphs(out / "pingtan.docx") == paragraphs(_render_alone(workdir))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    by_file = {Path(row["data_file"]).name: row for row in summary}
    assert by_file["bad.yaml"]["status"] == "failed"
    assert by_file["bad.yaml"]["messages"][0].endswith(
        "表三 “（一）予以公开” “自然人”：应为整数，填写的是 “两件”")
    made_from = by_file["pingtan.yaml"].pop("made_from")  # what the report was made from
    assert sorted(made_from) == ["data", "form", "nianbao", "profile", "profile_sha256",
                                 "template", "template_sha256"]
    assert made_from["template"] == ""  # the built-in one of its form
    assert by_file["pingtan.yaml"] | {"messages": []} == {
        "data_file": "offices/pingtan.yaml", "office": "平潭综合实验区", "status": "ok",
        "errors": 0, "warnings": 0, "output": "out/pingtan.docx", "messages": []}
    assert "共 3 份：生成 2，失败 1，跳过 0" in output
    # summary.csv is the clerk's (Excel/WPS): a BOM, Chinese headings and statuses
    assert (out / "summary.csv").read_bytes().startswith("\ufeff".encode())
    with (out / "summary.csv").open(encoding="utf-8-sig", newline="") as f:
        headings, *lines = list(csv.reader(f))
    assert headings == ["数据文件", "机关", "结果", "错误", "警告", "输出文件", "问题"]
    rows = {Path(line[0]).name: dict(zip(headings, line, strict=True)) for line in lines}
    assert [r["结果"] for r in rows.values()] == ["失败", "已生成", "已生成"]
    assert rows["pingtan.yaml"] == {
        "数据文件": "offices/pingtan.yaml", "机关": "平潭综合实验区", "结果": "已生成",
        "错误": "0", "警告": "0", "输出文件": "out/pingtan.docx", "问题": ""}
    assert rows["bad.yaml"]["结果"] == "失败" and rows["bad.yaml"]["输出文件"] == ""
    problems = rows["bad.yaml"]["问题"].splitlines()  # one a line, in one cell
    assert problems == by_file["bad.yaml"]["messages"] and len(problems) == 2
    assert problems[0].endswith("“自然人”：应为整数，填写的是 “两件”")


def _render_alone(workdir: Path) -> Path:
    CliRunner().invoke(main, ["render", "pingtan-2021.yaml", "-o", "alone.docx"])
    return workdir / "alone.docx"


def test_batch_output_is_the_document_render_gives(workdir: Path) -> None:
    """The fast path (template compiled once per process, parts copied, several
    processes) writes the same document as a plain render: same text, same tables."""
    _offices(workdir, bad=False)
    assert _batch(workdir, "-j", "2")[0] == 0
    alone = _render_alone(workdir)
    batch = workdir / "out" / "pingtan.docx"
    assert [texts(g) for g in tables(batch)] == [texts(g) for g in tables(alone)]
    import zipfile

    with zipfile.ZipFile(batch) as a, zipfile.ZipFile(alone) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
    assert read_body(zipfile.ZipFile(batch).read("word/document.xml"))


def test_rerun_keeps_what_exists_and_completes_the_rest(workdir: Path) -> None:
    _offices(workdir, bad=False)
    assert _batch(workdir, "-j", "1")[0] == 0
    (workdir / "out" / "pingtan.docx").write_bytes(b"signed and kept")
    (workdir / "out" / "jingdezhen.docx").unlink()
    (workdir / "out" / ".nianbao-x.part").write_bytes(b"left by a killed run")
    code, output = _batch(workdir, "-j", "1")
    assert code == 0
    assert "共 2 份：生成 1，失败 0，跳过 1" in output
    assert (workdir / "out" / "pingtan.docx").read_bytes() == b"signed and kept"
    assert (workdir / "out" / "jingdezhen.docx").exists()
    assert not (workdir / "out" / ".nianbao-x.part").exists()


def test_output_names_are_safe_and_never_collide(tmp_path: Path) -> None:
    files = [tmp_path / "a" / "2024.yaml", tmp_path / "b" / "2024.yaml",
             tmp_path / "..yaml", tmp_path / "x:y*z.yaml", tmp_path / "A-2024.yaml",
             tmp_path / "a-2024.yaml"]
    names = output_names(files, tmp_path)
    # same stems take their folder; names equal but for case (Windows, macOS) are
    # numbered; unsafe characters and dot-names are replaced
    assert list(names.values()) == ["a-2024.docx", "b-2024.docx", "report.docx",
                                    "x_y_z.docx", "A-2024-2.docx", "a-2024-3.docx"]
    for name in names.values():
        assert "/" not in name and "\\" not in name and not name.startswith(".")


def test_fast_path_document_opens_in_libreoffice(workdir: Path) -> None:
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        import pytest

        pytest.skip("LibreOffice is not installed")
    _offices(workdir, bad=False)
    assert _batch(workdir, "-j", "2")[0] == 0
    subprocess.run([soffice, f"-env:UserInstallation={(workdir / 'lo').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(workdir / "pdf"),
                    str(workdir / "out" / "pingtan.docx")], check=True, capture_output=True,
                   timeout=240)
    assert (workdir / "pdf" / "pingtan.pdf").stat().st_size > 10_000


def test_batch_writes_web_pages_and_pdfs_for_every_office(workdir: Path) -> None:
    import pytest

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    _offices(workdir, bad=False)
    code, output = _batch(workdir, "-j", "2", "--html", "--pdf")
    assert code == 0, output
    out = workdir / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "jingdezhen.docx", "jingdezhen.html", "jingdezhen.pdf", "pingtan.docx",
        "pingtan.html", "pingtan.pdf", "summary.csv", "summary.json"]
    from nianbao.jobs.importing import import_report

    for name in ("jingdezhen", "pingtan"):
        assert (out / f"{name}.pdf").read_bytes().startswith(b"%PDF")
        page = import_report(out / f"{name}.html").report
        docx_report = import_report(out / f"{name}.docx").report
        assert page.tables == docx_report.tables
    code, output = _batch(workdir, "-j", "2", "--html", "--pdf")
    assert code == 0 and "跳过 2" in output


def _thirty(workdir: Path) -> Path:
    """30 offices' data files (pingtan's numbers) and their profiles."""
    folder = workdir / "offices"
    (folder / "config" / "offices").mkdir(parents=True)
    text = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    profile = (workdir / "config" / "offices" / "pingtan.yaml").read_text(encoding="utf-8")
    for n in range(30):
        (folder / "config" / "offices" / f"o{n:02d}.yaml").write_text(
            profile.replace("平潭综合实验区", f"第{n:02d}局"), encoding="utf-8")
        (folder / f"o{n:02d}.yaml").write_text(text.replace("office: pingtan", f"office: o{n:02d}"),
                                               encoding="utf-8")
    return folder


def _rows(workdir: Path) -> dict[str, dict[str, Any]]:
    summary = json.loads((workdir / "out" / "summary.json").read_text(encoding="utf-8"))
    return {Path(str(row["data_file"])).stem: row for row in summary}


def _mtimes(workdir: Path) -> dict[str, int]:
    return {p.stem: p.stat().st_mtime_ns for p in (workdir / "out").glob("*.docx")}


def test_a_rerun_makes_again_exactly_what_changed(workdir: Path) -> None:
    folder = _thirty(workdir)
    code, output = _batch(workdir, "-j", "1")
    assert code == 0 and "共 30 份：生成 30，失败 0，跳过 0" in output
    before = _mtimes(workdir)
    code, output = _batch(workdir, "-j", "1")
    assert code == 0 and "共 30 份：生成 0，失败 0，跳过 30（其中未变化 30）" in output
    rows = _rows(workdir)
    assert {row["status"] for row in rows.values()} == {"unchanged"}
    assert rows["o07"]["office"] == "第07局" and rows["o07"]["output"] == "out/o07.docx"
    with (workdir / "out" / "summary.csv").open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    assert {line["结果"] for line in table} == {"未变化"}  # the clerk's word, not "unchanged"
    assert table[7]["数据文件"] == "offices/o07.yaml" and table[7]["机关"] == "第07局"
    assert _mtimes(workdir) == before
    # one data file edited: a wrong number now (行政许可 → -5)
    original = (folder / "o07.yaml").read_text(encoding="utf-8")
    licensing = "行政许可: {本年处理决定数量: 2293}"
    (folder / "o07.yaml").write_text(
        original.replace(licensing, "行政许可: {本年处理决定数量: -5}"), encoding="utf-8")
    code, output = _batch(workdir, "-j", "1")
    assert code == 1 and "共 30 份：生成 0，失败 1，跳过 29（其中未变化 29）" in output
    rows = _rows(workdir)
    assert rows["o07"]["status"] == "failed" and rows["o07"]["output"] == ""
    assert any("件数不能为负数（-5）" in message for message in rows["o07"]["messages"])
    assert all(rows[f"o{n:02d}"]["office"] == f"第{n:02d}局" for n in range(30))
    # corrected: made again, the other 29 untouched
    (folder / "o07.yaml").write_text(
        original.replace(licensing, "行政许可: {本年处理决定数量: 2294}"), encoding="utf-8")
    code, output = _batch(workdir, "-j", "1")
    assert code == 0 and "共 30 份：生成 1，失败 0，跳过 29（其中未变化 29）" in output
    after = _mtimes(workdir)
    assert [name for name in before if after[name] != before[name]] == ["o07"]
    assert texts(tables(workdir / "out" / "o07.docx")[0])[6][:2] == ["行政许可", "2294"]
    # an office profile edited: that office's report is made again
    profile = folder / "config" / "offices" / "o12.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("第12局", "第十二局"),
                       encoding="utf-8")
    code, output = _batch(workdir, "-j", "1")
    assert code == 0 and "生成 1，失败 0，跳过 29" in output
    assert _rows(workdir)["o12"]["office"] == "第十二局"


def test_a_changed_template_makes_every_report_again(workdir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import nianbao.jobs.batch as batch
    from nianbao.resources import template_path

    _thirty(workdir)
    assert _batch(workdir, "-j", "1")[0] == 0
    edited = workdir / "annual-report-2021.docx"
    edited.write_bytes(template_path("2021").read_bytes() + b"\0")  # another template
    monkeypatch.setattr(batch, "template_path", lambda version: edited)
    code, output = _batch(workdir, "-j", "1")
    assert code == 0 and "共 30 份：生成 30，失败 0，跳过 0（其中未变化 0）" in output


def _letterhead(workdir: Path) -> Path:
    """The compiling body's own template: a line added below the title in Word."""
    import docx

    from nianbao.resources import template_path

    document = docx.Document(str(template_path("2021")))
    document.paragraphs[0].insert_paragraph_before("（此件公开发布）").style = \
        document.paragraphs[1].style
    path = workdir / "我们的模板.docx"
    document.save(str(path))
    return path


def test_a_batch_with_the_clerks_template(workdir: Path) -> None:
    """--template: every report in the clerk's template, its fixed text kept and the
    read-back as strict; editing the template makes every report again; a report of
    the other form is told which template it needs."""
    folder = _thirty(workdir)
    template = _letterhead(workdir)
    code, output = _batch(workdir, "-j", "2", "--template", str(template))
    assert code == 0 and "共 30 份：生成 30，失败 0，跳过 0" in output
    assert paragraphs(workdir / "out" / "o07.docx")[0] == "（此件公开发布）"
    code, output = _batch(workdir, "-j", "1", "--template", str(template))
    assert "生成 0，失败 0，跳过 30（其中未变化 30）" in output
    code, output = _batch(workdir, "-j", "1")  # back to the built-in template
    assert "共 30 份：生成 30" in output
    assert paragraphs(workdir / "out" / "o07.docx")[0] != "（此件公开发布）"
    shutil.copy(workdir / "jingdezhen-2023.yaml", folder / "j.yaml")
    assert CliRunner().invoke(main, ["new", "--office", "pingtan", "--year", "2020",
                                     "-o", "offices/p2020.yaml"]).exit_code == 0
    code, output = _batch(workdir, "-j", "1", "--template", str(template))
    assert code == 1
    assert f"模板 {template.name} 是 2021 格式的，此报告是 2019 格式" in output
    code, output = _batch(workdir, "--template", "无此模板.docx")
    assert code == 2 and "无此模板.docx: 模板文件不存在" in output
