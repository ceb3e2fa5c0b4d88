"""Standard paragraphs (config/boilerplate.yaml): prose that quotes the tables' own
numbers, so a sentence such as 收到N件 can never disagree with table 三.

Standard texts are Jinja templates rendered in a sandbox to plain text; escaping for
Word happens later, once, where text enters the document XML.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

from nianbao.report.model import Paragraph, Report
from nianbao.resources import read_config
from nianbao.spec.rules import TableValues
from nianbao.spec.values import format_value


@cache
def _standard() -> dict[str, dict[str, str]]:
    return read_config("boilerplate.yaml")["paragraphs"]


def standard_ids() -> list[str]:
    return list(_standard())


def standard_label(paragraph_id: str) -> str:
    """What a standard paragraph says, in a few Chinese words (for data files)."""
    return _standard()[paragraph_id]["label"]


@cache
def _compiled(paragraph_id: str) -> Template:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    env.filters["num"] = format_value
    source = "".join(line.strip() for line in _standard()[paragraph_id]["text"].splitlines())
    return env.from_string(source)


def _nested(values: TableValues) -> dict[str, Any]:
    """Cells by id as nested dicts: (row, "a.b") -> {row: {a: {b: v}}}; a single-row
    table's lone row ("-") is dropped so templates say t4.review.total."""
    out: dict[str, Any] = {}
    for (row, column), value in values.items():
        node = out if row == "-" else out.setdefault(row, {})
        *parents, leaf = column.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def context(report: Report) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "office": report.office,
        "year": report.year,
        "notice": report.form.notice,
        "fees": report.fees,
    }
    ctx.update({tid: _nested(values) for tid, values in report.tables.items()})
    return ctx


def paragraph_text(paragraph: Paragraph, ctx: dict[str, Any]) -> str:
    if paragraph.standard is None:
        return paragraph.text or ""
    return _compiled(paragraph.standard).render(ctx).strip()


def resolve_text(report: Report) -> dict[str, list[str]]:
    """Every paragraph of the report as the text that will be printed."""
    uses_standard = any(p.standard for ps in report.text.values() for p in ps)
    ctx = context(report) if uses_standard else {}
    return {key: [paragraph_text(p, ctx) for p in paragraphs]
            for key, paragraphs in report.text.items()}
