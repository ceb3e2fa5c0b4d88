"""The commands that make, check and convert reports: thin layers over the library.

Their help texts are the Chinese a clerk reads (msgids of the English catalog); each
has a worked example (click prints a paragraph after `\\b` as it is written).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from nianbao.cli.base import (
    FILE,
    FOLDER,
    OFFICES_OPTION,
    Command,
    Integer,
    IntegerRange,
    command,
    data_suffixes,
    expect_suffix,
    fail,
)
from nianbao.cli.i18n import N_, _
from nianbao.spec.form import FORM_VERSIONS

if TYPE_CHECKING:
    from nianbao.checking.report import CheckResult, Previous
    from nianbao.report.office import Office
    from nianbao.spec.form import Form
    from nianbao.writing.pdf import PdfResult

FORCE = N_("输出文件已存在时覆盖它（默认不覆盖）。")
DATA_FILE = N_("数据文件")
REPORT = N_("报告文件")
DATA_OUTPUT = N_("要写出的数据文件：.yaml（文本编辑器填写），"
                 "或 .xlsx 填报表（Excel、WPS 表格填写）。")
FORMAT_HELP = N_("text：供人阅读（默认）；json：供程序读取，每个文件一行 JSON。")


@click.command(cls=Command)
@click.argument("data", metavar=DATA_FILE, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", metavar=FILE, type=click.Path(dir_okay=False, path_type=Path),
              help=N_("要写出的 .docx 文件（默认：数据文件名改为 .docx；加 --html 时为 .html）。"))
@click.option("--template", metavar=FILE, type=click.Path(dir_okay=False, path_type=Path),
              help=N_("使用自己的 Word 模板，代替内置模板。"))
@click.option("--force", is_flag=True, help=FORCE)
@click.option("--pdf", "with_pdf", is_flag=True,
              help=N_("同时在旁边生成同名 .pdf 打印预览（需要 LibreOffice）。"))
@click.option("--html", "html", is_flag=True,
              help=N_("生成网站发布用的网页（.html），而不是 Word 文档。"))
@OFFICES_OPTION
@command
def render(data: Path, output: Path | None, template: Path | None, force: bool,
           with_pdf: bool, html: bool, offices: tuple[Path, ...]) -> None:
    """由数据文件（.yaml）生成年报 Word 文档；加 --html 生成网站发布用的网页。

    先检查数据（列出全部问题，有错误则不写出文件）；生成后把文档读回来逐格核对，
    核对通过才以最终文件名保存。

    \b
    例：nianbao render 2024.yaml -o 2024.docx
        nianbao render 2024.yaml -o 2024.docx --pdf
        nianbao render 2024.yaml --html -o 2024.html
    """
    from nianbao import api

    if html and (template or with_pdf):
        raise click.UsageError(_("--html 生成网页，不能与 --template 或 --pdf 同时使用"))
    output = output or data.with_suffix(".html" if html else ".docx")
    if html:
        expect_suffix(output, (".html", ".htm"), N_("网页"))
    else:
        expect_suffix(output, (".docx",), N_("Word 文档"))
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


@click.command(cls=Command)
@click.argument("files", metavar=REPORT, nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help=N_("已有同名 PDF 时覆盖它。"))
@command
def pdf(files: tuple[Path, ...], force: bool) -> None:
    """打印预览：把年报 .docx 转为旁边的同名 PDF。

    可给出文件或文件夹（转换其中的全部 .docx）。通过 LibreOffice 转换，
    正式字体以相近的简体中文字体显示。

    \b
    例：nianbao pdf 2024.docx
        nianbao pdf 各单位年报/
    """
    from nianbao.jobs.check import documents_in
    from nianbao.writing.pdf import convert_to_pdf

    documents = documents_in(list(files))
    if not documents:
        fail([_("没有找到要转换的 .docx 文件")], 2)
    _report_pdf(convert_to_pdf(documents, force=force))


def _report_pdf(result: PdfResult) -> None:
    from nianbao.sources.libreoffice import DEBIAN_PACKAGES

    if result.missing_fonts:
        click.echo(f"警告：未安装字体 {'、'.join(result.missing_fonts)}，PDF 中的文字可能换用其他"
                   f"字体或显示为方框；请安装：sudo apt-get install {DEBIAN_PACKAGES}", err=True)
    for path in result.written:
        click.echo(f"已生成 {path}")
    if result.failed:
        fail([f"{f.path}: 未能生成 PDF：{f.reason}" for f in result.failed], 2)


@click.command(cls=Command)
@click.argument("files", metavar=REPORT, nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("--previous", metavar=FILE, type=click.Path(dir_okay=False, path_type=Path),
              help=N_("上年的报告（.docx）或数据文件（.yaml）：加查跨年度规则（上年结转 = "
                      "上年结转下年度 …）；不是本机关上一年度的报告时给出警告（X0），不比较。"))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help=FORMAT_HELP)
@click.option("--category", metavar=N_("类别"), default=None,
              help=N_("报告机关的类别（机关信息中的“机关类别”，如 本级政府），决定成文日期的"
                      "公开期限（D2）；默认为部门。"))
@click.option("--annotate", metavar=FILE, type=click.Path(dir_okay=False, path_type=Path),
              help=N_("写出加批注的副本：每个有误的格加批注并标为浅红，与表格矛盾的正文段落"
                      "加批注（只检查一个 .docx 时可用）；原文件不改动。"))
@click.option("--review", metavar=FILE, type=click.Path(dir_okay=False, path_type=Path),
              help=N_("写出一页检查结果（.html）：各单位一览，有问题的年报画出表格并标出有误的格。"))
@click.option("--summary", metavar=FILE, type=click.Path(dir_okay=False, path_type=Path),
              help=N_("写出检查结果汇总表（.csv，可用 Excel、WPS 打开）：每份年报一行，"
                      "含结果、错误和警告数、本年新收与结转数、所有问题。"))
@click.option("-j", "--jobs", metavar=N_("个数"), type=IntegerRange(1, 256),
              default=os.cpu_count() or 1, show_default=False,
              help=N_("同时检查的进程数；默认为本机处理器核数。"))
@click.option("--force", is_flag=True, help=FORCE)
@command
def check(files: tuple[Path, ...], previous: Path | None, output_format: str,
          category: str | None, annotate: Path | None, review: Path | None,
          summary: Path | None, jobs: int, force: bool) -> None:
    """逐格检查年报，或文件夹中的全部年报。

    可检查 .docx、.pdf、.html、.txt、.md，以及 .doc、.wps、.odt、.rtf（需要
    LibreOffice）；各单位交回的填报表（.xlsx）也逐个检查，文件夹中的一并检查。列出不相加的表格、
    空白或不是数字的格、缺少的行、与表格矛盾的正文，每条标明规则编号；
    各规则编号（R3.1、X1、C1 …）的含义见 nianbao rules。
    退出码 0：没有错误（可有警告）；1：有错误；2：有文件不能作为年报读取。

    \b
    例：nianbao check 2024.docx --previous 2023.docx
        nianbao check 各单位年报/ --review 检查结果.html --summary 检查结果.csv
        nianbao check 各单位年报/ --format json
    """
    from nianbao import api
    from nianbao.errors import Unusable
    from nianbao.jobs.check import CHECKED_SUFFIXES, documents_in
    from nianbao.spec.form import office_categories

    if category is not None and category not in office_categories():
        fail([_("--category：应为 {allowed} 之一，不是“{category}”").format(
            allowed="、".join(office_categories()), category=category)], 2)
    documents = documents_in(list(files), CHECKED_SUFFIXES)
    last = None
    if previous is not None:
        if any(previous.resolve() == path.resolve() for path in documents):
            fail([_("{previous}: 上年报告（--previous）不能是要检查的文件本身").format(
                previous=previous)], 2)
        try:
            last = api.previous_report(previous)
        except Unusable as exc:
            fail([f"{previous}: 无法作为上年报告读取：{exc}"], 2)
    if not documents:
        fail([_("没有找到要检查的报告文件（{suffixes}）").format(
            suffixes="、".join(CHECKED_SUFFIXES))], 2)
    if review is not None:
        expect_suffix(review, (".html", ".htm"), N_("网页"))
    if summary is not None:
        expect_suffix(summary, (".csv",), N_("汇总表"))
    annotated = None
    if annotate is not None:
        if len(documents) != 1:
            fail([_("--annotate 只能用于检查一个 Word 文档（.docx）")], 2)
        expect_suffix(annotate, (".docx",), N_("Word 文档"))
        annotated = api.annotate_file(documents[0], annotate, last, category or "",
                                      force=force)
        results = [annotated.result]
    else:
        results = _checked(documents, last, category or "", jobs)
    if review is not None:
        from nianbao.writing.output import write_atomic
        from nianbao.writing.review import review_page

        write_atomic(review, review_page(results), force=force)
    if summary is not None:
        from nianbao.writing.output import write_atomic

        write_atomic(summary, api.overview_csv(results), force=force)
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
        if annotated is not None and annotated.out is not None:
            click.echo(_("{file}: 已写出加批注的副本 {out}（{count} 处批注）").format(
                file=annotated.result.file, out=annotated.out, count=annotated.comments))
        if review is not None:
            click.echo(_("已写出检查结果 {review}（{count} 份）").format(
                review=review, count=len(results)))
        if summary is not None:
            click.echo(_("已写出检查结果汇总表 {summary}（{count} 份）").format(
                summary=summary, count=len(results)))
    sys.exit(max(r.exit_code for r in results))


def _checked(documents: list[Path], previous: Previous | None, category: str,
             jobs: int) -> list[CheckResult]:
    """Every document checked, in order; a folder's progress shown on stderr."""
    from nianbao import api

    checked = api.check_files(documents, previous, category, jobs)
    if len(documents) == 1:
        return list(checked)
    with click.progressbar(checked, length=len(documents), label=_("检查年报"),
                           file=sys.stderr) as bar:
        return list(bar)


