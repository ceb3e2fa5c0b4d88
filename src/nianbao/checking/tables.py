"""The table rules of the form (R2.1–R4.1) applied to a report's cells, whatever they
came from: a data file, a rendered document, a clerk's hand-made table. Errors."""

from __future__ import annotations

from nianbao.spec.findings import ERROR, Finding, wrong_cell
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
