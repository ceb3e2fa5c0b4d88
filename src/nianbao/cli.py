"""The `nianbao` command: a thin layer over the library, for clerks.

Every problem a clerk can cause is reported in Chinese, one line each, without a
traceback: exit code 1 for wrong data or failed checks, 2 for unusable input or usage.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from nianbao import __version__
from nianbao.errors import NianbaoError
from nianbao.spec.form import FORM_VERSIONS

if TYPE_CHECKING:
    from nianbao.checking.report import CheckResult
    from nianbao.writing.pdf import PdfResult


def _fail(lines: list[str], code: int) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


@contextmanager
def _clerk_errors() -> Iterator[None]:
    """Turn the library's exceptions into messages and exit codes."""
    try:
        yield
    except NianbaoError as exc:
        _fail(exc.lines(), exc.exit_code)
    except OSError as exc:
        _fail([f"{exc.filename or ''}: 无法写入：{exc.strerror}"], 2)


def _command(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _clerk_errors():
            return fn(*args, **kwargs)

    return wrapper


OFFICES_OPTION = click.option(
    "--offices", "offices", multiple=True, type=click.Path(file_okay=False, path_type=Path),
    help="Folder of office profiles (机关信息) to search first; default: config/offices "
         "beside or above the data file, then in the current folder.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
def main() -> None:
    """nianbao（年报）: the annual report on government information disclosure
    (政府信息公开工作年度报告) in the official format, from a data file.

    \b
    From last year's:      nianbao import 2023.docx -o 2023.yaml
                           nianbao rollover 2023.yaml -o 2024.yaml
    Or a blank data file:  nianbao new --office config/offices/X.yaml --year 2024 -o 2024.yaml
    Render the report:     nianbao render 2024.yaml -o 2024.docx [--pdf | --html]
    Check any report:      nianbao check 2024.docx --previous 2023.docx
    Many offices:          nianbao batch 各单位数据/ -o 输出/
    """


@main.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The .docx to write (default: DATA with .docx; .html with --html).")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
              help="A Word template to use instead of the built-in one of the data's form.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option("--pdf", "with_pdf", is_flag=True,
              help="Also write OUTPUT.pdf beside it, a print preview (needs LibreOffice).")
@click.option("--html", "html", is_flag=True,
              help="Write the web-publication page (.html) instead of the Word document "
                   "(default OUTPUT: DATA with .html).")
@OFFICES_OPTION
@_command
def render(data: Path, output: Path | None, template: Path | None, force: bool,
           with_pdf: bool, html: bool, offices: tuple[Path, ...]) -> None:
    """Render the report of a data file (DATA.yaml) to a Word document, or with
    --html to the page to publish on a website.

    The data are checked first (every problem listed, nothing written); the document is
    read back and its tables checked before it is saved under its final name.
    """
    from nianbao import api

    if html and (template or with_pdf):
        raise click.UsageError("--html 生成网页，不能与 --template 或 --pdf 同时使用")
    output = output or data.with_suffix(".html" if html else ".docx")
    if html:
        _expect_suffix(output, (".html", ".htm"), "网页")
    else:
        _expect_suffix(output, (".docx",), "Word 文档")
    if with_pdf:
        from nianbao.writing.pdf import preflight

        preflight([output], force=force)
    outputs = api.Outputs(html=output) if html else api.Outputs(docx=output, template=template)
    rendered = api.render_one(data, outputs, list(offices))
    api.write(rendered, force=force)
    for warning in rendered.warnings:
        click.echo(warning, err=True)
    click.echo(f"已生成 {output}（{rendered.report.full_title}）")
    if with_pdf:
        from nianbao.writing.pdf import convert_to_pdf

        _report_pdf(convert_to_pdf([output], force=force))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PDFs that exist.")
@_command
def pdf(files: tuple[Path, ...], force: bool) -> None:
    """Print preview: each report .docx (or those in the folders named) to a PDF beside
    it, through LibreOffice, with the official fonts shown in Simplified-Chinese faces."""
    from nianbao.jobs.check import documents_in
    from nianbao.writing.pdf import convert_to_pdf

    documents = documents_in(list(files))
    if not documents:
        _fail(["没有找到要转换的 .docx 文件"], 2)
    _report_pdf(convert_to_pdf(documents, force=force))


def _report_pdf(result: PdfResult) -> None:
    from nianbao.sources.libreoffice import DEBIAN_PACKAGES

    if result.missing_fonts:
        click.echo(f"警告：未安装字体 {'、'.join(result.missing_fonts)}，PDF 中的文字可能换用其他"
                   f"字体或显示为方框；请安装：sudo apt-get install {DEBIAN_PACKAGES}", err=True)
    for path in result.written:
        click.echo(f"已生成 {path}")
    if result.failed:
        _fail([f"{f.path}: 未能生成 PDF：{f.reason}" for f in result.failed], 2)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
              help="Last year's report (.docx) or data file (.yaml): adds the across-year "
                   "rules (上年结转 = 上年结转下年度 …); a report of another office or not "
                   "of the year before is warned about (X0) and not compared.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="text for people (default); json for machines, one object per file and "
                   "line.")
