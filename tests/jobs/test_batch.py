"""`nianbao batch` and `nianbao aggregate`: many offices at once, and their roll-up."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from helpers import paragraphs, tables, texts

from nianbao.jobs.batch import output_names
from nianbao.cli import main
from nianbao.datafile.reader import load_report
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
    assert by_file["pingtan.yaml"] | {"messages": []} == {
        "data_file": "offices/pingtan.yaml", "office": "平潭综合实验区", "status": "ok",
        "errors": 0, "warnings": 0, "output": "out/pingtan.docx", "messages": []}
    with (out / "summary.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["status"] for r in rows] == ["失败", "已生成", "已生成"]
    assert "共 3 份：生成 2，失败 1，跳过 0" in output


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


def test_aggregate_is_the_cellwise_sum_and_passes_check(workdir: Path) -> None:
    text = (workdir / "pingtan-2021.yaml").read_text(encoding="utf-8")
    (workdir / "second.yaml").write_text(text.replace("{自然人: 64,", "{自然人: 70,").replace(
        "四、结转下年度继续办理: {自然人: 1,", "四、结转下年度继续办理: {自然人: 7,"),
        encoding="utf-8")
    result = CliRunner().invoke(main, ["aggregate", "pingtan-2021.yaml", "second.yaml",
                                       "--office", "config/offices/pingtan.yaml",
                                       "-o", "total.yaml"])
    assert result.exit_code == 0, result.output
    a, b = load_report(workdir / "pingtan-2021.yaml"), load_report(workdir / "second.yaml")
    total = load_report(workdir / "total.yaml")
    for tid, values in total.tables.items():
        for key, value in values.items():
            assert value == a.tables[tid][key] + b.tables[tid][key], (tid, key)
    assert CliRunner().invoke(main, ["render", "total.yaml"]).exit_code == 0
    result = CliRunner().invoke(main, ["check", "total.docx"])
    assert result.exit_code == 0, result.output


def test_aggregate_refuses_mixed_years(workdir: Path) -> None:
    result = CliRunner().invoke(main, ["aggregate", "pingtan-2021.yaml", "jingdezhen-2023.yaml",
                                       "--office", "config/offices/pingtan.yaml",
                                       "-o", "total.yaml"])
    assert result.exit_code == 1
    assert "汇总: 各数据文件的年度或表格格式不同，不能汇总" in result.output
    assert "pingtan-2021.yaml: 2021年度，2021 格式" in result.output
    assert not (workdir / "total.yaml").exists()


def test_fast_path_writes_the_document_plain_docxtpl_writes(workdir: Path) -> None:
    """The fast path (template compiled once, static parts copied, our zip writer) and
    plain docxtpl (a fresh DocxTemplate, render, save) give the same document: the same
    paragraphs, the same tables cell by cell, the same merges."""
    import io

    from docxtpl import DocxTemplate
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    from nianbao.writing.filler import render_context
    from nianbao.writing.document import compiled_template
    from nianbao.resources import template_path

    report = load_report(workdir / "pingtan-2021.yaml")
    fast = compiled_template(None, "2021").render(report)
    plain = DocxTemplate(str(template_path("2021")))
    plain.render(render_context(report),
                 jinja_env=SandboxedEnvironment(undefined=StrictUndefined, autoescape=True),
                 autoescape=True)
    buffer = io.BytesIO()
    plain.save(buffer)
    slow = buffer.getvalue()
    assert paragraphs(fast) == paragraphs(slow)
    for a, b in zip(tables(fast), tables(slow), strict=True):
        assert [[(c.text, c.origin, c.row_span, c.col_span) for c in row] for row in a.rows] == \
            [[(c.text, c.origin, c.row_span, c.col_span) for c in row] for row in b.rows]


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
