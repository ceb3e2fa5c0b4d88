"""The table rules of the form (R2.1–R4.1) applied to a report's cells, whatever they
came from: a data file, a rendered document, a clerk's hand-made table (errors); and
the one typed cell that, mistyped, explains the totals that fail (C1)."""

from __future__ import annotations

from nianbao.spec.findings import ERROR, WARNING, Finding, wrong_cell
from nianbao.spec.form import Form
from nianbao.spec.rules import TableValues, TypeRule
from nianbao.spec.tables import Table
from nianbao.spec.values import format_value, type_problem


def _type_findings(rule: TypeRule, table: Table, values: TableValues) -> list[Finding]:
    findings = []
    for cell in table.cells():
        if cell.key not in values:  # not read at all: reported as a missing row or column
            continue
        value = values[cell.key]
        problem = type_problem(cell.column.type, value)
        if problem:
            findings.append(Finding(
                rule.id, ERROR, table.key, cell.row.label, table.column_label(cell.key[1]),
                "0" if value is None else None, format_value(value) if value is not None else "",
                f"{table.describe(*cell.key)}：{problem}（{rule.message}）"))
    return findings


def table_findings(form: Form, tables: dict[str, TableValues]) -> list[Finding]:
    """Every rule of the form applied to the tables; cells that are not numbers are
    reported by the type rules and left out of the sums."""
    findings: list[Finding] = []
    for type_rule in form.type_rules:
        for tid in type_rule.tables:
            findings += _type_findings(type_rule, form.tables[tid], tables.get(tid, {}))
    for rule in form.equation_rules:
        table, values = form.tables[rule.table], tables.get(rule.table, {})
        for eq in form.equations(rule.table):
            violation = eq.violation(values) if eq.rule == rule.id else None
            if violation:
                findings.append(wrong_cell(rule.id, ERROR, table, *violation, rule.message))
    return findings


SUSPECT = "C1"  # rule id: the likely mistyped cell


def suspect_findings(form: Form, tables: dict[str, TableValues]) -> list[Finding]:
    """C1: a typed cell that is in every failing equation of its table, in no equation
    that holds, and whose one corrected value would make all of them hold: the cell a
    clerk most likely mistyped (a row total and a column total both off by the same)."""
    findings = []
    for tid, table in form.tables.items():
        values = tables.get(tid, {})
        equations = form.equations(tid)
        failing = [eq for eq in equations if eq.violation(values)]
        if len(failing) < 2:
            continue
        for cell in table.typed(values):
            containing = [eq for eq in equations if cell in eq.left + eq.right]
            if containing != [eq for eq in failing if cell in eq.left + eq.right] \
                    or len(containing) != len(failing):
                continue  # an equation of it holds, or one that fails is not about it
            fixes = {eq.fixed(cell, values) for eq in failing}
            fixed = fixes.pop() if len(fixes) == 1 else None
            if fixed is None:
                continue
            found = format_value(values.get(cell))
            row, column = table.row(cell[0]).label, table.column_label(cell[1])
            right = format_value(fixed)
            findings.append(Finding(
                SUSPECT, WARNING, table.key, row, column, right, found,
                f"可能填错的格：{table.describe(*cell)} 填的是 {found}，若为 {right}，"
                f"下列 {len(failing)} 处总计与勾稽关系都相符"))
    return findings