def check(files: tuple[Path, ...], previous: Path | None, output_format: str) -> None:
    """Check report .docx files (or folders of them), cell by cell.

    Reports every table that does not add up, blank or non-numeric cells, missing rows,
    prose that contradicts the tables. Exit 0: no errors (warnings allowed); 1: errors;
    2: a file could not be read as a report.
    """
    from nianbao import api
    from nianbao.errors import Unusable
    from nianbao.jobs.check import documents_in
    from nianbao.sources import REPORT_SUFFIXES

    documents = documents_in(list(files), REPORT_SUFFIXES)
    last = None
    if previous is not None:
        if any(previous.resolve() == path.resolve() for path in documents):
            _fail([f"{previous}: 上年报告（--previous）不能是要检查的文件本身"], 2)
        try:
            last = api.previous_report(previous)
        except Unusable as exc:
            _fail([f"{previous}: 无法作为上年报告读取：{exc}"], 2)
    results = [api.check_file(path, last) for path in documents]
    if not results:
        _fail([f"没有找到要检查的报告文件（{'、'.join(REPORT_SUFFIXES)}）"], 2)
    for result in results:
        if output_format == "json":
            click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
            continue
        for finding in result.findings:
            kind = "错误" if finding.severity == "error" else "警告"
            click.echo(f"{result.file}: {kind} [{finding.rule}] {finding.message}")
    if output_format == "text":
        for result in results:
            click.echo(_summary(result))
    sys.exit(max(r.exit_code for r in results))


def _summary(result: CheckResult) -> str:
    if result.unusable:
        return f"{result.file}: 无法检查：{result.unusable}"
    verdict = "未通过" if result.errors else "通过"
    return (f"{result.file}: {verdict}（{result.form} 格式，{len(result.errors)} 个错误，"
            f"{len(result.warnings)} 个警告）")


