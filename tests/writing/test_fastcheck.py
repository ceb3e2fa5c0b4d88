"""The batch's fast read-back: proven once per template by the full reader, then each
document's cells read from the XML at the proven places. It must miss nothing the full
check would catch in a document rendered from that template."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers import edited_template, swap_cells
from hypothesis import HealthCheck, given, settings
from strategies import reports

from nianbao.datafile.reader import load_report
from nianbao.report.model import Report
from nianbao.sources.docx.package import MAIN_DOCUMENT
from nianbao.sources.docx.scan import scan_body
from nianbao.spec.form import load_form
from nianbao.spec.values import format_value
from nianbao.writing.document import compiled_template
from nianbao.writing.fastcheck import FastCheck, _parsed_body
from nianbao.writing.filler import CompiledTemplate, render_context
from nianbao.writing.verify import VerificationFailed


@pytest.fixture(scope="module")
def fast() -> FastCheck:
    return FastCheck(compiled_template(None, "2021"), load_form("2021"))


def _xml(ctx: dict[str, Any]) -> bytes:
    """The document XML the batch checks: rendered, before it is zipped."""
    return compiled_template(None, "2021").render_parts(ctx)[MAIN_DOCUMENT]


def _edited(report: Report, edit: tuple[str, str, str], text: str) -> bytes:
    ctx: dict[str, Any] = render_context(report)
    tid, row, column = edit
    node = ctx[tid] if row == "-" else ctx[tid][row]
    *parents, leaf = column.split(".")
    for part in parents:
        node = node[part]
    node[leaf] = text
    return _xml(ctx)


def test_a_wrong_number_in_any_cell_is_named(fast: FastCheck, workdir: Path) -> None:
    report = load_report(workdir / "pingtan-2021.yaml")
    fast.verify(report, _xml(render_context(report)))
    for tid, table in report.form.tables.items():
        for cell in table.cells():
            with pytest.raises(VerificationFailed) as caught:
                fast.verify(report, _edited(report, (tid, *cell.key), "777"))
            want = format_value(report.tables[tid][cell.key])
            assert caught.value.findings == [
                f"{table.describe(*cell.key)}：应为 {want}，文档中为 “777”"]


def test_a_lost_paragraph_is_caught(fast: FastCheck, workdir: Path) -> None:
    report = load_report(workdir / "pingtan-2021.yaml")
    ctx = render_context(report)
    ctx["text"]["problems"] = ctx["text"]["problems"][:1]
    with pytest.raises(VerificationFailed,
                       match=r"“五、存在的主要问题及改进情况”部分的段落“（二）改进措施：.*”不在文档中"):
        fast.verify(report, _xml(ctx))


def test_a_template_with_cells_in_the_wrong_place_is_refused(tmp_path: Path) -> None:
    swapped = edited_template(tmp_path / "swapped.docx", swap_cells)
    with pytest.raises(VerificationFailed):
        FastCheck(CompiledTemplate(swapped), load_form("2021"))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(reports())
def test_every_valid_report_passes_both_checks(fast: FastCheck, report: Report) -> None:
    from nianbao.writing.verify import verify_rendered

    document = compiled_template(None, "2021").render(report)
    verify_rendered(report, document, fast.full_frame)
    fast.verify(report, _xml(render_context(report)))
    assert scan_body(_xml(render_context(report))) == _parsed_body(_xml(render_context(report)))


def test_the_scan_stands_in_for_the_parser_only_where_all_text_is_escaped(
        tmp_path: Path, workdir: Path) -> None:
    """A template that marks a value `|safe` can write markup; its documents are
    parsed, so markup written into them is caught."""
    assert FastCheck(compiled_template(None, "2021"), load_form("2021")).scannable
    unsafe = edited_template(tmp_path / "unsafe.docx",
                             lambda xml: xml.replace("{{ signature }}", "{{ signature|safe }}"))
    template = CompiledTemplate(unsafe)
    check = FastCheck(template, load_form("2021"))
    assert not check.scannable
    report = load_report(workdir / "pingtan-2021.yaml")
    report.office = replace(report.office, signature="平潭<w:t>")
    with pytest.raises(VerificationFailed, match="不是有效的 XML"):
        check.verify(report, template.render_parts(render_context(report))[MAIN_DOCUMENT])


@pytest.fixture(scope="module")
def added_to(tmp_path_factory: pytest.TempPathFactory) -> CompiledTemplate:
    """The 2021 template with a clerk's fixed text: a run in the title, a note under a
    heading, a contact line after the date."""
    import docx

    from nianbao.resources import template_path

    document = docx.Document(str(template_path("2021")))
    document.paragraphs[0].add_run("（征求意见稿）")
    heading = next(p for p in document.paragraphs if p.text.startswith("二、"))
    heading.insert_paragraph_before("（以下数据截至12月31日）")
    document.add_paragraph("联系人：张三　电话：0591-12345678")
    path = tmp_path_factory.mktemp("added") / "added.docx"
    document.save(str(path))
    return CompiledTemplate(path)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(reports())
def test_every_valid_report_reads_back_through_an_added_to_template(
        added_to: CompiledTemplate, report: Report) -> None:
    """Both read-backs pass every report, and the document holds the fixed text and
    every paragraph of the report, in order."""
    from helpers import paragraphs

    from nianbao.writing.frame import template_frame
    from nianbao.writing.verify import verify_rendered

    document = added_to.render(report)
    frame = template_frame(added_to, "2021")
    verify_rendered(report, document, frame)
    FastCheck(added_to, load_form("2021")).verify(
        report, added_to.render_parts(render_context(report))[MAIN_DOCUMENT])
    printed = [p.strip() for p in paragraphs(document)]
    assert printed == frame.paragraphs(report)
    assert printed[0] == report.full_title + "（征求意见稿）"
    assert "（以下数据截至12月31日）" in printed and printed[-1].startswith("联系人：")