def _summary(result: CheckResult) -> str:
    if result.unusable:
        return f"{result.file}: 无法检查：{result.unusable}"
    verdict = "未通过" if result.errors else "通过"
    form = f"{result.form} 格式，" if result.form else ""  # a data file too wrong to read has none
    return (f"{result.file}: {verdict}（{form}{len(result.errors)} 个错误，"
            f"{len(result.warnings)} 个警告）")


OFFICE_HELP = N_("机关信息：config/offices/ 中的名称（如 pingtan），或文件路径。")


@click.command(cls=Command)
@click.option("--office", "office_ref", metavar=N_("名称或文件"),
              help=N_("机关信息：config/offices/ 中的名称（如 pingtan），或文件路径；省略时为 "
                      "--offices 文件夹中的每个机关各生成一份填报表（-o 为文件夹）。"))
@click.option("--year", required=True, metavar=N_("年度"), type=Integer(),
              help=N_("报告年度，如 2024。"))
@click.option("-o", "--output", required=True, metavar=FILE,
              type=click.Path(path_type=Path), help=DATA_OUTPUT)
@click.option("--form", "version", type=click.Choice(FORM_VERSIONS),
              help=N_("表格格式；默认为该年度应使用的格式。"))
@click.option("--force", is_flag=True, help=FORCE)
@OFFICES_OPTION
@command
def new(office_ref: str | None, year: int, output: Path, version: str | None, force: bool,
        offices: tuple[Path, ...]) -> None:
    """新建空白数据文件：表格标签、0 和标准段落都已填好。

    只需填写数字；标有【待填写】的段落由您撰写；仍有标记时，render 会给出警告。
    还没有机关信息文件时，先用 nianbao office new 新建。文件名以 .xlsx 结尾时生成
    填报表（Excel、WPS 表格填写）；不给 --office 时，为 --offices 文件夹中的每个机关
    各生成一份填报表，供政务公开办分发。

    \b
    例：nianbao new --office pingtan --year 2024 -o 2024.yaml
        nianbao new --office pingtan --year 2024 -o 2024.xlsx
        nianbao new --offices config/offices/ --year 2024 -o 填报表/
    """
    from nianbao import api
    from nianbao.errors import Problem, ProblemList
    from nianbao.spec.form import report_years
    from nianbao.writing.output import write_atomic

    years = report_years()
    if year not in years:
        raise ProblemList([Problem("--year", None, "", _(
            "报告年度应在 {first}–{last} 之间，填写的是 {year}").format(
                first=years[0], last=years[-1], year=year))], usable=False)
    form = api.load_form(version) if version else api.form_for_year(year)
    if not form.covers(year):
        raise ProblemList([Problem(output, None, "--form", _("{year}年度应使用 {version} 格式")
                                   .format(year=year, version=api.form_for_year(year).version))],
                          usable=False)
    if office_ref is None:
        _new_for_each_office(offices, year, output, form, force)
        return
    expect_suffix(output, data_suffixes(), DATA_FILE)
    office_path, office = find_office(office_ref, output, offices)
    report = api.blank_report(form, office, office_ref_for(office_path, output), year)
    write_atomic(output, api.encode_report(report, output), force=force)
    click.echo(f"已生成数据文件 {output}：请填写表格数字和标有“【待填写】”的段落")


