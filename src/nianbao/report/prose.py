"""The prose of a report as it prints: the clerk's own paragraphs, and standard
paragraphs (config/boilerplate.yaml) that quote the tables' own numbers, so a sentence
such as 收到N件 can never disagree with table 三.

Standard texts are Jinja templates rendered in a sandbox (StrictUndefined, no Python
internals) to plain text; escaping for Word or HTML happens later, once, where text
enters the document. Jinja is imported only when a standard paragraph is rendered:
reading and checking a report never load it, and an import loads it only for a
paragraph whose shape is that of a standard paragraph (`standard_paragraphs`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
_TAG = re.compile(r"({{.*?}}|{%.*?%}|{#.*?#})")


def _standard() -> dict[str, dict[str, str]]:
    paragraphs: dict[str, dict[str, str]] = read_config("boilerplate.yaml")["paragraphs"]
    return paragraphs


def standard_ids() -> list[str]:
    return list(_standard())


def standard_label(paragraph_id: str) -> str:
    """What a standard paragraph says, in a few Chinese words (for data files)."""
    return _standard()[paragraph_id]["label"]


def joined_lines(text: str) -> str:
    """Text as a data file keeps a paragraph: each line stripped, the lines joined
    (Chinese prose has no spaces between lines)."""
    return "".join(line.strip() for line in text.splitlines())


def _source(paragraph_id: str) -> str:
    return joined_lines(_standard()[paragraph_id]["text"])


@cache
def _compiled(paragraph_id: str) -> Template:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    env.filters["num"] = format_value
    return env.from_string(_source(paragraph_id))


Shape = tuple[str | None, ...]  # fixed words in order; None where a value is printed
_MAX_SHAPES = 64  # more combinations of `if` branches than this: every text may be it


@cache
def _shapes(paragraph_id: str) -> tuple[Shape, ...] | None:
    """Every shape a standard paragraph can print, read from its source without Jinja:
    one per choice of branch (or none) of each `if`. None when it uses a tag this does
    not know (a loop, a macro): then any text may be it."""
    frames: list[list[list[list[str | None]]]] = [[[[]]]]  # per open `if`: its branches
    for token in filter(None, _TAG.split(_source(paragraph_id))):
        word = token[2:-2].strip("-+ ").split(" ", 1)[0]
        current = frames[-1][-1]
        if token.startswith("{{") or not token.startswith(("{%", "{#")):
            part = None if token.startswith("{{") else token
            for sequence in current:
                sequence.append(part)
        elif token.startswith("{#") or word == "set":
            continue
        elif word == "if":
            frames.append([[[]]])
        elif word in ("elif", "else") and len(frames) > 1:
            frames[-1].append([[]])
        elif word == "endif" and len(frames) > 1:
            taken = [seq for branch in frames.pop() for seq in branch] + [[]]
            frames[-1][-1] = [a + b for a in frames[-1][-1] for b in taken]
            if len(frames[-1][-1]) > _MAX_SHAPES:
                return None
        else:
            return None
    if len(frames) > 1:
        return None
    return tuple(dict.fromkeys(_merged(seq) for seq in frames[0][0]))


def _merged(sequence: list[str | None]) -> Shape:
    """Adjacent fixed words joined, adjacent values one: words then always alternate
    with values, which is what makes `_fits` exact."""
    out: list[str | None] = []
    for part in sequence:
        if out and part is None and out[-1] is None:
            continue
        if out and part is not None and out[-1] is not None:
            out[-1] = out[-1] + part
        else:
            out.append(part)
    return tuple(out)


def _fits(text: str, shape: Shape) -> bool:
    """Whether a text is these fixed words in order, anything (or nothing) where a
    value is: the first word at the start, the last at the end, the others found
    earliest-first (exact, since a value lies between any two words; linear, so a
    hostile paragraph costs no backtracking)."""
    parts, start, end = list(shape), 0, len(text)
    if parts and parts[0] is not None:
        if not text.startswith(parts[0]):
            return False
        start = len(parts.pop(0) or "")
        if not parts:
            return start == end
    if parts and parts[-1] is not None:
        last = parts.pop() or ""
        if not text.endswith(last) or end - len(last) < start:
            return False
        end -= len(last)
    for part in parts:
        if part is not None:
            found = text.find(part, start, end)
            if found < 0:
                return False
            start = found + len(part)
    return bool(shape) or not text


def _has_shape(paragraph_id: str, text: str) -> bool:
    shapes = _shapes(paragraph_id)
    return shapes is None or any(_fits(text, shape) for shape in shapes)


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


def standard_texts(report: Report) -> dict[str, str]:
    """Every standard paragraph as this report would print it (what an import matches
    its paragraphs against). One that cannot be rendered with the report's values is
    left out: an imported report may keep a blank or "—" cell where a sum needs a
    number."""
    from jinja2 import TemplateError

    ctx = context(report)
    texts = {}
    for paragraph_id in standard_ids():
        try:
            texts[paragraph_id] = paragraph_text(Paragraph(standard=paragraph_id), ctx)
        except (TemplateError, TypeError, ArithmeticError):
            continue
    return texts


def standard_paragraphs(report: Report, texts: Iterable[str]) -> dict[str, str]:
    """Of these texts, each that reads exactly as a standard paragraph printed with this
    report's numbers and office (lines joined, `joined_lines`, on both sides), with
    that paragraph's id. Jinja is loaded only if a text has the shape of one."""
    shaped = {t: joined_lines(t) for t in texts
              if any(_has_shape(i, joined_lines(t)) for i in standard_ids())}
    if not shaped:
        return {}
    printed: dict[str, str] = {}
    for paragraph_id, text in standard_texts(report).items():
        printed.setdefault(joined_lines(text), paragraph_id)
    return {text: printed[key] for text, key in shaped.items() if key in printed}


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
