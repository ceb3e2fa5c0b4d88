"""Numbers and statements in the prose against the cells they name (P1–P7), and draft
marks left in the text (T1). Warnings: real reports contradict themselves."""

from __future__ import annotations

import re
from collections.abc import Iterable

from nianbao.report.drafts import DRAFT_RULE, draft_message, marks_in
from nianbao.spec.findings import WARNING, Finding
from nianbao.spec.form import Form
from nianbao.spec.rules import Number, ProseRule, TableValues, total
from nianbao.spec.values import format_value


def prose_findings(form: Form, text: dict[str, list[str]],
                   tables: dict[str, TableValues]) -> list[Finding]:
    findings = []
    paragraphs = [p for key in text for p in text[key]]
    for rule in form.prose:
        expected = total(tables.get(tid, {}).get(cell) for tid, cell in rule.cells)
        for paragraph in paragraphs:
            for match in rule.pattern.finditer(paragraph):
                finding = _prose_finding(rule, match, expected)
                if finding:
                    findings.append(finding)
    return findings


def _prose_finding(rule: ProseRule, match: re.Match[str], expected: Number | None
                   ) -> Finding | None:
    quote = _quote(match)
    if expected is None:
        return None
    if rule.above is not None:  # a statement the cells contradict above this sum
        if expected > rule.above:
            return Finding(rule.id, WARNING, "正文", "", "", None, quote,
                           f"正文“{quote}”：{rule.message}（表中为 {format_value(expected)}）")
        return None
    number = next((int(g) for g in match.groups() if g), None)
    if number is None or number == expected:
        return None
    return Finding(rule.id, WARNING, "正文", "", "", format_value(expected), str(number),
                   f"正文“{quote}”：{rule.message}（正文为 {number}，表中为 "
                   f"{format_value(expected)}）")


def _quote(match: re.Match[str]) -> str:
    """The sentence part around a match, short enough to find it in the document."""
    text = match.string
    start = max(text.rfind(c, 0, match.start()) for c in "。；，,;") + 1
    ends = [i for i in (text.find(c, match.end()) for c in "。；，,;") if i != -1]
    return text[start:min(ends) if ends else len(text)].strip()


def draft_findings(texts: Iterable[str]) -> list[Finding]:
    """Draft marks left in the title, the prose or the signature."""
    return [Finding(DRAFT_RULE, WARNING, "正文", "", "", None, text,
                    f"“{text[:30]}”{draft_message(mark)}")
            for text in texts for mark in marks_in(text)]