def _new_for_each_office(offices: tuple[Path, ...], year: int, folder: Path, form: Form,
                         force: bool) -> None:
    """One 填报表 per office profile in the `--offices` folders, named by the profile."""
    from nianbao import api
    from nianbao.datafile.profiles import load_office
    from nianbao.datafile.yamlfile import YAML_SUFFIXES
    from nianbao.errors import ProblemList
    from nianbao.writing.output import write_atomic

    if not offices:
        fail([_("请用 --office 指定机关，或用 --offices 指定机关信息文件夹（为其中每个机关"
                "各生成一份填报表）")], 2)
    if folder.suffix or folder.is_file():
        fail([_("{folder}: 为多个机关生成填报表时，-o 应为文件夹").format(folder=folder)], 2)
    profiles = sorted(p for d in offices for p in d.glob("*") if p.suffix in YAML_SUFFIXES)
    if not profiles:
        fail([_("--offices 文件夹中没有机关信息文件（.yaml）")], 2)
    reports, problems = [], []
    for path in profiles:
        try:
            reports.append(api.blank_report(form, load_office(path), path.stem, year))
        except ProblemList as exc:
            problems += exc.lines()
    if problems:
        fail(problems, 1)
    folder.mkdir(parents=True, exist_ok=True)
    for report in reports:
        target = folder / f"{report.office_ref}.xlsx"
        write_atomic(target, api.encode_report(report, target), force=force)
        click.echo(_("已生成填报表 {target}（{office}）").format(target=target,
                                                          office=report.office.name))


