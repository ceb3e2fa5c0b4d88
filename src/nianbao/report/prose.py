"""The prose of a report as it prints: the clerk's own paragraphs, and standard
paragraphs (config/boilerplate.yaml) that quote the tables' own numbers, so a sentence
such as 收到N件 can never disagree with table 三.

Standard texts are Jinja templates rendered in a sandbox (StrictUndefined, no Python
internals) to plain text; escaping for Word or HTML happens later, once, where text
enters the document. Jinja is imported only when a standard paragraph is rendered:
reading and checking a report never load it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from nianbao.report.model import Paragraph, Report
from nianbao.resources import read_config
from nianbao.spec.values import format_value

if TYPE_CHECKING:
    from jinja2 import Template

# A run-in sub-heading: （一）…。 at the start of a paragraph, printed in 楷体.
_LEAD = re.compile(r"^\s*[（(][一二三四五六七八九十]{1,3}[)）][^。：:！？]{0,40}?[。：:]")
_HEADING_ONLY = re.compile(r"^\s*[（(][一二三四五六七八九十]{1,3}[)）][^。]{0,40}$")


def _standard() -> dict[str, dict[str, str]]:
    paragraphs: dict[str, dict[str, str]] = read_config("boilerplate.yaml")["paragraphs"]
    return paragraphs


def standard_ids() -> list[str]:
    return list(_standard())


def standard_label(paragraph_id: str) -> str:
    """What a standard paragraph says, in a few Chinese words (for data files)."""
    return _standard()[paragraph_id]["label"]


@cache
def _compiled(paragraph_id: str) -> Template:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    env.filters["num"] = format_value
    source = "".join(line.strip() for line in _standard()[paragraph_id]["text"].splitlines())
    return env.from_string(source)


def context(report: Report) -> dict[str, Any]:
    """What a standard paragraph may quote: the office, the year, the notice, the fees
    and every cell by its path (t3.received.total)."""
    ctx: dict[str, Any] = {
        "office": report.office,
        "year": report.year,
        "notice": report.form.notice,
        "fees": report.fees,
    }
    ctx.update({tid: report.form.tables[tid].nested(values)
                for tid, values in report.tables.items()})
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


def split_lead(text: str) -> tuple[str, str]:
    """A paragraph's run-in sub-heading (（一）主动公开方面。) and the rest."""
    if _HEADING_ONLY.match(text):
        return text, ""
    match = _LEAD.match(text)
    return (text[: match.end()], text[match.end():]) if match else ("", text)
