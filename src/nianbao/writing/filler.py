"""Filling a Word template with a report.

A `CompiledTemplate` reads the template package once: the parts that carry Jinja tags
are cleaned of Word's run splitting (docxtpl's `patch_xml`, the well-tested part of
docxtpl) and compiled in a sandboxed, autoescaping, strict environment; every other
part is compressed once and copied into each document as it is. Rendering a report
then costs one Jinja render per tagged part and one zip write, instead of docxtpl's
full re-parse and re-compile per document.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import (
    DictLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    UndefinedError,
    nodes,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from nianbao.errors import Unusable
from nianbao.report.model import Report, chinese_date
from nianbao.report.prose import resolve_text, split_lead
from nianbao.spec.labels import NAME_ENDS
from nianbao.spec.page import TEXT_WIDTH, TITLE_SIZE
from nianbao.spec.values import format_value
from nianbao.writing.zipout import CompressedPart, write_package

RENDERED_LEVEL = 1  # rendered XML is small and highly redundant: fast deflate is enough

_TAG = re.compile(rb"\{\{|\{%")


class TemplateProblem(Unusable):
    """The template cannot be used: not a .docx, a broken tag, a forbidden expression,
    a placeholder missing or out of place (writing/frame.py); one line each."""

    def __init__(self, message: str, *more: str) -> None:
        super().__init__(message)
        self.problems = [message, *more]

    def lines(self) -> list[str]:
        return self.problems


# The placeholders of the report's prose as the built-in templates write them: a value
# of one paragraph, and a loop over a part's paragraphs (a run-in heading, then the rest)
VALUE_TAGS = {"title": "{{ title }}", "signature": "{{ signature }}", "date": "{{ date }}"}
LEAD_TAG, BODY_TAG = "{{ p.lead }}", "{{ p.body }}"


def loop_tags(key: str) -> tuple[str, str]:
    """The paragraphs that open and close the loop over the paragraphs of a part."""
    return f"{{%p for p in text.{key} %}}", "{%p endfor %}"


def placeholder(key: str) -> str:
    """How a template prints a value of the prose or a part's paragraphs, for a clerk
    told that it is missing."""
    if key in VALUE_TAGS:
        return VALUE_TAGS[key]
    start, end = loop_tags(key)
    return f"{start} {LEAD_TAG}{BODY_TAG} {end}"


# characters of the title's size (二号, 22 pt = 440 twips) on one line of the text block
TITLE_CHARS = TEXT_WIDTH // (TITLE_SIZE * 20)
_YEAR = re.compile(r"\d{4}年")
_LINE_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'  # inside the run of a w:t


def title_lines(title: str) -> list[str]:
    """The title broken by meaning (GB/T 9704 7.3.3): whose report, then which year's
    report ("平潭综合实验区" / "2021年度政府信息公开工作年度报告"); a name longer than a
    line broken after an organ's or a place's name, so no line leaves one character
    alone. A title that fits one line, or names no year after a name, stays whole."""
    year = _YEAR.search(title)
    if len(title) <= TITLE_CHARS or year is None or year.start() == 0:
        return [title]
    return [*_name_lines(title[:year.start()]), title[year.start():]]


def _broken(lines: list[str]) -> Markup:
    """Lines in one run of a Word paragraph, a line break between: each line escaped,
    the breaks markup, so `{{ title }}` in any template prints the title broken by
    meaning."""
    return Markup(_LINE_BREAK).join(escape(line) for line in lines)


def _name_lines(name: str) -> list[str]:
    """A name in one line, or in two broken after a name ending nearest the middle."""
    if len(name) <= TITLE_CHARS:
        return [name]
    ends = {i + len(end) for end in NAME_ENDS for i in _occurrences(name, end)}
    fits = [e for e in ends if 2 <= e <= TITLE_CHARS and len(name) - e >= 2]
    if not fits:
        return [name]
    cut = min(fits, key=lambda e: abs(len(name) / 2 - e))
    return [name[:cut], name[cut:]]


def _occurrences(text: str, part: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(part), text)]


def values(report: Report) -> dict[str, str]:
    """The report's values of one paragraph each, by the name the template uses."""
    return {"title": report.full_title, "signature": report.office.signature,
            "date": chinese_date(report.date)}


