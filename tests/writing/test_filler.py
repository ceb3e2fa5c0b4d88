"""Filling the Word template: what the template's context holds, the sandbox's item
lookup shortcut, and the fast path (template compiled once, static parts copied, our
zip writer) against plain docxtpl."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import paragraphs, tables
from strategies import OFFICE

from nianbao.datafile.reader import load_report
from nianbao.report.blank import blank_report
from nianbao.report.model import Paragraph
from nianbao.spec.form import load_form
from nianbao.writing.filler import CompiledTemplate, TemplateProblem, render_context, title_lines


def test_context_holds_the_printed_texts_by_template_path() -> None:
    form = load_form("2021")
    report = blank_report(form, OFFICE, "x", 2024, dt.date(2025, 1, 5))
    report.tables["t2"][("fees", "fee_amount")] = Decimal("24252.3110")
    report.text["problems"] = [Paragraph(text="（一）存在问题。一是……"), Paragraph(text="二是……")]
    ctx = render_context(report)
    assert (ctx["signature"], ctx["date"]) == ("某某县人民政府办公室", "2025年1月5日")
    # the title broken by meaning: a line break between the lines, each line escaped
    assert ctx["title"] == ('某某县人民政府办公室</w:t><w:br/><w:t xml:space="preserve">'
                            "2024年度政府信息公开工作年度报告")
    assert ctx["text"]["problems"] == [{"lead": "（一）存在问题。", "body": "一是……"},
                                       {"lead": "", "body": "二是……"}]
    assert ctx["t2"]["fees"] == {"fee_amount": "24252.311"}  # as printed: text
    assert ctx["t3"]["results_total"]["total"] == "0"
    assert ctx["t4"]["review"] == {"upheld": "0", "corrected": "0", "other": "0",
                                   "pending": "0", "total": "0"}  # no row level


def test_a_file_that_is_not_a_docx_is_no_template(tmp_path: Path) -> None:
    path = tmp_path / "template.docx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(TemplateProblem, match=r"模板无法打开.*不是有效的 \.docx 文件"):
        CompiledTemplate(path)


def test_item_lookup_shortcut_keeps_jinja_meaning_and_the_sandbox() -> None:
    """`a.b` on a context dict reads the item (the fast path) but a dict's own methods
    and Python internals behave exactly as in Jinja's sandbox."""
    from jinja2.sandbox import SecurityError

    from nianbao.writing.filler import _environment

    env = _environment()
    row = {"natural": "7", "items": "shadowed?"}
    assert env.from_string("{{ r.natural }}|{{ r.items is callable }}").render(r=row) \
        == "7|True"
    assert env.from_string("{{ r['items'] }}").render(r=row) == "shadowed?"
    with pytest.raises(SecurityError):
        env.from_string("{{ r.__class__.__mro__[1].__subclasses__() }}").render(r=row)
    with pytest.raises(Exception, match="natura"):
        env.from_string("{{ r.natura }}").render(r=row)  # StrictUndefined still strict


def test_fast_path_writes_the_document_plain_docxtpl_writes(workdir: Path) -> None:
    """The fast path (template compiled once, static parts copied, our zip writer) and
    plain docxtpl (a fresh DocxTemplate, render, save) give the same document: the same
    paragraphs, the same tables cell by cell, the same merges."""
    import io

    from docxtpl import DocxTemplate
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    from nianbao.resources import template_path
    from nianbao.writing.document import compiled_template
    from nianbao.writing.filler import render_context

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


@pytest.mark.parametrize(("title", "lines"), [
    ("平潭综合实验区2021年度政府信息公开工作年度报告",
     ["平潭综合实验区", "2021年度政府信息公开工作年度报告"]),
    ("某某市人民政府办公室2024年度政府信息公开工作年度报告",
     ["某某市人民政府办公室", "2024年度政府信息公开工作年度报告"]),
    # a name longer than a line breaks after a place's name, nearest the middle
    ("景德镇国家陶瓷文化传承创新试验区管理委员会办公室2023年度政府信息公开工作年度报告",
     ["景德镇国家陶瓷文化传承创新试验区", "管理委员会办公室", "2023年度政府信息公开工作年度报告"]),
    # one line: no break; no year after a name: no meaning to break by
    ("某局2024年度政府信息公开工作年度报告", ["某局2024年度政府信息公开工作年度报告"]),
    ("关于本机关政府信息公开工作情况的年度报告（征求意见稿）",
     ["关于本机关政府信息公开工作情况的年度报告（征求意见稿）"]),
])
def test_the_title_is_broken_by_meaning(title: str, lines: list[str]) -> None:
    assert title_lines(title) == lines
    assert "".join(lines) == title
    assert all(len(line) >= 2 for line in lines)  # never one character alone


def test_the_lines_of_the_title_are_escaped() -> None:
    report = blank_report(load_form("2021"), OFFICE, "x", 2024, dt.date(2025, 1, 5))
    report.title = "A&B<w:t>机关2024年度政府信息公开工作年度报告（征求意见稿）"
    assert render_context(report)["title"] == (
        'A&amp;B&lt;w:t&gt;机关</w:t><w:br/><w:t xml:space="preserve">'
        "2024年度政府信息公开工作年度报告（征求意见稿）")
