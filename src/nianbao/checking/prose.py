"""What the prose says against the tables (P1–P30), text left over from last year
(Y1–Y3) and draft marks left in the text (T1). Warnings: real reports contradict
themselves, and a sentence may be right in a way no rule foresaw.

Each finding quotes the clause it is about, with its offsets (`Quote`), names the cells
and both numbers, and is decided from the cells that are known: a blank cell is unknown
but never below 0, so "不予公开3件" against known cells that already add up to 5 is a
contradiction even while a sixth cell is blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from nianbao.checking.leftovers import leftover_findings
from nianbao.checking.sentences import Clause, Number, clauses, masked, numbers, plain
from nianbao.report.drafts import DRAFT_RULE, draft_message, marks_in
from nianbao.spec.findings import PROSE, WARNING, Finding, Quote
from nianbao.spec.form import Form
from nianbao.spec.prose import FEES, Cell, CountRule, Meaning, PercentRule, StatementRule
from nianbao.spec.rules import TableValues, is_number
from nianbao.spec.values import Value, format_value

_COUNTED = re.compile(r"\s*(?:件|起|宗|个)")

Lookup = Callable[[Cell], Value]


@dataclass(frozen=True)
class LastYear:
    """Last year's report as the prose rules use it: its tables (a number kept from
    it) and its paragraphs by section (a paragraph kept word for word)."""

    tables: dict[str, TableValues]
    text: dict[str, list[str]]


def prose_findings(form: Form, text: dict[str, list[str]], tables: dict[str, TableValues],
                   *, year: int | None = None, fees: dict[str, int | Decimal] | None = None,
                   last: LastYear | None = None) -> list[Finding]:
    """Every prose finding on a report's paragraphs (`text`: by section id). `fees`: the
    data file's 信息处理费, which a document read back does not state."""
    check = _Check(form, _lookup(tables, fees), _lookup(last.tables, None) if last else None)
    findings = [finding for section, paragraphs in text.items()
                for index, paragraph in enumerate(paragraphs)
                for finding in check.paragraph(section, index, paragraph)]
    return findings + leftover_findings(form, text, year, last.text if last else None)


def _lookup(tables: dict[str, TableValues], fees: dict[str, int | Decimal] | None) -> Lookup:
    def value(cell: Cell) -> Value:
        table_id, key = cell
        if table_id == FEES:
            return None if fees is None else fees.get(key[0])
        return tables.get(table_id, {}).get(key)
    return value


@dataclass(frozen=True)
class _Sum:
    """A meaning's cells as the tables have them: the sum of the known ones, and whether
    one is blank (the sum is then at least `known`)."""

    meaning: Meaning
    known: Decimal
    blank: bool

    def allows(self, number: Decimal) -> bool:
        return self.known <= number if self.blank else self.known == number

    def said(self) -> str:
        if self.blank:
            return f"{self.meaning.says}至少为 {format_value(self.known)}（有空格未填）"
        return f"{self.meaning.says}为 {format_value(self.known)}"


def _sum(meaning: Meaning, value: Lookup) -> _Sum:
    values = [value(cell) for cell in meaning.cells]
    known = [Decimal(v) for v in values if is_number(v)]
    return _Sum(meaning, sum(known, Decimal(0)), len(known) < len(values))


