"""`nianbao rollover`: next year's draft from this year's data file.

What carries over is what the form's across-year rules say carries over (X1: 上年结转
= last year's 结转下年度; X2: 现行有效件数 starts from last year's; X3: 上一年项目数量 =
last year's plus its 增/减), so the draft passes `check --previous` by construction.
Every other count starts at 0; last year's own text is kept as a draft, each paragraph
marked 【待更新】 so that nobody publishes last year's words by mistake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from nianbao.datafile.reader import blank_report, draft_marks
from nianbao.spec.form import Form, Table, form_for_year
from nianbao.report.model import Paragraph, Report
from nianbao.spec.rules import TableValues, derive, equations


@dataclass
class Rollover:
    report: Report
    notes: list[str] = field(default_factory=list)


def _carried(rule_spec: dict, table: Table, last: TableValues, typed: TableValues,
             notes: dict[tuple[str, str], str]) -> None:
    """Fill this year's cells that an across-year rule ties to last year's."""
    kind = rule_spec["kind"]
    if kind == "carry":
        for (row, column), value in last.items():
            if row == rule_spec["last_row"] and (rule_spec["this_row"], column) in typed:
                typed[(rule_spec["this_row"], column)] = value
    elif kind == "stock":
        for row in rule_spec["rows"]:
            typed[(row, rule_spec["stock"])] = last[(row, rule_spec["stock"])]
            notes[(table.id, row)] = (f"{draft_marks()[1]}{table.column_label(rule_spec['stock'])}"
                                      "沿用上年数，请按本年制发、废止核实")
    elif kind == "rollforward":
        for row in rule_spec["rows"]:
            typed[(row, rule_spec["prior"])] = (last[(row, rule_spec["prior"])]
                                               + last[(row, rule_spec["change"])])
            notes[(table.id, row)] = (f"{draft_marks()[1]}{table.column_label(rule_spec['prior'])}"
                                      "按上年数加增/减计算，请核实")


def _balance(form: Form, typed: dict[str, TableValues],
             notes: dict[tuple[str, str], str]) -> None:
    """Keep the draft's balance rules (R3.3) true: what was carried over and not yet
    handled is still to be carried forward. The balancing row is marked for review."""
    for tid in typed:
        derived = derive(form, tid, typed[tid])
        for eq in equations(form, tid):
            if eq.derives or len(eq.left) == 1:
                continue
            cell = eq.right[-1]
            others = sum(derived[k] for k in eq.right[:-1])  # type: ignore[misc]
            value = sum(derived[k] for k in eq.left) - others  # type: ignore[misc]
            if cell in typed[tid] and value != typed[tid][cell]:
                typed[tid][cell] = value
                notes[(tid, cell[0])] = (f"{draft_marks()[1]}按上年结转暂填（尚未办结），"
                                         "办结后请改")


def _switched_form(last: Report, form: Form) -> list[str]:
    """What a draft of another form drops and newly needs (2020 → 2021)."""
    old, new = last.form.tables["t2"], form.tables["t2"]
    dropped = [f"{r.label}“{c.label}”" for r in old.rows for c in old.columns_of(r)
               if last.tables["t2"].get((r.id, c.id))]
    needed = [f"{r.label}“{c.label}”" for r in new.rows for c in new.columns_of(r)]
    notes = [f"表格格式由 {last.form.version} 改为 {form.version}（{form.notice}）："
             f"表二的栏目已变化，请按新格式填写：" + "、".join(needed)]
    if dropped:
        notes.append("旧格式表二中的以下数字在新格式中没有对应栏目，未转入：" + "、".join(dropped))
    return notes


def roll_over(last: Report) -> Rollover:
    year = last.year + 1
    form = form_for_year(year)
    draft = blank_report(form, last.office, last.office_ref, year, dt.date(year + 1, 1, 20))
    result = Rollover(draft)
    typed = {tid: {k: v for k, v in values.items() if not form.tables[tid].is_derived(*k)}
             for tid, values in draft.tables.items()}
    for rule in form.across_years:
        forms = rule.spec.get("forms")
        if forms and not (last.form.version in forms and form.version in forms):
            continue
        tid = rule.spec["table"]
        _carried(rule.spec, form.tables[tid], last.tables[tid], typed[tid], draft.row_notes)
    _balance(form, typed, draft.row_notes)
    draft.tables = {tid: derive(form, tid, values) for tid, values in typed.items()}
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