def find_office(ref: str, output: Path, offices: tuple[Path, ...]) -> tuple[Path, Office]:
    """The office profile an `--office` names, as a data file's `office:` would: a path,
    or a name looked up in config/offices/ beside or above the file being written, then
    in the current folder."""
    from nianbao.datafile.profiles import find_profile, is_path_ref, load_office
    from nianbao.errors import Unusable

    path = Path(ref)
    if not (is_path_ref(ref) or path.is_file()):
        found = find_profile(ref, output.absolute(), list(offices))
        if found is None:
            raise Unusable(_("--office：找不到机关信息“{ref}”（在 config/offices/ 中查找 "
                             "{ref}.yaml）；可用 nianbao office new 新建").format(ref=ref))
        path = found
    return path, load_office(path)


def office_ref_for(office_path: Path, output: Path) -> str:
    """How the new data file names its office: by name when the profile is where the
    lookup finds it (config/offices/ above the data file), else by relative path."""
    office_dir = office_path.resolve().parent
    out_dir = output.resolve().parent
    if office_dir.name == "offices" and office_dir.parent.name == "config" and \
            office_dir.parent.parent in (out_dir, *out_dir.parents):
        return office_path.stem
    return os.path.relpath(office_path.resolve(), out_dir)


@click.command("import", cls=Command)
@click.argument("source", metavar=REPORT, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, metavar=FILE,
              type=click.Path(dir_okay=False, path_type=Path), help=DATA_OUTPUT)
@click.option("--office", "office_ref", metavar=N_("名称或文件"),
              help=N_("使用已有的机关信息（config/offices/ 中的名称，或文件路径），"
                      "不按报告内容新建。"))
