"""The prose as it prints: the clerk's paragraphs as typed, standard paragraphs quoting
the tables' own numbers, run-in sub-headings set off."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from strategies import OFFICE, reports

from nianbao.report.blank import blank_report
from nianbao.report.model import Paragraph, Report
from nianbao.report.prose import (
    context,
    resolve_text,
    split_lead,
    standard_ids,
    standard_label,
    standard_paragraphs,
    standard_texts,
)
from nianbao.spec.form import load_form


def _report() -> Report:
    return blank_report(load_form("2021"), OFFICE, "x", 2024, dt.date(2025, 1, 5))


def _set(report: Report, tid: str, cells: dict[tuple[str, str], int]) -> None:
    form = report.form
    report.tables[tid] = form.derive(tid, form.tables[tid].typed(report.tables[tid]) | cells)


@pytest.mark.parametrize(("text", "lead", "rest"), [
    ("（一）主动公开方面。本年度共发布信息。", "（一）主动公开方面。", "本年度共发布信息。"),
    ("(二)依申请公开：本年度收到申请。", "(二)依申请公开：", "本年度收到申请。"),
    ("（三）政府信息管理", "（三）政府信息管理", ""),  # a heading on its own line
    ("本年度，我办加强了管理。", "", "本年度，我办加强了管理。"),
    ("一、总体情况", "", "一、总体情况"),  # a section heading is no run-in sub-heading
])
def test_split_lead(text: str, lead: str, rest: str) -> None:
    assert split_lead(text) == (lead, rest)


def test_standard_paragraphs_quote_the_tables() -> None:
    report = _report()
    report.text["requests"] = [Paragraph(standard="requests")]
    assert resolve_text(report)["requests"] == ["本年度未收到政府信息公开申请。"]
    _set(report, "t3", {("received", "natural"): 7, ("carried_over", "legal"): 1,
                        ("disclosed", "natural"): 5, ("carried_forward", "natural"): 2,
                        ("carried_forward", "legal"): 1})
    assert resolve_text(report)["requests"] == [
        "本年度共收到政府信息公开申请7件，上年结转1件，办结5件，结转下年度继续办理3件。"]


def test_standard_paragraphs_quote_the_office_and_year() -> None:
    report = _report()
    text = resolve_text(report)
    assert text["overview"][0] == ("本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。"
                                   "如对本报告有疑问，请与办公室联系（地址：某某县某某路1号；"
                                   "电话：0000-1234567）。")
    assert "（国办公开办函〔2021〕30号）要求，某某县人民政府办公室编制了2024年度" in \
        text["preamble"][0]


def test_a_clerks_text_is_printed_as_typed() -> None:
    report = _report()
    typed = "{{ office.name }} {% if true %}<b>&</b>{% endif %}"
    report.text["problems"] = [Paragraph(text=typed)]
    assert resolve_text(report)["problems"] == [typed]


def test_the_context_has_every_cell_by_its_path() -> None:
    report = _report()
    ctx = context(report)
    assert ctx["t3"]["received"]["total"] == 0 and ctx["t4"]["review"]["total"] == 0
    assert (ctx["year"], ctx["notice"], ctx["office"]) == (2024, "国办公开办函〔2021〕30号",
                                                          OFFICE)


def test_every_standard_paragraph_has_a_label() -> None:
    assert standard_ids() == ["opening", "period_contact", "requests", "appeals", "fees"]
    assert all(re.search(r"[\u4e00-\u9fff]", standard_label(i)) for i in standard_ids())


def test_standard_texts_leave_out_what_the_cells_cannot_say() -> None:
    """An imported report may keep a blank cell (its 总计 then left out) or "—": a
    standard paragraph that needs a sum of them is not offered for matching."""
    report = _report()
    assert standard_texts(report)["fees"] == "本年度未收取信息处理费。"
    assert set(standard_texts(report)) == set(standard_ids())
    report.tables["t4"] = {k: v for k, v in report.tables["t4"].items()
                           if k[1] not in ("review.upheld", "review.total")}
    report.tables["t3"][("received", "total")] = "—"
    texts = standard_texts(report)
    assert set(texts) == set(standard_ids()) - {"appeals"}
    assert texts["requests"].startswith("本年度共收到政府信息公开申请—件")


@settings(max_examples=30, deadline=None)
@given(reports())
def test_a_printed_standard_paragraph_has_its_shape(report: Report) -> None:
    """The pattern read from a standard paragraph's source (no Jinja) matches whatever
    it prints, so an import that skips Jinja for a text of another shape misses none."""
    from dataclasses import replace

    from nianbao.report.prose import _has_shape

    for office in (report.office, replace(report.office, website="网站", postcode="350400",
                                          email="a@b.cn")):
        report.office = office
        for paragraph_id, text in standard_texts(report).items():
            assert _has_shape(paragraph_id, text), (paragraph_id, text)
        assert standard_paragraphs(report, standard_texts(report).values()) == {
            text: paragraph_id for paragraph_id, text in standard_texts(report).items()}


def test_standard_paragraphs_are_exact() -> None:
    report = _report()
    _set(report, "t4", {("-", "review.upheld"): 2})
    assert standard_paragraphs(report, [
        "本年度因政府信息公开被申请行政复议2件、提起行政诉讼0件。",
        "本年度因政府信息公开被申请行政复议3件、提起行政诉讼0件。",  # other numbers
        "  本年度未收取\n信息处理费。",  # lines joined, as a data file keeps them
        "本年度未收取信息处理费。",
        "本年度未收取信息处理费。另：无。",
    ]) == {"本年度因政府信息公开被申请行政复议2件、提起行政诉讼0件。": "appeals",
           "  本年度未收取\n信息处理费。": "fees", "本年度未收取信息处理费。": "fees"}


def test_the_shape_of_a_standard_paragraph_is_read_without_jinja() -> None:
    from nianbao.report.prose import _fits, _shapes

    shape = ("本年度共发出收费通知", None, "件，收取信息处理费", None, "元。")
    assert _shapes("fees") == (("本年度未收取信息处理费。",), shape, ())
    assert len(_shapes("period_contact") or ()) == 8  # website, postcode, e-mail: each or not
    assert _fits("本年度共发出收费通知件，收取信息处理费元。", shape)  # a value may be empty
    assert _fits("本年度共发出收费通知3件，收取信息处理费件，收取信息处理费5元。", shape)
    assert not _fits("另：本年度共发出收费通知3件，收取信息处理费5元。", shape)
    assert not _fits("本年度共发出收费通知3件，收取信息处理费5元。另", shape)
    assert not _fits("本年度共发出收费通知元。", shape)
    assert _fits("", ()) and not _fits("本年度", ())
    # a hostile paragraph of the words over and over is answered at once
    assert not _fits("本年度共发出收费通知" + "件，收取信息处理费" * 100_000, shape)
