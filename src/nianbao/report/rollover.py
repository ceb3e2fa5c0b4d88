"""Rollover: next year's draft from this year's report.

What carries over is what the form's across-year rules say carries over (X1: 上年结转
= last year's 结转下年度; X2: 现行有效件数 starts from last year's; X3: 上一年项目数量 =
last year's plus its 增/减): each rule's expectations, the same the checker applies, fill
the draft, so it passes `check --previous` by construction. Every other count starts at
0; last year's own text is kept as a draft, each paragraph marked 【待更新】 so that
nobody publishes last year's words by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao.report.blank import blank_report
from nianbao.report.drafts import draft_marks
from nianbao.report.model import Paragraph, Report
from nianbao.spec.form import Form, form_for_year
from nianbao.spec.rules import TableValues, is_number, total


@dataclass
class Rollover:
    report: Report
    notes: list[str] = field(default_factory=list)


def _carry(last: Report, form: Form, typed: dict[str, TableValues],
           notes: dict[tuple[str, str], str]) -> None:
    """Fill this year's typed cells that an across-year rule ties to last year's."""
    review = draft_marks()[1]
    for rule in form.across_years:
        if not rule.applies(form.version, last.form.version):
            continue
        table, values = form.tables[rule.table], typed[rule.table]
        for cell, terms in rule.expectations(table, values, last.tables[rule.table]):
            expected = total(terms)
            if cell in values and expected is not None:
                values[cell] = expected
                if rule.draft_note:
                    notes[(rule.table, cell[0])] = review + rule.draft_note


def _balance(form: Form, typed: dict[str, TableValues],
             notes: dict[tuple[str, str], str]) -> None:
    """Keep the draft's balance rules (R3.3) true: what was carried over and not yet
    handled is still to be carried forward. The balancing row is marked for review."""
    for tid, values in typed.items():
        derived = form.derive(tid, values)
        for eq in form.equations(tid):
            if not eq.balance:
                continue
            expected = eq.expected(derived)
            if eq.blamed in values and is_number(expected) and expected != values[eq.blamed]:
                values[eq.blamed] = expected
                notes[(tid, eq.blamed[0])] = (f"{draft_marks()[1]}按上年结转暂填（尚未办结），"
                                              "办结后请改")


def _switched_form(last: Report, form: Form) -> list[str]:
    """What a draft of another form drops and newly needs (2020 → 2021): the tables
    whose columns differ between the two forms (table 二)."""
    notes = []
    for tid, new in form.tables.items():
        old = last.form.tables[tid]
        if {c.id for c in old.columns} == {c.id for c in new.columns}:
            continue
        dropped = [f"{c.row.label}“{c.column.label}”" for c in old.cells()
                   if last.tables[tid].get(c.key)]
        needed = [f"{c.row.label}“{c.column.label}”" for c in new.cells()]
        notes.append(f"表格格式由 {last.form.version} 改为 {form.version}（{form.notice}）："
                     f"{new.key}的栏目已变化，请按新格式填写：" + "、".join(needed))
        if dropped:
            notes.append(f"旧格式{old.key}中的以下数字在新格式中没有对应栏目，未转入："
                         + "、".join(dropped))
    return notes


def roll_over(last: Report) -> Rollover:
    year = last.year + 1
    form = form_for_year(year)
    draft = blank_report(form, last.office, last.office_ref, year)
    result = Rollover(draft)
    typed = {tid: form.tables[tid].typed(values) for tid, values in draft.tables.items()}
    _carry(last, form, typed, draft.row_notes)
    _balance(form, typed, draft.row_notes)
    draft.tables = {tid: form.derive(tid, values) for tid, values in typed.items()}
    review = draft_marks()[1]
    draft.text = {
        key: [p if p.standard else Paragraph(text=review + (p.text or "")) for p in paragraphs]
        for key, paragraphs in last.text.items()
    }
    if last.title:
        draft.title = last.title.replace(f"{last.year}年", f"{year}年")
    if form is not last.form:
        result.notes += _switched_form(last, form)
    return result