@main.command()
@click.option("--office", "office_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The office profile (机关信息), e.g. config/offices/X.yaml.")
@click.option("--year", required=True, type=int, help="Report year.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The data file to write.")
@click.option("--form", "version", type=click.Choice(FORM_VERSIONS),
              help="Table format; default: the one the year must use.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@_command
def new(office_path: Path, year: int, output: Path, version: str | None, force: bool) -> None:
    """Write a complete data file to fill in: every label, zeros, standard paragraphs.

    Paragraphs marked 【待填写】 are the clerk's to write; render warns while any remain.
    """
    from nianbao import api
    from nianbao.datafile.profiles import load_office
    from nianbao.errors import Problem, ProblemList
    from nianbao.spec.form import report_years
    from nianbao.writing.output import write_atomic

    _expect_suffix(output, _yaml_suffixes(), "数据文件")
    years = report_years()
    if year not in years:
        raise ProblemList([Problem("--year", None, "", f"报告年度应在 {years[0]}–{years[-1]} "
                                   f"之间，填写的是 {year}")], usable=False)
    office = load_office(office_path)
    form = api.load_form(version) if version else api.form_for_year(year)
    if not form.covers(year):
        raise ProblemList([Problem(output, None, "--form",
                                   f"{year}年度应使用 {api.form_for_year(year).version} 格式")],
                          usable=False)
    report = api.blank_report(form, office, _office_ref(office_path, output), year)
    write_atomic(output, api.dump_report(report).encode("utf-8"), force=force)
    click.echo(f"已生成数据文件 {output}：请填写表格数字和标有“【待填写】”的段落")


def _expect_suffix(output: Path, suffixes: tuple[str, ...], what: str) -> None:
    """An output is what its name says: a .docx is a Word document, a .yaml a data file
    (a Word file called 年报.pdf is a trap for whoever opens it)."""
    if output.suffix.lower() not in suffixes:
        from nianbao.errors import Unusable

        raise Unusable(f"{output}: 写出的是{what}，文件名应以 {' 或 '.join(suffixes)} 结尾；"
                       "未写出文件")


def _yaml_suffixes() -> tuple[str, ...]:
    from nianbao.datafile.yamlfile import YAML_SUFFIXES

    return YAML_SUFFIXES


def _office_ref(office_path: Path, output: Path) -> str:
    """How the new data file names its office: by name when the profile is where the
    lookup finds it (config/offices/ above the data file), else by relative path."""
    office_dir = office_path.resolve().parent
    out_dir = output.resolve().parent
    if office_dir.name == "offices" and office_dir.parent.name == "config" and \
            office_dir.parent.parent in (out_dir, *out_dir.parents):
        return office_path.stem
    return os.path.relpath(office_path.resolve(), out_dir)


@main.command("import")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The data file to write.")
@click.option("--office", "office_ref",
              help="Use this existing office profile (name in config/offices/, or a path) "
                   "instead of writing one from what the report says.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@_command
def import_(source: Path, output: Path, office_ref: str | None, force: bool) -> None:
    """Turn a published report into a data file: a .docx (made by anyone), a saved web
    page (.html), or text copied from one (.txt).

    The office's name and contact lines are written to config/offices/<name>.yaml beside
    the data file (an existing profile of that name is kept and used). Cells that are
    blank or not numbers are reported and kept as found, so render names them until
    fixed; totals are recomputed, and totals that did not add up are reported.
    """
    from nianbao import api
    from nianbao.datafile.profiles import dump_office, profile_name
    from nianbao.errors import OutputExists, Unusable
    from nianbao.writing.output import write_atomic

    _expect_suffix(output, _yaml_suffixes(), "数据文件")
    try:
        imported = api.import_file(source)
    except Unusable as exc:
        _fail([f"{source}: 无法导入：{exc}"], 2)
    report = imported.report
    if output.exists() and not force:
        raise OutputExists(output)
    if office_ref is None:
        office_ref = profile_name(imported.office_fields.get("name") or output.stem)
        profile = output.parent / "config" / "offices" / f"{office_ref}.yaml"
        if profile.exists():
            click.echo(f"{profile}: 已有此机关信息文件，沿用，未改动", err=True)
        else:
            write_atomic(profile, dump_office(imported.office_fields).encode("utf-8"))
            click.echo(f"已生成机关信息 {profile}", err=True)
    report.office_ref = office_ref
    write_atomic(output, api.dump_report(report).encode("utf-8"), force=force)
    for note in imported.notes:
        click.echo(f"{source}: 警告：{note}", err=True)
    for finding in imported.findings:
        kind = "错误" if finding.severity == "error" else "警告"
        click.echo(f"{source}: {kind} [{finding.rule}] {finding.message}", err=True)
    click.echo(f"已导入 {source} → {output}（{report.year}年度，{report.form.version} 格式）")


@main.command()
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The next year's data file to write.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@OFFICES_OPTION
@_command
def rollover(data: Path, output: Path, force: bool, offices: tuple[Path, ...]) -> None:
    """Start next year's data file from this year's.

    Year + 1; 上年结转 = this year's 结转下年度, column by column; 现行有效件数 kept as the
    starting value (marked for review); every other count 0; this year's own paragraphs
    kept as a draft, each marked 【待更新】 (render and check warn while marks remain).
    """
    from nianbao import api
    from nianbao.datafile.profiles import is_path_ref
    from nianbao.report.drafts import draft_marks
    from nianbao.writing.output import write_atomic

    _expect_suffix(output, _yaml_suffixes(), "数据文件")
    result = api.roll_over(api.load_report(data, list(offices)))
    draft = result.report
    if output.resolve().parent != data.resolve().parent and is_path_ref(draft.office_ref) \
            and not os.path.isabs(draft.office_ref):
        draft.office_ref = os.path.relpath(data.resolve().parent / draft.office_ref,
                                           output.resolve().parent)
    write_atomic(output, api.dump_report(draft).encode("utf-8"), force=force)
    for note in result.notes:
        click.echo(f"{data}: 注意：{note}", err=True)
    click.echo(f"已生成 {draft.year} 年度草稿 {output}：上年结转已填，其余数字为 0，"
               f"正文标有“{draft_marks()[1]}”的段落请改写")


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output-dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Where to write <data file name>.docx and summary.csv/summary.json.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=os.cpu_count() or 1,
              show_default="the number of cores", help="Processes to render with.")
@click.option("--force", is_flag=True, help="Replace reports that exist already.")
@click.option("--html", "html", is_flag=True, help="Also write each office's web page.")
@click.option("--pdf", "with_pdf", is_flag=True,
              help="Also write each report's PDF (needs LibreOffice).")
@OFFICES_OPTION
@_command
def batch(folder: Path, output_dir: Path, jobs: int, force: bool, html: bool,
          with_pdf: bool, offices: tuple[Path, ...]) -> None:
    """Render and check every data file under FOLDER (many offices at once).

    One office's bad data never stops the others: its messages are in the summary.
    Run again, a batch makes again exactly the reports whose data file, office profile
    or template changed (summary.json records what made each); the others stay and are
    listed as 未变化 with their office and warnings; a report in OUTPUT_DIR with no such
    record is kept (a batch that was interrupted completes the rest). --force makes all
    again. Exit 1 if any data file failed.
    """
    from nianbao.datafile.yamlfile import data_files
    from nianbao.jobs.batch import STATUS, add_pdfs, run_batch, write_summary

    files = data_files(folder)
    if not files:
        _fail([f"{folder}: 没有找到数据文件（.yaml）"], 2)
    if with_pdf:
        from nianbao.sources.libreoffice import find_soffice

        find_soffice()  # before hours of rendering, not after
    rows = []
    with click.progressbar(run_batch(folder, output_dir, jobs, force, list(offices), html),
                           length=len(files), label="生成年报", file=sys.stderr) as bar:
        for row in bar:
            rows.append(row)
    rows.sort(key=lambda r: r.data_file)
    if with_pdf:
        click.echo("正在生成 PDF……", err=True)
        add_pdfs(rows, force)
    write_summary(output_dir, rows)
    for row in rows:
        click.echo(f"{row.data_file}\t{row.office}\t{STATUS[row.status]}\t"
                   f"{row.errors} 个错误\t{row.warnings} 个警告")
        if row.status == "failed":
            for message in row.messages:
                click.echo(f"    {message}")
    failed = sum(r.status == "failed" for r in rows)
    unchanged = sum(r.status == "unchanged" for r in rows)
    skipped = unchanged + sum(r.status == "skipped" for r in rows)
    click.echo(f"共 {len(rows)} 份：生成 {sum(r.status == 'ok' for r in rows)}，"
               f"失败 {failed}，跳过 {skipped}（其中未变化 {unchanged}）；"
               f"汇总表 {output_dir / 'summary.csv'}")
    sys.exit(1 if failed else 0)


@main.command("aggregate")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--office", "office_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The compiling body's office profile (机关信息).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The roll-up data file to write.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="text for people (default); json: one object naming the offices summed, "
                   "each with its cells in brief, and the total.")
