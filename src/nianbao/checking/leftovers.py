"""Text left over from last year's report (Y1–Y3): a report is most often started by
copying last year's file, and what is not rewritten shows as last year's 统计期限, a
sentence that opens with last year, or a paragraph word for word as last year's."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nianbao.checking.sentences import plain, sentences
from nianbao.spec.findings import PROSE, WARNING, Finding, Quote
from nianbao.spec.form import Form
from nianbao.spec.prose import LeftoverRule

QUOTED = 30  # characters of a long sentence or paragraph a finding quotes
_SPACE = re.compile(r"\s+")
_LEAD = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）][^。：:]{0,20}[：:]")


def leftover_findings(form: Form, text: dict[str, list[str]], year: int | None,
                      last: dict[str, list[str]] | None) -> list[Finding]:
    """Y1 and Y2 need the report year, Y3 last year's paragraphs."""
    found: list[Finding] = []
    for rule in form.leftovers:
        if rule.kind == "repeated":
            if last is not None:
                found += _repeated(rule, text, last)
        elif year is not None:
            check = _period if rule.kind == "period" else _opening
            found += [f for section, paragraphs in text.items()
                      for i, paragraph in enumerate(paragraphs)
                      for f in check(rule, section, i, paragraph, year)]
    return found


def _quote(section: str, index: int, paragraph: str, start: int, end: int) -> Quote:
    end = min(end, start + QUOTED)
    return Quote(section, index, start, end, paragraph[start:end])


def _period(rule: LeftoverRule, section: str, index: int, paragraph: str,
            year: int) -> Iterator[Finding]:
    """Y1: 统计期限自2022年1月1日起至2022年12月31日止, in the report of 2023."""
    assert rule.pattern is not None
    for match in rule.pattern.finditer(plain(paragraph)):
        start, end = int(match.group("start")), int(match.group("end"))
        if start != year or end != year:
            quote = Quote(section, index, match.start(), match.end(),
                          paragraph[match.start():match.end()])
            yield Finding(rule.id, WARNING, PROSE, "", "", str(year), f"{start}—{end}",
                          f"正文“{quote.text}”：{rule.message}（本报告是{year}年度的，统计期限"
                          f"应为{year}年1月1日至{year}年12月31日）", quote)


def _opening(rule: LeftoverRule, section: str, index: int, paragraph: str,
             year: int) -> Iterator[Finding]:
    """Y2: "2022年，我局…" in a section of the report of 2023."""
    assert rule.pattern is not None
    if section not in rule.sections:
        return
    for start, sentence in sentences(plain(paragraph)):
        lead = _LEAD.match(sentence)  # （一）主动公开：2022年，…
        offset = start + (lead.end() if lead else 0)
        match = rule.pattern.match(plain(paragraph)[offset:])
        if match and int(match.group("year")) == year - 1:
            quote = _quote(section, index, paragraph, offset, start + len(sentence))
            yield Finding(rule.id, WARNING, PROSE, "", "", str(year), str(year - 1),
                          f"正文“{quote.text}”：{rule.message}（本报告是{year}年度的）", quote)


def _compact(text: str) -> str:
    return _SPACE.sub("", text)


def _repeated(rule: LeftoverRule, text: dict[str, list[str]],
              last: dict[str, list[str]]) -> Iterator[Finding]:
    """Y3: a long paragraph last year's report has word for word."""
    kept = {_compact(p) for paragraphs in last.values() for p in paragraphs}
    for section, paragraphs in text.items():
        for index, paragraph in enumerate(paragraphs):
            compact = _compact(paragraph)
            if len(compact) < rule.min_length or compact not in kept or (
                    rule.unless and rule.unless.search(paragraph)):
                continue
            stripped = len(paragraph) - len(paragraph.lstrip())
            quote = _quote(section, index, paragraph, stripped, len(paragraph))
            yield Finding(rule.id, WARNING, PROSE, "", "", None, quote.text,
                          f"正文“{quote.text}”所在段落：{rule.message}", quote)