@click.option("--force", is_flag=True, help=FORCE)
@command
def import_(source: Path, output: Path, office_ref: str | None, force: bool) -> None:
    """把已发布的年报变成数据文件。

    可导入任何程序做的 .docx、保存的网页（.html）或从网页复制的文字（.txt）。
    机关名称和联系方式写入数据文件旁边的 config/offices/<名称>.yaml（已有同名文件则沿用）。
    空白或不是数字的格会列出并原样保留，render 时继续提示，直到改正；总计重新计算，
    原来不相加的总计会列出。

    \b
    例：nianbao import 2023年报.docx -o 2023.yaml
        nianbao import 2023年报.html -o 2023.yaml --office pingtan
    """
    from nianbao import api
    from nianbao.datafile.profiles import dump_office, profile_name
    from nianbao.errors import OutputExists, Unusable
    from nianbao.writing.output import write_atomic

    expect_suffix(output, data_suffixes(), DATA_FILE)
    office = None if office_ref is None else find_office(office_ref, output, ())[1]
    try:
        imported = api.import_file(source, office)
    except Unusable as exc:
        fail([f"{source}: 无法导入：{exc}"], 2)
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
    write_atomic(output, api.encode_report(report, output), force=force)
    for note in imported.notes:
        click.echo(f"{source}: 警告：{note}", err=True)
    for finding in imported.findings:
        kind = "错误" if finding.severity == "error" else "警告"
        click.echo(f"{source}: {kind} [{finding.rule}] {finding.message}", err=True)
    click.echo(f"已导入 {source} → {output}（{report.year}年度，{report.form.version} 格式）")


@click.command(cls=Command)
@click.argument("data", metavar=DATA_FILE, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, metavar=FILE,
              type=click.Path(dir_okay=False, path_type=Path),
              help=N_("要写出的下一年度数据文件（.yaml）。"))
@click.option("--force", is_flag=True, help=FORCE)
@OFFICES_OPTION
@command
def rollover(data: Path, output: Path, force: bool, offices: tuple[Path, ...]) -> None:
    """由本年度的数据文件开始下一年度的数据文件。

    年度加 1；上年结转 = 本年结转下年度（逐列）；现行有效件数沿用（标为待核实）；
    其余数字为 0；本年正文保留为草稿，每段标为【待更新】（仍有标记时 render 和 check 给出警告）。

    \b
    例：nianbao rollover 2023.yaml -o 2024.yaml
    """
    from nianbao import api
    from nianbao.datafile.profiles import is_path_ref
    from nianbao.report.drafts import draft_marks
    from nianbao.writing.output import write_atomic

    expect_suffix(output, data_suffixes(), DATA_FILE)
    result = api.roll_over(api.load_report(data, list(offices)))
    draft = result.report
    if output.resolve().parent != data.resolve().parent and is_path_ref(draft.office_ref) \
            and not os.path.isabs(draft.office_ref):
        draft.office_ref = os.path.relpath(data.resolve().parent / draft.office_ref,
                                           output.resolve().parent)
    write_atomic(output, api.encode_report(draft, output), force=force)
    for note in result.notes:
        click.echo(f"{data}: 注意：{note}", err=True)
    click.echo(f"已生成 {draft.year} 年度草稿 {output}：上年结转已填，其余数字为 0，"
               f"正文标有“{draft_marks()[1]}”的段落请改写")


@click.command(cls=Command)
@click.argument("folder", metavar=FOLDER,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output-dir", required=True, metavar=FOLDER,
              type=click.Path(file_okay=False, path_type=Path),
              help=N_("写出 <数据文件名>.docx 和 summary.csv、summary.json 的文件夹。"))
@click.option("-j", "--jobs", metavar=N_("个数"), type=IntegerRange(1, 256),
              default=os.cpu_count() or 1, show_default=False,
              help=N_("同时生成的进程数；默认为本机处理器核数。"))
@click.option("--force", is_flag=True, help=N_("重新生成全部年报，覆盖已有的。"))
@click.option("--html", "html", is_flag=True, help=N_("同时生成各单位的网页。"))
@click.option("--pdf", "with_pdf", is_flag=True,
              help=N_("同时生成各年报的 PDF（需要 LibreOffice）。"))
@click.option("--template", metavar=FILE, type=click.Path(dir_okay=False, path_type=Path),
              help=N_("自己改过的 Word 模板，用于每份年报（默认用内置模板）；模板改动后，"
                      "再次运行会重新生成全部年报。"))