@OFFICES_OPTION
@_command
def aggregate_(inputs: tuple[Path, ...], office_path: Path, output: Path, force: bool,
               output_format: str, offices: tuple[Path, ...]) -> None:
    """Add up (汇总) the tables of the offices' data files or published reports (.docx,
    .html …, imported on the fly), or folders of them, of one year and format into one
    data file for the compiling body; render and check it like any other.

    Tables 二, 三 and 四 and the fees are summed cell by cell; totals are derived again.
    A file given twice, or two of one office, is refused (it would count twice); so is
    a report file with errors (check it first). The offices summed are listed, each
    with its 本年新收 and 结转, on the screen and in the comments of the data file
    written. Its prose is the standard skeleton, to be written by the compiling body.

    \b
    nianbao aggregate 各单位/ --office config/offices/市政府办.yaml -o 全市-2024.yaml
    """
    from nianbao import api
    from nianbao.datafile.profiles import load_office
    from nianbao.report.aggregate import brief, in_brief
    from nianbao.writing.output import write_atomic

    _expect_suffix(output, _yaml_suffixes(), "数据文件")
    parts = api.aggregate_parts(list(inputs), output, list(offices))
    total = api.aggregate([part.report for part in parts], load_office(office_path),
                          _office_ref(office_path, output))
    preface = [f"汇总了以下 {len(parts)} 个机关的数据：", *(f"  {part.line}" for part in parts)]
    write_atomic(output, api.dump_report(total, preface).encode("utf-8"), force=force)
    if output_format == "json":
        click.echo(json.dumps({"output": str(output), "year": total.year,
                               "form": total.form.version,
                               "offices": [part.as_dict() for part in parts],
                               "total": {"office": total.office.name,
                                         "cells": brief(total)}},
                              ensure_ascii=False))
        return
    for part in parts:
        click.echo(f"  {part.line}")
    click.echo(f"已汇总 {len(parts)} 份数据（{total.year}年度，"
               f"{total.form.version} 格式）→ {output}：{in_brief(total)}")


@main.command("build-templates")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write (default: the templates/ folder nianbao uses).")
def build_templates(output_dir: Path | None) -> None:
    """(Maintainers) Rebuild the Word templates from config/forms/."""
    from nianbao.writing.template import write_templates

    for path in write_templates(output_dir):
        click.echo(str(path))
