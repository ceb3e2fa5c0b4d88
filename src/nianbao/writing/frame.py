"""The fixed text of a template: what a clerk typed around the report's placeholders (a
line below the title, a note under a table, a 联系人 line after the date, a run in the
title), found once per template so that it is kept and checked as exactly as the data.

The template is rendered once with a mark in every place the report's prose goes: the
title, signature and date, and two paragraphs in every part's loop (one with a run-in
heading, one without). Read back, the marks show the template's frame: its paragraphs
in order, each either fixed text or a slot that the report's text fills, with whatever
the clerk typed in the same paragraph before and after it. The reader must also find
each mark where it belongs (a part's paragraphs under that part's heading, the title as
the title, the date as the date), or the template is refused naming the placeholder.

A rendered report then has to print exactly the frame's paragraphs: the fixed text as
in the template, and in each slot the report's paragraphs, all of them, in order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from nianbao.datafile.settings import settings
from nianbao.errors import Unusable
from nianbao.reading.document import read_document_xml
from nianbao.reading.model import ReadReport
from nianbao.report.blank import blank_report
from nianbao.report.model import Paragraph, Report
from nianbao.report.office import Office
from nianbao.report.prose import resolve_text
from nianbao.sources.blocks import UnreadableSource
from nianbao.sources.docx.package import MAIN_DOCUMENT
from nianbao.spec.form import Form, load_form
from nianbao.writing.filler import (
    VALUE_TAGS,
    CompiledTemplate,
    TemplateProblem,
    placeholder,
    render_context,
    values,
)

_MARK = re.compile(r"NB\d{3}#")
_MARKED_DATE = dt.date(2099, 9, 9)  # a date no template has as fixed text
_MARKED_OFFICE = Office(id="", name="某机关", contact_unit="办公室", phone="0",
                        address="某地", signature="NB000#")


@dataclass(frozen=True)
class Slot:
    """Where a template prints one of the report's texts: `key` is a value ("title",
    "signature", "date") or a part whose paragraphs a loop prints ("preamble", a section
    id); `before` and `after` are the clerk's text in the same paragraph."""

    key: str
    before: str = ""
    after: str = ""

    def fill(self, texts: list[str], shown: Callable[[str], str]) -> list[str]:
        """The paragraphs with text the slot prints for these texts, as shown."""
        printed = (shown(self.before + text + self.after).strip() for text in texts)
        return [paragraph for paragraph in printed if paragraph]


@dataclass(frozen=True)
class Frame:
    """The paragraphs of every document a template renders: fixed text and slots."""

    items: tuple[str | Slot, ...]

    def paragraphs(self, report: Report, shown: Callable[[str], str] = str) -> list[str]:
        """The paragraphs with text a document of this report must hold, in order, as
        a reader gets them back (`shown`: as the medium shows a text)."""
        return [text for text, _ in self._printed(report, shown)]

    def filled(self, key: str, texts: list[str], shown: Callable[[str], str] = str
               ) -> list[str]:
        """The paragraphs the slot of `key` prints for these texts."""
        return next(i for i in self.items if isinstance(i, Slot) and i.key == key).fill(
            texts, shown)

    def differences(self, report: Report, found: list[str],
                    shown: Callable[[str], str] = str) -> list[str]:
        """Each place where a document's paragraphs differ from what it must print: a
        paragraph changed, missing or added (matched as `diff` matches lines, so one
        paragraph missing does not put every later one out of place)."""
        printed = self._printed(report, shown)
        wanted = [text for text, _ in printed]
        problems = []
        matcher = difflib.SequenceMatcher(a=wanted, b=found, autojunk=False)
        for op, w1, w2, f1, f2 in matcher.get_opcodes():
            if op == "equal":
                continue
            missing, added = printed[w1:w2], found[f1:f2]
            if op == "replace":
                problems += [f"{_where(report.form, key)}应为“{a}”，文档中为“{b}”"
                             for (want, key), got in zip(missing, added, strict=False)
                             for a, b in [_where_they_differ(want, got)]]
                missing, added = missing[len(added):], added[len(missing):]
            problems += [f"{_where(report.form, key)}“{_short(want)}”不在文档中"
                         "（模板中的段落循环可能被改动）" for want, key in missing]
            problems += [f"文档中多出段落“{_short(got)}”（模板中的段落循环可能被改动）"
                         for got in added]
        return problems

    def _printed(self, report: Report, shown: Callable[[str], str]
                 ) -> list[tuple[str, str | None]]:
        """Each paragraph to print with the slot it fills (None: fixed text)."""
        texts = _texts(report)
        printed: list[tuple[str, str | None]] = []
        for item in self.items:
            if isinstance(item, str):
                printed.append((item, None))
            else:
                printed += [(p, item.key) for p in item.fill(texts[item.key], shown)]
        return printed


