"""The prose of a document in the form's terms: title, preamble, the six sections'
paragraphs (by numbered headings, variants tolerated and noted), signature and date."""

from __future__ import annotations

import re

from nianbao.reading.model import LABEL, STRUCTURE, ReadReport
from nianbao.sources.blocks import ParagraphBlock
from nianbao.spec.findings import ERROR, WARNING
from nianbao.spec.form import Form
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


def _is_title(block: ParagraphBlock) -> bool:
    """The title: in nianbao's title style, a web page's main heading (h1, as nianbao's
    page has it), or a short line naming the annual report."""
    text = block.text.strip()
    return block.style in (STYLE_TITLE, "h1") or (
        len(text) <= 80 and "政府信息公开" in text and ("年度报告" in text or "年报" in text)
        and not text.endswith(("。", "：", ":")))


def read_prose(report: ReadReport, paragraphs: list[ParagraphBlock]) -> None:
    """Title, preamble, the six sections' paragraphs, signature and date."""
    form = report.form
    keys = ["preamble"] + [s.id for s in form.sections]
    report.text = {k: [] for k in keys}
    current = -1
    seen: set[int] = set()
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
        if current == -1 and _is_title(block):
            # the title: what came before it is the page around the report (a web
            # page's navigation, a cover), not its preamble
            report.title = text.strip()
            report.text["preamble"] = []
            continue
        report.text[keys[current + 1]].append(text.strip())
    _take_signature(report, keys[-1])
    for i, section in enumerate(form.sections):
        if i not in seen:
            report.finding(STRUCTURE, ERROR, "", section.heading, "",
                           f"缺少第{section.numeral}部分“{section.heading}”")


def _take_signature(report: ReadReport, last_key: str) -> None:
    """The signature and date close the last section; they are not its prose."""
    last = report.text[last_key]
    if last and _DATE.match(last[-1]):
        report.date = last.pop()
        if last and len(last[-1]) <= 40 and "。" not in last[-1]:
            report.signature = last.pop()