class _Check:
    def __init__(self, form: Form, value: Lookup, last: Lookup | None) -> None:
        self.form, self.value, self.last = form, value, last
        self.counts = [r for r in form.prose if isinstance(r, CountRule)]
        self.statements = [r for r in form.prose if isinstance(r, StatementRule)]
        self.percents = [r for r in form.prose if isinstance(r, PercentRule)]
        self.comparing = re.compile("|".join(map(re.escape, form.comparing))) \
            if form.comparing else None

    def paragraph(self, section: str, index: int, paragraph: str) -> Iterator[Finding]:
        text = plain(paragraph)
        for clause in clauses(text):
            if self.comparing and self.comparing.search(clause.text):
                continue  # 较上年增加5件: a difference, not a quantity of the tables
            quote = Quote(section, index, clause.start, clause.end,
                          paragraph[clause.start:clause.end])
            found = numbers(clause.text)
            before = text[clause.sentence_start:clause.start]
            for number in found:
                finding = self.count(clause, found, number, before, quote)
                if finding is None:
                    finding = self.percent(clause, found, number, text, quote)
                if finding is not None:
                    yield finding
            yield from self.statement(clause, quote)

    def count(self, clause: Clause, found: list[Number], number: Number, before: str,
              quote: Quote) -> Finding | None:
        """The finding on a number the first count rule whose pattern ends at it takes."""
        text = masked(clause.text, found, number)
        for rule in self.counts:
            match = next((m for p in rule.patterns if (m := p.search(text))), None)
            if match is None:
                continue
            if rule.unless and rule.unless.search(clause.text):
                return None  # 办结人大建议12件: about something else
            unit = match.groupdict().get("unit")
            said = number.value * (10_000 if unit == "万元" else 1)
            if not rule.money and said != said.to_integral_value():
                return None
            shown = format_value(said)
            if unit == "万元":  # as the text wrote it, and in the 元 the data file holds
                shown = f"{format_value(number.value)}万元（{shown}元）"
            return self.compare(rule, self.meanings(rule, before + clause.text[:number.start]),
                                said, shown, quote)
        return None

    @staticmethod
    def meanings(rule: CountRule, before: str) -> tuple[Meaning, ...]:
        """The meanings of the word of `by` nearest before the number, else `means`."""
        latest, chosen = -1, rule.means
        for word, means in rule.by:
            ends = [m.end() for m in word.finditer(before)]
            if ends and ends[-1] > latest:
                latest, chosen = ends[-1], means
        return chosen

    def compare(self, rule: CountRule, meanings: tuple[Meaning, ...], said: Decimal,
                shown: str, quote: Quote) -> Finding | None:
        """The finding when `said` fits none of the meanings' sums (`shown`: as the text
        has it)."""
        sums = [_sum(m, self.value) for m in meanings]
        if not sums or any(s.allows(said) for s in sums):
            return None
        first = sums[0]
        # a meaning that adds a cell of 0 says the same number again: name it once
        distinct = [s for i, s in enumerate(sums)
                    if all((s.known, s.blank) != (t.known, t.blank) for t in sums[:i])]
        where = "数据文件" if rule.money else "表中"  # the 信息处理费 are in no table
        message = (f"正文“{quote.text}”：{rule.label}与{where}不一致（正文为 {shown}，"
                   + "；".join(s.said() for s in distinct) + "）")
        if self.last is not None and any(_sum(m, self.last) == _Sum(m, said, False)
                                        for m in meanings):
            message += f"；{shown} 是上年报告中的数，可能未按本年更新"
        return Finding(rule.id, WARNING, PROSE, rule.label, "",
                       None if first.blank else format_value(first.known), format_value(said),
                       message, quote)

    def percent(self, clause: Clause, found: list[Number], number: Number, text: str,
                quote: Quote) -> Finding | None:
        """占33.9%: the count quoted before it over one of the rule's bases."""
        masked_text = masked(clause.text, found, number)
        for rule in self.percents:
            if not rule.pattern.search(masked_text):
                continue
            count = _count_before(text[clause.sentence_start:clause.start + number.start])
            bases = [s for s in (_sum(b, self.value) for b in rule.bases)
                     if not s.blank and s.known > 0]
            if count is None or not bases:
                return None
            digits = -number.value.as_tuple().exponent  # type: ignore[operator]
            tolerance = Decimal(1).scaleb(-digits)
            if any(abs(count * 100 / s.known - number.value) <= tolerance for s in bases):
                return None
            shares = "；".join(
                f"占{s.meaning.says}（{format_value(s.known)}）为 "
                f"{(count * 100 / s.known).quantize(tolerance)}%" for s in bases)
            return Finding(rule.id, WARNING, PROSE, "", "", None, f"{number.value}%",
                           f"正文“{quote.text}”：百分比与件数不符（正文为 {number.value}%，"
                           f"{format_value(count)}件{shares}）", quote)
        return None

    def statement(self, clause: Clause, quote: Quote) -> Iterator[Finding]:
        for rule in self.statements:
            if not rule.pattern.search(clause.text) or (
                    rule.unless and rule.unless.search(clause.text)):
                continue
            above = [(cell, v) for cell in rule.cells
                     if is_number(v := self.value(cell)) and v > 0]
            if above:
                yield Finding(rule.id, WARNING, PROSE, "", "", None, quote.text,
                              f"正文“{quote.text}”：{rule.message}（{self._named(rule, above)}）",
                              quote)

    def _named(self, rule: StatementRule, cells: Sequence[tuple[Cell, Value]]) -> str:
        """The cells above 0 as a clerk finds them: 表四 “行政复议/尚未审结”为 1; the
        data file's 信息处理费 as the form file names it."""
        if any(table_id == FEES for (table_id, _), _ in cells):
            return f"{rule.says}不为 0"
        return "，".join(f"{self.form.tables[table_id].describe(*key)}为 {format_value(v)}"
                        for (table_id, key), v in cells)


def _count_before(text: str) -> Decimal | None:
    """The last count (a number with its counting word) in a text."""
    counts = [n.value for n in numbers(text) if _COUNTED.match(text, n.end)]
    return counts[-1] if counts else None


def draft_findings(texts: Iterable[str]) -> list[Finding]:
    """Draft marks left in the title, the prose or the signature."""
    return [Finding(DRAFT_RULE, WARNING, PROSE, "", "", None, text,
                    f"“{text[:30]}”{draft_message(mark)}")
            for text in texts for mark in marks_in(text)]