def render_context(report: Report) -> dict[str, Any]:
    """Everything the template refers to, as plain strings (escaped by the template)."""
    text = {
        key: [dict(zip(("lead", "body"), split_lead(p), strict=True)) for p in paragraphs]
        for key, paragraphs in resolve_text(report).items()
    }
    ctx: dict[str, Any] = {**values(report), "text": text,
                           "title": _broken(title_lines(report.full_title))}
    ctx.update({tid: report.form.tables[tid].nested(values, format_value)
                for tid, values in report.tables.items()})
    return ctx


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(SandboxedEnvironment):
    """The sandbox, with `a.b` on the context's plain dicts looked up as an item first.

    Jinja tries `a.b` as an attribute, and only when that fails as an item; the sandbox
    then vets the attribute. A report's context is plain dicts of strings, and `a.b`
    (t3.received.natural: some 600 per report) failing as an attribute first tripled the
    time of a render. A dict's items are what the sandbox's own `a['b']` returns, so
    nothing is exposed; names of dict attributes (items, keys…) keep Jinja's meaning."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def _environment() -> SandboxedEnvironment:
    """Sandboxed (no Python internals), autoescaping (values are text, never markup),
    strict (a missing value is an error), and with a loader that has no templates, so
    {% include %} and {% import %} can reach no file."""
    return _Environment(autoescape=True, undefined=StrictUndefined,
                        keep_trailing_newline=True, loader=DictLoader({}))


def _writes_markup(tree: nodes.Template) -> bool:
    """Whether a template can write text unescaped: a `safe` filter, or autoescape
    switched off in a block."""
    return any(f.name == "safe" for f in tree.find_all(nodes.Filter)) \
        or any(True for _ in tree.find_all(nodes.EvalContextModifier))


@dataclass
class _Part:
    info: zipfile.ZipInfo
    data: bytes
    template: Template | None = None
    compressed: CompressedPart | None = None  # static parts, compressed once


class CompiledTemplate:
    """A Word template prepared once and rendered many times."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            with zipfile.ZipFile(self.path) as package:
                self.parts = [_Part(info, package.read(info)) for info in package.infolist()]
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            raise TemplateProblem(f"模板无法打开（{self.path}）：不是有效的 .docx 文件") from exc
        patcher = DocxTemplate(str(self.path))
        env = _environment()
        self.escapes_everything = True  # no text can become markup (see fastcheck)
        for part in self.parts:
            if part.info.filename.startswith("word/") and part.info.filename.endswith(".xml") \
                    and _TAG.search(part.data):
                xml = patcher.patch_xml(part.data.decode("utf-8"))
                try:
                    tree = env.parse(xml)
                    part.template = env.from_string(tree)
                except TemplateError as exc:
                    raise TemplateProblem(f"模板 {self.path.name} 的占位符有误："
                                          f"{exc.message}") from exc
                self.escapes_everything &= not _writes_markup(tree)
            else:
                part.compressed = CompressedPart.of(part.info.filename, part.data,
                                                    part.info.date_time)

    def source(self, name: str) -> bytes:
        """A part of the template as it is in the file, placeholders unfilled."""
        return next(part.data for part in self.parts if part.info.filename == name)

    def render(self, report: Report) -> bytes:
        """The .docx of a report, as bytes."""
        return self.render_context(render_context(report))

    def render_context(self, ctx: dict[str, Any]) -> bytes:
        """The .docx of a context (a report's, or one made up to calibrate a check)."""
        return self.package(self.render_parts(ctx))

    def render_parts(self, ctx: dict[str, Any]) -> dict[str, bytes]:
        """The XML of the parts that carry tags, by part name, filled from a context."""
        return {part.info.filename: self._render_part(part, ctx)
                for part in self.parts if part.template is not None}

    def package(self, rendered: dict[str, bytes]) -> bytes:
        """The .docx: the rendered parts compressed, every other part copied."""
        return write_package([
            part.compressed or CompressedPart.of(part.info.filename,
                                                 rendered[part.info.filename],
                                                 part.info.date_time, level=RENDERED_LEVEL)
            for part in self.parts
        ])

    def _render_part(self, part: _Part, ctx: dict[str, Any]) -> bytes:
        assert part.template is not None
        try:
            return part.template.render(ctx).encode("utf-8")
        except SecurityError as exc:
            raise TemplateProblem(f"模板 {self.path.name} 含有不允许的表达式：{exc}") from exc
        except TemplateNotFound as exc:
            raise TemplateProblem(f"模板 {self.path.name} 试图引用其他文件（{exc.name}），"
                                  "模板只能使用报告数据") from exc
        except UndefinedError as exc:
            raise TemplateProblem(f"模板 {self.path.name} 引用了数据中没有的值：{exc.message}") \
                from exc
        except TemplateError as exc:
            raise TemplateProblem(f"模板 {self.path.name} 无法填充：{exc.message}") from exc