@OFFICES_OPTION
@command
def batch(folder: Path, output_dir: Path, jobs: int, force: bool, html: bool,
          with_pdf: bool, template: Path | None, offices: tuple[Path, ...]) -> None:
    """生成并检查文件夹中的全部数据文件（一次处理多个单位）。

    一个单位的数据有错不影响其他单位：问题写在汇总表中。再次运行时，只重新生成数据文件、
    机关信息或模板有变化的年报（summary.json 记录每份由什么生成），其余列为“未变化”；
    输出文件夹中没有记录的年报保留不动（中断的批量会接着完成）。--force 全部重新生成。
    有单位失败时退出码为 1。

    \b
    例：nianbao batch 各单位数据/ -o 输出/
        nianbao batch 各单位数据/ -o 输出/ --html --pdf -j 2
    """
    from nianbao.datafile.formats import data_files
    from nianbao.jobs.batch import STATUS, add_pdfs, run_batch, write_summary

    files = data_files(folder)
    if not files:
        fail([_("{folder}: 没有找到数据文件（.yaml）").format(folder=folder)], 2)
    if with_pdf:
        from nianbao.sources.libreoffice import find_soffice

        find_soffice()  # before hours of rendering, not after
    rows = []
    if template is not None and not template.is_file():
        fail([_("{template}: 模板文件不存在").format(template=template)], 2)
    with click.progressbar(run_batch(folder, output_dir, jobs, force, list(offices), html,
                                     template),
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


@click.command("aggregate", cls=Command)
@click.argument("inputs", metavar=N_("数据文件或报告"), nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("--office", "office_ref", required=True, metavar=N_("名称或文件"),
              help=N_("汇总机关自己的机关信息：config/offices/ 中的名称，或文件路径。"))
@click.option("-o", "--output", required=True, metavar=FILE,
              type=click.Path(dir_okay=False, path_type=Path),
              help=N_("要写出的汇总数据文件（.yaml）。"))
@click.option("--force", is_flag=True, help=FORCE)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help=N_("text：供人阅读（默认）；json：一个 JSON 对象，"
                      "列出汇总的各机关及其主要数字和合计。"))
@OFFICES_OPTION
@command
def aggregate_(inputs: tuple[Path, ...], office_ref: str, output: Path, force: bool,
               output_format: str, offices: tuple[Path, ...]) -> None:
    """汇总：把各单位的数据文件或年报逐格相加成一份数据文件。

    各单位同一年度、同一格式的数据文件或已发布的年报（.docx、.html …）或其所在文件夹，
    逐格相加成汇总机关的一份数据文件，再像其他数据文件一样生成和检查。

    表二、表三、表四和收费逐格相加，总计重新计算。同一文件给了两次、同一机关有两份、
    报告文件有错误（请先 check）的，都不汇总。汇总了哪些机关（各自的本年新收和结转）
    显示在屏幕上，也写在数据文件的注释中（填报表写在“说明”表中）。正文为标准框架，
    由汇总机关撰写。

    \b
    例：nianbao aggregate 各单位/ --office 市政府办 -o 全市-2024.yaml
    """
    from nianbao import api
    from nianbao.report.aggregate import brief, in_brief
    from nianbao.writing.output import write_atomic

    expect_suffix(output, data_suffixes(), DATA_FILE)
    office_path, office = find_office(office_ref, output, offices)
    parts = api.aggregate_parts(list(inputs), output, list(offices))
    total = api.aggregate([part.report for part in parts], office,
                          office_ref_for(office_path, output))
    preface = [f"汇总了以下 {len(parts)} 个机关的数据：", *(f"  {part.line}" for part in parts)]
    write_atomic(output, api.encode_report(total, output, preface), force=force)
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


@click.command("build-templates", cls=Command)
@click.option("-o", "--output-dir", metavar=FOLDER,
              type=click.Path(file_okay=False, path_type=Path),
              help=N_("写到哪个文件夹（默认：nianbao 使用的 templates/ 文件夹）。"))
@command
def build_templates(output_dir: Path | None) -> None:
    """（维护用）由 config/forms/ 中的格式文件重新生成 Word 模板。

    \b
    例：nianbao build-templates -o 新模板/
    """
    from nianbao.writing.template import write_templates

    for path in write_templates(output_dir):
        click.echo(str(path))


COMMANDS = (new, import_, rollover, render, check, pdf, batch, aggregate_, build_templates)
