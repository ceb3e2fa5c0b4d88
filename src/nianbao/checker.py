"""Checking a report: reading plus rules.

`table_findings` applies the form's rules (format.md §7) to table values, whatever
they came from: a data file, a rendered document, a clerk's hand-made table.
"""

from __future__ import annotations

from decimal import Decimal

from .form import Form, Table
from .rules import Equation, Finding, TableValues, Value, equations
from .values import format_value, type_problem


def _is_number(value: Value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _type_findings(form: Form, rule_id: str, message: str, table: Table,
                   values: TableValues) -> list[Finding]:
    findings = []
    for cell in table.cells():
        if cell.key not in values:  # not read at all: reported as a missing row or column
            continue
        value = values[cell.key]
        problem = type_problem(cell.column.type, value)
        if problem:
            findings.append(Finding(
                rule_id, "error", table.key, cell.row.label, _column_label(table, cell.key[1]),
                "0" if value is None else None, format_value(value) if value is not None else "",
                f"{table.describe(*cell.key)}：{problem}（{message}）"))
    return findings


def _column_label(table: Table, column_id: str) -> str:
    column = table.column(column_id)
    return column.full_label if table.layout == "single_row" else column.label


def _equation_finding(table: Table, eq: Equation, message: str,
                      values: TableValues) -> Finding | None:
    cells = eq.left + eq.right
    if not all(_is_number(values.get(k)) for k in cells):
        return None
    left = sum(values[k] for k in eq.left)  # type: ignore[misc]
    right = sum(values[k] for k in eq.right)  # type: ignore[misc]
    if left == right:
        return None
    if len(eq.left) == 1:  # a sum: the total is the cell that is wrong or right
        cell, expected, found = eq.left[0], right, values[eq.left[0]]
    else:  # a balance: name the last term, the one that balances the others
        cell = eq.right[-1]
        found = values[cell]
        expected = left - (right - found)  # type: ignore[operator]
    row = table.row(cell[0]).label
    return Finding(eq.rule, "error", table.key, row, _column_label(table, cell[1]),
                   format_value(expected), format_value(found),  # type: ignore[arg-type]
                   f"{table.describe(*cell)}：应为 {format_value(expected)}，"  # type: ignore[arg-type]
                   f"实为 {format_value(found)}（{message}）")


def table_findings(form: Form, tables: dict[str, TableValues]) -> list[Finding]:
    """Every rule of the form applied to the tables; cells that are not numbers are
    reported by the type rules and left out of the sums."""
    findings: list[Finding] = []
    for rule in form.rules:
        if rule.kind == "type":
            for tid in rule.spec["tables"]:
                findings += _type_findings(form, rule.id, rule.spec["message"],
                                           form.tables[tid], tables.get(tid, {}))
    for rule in form.rules:
        if rule.kind in ("sum", "balance"):
            tid = rule.spec["table"]
            for eq in equations(form, tid):
                if eq.rule == rule.id:
                    finding = _equation_finding(form.tables[tid], eq, rule.spec["message"],
                                                tables.get(tid, {}))
                    if finding:
                        findings.append(finding)
    return findings