def misplaced(report: Report, read: ReadReport, frame: Frame,
              shown: Callable[[str], str] = str) -> list[str]:
    """The report's texts that the reader of `nianbao check` finds elsewhere than
    where they belong (a paragraph of 五 that reads as a heading, a title that is not
    read as the title), though the document prints them in order."""
    problems = []
    for key, texts in resolve_text(report).items():
        want = frame.filled(key, texts, shown)
        if want and not _holds_run(read.text.get(key, []), want):
            problems.append(f"{part_label(report.form, key)}的段落读回时不全在这一部分"
                            "（有的段落像是标题或落款？）")
    found = {"title": read.title, "signature": read.signature, "date": read.date}
    for key, text in values(report).items():
        want = frame.filled(key, [text], shown)
        if want and want[0] != found[key]:
            problems.append(f"{part_label(report.form, key)}应为“{want[0]}”，"
                            f"文档中读出的是“{found[key]}”")
    return problems


def part_label(form: Form, key: str) -> str:
    """The name a clerk knows a slot by."""
    names = {"title": "标题", "signature": "落款", "date": "成文日期",
             "preamble": settings()["preamble"]["label"]}
    return names.get(key) or f"“{form.section(key).heading}”"


def _where(form: Form, key: str | None) -> str:
    if key is None:
        return "模板中的文字"
    if key in VALUE_TAGS or key == "preamble":  # 标题, 落款, 成文日期, 开头段落
        return part_label(form, key)
    return f"{part_label(form, key)}部分的段落"


def _holds_run(texts: list[str], run: list[str]) -> bool:
    return any(texts[i:i + len(run)] == run for i in range(len(texts) - len(run) + 1))


def _short(text: str, start: int = 0) -> str:
    """Twenty characters of a text from `start`, "…" where it goes on."""
    shown = text[start:start + 20]
    return ("…" if start else "") + shown + ("…" if start + 20 < len(text) else "")


def _where_they_differ(want: str, got: str) -> tuple[str, str]:
    """Both texts shown from a little before their first difference."""
    same = next((i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b),
                min(len(want), len(got)))
    start = max(0, same - 6) if same > 14 else 0
    return _short(want, start), _short(got, start)


def _texts(report: Report) -> dict[str, list[str]]:
    return {**{key: [text] for key, text in values(report).items()}, **resolve_text(report)}


def marked_report(form: Form) -> Report:
    """A blank report of the form with a mark in every text: two paragraphs per part,
    the first with a run-in heading; the title names the report, as a title does."""
    year = form.first_year or form.last_year or 2021
    report = blank_report(form, _MARKED_OFFICE, "", year, _MARKED_DATE)
    count = iter(range(1, 1000))

    def mark() -> str:
        return f"NB{next(count):03d}#"

    title = f"{mark()}政府信息公开工作年度报告"
    text = {key: [Paragraph(text=f"（一）{mark()}。{mark()}"), Paragraph(text=mark())]
            for key in report.text}
    return dataclasses.replace(report, title=title, text=text)


