"""The prose of a document in the form's terms: title, preamble, the six sections'
paragraphs (by numbered headings, variants tolerated and noted), signature and date."""

from __future__ import annotations

import re

from nianbao.reading.model import LABEL, STRUCTURE, ReadReport
from nianbao.sources.blocks import ParagraphBlock
from nianbao.spec.findings import ERROR, WARNING
from nianbao.spec.form import Form
from nianbao.spec.labels import NAME_ENDS
from nianbao.spec.labels import normalize_label as _norm
from nianbao.spec.page import STYLE_TITLE

_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")


def _heading_of(form: Form, text: str, after: int) -> int | None:
    """The index of the section this paragraph is the heading of, if any: numeral and
    、 first, a keyword of that section in it, and a later section than the current."""
    compact = _norm(text)
    if len(compact) > 40:
        return None
    for i, section in enumerate(form.sections):
        if i > after and compact.startswith(section.numeral) and \
                compact[len(section.numeral):len(section.numeral) + 1] in ("、", ".", "，") and \
                any(k in compact for k in section.keywords):
            return i
    return None


def _title_strength(block: ParagraphBlock) -> int:
    """How surely a paragraph is the title: 2 for a short line naming the annual report,
    1 for one only in nianbao's title style or a web page's main heading (h1, as
    nianbao's page has it), 0 for none. A line in the title style that names no report
    after the title ("此件公开发布", typed below the title in Word, which keeps its style)
    is not the title but the first line of the preamble."""
    text = block.text.strip()
    if len(text) <= 80 and "政府信息公开" in text and ("年度报告" in text or "年报" in text) \
            and not text.endswith(("。", "：", ":")):
        return 2
    return 1 if block.style in (STYLE_TITLE, "h1") else 0


_YEAR_FIRST = re.compile(r"^\d{4}\s*年")


def _whole_title(before: str, title: str) -> str:
    """A title set on two lines as two paragraphs (or a web page's <br>): the office's
    name, then "2023年度政府信息公开工作年度报告". The line before is taken only when it
    is short and ends as a body's name does (not a page's "首页 > 政务公开")."""
    if _YEAR_FIRST.match(title) and 2 <= len(before) <= 40 and before.endswith(NAME_ENDS):
        return before + title
    return title


def read_prose(report: ReadReport, paragraphs: list[ParagraphBlock]) -> None:
    """Title, preamble, the six sections' paragraphs, signature and date."""
    form = report.form
    keys = ["preamble"] + [s.id for s in form.sections]
    report.text = {k: [] for k in keys}
    current = -1
    title_strength = 0
    seen: set[int] = set()
    before = ""  # the paragraph before, while no section has begun
    for block in paragraphs:
        text = block.text
        index = _heading_of(form, text, current)
        if index is not None:
            current = index
            seen.add(index)
            section = form.sections[index]
            if _norm(text).rstrip(":：") != _norm(section.heading):
                report.finding(LABEL, WARNING, "", text.strip(), "",
                               f"标题与正式格式不同，应为“{section.heading}”",
                               section.heading, text.strip())
            continue
        strength = _title_strength(block) if current == -1 else 0
        if strength and strength >= title_strength:
            # the title: what came before it is the page around the report (a web
            # page's navigation, a cover), not its preamble
            report.title, title_strength = _whole_title(before, text.strip()), strength
            report.text["preamble"] = []
            continue
        report.text[keys[current + 1]].append(text.strip())
        before = text.strip() if current == -1 else ""
    _take_signature(report, keys[-1])
    for i, section in enumerate(form.sections):
        if i not in seen:
            report.finding(STRUCTURE, ERROR, "", section.heading, "",
                           f"缺少第{section.numeral}部分“{section.heading}”")


def _take_signature(report: ReadReport, last_key: str) -> None:
    """The signature and date close the last section; they are not its prose, and
    neither are the lines after the date (a 联系人 line, a note on publication)."""
    last = report.text[last_key]
    dates = [i for i, text in enumerate(last) if _DATE.match(text)]
    if not dates:
        return
    report.date, report.closing = last[dates[-1]], last[dates[-1] + 1:]
    del last[dates[-1]:]
    if last and len(last[-1]) <= 40 and "。" not in last[-1]:
        report.signature = last.pop()