def find_frame(marked: Report, paragraphs: list[str], what: str) -> Frame:
    """The frame of a template from the paragraphs of its document of `marked_report`;
    raises TemplateProblem naming each placeholder that is missing, repeated or
    edited inside. `what` names the template."""
    samples = _texts(marked)
    # what shows that a paragraph holds a sample, or part of one: its marks (the date
    # has none: it is a date no template holds)
    owners = {sign: (key, index) for key, texts in samples.items()
              for index, text in enumerate(texts) for sign in _MARK.findall(text) or [text]}
    items: list[str | Slot] = []
    problems: list[str] = []
    last: tuple[str, int] | None = None
    for paragraph in paragraphs:
        marks = {owner for sign, owner in owners.items() if sign in paragraph}
        if not marks:
            items.append(paragraph)
            last = None
            continue
        (key, index), *others = sorted(marks)
        sample = samples[key][index]
        start = paragraph.find(sample)
        if others or start < 0:
            problems.append(f"模板 {what} 中 {placeholder(key)} 所在的段落被改动（占位符之间"
                            "或同一段中不能再有别的占位符或文字）")
            continue
        slot = Slot(key, paragraph[:start], paragraph[start + len(sample):])
        if index == 0:
            items.append(slot)
        elif last != (key, 0) or items[-1] != slot:
            problems.append(f"模板 {what} 中 {placeholder(key)} 的段落循环被改动"
                            "（循环中只能有一个段落）")
        last = (key, index)
    for key in samples:
        count = sum(1 for i in items if isinstance(i, Slot) and i.key == key)
        if count != 1:
            problems.append(f"模板 {what} 中{'缺少' if count == 0 else '重复了'} "
                            f"{placeholder(key)}")
    if problems:
        raise TemplateProblem(*problems)
    return Frame(tuple(items))


def check_places(marked: Report, read: ReadReport, what: str) -> None:
    """The reader finds each mark where it belongs, or the template puts a text where
    `nianbao check` would not look for it: raises TemplateProblem."""
    problems = []
    if marked.full_title not in read.title:
        problems.append(f"模板 {what} 中的 {placeholder('title')} 读不出是报告的标题"
                        "（应在第一部分之前，用“年报标题”样式）")
    if values(marked)["date"] != read.date:
        problems.append(f"模板 {what} 中的 {placeholder('date')} 读不出是成文日期"
                        "（应在最后一部分之后，单独成段）")
    if marked.office.signature not in read.signature:
        problems.append(f"模板 {what} 中的 {placeholder('signature')} 读不出是落款"
                        "（应在成文日期的上一段）")
    for key, texts in resolve_text(marked).items():
        read_texts = read.text.get(key, [])
        if not all(any(text in r for r in read_texts) for text in texts):
            where = settings()["preamble"]["comment"] if key == "preamble" else \
                f"“{marked.form.section(key).heading}”之下"
            problems.append(f"模板 {what} 中的 {placeholder(key)} 不在{where}")
    if problems:
        raise TemplateProblem(*problems)


@cache
def template_frame(template: CompiledTemplate, form_version: str) -> Frame:
    """The frame of a Word template, for the full reader's read-back (found once per
    process)."""
    what = template.path.name
    _same_form(template, form_version)
    marked = marked_report(load_form(form_version))
    document_xml = template.render_parts(render_context(marked))[MAIN_DOCUMENT]
    try:
        read = read_document_xml(document_xml)
    except UnreadableSource:
        raise TemplateProblem(f"模板 {what} 生成的文档不是有效的 XML："
                              "模板可能直接写入了标记（如 |safe），请改用原模板") from None
    except Unusable as exc:
        raise TemplateProblem(f"模板 {what} 生成的文档读不出年报：{exc}") from None
    return frame_of(marked, read, what)


def _same_form(template: CompiledTemplate, form_version: str) -> None:
    """A template of one form cannot print a report of the other (its tables have other
    rows): said plainly before its placeholders fail one by one."""
    try:
        own = read_document_xml(template.source(MAIN_DOCUMENT)).form.version
    except Unusable:
        return  # no tables of the report to tell by: the read-back names what is wrong
    if own != form_version:
        form = load_form(form_version)
        raise TemplateProblem(f"模板 {template.path.name} 是 {own} 格式的，此报告是 "
                              f"{form_version} 格式（{form.notice}）：请用 {form_version} "
                              "格式的模板")


def frame_of(marked: Report, read: ReadReport, what: str) -> Frame:
    """The frame of a document of `marked_report` as read back, its places checked
    (once every placeholder is there once: a missing one is not also out of place)."""
    frame = find_frame(marked, read.paragraphs, what)
    check_places(marked, read, what)
    return frame
